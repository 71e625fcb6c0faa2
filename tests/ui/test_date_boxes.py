"""Date boxes show the desk's short date (QLocale), never a format written into a screen."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDateEdit

from orca_desk.ui.dates import MEDIUM, date_format
from orca_desk.ui.labels import date_edit_format

ROOT = Path(__file__).resolve().parents[2] / "orca_desk"


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        (QLocale(QLocale.Language.English, QLocale.Country.UnitedStates), "12/3/2026"),
        (QLocale(QLocale.Language.Spanish, QLocale.Country.UnitedStates), "3/12/2026"),
        (QLocale(QLocale.Language.Spanish, QLocale.Country.Mexico), "03/12/2026"),
    ],
)
def test_a_date_box_reads_as_the_desk_writes_dates(qapp, locale, shown):
    before = QLocale()
    QLocale.setDefault(locale)
    try:
        edit = QDateEdit()
        edit.setDisplayFormat(date_edit_format())
        edit.setDate(QDate(2026, 12, 3))
        assert edit.text() == shown
        edit.deleteLater()
    finally:
        QLocale.setDefault(before)


def _display_formats(path: Path) -> list[tuple[int, str]]:
    """String literals passed to setDisplayFormat in one module, also inside a joined format."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setDisplayFormat"
            and node.args
        ):
            found.extend(
                (node.lineno, part.value)
                for part in ast.walk(node.args[0])
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
    return found


def test_no_screen_writes_a_date_format_itself():
    """A box with a date shows the desk's short date (labels.date_edit_format) or a named format
    in the desk's order (ui.dates.date_format): a literal would be day-first on a US desk."""
    found = [
        f"{p.relative_to(ROOT.parent).as_posix()}:{line} {fmt!r}"
        for p in sorted(ROOT.rglob("*.py"))
        for line, fmt in _display_formats(p)
        if "y" in fmt or "MMM" in fmt
    ]
    assert found == [], "date boxes use date_edit_format() or ui.dates.date_format(): " + ", ".join(found)


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        (QLocale(QLocale.Language.English, QLocale.Country.UnitedStates), "Thu, Dec 3, 2026"),
        (QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom), "Thu 3 Dec 2026"),
    ],
)
def test_a_named_date_box_follows_the_desk_order(qapp, locale, shown):
    before = QLocale()
    QLocale.setDefault(locale)
    try:
        edit = QDateEdit()
        edit.setDisplayFormat(date_format(MEDIUM))
        edit.setDate(QDate(2026, 12, 3))
        assert edit.text() == shown
        edit.deleteLater()
    finally:
        QLocale.setDefault(before)
