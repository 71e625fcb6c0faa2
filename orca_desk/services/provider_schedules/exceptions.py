"""Schedule exceptions: holidays, a provider's time off and extra working days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location
from orca_desk.models.schedule import TIME_OFF_TYPES, ScheduleException
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_SCHEDULES, Actor
from orca_desk.services.availability import zone_of
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.inputs import check_column_text
from orca_desk.services.provider_schedules.checks import check_minutes, check_span, get_provider
from orca_desk.services.provider_schedules.rows import ExceptionView


def _add_exception(session: Session, actor: Actor, *, now: datetime, **values: object) -> int:
    row = ScheduleException(created_at=now, **values)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        f"add_{row.kind}",
        "schedule_exception",
        row.id,
        now=now,
        after={k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()},
    )
    return row.id


def add_holiday(
    session: Session,
    actor: Actor,
    *,
    name: str,
    start_day: date,
    end_day: date | None = None,
    location_id: int | None = None,
    start_minute: int | None = None,
    end_minute: int | None = None,
    now: datetime,
) -> int:
    """A holiday for the whole clinic (no location) or one location; full or partial day."""
    actor.require(MANAGE_SCHEDULES)
    end_day = end_day or start_day
    if not name.strip():
        raise ValidationError("Name the holiday (e.g. Thanksgiving).", field="name")
    check_column_text(name.strip(), ScheduleException.name, field="name", label="The holiday's name")
    check_span(start_day, end_day, start_minute, end_minute)
    if location_id is not None and session.get(Location, location_id) is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    return _add_exception(
        session,
        actor,
        now=now,
        kind="holiday",
        provider_id=None,
        location_id=location_id,
        start_day=start_day,
        end_day=end_day,
        start_minute=start_minute,
        end_minute=end_minute,
        name=name.strip(),
    )


def add_time_off(
    session: Session,
    actor: Actor,
    *,
    provider_id: int,
    start_day: date,
    end_day: date | None = None,
    time_off_type: str = "vacation",
    name: str = "",
    start_minute: int | None = None,
    end_minute: int | None = None,
    now: datetime,
    source_uid: str | None = None,
) -> int:
    """A provider's time off (PTO): whole days, or part of one day."""
    actor.require(MANAGE_SCHEDULES)
    get_provider(session, provider_id)
    end_day = end_day or start_day
    if time_off_type not in TIME_OFF_TYPES:
        raise ValidationError(
            f"Unknown time-off type {time_off_type!r}; choose {', '.join(TIME_OFF_TYPES)}.",
            field="time_off_type",
        )
    check_column_text(name.strip(), ScheduleException.name, field="name", label="The time off's name")
    if source_uid is not None:
        check_column_text(
            source_uid, ScheduleException.source_uid, field="uid", label="The calendar event's UID"
        )
    check_span(start_day, end_day, start_minute, end_minute)
    return _add_exception(
        session,
        actor,
        now=now,
        kind="time_off",
        provider_id=provider_id,
        location_id=None,
        start_day=start_day,
        end_day=end_day,
        start_minute=start_minute,
        end_minute=end_minute,
        time_off_type=time_off_type,
        name=name.strip(),
        source_uid=source_uid,
    )


def add_extra_day(
    session: Session,
    actor: Actor,
    *,
    provider_id: int,
    location_id: int,
    day: date,
    start_minute: int,
    end_minute: int,
    name: str = "",
    now: datetime,
) -> int:
    """A one-off working day (or extra hours) outside the default week."""
    actor.require(MANAGE_SCHEDULES)
    get_provider(session, provider_id)
    loc = session.get(Location, location_id)
    if loc is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    zone_of(loc.timezone)
    check_column_text(name.strip(), ScheduleException.name, field="name", label="The extra day's name")
    check_span(day, day, None, None)
    check_minutes(start_minute, end_minute, "Extra day", "start_minute")
    return _add_exception(
        session,
        actor,
        now=now,
        kind="extra_day",
        provider_id=provider_id,
        location_id=location_id,
        start_day=day,
        end_day=day,
        start_minute=start_minute,
        end_minute=end_minute,
        name=name.strip(),
    )


def remove_exception(session: Session, actor: Actor, exception_id: int, *, now: datetime) -> None:
    actor.require(MANAGE_SCHEDULES)
    row = session.get(ScheduleException, exception_id)
    if row is None:
        raise NotFound(f"Exception #{exception_id} does not exist (already removed?).")
    before = {
        "kind": row.kind,
        "provider_id": row.provider_id,
        "start_day": row.start_day.isoformat(),
        "end_day": row.end_day.isoformat(),
        "name": row.name,
    }
    session.delete(row)
    session.flush()
    audit.record(
        session, actor, "remove_exception", "schedule_exception", exception_id, now=now, before=before
    )


def list_exceptions(
    session: Session,
    *,
    provider_id: int | None = None,
    start_day: date | None = None,
    end_day: date | None = None,
) -> list[ExceptionView]:
    """Holidays (always) plus the provider's time off and extra days (all when None), by date."""
    q = select(
        ScheduleException.id,
        ScheduleException.kind,
        ScheduleException.provider_id,
        ScheduleException.location_id,
        ScheduleException.start_day,
        ScheduleException.end_day,
        ScheduleException.start_minute,
        ScheduleException.end_minute,
        ScheduleException.time_off_type,
        ScheduleException.name,
    )
    if provider_id is not None:
        q = q.where((ScheduleException.provider_id == provider_id) | ScheduleException.provider_id.is_(None))
    if start_day is not None:
        q = q.where(ScheduleException.end_day >= start_day)
    if end_day is not None:
        q = q.where(ScheduleException.start_day <= end_day)
    return [
        ExceptionView(*tuple(r))
        for r in session.execute(q.order_by(ScheduleException.start_day, ScheduleException.id))
    ]
