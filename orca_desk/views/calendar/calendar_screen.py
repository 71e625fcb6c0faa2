"""The appointment book shared by the day, week and all-locations screens: columns, items, actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import booking, local_time, provider_schedules
from orca_desk.services.calendar_data import (
    CalendarAppointment,
    CalendarData,
    CalendarMark,
    load_calendar,
)
from orca_desk.services.clinic import ChairRow, ClinicInfo
from orca_desk.services.day_summary import summarise
from orca_desk.services.intervals import free_gaps
from orca_desk.services.rebook import RebookRow
from orca_desk.services.security import BOOK
from orca_desk.services.week_plan import column_weight
from orca_desk.ui.context import AppContext
from orca_desk.ui.screen import Screen
from orca_desk.ui.time_grid import MIN_COL_W, GridColumn, GridItem, TimeGridWidget, in_scroll_area
from orca_desk.ui.undo import UndoStack
from orca_desk.ui.workers import BackgroundLoader
from orca_desk.views.calendar.commands import (
    CalendarOps,
    CancelCommand,
    MoveCommand,
    NoShowCommand,
    Placement,
    StatusCommand,
)
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
    "arrived": ("Arrived", "#2f6fb3"),
    "seated": ("Seated", "#6b46c1"),
    "completed": ("Done", "#4a5868"),
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


class CalendarScreen(Screen):
    """Shows ``shown_days()`` × ``shown_locations()`` × chairs or providers as grid columns."""

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
        self.grid.drop_check = self._drop_refusal
        self.grid.tooltip_for = self._tooltip
        self.grid.sig_item_moved.connect(self._on_item_moved)
        self.grid.sig_empty_activated.connect(self._on_empty_activated)
        self.grid.sig_item_activated.connect(self._on_item_activated)
        self.grid.sig_context_menu.connect(self._on_context_menu)
        self.grid.sig_range_selected.connect(self._on_range_selected)
        self.grid.sig_delete_requested.connect(self._on_delete_requested)
        self.scroll_area = in_scroll_area(self.grid)
        self.zoom = BookZoom(self, self.grid, self.scroll_area, user=ctx.actor.username, view=self.zoom_view)
        self.legend = LegendBar(ctx.clinic.types)
        self.summary_bar = DaySummaryBar()
        self.summary_bar.add_button(self.bar.missed_button)
        self.missed: dict[int, CalendarAppointment] = {}  # cancelled and no-show visits on screen
        self.rebooking: RebookRow | None = None  # chosen in "To rebook": the next free time books them
        self.summary_bar.sig_rebook_requested.connect(self.open_rebook_list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        layout.addWidget(self.bar)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.summary_bar)
        bottom = QHBoxLayout()  # the legend wraps; the zoom stays at its right
        bottom.setSpacing(12)
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.zoom.widget, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(bottom)
        self.ops = CalendarOps(ctx, self, self.sig_status.emit)
        self.undo_stack = UndoStack(self)
        self.loader = BackgroundLoader(self)
        self.loader.sig_loaded.connect(self._on_loaded)
        self.loader.sig_failed.connect(self._on_load_failed)
        self._now_timer = QTimer(self)
        self._now_timer.setInterval(30_000)
        self._now_timer.timeout.connect(self._on_now_timer_timeout)
        self._now_timer.start()

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

    # ----- shell hooks -------------------------------------------------------------------
    def attach_undo_stack(self, stack: UndoStack) -> None:
        """Share the window's undo history (Ctrl+Z undoes a move made in any calendar screen)."""
        self.undo_stack = stack

    def show_day(self, day: date) -> None:
        self.day = day
        self.refresh()

    def show_location(self, location_id: int) -> None:
        self.location_id = location_id

    def on_clinic_changed(self, clinic: ClinicInfo) -> None:
        """Administration changed chairs, providers or types: the filter menus offer the new ones."""
        self.bar.clinic = clinic
        self.bar.set_filters(self.bar.filters)  # relabel the menus' buttons (a renamed chair)

    def refresh(self) -> None:
        """Reload; a hidden screen reloads when it is shown again."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        zones = {lid: self.zone_of(lid) for lid in self.shown_locations()}
        days = self.shown_days()
        db = self.ctx.db
        self.loading = True
        now = self.ctx.clock.now()
        if self.async_load:
            self.loader.start(lambda: load_calendar(db, zones, days, now))
        else:
            self._on_loaded(load_calendar(db, zones, days, now))

    def wait_until_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Block until a pending background load has been shown (the screenshot, tests)."""
        return self.loader.wait_while(lambda: self.loading, timeout_ms)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        saved = CalendarFilters.load()  # another calendar screen may have changed them
        if saved != self.filters:
            self.filters = saved
            self.bar.set_filters(saved)
            self._stale = True
        if self._stale:
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        self.filters.save()
        super().hideEvent(event)

    def _on_loaded(self, data: object) -> None:
        assert isinstance(data, CalendarData)
        self.loading = False
        self.data = data
        self.appointments = {a.id: a for a in data.appointments}
        self.rebuild()
        self.sig_loaded.emit()

    def _on_load_failed(self, exc: object) -> None:
        self.loading = False
        self.sig_status.emit(f"Could not load the calendar: {exc}")

    def _on_filters_changed(self, filters: CalendarFilters) -> None:
        self.filters = filters
        if self.data is not None:
            self.rebuild()

    def _on_block_mode_toggled(self, on: bool) -> None:
        self.grid.range_mode = on
        if on:
            self.sig_status.emit("Block time: drag over free time in a column.")

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
        badge, colour = STATUS_BADGES.get(a.status) or CONFIRMATION_BADGES.get(a.confirmation, ("", ""))
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
            faded=a.status == "completed",
            icon=("⚠" if a.alerts else "") + ("↻" if a.series_id else ""),
            movable=a.status in booking.MOVABLE_STATUSES,
            data=a,
        )

    def _tooltip(self, item: GridItem) -> str:
        """The hover quick card: the visit in the location's time, then age, guardian, phone, alerts,
        last and next visit (one query per visit, kept until the next load)."""
        from html import escape

        from orca_desk.services.appointment_card import quick_card_rows

        a = item.data
        if not isinstance(a, CalendarAppointment):
            return item.title
        zone = self.zone_of(a.location_id)
        chair = next((c.name for c in self.ctx.clinic.chairs if c.id == a.chair_id), "")
        card = self._quick_card(a)
        if card is None:
            return item.title
        span = local_time.fmt_range(a.start, a.end, zone, card.time_format)
        lines = [
            f"<b>{escape(a.patient_name)}</b>",
            f"{local_time.fmt_date(a.start, zone)}, {span}",
            escape(f"{a.type_name} · {a.provider_name} · {chair}"),
            escape(f"{a.status.replace('_', ' ')} · {a.confirmation}"),
        ]
        if a.alerts:
            lines.append(f"<span style='color:#b3261e'>⚠ {escape(a.alerts)}</span>")
        today = self.ctx.clock.now().astimezone(zone).date()
        rows = "".join(
            f"<tr><td style='color:#5b6675; padding-right:8px'>{escape(label)}</td>"
            f"<td>{escape(value)}</td></tr>"
            for label, value in quick_card_rows(card, today)
        )
        return "<br>".join(lines) + f"<table cellspacing='0' cellpadding='1'>{rows}</table>"

    _quick_cache: tuple[object, str, str, dict[int, Any]] | None = None  # (load, time format, country, cards)

    def _quick_card(self, a: CalendarAppointment) -> Any:
        """The quick card of a visit's patient, loaded on the first hover after each load of the book;
        None when it cannot be read (the tooltip then shows the name alone)."""
        from orca_desk.services.appointment_card import load_quick_card
        from orca_desk.services.patient_card import clinic_region

        cache = self._quick_cache
        if cache is None or cache[0] is not self.data:
            region = self._read(lambda session: clinic_region(session, self.ctx.clinic.id), quiet=True)
            if region is None:
                return None
            cache = (self.data, self.time_style(), region, {})
            self._quick_cache = cache
        cards = cache[3]
        if a.id not in cards:
            now = self.ctx.clock.now()
            card = self._read(
                lambda session: load_quick_card(
                    session,
                    a.patient_id,
                    visit_start=a.start,
                    now=now,
                    time_format=cache[1],
                    country=cache[2],
                ),
                quiet=True,
            )
            if card is None:
                return None
            cards[a.id] = card
        return cards[a.id]

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

    _style_cache: tuple[object, str] | None = None  # (load, the clinic's time format then)

    def time_style(self) -> str:
        """The clinic's 12/24-hour format, read once per load of the book (a drag asks it on every
        mouse move; the screenshot of the day never reads it)."""
        cache = self._style_cache
        if cache is None or cache[0] is not self.data:
            cache = self._style_cache = (self.data, self.ctx.time_style())
        return cache[1]

    def open_appointment_card(self, appt_id: int) -> bool:
        """The appointment card; True when something was changed from it."""
        from orca_desk.views.calendar.appointment_card import AppointmentCardDialog

        card = AppointmentCardDialog(self.ctx, appt_id, calendar=self, parent=self)
        if not card.loaded:
            return False
        card.exec()
        if card.go_to is not None:
            self.sig_go_to_place.emit(*card.go_to)
        return card.changed

    def _on_now_timer_timeout(self) -> None:
        now = self.ctx.clock.now()
        minutes: dict[int, int | None] = {}
        for key, cd in self.col_defs.items():
            local = now.astimezone(self.zone_of(cd.location_id))
            minutes[key] = local.hour * 60 + local.minute if local.date() == cd.day else None
        self.grid.set_now(minutes)

    # ----- live feedback while dragging ---------------------------------------------------
    def _target(
        self, appt: CalendarAppointment, key: int, start: int, end: int
    ) -> tuple[Placement, str | None]:
        """Where a drop would put the appointment, and why it may not go there."""
        cd = self.col_defs[key]
        zone = self.zone_of(cd.location_id)
        s, e = local_instant(cd.day, start, zone), local_instant(cd.day, end, zone)
        chair_id = cd.chair_id if cd.chair_id is not None else appt.chair_id
        provider_id = cd.provider_id if cd.provider_id is not None else appt.provider_id
        where = Placement(s, e, chair_id, provider_id)
        if cd.chair_id is None and cd.location_id != appt.location_id:
            loc = self.ctx.clinic.location(cd.location_id).name
            return where, f"Use chair columns to move to {loc}"
        return where, None

    def _drop_refusal(self, item: GridItem, key: int, start: int, end: int) -> str | None:
        """The service's own placement check, against what is on screen; it re-checks on drop."""
        moving = self.appointments[item.id]
        where, refusal = self._target(moving, key, start, end)
        if refusal:
            return refusal
        chair = next((c for c in self.ctx.clinic.chairs if c.id == where.chair_id), None)
        provider = next((p for p in self.ctx.clinic.providers if p.id == where.provider_id), None)
        if chair is None or provider is None:
            return None
        style = self.time_style()
        others = (
            booking.BookedVisit(o.id, o.patient_id, o.patient_name, o.chair_id, o.provider_id, o.start, o.end)
            for o in self.appointments.values()
            if o.id != moving.id
        )
        found = booking.placement_refusal(
            status=moving.status,
            patient_id=moving.patient_id,
            was_start=moving.start,
            start=where.start,
            end=where.end,
            chair_id=chair.id,
            chair_name=chair.name,
            provider_id=provider.id,
            provider_name=provider.name,
            max_concurrent=provider.max_concurrent,
            others=others,
            now=self.ctx.clock.now(),
            span=lambda o: local_time.fmt_range(o.start, o.end, self._chair_zone(o.chair_id), style),
        )
        return found.message if found is not None else None

    def _chair_zone(self, chair_id: int) -> ZoneInfo:
        chair = next((c for c in self.ctx.clinic.chairs if c.id == chair_id), None)
        return self.zone_of(chair.location_id) if chair is not None else self.zone

    # ----- actions ------------------------------------------------------------------------
    def _on_item_moved(self, appt_id: int, key: int, start: int, end: int) -> None:
        a = self.appointments[appt_id]
        where, refusal = self._target(a, key, start, end)
        if refusal:
            self.sig_status.emit(f"Not moved: {refusal}")
            QMessageBox.warning(self, "Not moved", refusal)
            self.rebuild()
            return
        zone = self.zone_of(self.col_defs[key].location_id)
        resized = (where.end - where.start) != (a.end - a.start) and where.start == a.start
        verb = "Resize" if resized else "Move"
        when = local_time.fmt_day_time(where.start, zone, self.time_style())
        self.move_appointment(a, where, f"{verb} {a.patient_name} to {when}")

    def move_appointment(self, a: CalendarAppointment, where: Placement, text: str) -> bool:
        """Move (or resize) as one undoable command."""
        cmd = MoveCommand(self.ops, self.undo_stack, a, where, text)
        return self._push(cmd)

    def _push(self, cmd: MoveCommand | StatusCommand | CancelCommand) -> bool:
        if not cmd.apply_first():
            self.refresh()
            return False
        self.undo_stack.push(cmd)  # its index change refreshes every calendar screen
        return True

    def _on_empty_activated(self, key: int, minute: int) -> None:
        if not self.ctx.actor.can(BOOK):
            self.sig_status.emit("You may not book appointments.")
            return
        from orca_desk.views.calendar.booking_dialog import BookingDialog

        cd = self.col_defs[key]
        zone = self.zone_of(cd.location_id)
        start = local_instant(cd.day, minute, zone)
        chair_id = cd.chair_id
        if chair_id is None:  # provider column: the first chair free then
            taken = {a.chair_id for a in self.appointments.values() if a.start <= start < a.end}
            free = [c.id for c in self.ctx.clinic.chairs_at(cd.location_id) if c.id not in taken]
            chair_id = free[0] if free else None
            if chair_id is None:
                self.sig_status.emit("Every chair is taken then.")
                return
        chair = next(c for c in self.ctx.clinic.chairs if c.id == chair_id)
        provider_id = cd.provider_id or next(
            (a.provider_id for a in self.appointments.values() if a.chair_id == chair_id), None
        )
        dialog = BookingDialog(
            self.ctx,
            chair_id=chair_id,
            chair_name=chair.name,
            start=start,
            provider_id=provider_id,
            zone=zone,
            parent=self,
        )
        rebooking = self._prefill_rebook(dialog)
        if dialog.exec() and dialog.appointment_id is not None:
            self._rebooked(rebooking)
            self.sig_status.emit("Appointment booked")

    def open_booking_dialog(self, key: int, minute: int) -> None:
        self._on_empty_activated(key, minute)

    def _on_range_selected(self, key: int, start: int, end: int) -> None:
        reason, ok = QInputDialog.getText(
            self, "Block time", "Reason (shown on the calendar):", text="Blocked"
        )
        if ok:
            self.block_time(key, start, end, reason)

    def block_time(self, key: int, start: int, end: int, reason: str) -> bool:
        """Create a block over [start, end) of this column; the operation's changes reload the book."""
        cd = self.col_defs[key]
        zone = self.zone_of(cd.location_id)
        done = self.ctx.ops.write(
            lambda session: provider_schedules.create_block(
                session,
                self.ctx.actor,
                location_id=cd.location_id,
                start=local_instant(cd.day, start, zone),
                end=local_instant(cd.day, end, zone),
                reason=reason.strip() or "Blocked",
                provider_id=cd.provider_id,
                chair_id=cd.chair_id,
                now=self.ctx.clock.now(),
            ),
            parent=self,
            title=self.tr("Not blocked"),
        )
        if done:
            self.sig_status.emit(self.tr("Blocked {0}").format(reason))
        return done

    def _on_item_activated(self, item_id: int) -> None:
        """Double-click or Enter: an appointment opens its appointment card (its patient card is one
        button away there, and in its menu); an open template slot books into it with the slot's type."""
        appt = self.appointments.get(item_id)
        if appt is not None and item_id not in self.marks:
            self.open_appointment_card(appt.id)
            return
        mark = self.marks.get(item_id)
        if mark is None or mark.kind != "template" or mark.type_id is None or mark.chair_id is None:
            return
        self.book_at(
            mark.chair_id,
            mark.start,
            provider_id=mark.provider_id,
            type_id=mark.type_id,
            zone=self.zone_of(mark.location_id),
        )

    def book_at(
        self, chair_id: int, start: datetime, *, provider_id: int | None, type_id: int | None, zone: ZoneInfo
    ) -> bool:
        if not self.ctx.actor.can(BOOK):
            self.sig_status.emit("You may not book appointments.")
            return False
        from orca_desk.views.calendar.booking_dialog import BookingDialog

        chair = next(c for c in self.ctx.clinic.chairs if c.id == chair_id)
        dialog = BookingDialog(
            self.ctx,
            chair_id=chair_id,
            chair_name=chair.name,
            start=start,
            provider_id=provider_id,
            zone=zone,
            parent=self,
        )
        if type_id is not None:
            dialog.type_combo.setCurrentIndex(max(0, dialog.type_combo.findData(type_id)))
        if dialog.exec() and dialog.appointment_id is not None:
            self.sig_status.emit("Appointment booked")
            return True
        return False

    def _on_context_menu(self, appt_id: int, pos: QPoint) -> None:
        if appt_id in self.missed:
            self.build_missed_menu(appt_id).exec(pos)
            return
        if appt_id >= 0:
            self.build_context_menu(appt_id).exec(pos)
            return
        local = self.grid.mapFromGlobal(pos)
        column = self.grid.column_at(local.x())
        if column is None or appt_id in self.marks:
            return
        minute = int(self.grid.minute_at(local.y()) // self.grid.snap * self.grid.snap)
        menu = QMenu(self)
        offer = menu.addAction("Offer this time to the waitlist…")
        offer.triggered.connect(lambda: self.offer_to_waitlist(column.key, minute))
        menu.exec(pos)

    def offer_to_waitlist(self, key: int, minute: int, minutes: int | None = None) -> bool:
        """Announce free time as an opening; the automation offers it to the best match."""
        from orca_desk.services.waitlist import announce_opening

        cd = self.col_defs[key]
        if minutes is None:
            minutes, ok = QInputDialog.getInt(
                self, "Offer to the waitlist", "How many minutes are free?", 30, 5, 480, 5
            )
            if not ok:
                return False
        zone = self.zone_of(cd.location_id)
        start = local_instant(cd.day, minute, zone)
        provider_id = cd.provider_id or self._provider_of_chair(cd)
        chair_id = cd.chair_id or next((c.id for c in self.ctx.clinic.chairs_at(cd.location_id)), None)
        if provider_id is None or chair_id is None:
            self.sig_status.emit("Nobody works in that chair that day: switch to provider columns.")
            return False
        done = self.ctx.ops.write(
            lambda session: announce_opening(
                session,
                self.ctx.actor,
                location_id=cd.location_id,
                chair_id=chair_id,
                provider_id=provider_id,
                start=start,
                end=start + timedelta(minutes=minutes),
                now=self.ctx.clock.now(),
            ),
            parent=self,
            title=self.tr("Not offered"),
        )
        if done:
            self.sig_status.emit(
                self.tr("{0} offered to the waitlist").format(
                    local_time.fmt_time(start, zone, self.time_style())
                )
            )
        return done

    def _provider_of_chair(self, cd: ColumnDef) -> int | None:
        """Who works this chair that day: the provider with most appointments in it."""
        counts: dict[int, int] = {}
        zone = self.zone_of(cd.location_id)
        for a in self.appointments.values():
            if a.chair_id == cd.chair_id and a.start.astimezone(zone).date() == cd.day:
                counts[a.provider_id] = counts.get(a.provider_id, 0) + 1
        return max(counts, key=lambda p: counts[p]) if counts else None

    def build_context_menu(self, appt_id: int) -> QMenu:
        a = self.appointments[appt_id]
        menu = QMenu(self)
        menu.setTitle(a.patient_name)
        visit = menu.addAction(self.tr("Appointment card…"))
        visit.triggered.connect(lambda: self.open_appointment_card(appt_id))
        card = menu.addAction(self.tr("Patient card…"))
        card.triggered.connect(lambda: self.open_patient_card(a.patient_id))
        menu.addSeparator()
        allowed = booking.TRANSITIONS[a.status]
        for status, label in (
            ("confirmed", "Confirm"),
            ("arrived", "Mark arrived"),
            ("seated", "Seat"),
            ("completed", "Complete"),
        ):
            act = menu.addAction(label)
            act.setEnabled(status in allowed)
            act.triggered.connect(lambda _=False, st=status: self.set_status(appt_id, st))
        menu.addSeparator()
        reschedule = menu.addAction("Reschedule…")
        reschedule.setEnabled(a.status in booking.MOVABLE_STATUSES)
        reschedule.triggered.connect(lambda: self.reschedule(appt_id))
        cancel = menu.addAction("Cancel…")
        cancel.setEnabled("cancelled" in allowed)
        cancel.triggered.connect(lambda: self.cancel(appt_id))
        no_show = menu.addAction("No-show")
        no_show.setEnabled("no_show" in allowed)
        no_show.triggered.connect(lambda: self.no_show(appt_id))
        # --- issue 6: recurring series ("Repeat…" / "Open series…"), see series_actions.py ---
        from orca_desk.views.calendar.series_actions import add_series_actions

        menu.addSeparator()
        add_series_actions(self, menu, a)
        return menu

    def _on_delete_requested(self, appt_id: int) -> None:
        """Delete on the selected appointment cancels it, asking the reason (as "Cancel…" does)."""
        a = self.appointments.get(appt_id)
        if a is None or appt_id in self.marks:
            return
        if "cancelled" not in booking.TRANSITIONS[a.status]:
            status = a.status.replace("_", " ")
            self.sig_status.emit(f"{a.patient_name}'s visit cannot be cancelled: it is {status}.")
            return
        self.cancel(appt_id)

    def set_status(self, appt_id: int, status: str) -> bool:
        return self._push(StatusCommand(self.ops, self.undo_stack, self.appointments[appt_id], status))

    def cancel(self, appt_id: int, reason: str | None = None) -> bool:
        a = self.appointments[appt_id]
        if reason is None:
            reason, ok = QInputDialog.getItem(
                self, "Cancel appointment", f"Why is {a.patient_name} cancelling?", CANCEL_REASONS, 0, True
            )
            if not ok:
                return False
        return self._push(CancelCommand(self.ops, self.undo_stack, a, reason))

    def no_show(self, appt_id: int) -> bool:
        return self._push(NoShowCommand(self.ops, self.undo_stack, self.appointments[appt_id]))

    def reschedule(self, appt_id: int) -> bool:
        """Find-next-opening when provider schedules offer it, else pick a date, time and chair."""
        a = self.appointments[appt_id]
        from orca_desk.views.calendar.reschedule_dialog import reschedule_via_find_opening

        where = reschedule_via_find_opening(self, self.ctx, a)
        if where is None:
            return False
        zone = self.zone_of(a.location_id)
        when = local_time.fmt_day_time(where.start, zone, self.time_style())
        return self.move_appointment(a, where, f"Reschedule {a.patient_name} to {when}")

    def open_patient_card(self, patient_id: int) -> None:
        from orca_desk.views.patients.patient_card import PatientCardDialog

        card = PatientCardDialog(self.ctx, patient_id, parent=self)
        card.exec()
        if card.go_to is not None:  # what the card saved reaches the book through its changes
            self.sig_go_to_place.emit(*card.go_to)

    def find_patient(self) -> None:
        from orca_desk.views.calendar.patient_search import PatientSearchDialog

        dialog = PatientSearchDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.next_visit is not None and dialog.next_visit_location_id is not None:
            self.sig_go_to_place.emit(dialog.next_visit_location_id, dialog.next_visit)

    # ----- visits that did not happen: "To rebook" ---------------------------------------------
    def build_missed_menu(self, appt_id: int) -> QMenu:
        """A cancelled or no-show visit: its patient card, and rebooking them."""
        a = self.missed[appt_id]
        menu = QMenu(self)
        menu.setTitle(a.patient_name)
        card = menu.addAction(self.tr("Patient card…"))
        card.triggered.connect(lambda: self.open_patient_card(a.patient_id))
        menu.addSeparator()
        row = next((r for r in self.data.rebook if r.appointment_id == appt_id), None) if self.data else None
        for text, find in ((self.tr("Rebook…"), False), (self.tr("Find next opening…"), True)):
            act = menu.addAction(text)
            act.setEnabled(row is not None and self.ctx.actor.can(BOOK))
            if row is not None:
                act.triggered.connect(lambda _=False, r=row, fi=find: self.rebook(r, find=fi))
        if row is None:
            menu.addAction(self.tr("(booked again since)")).setEnabled(False)
        return menu

    def open_rebook_list(self) -> None:
        """The "To rebook" list of the shown day (week); choosing a patient books them."""
        from orca_desk.views.calendar.rebook_list import FIND, RebookListDialog

        if self.data is None:
            return
        scope = self.tr("this week") if len(self.data.days) > 1 else self.tr("this day")
        dialog = RebookListDialog(self.data.rebook, scope=scope, parent=self)
        if dialog.exec() and dialog.choice is not None:
            action, row = dialog.choice
            self.rebook(row, find=action == FIND)

    def rebook(self, row: RebookRow, *, find: bool = False) -> bool:
        """Book the patient of a missed visit: at the selected free cell, else at the next free time
        double-clicked (the booking dialog then has them, their type, provider and length), or
        through Find next opening."""
        if not self.ctx.actor.can(BOOK):
            self.sig_status.emit("You may not book appointments.")
            return False
        if find:
            return self.find_opening_for(row)
        self.rebooking = row
        if self.grid.cell is not None and self.grid.cell[0] in self.col_defs:
            self._on_empty_activated(*self.grid.cell)
        else:
            self.sig_status.emit(
                self.tr(
                    "Rebook {name}: double-click free time (or Enter on a free cell) to "
                    "book {type}, {minutes} min."
                ).format(name=row.patient_name, type=row.type_name, minutes=row.minutes)
            )
        return True

    def _prefill_rebook(self, dialog: Any) -> RebookRow | None:
        """The booking dialog after "Rebook…" has that patient, type, provider and length (once)."""
        from orca_desk.services.rebook import patient_row

        row, self.rebooking = self.rebooking, None
        if row is None:
            return None
        patient = self._read(lambda session: patient_row(session, row.patient_id))
        if patient is None:
            return None
        dialog.prefill(patient, type_id=row.type_id, provider_id=row.provider_id, minutes=row.minutes)
        dialog.setWindowTitle(self.tr("Rebook {name}").format(name=row.patient_name))
        return row

    def _rebooked(self, row: RebookRow | None) -> None:
        if row is not None:
            self.sig_status.emit(self.tr("{name} rebooked").format(name=row.patient_name))

    def find_opening_for(self, row: RebookRow) -> bool:
        """Find next opening with the missed visit's type, length and provider, for its patient."""
        from orca_desk.services.rebook import patient_row
        from orca_desk.views.schedules.find_opening import FindOpeningDialog

        dialog = FindOpeningDialog(self.ctx, provider_ids=[row.provider_id], parent=self)
        dialog.setWindowTitle(self.tr("Rebook {name}: next openings").format(name=row.patient_name))
        dialog.type_combo.setCurrentIndex(max(0, dialog.type_combo.findData(row.type_id)))
        dialog.minutes.setValue(row.minutes)
        patient = self._read(lambda session: patient_row(session, row.patient_id))
        if patient is not None:
            dialog.patient_search.blockSignals(True)  # the name alone could pick a namesake
            dialog.patient_search.setText(patient.name)
            dialog.patient_search.blockSignals(False)
            dialog.patients.set_rows([patient])
            dialog.patient_list.setCurrentIndex(dialog.patients.index(0))
        dialog.search()
        if not dialog.exec() or dialog.appointment_id is None:
            return False
        self.sig_status.emit(dialog.booked_text or self.tr("Appointment booked"))
        if dialog.booked_place is not None:
            self.sig_go_to_place.emit(*dialog.booked_place)
        return True
