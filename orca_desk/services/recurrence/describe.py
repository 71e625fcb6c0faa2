"""Describing a recurrence rule in a short sentence in the desk's language ("Every 6 weeks on
Tuesday, 8 times", "Cada 6 semanas los martes, 8 veces"); names of days and months from CLDR."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from babel import Locale
from dateutil import rrule as du

from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.message_locale import (
    DEFAULT_LANGUAGE,
    babel_locale,
    locale_date,
    message_language,
)
from orca_desk.services.recurrence.rules import WEEKDAYS, Rule, Until, parse_rule


@dataclass(frozen=True)
class _Grammar:
    """How one language says the parts of a rule's sentence; names come from the locale."""

    every: dict[int, tuple[str, str, str]]  # freq: (interval 1, one unit, several units)
    every_n: str  # "Every {n} {units}"
    on: str  # "{every} on {what}"
    of_month: str  # "{what} of {month}"
    day_month: str  # "{month} {day}" (en), "el {day} de {month}" (es)
    weekday: str  # "Every weekday"
    nth_weekday: str  # "the {nth} weekday"
    nth_day: str  # "the {nth} {day}" (a weekday of the month)
    month_day: str  # "the {n}th" (a day of the month)
    last_day: str  # "the {nth} day" (counted from the end)
    days: str  # "{days}" in a weekly rule ("Monday and Friday" / "los lunes y viernes")
    and_: str
    custom: str  # "{every}, custom rule ({parts})"
    once: str
    times: str  # ", {n} times"
    until: str  # ", until {date}"


_EN = _Grammar(
    every={
        du.YEARLY: ("Yearly", "year", "years"),
        du.MONTHLY: ("Monthly", "month", "months"),
        du.WEEKLY: ("Weekly", "week", "weeks"),
        du.DAILY: ("Daily", "day", "days"),
        du.HOURLY: ("Hourly", "hour", "hours"),
        du.MINUTELY: ("Every minute", "minute", "minutes"),
        du.SECONDLY: ("Every second", "second", "seconds"),
    },
    every_n="Every {n} {units}",
    on="{every} on {what}",
    of_month="{what} of {month}",
    day_month="{month} {day}",
    weekday="Every weekday",
    nth_weekday="the {nth} weekday",
    nth_day="the {nth} {day}",
    month_day="the {nth}",
    last_day="the {nth} day",
    days="{days}",
    and_="and",
    custom="{every}, custom rule ({parts})",
    once=", once",
    times=", {n} times",
    until=", until {date}",
)

_ES = _Grammar(
    every={
        du.YEARLY: ("Cada año", "año", "años"),
        du.MONTHLY: ("Cada mes", "mes", "meses"),
        du.WEEKLY: ("Cada semana", "semana", "semanas"),
        du.DAILY: ("Cada día", "día", "días"),
        du.HOURLY: ("Cada hora", "hora", "horas"),
        du.MINUTELY: ("Cada minuto", "minuto", "minutos"),
        du.SECONDLY: ("Cada segundo", "segundo", "segundos"),
    },
    every_n="Cada {n} {units}",
    on="{every} {what}",
    of_month="{what} de {month}",
    day_month="el {day} de {month}",
    weekday="De lunes a viernes",
    nth_weekday="el {nth} día laborable",
    nth_day="el {nth} {day}",
    month_day="el día {nth}",
    last_day="el {nth} día",
    days="los {days}",
    and_="y",
    custom="{every}, regla personalizada ({parts})",
    once=", una vez",
    times=", {n} veces",
    until=", hasta el {date}",
)

_GRAMMARS = {"en": _EN, "es": _ES}
# Spanish ordinals before a noun ("el primer martes"); past the fifth, "el 6.º martes".
_ES_ORDINALS = {1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto", 5: "quinto"}


@dataclass(frozen=True)
class _Speaker:
    """One language's grammar with its locale's names of days and months."""

    language: str
    grammar: _Grammar
    locale: Locale

    def day(self, weekday: int, *, plural: bool = False) -> str:
        name = str(self.locale.days["format"]["wide"][weekday])
        if plural and self.language == "es" and not name.endswith("s"):
            return name + "s"  # "los sábados"; lunes … viernes are their own plural
        return name

    def month(self, month: int) -> str:
        return str(self.locale.months["format"]["wide"][month])

    def ordinal(self, n: int) -> str:
        if self.language == "es":
            if n == -1:
                return "último"
            if n == -2:
                return "penúltimo"
            if n == -3:
                return "antepenúltimo"
            return _ES_ORDINALS.get(abs(n), f"{abs(n)}.º")  # from the end: see ``from_end``
        if n == -1:
            return "last"
        if n < 0:
            return f"{self.ordinal(-n)}-to-last"
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    def from_end(self, n: int) -> str:
        """What follows a Spanish ordinal counted from the end beyond the third."""
        return " contando desde el final" if self.language == "es" and n < -3 else ""

    def join(self, items: list[str]) -> str:
        if len(items) == 1:
            return items[0]
        return f"{', '.join(items[:-1])} {self.grammar.and_} {items[-1]}"

    def every(self, rule: Rule) -> str:
        one, _unit, units = self.grammar.every[rule.freq]
        return one if rule.interval == 1 else self.grammar.every_n.format(n=rule.interval, units=units)

    def on(self, every: str, what: str) -> str:
        return self.grammar.on.format(every=every, what=what)

    def day_list(self, days: list[int]) -> str:
        plural = self.language == "es"
        return self.grammar.days.format(
            days=self.join([self.day(d, plural=plural) for d in sorted(set(days))])
        )

    def month_day(self, n: int) -> str:
        if n > 0:
            return self.grammar.month_day.format(nth=n if self.language == "es" else self.ordinal(n))
        return self.grammar.last_day.format(nth=self.ordinal(n)) + self.from_end(n)

    def nth_day(self, n: int, weekday: int) -> str:
        return self.grammar.nth_day.format(nth=self.ordinal(n), day=self.day(weekday)) + self.from_end(n)


def _speaker(language: str | None) -> _Speaker:
    code = message_language(language or DEFAULT_LANGUAGE)
    return _Speaker(code, _GRAMMARS.get(code, _EN), babel_locale(code))


def describe_typed(rrule: str, dtstart: datetime, language: str | None = None) -> tuple[str, str | None]:
    """A rule as typed: its summary, or "" and why it is not valid."""
    try:
        return describe(rrule, dtstart, language), None
    except ValidationError as exc:
        return "", str(exc)


def describe(rrule: str, dtstart: datetime, language: str | None = None) -> str:
    """Return a short summary such as "Every 6 weeks on Tuesday, 8 times" in ``language``
    (English when None or not shipped; "Cada 6 semanas los martes, 8 veces" in Spanish).

    Common shapes get a sentence ("Daily", "Every weekday", "Monthly on the 2nd Tuesday",
    "Yearly on July 4, until Jun 30, 2027"); anything else gets the frequency plus the
    rule's parts, so the summary never claims something the rule does not say.
    """
    rule = parse_rule(rrule)
    say = _speaker(language)
    grammar = say.grammar
    head = _describe_pattern(rule, dtstart, say)
    if head is None:
        custom = ";".join(
            f"{k}={v}" for k, v in rule.parts if k not in ("FREQ", "INTERVAL", "COUNT", "UNTIL")
        )
        head = grammar.custom.format(every=say.every(rule), parts=custom) if custom else say.every(rule)
    if rule.count is not None:
        head += grammar.once if rule.count == 1 else grammar.times.format(n=rule.count)
    elif rule.until is not None:
        until = _until_local_date(rule.until, dtstart.tzinfo)
        head += grammar.until.format(date=locale_date(until, "yMMMd", say.locale))
    return head


def _describe_pattern(rule: Rule, dtstart: datetime, say: _Speaker) -> str | None:
    if rule.byhour or rule.byminute or rule.bysecond or rule.byweekno or rule.byyearday:
        return None
    plain_days = [wd for wd, n in rule.byday if n is None]
    numbered = [(wd, n) for wd, n in rule.byday if n is not None]
    every = say.every(rule)

    if rule.freq in (du.DAILY, du.WEEKLY) and not rule.bysetpos and not rule.bymonth:
        if rule.freq == du.DAILY and not rule.byday:
            return every
        days = plain_days or [dtstart.weekday()]
        if rule.interval == 1 and set(days) == WEEKDAYS:
            return say.grammar.weekday
        if rule.freq == du.DAILY and rule.interval != 1:
            return None  # "every 3 days, but only on Mondays" has no short phrasing
        return say.on(say.every(_with_freq(rule, du.WEEKLY)), say.day_list(days))

    if rule.freq == du.MONTHLY and not rule.bymonth:
        phrase = _monthly_phrase(rule, dtstart, plain_days, numbered, say)
        return None if phrase is None else say.on(every, phrase)

    if rule.freq == du.YEARLY and len(rule.bymonth) <= 1:
        month = say.month(rule.bymonth[0] if rule.bymonth else dtstart.month)
        if not rule.byday and not rule.bysetpos and len(rule.bymonthday) <= 1:
            day = rule.bymonthday[0] if rule.bymonthday else dtstart.day
            if day > 0:
                return say.on(every, say.grammar.day_month.format(day=day, month=month))
            return say.on(every, say.grammar.of_month.format(what=say.month_day(day), month=month))
        if rule.bymonth:
            phrase = _monthly_phrase(rule, dtstart, plain_days, numbered, say)
            if phrase is not None:
                return say.on(every, say.grammar.of_month.format(what=phrase, month=month))
    return None


def _monthly_phrase(
    rule: Rule, dtstart: datetime, plain_days: list[int], numbered: list[tuple[int, int]], say: _Speaker
) -> str | None:
    if not rule.byday and not rule.bysetpos:
        days = rule.bymonthday or (dtstart.day,)
        return say.join([say.month_day(d) for d in days])
    if rule.bymonthday:
        return None  # e.g. Friday the 13th: fine for the fallback
    if numbered and not plain_days and not rule.bysetpos:
        return say.join([say.nth_day(n, wd) for wd, n in numbered])
    if plain_days and not numbered and len(rule.bysetpos) == 1:
        pos = rule.bysetpos[0]
        if set(plain_days) == WEEKDAYS:
            return say.grammar.nth_weekday.format(nth=say.ordinal(pos)) + say.from_end(pos)
        if len(set(plain_days)) == 1:
            return say.nth_day(pos, plain_days[0])
    return None


def _with_freq(rule: Rule, freq: int) -> Rule:
    return Rule(freq=freq, freq_name="", interval=rule.interval)


def _until_local_date(until: Until, tz: tzinfo | None) -> date:
    if until.kind == "utc" and tz is not None:
        return until.value.replace(tzinfo=UTC).astimezone(tz).date()
    return until.value.date()
