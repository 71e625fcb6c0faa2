"""Time in the availability engine: zones, epoch minutes and one day's wall clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orca_desk.services.errors import ValidationError
from orca_desk.services.intervals import (
    Interval,
    normalize,
)
from orca_desk.services.messaging.message_locale import STAFF_WEEKDAYS

DAY_MINUTES = 24 * 60
WEEKDAY_NAMES = STAFF_WEEKDAYS
HOUR_KINDS = frozenset({"outside_hours", "provider_off", "blocked"})


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone, or a ValidationError naming the bad zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"Unknown time zone {name!r}; use an IANA name such as America/New_York.", field="timezone"
        ) from None


def epoch_minute(dt: datetime) -> int:
    """Minutes since 1970 UTC, rounded down (instants are minute-aligned in practice)."""
    return int(dt.timestamp()) // 60


def _epoch_minute_up(dt: datetime) -> int:
    return -(-int(dt.timestamp()) // 60)


def from_epoch(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


class DayClock:
    """Local minutes of one day in one zone ⇄ epoch minutes, exact across DST changes."""

    __slots__ = ("day", "midnight", "next_midnight", "uniform", "zone")

    def __init__(self, day: date, zone: ZoneInfo) -> None:
        self.day, self.zone = day, zone
        start = datetime.combine(day, time(0), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        self.midnight = epoch_minute(start)
        self.next_midnight = epoch_minute(end)
        # Most days need no zone lookups at all: the offset is the same all day.
        self.uniform = (
            start.utcoffset() == end.utcoffset() and self.next_midnight - self.midnight == DAY_MINUTES
        )

    def to_epoch(self, minute: int) -> int:
        if minute >= DAY_MINUTES:
            return self.next_midnight
        if self.uniform:
            return self.midnight + minute
        # combine() with fold=0: a wall time in the spring-forward gap moves forward, an
        # ambiguous one is the first of the two (as recurrence does).
        return epoch_minute(datetime.combine(self.day, time(minute // 60, minute % 60), tzinfo=self.zone))

    def to_local(self, em: int) -> int:
        if em <= self.midnight:
            return 0
        if em >= self.next_midnight:
            return DAY_MINUTES
        if self.uniform:
            return em - self.midnight
        local = from_epoch(em).astimezone(self.zone)
        return local.hour * 60 + local.minute

    def ivs_to_epoch(self, ivs: Iterable[Interval]) -> list[Interval]:
        return normalize((self.to_epoch(s), self.to_epoch(e)) for s, e in ivs)

    def ivs_to_local(self, ivs: Iterable[Interval]) -> list[Interval]:
        return normalize((self.to_local(s), self.to_local(e)) for s, e in ivs)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
