"""Dates as the UI shows them, through QLocale: weekday and month names come from the chosen
language (the default QLocale, set at start-up), never from a hand-written list or strftime."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QLocale

# Qt date formats (QLocale::toString), each translatable so a language can order and join the parts
# its own way ("jueves 3 de diciembre de 2026").
LONG = str(QT_TRANSLATE_NOOP("Dates", "dddd d MMMM yyyy"))
MEDIUM = str(QT_TRANSLATE_NOOP("Dates", "ddd d MMM yyyy"))
SHORT = str(QT_TRANSLATE_NOOP("Dates", "d MMM yyyy"))
DAY_MONTH = str(QT_TRANSLATE_NOOP("Dates", "d MMM"))
WEEKDAY_DAY_MONTH = str(QT_TRANSLATE_NOOP("Dates", "ddd d MMM"))
WEEKDAY_DAY = str(QT_TRANSLATE_NOOP("Dates", "ddd d"))
WEEKDAY_LONG_DAY_MONTH = str(QT_TRANSLATE_NOOP("Dates", "dddd d MMMM"))


# A day-first source format: optional weekday, day, month name, optional year ("ddd d MMM yyyy").
_DAY_FIRST = re.compile(r"^(?:(d{3,4}) )?d (M{3,4})(?: (yyyy))?$")


def date_format(fmt: str = MEDIUM, locale: QLocale | None = None) -> str:
    """The Qt format a date in ``fmt`` is written with: its translation in the "Dates" context
    (each language orders the parts its own way), and for a source-language (English) format the
    order of the desk's locale: month first where its short date puts the month before the day
    (en_US "ddd, MMM d, yyyy": "Tue, Mar 3, 2026"), day first otherwise (en_GB "Tue 3 Mar 2026")."""
    translated = QCoreApplication.translate("Dates", fmt)
    short = (locale or QLocale()).dateFormat(QLocale.FormatType.ShortFormat)
    found = _DAY_FIRST.match(translated)
    if translated != fmt or found is None or short.find("M") > short.find("d"):
        return translated
    weekday, month, year = found.groups()
    return (f"{weekday}, " if weekday else "") + f"{month} d" + (f", {year}" if year else "")


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def fmt_day(day: date, fmt: str = MEDIUM) -> str:
    """``day`` in the Qt format ``fmt`` in the desk's language and order (``date_format``)."""
    return QLocale().toString(qdate(day), date_format(fmt))


def weekday_name(weekday: int, short: bool = True) -> str:
    """0 = Monday, as Python's ``date.weekday()`` counts."""
    kind = QLocale.FormatType.ShortFormat if short else QLocale.FormatType.LongFormat
    return QLocale().dayName(weekday + 1, kind)
