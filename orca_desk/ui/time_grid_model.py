"""The time grid's data: its columns and items, the drag in progress, its sizes and zoom levels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF

HEADER_H = 34
GROUP_H = 20  # the extra header row naming a column group (a day, a location)
AXIS_W = 56
RESIZE_GRIP = 6
MIN_COL_W = 110
# The painted book is cached in tiles this big (Open Dental's cached bitmaps): a day switch paints
# only the tiles in view, not whole-height strips of hours scrolled away.
TILE_W = 384
TILE_H = 288
# Zoom factors of the book (minute height and column width); Ctrl+wheel, Ctrl+= and Ctrl+− step.
ZOOM_LEVELS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)
FIT_MIN_COL_W = 4  # "fit all chairs": columns may get this narrow (a coloured bar per visit)


def zoom_step(zoom: float, steps: int) -> float:
    """The zoom level ``steps`` levels in (positive) or out from ``zoom``, within ZOOM_LEVELS."""
    nearest = min(range(len(ZOOM_LEVELS)), key=lambda k: abs(ZOOM_LEVELS[k] - zoom))
    return ZOOM_LEVELS[max(0, min(len(ZOOM_LEVELS) - 1, nearest + steps))]


@dataclass
class GridColumn:
    key: int
    title: str
    subtitle: str = ""
    # Shaded (non-working) and hatched (blocked) minute ranges, [start, end).
    shaded: Sequence[tuple[int, int]] = ()
    hatched: Sequence[tuple[int, int, str]] = ()  # (start, end, label)
    group: str = ""  # consecutive columns with the same group share a header (a day, a location)
    now_minute: int | None = None  # where the current-time line crosses this column, if today
    hatch_colours: Sequence[str] = ()  # one per hatched range; empty: the default block colour
    weight: float = 1.0  # how many standard widths the column takes (a provider seeing 3 at once: 3)


@dataclass
class GridItem:
    id: int
    column: int  # GridColumn.key
    start: int  # minutes from local midnight
    end: int
    colour: str
    title: str
    subtitle: str = ""
    badge: str = ""  # short text drawn in a pill, e.g. "✓" confirmed
    badge_colour: str = "#1b7f4b"
    faded: bool = False
    icon: str = ""  # a glyph drawn before the title, e.g. "↻" for a series
    movable: bool = True
    data: object = None
    rect: QRectF = field(default_factory=QRectF)
    badge_quiet: bool = False  # an outlined, grey pill: there but not shouting (unconfirmed)
    tooltip: str = ""  # empty: the grid asks ``tooltip_for`` when the mouse rests on the item
    short_titles: tuple[str, ...] = ()  # shorter forms of the title, tried in order when it does not fit
    placeholder: bool = False  # reserved but not booked (a template slot, an offer): a dashed outline
    # A visit that did not happen (cancelled, no-show): washed out, full width behind the live items,
    # and free time to everything else (booking, keys, drags); only its tooltip and menu answer.
    ghost: bool = False
    status: str = ""  # said to a screen reader (e.g. "confirmed", "arrived"); empty: the badge


# Called during a drag: (item, column key, start, end) -> reason it would be refused, or None.
DropCheck = Callable[[GridItem, int, int, int], str | None]


@dataclass
class DragState:
    item: GridItem
    origin: QPointF
    resizing: bool
    column: int
    start: int
    end: int
    grab_offset: float
    moved: bool = False
    refusal: str | None = None


@dataclass
class RangeState:
    column: int
    anchor: int
    start: int
    end: int
