"""How a printed sheet looks: margins, fonts, ink, confirmation marks, grey patterns, drawing helpers."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache

from babel.dates import format_date, format_time
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from orca_desk.services import phrasebook
from orca_desk.services.messaging.message_locale import babel_locale, locale_date

MARGIN = 28.0
AXIS_W = 30.0
HEADER_H = 40.0
LEGEND_H = 30.0
DAY_COL_MIN, DAY_LANE_MIN = 80.0, 34.0  # day sheet: a column, and each concurrent lane
WEEK_COL_MIN, WEEK_LANE_MIN = 30.0, 22.0  # week sheet: a (day, resource) column
MAX_LANES = 3  # wider needs are squeezed rather than given more room
DEFAULT_HOURS = (8, 17)  # always shown, widened to fit the day's appointments

FONT, BOLD = "Helvetica", "Helvetica-Bold"
INK = (0.12, 0.14, 0.17)
MUTED = (0.38, 0.42, 0.47)
RULE = (0.80, 0.82, 0.85)
# Confirmation marks, drawn as vector shapes so every viewer and printer shows them.
MARKS: dict[str, str] = {
    "confirmed": "#1b7f4b",
    "requested": "#b7791f",
    "declined": "#b3261e",
    "callback": "#6b46c1",
}
# Said in the sheet's language through the phrasebook, each with the "sheet" context.
MARK_LABELS = {
    "confirmed": "confirmed",
    "requested": "confirmation requested",
    "declined": "declined",
    "callback": "call back",
}
SHEET = "sheet"  # the phrasebook context of a printed sheet's words
# Grayscale: one light grey and one pattern per type, so types stay apart without colour.
GREYS = (0.93, 0.80, 0.87, 0.74, 0.97, 0.84, 0.90)
PATTERNS = ("none", "diag", "dots", "none", "cross", "horiz", "backdiag")


class GreyCanvas(Canvas):
    """A canvas that turns every colour into its grey (luma), so a grayscale sheet has no hue."""

    def setFillColorRGB(self, r: float, g: float, b: float, alpha: float | None = None) -> None:
        y = 0.299 * r + 0.587 * g + 0.114 * b
        super().setFillColorRGB(y, y, y, alpha)

    def setStrokeColorRGB(self, r: float, g: float, b: float, alpha: float | None = None) -> None:
        y = 0.299 * r + 0.587 * g + 0.114 * b
        super().setStrokeColorRGB(y, y, y, alpha)


def fill_pattern(c: Canvas, kind: str, x: float, y: float, w: float, h: float) -> None:
    if kind == "none" or w < 2 or h < 2:
        return
    c.saveState()
    p = c.beginPath()
    p.rect(x, y, w, h)
    c.clipPath(p, stroke=0, fill=0)
    c.setStrokeColorRGB(0.55, 0.55, 0.55)
    c.setLineWidth(0.35)
    step = 4.0
    if kind in ("diag", "cross"):
        k = -h
        while k < w:
            c.line(x + k, y, x + k + h, y + h)
            k += step
    if kind in ("backdiag", "cross"):
        k = 0.0
        while k < w + h:
            c.line(x + k, y, x + k - h, y + h)
            k += step
    if kind == "horiz":
        yy = y + 2
        while yy < y + h:
            c.line(x, yy, x + w, yy)
            yy += step
    if kind == "dots":
        c.setFillColorRGB(0.5, 0.5, 0.5)
        yy = y + 2
        while yy < y + h:
            xx = x + 2
            while xx < x + w:
                c.rect(xx, yy, 0.7, 0.7, stroke=0, fill=1)
                xx += step
            yy += step
    c.restoreState()


@lru_cache(maxsize=4096)
def fit_text(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis to fit ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    ell = "…"
    while text and stringWidth(text + ell, font, size) > width:
        text = text[:-1]
    return (text.rstrip() + ell) if text else ""


@lru_cache(maxsize=256)
def colour_rgb(colour: str) -> tuple[float, float, float]:
    s = colour.lstrip("#")
    if len(s) not in (6, 8):
        return (0.6, 0.6, 0.6)
    return (int(s[0:2], 16) / 255, int(s[2:4], 16) / 255, int(s[4:6], 16) / 255)


def tint(rgb: tuple[float, float, float], amount: float, *, dark: float = 1.0) -> tuple[float, float, float]:
    """``amount`` of the colour over white, optionally darkened (``dark`` < 1)."""
    r, g, b = (1 - amount + amount * v for v in rgb)
    return (r * dark, g * dark, b * dark)


def printed(text: str, language: str, context: str | None = None) -> str:
    """A sheet's English text in the sheet's ``language`` (the services' phrasebook)."""
    return phrasebook.say(text, language, context)


def _plain(text: str) -> str:
    # CLDR's narrow and no-break spaces ("8 a.\u202fm.") are not in the PDF's standard fonts.
    return text.replace("\u202f", " ").replace("\xa0", " ")


def clock_text(minute: int, style: str = "12h") -> str:
    """A start in a box: "3:30" (12h; the axis says the day period) or "15:30"."""
    h, m = divmod(minute, 60)
    return f"{h:02d}:{m:02d}" if style == "24h" else f"{(h - 1) % 12 + 1}:{m:02d}"


@lru_cache(maxsize=512)
def hour_text(minute: int, style: str = "12h", language: str = "en", country: str | None = None) -> str:
    """An hour of the axis, as CLDR writes it in ``language`` and the clinic's ``country``: "1 PM",
    "1 pm" (GB), "1 p. m." or "13:00"."""
    h = minute // 60
    if style == "24h":
        return f"{h:02d}:00"
    return _plain(format_time(time(h % 24), "h a", locale=babel_locale(language, country)))


def time_text(when: datetime, style: str, language: str, country: str | None = None) -> str:
    """A wall-clock time on the sheet: "8:15 PM", "8:15 pm" (GB), "8:15 p. m." or "20:15"."""
    pattern = "HH:mm" if style == "24h" else "h:mm a"
    return _plain(format_time(when.replace(tzinfo=None), pattern, locale=babel_locale(language, country)))


def date_text(when: date, language: str, *, skeleton: str = "yMMMEd", country: str | None = None) -> str:
    """A date on the sheet in ``language``, a CLDR ``skeleton`` in the order of the clinic's
    ``country``: "yMMMEd" → "Wed, Dec 2, 2026", "Wed, 2 Dec 2026" (GB), "mié, 2 dic 2026"."""
    return _plain(locale_date(when, skeleton, babel_locale(language, country)))


def long_date_text(when: date, language: str, country: str | None = None) -> str:
    """A day sheet's day in full, CLDR's full date: "Wednesday, December 2, 2026",
    "Wednesday 2 December 2026" (GB), "miércoles, 2 de diciembre de 2026"."""
    return _plain(format_date(when, "full", locale=babel_locale(language, country)))
