"""The appointment book shared by the day, week and all-locations screens: columns, items, actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QMenu, QWidget

from orca_desk.services.access.security import BOOK
from orca_desk.services.booking.rebook import RebookRow
from orca_desk.services.booking.statuses import MOVABLE_STATUSES, TRANSITIONS
from orca_desk.services.calendar.calendar_data import CalendarData, load_calendar
from orca_desk.services.clinic.clinic import ClinicInfo
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.feature_dialogs import OpeningRequest
from orca_desk.ui.undo import UndoStack
from orca_desk.views.calendar.book_actions import BookActions
from orca_desk.views.calendar.book_columns import local_instant
from orca_desk.views.calendar.filters import CalendarFilters


class CalendarScreen(BookActions):
    """Shows ``shown_days()`` × ``shown_locations()`` × chairs or providers as grid columns."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.grid.drop_check = self._drop_refusal
        self.grid.tooltip_for = self._tooltip
        self.grid.sig_item_moved.connect(self._on_item_moved)
        self.grid.sig_empty_activated.connect(self._on_empty_activated)
        self.grid.sig_item_activated.connect(self._on_item_activated)
        self.grid.sig_context_menu.connect(self._on_context_menu)
        self.grid.sig_range_selected.connect(self._on_range_selected)
        self.grid.sig_delete_requested.connect(self._on_delete_requested)
        self.summary_bar.sig_rebook_requested.connect(self.open_rebook_list)
        self.loader.sig_loaded.connect(self._on_loaded)
        self.loader.sig_failed.connect(self._on_load_failed)
        self._now_timer.timeout.connect(self._on_now_timer_timeout)
        self._now_timer.start()

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
        self.sig_status.emit(self.tr("Could not load the calendar: {exc}").format(exc=language.say(str(exc))))

    def _on_now_timer_timeout(self) -> None:
        now = self.ctx.clock.now()
        minutes: dict[int, int | None] = {}
        for key, cd in self.col_defs.items():
            local = now.astimezone(self.zone_of(cd.location_id))
            minutes[key] = local.hour * 60 + local.minute if local.date() == cd.day else None
        self.grid.set_now(minutes)

    # ----- what opens from the book ----------------------------------------------------
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
        offer = menu.addAction(self.tr("Offer this time to the waitlist…"))
        offer.triggered.connect(lambda: self.offer_to_waitlist(column.key, minute))
        menu.exec(pos)

    def build_context_menu(self, appt_id: int) -> QMenu:
        a = self.appointments[appt_id]
        menu = QMenu(self)
        menu.setTitle(a.patient_name)
        visit = menu.addAction(self.tr("Appointment card…"))
        visit.triggered.connect(lambda: self.open_appointment_card(appt_id))
        card = menu.addAction(self.tr("Patient card…"))
        card.triggered.connect(lambda: self.open_patient_card(a.patient_id))
        menu.addSeparator()
        allowed = TRANSITIONS[a.status]
        for status, label in (
            ("confirmed", self.tr("Confirm")),
            ("arrived", self.tr("Mark arrived")),
            ("seated", self.tr("Seat")),
            ("completed", self.tr("Complete")),
        ):
            act = menu.addAction(label)
            act.setEnabled(status in allowed)
            act.triggered.connect(lambda _=False, st=status: self.set_status(appt_id, st))
        menu.addSeparator()
        reschedule = menu.addAction(self.tr("Reschedule…"))
        reschedule.setEnabled(a.status in MOVABLE_STATUSES)
        reschedule.triggered.connect(lambda: self.reschedule(appt_id))
        cancel = menu.addAction(self.tr("Cancel…"))
        cancel.setEnabled("cancelled" in allowed)
        cancel.triggered.connect(lambda: self.cancel(appt_id))
        no_show = menu.addAction(self.tr("No-show"))
        no_show.setEnabled("no_show" in allowed)
        no_show.triggered.connect(lambda: self.no_show(appt_id))
        # Recurring series ("Repeat…" / "Open series…") live in series_actions.py, loaded with the menu.
        from orca_desk.views.calendar.series_actions import add_series_actions

        menu.addSeparator()
        add_series_actions(self, menu, a)
        return menu

    def _on_empty_activated(self, key: int, minute: int) -> None:
        if not self.ctx.actor.can(BOOK):
            self.sig_status.emit(self.tr("You may not book appointments."))
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
                self.sig_status.emit(self.tr("Every chair is taken then."))
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
            self.sig_status.emit(self.tr("Appointment booked"))

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
            self.sig_status.emit(self.tr("You may not book appointments."))
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
        from orca_desk.services.booking.rebook import patient_row

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
        from orca_desk.services.booking.rebook import patient_row

        request = OpeningRequest(
            title=self.tr("Rebook {name}: next openings").format(name=row.patient_name),
            type_id=row.type_id,
            minutes=row.minutes,
            provider_id=row.provider_id,
            patient=self._read(lambda session: patient_row(session, row.patient_id)),
        )
        booked = self.ctx.dialogs.book_opening(self.ctx, self, request)
        if booked is None:
            return False
        self.sig_status.emit(booked.text or self.tr("Appointment booked"))
        if booked.place is not None:
            self.sig_go_to_place.emit(*booked.place)
        return True
