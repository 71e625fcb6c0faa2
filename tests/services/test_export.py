"""CSV export: patients and appointments in the import columns, local days, whole files only."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.services.errors import ValidationError
from orca_desk.services.exporting.export import (
    APPOINTMENT_COLUMNS,
    CSV_ENCODING,
    PATIENT_COLUMNS,
    appointment_rows,
    patient_rows,
    write_csv,
)
from tests.factories import World, make_world

NOW = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding=CSV_ENCODING, newline="") as handle:
        return list(csv.DictReader(handle))


def _visit(
    world: World, patient: Patient, start_utc: datetime, minutes: int = 20, **extra: object
) -> Appointment:
    end = start_utc + timedelta(minutes=minutes)
    return Appointment(
        clinic_id=world.clinic.id,
        patient_id=patient.id,
        provider_id=world.ortho.id,
        chair_id=world.chairs[0].id,
        location_id=world.location.id,
        type_id=world.adjustment.id,
        start_at=start_utc,
        end_at=end,
        created_at=NOW,
        updated_at=NOW,
        **extra,
    )


def test_appointments_are_exported_on_their_local_day(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        w = make_world(session)
        late = _visit(
            w, w.patients[0], datetime(2026, 3, 11, 3, 30, tzinfo=UTC), notes='Bring retainer, "top"'
        )
        next_day = _visit(
            w, w.patients[1], datetime(2026, 3, 11, 14, 0, tzinfo=UTC), confirmation="confirmed"
        )
        session.add_all([late, next_day])
        session.flush()
        out = tmp_path / "appts.csv"
        result = write_csv(
            out,
            APPOINTMENT_COLUMNS,
            appointment_rows(session, start_day=date(2026, 3, 10), end_day=date(2026, 3, 10)),
        )
    assert result.rows == 1
    (row,) = _read(out)
    # 03:30 UTC on the 11th is 23:30 on the 10th in New York.
    assert row["start"] == "2026-03-10 23:30"
    assert row["notes"] == 'Bring retainer, "top"'
    assert (row["type"], row["provider"], row["location"], row["chair"]) == (
        "Adjustment",
        "Dr. Chen",
        "Northside",
        "Chair 1",
    )
    assert (row["minutes"], row["confirmed"], row["status"]) == ("20", "no", "scheduled")


def test_patients_export_in_the_import_columns(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        w = make_world(session, patients=2)
        w.patients[0].guardian_name = "Ana María Smith"
        w.patients[0].guardian_phone = "+16175550199"
        w.patients[0].date_of_birth = date(2013, 5, 2)
        session.flush()
        out = tmp_path / "patients.csv"
        write_csv(out, PATIENT_COLUMNS, patient_rows(session))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    rows = {r["external_id"]: r for r in _read(out)}
    first = rows[f"orca:{w.patients[0].id}"]  # no other system's id: Orca Desk's own
    assert (first["guardian_first_name"], first["guardian_last_name"]) == ("Ana María", "Smith")
    assert first["date_of_birth"] == "2013-05-02"
    assert first["sms_consent"] == "yes"
    assert list(_read(out)[0].keys()) == list(PATIENT_COLUMNS)


def test_a_failed_export_leaves_no_file(db: Database, tmp_path: Path) -> None:
    def rows() -> Iterator[tuple[str, ...]]:
        yield ("1",) * len(PATIENT_COLUMNS)
        raise RuntimeError("disk unplugged")

    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        write_csv(folder / "patients.csv", PATIENT_COLUMNS, rows())
    assert list(folder.iterdir()) == []
    with pytest.raises(ValidationError, match="does not exist"):
        write_csv(tmp_path / "missing" / "x.csv", PATIENT_COLUMNS, iter(()))


def test_to_before_from_is_refused(db: Database) -> None:
    with db.read() as session, pytest.raises(ValidationError, match="before"):
        list(appointment_rows(session, start_day=date(2026, 3, 10), end_day=date(2026, 3, 1)))


def test_an_export_imports_back_onto_the_same_rows(db: Database, tmp_path: Path, manager) -> None:  # type: ignore[no-untyped-def]
    from orca_desk.services.importing.appointments import import_appointments
    from orca_desk.services.importing.mapping import GENERIC
    from orca_desk.services.importing.patients import import_patients
    from orca_desk.services.importing.table import read_table

    with db.write() as session:
        w = make_world(session, patients=3)
        for patient in w.patients:
            patient.phone = patient.contact_phone  # as create_patient leaves it: the number texted
        w.patients[0].external_id = "OD-17"  # came from another system: keeps that id
        session.add(_visit(w, w.patients[1], datetime(2026, 3, 10, 14, 0, tzinfo=UTC)))
        session.flush()
        write_csv(tmp_path / "p.csv", PATIENT_COLUMNS, patient_rows(session))
        write_csv(
            tmp_path / "a.csv", APPOINTMENT_COLUMNS, appointment_rows(session, start_day=None, end_day=None)
        )
    ids = {r["external_id"] for r in _read(tmp_path / "p.csv")}
    assert "OD-17" in ids and f"orca:{w.patients[1].id}" in ids
    with db.write() as session:
        patients = import_patients(
            session,
            manager,
            read_table(tmp_path / "p.csv"),
            GENERIC,
            clinic_id=w.clinic.id,
            region="US",
            source_name="p.csv",
            now=NOW,
        )
        visits = import_appointments(
            session,
            manager,
            read_table(tmp_path / "a.csv"),
            clinic_id=w.clinic.id,
            region="US",
            source_name="a.csv",
            now=NOW,
        )
    assert (patients.created, patients.updated, patients.unchanged, patients.rejected) == (0, 0, 3, ())
    assert (visits.created, visits.updated, visits.unchanged, visits.rejected) == (0, 0, 1, ())
    # An orca:<id> that names no row here comes from another Orca Desk database: refused, not created.
    foreign = b"external_id,first_name,last_name\norca:99999,Ana,Ruiz\n"
    with db.write() as session:
        report = import_patients(
            session,
            manager,
            read_table(foreign),
            GENERIC,
            clinic_id=w.clinic.id,
            region="US",
            source_name="x.csv",
            now=NOW,
        )
    assert report.created == 0 and "another Orca Desk database" in report.rejected[0].reason
