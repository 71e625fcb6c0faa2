"""Calendar day view: a column per chair, colour by type, book, move, confirm, cancel, no-show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import (
    QInputDialog,
    QMenu,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from orca_desk.services import booking
from orca_desk.services.calendar_data import (
    CalendarAppointment,
    load_appointments,
    local_day_bounds,
)
from orca_desk.services.errors import OrcaError
from orca_desk.services.security import BOOK
from orca_desk.ui.context import AppContext
from orca_desk.ui.screen import Screen
from orca_desk.ui.time_grid import GridColumn, GridItem, TimeGridWidget
from orca_desk.views.calendar.booking_dialog import BookingDialog

CANCEL_REASONS = ["school event", "sick", "family emergency", "transport", "forgot",
                  "work conflict", "rescheduled by clinic", "other"]
CONFIRMATION_BADGES = {"confirmed": ("✓", "#1b7f4b"), "requested": ("?", "#b7791f"),
                       "declined": ("✗", "#b3261e"), "callback": ("☎", "#6b46c1")}
STATUS_BADGES = {"arrived": ("Arrived", "#2f6fb3"), "seated": ("Seated", "#6b46c1"),
                 "completed": ("Done", "#4a5868")}


def local_minute(dt: datetime, zone: ZoneInfo, day: date) -> int:
    local = dt.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def local_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    # Wall-clock in the location's zone; combine() keeps DST right where timedelta would not.
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)


class DayViewScreen(Screen):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.location_id = ctx.clinic.locations[0].id
        self.day = ctx.clock.now().astimezone(ctx.clinic.locations[0].zone).date()
        self.appointments: dict[int, CalendarAppointment] = {}
        self.grid = TimeGridWidget()
        self.grid.drop_check = self._drop_refusal
        self.grid.sig_item_moved.connect(self._on_item_moved)
        self.grid.sig_empty_activated.connect(self._on_empty_activated)
        self.grid.sig_context_menu.connect(self._on_context_menu)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(scroll)

    # ----- shell hooks -------------------------------------------------------------------
    @property
    def zone(self) -> ZoneInfo:
        return self.ctx.clinic.location(self.location_id).zone

    def show_day(self, day: date) -> None:
        self.day = day
        self.refresh()

    def show_location(self, location_id: int) -> None:
        self.location_id = location_id

    def refresh(self) -> None:
        start, end = local_day_bounds(self.day, self.zone)
        with self.ctx.db.read() as session:
            rows = load_appointments(session, [self.location_id], start, end)
        self.appointments = {a.id: a for a in rows}
        columns = [GridColumn(key=c.id, title=c.name, subtitle=c.room)
                   for c in self.ctx.clinic.chairs_at(self.location_id)]
        items = [self._item(a) for a in rows]
        self.grid.set_content(columns, items)
        now = self.ctx.clock.now().astimezone(self.zone)
        self.grid.now_minute = now.hour * 60 + now.minute if now.date() == self.day else None

    def _item(self, a: CalendarAppointment) -> GridItem:
        badge, colour = STATUS_BADGES.get(a.status) or CONFIRMATION_BADGES.get(a.confirmation, ("", ""))
        return GridItem(
            id=a.id, column=a.chair_id, start=local_minute(a.start, self.zone, self.day),
            end=local_minute(a.end, self.zone, self.day), colour=a.colour, title=a.patient_name,
            subtitle=f"{a.type_name} · {a.provider_name}", badge=badge, badge_colour=colour or "#1b7f4b",
            icon="↻" if a.series_id else "", movable=a.status in ("scheduled", "confirmed"), data=a)

    # ----- live feedback while dragging ---------------------------------------------------
    def _drop_refusal(self, item: GridItem, chair_id: int, start: int, end: int) -> str | None:
        """A quick check against what is on screen; the service re-checks on drop."""
        moving = self.appointments[item.id]
        s, e = local_instant(self.day, start, self.zone), local_instant(self.day, end, self.zone)
        for other in self.appointments.values():
            if other.id == moving.id or not (other.start < e and other.end > s):
                continue
            if other.chair_id == chair_id:
                return f"Chair taken by {other.patient_name}"
            if other.patient_id == moving.patient_id:
                return f"{other.patient_name} is already booked then"
        return None

    # ----- actions ------------------------------------------------------------------------
    def _run(self, action: Callable[[Session], object], done: str) -> bool:
        """Run one unit of work; show the service's message if it refuses."""
        try:
            with self.ctx.db.write() as session:
                action(session)
        except OrcaError as exc:
            QMessageBox.warning(self, "Not changed", str(exc))
            self.sig_status.emit(f"Not changed: {exc}")
            self.refresh()
            return False
        self.sig_status.emit(done)
        self.refresh()
        return True

    def _on_item_moved(self, appt_id: int, chair_id: int, start: int, end: int) -> None:
        a = self.appointments[appt_id]
        s, e = local_instant(self.day, start, self.zone), local_instant(self.day, end, self.zone)
        self._run(lambda session: booking.move_appointment(
            session, self.ctx.actor, appt_id, start=s, end=e, chair_id=chair_id,
            expected_version=a.version, now=self.ctx.clock.now()),
            f"Moved {a.patient_name} to {s:%-I:%M %p}")

    def _on_empty_activated(self, chair_id: int, minute: int) -> None:
        if not self.ctx.actor.can(BOOK):
            self.sig_status.emit("You may not book appointments.")
            return
        chair = next(c for c in self.ctx.clinic.chairs if c.id == chair_id)
        provider_id = next((a.provider_id for a in self.appointments.values() if a.chair_id == chair_id),
                           None)
        dialog = BookingDialog(self.ctx, chair_id=chair_id, chair_name=chair.name,
                               start=local_instant(self.day, minute, self.zone),
                               provider_id=provider_id, parent=self)
        if dialog.exec() and dialog.appointment_id is not None:
            self.sig_status.emit("Appointment booked")
            self.refresh()

    def open_booking_dialog(self, chair_id: int, minute: int) -> None:
        self._on_empty_activated(chair_id, minute)

    def _on_context_menu(self, appt_id: int, pos: QPoint) -> None:
        if appt_id < 0:
            return
        menu = self.build_context_menu(appt_id)
        menu.exec(pos)

    def build_context_menu(self, appt_id: int) -> QMenu:
        a = self.appointments[appt_id]
        menu = QMenu(self)
        menu.setTitle(a.patient_name)
        allowed = booking.TRANSITIONS[a.status]
        for status, label in (("confirmed", "Confirm"), ("arrived", "Mark arrived"),
                              ("seated", "Seat"), ("completed", "Complete")):
            act = menu.addAction(label)
            act.setEnabled(status in allowed)
            act.triggered.connect(lambda _=False, st=status: self.set_status(appt_id, st))
        menu.addSeparator()
        cancel = menu.addAction("Cancel…")
        cancel.setEnabled("cancelled" in allowed)
        cancel.triggered.connect(lambda: self.cancel(appt_id))
        no_show = menu.addAction("No-show")
        no_show.setEnabled("no_show" in allowed)
        no_show.triggered.connect(lambda: self.no_show(appt_id))
        return menu

    def set_status(self, appt_id: int, status: str) -> bool:
        a = self.appointments[appt_id]
        return self._run(lambda s: booking.set_status(s, self.ctx.actor, appt_id, status,
                                                      expected_version=a.version,
                                                      now=self.ctx.clock.now()),
                         f"{a.patient_name}: {booking.STATUS_LABELS[status]}")

    def cancel(self, appt_id: int, reason: str | None = None) -> bool:
        a = self.appointments[appt_id]
        if reason is None:
            reason, ok = QInputDialog.getItem(self, "Cancel appointment",
                                              f"Why is {a.patient_name} cancelling?", CANCEL_REASONS,
                                              0, True)
            if not ok:
                return False
        return self._run(lambda s: booking.cancel_appointment(s, self.ctx.actor, appt_id, reason=reason,
                                                              expected_version=a.version,
                                                              now=self.ctx.clock.now()),
                         f"Cancelled {a.patient_name} ({reason})")

    def no_show(self, appt_id: int) -> bool:
        a = self.appointments[appt_id]
        return self._run(lambda s: booking.mark_no_show(s, self.ctx.actor, appt_id,
                                                        expected_version=a.version,
                                                        now=self.ctx.clock.now()),
                         f"{a.patient_name} marked no-show")

    def find_patient(self) -> None:
        from orca_desk.views.calendar.patient_search import PatientSearchDialog

        dialog = PatientSearchDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.next_visit is not None:
            self.sig_go_to_date.emit(dialog.next_visit)

