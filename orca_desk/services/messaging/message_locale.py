"""Dates, times and language choice for patient messages, written through Babel (en and es shipped)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from functools import cache
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.dates import match_skeleton

from orca_desk.services.messaging.render import GSM7_BASIC, GSM7_EXTENSION

DEFAULT_LANGUAGE = "en"
# The languages whose templates ship; any other patient language falls back to English.
MESSAGE_LANGUAGES: tuple[str, ...] = ("en", "es")
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def message_language(code: str | None) -> str:
    """The shipped language a message goes out in for an ISO 639-1 ``code`` ("es-MX" → "es")."""
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in MESSAGE_LANGUAGES else DEFAULT_LANGUAGE


# The names of the sequences a new clinic starts with, in a clinic's language (staff read them,
# and they are stored once, at seeding: English when the language has none).
DEFAULT_SEQUENCE_NAMES: dict[str, dict[str, str]] = {
    "es": {
        "Standard reminders": "Recordatorios habituales",
        "Long visits": "Visitas largas",
        "Missed visit follow-up": "Seguimiento de citas perdidas",
    },
}


def sequence_name(name: str, language: str | None) -> str:
    """A default sequence's English ``name`` as a clinic speaking ``language`` reads it."""
    return DEFAULT_SEQUENCE_NAMES.get(message_language(language), {}).get(name, name)


@cache
def babel_locale(language: str | None, country: str | None = None) -> Locale:
    """The Babel locale for a message: the language as spoken in the clinic's country when Babel
    knows that pairing (es_US writes "3:30 p.m."), else the language alone."""
    lang = message_language(language)
    if country:
        try:
            return Locale.parse(f"{lang}_{country.strip().upper()}")
        except (UnknownLocaleError, ValueError):
            pass
    return Locale.parse(lang)


def language_display_name(code: str, in_language: str) -> str:
    """The name of the language ``code`` ("fr") said in ``in_language``, capitalised as a list
    item: "French", "Francés"; the code itself when CLDR does not know it."""
    try:
        name = Locale.parse(code.strip().replace("-", "_")).get_display_name(in_language)
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


def _sms_safe(text: str) -> str:
    """Plain spaces for Babel's narrow no-break ones, and "sáb" as "sab": a character outside the
    GSM alphabet would make the whole SMS cost double."""
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
            out.append(ch)
        else:
            out.append(
                "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)) or ch
            )
    return "".join(out)


@cache
def skeleton_pattern(skeleton: str, locale: Locale) -> str:
    """The CLDR pattern ``locale`` writes a date ``skeleton`` with ("MMMEd": "E, MMM d" in en_US,
    "E d MMM" in en_GB), its weekday and month as wide as the skeleton asks: CLDR lists few wide
    skeletons and Babel's nearest match would say "Tue" where "EEEE" wants "Tuesday"."""
    key = match_skeleton(skeleton, locale.datetime_skeletons) or skeleton
    pattern = str(locale.datetime_skeletons[key].pattern) if key in locale.datetime_skeletons else skeleton
    if "EEEE" in skeleton:
        pattern = re.sub("E+", "EEEE", pattern)
    if "MMMM" in skeleton:
        pattern = re.sub("(?<!M)M{3}(?!M)", "MMMM", pattern)
    return pattern


def locale_date(when: datetime | date, skeleton: str, locale: Locale) -> str:
    """``when`` as ``locale`` orders and joins the fields of a CLDR ``skeleton`` ("yMMMEd":
    "Tue, Mar 10, 2026" in en_US, "Tue, 10 Mar 2026" in en_GB, "mar, 10 mar 2026" in es)."""
    return _babel_date(when, skeleton_pattern(skeleton, locale), locale=locale)


def message_date(when: datetime | date, language: str | None = None, country: str | None = None) -> str:
    """A short date: "Tue, Mar 10" (en, en_US), "Tue 10 Mar" (en_GB), "mar, 10 mar" (es)."""
    return _sms_safe(locale_date(when, "MMMEd", babel_locale(language, country)))


def message_weekday(when: datetime | date, language: str | None = None) -> str:
    """The weekday in full: "Tuesday", "martes"."""
    return _sms_safe(_babel_date(when, "EEEE", locale=babel_locale(language)))


def message_time(
    when: datetime | time,
    language: str | None = None,
    *,
    hour_format: Literal[12, 24] = 12,
    country: str | None = None,
) -> str:
    """A time of day on the clinic's clock: "3:30 PM" / "15:30" (en), "3:30 p. m." / "15:30" (es)."""
    pattern = "HH:mm" if hour_format == 24 else "h:mm a"
    wall = when.replace(tzinfo=None) if isinstance(when, datetime) else when
    return _sms_safe(_babel_time(wall, pattern, locale=babel_locale(language, country)))


def at_time(when: datetime | time, language: str | None = None, *, hour_format: Literal[12, 24] = 12) -> str:
    """The word joining a date to its time: "at" (en), "a las" / "a la" for one o'clock (es)."""
    if message_language(language) == "es":
        hour = when.hour % 12 if hour_format == 12 else when.hour
        return "a la" if hour == 1 else "a las"
    return "at"


def message_when(
    when: datetime,
    language: str | None = None,
    *,
    hour_format: Literal[12, 24] = 12,
    country: str | None = None,
) -> str:
    """Date and time: "Tue, Mar 10 at 3:30 PM", "mar, 10 mar a las 3:30 p. m."."""
    day = message_date(when, language, country)
    clock = message_time(when, language, hour_format=hour_format, country=country)
    return f"{day} {at_time(when, language, hour_format=hour_format)} {clock}"


# One desk, one language and country: the UI sets them at start-up from its own locale.
_staff_language = [DEFAULT_LANGUAGE]
_staff_country: list[str | None] = [None]


def set_staff_language(language: str, country: str | None = None) -> None:
    """The language of dates and times staff read (the desk's), and the country whose order they
    follow ("US": "Wed, Dec 2, 2026"; "GB": "Wed, 2 Dec 2026"); English, US order unless the UI says."""
    _staff_language[0] = message_language(language)
    _staff_country[0] = country or None


def staff_language() -> str:
    return _staff_language[0]


def _staff_locale() -> Locale:
    return babel_locale(_staff_language[0], _staff_country[0])


def staff_date(when: datetime | date, *, year: bool = True, weekday: bool = True) -> str:
    """A date staff read, in the desk's language and order: "Wed, Dec 2, 2026", "Dec 2" (no
    weekday, no year); "Wed, 2 Dec 2026" on a British desk, "mié, 2 dic 2026" on a Spanish one."""
    skeleton = ("y" if year else "") + "MMM" + ("E" if weekday else "") + "d"
    return locale_date(when, skeleton, _staff_locale())


def staff_locale_name() -> str:
    """The desk's locale ("en_US", "es"): what a cache of texts staff read is keyed by."""
    return str(_staff_locale())


def staff_weekday_short(day: int) -> str:
    """A weekday (0 = Monday) as staff read it in a list: "Tue" ("mar" on a Spanish desk)."""
    return str(_staff_locale().days["format"]["abbreviated"][day])


def recipient_language(patient: Any) -> str:
    """The language a message about ``patient`` goes out in: the guardian's when one is set (they
    read the messages), else the patient's; English when that language ships no templates."""
    if getattr(patient, "guardian_name", None) and getattr(patient, "guardian_language", None):
        return message_language(patient.guardian_language)
    return message_language(getattr(patient, "language", None))


def _english_names() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    en = babel_locale(DEFAULT_LANGUAGE)
    return (
        tuple(en.days["format"]["wide"][i] for i in range(7)),
        tuple(en.days["format"]["abbreviated"][i] for i in range(7)),
        tuple(en.months["format"]["wide"][m] for m in range(1, 13)),
    )


# The desk's own English names (Monday first), from CLDR rather than the OS locale strftime reads.
STAFF_WEEKDAYS, STAFF_WEEKDAYS_SHORT, STAFF_MONTHS = _english_names()


def staff_format(when: datetime | date, skeleton: str) -> str:
    """``when`` as a CLDR ``skeleton`` ("yMMMMEEEEd") in the desk's language and order."""
    return locale_date(when, skeleton, _staff_locale())
