"""Dates the services write (Babel, CLDR skeletons) follow the locale's order: month first for en_US,
day first for en_GB, Spanish as CLDR writes it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from orca_desk.services.messaging import message_locale
from orca_desk.services.messaging.message_locale import (
    babel_locale,
    locale_date,
    message_date,
    message_when,
    staff_date,
)
from orca_desk.services.printing.style import date_text, long_date_text

DAY = date(2026, 12, 3)
TUE = datetime(2026, 3, 10, 15, 30)


@pytest.mark.parametrize(
    ("language", "country", "short", "long"),
    [
        ("en", None, "Tue, Mar 10", "Tue, Mar 10 at 3:30 PM"),
        ("en", "US", "Tue, Mar 10", "Tue, Mar 10 at 3:30 PM"),
        ("en", "GB", "Tue 10 Mar", "Tue 10 Mar at 3:30 pm"),
        ("es", None, "mar, 10 mar", "mar, 10 mar a las 3:30 p. m."),
    ],
)
def test_message_dates_follow_the_clinic_s_country(language, country, short, long):
    assert message_date(TUE, language, country) == short
    assert message_when(TUE, language, country=country) == long


@pytest.mark.parametrize(
    ("skeleton", "us", "gb", "es"),
    [
        (
            "yMMMMEEEEd",
            "Thursday, December 3, 2026",
            "Thursday, 3 December 2026",
            "jueves, 3 de diciembre de 2026",
        ),
        ("MMMMEEEEd", "Thursday, December 3", "Thursday 3 December", "jueves, 3 de diciembre"),
        ("yMMMEd", "Thu, Dec 3, 2026", "Thu, 3 Dec 2026", "jue, 3 dic 2026"),
        ("MMMd", "Dec 3", "3 Dec", "3 dic"),
    ],
)
def test_skeletons_keep_their_field_widths_in_each_order(skeleton, us, gb, es):
    assert locale_date(DAY, skeleton, babel_locale("en", "US")) == us
    assert locale_date(DAY, skeleton, babel_locale("en", "GB")) == gb
    assert locale_date(DAY, skeleton, babel_locale("es")) == es


def test_staff_dates_follow_the_desk_s_country(desk_locale):
    message_locale.set_staff_language("en", "US")
    assert (staff_date(DAY), staff_date(DAY, year=False, weekday=False)) == ("Thu, Dec 3, 2026", "Dec 3")
    message_locale.set_staff_language("en", "GB")
    assert (staff_date(DAY), staff_date(DAY, year=False, weekday=False)) == ("Thu, 3 Dec 2026", "3 Dec")
    message_locale.set_staff_language("es")
    assert staff_date(DAY, year=False) == "jue, 3 dic"


def test_a_printed_sheet_writes_english_month_first_and_spanish_unchanged():
    assert long_date_text(DAY, "en") == "Thursday, December 3, 2026"
    assert date_text(DAY, "en") == "Thu, Dec 3, 2026"
    assert long_date_text(DAY, "es") == "jueves, 3 de diciembre de 2026"
