"""Import a provider's time off from the events of an .ics calendar file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location
from orca_desk.models.schedule import TIME_OFF_TYPES, ScheduleException, SchedulePeriod
from orca_desk.services.access.security import MANAGE_SCHEDULES, Actor
from orca_desk.services.availability import DAY_MINUTES, zone_of
from orca_desk.services.errors import ValidationError
from orca_desk.services.inputs import column_length, strip_control
from orca_desk.services.provider_schedules.checks import EARLIEST_DAY, LATEST_DAY, MAX_SPAN_DAYS, get_provider
from orca_desk.services.provider_schedules.exceptions import add_time_off
from orca_desk.services.provider_schedules.rows import IcsImportResult

# A longer file is a whole calendar, not someone's time off: split it.
MAX_ICS_EVENTS = 2000
# Rows of one event carry the UID, then "#1" and "#2" (at most three rows).
_MAX_UID = 250
_TimeOffSpan = tuple[date, date, int | None, int | None]


class _EventError(Exception):
    """What is wrong with one event (the caller names the event)."""


def _decoded(ev: Any, name: str, what: str, kinds: tuple[type, ...]) -> Any:
    """The property's value, None when absent; ``_EventError`` when it is not one of ``kinds``."""
    prop = ev.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        raise _EventError(f"it has more than one {what} ({name})")
    raw = _ical_text(prop) if hasattr(prop, "to_ical") else str(prop)
    try:
        value = ev.decoded(name)
    except Exception:  # icalendar raises many kinds for a malformed value
        value = None
    if not isinstance(value, kinds):
        kind = "a length of time" if name == "DURATION" else "a date"
        raise _EventError(f"its {what} ({name}) is not {kind}: {strip_control(raw)[:40]!r}")
    tzid = getattr(prop, "params", {}).get("TZID")
    if tzid and isinstance(value, datetime) and value.tzinfo is None:
        raise _EventError(
            f"its {what} ({name}) uses an unknown time zone {strip_control(str(tzid))[:64]!r}; "
            "export the calendar again with IANA zone names (such as America/New_York)"
        )
    return value


def _ical_text(prop: Any) -> str:
    raw = prop.to_ical()
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


def _check_year(day: date, what: str) -> None:
    if day < EARLIEST_DAY:
        raise _EventError(f"its {what} {day.isoformat()} is before {EARLIEST_DAY.year}")
    if day > LATEST_DAY:
        raise _EventError(f"its {what} {day.isoformat()} is after {LATEST_DAY.year}")


def _too_long(days: float) -> _EventError:
    return _EventError(
        f"it lasts {days:,.0f} days, longer than {MAX_SPAN_DAYS} days; time off is "
        "imported a year at a time at most"
    )


def _read_event(ev: Any, zone: ZoneInfo) -> list[_TimeOffSpan]:
    """The time-off rows of one (non-repeating, not cancelled) event; ``_EventError`` when it is wrong."""
    start = _decoded(ev, "DTSTART", "start", (date,))
    if start is None:
        raise _EventError("it has no start (DTSTART)")
    end = _decoded(ev, "DTEND", "end", (date,))
    duration = _decoded(ev, "DURATION", "length", (timedelta,)) if end is None else None
    start_day = start.date() if isinstance(start, datetime) else start
    _check_year(start_day, "start")
    if duration is not None:
        if abs(duration) > timedelta(days=MAX_SPAN_DAYS):
            raise _too_long(abs(duration).total_seconds() / 86400)
        end = start + duration
    return _event_spans(start, end, zone)


def import_time_off_ics(
    session: Session,
    actor: Actor,
    *,
    provider_id: int,
    data: bytes,
    now: datetime,
    time_off_type: str = "vacation",
    timezone: str | None = None,
) -> IcsImportResult:
    """Turn the VEVENTs of an .ics file into time off: all-day events into whole days, timed
    events into partial days (split at local midnight, whole days between) in ``timezone``
    (default: the zone of the provider's first working location). Importing the same file
    twice adds nothing (events are matched by UID). Repeating and cancelled events are
    skipped and reported.

    Every event is read before anything is written: an event without a start, with a date
    that is not one, an unknown TZID, a UID too long to keep or a span over a year refuses
    the whole file with a ``ValidationError`` (field ``file``) naming the event.
    """
    actor.require(MANAGE_SCHEDULES)
    get_provider(session, provider_id)
    if time_off_type not in TIME_OFF_TYPES:
        raise ValidationError(
            f"Unknown time-off type {time_off_type!r}; choose {', '.join(TIME_OFF_TYPES)}.",
            field="time_off_type",
        )
    if timezone is None:
        timezone = _default_timezone(session, provider_id)
    zone = zone_of(timezone)
    events = _calendar_events(data)
    known = set(
        session.scalars(
            select(ScheduleException.source_uid).where(
                ScheduleException.provider_id == provider_id, ScheduleException.source_uid.is_not(None)
            )
        )
    )
    pending, skipped, notes = _read_events(events, zone, known)
    for uid, summary, spans in pending:
        for k, (d0, d1, s, e) in enumerate(spans):
            add_time_off(
                session,
                actor,
                provider_id=provider_id,
                start_day=d0,
                end_day=d1,
                time_off_type=time_off_type,
                name=summary,
                start_minute=s,
                end_minute=e,
                now=now,
                source_uid=uid if k == 0 else f"{uid}#{k}",
            )
    return IcsImportResult(len(pending), skipped, tuple(notes))


def _default_timezone(session: Session, provider_id: int) -> str:
    """The zone of the provider's first working location, else of the first location, else UTC."""
    return (
        session.scalar(
            select(Location.timezone)
            .join(SchedulePeriod, SchedulePeriod.location_id == Location.id)
            .where(SchedulePeriod.provider_id == provider_id)
            .limit(1)
        )
        or session.scalar(select(Location.timezone).order_by(Location.id).limit(1))
        or "UTC"
    )


def _calendar_events(data: bytes) -> list[Any]:
    """The file's VEVENTs; ``ValidationError`` when it is not iCalendar or holds too many."""
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
        events = list(cal.walk("VEVENT"))
    except Exception as exc:  # icalendar raises ValueError and others for what is not iCalendar
        raise ValidationError(
            f"This is not an iCalendar (.ics) file: {strip_control(str(exc))[:200]}", field="file"
        ) from None
    if len(events) > MAX_ICS_EVENTS:
        raise ValidationError(
            f"The file holds {len(events):,} events; import at most {MAX_ICS_EVENTS:,} "
            "at a time (export a shorter date range).",
            field="file",
        )
    return events


def _read_events(
    events: list[Any], zone: ZoneInfo, known: set[str | None]
) -> tuple[list[tuple[str, str, list[_TimeOffSpan]]], int, list[str]]:
    """(uid, name, spans) of each event to import, how many were skipped and why.

    ``known`` (the UIDs imported before) grows by the ones to import; an event that cannot
    be read refuses the whole file with a ``ValidationError`` naming it.
    """
    name_length = column_length(ScheduleException.name)
    skipped = 0
    notes: list[str] = []
    pending: list[tuple[str, str, list[_TimeOffSpan]]] = []
    for n, ev in enumerate(events):
        summary = strip_control(str(ev.get("SUMMARY", ""))).strip()[:name_length]
        label = summary or f"event {n + 1}"
        where = f"Event {n + 1}" + (f" ({summary[:60]!r})" if summary else "")
        if str(ev.get("STATUS", "")).upper() == "CANCELLED":
            skipped += 1
            notes.append(f"{label}: cancelled, skipped")
            continue
        if ev.get("RRULE") is not None:
            skipped += 1
            notes.append(f"{label}: repeating events are not imported; add them by hand")
            continue
        try:
            spans = _read_event(ev, zone)
            uid = strip_control(str(ev.get("UID", "")))
            if len(uid) > _MAX_UID:
                raise _EventError(f"its UID is {len(uid):,} characters long; at most {_MAX_UID} fit")
        except _EventError as exc:
            raise ValidationError(
                f"Nothing was imported: {where.lower()} cannot be read: {exc}.", field="file"
            ) from None
        # Same key as earlier versions wrote, so re-importing an old file still adds nothing.
        uid = uid or f"no-uid:{label}:{_ical_text(ev['DTSTART'])}"
        if uid in known:
            skipped += 1
            notes.append(f"{label}: already imported")
            continue
        if not spans:
            skipped += 1
            notes.append(f"{label}: no time to import")
            continue
        known.add(uid)
        pending.append((uid, summary, spans))
    return pending, skipped, notes


def _event_spans(start: date | datetime, end: date | datetime | None, zone: ZoneInfo) -> list[_TimeOffSpan]:
    """(first day, last day, start minute, end minute) rows; minutes None = whole days.

    A timed event becomes at most three rows: the part of its first day, the whole days
    between, the part of its last day. ``_EventError`` when it lasts more than a year.
    """
    if not isinstance(start, datetime):
        last = start
        if isinstance(end, date) and not isinstance(end, datetime):
            if (end - start).days > MAX_SPAN_DAYS:
                raise _too_long((end - start).days)
            _check_year(end, "end")
            last = end - timedelta(days=1)  # DTEND of an all-day event is exclusive
        return [(start, max(start, last), None, None)]
    if end is None or not isinstance(end, datetime):
        return []
    # Floating times (no zone) are read in the provider's zone.
    s_at = start if start.tzinfo else start.replace(tzinfo=zone)
    e_at = end if end.tzinfo else end.replace(tzinfo=zone)
    length = e_at - s_at
    if length > timedelta(days=MAX_SPAN_DAYS):
        raise _too_long(length.total_seconds() / 86400)
    if length <= timedelta(0):
        return []
    s, e = s_at.astimezone(zone), e_at.astimezone(zone)
    lo, hi = s.hour * 60 + s.minute, e.hour * 60 + e.minute
    if s.date() == e.date():
        return [(s.date(), s.date(), lo, hi)] if hi > lo else []
    out: list[_TimeOffSpan] = []
    first_whole = s.date()
    if lo > 0:
        out.append((s.date(), s.date(), lo, DAY_MINUTES))
        first_whole += timedelta(days=1)
    last_whole = e.date() - timedelta(days=1)
    if first_whole <= last_whole:
        out.append((first_whole, last_whole, None, None))
    if hi > 0:
        out.append((e.date(), e.date(), 0, hi))
    return out
