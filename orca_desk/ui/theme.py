"""Apply the QSS theme and load icons from ``resources/``."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from orca_desk.paths import resources_dir
from orca_desk.ui import accessibility


def apply_theme(app: QApplication) -> None:
    """Set the style and stylesheet once: setting them again re-polishes every live widget,
    which is slow and, with widgets half-way through deletion, can crash Qt."""
    qss = stylesheet()
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    if app.styleSheet() != qss:
        app.setStyleSheet(qss)
    app.setWindowIcon(icon("logo"))
    accessibility.install(app)


def stylesheet() -> str:
    """The QSS theme, with ``@ICONS@`` made the icons folder (QSS ``url()`` takes only full paths)."""
    icons = (resources_dir() / "icons").as_posix()
    return (resources_dir() / "style.qss").read_text(encoding="utf-8").replace("@ICONS@", icons)


@cache
def icon(name: str) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()
