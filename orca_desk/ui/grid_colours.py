"""The painted appointment book's colours, standard or high contrast (the theme chooses)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QPen


@dataclass(frozen=True)
class GridPalette:
    paper: str = "#ffffff"
    shade: str = "#e9edf2"  # not working
    block_fill: str = "#f6efe6"
    block_hatch: str = "#c9b8a6"
    block_ink: str = "#6a5443"
    hour_line: str = "#d7dde5"
    half_line: str = "#eef1f5"
    col_line: str = "#e3e8ee"
    group_line: str = "#9aa7b5"
    header_fill: str = "#f7f9fb"
    header_line: str = "#dde3ea"
    group_fill: str = "#e8eef5"
    ink: str = "#1f2a37"
    sub_ink: str = "#4a5868"
    axis_ink: str = "#6b7785"
    ink_faded: str = "#7b8794"
    sub_ink_faded: str = "#8a96a3"
    now: str = "#e53935"
    cell_pen: str = "#2f6fb3"
    cell_fill: str = "#282f6fb3"  # #aarrggbb
    quiet_ring: str = "#aab4c0"
    quiet_ink: str = "#7b8794"
    item_tint: float = 0.78  # how far a visit's fill is blended from its type's colour toward white
    line_width: float = 1.0  # visits' outlines
    high_contrast: bool = False


STANDARD = GridPalette()
HIGH_CONTRAST = GridPalette(
    shade="#d4d4d4",
    block_fill="#ffffff",
    block_hatch="#000000",
    block_ink="#000000",
    hour_line="#5c5c5c",
    half_line="#a8a8a8",
    col_line="#5c5c5c",
    group_line="#000000",
    header_fill="#ffffff",
    header_line="#000000",
    group_fill="#e6e6e6",
    ink="#000000",
    sub_ink="#000000",
    axis_ink="#000000",
    ink_faded="#3a3a3a",
    sub_ink_faded="#3a3a3a",
    now="#c00000",
    cell_pen="#000000",
    cell_fill="#66ffd400",
    quiet_ring="#000000",
    quiet_ink="#000000",
    item_tint=0.86,
    line_width=2.0,
    high_contrast=True,
)


@dataclass
class _State:
    palette: GridPalette = STANDARD
    generation: int = 0  # grids repaint their cached tiles when it changes


_STATE = _State()


def current() -> GridPalette:
    return _STATE.palette


def generation() -> int:
    return _STATE.generation


def use(palette: GridPalette) -> None:
    """Paint every book with ``palette`` from its next repaint on."""
    if palette != _STATE.palette:
        _STATE.palette = palette
        _STATE.generation += 1


@dataclass
class PaintColours:
    """A palette's QColors and pens, parsed once (a QColor from a string costs as much as a line)."""

    palette: GridPalette
    ink: QColor = field(init=False)
    ink_faded: QColor = field(init=False)
    sub_ink: QColor = field(init=False)
    sub_ink_faded: QColor = field(init=False)
    cell_pen: QColor = field(init=False)
    cell_fill: QColor = field(init=False)
    quiet_ring_pen: QPen = field(init=False)
    quiet_ink: QColor = field(init=False)

    def __post_init__(self) -> None:
        p = self.palette
        self.ink, self.ink_faded = QColor(p.ink), QColor(p.ink_faded)
        self.sub_ink, self.sub_ink_faded = QColor(p.sub_ink), QColor(p.sub_ink_faded)
        self.cell_pen, self.cell_fill = QColor(p.cell_pen), QColor(p.cell_fill)
        self.quiet_ring_pen, self.quiet_ink = QPen(QColor(p.quiet_ring), p.line_width), QColor(p.quiet_ink)
