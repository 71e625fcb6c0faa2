"""Writing a plan: applied slots in bulk and the application row, idempotent by day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from orca_desk.models.base import Base
from orca_desk.models.template import TemplateApplication
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_TEMPLATES, Actor
from orca_desk.services.availability import (
    from_epoch,
)
from orca_desk.services.bulk import (
    insert_tuples,
)
from orca_desk.services.template_engine.planning import plan_application
from orca_desk.services.template_engine.plans import (
    _BATCH_ROWS,
    ApplicationPlan,
    ApplyParams,
    ApplyResult,
    Cancel,
    PlannedSlot,
    Progress,
)

# ----- applying ----------------------------------------------------------------------------


_COLUMNS = (
    "application_id",
    "template_slot_id",
    "provider_id",
    "chair_id",
    "location_id",
    "day",
    "start_at",
    "end_at",
    "start_minute",
    "end_minute",
    "type_id",
    "block_reason",
    "status",
)
_EPOCH = datetime(1970, 1, 1)


class _Formatted(dict[Any, str]):
    """``render`` memoized: a year of slots for 40 providers shares a few thousand instants and days."""

    def __init__(self, render: Callable[[Any], str]) -> None:
        super().__init__()
        self.render = render

    def __missing__(self, key: Any) -> str:
        text = self[key] = self.render(key)
        return text


def _same(value: Any) -> Any:
    return value


def _sqlite_instant(em: int) -> str:
    """Epoch minutes as the naive-UTC text UTCDateTime stores on SQLite ("2026-11-18 13:00:00.000000")."""
    return f"{_EPOCH + timedelta(minutes=em):%Y-%m-%d %H:%M}:00.000000"


def _insert(session: Session, application_id: int, slots: list[PlannedSlot]) -> None:
    """Write a batch of applied slots with one executemany."""
    sqlite = session.connection().dialect.name == "sqlite"
    instant: Callable[[int], object] = from_epoch
    day: Callable[[date], object] = _same
    if sqlite:
        # The stored text is formatted here, once per distinct value: no datetime objects and
        # no per-value type processing for tens of thousands of rows.
        instant, day = _Formatted(_sqlite_instant).__getitem__, _Formatted(date.isoformat).__getitem__
    rows = [
        (
            application_id,
            s.template_slot_id,
            s.provider_id,
            s.chair_id,
            s.location_id,
            day(s.day),
            instant(s.start_em),
            instant(s.end_em),
            s.start_minute,
            s.end_minute,
            s.type_id,
            s.block_reason,
            "open",
        )
        for s in slots
    ]
    insert_tuples(session, Base.metadata.tables["applied_slot"], _COLUMNS, rows, sqlite_ready=sqlite)


def _new_application(
    session: Session, actor: Actor, params: ApplyParams, plan: ApplicationPlan, *, now: datetime
) -> TemplateApplication:
    app = TemplateApplication(
        template_id=params.template_id,
        version_id=plan.version_id,
        provider_ids=list(params.provider_ids),
        chair_ids=list(params.chair_ids),
        location_id=params.location_id,
        start_day=params.start_day,
        end_day=params.end_day,
        weekdays=sorted(set(params.weekdays)),
        rotation_start=plan.rotation_start,
        created_count=0,
        created_by=actor.username,
        created_at=now,
    )
    session.add(app)
    session.flush()
    return app


def _write_days(
    session: Session,
    application_id: int,
    by_day: dict[date, list[PlannedSlot]],
    days: Sequence[date],
    *,
    cancel: Cancel | None,
    on_day: Callable[[date], None] | None = None,
) -> tuple[int, int, bool]:
    """Write whole days of slots in bulk; (slots created, days done, cancelled)."""
    batch: list[PlannedSlot] = []
    created = done = 0
    cancelled = False
    for day in days:
        if cancel is not None and cancel():
            cancelled = True
            break
        batch.extend(by_day.get(day, ()))
        done += 1
        if len(batch) >= _BATCH_ROWS:
            _insert(session, application_id, batch)
            created += len(batch)
            batch = []
        if on_day is not None:
            on_day(day)
    if batch:
        _insert(session, application_id, batch)
        created += len(batch)
    return created, done, cancelled


def apply_template(
    session: Session,
    actor: Actor,
    plan_or_params: ApplicationPlan | ApplyParams,
    *,
    now: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ApplyResult:
    """Create the planned slots, day by day, in bulk; re-applying the same dates creates nothing new.

    The plan is recomputed (someone may have booked since the dry run). Slots are written a
    whole day at a time and ``cancel`` is asked between days, so a cancelled run leaves whole
    days applied and none half-applied; the caller's transaction commits what was written.
    For long ranges prefer ``apply_template_in_chunks``: one transaction here holds SQLite's
    write lock for the whole run.
    """
    actor.require(MANAGE_TEMPLATES)
    params = plan_or_params.params if isinstance(plan_or_params, ApplicationPlan) else plan_or_params
    plan = plan_application(session, params, now=now)
    by_day: dict[date, list[PlannedSlot]] = defaultdict(list)
    for s in plan.create:
        by_day[s.day].append(s)
    days = sorted(by_day)
    total = len(days)
    if progress is not None:
        progress(0, total)
    if not days:
        return ApplyResult(None, 0, 0, 0, False, plan.counts)
    app = _new_application(session, actor, params, plan, now=now)
    done_days: list[date] = []

    def on_day(day: date) -> None:
        done_days.append(day)
        if progress is not None:
            progress(len(done_days), total)

    created, done, cancelled = _write_days(session, app.id, by_day, days, cancel=cancel, on_day=on_day)
    app.created_count = created
    session.flush()
    audit.record(
        session,
        actor,
        "apply",
        "template_application",
        app.id,
        now=now,
        after={
            "template": plan.template_name,
            "version": plan.version_number,
            "created": created,
            "days": done,
            "cancelled": cancelled,
            "skipped": plan.counts,
        },
    )
    return ApplyResult(
        app.id, created, done, total, cancelled, plan.counts, done_days[-1] if done_days else None
    )


# Days per transaction of a chunked run: on SQLite a chunk holds the write lock, so another
# desk's booking waits for one chunk (well under a second for a week of 40 providers), not
# for the whole run and its 30 s busy timeout.
CHUNK_DAYS = 7
Writer = Callable[[], AbstractContextManager[Session]]
