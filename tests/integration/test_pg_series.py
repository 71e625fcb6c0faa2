"""PostgreSQL: the issue 18 series paths (change all with its preview, skipped dates as tasks)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.reminders import StaffTask
from orca_desk.models.series import RecurringSeries
from orca_desk.services import recurrence
from orca_desk.services.series import (
    SKIP_TASK,
    SeriesChange,
    create_series,
    extend_horizons,
    modify_series,
    preview_series_change,
)
from tests.factories import book, make_world

pytestmark = pytest.mark.postgres
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
NOAH = datetime(2026, 3, 10, 15, 45, tzinfo=NY)


def _active(s, series_ids):
    return list(
        s.scalars(
            select(Appointment)
            .where(Appointment.series_id.in_(series_ids), Appointment.status == "scheduled")
            .order_by(Appointment.start_at)
        )
    )


def test_change_all_with_preview_and_skip_tasks_on_postgresql(pg_db, manager):
    with pg_db.write() as s:
        w = make_world(s)
        kw = {
            "patient_id": w.patients[0].id,
            "provider_id": w.hygienist.id,
            "chair_id": w.chairs[0].id,
            "type_id": w.adjustment.id,
            "minutes": 20,
        }
        sid = create_series(s, manager, **kw, rrule="FREQ=WEEKLY;COUNT=6", dtstart=NOAH, now=NOW)
    with pg_db.write() as s:
        child = modify_series(
            s,
            manager,
            _active(s, [sid])[3].id,
            scope="following",
            now=NOW,
            change=SeriesChange(start_time=time(10, 0)),
        )
    with pg_db.write() as s:
        first = _active(s, [sid])[0].id
        plan = preview_series_change(s, manager, first, scope="all", change=SeriesChange(minutes=30), now=NOW)
        assert plan.error is None and len(plan.rows) == 6
        assert {a.end_at - a.start_at for a in _active(s, [sid, child])} == {timedelta(minutes=20)}
    with pg_db.write() as s:
        modify_series(s, manager, first, scope="all", change=SeriesChange(minutes=30), now=NOW)
    with pg_db.read() as s:
        ids = list(s.scalars(select(RecurringSeries.id)))
        appts = _active(s, ids)
        assert len(appts) == 6 and {a.end_at - a.start_at for a in appts} == {timedelta(minutes=30)}
    # A never-ending series whose 14th date is taken: skipped, and a staff task says so.
    with pg_db.write() as s:
        endless = create_series(
            s,
            manager,
            **(kw | {"chair_id": w.chairs[1].id}),
            rrule="FREQ=WEEKLY;INTERVAL=4",
            dtstart=NOAH + timedelta(days=1),
            now=NOW,
        )
        fourteenth = recurrence.occurrences("FREQ=WEEKLY;INTERVAL=4", NOAH + timedelta(days=1), limit=14)[13]
        book(s, manager, w, start=fourteenth, now=NOW, patient=1, chair=1)
        report = extend_horizons(s, now=NOW + timedelta(days=60))
        assert [sk[0] for sk in report.skipped] == [endless]
    with pg_db.read() as s:
        assert s.scalar(select(func.count()).select_from(StaffTask).where(StaffTask.kind == SKIP_TASK)) == 1
