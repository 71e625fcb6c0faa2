"""Importing patients from messy real-world files: encodings, delimiters, bad cells, families, re-runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from orca_desk.cli import main
from orca_desk.db import Database
from orca_desk.models.audit import AuditEvent
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import Actor, create_staff_user
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.importing.mapping import GENERIC, OPEN_DENTAL, Mapping, load_mapping
from orca_desk.services.importing.patients import OPEN_DENTAL_SOURCE, import_patients
from orca_desk.services.importing.report import ImportReport
from orca_desk.services.importing.table import read_table
from tests.factories import make_world

NOW = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)

OD_HEADER = (
    "PatNum,LName,FName,MiddleI,Preferred,PatStatus,Birthdate,HmPhone,WkPhone,WirelessPhone,Email,"
    "Guarantor,TxtMsgOk,Language,ChartNumber,ApptModNote,MedUrgNote,Address,City,State,Zip\n"
)


def _run(
    db: Database, actor: Actor | None, data: bytes, mapping: Mapping = GENERIC, *, dry_run: bool = False
) -> ImportReport:
    with db.write() as session:
        clinic_id = session.scalar(select(func.min(Patient.clinic_id))) or 1
        return import_patients(
            session,
            actor,
            read_table(data),
            mapping,
            clinic_id=clinic_id,
            region="US",
            source_name="test.csv",
            now=NOW,
            dry_run=dry_run,
        )


def _patients(db: Database) -> dict[str, Patient]:
    with db.read() as session:
        rows = session.scalars(select(Patient).where(Patient.external_id.is_not(None))).all()
        return {p.external_id or "": p for p in rows}


@pytest.fixture
def clinic_db(db: Database) -> Database:
    with db.write() as session:
        make_world(session, patients=1)
    return db


def test_generic_file_with_bom_semicolons_and_quoted_newlines(clinic_db: Database, manager: Actor) -> None:
    text = (
        "External_ID;First_Name;Last_Name;Date_of_Birth;Mobile_Phone;Email;SMS_Consent;Language;Notes;"
        "Guardian_First_Name;Guardian_Last_Name;Guardian_Phone;Guardian_Relationship\n"
        'P1;Mila;Rivera;04/02/2013;(617) 555-0142;;yes;es;"Prefers\nafternoons; after school";'
        "Ana;Rivera;617-555-0143;mother\n"
        "P2;Leo;Rivera;2015-09-30;;;no;;;Ana;Rivera;617-555-0143;\n"
    )
    report = _run(clinic_db, manager, b"\xef\xbb\xbf" + text.encode())
    assert (report.created, len(report.rejected), report.delimiter, report.guardians) == (2, 0, ";", 1)
    got = _patients(clinic_db)
    mila, leo = got["P1"], got["P2"]
    assert mila.date_of_birth == date(2013, 4, 2)  # a US clinic writes month first
    assert mila.phone == "+16175550142"
    assert mila.contact_phone == "+16175550143"  # the guardian receives the texts
    assert mila.notes == "Prefers\nafternoons; after school"
    assert (mila.language, mila.sms_consent, mila.sms_consent_source) == ("es", True, "imported from a file")
    # Same guardian name and phone: one responsible party, with every detail either row gave.
    assert (leo.guardian_name, leo.guardian_relation) == ("Ana Rivera", "mother")


def test_windows_1252_and_tabs(clinic_db: Database, manager: Actor) -> None:
    text = "external_id\tfirst_name\tlast_name\nW1\tJosé\tPeña\n"
    report = _run(clinic_db, manager, text.encode("cp1252"))
    assert (report.encoding, report.delimiter, report.created) == ("windows-1252", "\t", 1)
    assert _patients(clinic_db)["W1"].first_name == "José"


def test_bad_cells_are_rejected_with_line_and_reason_and_the_rest_imported(
    clinic_db: Database, manager: Actor
) -> None:
    text = (
        "external_id,first_name,last_name,date_of_birth,phone,email,sms_consent\n"
        "B1,Good,Row,2012-01-05,617-555-0100,a@example.com,yes\n"
        "B2,Bad,Phone,2012-01-05,12345,,no\n"
        "B3,Impossible,Date,2013-02-30,,,no\n"
        "B4,Two,Digits,03/04/09,,,no\n"
        "B5,Bad,Email,,,not-an-email,no\n"
        "B1,Duplicate,Row,,,,no\n"
        ",,Nameless,,,,no\n"
        "B8,No,Phone,,,,yes\n"
        "B9,Maybe,Consent,,,,perhaps\n"
    )
    report = _run(clinic_db, manager, text.encode())
    reasons = {r.line: r.reason for r in report.rejected}
    assert report.created == 1
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "phone" in reasons[3] and "12345" in reasons[3]
    assert "2013-02-30" in reasons[4] and "not a real date" in reasons[4]
    assert "two-digit year" in reasons[5]
    assert "email" in reasons[6]
    assert "already appears on line 2" in reasons[7]
    assert "required" in reasons[8]
    assert "no phone number to text" in reasons[9]
    assert "perhaps" in reasons[10]
    assert set(_patients(clinic_db)) == {"B1"}


def test_dry_run_writes_nothing_and_reimport_changes_nothing(clinic_db: Database, manager: Actor) -> None:
    data = b"external_id,first_name,last_name,phone\nR1,Ava,Jones,617-555-0101\nR2,Ben,Jones,617-555-0102\n"
    dry = _run(clinic_db, None, data, dry_run=True)
    assert (dry.created, dry.updated) == (2, 0)
    assert _patients(clinic_db) == {}
    first = _run(clinic_db, manager, data)
    assert first.created == 2
    again = _run(clinic_db, manager, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = data.replace(b"Ben,Jones,617-555-0102", b"Benjamin,Jones,617-555-0102")
    third = _run(clinic_db, manager, changed)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert _patients(clinic_db)["R2"].first_name == "Benjamin"
    with clinic_db.read() as session:
        imports = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert [e.actor for e in imports] == ["manager"] * 3


def test_an_import_never_revokes_consent_given_since(clinic_db: Database, manager: Actor) -> None:
    data = b"external_id,first_name,last_name,phone,sms_consent\nC1,Ava,Jones,617-555-0101,no\n"
    _run(clinic_db, manager, data)
    with clinic_db.write() as session:
        p = session.scalar(select(Patient).where(Patient.external_id == "C1"))
        assert p is not None
        p.sms_consent, p.sms_consent_source = True, "phone call"
    report = _run(clinic_db, manager, data)
    assert report.unchanged == 1
    assert _patients(clinic_db)["C1"].sms_consent_source == "phone call"


def test_a_failure_part_way_leaves_nothing(
    clinic_db: Database, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        _run(clinic_db, manager, b"external_id,first_name,last_name\nF1,A,B\nF2,C,D\n")
    assert _patients(clinic_db) == {}


def test_only_staff_who_may_import(clinic_db: Database, receptionist: Actor) -> None:
    with pytest.raises(PermissionDenied, match="import"):
        _run(clinic_db, receptionist, b"external_id,first_name,last_name\nX1,A,B\n")
    with pytest.raises(PermissionDenied):
        _run(clinic_db, None, b"external_id,first_name,last_name\nX1,A,B\n")


def test_missing_columns_name_the_file_columns(clinic_db: Database, manager: Actor) -> None:
    with pytest.raises(ValidationError, match=r"no column 'first_name'.*Nombre"):
        _run(clinic_db, manager, b"Nombre,Apellido\nAna,Ruiz\n")


def test_a_mapping_file_names_the_clinic_columns(clinic_db: Database, manager: Actor, tmp_path: Path) -> None:
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text('[columns]\nfirst_name = "Nombre"\nlast_name = "Apellido"\nexternal_id = "ID"\n')
    report = _run(clinic_db, manager, b"ID,Nombre,Apellido\nM1,Ana,Ruiz\n", load_mapping(str(mapping_file)))
    assert report.created == 1
    mapping_file.write_text('[columns]\nfavourite_colour = "Color"\n')
    with pytest.raises(ValidationError, match="favourite_colour"):
        load_mapping(str(mapping_file))


def test_open_dental_guarantors_after_the_patient_and_chained(clinic_db: Database, manager: Actor) -> None:
    rows = (
        # Mila's guarantor (12) stands after her; 12's own guarantor is 10, the head of household.
        "11,Rivera,Mila,,,0,2013-04-02,,,(617) 555-0142,,12,1,spa,C-11,,Latex allergy,,,,\n"
        "13,Rivera,Leo,,Leo,0,0001-01-01,,,,,11,0,eng,C-13,,,,,,\n"
        "12,Rivera,Carlos,,,1,1980-01-01,617-555-0143,,,carlos@example.com,10,2,spa,,,,,,,\n"
        "10,Rivera,Ana,,,0,1979-05-05,,,617 555 0144,ana@example.com,10,1,spa,,,,,,,\n"
        "14,Old,Gone,,,4,2001-01-01,,,,,14,0,,,,,,,,\n"
        "15,Lone,Kid,,,0,2014-01-01,,,617 555 0145,,99,1,,,,,,,,\n"
        "16,Inactive,Kid,,,2,2014-01-01,,,,,16,0,,,,,,,,\n"
    )
    report = _run(clinic_db, manager, (OD_HEADER + rows).encode(), OPEN_DENTAL)
    assert (report.created, report.skipped, len(report.rejected)) == (5, 2, 0)  # Deleted and NonPatient
    got = _patients(clinic_db)
    assert "12" not in got and "14" not in got
    mila, leo, ana = got["11"], got["13"], got["10"]
    for child in (mila, leo):
        assert (child.guardian_name, child.contact_phone) == ("Ana Rivera", "+16175550144")
    assert ana.guardian_name is None and ana.contact_phone == "+16175550144"
    assert mila.notes == "Medical: Latex allergy"
    assert (mila.sms_consent, mila.sms_consent_source, mila.language) == (True, OPEN_DENTAL_SOURCE, "es")
    assert leo.date_of_birth is None and leo.preferred_name == "Leo" and not leo.sms_consent
    assert got["16"].is_active is False
    assert any("guarantor 99 is not in the file" in w for w in report.warnings)
    assert got["15"].guardian_name is None


def test_twenty_thousand_rows(clinic_db: Database, manager: Actor) -> None:
    lines = [
        "external_id,first_name,last_name,date_of_birth,phone,guardian_external_id,guardian_first_name,"
        "guardian_last_name,guardian_phone"
    ]
    for i in range(20_000):
        family = i // 2
        lines.append(
            f"N{i},Kid{i},Family{family},2012-01-{1 + i % 28:02d},,G{family},Pat,Family{family},"
            f"+1617{5550000 + family % 10000:07d}"
        )
    data = "\n".join(lines).encode()
    report = _run(clinic_db, manager, data)
    assert (report.created, len(report.rejected), report.guardians) == (20_000, 0, 10_000)
    again = _run(clinic_db, None, data, dry_run=True)
    assert again.unchanged == 20_000


@pytest.mark.postgres
def test_import_on_postgres(pg_db: Database, manager: Actor) -> None:
    with pg_db.write() as session:
        make_world(session, patients=1)
    data = (
        "external_id,first_name,last_name,phone\nPG1,Zoë,Ng,617-555-0101\nPG2,Ana,Ng,617-555-0101\n".encode()
    )
    assert _run(pg_db, manager, data).created == 2
    assert _run(pg_db, manager, data).unchanged == 2


def test_import_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    monkeypatch.setenv("ORCA_DESK_PASSWORD", "a-long-password-1")

    def orca(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--database-url", url])
        out, err = capsys.readouterr()
        return code, out, err

    assert orca("db", "upgrade")[0] == 0
    database = Database(url)
    with database.write() as session:
        w = make_world(session, patients=0)
        create_staff_user(session, w.clinic.id, "dana", "Dana Brooks", "a-long-password-1", "manager")
    source = tmp_path / "od.csv"
    source.write_text(OD_HEADER + "21,Kim,Jin,,,0,2012-02-02,,,617 555 0150,,21,1,,,,,,,,\n")
    code, out, err = orca("import", "patients", str(source), "--mapping", "open-dental", "--dry-run")
    assert code == 0, err
    assert "1 would be created" in out
    code, out, err = orca("import", "patients", str(source), "--mapping", "open-dental")
    assert code == 2 and "--user" in err
    code, out, err = orca("import", "patients", str(source), "--mapping", "open-dental", "--user", "dana")
    assert code == 0, err
    assert "1 were created" in out
    assert set(_patients(database)) == {"21"}
    code, out, err = orca("import", "patients", str(tmp_path / "missing.csv"), "--dry-run")
    assert code == 2 and "orca-desk: error: There is no file" in err


def test_dates_and_phones_follow_the_clinic_country() -> None:
    from orca_desk.services.importing.values import CellError, parse_date, parse_phone

    assert parse_date("04/02/2013", region="US") == date(2013, 4, 2)
    assert parse_date("04/02/2013", region="GB") == date(2013, 2, 4)
    assert parse_date("2013-02-04", region="GB") == date(2013, 2, 4)
    with pytest.raises(CellError, match="not a real date"):
        parse_date("13/02/2013", region="US")
    assert parse_phone("020 7946 0018", region="GB") == "+442079460018"
    assert parse_phone("+1 617 555 0142", region="GB") == "+16175550142"


def test_a_row_without_a_language_takes_the_clinics_and_a_reimport_keeps_the_desks(
    clinic_db: Database, manager: Actor
) -> None:
    """A Madrid practice's file without languages: its new patients read Spanish; a later file that
    still says nothing leaves the language the desk set since."""
    from orca_desk.models.clinic import Clinic

    with clinic_db.write() as session:
        for clinic in session.scalars(select(Clinic)):
            clinic.language = "es"
    header = "External_ID,First_Name,Last_Name,Date_of_Birth,Language\n"
    _run(clinic_db, manager, (header + "P7,Lucía,Gómez,2013-04-02,\nP8,Tom,Hill,2012-01-05,en\n").encode())
    got = _patients(clinic_db)
    assert (got["P7"].language, got["P8"].language) == ("es", "en")
    with clinic_db.write() as session:
        session.get(Patient, got["P7"].id).language = "pt"  # the family asked at the desk
    report = _run(clinic_db, manager, (header + "P7,Lucía,Gómez,2013-04-02,\n").encode())
    assert report.updated == 0 and _patients(clinic_db)["P7"].language == "pt"
