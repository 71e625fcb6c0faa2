"""Expand and describe RFC 5545 recurrence rules as wall-clock series in a location's zone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import groupby

from dateutil import rrule as du

from orca_desk.services.errors import ValidationError

__all__ = ["MAX_EXPANSION", "RecurrenceRuleError", "describe", "occurrences", "occurrences_from", "validate"]


class RecurrenceRuleError(ValidationError, ValueError):
    """An RRULE that cannot be expanded; the message starts with the bad part (``BYDAY=XX: ...``).

    It is a ``ValueError`` (the contract callers rely on) and an ``OrcaError`` (so the UI
    shows the message like any other validation failure).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, field="rrule")


_FREQS = {
    "YEARLY": du.YEARLY,
    "MONTHLY": du.MONTHLY,
    "WEEKLY": du.WEEKLY,
    "DAILY": du.DAILY,
    "HOURLY": du.HOURLY,
    "MINUTELY": du.MINUTELY,
    "SECONDLY": du.SECONDLY,
}
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Longest each month can be (February in a leap year), to reject rules that never occur.
_MONTH_MAX_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_WEEKDAYS = frozenset(range(5))

_KNOWN_KEYS = (
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS",
    "BYWEEKNO", "BYYEARDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST",
)  # fmt: skip
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$")
_INT_RE = re.compile(r"^[+-]?\d+$")

# The most wall-clock dates one expansion may produce (over fifty years of a daily rule): a
# FREQ=SECONDLY rule over a year is 31 million, and no caller wants that many (a series books 520).
MAX_EXPANSION = 20_000

# Wall-clock bounds handed to dateutil are widened by this much and then checked exactly:
# a UTC offset change (DST) moves an instant by hours, never by a day.
_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class _Until:
    value: datetime  # naive; for kind "utc" it is the UTC wall clock
    kind: str  # "date" (inclusive through that day), "floating" or "utc"
    text: str


@dataclass(frozen=True)
class _Rule:
    freq: int
    freq_name: str
    interval: int = 1
    count: int | None = None
    until: _Until | None = None
    byday: tuple[tuple[int, int | None], ...] = ()  # (weekday 0=Monday, ordinal or None)
    bymonthday: tuple[int, ...] = ()
    bymonth: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    byyearday: tuple[int, ...] = ()
    byhour: tuple[int, ...] = ()
    byminute: tuple[int, ...] = ()
    bysecond: tuple[int, ...] = ()
    wkst: int = 0
    parts: tuple[tuple[str, str], ...] = ()  # as written, for messages and the fallback summary


# --- parsing and validation ---------------------------------------------------------------


def validate(rrule: str) -> None:
    """Raise :class:`RecurrenceRuleError` (a ``ValueError``) naming the bad part of ``rrule``."""
    _parse(rrule)


def _parse(text: str) -> _Rule:
    raw = text.strip()
    if raw.upper().startswith("RRULE:"):
        raw = raw[6:]
    if not raw:
        raise RecurrenceRuleError("the rule is empty; it needs at least FREQ")
    values: dict[str, str] = {}
    order: list[tuple[str, str]] = []
    for part in raw.split(";"):
        if not part.strip():
            continue  # tolerate "FREQ=DAILY;" as some exporters write it
        if "=" not in part:
            raise RecurrenceRuleError(f"{part}: expected NAME=VALUE")
        key, value = (s.strip().upper() for s in part.split("=", 1))
        if key not in _KNOWN_KEYS:
            raise RecurrenceRuleError(f"{key}={value}: unknown rule part")
        if key in values:
            raise RecurrenceRuleError(f"{key}={value}: {key} is given more than once")
        if not value:
            raise RecurrenceRuleError(f"{key}=: missing value")
        values[key] = value
        order.append((key, value))
    if "FREQ" not in values:
        raise RecurrenceRuleError("FREQ is missing (e.g. FREQ=WEEKLY)")
    freq_name = values["FREQ"]
    if freq_name not in _FREQS:
        raise RecurrenceRuleError(f"FREQ={freq_name}: unknown frequency")
    freq = _FREQS[freq_name]
    if "COUNT" in values and "UNTIL" in values:
        raise RecurrenceRuleError(
            f"COUNT={values['COUNT']};UNTIL={values['UNTIL']}: COUNT and UNTIL cannot both be given"
        )

    def ints(key: str, lo: int, hi: int, *, signed: bool, what: str) -> tuple[int, ...]:
        if key not in values:
            return ()
        out: list[int] = []
        for item in values[key].split(","):
            if not _INT_RE.match(item):
                raise RecurrenceRuleError(f"{key}={item}: not a whole number")
            n = int(item)
            ok = lo <= abs(n) <= hi and n != 0 if signed else lo <= n <= hi
            if not ok:
                span = f"{lo}..{hi} or -{hi}..-{lo}" if signed else f"{lo}..{hi}"
                raise RecurrenceRuleError(f"{key}={item}: {what} must be {span}")
            out.append(n)
        return tuple(out)

    def single(key: str, what: str) -> int | None:
        if key not in values:
            return None
        value = values[key]
        if not value.isdigit() or int(value) < 1:
            raise RecurrenceRuleError(f"{key}={value}: {what} must be a whole number of at least 1")
        return int(value)

    interval = single("INTERVAL", "the interval") or 1
    count = single("COUNT", "the count")
    until = _parse_until(values["UNTIL"]) if "UNTIL" in values else None
    bymonthday = ints("BYMONTHDAY", 1, 31, signed=True, what="a day of the month")
    bymonth = ints("BYMONTH", 1, 12, signed=False, what="a month")
    bysetpos = ints("BYSETPOS", 1, 366, signed=True, what="a set position")
    byweekno = ints("BYWEEKNO", 1, 53, signed=True, what="a week number")
    byyearday = ints("BYYEARDAY", 1, 366, signed=True, what="a day of the year")
    byhour = ints("BYHOUR", 0, 23, signed=False, what="an hour")
    byminute = ints("BYMINUTE", 0, 59, signed=False, what="a minute")
    # RFC 5545 allows 60 for a leap second, which Python's datetime cannot hold.
    bysecond = ints("BYSECOND", 0, 59, signed=False, what="a second")

    wkst = 0
    if "WKST" in values:
        if values["WKST"] not in _DAY_CODES:
            raise RecurrenceRuleError(f"WKST={values['WKST']}: unknown weekday (use {', '.join(_DAY_CODES)})")
        wkst = _DAY_CODES.index(values["WKST"])

    byday: list[tuple[int, int | None]] = []
    for item in values.get("BYDAY", "").split(",") if "BYDAY" in values else ():
        m = _BYDAY_RE.match(item)
        if not m:
            raise RecurrenceRuleError(
                f"BYDAY={item}: expected a weekday code ({', '.join(_DAY_CODES)}), "
                "optionally numbered like 2TU or -1FR"
            )
        ordinal = int(m.group(1)) if m.group(1) else None
        if ordinal is not None:
            if ordinal == 0 or abs(ordinal) > 53:
                raise RecurrenceRuleError(f"BYDAY={item}: the number must be 1..53 or -53..-1")
            if freq not in (du.MONTHLY, du.YEARLY):
                raise RecurrenceRuleError(
                    f"BYDAY={item}: a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY"
                )
            if freq == du.YEARLY and byweekno:
                raise RecurrenceRuleError(
                    f"BYDAY={item}: a numbered weekday cannot be combined with BYWEEKNO"
                )
            # Within a month there are at most five of each weekday; a larger number never
            # matches and would make the expansion search until the year 9999.
            if (freq == du.MONTHLY or bymonth) and abs(ordinal) > 5:
                raise RecurrenceRuleError(f"BYDAY={item}: a month has at most 5 of each weekday")
        byday.append((_DAY_CODES.index(m.group(2)), ordinal))

    if byweekno and freq != du.YEARLY:
        raise RecurrenceRuleError(f"BYWEEKNO={values['BYWEEKNO']}: only allowed with FREQ=YEARLY")
    if byyearday and freq in (du.MONTHLY, du.WEEKLY, du.DAILY):
        raise RecurrenceRuleError(f"BYYEARDAY={values['BYYEARDAY']}: not allowed with FREQ={freq_name}")
    if bymonthday and freq == du.WEEKLY:
        raise RecurrenceRuleError(f"BYMONTHDAY={values['BYMONTHDAY']}: not allowed with FREQ=WEEKLY")
    if bysetpos and not any(k in values for k in _KNOWN_KEYS if k.startswith("BY") and k != "BYSETPOS"):
        raise RecurrenceRuleError(f"BYSETPOS={values['BYSETPOS']}: needs another BY... part to pick from")
    if bymonth and bymonthday:
        _check_month_days(bymonthday, bymonth, values)
    if bysetpos and freq == du.WEEKLY:
        # A week holds at most this many dates; a position past it never matches and would
        # make the expansion search until the year 9999.
        size = max(len(byday), 1) * max(len(byhour), 1) * max(len(byminute), 1) * max(len(bysecond), 1)
        if all(abs(p) > size for p in bysetpos):
            raise RecurrenceRuleError(
                f"BYSETPOS={values['BYSETPOS']}: a week of this rule has only {size} "
                f"date{'s' if size != 1 else ''}"
            )

    return _Rule(
        freq=freq,
        freq_name=freq_name,
        interval=interval,
        count=count,
        until=until,
        byday=tuple(byday),
        bymonthday=bymonthday,
        bymonth=bymonth,
        bysetpos=bysetpos,
        byweekno=byweekno,
        byyearday=byyearday,
        byhour=byhour,
        byminute=byminute,
        bysecond=bysecond,
        wkst=wkst,
        parts=tuple(order),
    )


def _parse_until(text: str) -> _Until:
    m = _UNTIL_RE.match(text)
    if not m:
        raise RecurrenceRuleError(f"UNTIL={text}: expected a date (20270630) or date-time (20270630T235959Z)")
    y, mo, d, hh, mm, ss, z = m.groups()
    try:
        if hh is None:
            return _Until(datetime(int(y), int(mo), int(d)), "date", text)
        value = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss))
    except ValueError as exc:
        raise RecurrenceRuleError(f"UNTIL={text}: {exc}") from None
    return _Until(value, "utc" if z else "floating", text)


def _check_month_days(bymonthday: tuple[int, ...], bymonth: tuple[int, ...], values: dict[str, str]) -> None:
    # "February 30th" would otherwise send the expansion searching until the year 9999.
    if not any(abs(d) <= _MONTH_MAX_DAYS[m - 1] for d in bymonthday for m in bymonth):
        raise RecurrenceRuleError(
            f"BYMONTHDAY={values['BYMONTHDAY']}: no such day in BYMONTH={values['BYMONTH']}"
        )


# --- expansion ------------------------------------------------------------------------------


def occurrences(
    rrule: str,
    dtstart: datetime,
    *,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[datetime]:
    """Return the start times of the series ``rrule`` beginning at ``dtstart``, in order.

    ``rrule`` is an RFC 5545 RRULE value (an ``RRULE:`` prefix is tolerated). The series is
    a wall-clock rule: with a zoned ``dtstart`` (zoneinfo) every result carries the same
    ``tzinfo`` and keeps the wall-clock time across DST; with a naive ("floating")
    ``dtstart`` results are naive too. Following RFC 5545 §3.3.5, a wall time that does
    not exist (spring-forward gap) moves forward by the length of the gap (02:30 becomes
    03:30), and an ambiguous one (fall-back) is the first of the two (``fold=0``).
    Invalid dates (30 February, the 31st of a 30-day month) are skipped and do not
    count towards ``COUNT``. ``dtstart`` is a result only if it matches the rule (keep it
    synchronised, as RFC 5545 asks; calendar clients may show it regardless).

    ``UNTIL`` in the rule and the ``until`` argument are inclusive. A UTC ``UNTIL``
    (``...Z``) is compared as an instant against a zoned series; a floating ``UNTIL`` is
    read in ``dtstart``'s zone; a date ``UNTIL`` includes that whole day. For a floating
    series a UTC ``UNTIL`` has no zone to convert with, so its wall-clock value is used.
    ``until`` must be aware for a zoned ``dtstart`` and naive for a floating one.
    ``limit`` caps the number of results; when both ``until`` and ``limit`` are given the
    tighter one wins. A rule with neither ``COUNT`` nor ``UNTIL`` needs ``until`` or
    ``limit``.

    Two wall-clock results that land on the same instant (``BYHOUR=2,3`` on a
    spring-forward day) are returned once, so such a series can have fewer than ``COUNT``
    results. Raises :class:`RecurrenceRuleError` (a ``ValueError``) naming the bad part.
    """
    return _expand(_parse(rrule), dtstart, until=until, limit=limit, since=None)


def occurrences_from(
    rrule: str,
    dtstart: datetime,
    *,
    since: datetime,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[datetime]:
    """The results of :func:`occurrences` that are at or after ``since``, in order.

    The same list as filtering ``occurrences(rrule, dtstart, until=until)`` by ``o >= since``
    (``limit`` counts from ``since``), but a rule without COUNT is expanded from the last
    whole period (day, week, month or year, times INTERVAL) before ``since`` instead of
    from ``dtstart``: extending a years-old series reads only its new dates. ``since`` is
    aware for a zoned ``dtstart`` and naive for a floating one, like ``until``.
    """
    if (since.tzinfo is None) != (dtstart.tzinfo is None):
        raise RecurrenceRuleError(
            "since must be timezone-aware for a zoned dtstart and naive for a floating one"
        )
    return _expand(_parse(rrule), dtstart, until=until, limit=limit, since=since)


def _expand(
    rule: _Rule,
    dtstart: datetime,
    *,
    until: datetime | None,
    limit: int | None,
    since: datetime | None,
) -> list[datetime]:
    tz = dtstart.tzinfo
    if until is not None and (until.tzinfo is None) != (tz is None):
        raise RecurrenceRuleError(
            "until must be timezone-aware for a zoned dtstart and naive for a floating one"
        )
    if limit is not None and limit < 0:
        raise RecurrenceRuleError(f"limit must not be negative, got {limit}")
    if rule.count is None and rule.until is None and until is None and limit is None:
        raise RecurrenceRuleError(
            "the rule has neither COUNT nor UNTIL, so pass until= or limit= to bound it"
        )
    _check_defaults_possible(rule, dtstart)
    if limit == 0:
        return []

    start_wall = dtstart.replace(tzinfo=None, fold=0)
    first_wall = start_wall
    if since is not None:
        local_since = since if tz is None else since.astimezone(tz)
        first_wall = _fast_forward(rule, start_wall, local_since.replace(tzinfo=None) - _SLACK)
    bounds = _Bounds(rule.until, until, tz)
    results: list[datetime] = []
    seen: set[datetime] = set()
    horizon: datetime | None = None
    for wall in _walls(rule, first_wall, bounds.wall_limit()):
        if horizon is not None and wall > horizon:
            break
        occ = _localize(wall, tz, dtstart if wall == start_wall else None)
        if not bounds.admits(occ) or occ in seen or (since is not None and occ < since):
            continue
        seen.add(occ)
        results.append(occ)
        if limit is not None and horizon is None and len(results) >= limit:
            # A gap shift can move an earlier wall time past a later one, so read on a
            # little before cutting: nothing after the horizon can sort before these.
            horizon = wall + _SLACK
    results.sort()
    return results if limit is None else results[:limit]


def _fast_forward(rule: _Rule, start: datetime, target: datetime) -> datetime:
    """The latest wall-clock start <= ``target`` that expands like ``start`` from there on.

    It lies a whole number of the rule's periods (FREQ times INTERVAL) after ``start``, so
    week, month and year boundaries, INTERVAL and BYSETPOS pick the same dates; what it
    drops are only dates before it. ``start`` itself when that cannot be promised: a COUNT
    (counted from DTSTART), BYWEEKNO (own expansion), sub-daily frequencies, a day of the
    month that not every month or year has (it is the rule's default BYMONTHDAY). WEEKLY
    with BYSETPOS is safe: its sets are whole weeks from WKST (see ``_dateutil_walls``).
    """
    if rule.count is not None or rule.byweekno or target <= start:
        return start
    if rule.freq in (du.DAILY, du.WEEKLY):
        step = rule.interval * (7 if rule.freq == du.WEEKLY else 1)
        return start + timedelta(days=(target - start).days // step * step)
    if rule.freq not in (du.MONTHLY, du.YEARLY) or start.day > 28:
        return start
    per = rule.interval * (12 if rule.freq == du.YEARLY else 1)
    months = (target.year - start.year) * 12 + target.month - start.month
    k = months // per * per
    while k > 0:
        year, month = divmod(start.month - 1 + k, 12)
        moved = start.replace(year=start.year + year, month=month + 1)
        if moved <= target:
            return moved
        k -= per
    return start


def _check_defaults_possible(rule: _Rule, dtstart: datetime) -> None:
    # Without BYMONTHDAY the day comes from dtstart (RFC 5545 §3.3.10); "monthly in
    # February" starting on the 31st would never occur and would search until year 9999.
    if (
        rule.freq == du.YEARLY
        and rule.bymonthday
        and not (rule.bymonth or rule.byday or rule.byyearday or rule.byweekno)
    ):
        # The month is DTSTART's: "yearly on the 30th" from February never occurs.
        if not any(abs(d) <= _MONTH_MAX_DAYS[dtstart.month - 1] for d in rule.bymonthday):
            days = ",".join(str(d) for d in rule.bymonthday)
            raise RecurrenceRuleError(
                f"BYMONTHDAY={days}: {_MONTH_NAMES[dtstart.month - 1]} (the start date's month) "
                "has no such day; add BYMONTH"
            )
        return
    if rule.freq not in (du.YEARLY, du.MONTHLY) or not rule.bymonth:
        return
    if rule.bymonthday or rule.byday or rule.byyearday or rule.byweekno:
        return
    if not any(dtstart.day <= _MONTH_MAX_DAYS[m - 1] for m in rule.bymonth):
        months = ",".join(str(m) for m in rule.bymonth)
        raise RecurrenceRuleError(
            f"BYMONTH={months}: none of these months has day {dtstart.day} "
            "(the start date's day); add BYMONTHDAY"
        )


class _Bounds:
    """The rule's UNTIL and the caller's ``until``, each compared the way its kind demands."""

    def __init__(self, rule_until: _Until | None, until: datetime | None, tz: tzinfo | None):
        self.tz = tz
        self.until_date: date | None = None
        self.until_instant: datetime | None = None  # aware if zoned, naive if floating
        if rule_until is not None:
            if rule_until.kind == "date":
                self.until_date = rule_until.value.date()
            elif tz is None or rule_until.kind == "floating":
                # Floating UNTIL is wall clock in dtstart's zone; with a floating dtstart a
                # UTC UNTIL has nothing to convert against, so its digits are used as is.
                self.until_instant = rule_until.value if tz is None else _localize(rule_until.value, tz, None)
            else:
                self.until_instant = rule_until.value.replace(tzinfo=UTC)
        self.until_arg = until

    def admits(self, occ: datetime) -> bool:
        if self.until_date is not None and occ.date() > self.until_date:
            return False
        if self.until_instant is not None and occ > self.until_instant:
            return False
        return not (self.until_arg is not None and occ > self.until_arg)

    def wall_limit(self) -> datetime | None:
        """A naive wall-clock time after which no result can be admitted (with slack)."""
        walls: list[datetime] = []
        if self.until_date is not None:
            walls.append(datetime.combine(self.until_date, time.max))
        for bound in (self.until_instant, self.until_arg):
            if bound is not None:
                local = bound if self.tz is None else bound.astimezone(self.tz)
                walls.append(local.replace(tzinfo=None))
        if not walls:
            return None
        low = min(walls)
        return low + _SLACK if low < datetime.max - _SLACK else datetime.max


def _localize(wall: datetime, tz: tzinfo | None, dtstart: datetime | None) -> datetime:
    """Attach ``tz`` to a wall-clock time, moving times in a DST gap forward by the gap."""
    if tz is None:
        return wall if dtstart is None else dtstart
    if dtstart is not None and _exists(dtstart):
        return dtstart  # the caller's own start keeps its fold (they may mean the second 01:30)
    candidate = wall.replace(tzinfo=tz, fold=0)
    if _exists(candidate):
        return candidate
    # fold=0 reads a nonexistent time with the offset from before the gap (PEP 495), so the
    # round trip through UTC lands where RFC 5545 §3.3.5 says: 02:30 EST -> 03:30 EDT.
    return candidate.astimezone(UTC).astimezone(tz).replace(fold=0)


def _exists(dt: datetime) -> bool:
    back = dt.astimezone(UTC).astimezone(dt.tzinfo)
    return back.replace(tzinfo=None, fold=0) == dt.replace(tzinfo=None, fold=0)


def _walls(rule: _Rule, start: datetime, wall_limit: datetime | None) -> Iterator[datetime]:
    """Yield the rule's naive wall-clock times from ``start`` on, honouring COUNT."""
    source = _weekno_walls(rule, start) if rule.byweekno else _dateutil_walls(rule, start)
    for produced, wall in enumerate(source, start=1):
        if wall_limit is not None and wall > wall_limit:
            return
        if produced > MAX_EXPANSION:
            raise RecurrenceRuleError(
                f"FREQ={rule.freq_name}: the rule gives more than {MAX_EXPANSION:,} dates in that "
                "span; repeat less often or end it sooner (COUNT or UNTIL)"
            )
        yield wall
        # COUNT counts what the rule produces; invalid dates were never produced.
        if rule.count is not None and produced >= rule.count:
            return


def _dateutil_kwargs(rule: _Rule) -> dict[str, object]:
    weekdays = [du.weekdays[wd] if n is None else du.weekdays[wd](n) for wd, n in rule.byday]
    return {
        "wkst": rule.wkst,
        "byweekday": weekdays or None,
        "bymonthday": rule.bymonthday or None,
        "bymonth": rule.bymonth or None,
        "byyearday": rule.byyearday or None,
        "byhour": rule.byhour or None,
        "byminute": rule.byminute or None,
        "bysecond": rule.bysecond or None,
        "cache": False,
    }


def _dateutil_walls(rule: _Rule, start: datetime) -> Iterator[datetime]:
    micro = start.microsecond
    kwargs = _dateutil_kwargs(rule)
    first = start.replace(microsecond=0)
    begin = first
    if (
        rule.freq == du.YEARLY
        and rule.bymonthday
        and not (rule.bymonth or rule.byday or rule.byweekno or rule.byyearday)
    ):
        # "FREQ=YEARLY;BYMONTHDAY=29" names no month, so it is DTSTART's (RFC 5545 §3.3.10);
        # dateutil would take every month of the year.
        kwargs["bymonth"] = [start.month]
    if rule.freq == du.WEEKLY and rule.bysetpos:
        # BYSETPOS picks from the whole week as WKST defines it; dateutil's first week
        # would begin at DTSTART. Expand from the week's first day and drop what is before.
        begin = datetime.combine(_week_start(start.date(), rule.wkst), first.time())
        if not rule.byday:
            kwargs["byweekday"] = [du.weekdays[start.weekday()]]
    # No count/until here: COUNT is applied by the caller and the loop above stops at the
    # wall-clock limit, which keeps dateutil away from its COUNT+UNTIL deprecation path.
    gen = du.rrule(
        rule.freq,  # type: ignore[arg-type]
        dtstart=begin,
        interval=rule.interval,
        bysetpos=rule.bysetpos or None,
        **kwargs,  # type: ignore[arg-type]
    )
    for wall in gen:
        if wall < first:
            continue
        # dateutil drops microseconds; keep the series at dtstart's exact wall clock.
        yield wall.replace(microsecond=micro) if micro else wall


def _week_start(d: date, wkst: int) -> date:
    return d - timedelta(days=(d.weekday() - wkst) % 7)


def _week1_start(year: int, wkst: int) -> date:
    # Week 1 is the first week with at least four days in the year, i.e. the one holding
    # 4 January (RFC 5545 §3.3.10, with weeks starting on WKST).
    return _week_start(date(year, 1, 4), wkst)


def _week_number(d: date, wkst: int) -> tuple[int, int, int]:
    """Return (week-numbering year, week number, weeks in that year) of ``d``."""
    ws = _week_start(d, wkst)
    year = (ws + timedelta(days=3)).year
    first = _week1_start(year, wkst)
    n_weeks = (_week1_start(year + 1, wkst) - first).days // 7
    return year, (ws - first).days // 7 + 1, n_weeks


def _weekno_walls(rule: _Rule, start: datetime) -> Iterator[datetime]:
    """FREQ=YEARLY with BYWEEKNO, with each year's weeks kept together.

    dateutil clips a year's weeks to the calendar year, so week 1 starting on 29 December
    lands in the wrong year: INTERVAL=2 then keeps or drops it wrongly, and BYSETPOS counts
    from the wrong first day. Here dateutil only lists candidate days (every year, no
    week filter); week numbers, the interval and BYSETPOS are applied per week-year.
    """
    wanted = set(rule.byweekno)
    start_year = _week_number(start.date(), rule.wkst)[0]
    # Begin a week early so the first week-year's days before dtstart count for BYSETPOS.
    probe = datetime.combine(_week1_start(start_year, rule.wkst), start.time())
    kwargs = _dateutil_kwargs(rule)
    if not rule.byday:
        # The weekday is not in the rule, so it is DTSTART's (RFC 5545 §3.3.10: "information
        # not contained in the rule ... is derived from DTSTART"), unless a day of the month
        # or of the year names the days instead.
        every_day = rule.bymonthday or rule.byyearday
        kwargs["byweekday"] = list(du.weekdays) if every_day else [du.weekdays[start.weekday()]]
    candidates = du.rrule(du.YEARLY, dtstart=probe - timedelta(days=7), **kwargs)  # type: ignore[arg-type]

    def keyed() -> Iterator[tuple[int, datetime]]:
        for cand in candidates:
            year, week, n_weeks = _week_number(cand.date(), rule.wkst)
            if week in wanted or week - n_weeks - 1 in wanted:
                yield year, cand

    for year, group in groupby(keyed(), key=lambda pair: pair[0]):
        if year < start_year or (year - start_year) % rule.interval:
            continue
        chosen = [cand for _, cand in group]
        if rule.bysetpos:
            n = len(chosen)
            picks = {p - 1 if p > 0 else n + p for p in rule.bysetpos}
            chosen = [chosen[i] for i in sorted(picks) if 0 <= i < n]
        for cand in chosen:
            wall = cand.replace(microsecond=start.microsecond)
            if wall >= start:
                yield wall


# --- description ----------------------------------------------------------------------------


def describe_typed(rrule: str, dtstart: datetime) -> tuple[str, str | None]:
    """A rule as typed: its summary, or "" and why it is not valid."""
    try:
        return describe(rrule, dtstart), None
    except ValidationError as exc:
        return "", str(exc)


def describe(rrule: str, dtstart: datetime) -> str:
    """Return a short English summary such as "Every 6 weeks on Tuesday, 8 times".

    Common shapes get a sentence ("Daily", "Every weekday", "Monthly on the 2nd Tuesday",
    "Yearly on 4 July, until 30 Jun 2027"); anything else gets the frequency plus the
    rule's parts, so the summary never claims something the rule does not say.
    """
    rule = _parse(rrule)
    head = _describe_pattern(rule, dtstart)
    if head is None:
        custom = ";".join(
            f"{k}={v}" for k, v in rule.parts if k not in ("FREQ", "INTERVAL", "COUNT", "UNTIL")
        )
        head = f"{_every(rule)}, custom rule ({custom})" if custom else _every(rule)
    if rule.count is not None:
        head += ", once" if rule.count == 1 else f", {rule.count} times"
    elif rule.until is not None:
        head += f", until {_format_date(_until_local_date(rule.until, dtstart.tzinfo))}"
    return head


_UNITS = {
    du.YEARLY: ("Yearly", "year"),
    du.MONTHLY: ("Monthly", "month"),
    du.WEEKLY: ("Weekly", "week"),
    du.DAILY: ("Daily", "day"),
    du.HOURLY: ("Hourly", "hour"),
    du.MINUTELY: ("Every minute", "minute"),
    du.SECONDLY: ("Every second", "second"),
}


def _every(rule: _Rule) -> str:
    adverb, unit = _UNITS[rule.freq]
    return adverb if rule.interval == 1 else f"Every {rule.interval} {unit}s"


def _ordinal(n: int) -> str:
    if n == -1:
        return "last"
    if n < 0:
        return f"{_ordinal(-n)}-to-last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _day_list(days: list[int]) -> str:
    return _join([_DAY_NAMES[d] for d in sorted(set(days))])


def _month_day(n: int) -> str:
    return "the last day" if n == -1 else f"the {_ordinal(n)}" + (" day" if n < 0 else "")


def _describe_pattern(rule: _Rule, dtstart: datetime) -> str | None:
    if rule.byhour or rule.byminute or rule.bysecond or rule.byweekno or rule.byyearday:
        return None
    plain_days = [wd for wd, n in rule.byday if n is None]
    numbered = [(wd, n) for wd, n in rule.byday if n is not None]
    every = _every(rule)

    if rule.freq in (du.DAILY, du.WEEKLY) and not rule.bysetpos and not rule.bymonth:
        if rule.freq == du.DAILY and not rule.byday:
            return every
        days = plain_days or [dtstart.weekday()]
        if rule.interval == 1 and set(days) == _WEEKDAYS:
            return "Every weekday"
        if rule.freq == du.DAILY and rule.interval != 1:
            return None  # "every 3 days, but only on Mondays" has no short phrasing
        return f"{_every(_with_freq(rule, du.WEEKLY))} on {_day_list(days)}"

    if rule.freq == du.MONTHLY and not rule.bymonth:
        phrase = _monthly_phrase(rule, dtstart, plain_days, numbered)
        return None if phrase is None else f"{every} on {phrase}"

    if rule.freq == du.YEARLY and len(rule.bymonth) <= 1:
        month = _MONTH_NAMES[(rule.bymonth[0] if rule.bymonth else dtstart.month) - 1]
        if not rule.byday and not rule.bysetpos and len(rule.bymonthday) <= 1:
            day = rule.bymonthday[0] if rule.bymonthday else dtstart.day
            if day > 0:
                return f"{every} on {day} {month}"
            return f"{every} on {_month_day(day)} of {month}"
        if rule.bymonth:
            phrase = _monthly_phrase(rule, dtstart, plain_days, numbered)
            if phrase is not None:
                return f"{every} on {phrase} of {month}"
    return None


def _monthly_phrase(
    rule: _Rule, dtstart: datetime, plain_days: list[int], numbered: list[tuple[int, int]]
) -> str | None:
    if not rule.byday and not rule.bysetpos:
        days = rule.bymonthday or (dtstart.day,)
        return _join([_month_day(d) for d in days])
    if rule.bymonthday:
        return None  # e.g. Friday the 13th: fine for the fallback
    if numbered and not plain_days and not rule.bysetpos:
        return _join([f"the {_ordinal(n)} {_DAY_NAMES[wd]}" for wd, n in numbered])
    if plain_days and not numbered and len(rule.bysetpos) == 1:
        pos = _ordinal(rule.bysetpos[0])
        if set(plain_days) == _WEEKDAYS:
            return f"the {pos} weekday"
        if len(set(plain_days)) == 1:
            return f"the {pos} {_DAY_NAMES[plain_days[0]]}"
    return None


def _with_freq(rule: _Rule, freq: int) -> _Rule:
    return _Rule(freq=freq, freq_name="", interval=rule.interval)


def _until_local_date(until: _Until, tz: tzinfo | None) -> date:
    if until.kind == "utc" and tz is not None:
        return until.value.replace(tzinfo=UTC).astimezone(tz).date()
    return until.value.date()


def _format_date(d: date) -> str:
    # Spelled out by hand: strftime("%b") follows the OS locale on a receptionist's PC.
    return f"{d.day} {_MONTH_NAMES[d.month - 1][:3]} {d.year}"
