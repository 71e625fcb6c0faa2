"""English dates on screen follow the desk's QLocale order: month first in the US, day first in Britain;
Spanish keeps its translated formats."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QLocale

from orca_desk.services.messaging import message_locale
from orca_desk.ui import dates, language
from orca_desk.ui.dates import fmt_day

DAY = date(2026, 12, 3)
US = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
GB = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


@pytest.fixture
def desk_locale(qapp, monkeypatch):
    """Sets the default QLocale for one test (English translations, as the source language)."""
    monkeypatch.delenv(language.ENV, raising=False)
    language.install(qapp, "en")
    before = QLocale()

    def use(locale: QLocale) -> None:
        QLocale.setDefault(locale)

    yield use
    QLocale.setDefault(before)


@pytest.mark.parametrize(
    ("fmt", "us", "gb"),
    [
        (dates.LONG, "Thursday, December 3, 2026", "Thursday 3 December 2026"),
        (dates.MEDIUM, "Thu, Dec 3, 2026", "Thu 3 Dec 2026"),
        (dates.SHORT, "Dec 3, 2026", "3 Dec 2026"),
        (dates.DAY_MONTH, "Dec 3", "3 Dec"),
        (dates.WEEKDAY_DAY_MONTH, "Thu, Dec 3", "Thu 3 Dec"),
        (dates.WEEKDAY_LONG_DAY_MONTH, "Thursday, December 3", "Thursday 3 December"),
        (dates.WEEKDAY_DAY, "Thu 3", "Thu 3"),
    ],
)
def test_english_dates_are_month_first_in_the_us_and_day_first_in_britain(desk_locale, fmt, us, gb):
    desk_locale(US)
    assert fmt_day(DAY, fmt) == us
    desk_locale(GB)
    assert fmt_day(DAY, fmt) == gb


def test_the_order_comes_from_the_locale_s_short_date(qapp):
    assert dates.date_format(dates.MEDIUM, US) == "ddd, MMM d, yyyy"
    assert dates.date_format(dates.MEDIUM, GB) == "ddd d MMM yyyy"
    canada = QLocale(QLocale.Language.English, QLocale.Country.Canada)  # short date y-MM-dd: month first
    assert dates.date_format(dates.SHORT, canada) == "MMM d, yyyy"


def test_spanish_keeps_its_translated_order(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    try:
        language.install(qapp, "es")
        assert fmt_day(DAY, dates.LONG) == "jueves 3 de diciembre de 2026"
        assert dates.date_format(dates.MEDIUM) == "ddd d MMM yyyy"
    finally:
        language.install(qapp, "en")


def test_staff_dates_from_the_services_follow_the_desk_s_country(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    language.install(qapp, "en")
    country = QLocale().name().partition("_")[2]
    expected = {"US": "Thu, Dec 3, 2026", "GB": "Thu, 3 Dec 2026"}
    if country not in expected:
        pytest.skip(f"the system locale here is {QLocale().name()}")
    assert message_locale.staff_date(DAY) == expected[country]
