"""The appointment book's state and widgets, and its columns and items from a load (no query)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from orca_desk.services.booking.rebook import RebookRow
from orca_desk.services.booking.statuses import MOVABLE_STATUSES
from orca_desk.services.calendar.calendar_data import CalendarAppointment, CalendarData, CalendarMark
from orca_desk.services.calendar.day_summary import summarise
from orca_desk.services.calendar.week_plan import column_weight
from orca_desk.services.clinic.clinic import ChairRow
from orca_desk.services.intervals import free_gaps
from orca_desk.ui.context import AppContext
from orca_desk.ui.screen import Screen
from orca_desk.ui.time_grid import MIN_COL_W, GridColumn, GridItem, TimeGridWidget, in_scroll_area
from orca_desk.ui.undo import UndoStack
from orca_desk.ui.workers import BackgroundLoader
from orca_desk.views.calendar.commands import CalendarOps
from orca_desk.views.calendar.day_summary import DaySummaryBar
from orca_desk.views.calendar.filters import BY_PROVIDER, CalendarFilters, FilterBar
from orca_desk.views.calendar.legend import LegendBar
from orca_desk.views.calendar.zoom import BookZoom

CANCEL_REASONS = [
    "school event",
    "sick",
    "family emergency",
    "transport",
    "forgot",
    "work conflict",
    "rescheduled by clinic",
    "other",
]
CONFIRMATION_BADGES = {
    "confirmed": ("✓", "#1b7f4b"),
    "requested": ("?", "#b7791f"),
    "declined": ("✗", "#b3261e"),
    "callback": ("☎", "#6b46c1"),
}
UNCONFIRMED_BADGE = "•"
STATUS_BADGES = {
    "arrived": (QT_TRANSLATE_NOOP("BookColumns", "Arrived"), "#2f6fb3"),
    "seated": (QT_TRANSLATE_NOOP("BookColumns", "Seated"), "#6b46c1"),
    "completed": (QT_TRANSLATE_NOOP("BookColumns", "Done"), "#4a5868"),
}
DEFAULT_HOURS = (7 * 60, 19 * 60)
T = TypeVar("T")
DAY = 24 * 60


def local_minute(dt: datetime, zone: ZoneInfo, day: date) -> int:
    local = dt.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY
    return local.hour * 60 + local.minute


def local_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    # Wall-clock in the location's zone; combine() keeps DST right where timedelta would not.
    if minute >= DAY:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)


@dataclass(frozen=True)
class ColumnDef:
    key: int
    day: date
    location_id: int
    chair_id: int | None  # chair columns
    provider_id: int | None  # provider columns


class BookColumns(Screen):
    """The book's state and widgets, and its columns and items from the last load and the filters;
    ``BookActions`` adds what a click does, ``CalendarScreen`` the loading and the dialogs."""

    sig_loaded = Signal()
    """The grid shows a finished load (tests and the screenshot wait on it)."""

    async_load = False  # load on a pool thread (a week or several locations could exceed a frame)
    min_col_w = MIN_COL_W
    nav_step_days = 1  # how far ← / → move
    show_location_filter = False
    zoom_view = "day"  # each view remembers its own zoom
    # What the book draws: visits and their patients' alerts, working time and blocks, offers held
    # on the waitlist, open template slots, the columns, the type colours and the clinic's time format.
    watches = frozenset(
        {
            "appointment",
            "patient",
            "patient_alert",
            "schedule_block",
            "schedule_period",
            "schedule_break",
            "schedule_exception",
            "opening",
            "waitlist_offer",
            "template_application",
            "applied_slot",
            "schedule_template",
            "location",
            "chair",
            "provider",
            "provider_chair",
            "appointment_type",
            "clinic_setting",
        }
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.location_id = ctx.clinic.locations[0].id
        self.day = ctx.clock.now().astimezone(ctx.clinic.locations[0].zone).date()
        self.appointments: dict[int, CalendarAppointment] = {}
        self.col_defs: dict[int, ColumnDef] = {}
        self.data: CalendarData | None = None
        self.marks: dict[int, CalendarMark] = {}  # grid item id (< 0) → mark
        self._stale = True
        self.loading = False
        self.filters = CalendarFilters.load()
        self.bar = FilterBar(ctx.clinic, self.filters, show_locations=self.show_location_filter)
        self.bar.sig_changed.connect(self._on_filters_changed)
        self.bar.sig_block_mode_toggled.connect(self._on_block_mode_toggled)
        self.grid = TimeGridWidget()
        self.grid.min_col_w = self.min_col_w
        self.grid.time_format = self.time_style  # asked only when a screen reader reads a time
        self.scroll_area = in_scroll_area(self.grid)
        self.zoom = BookZoom(self, self.grid, self.scroll_area, user=ctx.actor.username, view=self.zoom_view)
        self.legend = LegendBar(ctx.clinic.types)
        self.summary_bar = DaySummaryBar()
        self.summary_bar.add_button(self.bar.missed_button)
        self.missed: dict[int, CalendarAppointment] = {}  # cancelled and no-show visits on screen
        self.rebooking: RebookRow | None = None  # chosen in "To rebook": the next free time books them
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        layout.addWidget(self.bar)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.summary_bar)
        QWidget.setTabOrder(self.bar.missed_button, self.summary_bar.rebook_button)  # Tab follows the row
        bottom = QHBoxLayout()  # the legend wraps; the zoom stays at its right
        bottom.setSpacing(12)
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.zoom.widget, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(bottom)
        self.ops = CalendarOps(ctx, self, self.sig_status.emit)
        self.undo_stack = UndoStack(self)
        self.loader = BackgroundLoader(self)
        self._now_timer = QTimer(self)
        self._now_timer.setInterval(30_000)

    # ----- what is shown (subclasses) ---------------------------------------------------------
    def shown_days(self) -> list[date]:
        return [self.day]

    def shown_locations(self) -> list[int]:
        return [self.location_id]

    def group_label(self, day: date, location_id: int) -> str:
        return ""

    def column_days(self, data: CalendarData) -> list[date]:
        """The loaded days that get columns (the week leaves out a weekend nobody works)."""
        return data.days

    def column_weight(self, cd: ColumnDef) -> float:
        """A provider's column is as many standard widths wide as patients they see at once."""
        if cd.provider_id is None:
            return 1.0
        provider = next((p for p in self.ctx.clinic.providers if p.id == cd.provider_id), None)
        return column_weight(provider.max_concurrent) if provider is not None else 1.0

    def key_for(self, resource_id: int, day: date | None = None, location_id: int | None = None) -> int:
        """The grid column showing this chair (or provider, in provider columns) on that day."""
        for key, cd in self.col_defs.items():
            rid = cd.chair_id if cd.chair_id is not None else cd.provider_id
            if (
                rid == resource_id
                and (day is None or cd.day == day)
                and (location_id is None or cd.location_id == location_id)
            ):
                return key
        raise KeyError(f"no column for #{resource_id} on {day}")

    def zone_of(self, location_id: int) -> ZoneInfo:
        return self.ctx.clinic.location(location_id).zone

    @property
    def zone(self) -> ZoneInfo:
        return self.zone_of(self.location_id)

    def _on_filters_changed(self, filters: CalendarFilters) -> None:
        self.filters = filters
        if self.data is not None:
            self.rebuild()

    def _on_block_mode_toggled(self, on: bool) -> None:
        self.grid.range_mode = on
        if on:
            self.sig_status.emit(self.tr("Block time: drag over free time in a column."))

    # ----- columns and items ------------------------------------------------------------------
    def _chairs(self, location_id: int) -> list[ChairRow]:
        return [c for c in self.ctx.clinic.chairs_at(location_id) if self.filters.chair_ok(c)]

    def _providers(self, location_id: int, data: CalendarData) -> list[tuple[int, str, str]]:
        """Providers passing the filter; with no provider filter, those busy or working here."""
        providers = [p for p in self.ctx.clinic.providers if self.filters.provider_ok(p.id)]
        if not self.filters.providers:
            busy = {a.provider_id for a in data.appointments if a.location_id == location_id}
            overlay = data.overlays.get(location_id)
            if overlay is not None:
                busy |= {pid for (_d, pid), ranges in overlay.working.items() if ranges}
            if busy:
                providers = [p for p in providers if p.id in busy]
        return [(p.id, p.name, p.role) for p in providers]

    def _shading(
        self, cd: ColumnDef, data: CalendarData
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]], list[str]]:
        overlay = data.overlays.get(cd.location_id)
        if overlay is None:
            return [], [], []
        if cd.provider_id is not None:
            shaded = free_gaps(overlay.working.get((cd.day, cd.provider_id), []), 0, DAY)
        else:
            shaded = free_gaps(overlay.location_open.get(cd.day, []), 0, DAY)
        hatched, colours = [], []
        for b in overlay.blocks:
            if b.day != cd.day:
                continue
            everyone = b.provider_id is None and b.chair_id is None
            mine = (cd.chair_id is not None and b.chair_id == cd.chair_id) or (
                cd.provider_id is not None and b.provider_id == cd.provider_id
            )
            if everyone or mine:
                hatched.append((b.start_minute, b.end_minute, b.reason))
                colours.append(b.colour)
        return shaded, hatched, colours

    def rebuild(self) -> None:
        """Columns and items from the last load and the current filters (no query)."""
        data = self.data
        if data is None:
            return
        f = self.filters
        by_provider = f.by == BY_PROVIDER
        locations = (
            [lid for lid in data.zones if f.location_ok(lid)]
            if self.show_location_filter
            else list(data.zones)
        )
        self.bar.set_scope(locations)
        columns: list[GridColumn] = []
        self.col_defs = {}
        keys: dict[tuple[date, int, int], int] = {}
        now = self.ctx.clock.now()
        for day in self.column_days(data):
            for lid in locations:
                zone = data.zones[lid]
                local_now = now.astimezone(zone)
                now_minute = local_now.hour * 60 + local_now.minute if local_now.date() == day else None
                if by_provider:
                    resources = self._providers(lid, data)
                else:
                    resources = [(c.id, c.name, c.room) for c in self._chairs(lid)]
                group = self.group_label(day, lid)
                for rid, title, subtitle in resources:
                    key = len(columns)
                    cd = ColumnDef(key, day, lid, None if by_provider else rid, rid if by_provider else None)
                    shaded, hatched, colours = self._shading(cd, data)
                    columns.append(
                        GridColumn(
                            key=key,
                            title=title,
                            subtitle=subtitle,
                            shaded=shaded,
                            hatched=hatched,
                            hatch_colours=colours,
                            group=group,
                            now_minute=now_minute,
                            weight=self.column_weight(cd),
                        )
                    )
                    self.col_defs[key] = cd
                    keys[(day, lid, rid)] = key
        chairs = {c.id: c for c in self.ctx.clinic.chairs}
        items = []
        for a in data.appointments:
            chair = chairs.get(a.chair_id)
            shown = (
                chair is not None
                and f.chair_ok(chair)
                and f.provider_ok(a.provider_id)
                and f.type_ok(a.type_id)
            )
            if not shown or chair is None:
                continue
            local_start = a.start.astimezone(data.zones[a.location_id])
            day = local_start.date()
            key_ = keys.get((day, a.location_id, a.provider_id if by_provider else a.chair_id))
            if key_ is None:
                continue
            items.append(self._item(a, key_, local_start, data.zones[a.location_id], chair))
        items += self._mark_items(data, keys, by_provider)
        items += self._missed_items(data, keys, by_provider)
        start, end = DEFAULT_HOURS
        if items:  # widen to whole hours around the earliest start and the latest end
            start = min(start, min(it.start for it in items) // 60 * 60)
            end = max(end, min(DAY, -(-max(it.end for it in items) // 60) * 60))
        self.grid.day_start, self.grid.day_end = start, end
        self.grid.set_content(columns, items)
        self._show_summary(data)

    def _mark_items(
        self, data: CalendarData, keys: dict[tuple[date, int, int], int], by_provider: bool
    ) -> list[GridItem]:
        """Faded, fixed items for the marks in shown columns; ids below zero (not appointments)."""
        self.marks = {}
        items = []
        for mark in data.marks:
            resource = mark.provider_id if by_provider else mark.chair_id
            if resource is None or (mark.type_id is not None and not self.filters.type_ok(mark.type_id)):
                continue
            zone = data.zones[mark.location_id]
            start, end = mark.start.astimezone(zone), mark.end.astimezone(zone)
            key = keys.get((start.date(), mark.location_id, resource))
            if key is None:
                continue
            item_id = -(len(self.marks) + 1)
            self.marks[item_id] = mark
            s_min = start.hour * 60 + start.minute
            e_min = end.hour * 60 + end.minute if end.date() == start.date() else DAY
            items.append(
                GridItem(
                    id=item_id,
                    column=key,
                    start=s_min,
                    end=max(s_min + 10, e_min),
                    colour=mark.colour,
                    title=mark.title,
                    subtitle=mark.subtitle,
                    faded=True,
                    placeholder=True,
                    movable=False,
                    tooltip=mark.tooltip,
                )
            )
        return items

    def _missed_items(
        self, data: CalendarData, keys: dict[tuple[date, int, int], int], by_provider: bool
    ) -> list[GridItem]:
        """With "Show cancelled" on, cancelled and no-show visits as ghosts: drawn washed out behind
        the live visits, labelled, never moved; their time stays free for booking."""
        self.missed = {}
        if not self.filters.show_missed:
            return []
        f = self.filters
        chairs = {c.id: c for c in self.ctx.clinic.chairs}
        items = []
        for a in data.missed:
            chair = chairs.get(a.chair_id)
            if chair is None or not (
                f.chair_ok(chair) and f.provider_ok(a.provider_id) and f.type_ok(a.type_id)
            ):
                continue
            zone = data.zones[a.location_id]
            local_start = a.start.astimezone(zone)
            key = keys.get((local_start.date(), a.location_id, a.provider_id if by_provider else a.chair_id))
            if key is None:
                continue
            it = self._item(a, key, local_start, zone, chair)
            it.ghost = it.faded = it.badge_quiet = True
            it.movable = False
            it.badge = self.tr("No-show") if a.status == "no_show" else self.tr("Cancelled")
            it.badge_colour = "#8a96a3"
            self.missed[a.id] = a
            items.append(it)
        return items

    def _show_summary(self, data: CalendarData) -> None:
        """The bar under the book and the "To rebook" count, from this load (no query)."""
        chairs = {lid: [c.id for c in self.ctx.clinic.chairs_at(lid)] for lid in data.zones}
        offers = [(m.location_id, m.start) for m in data.marks if m.kind == "offer"]
        summary = summarise(
            [*data.appointments, *data.missed],
            days=data.days,
            zones=data.zones,
            chairs=chairs,
            overlays=data.overlays,
            offer_starts=offers,
            to_rebook=len(data.rebook),
        )
        self.summary_bar.show_summary(summary, week=len(data.days) > 1)

    def _item(
        self, a: CalendarAppointment, key: int, local_start: datetime, zone: ZoneInfo, chair: ChairRow
    ) -> GridItem:
        sign, colour = STATUS_BADGES.get(a.status) or CONFIRMATION_BADGES.get(a.confirmation, ("", ""))
        badge = (
            QCoreApplication.translate("BookColumns", str(sign)) if a.status in STATUS_BADGES else str(sign)
        )
        quiet = not badge and a.confirmation == "unconfirmed"
        if quiet:
            badge, colour = UNCONFIRMED_BADGE, "#aab4c0"
        other = chair.name if self.filters.by == BY_PROVIDER else a.provider_name
        first, _, last = a.patient_name.partition(" ")
        shorter = (f"{first} {last[:1]}.", a.patient_initials.replace(".", "")) if last else ()
        start = local_start.hour * 60 + local_start.minute
        end = start + int((a.end - a.start).total_seconds()) // 60
        if end > DAY or end - start > 12 * 60:  # crosses midnight or a DST change: ask the zone
            end = local_minute(a.end, zone, local_start.date())
        return GridItem(
            id=a.id,
            column=key,
            start=start,
            end=end,
            colour=a.colour,
            title=a.patient_name,
            short_titles=shorter,
            subtitle=f"{a.type_name} · {other}",
            badge=badge,
            badge_colour=colour or "#1b7f4b",
            badge_quiet=quiet,
            status=self._status_words(a),
            faded=a.status == "completed",
            icon=("⚠" if a.alerts else "") + ("↻" if a.series_id else ""),
            movable=a.status in MOVABLE_STATUSES,
            data=a,
        )

    def _status_words(self, a: CalendarAppointment) -> str:
        """The visit's state in words, for screen readers (the card shows a glyph)."""
        words = {
            "arrived": self.tr("arrived"),
            "seated": self.tr("seated"),
            "completed": self.tr("completed"),
            "confirmed": self.tr("confirmed"),
            "requested": self.tr("confirmation requested"),
            "declined": self.tr("declined"),
            "callback": self.tr("asked for a call"),
            "unconfirmed": self.tr("unconfirmed"),
        }
        return words.get(a.status) or words.get(a.confirmation) or a.status

    def _read(self, work: Callable[[Any], T], *, quiet: bool = False) -> T | None:
        """A quick read through the operations path, now; None when refused (``quiet``: said only
        in the status bar, as for a hover)."""
        got: list[T] = []
        self.ctx.ops.read(
            work,
            parent=self,
            on_done=got.append,
            background=False,
            on_error=(lambda _message: None) if quiet else None,
        )
        return got[0] if got else None

    def time_style(self) -> str:
        """The clinic's 12/24-hour format, as read with the book's load (a drag asks it on every mouse
        move, and the hours are painted in it)."""
        return self.data.time_format if self.data is not None else "12h"
