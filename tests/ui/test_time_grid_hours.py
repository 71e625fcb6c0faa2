"""The book's hours and a dragged visit's times are written in the clinic's time style and the
desk's language, as every other time on the desk."""

from __future__ import annotations

import pytest

from orca_desk.services.messaging.message_locale import set_staff_language
from orca_desk.ui.time_grid import TimeGridWidget


@pytest.fixture
def grid(qtbot):
    widget = TimeGridWidget()
    qtbot.addWidget(widget)
    yield widget
    set_staff_language("en")


def test_hours_on_a_12_hour_english_desk(grid):
    assert [grid.hour_label(m) for m in (8 * 60, 12 * 60, 13 * 60)] == ["8 AM", "12 PM", "1 PM"]
    assert grid._hm(8 * 60 + 15) == "8:15 AM"


def test_hours_on_a_24_hour_clinic(grid):
    grid.time_format = lambda: "24h"
    assert [grid.hour_label(m) for m in (8 * 60, 13 * 60)] == ["08:00", "13:00"]
    assert grid._hm(13 * 60 + 5) == "13:05"


def test_hours_on_a_spanish_desk(grid):
    set_staff_language("es")
    labels = [grid.hour_label(m) for m in (8 * 60, 13 * 60)]
    assert labels == ["8 a. m.", "1 p. m."], labels
    assert "AM" not in grid._hm(8 * 60 + 15) and grid._hm(8 * 60 + 15).startswith("8:15")


def test_the_book_writes_its_hours_in_the_clinic_s_format(main_window, ctx, qtbot):
    from dataclasses import replace

    from orca_desk.services.clinic.clinic_settings import load_settings, save_settings

    with ctx.db.write() as s:
        save_settings(s, ctx.actor, replace(load_settings(s), time_format="24h"), now=ctx.clock.now())
    calendar = main_window.show_screen("calendar")
    calendar.refresh()
    qtbot.waitUntil(lambda: calendar.grid.time_format() == "24h", timeout=5000)
    assert calendar.grid.hour_label(9 * 60) == "09:00"


def test_time_boxes_write_the_day_period_as_the_desk_s_language_does(qapp):
    from PySide6.QtCore import QLocale

    from orca_desk.ui.labels import time_edit_format

    before = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.Spanish, QLocale.Country.UnitedStates))
        assert time_edit_format("12h") == "h:mm ap"
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        assert time_edit_format("12h") == "h:mm AP"
        assert time_edit_format("24h") == "HH:mm"
    finally:
        QLocale.setDefault(before)
