"""The appointment card: one visit with its patient, notes, history and messages, and the desk's actions."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import appointment_card as svc
from orca_desk.services import local_time
from orca_desk.services.access.security import BOOK, SEND_MESSAGES
from orca_desk.services.booking import booking
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import SHORT, fmt_day
from orca_desk.ui.rows_table import RowsModel, table

if TYPE_CHECKING:
    from orca_desk.views.calendar.calendar_screen import CalendarScreen

from orca_desk.ui import language
from orca_desk.views.calendar.card_dialogs import CardPrintDialog, TextFamilyDialog

_CONFIRMATION_WORDS = {
    "unconfirmed": QT_TRANSLATE_NOOP("AppointmentCardDialog", "not confirmed yet"),
    "requested": QT_TRANSLATE_NOOP("AppointmentCardDialog", "confirmation requested"),
    "confirmed": QT_TRANSLATE_NOOP("AppointmentCardDialog", "confirmed"),
    "declined": QT_TRANSLATE_NOOP("AppointmentCardDialog", "declined by the family"),
    "callback": QT_TRANSLATE_NOOP("AppointmentCardDialog", "family asked for a call"),
}


def _value_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _label(parent: QWidget, *, wrap: bool = True, name: str = "") -> QLabel:
    widget = QLabel(parent)
    widget.setWordWrap(wrap)
    if name:
        widget.setObjectName(name)
    return widget


class AppointmentCardDialog(QDialog):
    """Opened by double-click or Enter on an appointment. Actions go through ``screen`` (the calendar's
    own undoable, checked commands); ``go_to`` is where the calendar should go when it closes."""

    def __init__(
        self,
        ctx: AppContext,
        appointment_id: int,
        calendar: CalendarScreen | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.appointment_id = appointment_id
        self.calendar = calendar
        self.card: svc.AppointmentCard | None = None
        self.changed = False
        self.go_to: tuple[int, date] | None = None
        self.pdf_bytes = b""
        self.setObjectName("appointmentCard")
        self.setMinimumSize(860, 560)
        # Built top-down, each widget made inside its final parent: a widget moved to another
        # parent is styled again, which would double the time the card takes to open.
        layout = QVBoxLayout(self)

        self.title = _label(self, wrap=False, name="title")
        self.title.setProperty("textRole", "cardTitle")
        self.when = _label(self)
        self.state = _label(self)
        self.alert_banner = _label(self)
        self.alert_banner.setStyleSheet("color: #b3261e; font-weight: 600;")
        for widget in (self.title, self.when, self.state, self.alert_banner):
            layout.addWidget(widget)
        middle = QHBoxLayout()
        layout.addLayout(middle, 1)
        left = QVBoxLayout()
        middle.addLayout(left, 2)

        self._build_who(left)
        self._build_notes(left)
        self._build_tabs(middle)

        self.error = _label(self, name="errorLabel")
        layout.addWidget(self.error)
        self._build_actions(layout)
        self.loaded = self.reload()
        """False when the visit could not be read (gone meanwhile): the card is not shown."""
        self.notes.setFocus()

    def _build_who(self, left: QVBoxLayout) -> None:
        """Who: the patient and the responsible party."""
        who_box = QGroupBox(self.tr("Patient && family"), self)
        left.addWidget(who_box)
        who = QFormLayout(who_box)
        self.age, self.phone, self.guardian, self.guardian_phone, self.contact, self.series = (
            _value_label(who_box) for _ in range(6)
        )
        who.addRow(self.tr("Age"), self.age)
        who.addRow(self.tr("Phone"), self.phone)
        who.addRow(self.tr("Guardian"), self.guardian)
        who.addRow(self.tr("Guardian's phone"), self.guardian_phone)
        who.addRow(self.tr("Texts go to"), self.contact)
        who.addRow(self.tr("Series"), self.series)

    def _build_notes(self, left: QVBoxLayout) -> None:
        notes_row = QHBoxLayout()
        left.addLayout(notes_row)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText(self.tr("Notes for this visit (what to bring, who comes, …)"))
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleDescription(self.tr("Notes for this visit; Save notes or Ctrl+S keeps them"))
        notes_label = QLabel(self.tr("N&otes"), self)
        notes_label.setBuddy(self.notes)
        self.save_notes_button = QPushButton(self.tr("&Save notes"), self)
        self.save_notes_button.setToolTip(self.tr("Save the notes (Ctrl+S)"))
        self.save_notes_button.clicked.connect(self.save_notes)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save_notes)
        notes_row.addWidget(notes_label)
        notes_row.addStretch(1)
        notes_row.addWidget(self.save_notes_button)
        left.addWidget(self.notes, 1)

    def _build_tabs(self, middle: QHBoxLayout) -> None:
        """History and messages, beside the patient and the notes."""
        self.tabs = QTabWidget(self)
        middle.addWidget(self.tabs, 3)
        self.history = RowsModel[svc.HistoryRow](
            [
                (self.tr("When"), lambda r: self._fmt(r.at)),
                (self.tr("Who"), lambda r: r.actor),
                (self.tr("What"), lambda r: language.say(r.label)),
            ],
            cell_tooltips=True,
        )
        self.history_view = table(self.history, 2, empty=self.tr("No changes recorded yet."))
        self.tabs.addTab(self.history_view, self.tr("&History"))
        self.history_view.setAccessibleDescription(self.tr("Every change to this visit: when, who and what"))
        messages_tab = QWidget()
        self.tabs.addTab(messages_tab, self.tr("Confirmation && messa&ges"))
        messages_layout = QVBoxLayout(messages_tab)
        self.confirmation_label = _label(messages_tab)
        messages_layout.addWidget(self.confirmation_label)
        self.messages = RowsModel[svc.MessageRow](
            [
                (self.tr("When"), lambda m: self._fmt(m.at)),
                ("", lambda m: "→" if m.direction == "out" else "←"),
                (self.tr("To / from"), lambda m: m.address),
                (self.tr("Message"), lambda m: m.text.replace("\n", " ")),
                (self.tr("Status"), lambda m: m.status.replace("_", " ")),
            ],
            tooltip=lambda m: m.text,
        )
        self.messages_view = table(
            self.messages, 3, empty=self.tr("No messages about this visit yet: Text family… writes one.")
        )
        messages_layout.addWidget(self.messages_view, 1)
        self.messages_view.setAccessibleName(self.tr("Messages"))
        self.messages_view.setAccessibleDescription(
            self.tr("Texts and emails about this visit, sent and received, with their status")
        )

    def _build_actions(self, layout: QVBoxLayout) -> None:
        actions = QGridLayout()
        layout.addLayout(actions)

        self.confirm_button = self._button(self.tr("&Confirm"), self.confirm, self.tr("The family confirmed"))
        self.move_button = self._button(
            self.tr("&Move…"), self.move_to, self.tr("Pick a new date, time and chair")
        )
        self.reschedule_button = self._button(
            self.tr("&Reschedule…"), self.reschedule, self.tr("Find the next openings for this visit")
        )
        self.cancel_button = self._button(
            self.tr("Cance&l visit…"), self.cancel_visit, self.tr("Asks the reason")
        )
        self.no_show_button = self._button(
            self.tr("&No-show"), self.no_show, self.tr("The patient did not come; a recovery case may open")
        )
        self.series_button = self._button(
            self.tr("Open s&eries…"),
            self.open_series,
            self.tr("See and change the series this visit is part of"),
        )
        self.text_button = self._button(
            self.tr("&Text family…"),
            self.compose_text,
            self.tr("A one-off text about this visit (consent is checked)"),
        )
        self.print_button = self._button(
            self.tr("&Print card…"),
            self.print_card,
            self.tr("A card for the family with the date, time and place"),
        )
        self.patient_button = self._button(
            self.tr("P&atient card…"),
            self.open_patient_card,
            self.tr("The patient's details, visits and consent"),
        )
        self.close_button = self._button(self.tr("Close"), self.reject, self.tr("Close the card (Esc)"))
        for i, b in enumerate(
            (
                self.confirm_button,
                self.move_button,
                self.reschedule_button,
                self.cancel_button,
                self.no_show_button,
            )
        ):
            actions.addWidget(b, 0, i)
        for i, b in enumerate(
            (self.series_button, self.text_button, self.print_button, self.patient_button, self.close_button)
        ):
            actions.addWidget(b, 1, i)

    def _button(self, text: str, slot: object, tip: str = "") -> QPushButton:
        b = QPushButton(text, self)
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        if tip:
            b.setToolTip(tip)
        return b

    def sizeHint(self) -> QSize:
        return QSize(960, 620)

    # --- showing ----------------------------------------------------------------------------
    def _fmt(self, at: datetime | None) -> str:
        card = self.card
        if card is None or at is None:
            return ""
        return local_time.fmt_when(at, card.zone, card.time_format, now=self.ctx.clock.now())

    def notes_changed(self) -> bool:
        """The notes box differs from the notes last loaded (typed and not saved yet)."""
        return self.card is not None and self.notes.toPlainText().strip() != self.card.notes

    def reload(self, *, keep_typed: bool = True) -> bool:
        """Show the visit as it is now; notes being typed stay in the box unless ``keep_typed`` is off.
        False when it could not be read (said on the error line)."""
        typed = keep_typed and self.notes_changed()
        now = self.ctx.clock.now()
        got: list[svc.AppointmentCard] = []
        self.ctx.ops.read(
            lambda session: svc.load_appointment_card(session, self.appointment_id, now=now),
            parent=self,
            on_done=got.append,
            on_error=self.error.setText,
            background=False,
        )
        if not got:
            return False
        self._show(got[0], typed=typed)
        return True

    def _show(self, card: svc.AppointmentCard, *, typed: bool) -> None:
        self.card = card
        self.setWindowTitle(self.tr("Appointment: {0}").format(card.patient_name))
        preferred = f" “{card.preferred_name}”" if card.preferred_name else ""
        self.title.setText(f"{card.patient_name}{preferred} · {card.type_name}")
        self.when.setText(f"{card.when} · {card.location_name} · {card.chair_name} · {card.provider_name}")
        state = self.tr("Status: {0}").format(language.say(card.status_label))
        if card.status == "cancelled" and card.cancel_reason:
            late = self.tr(", late") if card.late_cancel else ""
            state += f" ({card.cancel_reason}{late})"
        state += " · " + self.tr("Confirmation: {0}").format(
            self.tr(str(_CONFIRMATION_WORDS.get(card.confirmation, card.confirmation)))
        )
        self.state.setText(state)
        self.alert_banner.setText("⚠ " + " · ".join(card.alerts) if card.alerts else "")
        self.alert_banner.setVisible(bool(card.alerts))
        if card.age is not None and card.date_of_birth is not None:
            self.age.setText(self.tr("{0} (born {1})").format(card.age, fmt_day(card.date_of_birth, SHORT)))
        else:
            self.age.setText(self.tr("date of birth not recorded"))
        self.phone.setText(card.phone or "—")
        relation = f" ({language.say(card.guardian_relation, 'relation')})" if card.guardian_relation else ""
        self.guardian.setText(
            f"{card.guardian_name}{relation}" if card.guardian_name else self.tr("none recorded")
        )
        reach = " · ".join(x for x in (card.guardian_phone, card.guardian_email) if x)
        self.guardian_phone.setText(reach or "—")
        consent = self.tr("texts allowed") if card.sms_consent else self.tr("no consent to text")
        self.contact.setText(f"{card.contact_phone or card.contact_email or '—'} · {consent}")
        self.series.setText(card.series.summary if card.series else self.tr("not part of a series"))
        if not typed:
            self.notes.setPlainText(card.notes)
        self.history.set_rows(list(reversed(card.history)))
        self.messages.set_rows(card.messages)
        self.confirmation_label.setText(self._confirmation_text(card))
        self._enable(card)

    def _confirmation_text(self, card: svc.AppointmentCard) -> str:
        word = self.tr(str(_CONFIRMATION_WORDS.get(card.confirmation, card.confirmation)))
        text = self.tr("Confirmation: {0}.").format(word)
        if card.confirmations:
            r = card.confirmations[0]
            text += " " + self.tr("Last asked {0} by {1} to {2}").format(
                self._fmt(r.at), r.channel, r.to_address
            )
            if r.answer:
                text += self.tr(", answered “{0}” by {1}").format(r.answer, r.answered_via or r.channel)
                if r.answered_at is not None:
                    text += f" {self._fmt(r.answered_at)}"
            else:
                text += f" ({r.status})"
            text += "."
        return text

    def _enable(self, card: svc.AppointmentCard) -> None:
        can_book = self.ctx.actor.can(BOOK)
        allowed = booking.TRANSITIONS.get(card.status, frozenset())
        live = self.calendar is not None and can_book
        self.confirm_button.setEnabled(live and "confirmed" in allowed)
        self.cancel_button.setEnabled(live and "cancelled" in allowed)
        # A visit that has not begun cannot be a no-show yet (the service refuses it too).
        self.no_show_button.setEnabled(live and "no_show" in allowed and card.start <= self.ctx.clock.now())
        self.series_button.setEnabled(self.calendar is not None and card.series is not None)
        self.text_button.setEnabled(self.ctx.actor.can(SEND_MESSAGES))
        self.notes.setReadOnly(not can_book)
        self.save_notes_button.setEnabled(can_book)
        self.move_button.setEnabled(live and card.status in booking.MOVABLE_STATUSES)
        self.reschedule_button.setEnabled(live and card.status in booking.MOVABLE_STATUSES)

    # --- notes ---------------------------------------------------------------------------------
    def save_notes(self) -> bool:
        card = self.card
        if card is None or not self.save_notes_button.isEnabled():
            return False
        self.error.clear()
        text, now = self.notes.toPlainText(), self.ctx.clock.now()

        def refused(message: str) -> None:
            self.reload()  # shows what another desk changed; the typed notes stay
            self.error.setText(self.tr("Notes not saved: {0}").format(message))

        return self.ctx.ops.write(
            lambda session: (
                svc.save_notes(
                    session, self.ctx.actor, self.appointment_id, text, now=now, expected_version=card.version
                ).version
            ),
            parent=self,
            on_done=self._notes_saved,
            on_error=refused,
            title=self.tr("Notes not saved"),
        )

    def _notes_saved(self, version: int) -> None:
        if self.calendar is not None:  # the calendar's next command expects the new version
            key = ("appointment", self.appointment_id)
            versions = self.calendar.undo_stack.versions
            versions[key] = max(versions.get(key, 0), version)
        self.changed = True
        self.reload(keep_typed=False)
        self._say(self.tr("Notes saved"))

    def reject(self) -> None:
        """Esc or Close: typed notes are not lost without asking."""
        if self.notes_changed() and self.save_notes_button.isEnabled():
            answer = QMessageBox.question(
                self,
                self.tr("Unsaved notes"),
                self.tr("Save the notes you changed?"),
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save_notes():
                return
        super().reject()

    def _say(self, text: str) -> None:
        if self.calendar is not None:
            self.calendar.sig_status.emit(text)

    # --- the calendar's actions --------------------------------------------------------------
    def _shown(self) -> bool:
        """The calendar shows this visit (its commands need the row it shows)."""
        self.error.clear()
        screen = self.calendar
        if screen is None:
            return False
        screen.wait_until_loaded()
        if self.appointment_id not in screen.appointments:
            self.error.setText(
                self.tr(
                    "This visit is no longer in the book on screen; close the card and "
                    "open it again from the calendar."
                )
            )
            return False
        return True

    def _after(self, done: bool) -> bool:
        if done:
            self.changed = True
            if self.calendar is not None:
                self.calendar.wait_until_loaded()
        self.reload()
        return done

    def confirm(self) -> bool:
        if not self._shown():
            return False
        assert self.calendar is not None
        return self._after(self.calendar.set_status(self.appointment_id, "confirmed"))

    def no_show(self) -> bool:
        if not self._shown():
            return False
        assert self.calendar is not None
        return self._after(self.calendar.no_show(self.appointment_id))

    def cancel_visit(self, reason: str | None = None) -> bool:
        """Cancel, asking the reason (as the calendar's "Cancel…" does) unless given."""
        if not self._shown():
            return False
        assert self.calendar is not None
        return self._after(self.calendar.cancel(self.appointment_id, reason or None))

    def reschedule(self) -> bool:
        if not self._shown():
            return False
        assert self.calendar is not None
        return self._after(self.calendar.reschedule(self.appointment_id))

    def move_to(self) -> bool:
        """Pick a new date, time and chair by hand."""
        if not self._shown():
            return False
        screen = self.calendar
        assert screen is not None and self.card is not None
        from orca_desk.views.calendar.reschedule_dialog import RescheduleDialog

        a = screen.appointments[self.appointment_id]
        dialog = RescheduleDialog(self.ctx, a, parent=self)
        if not dialog.exec():
            return False
        where = dialog.placement()
        zone = self.ctx.clinic.location(a.location_id).zone
        when = local_time.fmt_datetime(where.start, zone, self.card.time_format)
        return self._after(screen.move_appointment(a, where, f"Move {a.patient_name} to {when}"))

    def open_series(self) -> bool:
        if not self._shown():
            return False
        screen = self.calendar
        assert screen is not None
        from orca_desk.views.calendar.series_actions import open_series_dialog

        changed = open_series_dialog(self, self.ctx, screen.appointments[self.appointment_id])
        return self._after(changed)

    def open_patient_card(self) -> None:
        if self.card is None:
            return
        closed = self.ctx.dialogs.patient_card(self.ctx, self, self.card.patient_id)
        if closed.go_to is not None:
            self.go_to = closed.go_to
            self.accept()
            return
        if closed.changed:
            self.changed = True
            if self.calendar is not None:
                self.calendar.refresh()
            self.reload()

    # --- text the family ------------------------------------------------------------------------
    def text_family(self, body: str) -> int | None:
        """Queue ``body`` as a text about this visit; a refusal (no consent, STOP, no number) is shown."""
        self.error.clear()
        now = self.ctx.clock.now()
        sent: list[int] = []
        self.ctx.ops.write(
            lambda session: svc.text_family(session, self.ctx.actor, self.appointment_id, body, now=now),
            parent=self,
            on_done=sent.append,
            title=self.tr("Text not sent"),
            on_error=lambda message: self.error.setText(self.tr("Text not sent: {0}").format(message)),
        )
        if not sent:
            return None
        self.changed = True
        self.reload()
        self.tabs.setCurrentIndex(1)
        self._say(self.tr("Text queued; it goes out with the next dispatch"))
        return sent[0]

    def compose_text(self) -> int | None:
        if self.card is None:
            return None
        dialog = TextFamilyDialog(svc.suggested_text(self.card), self.card.contact_phone, parent=self)
        if not dialog.exec():
            return None
        return self.text_family(dialog.body.toPlainText())

    # --- the printed card --------------------------------------------------------------------------
    def card_pdf(self) -> bytes:
        assert self.card is not None
        buffer = io.BytesIO()
        svc.render_card_pdf(self.card, buffer)
        return buffer.getvalue()

    def print_card(self) -> None:
        if self.card is None:
            return
        CardPrintDialog(self.card_pdf(), self.card.patient_name, parent=self).exec()
