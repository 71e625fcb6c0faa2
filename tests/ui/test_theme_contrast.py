"""The high-contrast theme (chosen per desk in Settings) and text that follows the system's size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QGuiApplication

from orca_desk.paths import resources_dir
from orca_desk.ui import grid_colours, theme
from orca_desk.ui.time_grid import GridColumn, GridItem, TimeGridWidget
from orca_desk.views.settings.appearance import AppearanceBox


@pytest.fixture
def standard_after(qapp):
    yield
    theme.set_desk_theme(qapp, theme.STANDARD)
    assert grid_colours.current() is grid_colours.STANDARD


def test_choosing_high_contrast_in_settings_applies_and_remembers_it(qapp, qtbot, standard_after):
    box = AppearanceBox()
    qtbot.addWidget(box)
    grid = TimeGridWidget()
    qtbot.addWidget(grid)
    grid.set_content([GridColumn(1, "Chair 1")], [GridItem(1, 1, 9 * 60, 10 * 60, "#2f6fb3", "Ada Lovelace")])
    grid.resize(300, 400)
    grid.grab()
    assert grid._pal is grid_colours.STANDARD
    box.theme_combo.setCurrentIndex(box.theme_combo.findData(theme.HIGH_CONTRAST))
    assert QSettings().value(theme.THEME_KEY) == theme.HIGH_CONTRAST
    assert theme.desk_theme() == theme.HIGH_CONTRAST
    assert "High contrast" in qapp.styleSheet()
    grid.grab()  # the book repaints its cached tiles in the new colours
    assert grid._pal is grid_colours.HIGH_CONTRAST and grid._pal.ink == "#000000"
    again = AppearanceBox()
    qtbot.addWidget(again)
    assert again.theme_combo.currentData() == theme.HIGH_CONTRAST


def test_an_unknown_theme_is_refused_by_name(qapp):
    with pytest.raises(ValueError, match="unknown theme 'neon'"):
        theme.set_desk_theme(qapp, "neon")
    QSettings().setValue(theme.THEME_KEY, "neon")
    assert theme.desk_theme() == theme.STANDARD


def test_text_sizes_follow_the_systems_text_size(qapp):
    before = QGuiApplication.font()
    try:
        big = QFont(before)
        big.setPointSizeF(14)
        QGuiApplication.setFont(big)
        qss = theme.stylesheet(theme.STANDARD)
        assert "QWidget { font-size: 14.0pt;" in qss
        assert "font-size: 18.2pt" in qss  # the date title, 1.3 times the body
        small = QFont(before)
        small.setPointSizeF(8)
        QGuiApplication.setFont(small)
        assert "QWidget { font-size: 10.0pt;" in theme.stylesheet(theme.STANDARD)  # never below the layout's
    finally:
        QGuiApplication.setFont(before)


def test_no_stylesheet_fixes_text_size():
    """Text sizes come from the theme (scaled with the system's), never a fixed size."""
    fixed = re.compile(r"font-size:\s*[\d.]+\s*(px|pt)")
    sheets = [*resources_dir().glob("*.qss"), *Path(theme.__file__).parents[1].rglob("*.py")]
    assert [p.name for p in sheets if fixed.search(p.read_text(encoding="utf-8"))] == []
