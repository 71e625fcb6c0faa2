"""Parsing and validating an RFC 5545 RRULE value: every bad part named, as typed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from dateutil import rrule as du

from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.message_locale import STAFF_MONTHS, STAFF_WEEKDAYS


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
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = STAFF_WEEKDAYS
MONTH_NAMES = STAFF_MONTHS
# Longest each month can be (February in a leap year), to reject rules that never occur.
MONTH_MAX_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
WEEKDAYS = frozenset(range(5))

_KNOWN_KEYS = (
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS",
    "BYWEEKNO", "BYYEARDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST",
)  # fmt: skip
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$")
_INT_RE = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Until:
    value: datetime  # naive; for kind "utc" it is the UTC wall clock
    kind: str  # "date" (inclusive through that day), "floating" or "utc"
    text: str


@dataclass(frozen=True)
class Rule:
    freq: int
    freq_name: str
    interval: int = 1
    count: int | None = None
    until: Until | None = None
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


def validate(rrule: str) -> None:
    """Raise :class:`RecurrenceRuleError` (a ``ValueError``) naming the bad part of ``rrule``."""
    parse_rule(rrule)


def parse_rule(text: str) -> Rule:
    values, order = _rule_parts(text)
    freq_name = values["FREQ"]
    freq = _FREQS[freq_name]
    rule = Rule(
        freq=freq,
        freq_name=freq_name,
        interval=_single(values, "INTERVAL", "the interval") or 1,
        count=_single(values, "COUNT", "the count"),
        until=parse_until(values["UNTIL"]) if "UNTIL" in values else None,
        bymonthday=_ints(values, "BYMONTHDAY", 1, 31, signed=True, what="a day of the month"),
        bymonth=_ints(values, "BYMONTH", 1, 12, signed=False, what="a month"),
        bysetpos=_ints(values, "BYSETPOS", 1, 366, signed=True, what="a set position"),
        byweekno=_ints(values, "BYWEEKNO", 1, 53, signed=True, what="a week number"),
        byyearday=_ints(values, "BYYEARDAY", 1, 366, signed=True, what="a day of the year"),
        byhour=_ints(values, "BYHOUR", 0, 23, signed=False, what="an hour"),
        byminute=_ints(values, "BYMINUTE", 0, 59, signed=False, what="a minute"),
        # RFC 5545 allows 60 for a leap second, which Python's datetime cannot hold.
        bysecond=_ints(values, "BYSECOND", 0, 59, signed=False, what="a second"),
        wkst=_wkst(values),
        parts=tuple(order),
    )
    rule = replace(rule, byday=_byday(values, rule))
    _check_combinations(rule, values)
    return rule


def _rule_parts(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The rule's NAME=VALUE parts (checked: known, once each, FREQ given) and their order."""
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
    if "COUNT" in values and "UNTIL" in values:
        raise RecurrenceRuleError(
            f"COUNT={values['COUNT']};UNTIL={values['UNTIL']}: COUNT and UNTIL cannot both be given"
        )
    return values, order


def _ints(values: dict[str, str], key: str, lo: int, hi: int, *, signed: bool, what: str) -> tuple[int, ...]:
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


def _single(values: dict[str, str], key: str, what: str) -> int | None:
    if key not in values:
        return None
    value = values[key]
    if not value.isdigit() or int(value) < 1:
        raise RecurrenceRuleError(f"{key}={value}: {what} must be a whole number of at least 1")
    return int(value)


def _wkst(values: dict[str, str]) -> int:
    if "WKST" not in values:
        return 0
    if values["WKST"] not in DAY_CODES:
        raise RecurrenceRuleError(f"WKST={values['WKST']}: unknown weekday (use {', '.join(DAY_CODES)})")
    return DAY_CODES.index(values["WKST"])


def _byday(values: dict[str, str], rule: Rule) -> tuple[tuple[int, int | None], ...]:
    freq, bymonth, byweekno = rule.freq, rule.bymonth, rule.byweekno
    byday: list[tuple[int, int | None]] = []
    for item in values.get("BYDAY", "").split(",") if "BYDAY" in values else ():
        m = _BYDAY_RE.match(item)
        if not m:
            raise RecurrenceRuleError(
                f"BYDAY={item}: expected a weekday code ({', '.join(DAY_CODES)}), "
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
        byday.append((DAY_CODES.index(m.group(2)), ordinal))
    return tuple(byday)


def _check_combinations(rule: Rule, values: dict[str, str]) -> None:
    """Parts that are each valid but cannot go together (or would never occur)."""
    freq, freq_name, byday = rule.freq, rule.freq_name, rule.byday
    bymonthday, bymonth, bysetpos = rule.bymonthday, rule.bymonth, rule.bysetpos
    byweekno, byyearday = rule.byweekno, rule.byyearday
    byhour, byminute, bysecond = rule.byhour, rule.byminute, rule.bysecond

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


def parse_until(text: str) -> Until:
    m = _UNTIL_RE.match(text)
    if not m:
        raise RecurrenceRuleError(f"UNTIL={text}: expected a date (20270630) or date-time (20270630T235959Z)")
    y, mo, d, hh, mm, ss, z = m.groups()
    try:
        if hh is None:
            return Until(datetime(int(y), int(mo), int(d)), "date", text)
        value = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss))
    except ValueError as exc:
        raise RecurrenceRuleError(f"UNTIL={text}: {exc}") from None
    return Until(value, "utc" if z else "floating", text)


def _check_month_days(bymonthday: tuple[int, ...], bymonth: tuple[int, ...], values: dict[str, str]) -> None:
    # "February 30th" would otherwise send the expansion searching until the year 9999.
    if not any(abs(d) <= MONTH_MAX_DAYS[m - 1] for d in bymonthday for m in bymonth):
        raise RecurrenceRuleError(
            f"BYMONTHDAY={values['BYMONTHDAY']}: no such day in BYMONTH={values['BYMONTH']}"
        )
