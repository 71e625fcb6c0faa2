"""Apply the QSS theme (standard or high contrast, per desk) and load icons from ``resources/``."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from orca_desk.paths import resources_dir
from orca_desk.ui import accessibility, grid_colours

STANDARD, HIGH_CONTRAST = "standard", "high_contrast"
THEMES = (STANDARD, HIGH_CONTRAST)
THEME_KEY = "appearance/theme"
_SHEETS = {STANDARD: ("style.qss",), HIGH_CONTRAST: ("style.qss", "high_contrast.qss")}
_PALETTES = {STANDARD: grid_colours.STANDARD, HIGH_CONTRAST: grid_colours.HIGH_CONTRAST}
# The theme's text sizes relative to the body text (a title, an empty list's message).
_FONT_SCALES = {
    "@FONT_CARD@": 1.5,
    "@FONT_TITLE@": 1.3,
    "@FONT_SUB@": 1.2,
    "@FONT_HEADLINE@": 1.15,
    "@FONT_LARGE@": 1.1,
    "@FONT@": 1.0,
}
MIN_BODY_PT = 10.0  # never smaller than the size the screens are laid out for


def desk_theme() -> str:
    """This desk's theme (QSettings: it follows the workstation, not the clinic)."""
    saved = str(QSettings().value(THEME_KEY, STANDARD))
    return saved if saved in THEMES else STANDARD


def set_desk_theme(app: QApplication, theme: str) -> None:
    """Remember ``theme`` for this desk and show it now."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: choose one of {', '.join(THEMES)}")
    QSettings().setValue(THEME_KEY, theme)
    apply_theme(app, theme)


def apply_theme(app: QApplication, theme: str | None = None) -> None:
    """Set the style and stylesheet once: setting them again re-polishes every live widget,
    which is slow and, with widgets half-way through deletion, can crash Qt."""
    theme = theme or desk_theme()
    qss = stylesheet(theme)
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    grid_colours.use(_PALETTES[theme])
    if app.styleSheet() != qss:
        app.setStyleSheet(qss)
    app.setWindowIcon(icon("logo"))
    accessibility.install(app)


def body_point_size() -> float:
    """The body text size: the system's (enlarged text follows), at least ``MIN_BODY_PT``."""
    system = QGuiApplication.font().pointSizeF()
    # The application font is the system's until someone sets it; the stylesheet does not change it.
    return max(MIN_BODY_PT, system if system > 0 else MIN_BODY_PT)


def stylesheet(theme: str = STANDARD) -> str:
    """The QSS of ``theme``, with ``@ICONS@`` made the icons folder (QSS ``url()`` takes only full
    paths) and the ``@FONT…@`` sizes scaled from the system's text size."""
    icons = (resources_dir() / "icons").as_posix()
    qss = "\n".join((resources_dir() / name).read_text(encoding="utf-8") for name in _SHEETS[theme])
    body = body_point_size()
    for token, scale in _FONT_SCALES.items():
        qss = qss.replace(token, f"{body * scale:.1f}pt")
    return qss.replace("@ICONS@", icons)


@cache
def icon(name: str) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()
