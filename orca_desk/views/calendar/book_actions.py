"""What a click, a drag or a key does on the appointment book: moves, bookings, blocks, status changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QInputDialog, QMessageBox

from orca_desk.services import local_time
from orca_desk.services.access.security import BOOK
from orca_desk.services.booking.statuses import TRANSITIONS
from orca_desk.services.calendar.calendar_data import CalendarAppointment
from orca_desk.ui.time_grid import GridItem
from orca_desk.views.calendar.book_columns import CANCEL_REASONS, BookColumns, ColumnDef, local_instant
from orca_desk.views.calendar.commands import (
    CancelCommand,
    MoveCommand,
    NoShowCommand,
    Placement,
    StatusCommand,
)


class BookActions(BookColumns):
    """What the mouse and keys do on the book: the hover card, live feedback while dragging,
    moving, booking, blocking, offering time, and a visit's status changes."""

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
        from orca_desk.services.booking import booking

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
            self.sig_status.emit(self.tr("Not moved: {refusal}").format(refusal=refusal))
            QMessageBox.warning(self, self.tr("Not moved"), refusal)
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

    def _on_range_selected(self, key: int, start: int, end: int) -> None:
        reason, ok = QInputDialog.getText(
            self, self.tr("Block time"), self.tr("Reason (shown on the calendar):"), text=self.tr("Blocked")
        )
        if ok:
            self.block_time(key, start, end, reason)

    def block_time(self, key: int, start: int, end: int, reason: str) -> bool:
        """Create a block over [start, end) of this column; the operation's changes reload the book."""
        from orca_desk.services import provider_schedules

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

    def book_at(
        self, chair_id: int, start: datetime, *, provider_id: int | None, type_id: int | None, zone: ZoneInfo
    ) -> bool:
        if not self.ctx.actor.can(BOOK):
            self.sig_status.emit(self.tr("You may not book appointments."))
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
            self.sig_status.emit(self.tr("Appointment booked"))
            return True
        return False

    def offer_to_waitlist(self, key: int, minute: int, minutes: int | None = None) -> bool:
        """Announce free time as an opening; the automation offers it to the best match."""
        from orca_desk.services.waitlist.openings import announce_opening

        cd = self.col_defs[key]
        if minutes is None:
            minutes, ok = QInputDialog.getInt(
                self, self.tr("Offer to the waitlist"), self.tr("How many minutes are free?"), 30, 5, 480, 5
            )
            if not ok:
                return False
        zone = self.zone_of(cd.location_id)
        start = local_instant(cd.day, minute, zone)
        provider_id = cd.provider_id or self._provider_of_chair(cd)
        chair_id = cd.chair_id or next((c.id for c in self.ctx.clinic.chairs_at(cd.location_id)), None)
        if provider_id is None or chair_id is None:
            self.sig_status.emit(self.tr("Nobody works in that chair that day: switch to provider columns."))
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

    def _on_delete_requested(self, appt_id: int) -> None:
        """Delete on the selected appointment cancels it, asking the reason (as "Cancel…" does)."""
        a = self.appointments.get(appt_id)
        if a is None or appt_id in self.marks:
            return
        if "cancelled" not in TRANSITIONS[a.status]:
            status = a.status.replace("_", " ")
            self.sig_status.emit(
                self.tr("{patient_name}'s visit cannot be cancelled: it is {status}.").format(
                    patient_name=a.patient_name, status=status
                )
            )
            return
        self.cancel(appt_id)

    def set_status(self, appt_id: int, status: str) -> bool:
        return self._push(StatusCommand(self.ops, self.undo_stack, self.appointments[appt_id], status))

    def cancel(self, appt_id: int, reason: str | None = None) -> bool:
        a = self.appointments[appt_id]
        if reason is None:
            reason, ok = QInputDialog.getItem(
                self,
                self.tr("Cancel appointment"),
                self.tr("Why is {patient_name} cancelling?").format(patient_name=a.patient_name),
                CANCEL_REASONS,
                0,
                True,
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
        closed = self.ctx.dialogs.patient_card(self.ctx, self, patient_id)
        if closed.go_to is not None:  # what the card saved reaches the book through its changes
            self.sig_go_to_place.emit(*closed.go_to)

    def find_patient(self) -> None:
        from orca_desk.views.calendar.patient_search import PatientSearchDialog

        dialog = PatientSearchDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.next_visit is not None and dialog.next_visit_location_id is not None:
            self.sig_go_to_place.emit(dialog.next_visit_location_id, dialog.next_visit)
