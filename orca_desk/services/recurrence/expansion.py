"""Expanding a recurrence rule into wall-clock start times in the series' zone (DST-safe)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import groupby

from dateutil import rrule as du

from orca_desk.services.recurrence.rules import (
    MONTH_MAX_DAYS,
    MONTH_NAMES,
    RecurrenceRuleError,
    Rule,
    Until,
    parse_rule,
)

# The most wall-clock dates one expansion may produce (over fifty years of a daily rule): a
# FREQ=SECONDLY rule over a year is 31 million, and no caller wants that many (a series books 520).
MAX_EXPANSION = 20_000

# Wall-clock bounds handed to dateutil are widened by this much and then checked exactly:
# a UTC offset change (DST) moves an instant by hours, never by a day.
_SLACK = timedelta(days=1)


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
    return _expand(parse_rule(rrule), dtstart, until=until, limit=limit, since=None)


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
    return _expand(parse_rule(rrule), dtstart, until=until, limit=limit, since=since)


def _expand(
    rule: Rule,
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


def _fast_forward(rule: Rule, start: datetime, target: datetime) -> datetime:
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


def _check_defaults_possible(rule: Rule, dtstart: datetime) -> None:
    # Without BYMONTHDAY the day comes from dtstart (RFC 5545 §3.3.10); "monthly in
    # February" starting on the 31st would never occur and would search until year 9999.
    if (
        rule.freq == du.YEARLY
        and rule.bymonthday
        and not (rule.bymonth or rule.byday or rule.byyearday or rule.byweekno)
    ):
        # The month is DTSTART's: "yearly on the 30th" from February never occurs.
        if not any(abs(d) <= MONTH_MAX_DAYS[dtstart.month - 1] for d in rule.bymonthday):
            days = ",".join(str(d) for d in rule.bymonthday)
            raise RecurrenceRuleError(
                f"BYMONTHDAY={days}: {MONTH_NAMES[dtstart.month - 1]} (the start date's month) "
                "has no such day; add BYMONTH"
            )
        return
    if rule.freq not in (du.YEARLY, du.MONTHLY) or not rule.bymonth:
        return
    if rule.bymonthday or rule.byday or rule.byyearday or rule.byweekno:
        return
    if not any(dtstart.day <= MONTH_MAX_DAYS[m - 1] for m in rule.bymonth):
        months = ",".join(str(m) for m in rule.bymonth)
        raise RecurrenceRuleError(
            f"BYMONTH={months}: none of these months has day {dtstart.day} "
            "(the start date's day); add BYMONTHDAY"
        )


class _Bounds:
    """The rule's UNTIL and the caller's ``until``, each compared the way its kind demands."""

    def __init__(self, rule_until: Until | None, until: datetime | None, tz: tzinfo | None):
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


def _walls(rule: Rule, start: datetime, wall_limit: datetime | None) -> Iterator[datetime]:
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


def _dateutil_kwargs(rule: Rule) -> dict[str, object]:
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


def _dateutil_walls(rule: Rule, start: datetime) -> Iterator[datetime]:
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


def _weekno_walls(rule: Rule, start: datetime) -> Iterator[datetime]:
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
