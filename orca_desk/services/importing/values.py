"""Read one cell of an imported file: dates in ISO or the clinic's order, yes/no, languages, phones."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, time

# Countries that write dates month first (03/04/2026 is March 4); everyone else writes day first.
MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "GU", "AS", "MP", "PR", "VI", "UM"})
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_LOCAL = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap]\.?m\.?)?$", re.IGNORECASE)
_YES = frozenset({"yes", "y", "true", "t", "1", "x", "si", "sí"})
_NO = frozenset({"no", "n", "false", "f", "0", ""})
# ISO 639-2 codes (Open Dental stores these) and names, as the two-letter codes messages use.
_LANGUAGES = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "es": "es",
    "spa": "es",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "fr": "fr",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "pt": "pt",
    "por": "pt",
    "portuguese": "pt",
    "vi": "vi",
    "vie": "vi",
    "vietnamese": "vi",
    "zh": "zh",
    "zho": "zh",
    "chi": "zh",
    "chinese": "zh",
    "ar": "ar",
    "ara": "ar",
    "arabic": "ar",
    "ht": "ht",
    "hat": "ht",
    "haitian creole": "ht",
    "ko": "ko",
    "kor": "ko",
    "korean": "ko",
    "ru": "ru",
    "rus": "ru",
    "russian": "ru",
    "tl": "tl",
    "tgl": "tl",
    "tagalog": "tl",
}


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the rejection list."""


def month_first(region: str) -> bool:
    return region.upper() in MONTH_FIRST_REGIONS


def date_format_hint(region: str) -> str:
    return "MM/DD/YYYY" if month_first(region) else "DD/MM/YYYY"


def parse_date(raw: str, *, region: str) -> date | None:
    """ISO (``2014-03-09``, a time after it is ignored) or the clinic's order with a four-digit year.

    Empty and Open Dental's ``0001-01-01`` mean unknown. Two-digit years are refused: 03/04/09
    could be 1909 or 2009, and a wrong birth date is worse than none.
    """
    text = raw.strip()
    if not text or text.startswith("0001-01-01"):
        return None
    if m := _ISO.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _LOCAL.match(text):
        first, second, year_text = int(m[1]), int(m[2]), m[3]
        if len(year_text) != 4:
            raise CellError(f"{text!r} has a two-digit year; write the year in full")
        year = int(year_text)
        month, day = (first, second) if month_first(region) else (second, first)
    else:
        raise CellError(f"{text!r} is not a date (write YYYY-MM-DD or {date_format_hint(region)})")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"{text!r} is not a real date (in {date_format_hint(region)} order)") from None


def parse_time(raw: str) -> time:
    """``14:30``, ``2:30 PM`` or ``14:30:00``."""
    m = _TIME.match(raw.strip())
    if not m:
        raise CellError(f"{raw.strip()!r} is not a time of day")
    hour, minute, half = int(m[1]), int(m[2]), (m[3] or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise CellError(f"{raw.strip()!r} is not a time of day")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise CellError(f"{raw.strip()!r} is not a time of day")
    return time(hour, minute)


def parse_local_datetime(raw: str, *, region: str) -> datetime:
    """A wall-clock start: a date (as :func:`parse_date`), a space or ``T``, and a time."""
    text = raw.strip()
    parts = text.replace("T", " ", 1).split(" ", 1) if text else []
    if len(parts) != 2:
        raise CellError(f"{text!r} is not a date and time (write YYYY-MM-DD HH:MM)")
    day = parse_date(parts[0], region=region)
    if day is None:
        raise CellError(f"{text!r} has no date")
    return datetime.combine(day, parse_time(parts[1]))


def parse_yes_no(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError(f"{raw.strip()!r} is not yes or no")


def parse_language(raw: str) -> str:
    """An ISO 639-1 code from a code or a name ("Spanish", "spa"); "" when the cell is empty."""
    value = raw.strip().lower()
    if not value:
        return ""
    if value in _LANGUAGES:
        return _LANGUAGES[value]
    if re.fullmatch(r"[a-z]{2}", value):
        return value
    raise CellError(f"{raw.strip()!r} is not a language (write a code such as en or es)")


def parse_phone(raw: str, *, region: str) -> str | None:
    """E.164, or None when empty; the clinic's country is assumed for national numbers."""
    text = raw.strip()
    return _parse_phone(text, region) if text else None


@functools.lru_cache(maxsize=65536)
def _parse_phone(text: str, region: str) -> str:
    # Families share numbers: siblings' rows repeat their guardian's, so a cache saves most parses.
    import phonenumbers  # its metadata is large: loaded by the first phone parsed, not with dates

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise CellError(f"{text!r} is not a phone number") from None
    # The clinic's own country first: one region's patterns instead of every region sharing the code.
    if not (phonenumbers.is_valid_number_for_region(number, region) or phonenumbers.is_valid_number(number)):
        raise CellError(f"{text!r} is not a valid phone number for {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(raw: str) -> str | None:
    text = raw.strip()
    if not text:
        return None
    if not _EMAIL.match(text) or len(text) > 200:
        raise CellError(f"{text!r} is not an email address")
    return text.lower()


def text_of(raw: str, *, limit: int, what: str) -> str | None:
    value = " ".join(raw.split()) if "\n" not in raw else raw.strip()
    if len(value) > limit:
        raise CellError(f"{what} is longer than {limit} characters")
    return value or None
