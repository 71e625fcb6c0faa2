"""Times shown to staff: the location's local time, in the clinic's one format (12- or 24-hour).

Every message a receptionist reads goes through these functions, so the book, the dialogs, the
Outbox and the Waitlist say the same thing the same way. Computation stays in aware UTC; only the
text is local.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_time as _babel_time
from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Chair, Clinic, Location
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.services.messaging.message_locale import (
    DEFAULT_LANGUAGE,
    babel_locale,
    staff_date,
    staff_language,
)

TIME_FORMATS = ("12h", "24h")
# Countries that write the time of day on a 12-hour clock (ISO 3166 alpha-2).
TWELVE_HOUR_COUNTRIES = frozenset(
    {"US", "CA", "PH", "AU", "NZ", "IN", "PK", "BD", "EG", "SA", "MY", "CO", "IE", "JO"}
)


def default_time_format(country: str | None) -> str:
    """ "12h" for a clinic in a country that writes 12-hour times, else "24h"."""
    return "12h" if (country or "").upper() in TWELVE_HOUR_COUNTRIES else "24h"


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``; UTC only when none is known (or the name is damaged)."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def location_zone(session: Session, location_id: int | None) -> ZoneInfo:
    """The zone of a location; with no location, the clinic's first location's."""
    if location_id is not None:
        name = session.scalar(select(Location.timezone).where(Location.id == location_id))
    else:
        name = session.scalar(select(Location.timezone).order_by(Location.id).limit(1))
    return zone(name)


def chair_zone(session: Session, chair_id: int) -> ZoneInfo:
    """The zone of the location a chair stands in."""
    name = session.scalar(
        select(Location.timezone).join(Chair, Chair.location_id == Location.id).where(Chair.id == chair_id)
    )
    return zone(name) if name else location_zone(session, None)


def usual_time_format(session: Session) -> str:
    """The format usual in the clinic's country (what an unset setting means)."""
    return default_time_format(session.scalar(select(Clinic.country).order_by(Clinic.id).limit(1)))


def clinic_time_format(session: Session) -> str:
    """The clinic's chosen format (Settings), else the default for the clinic's country."""
    # One column, not the settings service: the book's load asks this, and the first paint waits for it.
    chosen = session.scalar(select(ClinicSetting.value).where(ClinicSetting.key == "time_format"))
    if chosen in TIME_FORMATS:
        return chosen
    return usual_time_format(session)


def message_hour_format(session: Session) -> Literal[12, 24]:
    """The clock families' messages write times on: the clinic's choice, as the desk's."""
    return 24 if clinic_time_format(session) == "24h" else 12


def message_clock(session: Session) -> tuple[Literal[12, 24], str]:
    """The clock and the country families' messages are written for, in one query: the hour
    format as :func:`message_hour_format` says it, and the clinic's country ("US" when unset),
    whose order the dates follow ("Tue 10 Mar" in GB)."""
    chosen = select(ClinicSetting.value).where(ClinicSetting.key == "time_format").scalar_subquery()
    row = session.execute(select(Clinic.country, chosen).order_by(Clinic.id).limit(1)).first()
    if row is None:  # no clinic yet
        return message_hour_format(session), "US"
    country, value = (row[0] or "US").upper(), row[1]
    style = value if value in TIME_FORMATS else default_time_format(country)
    return (24 if style == "24h" else 12), country


def _local(dt: datetime, tz: tzinfo | None) -> datetime:
    """``dt`` (naive means UTC) in ``tz``; with no zone known, in this computer's own zone."""
    aware = dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)
    return aware.astimezone(tz) if tz is not None else aware.astimezone()


def fmt_time(dt: datetime, tz: tzinfo | None, style: str = "12h", *, seconds: bool = False) -> str:
    """The local time of day: "8:15 PM" (12h) or "20:15" (24h)."""
    return fmt_wall(_local(dt, tz), style, seconds=seconds)


def fmt_wall(t: datetime | time, style: str = "12h", *, seconds: bool = False) -> str:
    """The wall-clock time of an already local time (a series' occurrence, a setting) as written."""
    if style == "24h":
        return f"{t:%H:%M:%S}" if seconds else f"{t:%H:%M}"
    language = staff_language()
    if language != DEFAULT_LANGUAGE:  # the language's own day periods ("3:15 p.m.")
        pattern = "h:mm:ss a" if seconds else "h:mm a"
        return _babel_time(t, pattern, locale=babel_locale(language)).replace("\u202f", " ")
    hour = t.hour % 12 or 12
    sec = f":{t.second:02d}" if seconds else ""
    return f"{hour}:{t.minute:02d}{sec} {'AM' if t.hour < 12 else 'PM'}"


def fmt_minute(minute: int, style: str = "12h") -> str:
    """A minute of the local day (opening hours, a preferred window): "1:00 PM" or "13:00"."""
    h, m = divmod(minute, 60)
    return "24:00" if style == "24h" and h == 24 else fmt_wall(time(h % 24, m), style)


def fmt_range(start: datetime, end: datetime, tz: tzinfo | None, style: str = "12h") -> str:
    """A local span: "8:15 PM–9:15 PM" or "20:15–21:15"."""
    return f"{fmt_time(start, tz, style)}–{fmt_time(end, tz, style)}"


def fmt_date(dt: datetime, tz: tzinfo | None) -> str:
    """The local date: "Wed 2 Dec 2026"."""
    t = _local(dt, tz)
    return staff_date(t)


def fmt_datetime(dt: datetime, tz: tzinfo | None, style: str = "12h", *, seconds: bool = False) -> str:
    """A local date and time: "Wed 2 Dec 2026, 8:15 PM"."""
    return f"{fmt_date(dt, tz)}, {fmt_time(dt, tz, style, seconds=seconds)}"


def fmt_day_time(
    dt: datetime, tz: tzinfo | None, style: str = "12h", *, year: bool = False, seconds: bool = False
) -> str:
    """A short local day and time: "Wed 2 Dec, 8:15 PM" (``year``: "Wed 2 Dec 2026, 8:15 PM")."""
    if year:
        return fmt_datetime(dt, tz, style, seconds=seconds)
    t = _local(dt, tz)
    return f"{staff_date(t, year=False)}, {fmt_time(dt, tz, style, seconds=seconds)}"


def fmt_recent(
    dt: datetime, tz: tzinfo | None, style: str = "12h", *, now: datetime, seconds: bool = False
) -> str:
    """For lists of events: the time alone today, "2 Dec, 8:15 PM" this year, else with the year."""
    t, today = _local(dt, tz), _local(now, tz)
    clock = fmt_time(dt, tz, style, seconds=seconds)
    if t.date() == today.date():
        return clock
    return f"{staff_date(t, year=t.year != today.year, weekday=False)}, {clock}"


def fmt_when(
    dt: datetime, tz: tzinfo | None, style: str = "12h", *, now: datetime | None = None, seconds: bool = False
) -> str:
    """The time alone when ``dt`` falls on the same local day as ``now``, else date and time."""
    if now is not None and _local(dt, tz).date() == _local(now, tz).date():
        return fmt_time(dt, tz, style, seconds=seconds)
    return fmt_datetime(dt, tz, style, seconds=seconds)


__all__ = [
    "TIME_FORMATS",
    "TWELVE_HOUR_COUNTRIES",
    "chair_zone",
    "clinic_time_format",
    "default_time_format",
    "fmt_date",
    "fmt_datetime",
    "fmt_day_time",
    "fmt_minute",
    "fmt_range",
    "fmt_recent",
    "fmt_time",
    "fmt_wall",
    "fmt_when",
    "location_zone",
    "message_clock",
    "message_hour_format",
    "usual_time_format",
    "zone",
]
