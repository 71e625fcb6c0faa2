"""Describing a recurrence rule in a short English sentence ("Every 6 weeks on Tuesday, 8 times")."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from dateutil import rrule as du

from orca_desk.services.errors import ValidationError
from orca_desk.services.message_locale import staff_date
from orca_desk.services.recurrence.rules import DAY_NAMES, MONTH_NAMES, WEEKDAYS, Rule, Until, parse_rule


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
    rule = parse_rule(rrule)
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


def _every(rule: Rule) -> str:
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
    return _join([DAY_NAMES[d] for d in sorted(set(days))])


def _month_day(n: int) -> str:
    return "the last day" if n == -1 else f"the {_ordinal(n)}" + (" day" if n < 0 else "")


def _describe_pattern(rule: Rule, dtstart: datetime) -> str | None:
    if rule.byhour or rule.byminute or rule.bysecond or rule.byweekno or rule.byyearday:
        return None
    plain_days = [wd for wd, n in rule.byday if n is None]
    numbered = [(wd, n) for wd, n in rule.byday if n is not None]
    every = _every(rule)

    if rule.freq in (du.DAILY, du.WEEKLY) and not rule.bysetpos and not rule.bymonth:
        if rule.freq == du.DAILY and not rule.byday:
            return every
        days = plain_days or [dtstart.weekday()]
        if rule.interval == 1 and set(days) == WEEKDAYS:
            return "Every weekday"
        if rule.freq == du.DAILY and rule.interval != 1:
            return None  # "every 3 days, but only on Mondays" has no short phrasing
        return f"{_every(_with_freq(rule, du.WEEKLY))} on {_day_list(days)}"

    if rule.freq == du.MONTHLY and not rule.bymonth:
        phrase = _monthly_phrase(rule, dtstart, plain_days, numbered)
        return None if phrase is None else f"{every} on {phrase}"

    if rule.freq == du.YEARLY and len(rule.bymonth) <= 1:
        month = MONTH_NAMES[(rule.bymonth[0] if rule.bymonth else dtstart.month) - 1]
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
    rule: Rule, dtstart: datetime, plain_days: list[int], numbered: list[tuple[int, int]]
) -> str | None:
    if not rule.byday and not rule.bysetpos:
        days = rule.bymonthday or (dtstart.day,)
        return _join([_month_day(d) for d in days])
    if rule.bymonthday:
        return None  # e.g. Friday the 13th: fine for the fallback
    if numbered and not plain_days and not rule.bysetpos:
        return _join([f"the {_ordinal(n)} {DAY_NAMES[wd]}" for wd, n in numbered])
    if plain_days and not numbered and len(rule.bysetpos) == 1:
        pos = _ordinal(rule.bysetpos[0])
        if set(plain_days) == WEEKDAYS:
            return f"the {pos} weekday"
        if len(set(plain_days)) == 1:
            return f"the {pos} {DAY_NAMES[plain_days[0]]}"
    return None


def _with_freq(rule: Rule, freq: int) -> Rule:
    return Rule(freq=freq, freq_name="", interval=rule.interval)


def _until_local_date(until: Until, tz: tzinfo | None) -> date:
    if until.kind == "utc" and tz is not None:
        return until.value.replace(tzinfo=UTC).astimezone(tz).date()
    return until.value.date()


def _format_date(d: date) -> str:
    # Through Babel: strftime("%b") follows the OS locale on a receptionist's PC.
    return staff_date(d, weekday=False)
