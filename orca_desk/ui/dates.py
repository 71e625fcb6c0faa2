"""Dates as the UI shows them, through QLocale: weekday and month names come from the chosen
language (the default QLocale, set at start-up), never from a hand-written list or strftime."""

from __future__ import annotations

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


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def fmt_day(day: date, fmt: str = MEDIUM) -> str:
    """``day`` in the Qt format ``fmt`` as translated in the "Dates" context (the language's own order)."""
    return QLocale().toString(qdate(day), QCoreApplication.translate("Dates", fmt))


def weekday_name(weekday: int, short: bool = True) -> str:
    """0 = Monday, as Python's ``date.weekday()`` counts."""
    kind = QLocale.FormatType.ShortFormat if short else QLocale.FormatType.LongFormat
    return QLocale().dayName(weekday + 1, kind)
