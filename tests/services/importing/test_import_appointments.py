"""Importing appointments: names resolved, local times, conflicts reported and never forced, history kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.reminders import PlannedReminder
from orca_desk.services.access.security import Actor
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.importing.appointments import import_appointments
from orca_desk.services.importing.report import ImportReport
from orca_desk.services.importing.table import read_table
from orca_desk.services.reminders import seed_default_sequences
from tests.factories import World, make_world

NOW = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)  # 09:00 in New York
HEADER = "external_id,patient_external_id,start,minutes,type,provider,location,chair,status,confirmed,notes\n"


@pytest.fixture
def world_db(db: Database) -> tuple[Database, World]:
    with db.write() as session:
        w = make_world(session, patients=3)
        for i, p in enumerate(w.patients):
            p.external_id = f"P{i}"
        seed_default_sequences(session, w.clinic.id, now=NOW)
    return db, w


def _run(db: Database, w: World, actor: Actor | None, rows: str, *, dry_run: bool = False) -> ImportReport:
    with db.write() as session:
        return import_appointments(
            session,
            actor,
            read_table((HEADER + rows).encode()),
            clinic_id=w.clinic.id,
            region="US",
            source_name="appts.csv",
            now=NOW,
            dry_run=dry_run,
        )


def _appointments(db: Database) -> dict[str, Appointment]:
    with db.read() as session:
        return {a.external_id or "": a for a in session.scalars(select(Appointment))}


def test_future_visits_are_booked_in_local_time_with_reminders(
    world_db: tuple[Database, World], manager: Actor
) -> None:
    db, w = world_db
    rows = (
        "A1,P0,2026-03-10 15:30,20,adjustment,dr. chen,Northside,Chair 1,scheduled,yes,Bring retainer\n"
        "A2,P1,03/10/2026 3:30 PM,,Adjustment,Dr. Chen,northside,chair 2,,no,\n"
    )
    report = _run(db, w, manager, rows)
    assert (report.created, len(report.rejected)) == (2, 0), report.rejected
    got = _appointments(db)
    # 15:30 in New York on 10 March (daylight time since the 8th) is 19:30 UTC; an empty length is the
    # type's default.
    assert got["A1"].start_at == datetime(2026, 3, 10, 19, 30, tzinfo=UTC)
    assert (got["A1"].status, got["A1"].confirmation, got["A1"].notes) == (
        "confirmed",
        "confirmed",
        "Bring retainer",
    )
    assert (
        got["A2"].start_at == got["A1"].start_at
        and (got["A2"].end_at - got["A2"].start_at).seconds == 20 * 60
    )
    with db.read() as session:
        planned = session.scalars(select(PlannedReminder.appointment_id)).all()
    assert {got["A1"].id, got["A2"].id} <= set(planned)


def test_conflicts_are_reported_not_forced(world_db: tuple[Database, World], manager: Actor) -> None:
    db, w = world_db
    rows = (
        "C1,P0,2026-03-10 10:00,30,Adjustment,Dr. Chen,Northside,Chair 1,scheduled,no,\n"
        "C2,P1,2026-03-10 10:15,30,Adjustment,Priya Shah,Northside,Chair 1,scheduled,no,\n"  # chair taken
        "C3,P0,2026-03-10 10:10,20,Adjustment,Priya Shah,Northside,Chair 2,scheduled,no,\n"  # patient busy
    )
    report = _run(db, w, manager, rows)
    assert report.created == 1
    reasons = {r.line: r.reason for r in report.rejected}
    assert "Chair 1 is taken" in reasons[3]
    assert "already has an appointment" in reasons[4]
    assert set(_appointments(db)) == {"C1"}


def test_bad_rows_name_what_is_wrong(world_db: tuple[Database, World], manager: Actor) -> None:
    db, w = world_db
    rows = (
        "B1,P9,2026-03-10 10:00,30,Adjustment,Dr. Chen,Northside,Chair 1,,,\n"
        "B2,P0,2026-03-10 10:00,30,Adjustment,Dr. Who,Northside,Chair 1,,,\n"
        "B3,P0,2026-03-10 10:00,30,Adjustment,Dr. Chen,Southside,Chair 1,,,\n"
        "B4,P0,2026-03-10 10:00,30,Adjustment,Dr. Chen,Northside,Chair 9,,,\n"
        "B5,P0,2026-03-08 02:30,30,Adjustment,Dr. Chen,Northside,Chair 1,,,\n"
        "B6,P0,2026-03-10 10:00,900,Adjustment,Dr. Chen,Northside,Chair 1,,,\n"
        "B7,P0,2026-03-10 10:00,30,Adjustment,Dr. Chen,Northside,Chair 1,completed,,\n"
        "B8,P0,10/03/26 10:00,30,Adjustment,Dr. Chen,Northside,Chair 1,,,\n"
        "B9,P0,2026-03-10 10:00,30,Adjustment,Dr. Chen,Northside,Chair 1,pending,,\n"
    )
    report = _run(db, w, manager, rows)
    reasons = {r.line: r.reason for r in report.rejected}
    assert report.created == 0 and len(reasons) == 9
    assert "P9" in reasons[2]
    assert "Dr. Who" in reasons[3]
    assert "Southside" in reasons[4]
    assert "Chair 9" in reasons[5]
    assert "does not exist" in reasons[6]  # 02:30 on the spring-forward night
    assert "900" in reasons[7]
    assert "has not happened yet" in reasons[8]
    assert "two-digit year" in reasons[9]
    assert "pending" in reasons[10]


def test_history_is_kept_without_checks_and_reimport_changes_nothing(
    world_db: tuple[Database, World], manager: Actor
) -> None:
    db, w = world_db
    rows = (
        "H1,P0,2025-11-04 10:00,30,Adjustment,Dr. Chen,Northside,Chair 1,completed,yes,\n"
        "H2,P1,2025-11-04 10:00,30,Adjustment,Dr. Chen,Northside,Chair 1,broken,no,\n"
        "F1,P2,2026-03-12 16:00,20,Adjustment,Dr. Chen,Northside,Chair 1,cancelled,no,\n"
    )
    first = _run(db, w, manager, rows)
    assert (first.created, len(first.rejected)) == (3, 0), first.rejected
    got = _appointments(db)
    assert (got["H1"].status, got["H2"].status, got["F1"].status) == ("completed", "no_show", "cancelled")
    again = _run(db, w, manager, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    moved = _run(
        db,
        w,
        manager,
        rows.replace(
            "2026-03-12 16:00,20,Adjustment,Dr. Chen,Northside,Chair 1,cancelled",
            "2026-03-12 16:30,20,Adjustment,Dr. Chen,Northside,Chair 1,scheduled",
        ),
    )
    assert (moved.updated, moved.unchanged) == (1, 2)
    assert _appointments(db)["F1"].start_at == datetime(2026, 3, 12, 20, 30, tzinfo=UTC)


def test_dry_run_reports_exactly_and_writes_nothing(world_db: tuple[Database, World], manager: Actor) -> None:
    db, w = world_db
    rows = (
        "D1,P0,2026-03-10 10:00,30,Adjustment,Dr. Chen,Northside,Chair 1,,,\n"
        "D2,P1,2026-03-10 10:00,30,Adjustment,Priya Shah,Northside,Chair 1,,,\n"
    )
    dry = _run(db, w, None, rows, dry_run=True)
    assert (dry.created, len(dry.rejected)) == (1, 1)  # the conflict between the file's own rows is found
    assert _appointments(db) == {}
    with db.read() as session:
        assert session.scalars(select(PlannedReminder)).first() is None
    with pytest.raises(PermissionDenied):
        _run(db, w, None, rows)


def test_missing_columns_are_named(world_db: tuple[Database, World], manager: Actor) -> None:
    db, w = world_db
    with db.write() as session, pytest.raises(ValidationError, match="chair"):
        import_appointments(
            session,
            manager,
            read_table(b"external_id,patient_external_id,start,type,provider,location\n"),
            clinic_id=w.clinic.id,
            region="US",
            source_name="x.csv",
            now=NOW,
        )
