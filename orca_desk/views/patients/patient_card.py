"""The patient card: demographics, contacts and consent history, the responsible party, alerts, notes,
visits, messages, waitlist entries and recovery cases; every field editable by the roles allowed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.access.security import BOOK, MERGE_PATIENTS
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.patient_card import (
    PatientCard,
    PatientEdit,
    add_alert,
    clinic_region,
    link_same_family,
    load_card,
    merge_patients,
    remove_alert,
    set_consent,
    update_patient,
)
from orca_desk.services.patients.patients import search_patients
from orca_desk.services.phones import format_phone
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import SHORT, fmt_day
from orca_desk.ui.feature_dialogs import CardClosed
from orca_desk.views.patients import choices
from orca_desk.views.patients.card_tabs import PatientCardTabs
from orca_desk.views.patients.field_descriptions import describe_card_controls, describe_patient_fields


class PatientCardDialog(PatientCardTabs):
    """Opened from Ctrl+F search and from an appointment's menu. ``go_to`` is the (location id, day)
    the calendar should show when the card closes with "Go to next visit" or "Book…"."""

    def __init__(self, ctx: AppContext, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.patient_id = patient_id
        self.go_to: tuple[int, date] | None = None
        self.changed = False
        self.card: PatientCard | None = None
        can_edit = ctx.actor.can(BOOK)
        self.setMinimumSize(820, 560)
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setProperty("textRole", "cardTitle")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.alert_banner = QLabel()
        self.alert_banner.setWordWrap(True)
        self.alert_banner.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._details_tab(), self.tr("Details"))
        self.tabs.addTab(self._contacts_tab(), self.tr("Contacts && consent"))
        self.tabs.addTab(self._alerts_tab(), self.tr("Alerts"))
        self.tabs.addTab(self._visits_tab(), self.tr("Visits"))
        self.tabs.addTab(self._messages_tab(), self.tr("Messages"))
        self.tabs.addTab(self._followups_tab(), self.tr("Waitlist && recovery"))
        self.merge_button = QPushButton(self.tr("Merge a duplicate into this patient…"))
        self.merge_button.setVisible(ctx.actor.can(MERGE_PATIENTS))
        self.merge_button.clicked.connect(self.choose_duplicate)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        close.setAccessibleDescription(self.tr("Close the patient card"))
        describe_patient_fields(self)
        describe_card_controls(self)
        QWidget.setTabOrder(
            self.location, self.notes
        )  # Tab: the left column down to the notes, then the right
        bottom = QHBoxLayout()
        bottom.addWidget(self.merge_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.alert_banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        for widget in (
            self.save_button,
            self.family_button,
            self.add_alert_button,
            self.remove_alert_button,
            self.sms_button,
            self.email_button,
        ):
            widget.setEnabled(can_edit)
        self.family_button.clicked.connect(self.choose_sibling)
        self.save_button.clicked.connect(self.save)
        self.sms_button.clicked.connect(lambda: self.toggle_consent("sms"))
        self.email_button.clicked.connect(lambda: self.toggle_consent("email"))
        self.add_alert_button.clicked.connect(self.add_alert)
        self.remove_alert_button.clicked.connect(self.remove_selected_alert)
        self.next_button.clicked.connect(self.go_to_next_visit)
        self.book_button.clicked.connect(self.book)
        self.reload()

    # --- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        def load(session: Any) -> tuple[PatientCard, str]:
            return (
                load_card(session, self.patient_id, now=self.ctx.clock.now()),
                local_time.clinic_time_format(session),
            )

        self.ctx.ops.read(load, parent=self, on_done=lambda loaded: self._show(*loaded), background=False)

    def _show(self, card: PatientCard, style: str) -> None:
        self.card = card
        p = card.patient
        zone = self._zone(p.home_location_id)
        self._show_header(card, style)
        self._show_details(card)
        self._show_consent(card, zone, style)
        self._show_alerts(card, zone)
        self._show_visits(card, style)
        self._show_history(card, zone, style)
        editable = p.is_active and self.ctx.actor.can(BOOK)
        for widget in (
            self.save_button,
            self.family_button,
            self.add_alert_button,
            self.remove_alert_button,
            self.sms_button,
            self.email_button,
        ):
            widget.setEnabled(editable)
        self.merge_button.setEnabled(p.is_active)

    def _show_header(self, card: PatientCard, style: str) -> None:
        p = card.patient
        self.setWindowTitle(self.tr("Patient card: {0}").format(p.name))
        title = p.name + (f" “{p.preferred_name}”" if p.preferred_name else "")
        if not p.is_active:
            title += self.tr(" (merged, inactive)")
        self.title.setText(title)
        bits = []
        if p.date_of_birth:
            bits.append(self.tr("born {0}").format(fmt_day(p.date_of_birth, SHORT)))
        if p.chart_number:
            bits.append(self.tr("chart {0}").format(p.chart_number))
        bits.append(self.tr("contact {0}").format(card.contact or self.tr("none")))
        nxt = card.next_visit
        if nxt is not None:
            bits.append(
                self.tr("next visit {0}").format(
                    local_time.fmt_datetime(nxt.start, ZoneInfo(nxt.timezone), style)
                )
            )
        self.summary.setText(" · ".join(bits))
        self.alert_banner.setText("⚠ " + " · ".join(a.label for a in card.alerts) if card.alerts else "")
        self.alert_banner.setVisible(bool(card.alerts))

    # --- actions ---------------------------------------------------------------------------------

    def _region(self, session: Any) -> str:
        return clinic_region(session, self.ctx.clinic.id)

    def _run(self, action: str, fn: Callable[[Any], object]) -> bool:
        self.error.clear()

        def refused(exc: OrcaError) -> None:
            if isinstance(exc, ValidationError):
                self.error.setText(language.say(str(exc)))
                widget = self._fields.get(exc.field or "")
                if widget is not None:
                    widget.setFocus()
            else:
                self.error.setText(self.tr("{0}: {1}").format(action, language.say(str(exc))))

        if not self.ctx.ops.write(fn, parent=self, title=action, on_refused=refused):
            return False
        self.changed = True
        self.reload()
        return True

    def edit(self) -> PatientEdit:
        qd = self.dob.date()
        dob = None if qd == self.dob.minimumDate() else date(qd.year(), qd.month(), qd.day())
        location = self.location.currentData()
        return PatientEdit(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            preferred_name=self.preferred_name.text(),
            date_of_birth=dob,
            language=choices.chosen(self.language),
            chart_number=self.chart_number.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            preferred_channel=str(self.channel.currentData()),
            home_location_id=int(location) if location is not None else None,
            guardian_name=self.guardian_name.text(),
            guardian_relation=choices.chosen(self.guardian_relation),
            guardian_phone=self.guardian_phone.text(),
            guardian_email=self.guardian_email.text(),
            notes=self.notes.toPlainText(),
            guardian_language=choices.chosen(self.guardian_language),
        )

    def save(self) -> bool:
        data = self.edit()
        ok = self._run(
            self.tr("Not saved"),
            lambda s: update_patient(
                s, self.ctx.actor, self.patient_id, data, now=self.ctx.clock.now(), region=self._region(s)
            ),
        )
        if ok:
            self.error.setText(self.tr("Saved."))
        return ok

    def toggle_consent(self, channel: str) -> bool:
        assert self.card is not None
        current = self.card.patient.sms_consent if channel == "sms" else self.card.patient.email_consent
        source = choices.chosen(self.consent_source)
        ok = self._run(
            self.tr("Consent not changed"),
            lambda s: set_consent(
                s, self.ctx.actor, self.patient_id, channel, not current, source, now=self.ctx.clock.now()
            ),
        )
        if ok:
            self.consent_source.setCurrentIndex(0)
        return ok

    def add_alert(self) -> bool:
        kind, text = str(self.alert_kind.currentData()), self.alert_text.text()
        ok = self._run(
            self.tr("Alert not added"),
            lambda s: add_alert(s, self.ctx.actor, self.patient_id, kind, text, now=self.ctx.clock.now()),
        )
        if ok:
            self.alert_text.clear()
        return ok

    def remove_selected_alert(self) -> bool:
        item = self.alert_list.currentItem()
        if item is None:
            self.error.setText(self.tr("Choose the alert to remove."))
            return False
        alert_id = int(item.data(Qt.ItemDataRole.UserRole))
        return self._run(
            self.tr("Alert not removed"),
            lambda s: remove_alert(s, self.ctx.actor, alert_id, now=self.ctx.clock.now()),
        )

    def _pick_patient(self, title: str, prompt: str) -> int | None:
        text, ok = QInputDialog.getText(self, title, prompt)
        if not ok or not text.strip():
            return None
        found: list[Any] = []
        if not self.ctx.ops.read(
            lambda s: (search_patients(s, text, limit=20, region=self._region(s)), self._region(s)),
            parent=self,
            on_done=found.append,
            on_error=self.error.setText,
            background=False,
        ):
            return None
        rows, region = found[0]
        rows = [r for r in rows if r.id != self.patient_id]
        if not rows:
            self.error.setText(self.tr("No other patient matches {0!r}.").replace("{0!r}", repr(text)))
            return None
        labels = [
            r.name
            + (f", {fmt_day(r.date_of_birth, SHORT)}" if r.date_of_birth else "")
            + (f", {format_phone(r.contact_phone, region)}" if r.contact_phone else "")
            + f"  (#{r.id})"
            for r in rows
        ]
        choice, ok = QInputDialog.getItem(self, title, self.tr("Which patient?"), labels, 0, False)
        return rows[labels.index(choice)].id if ok else None

    def choose_sibling(self) -> None:
        sibling = self._pick_patient(self.tr("Same family as…"), self.tr("Find the sibling (name or phone):"))
        if sibling is not None:
            self.link_family(sibling)

    def link_family(self, sibling_id: int) -> bool:
        return self._run(
            self.tr("Not linked"),
            lambda s: link_same_family(
                s, self.ctx.actor, self.patient_id, sibling_id, now=self.ctx.clock.now()
            ),
        )

    def choose_duplicate(self) -> None:
        other = self._pick_patient(self.tr("Merge a duplicate"), self.tr("Find the duplicate record:"))
        if other is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Merge patients"),
            self.tr(
                "Move every appointment, message, waitlist entry, recovery case and consent record "
                "of patient #{0} to this patient, and deactivate #{0}? Both stay in the audit."
            ).format(other),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.merge_with(other)

    def merge_with(self, other_id: int) -> bool:
        ok = self._run(
            self.tr("Not merged"),
            lambda s: merge_patients(s, self.ctx.actor, self.patient_id, other_id, now=self.ctx.clock.now()),
        )
        if ok:
            self.error.setText(self.tr("Merged patient #{0} into this patient.").format(other_id))
        return ok

    def go_to_next_visit(self) -> None:
        if self.card is None or self.card.next_visit is None:
            return
        v = self.card.next_visit
        self.go_to = (v.location_id, v.start.astimezone(ZoneInfo(v.timezone)).date())
        self.accept()

    def book(self) -> None:
        """The calendar at the patient's home location (else their next visit's), today there."""
        if self.card is None:
            return
        location_id = self.card.patient.home_location_id
        if location_id is None and self.card.next_visit is not None:
            location_id = self.card.next_visit.location_id
        if location_id is None:
            location_id = self.ctx.clinic.locations[0].id
        self.go_to = (location_id, self.ctx.clock.now().astimezone(self._zone(location_id)).date())
        self.accept()


def open_patient_card(ctx: AppContext, parent: QWidget, patient_id: int) -> CardClosed:
    """The patient card, for another screen (``ctx.dialogs.patient_card``): how it closed."""
    card = PatientCardDialog(ctx, patient_id, parent=parent)
    card.exec()
    return CardClosed(card.go_to, card.changed)
