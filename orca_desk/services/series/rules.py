"""A series' rule: parsing and checking RRULEs, their end, expanding occurrences, local labels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from orca_desk.models.series import RecurringSeries
from orca_desk.services import local_time, recurrence
from orca_desk.services.errors import ValidationError

HORIZON = timedelta(days=365)  # never-ending series are booked this far ahead, then extended
MAX_OCCURRENCES = 520  # a finite series is booked whole; more than ten years weekly is a mistake


def _strip(rrule: str) -> str:
    raw = rrule.strip()
    return raw[6:] if raw.upper().startswith("RRULE:") else raw


def _parts(rrule: str) -> list[tuple[str, str]]:
    out = []
    for part in _strip(rrule).split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out.append((k.strip().upper(), v.strip().upper()))
    return out


def _with_end(rrule: str, *, count: int | None = None, until_utc: datetime | None = None) -> str:
    """The rule with its COUNT/UNTIL replaced (RFC 5545: a zoned DTSTART takes a UTC UNTIL)."""
    parts = [(k, v) for k, v in _parts(rrule) if k not in ("COUNT", "UNTIL")]
    if count is not None:
        parts.append(("COUNT", str(count)))
    if until_utc is not None:
        parts.append(("UNTIL", until_utc.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")))
    return ";".join(f"{k}={v}" for k, v in parts)


def _end_of(rrule: str, zone: ZoneInfo) -> tuple[str, int | None, date | None]:
    values = dict(_parts(rrule))
    if "COUNT" in values:
        return "count", int(values["COUNT"]), None
    if "UNTIL" in values:
        text = values["UNTIL"]
        d = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        if text.endswith("Z") and "T" in text:
            utc = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            d = utc.astimezone(zone).date()
        return "until", None, d
    return "never", None, None


def _rule_until_utc(rrule: str, zone: ZoneInfo) -> datetime | None:
    text = dict(_parts(rrule)).get("UNTIL")
    if text is None:
        return None
    if "T" in text:
        stamp = datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S")
        return stamp.replace(tzinfo=UTC) if text.endswith("Z") else stamp.replace(tzinfo=zone).astimezone(UTC)
    day = datetime.strptime(text, "%Y%m%d").date()
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)


def _dtstart(s: RecurringSeries) -> datetime:
    return datetime.combine(
        s.start_date, time(s.start_minute // 60, s.start_minute % 60), tzinfo=ZoneInfo(s.timezone)
    )


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def _label(dt: datetime, session: Session) -> str:
    """A local date and time ("Tue 14 Apr 2026, 3:45 PM") in the clinic's 12- or 24-hour format."""
    return local_time.fmt_datetime(
        dt, dt.tzinfo if isinstance(dt.tzinfo, ZoneInfo) else None, local_time.clinic_time_format(session)
    )


def _expand(rrule: str, dtstart: datetime, *, until: datetime | None, new: bool = False) -> list[datetime]:
    """Every occurrence of a finite rule, or those up to ``until`` of a never-ending one.

    ``new``: the series is being created, so a finite rule longer than MAX_OCCURRENCES is refused.
    """
    finite = _end_of(rrule, ZoneInfo(str(dtstart.tzinfo)))[0] != "never"
    if finite:
        occs = recurrence.occurrences(rrule, dtstart, limit=MAX_OCCURRENCES + 1 if new else None)
        if new and len(occs) > MAX_OCCURRENCES:
            raise ValidationError(
                f"The series has more than {MAX_OCCURRENCES} occurrences; "
                "end it sooner or choose 'never' (booked a year ahead).",
                field="rrule",
            )
        return occs
    assert until is not None
    occs = recurrence.occurrences(rrule, dtstart, until=until, limit=MAX_OCCURRENCES * 2 + 1 if new else None)
    if new and len(occs) > MAX_OCCURRENCES * 2:
        raise ValidationError(
            f"The series has more than {MAX_OCCURRENCES * 2} occurrences in its first "
            "booking year; repeat less often.",
            field="rrule",
        )
    return occs


_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


def _check_rule(rrule: str) -> str:
    """The rule without its ``RRULE:`` prefix, refused (field ``rrule``) when it is not a series rule.

    An appointment series repeats at most once a day, at the start time: a finer FREQ, or
    BYHOUR/BYMINUTE/BYSECOND (several times a day), would book hundreds of visits and make
    the preview expand millions of dates.
    """
    recurrence.validate(rrule)
    parts = _parts(rrule)
    for key, value in parts:
        if key == "FREQ" and value in _SUB_DAILY:
            raise ValidationError(
                f"FREQ={value}: a series repeats at most once a day; choose daily, "
                "weekly, monthly or yearly.",
                field="rrule",
            )
        if key in _TIME_PARTS:
            raise ValidationError(
                f"{key}={value}: a series repeats at most once a day, at its start "
                "time; leave out BYHOUR, BYMINUTE and BYSECOND.",
                field="rrule",
            )
    return _strip(rrule)


def _zone(dtstart: datetime) -> ZoneInfo:
    if not isinstance(dtstart.tzinfo, ZoneInfo):
        raise ValidationError("The series start needs a time zone (the location's).", field="dtstart")
    return dtstart.tzinfo


def _period_of(rule: str) -> Callable[[date], object]:
    """The rule's period a date is in: its day (DAILY), WKST week (WEEKLY), month or year.

    An alternative stays in its occurrence's period, so a weekly series never gets two
    visits one week and none the next (nor a monthly one two in a month).
    """
    values = dict(_parts(rule))
    freq = values.get("FREQ", "WEEKLY")
    if freq == "DAILY":
        return lambda d: d
    if freq == "WEEKLY":
        wkst = _DAY_CODES.index(values["WKST"]) if values.get("WKST") in _DAY_CODES else 0
        return lambda d: d - timedelta(days=(d.weekday() - wkst) % 7)
    if freq == "MONTHLY":
        return lambda d: (d.year, d.month)
    return lambda d: d.year


_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
