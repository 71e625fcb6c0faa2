"""The patient card: demographics, contacts and consent history, the responsible party, alerts, notes,
visits, messages, waitlist entries and recovery cases; every field editable by the roles allowed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.patient_card import (
    ALERT_KINDS,
    LANGUAGES,
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
from orca_desk.services.patients import search_patients
from orca_desk.services.security import BOOK, MERGE_PATIENTS
from orca_desk.ui.context import AppContext
from orca_desk.ui.rows_table import empty_state
from orca_desk.views.patients.patient_dialog import CONSENT_SOURCES, RELATIONS


def _table(headers: list[str], empty: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    empty_state(table, empty)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class PatientCardDialog(QDialog):
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
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
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
        self.reload()

    # --- tabs ------------------------------------------------------------------------------------

    def _details_tab(self) -> QWidget:
        page = QWidget()
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.preferred_name = QLineEdit()
        self.dob = QDateEdit()
        self.dob.setCalendarPopup(True)
        self.dob.setDisplayFormat("yyyy-MM-dd")
        self.dob.setSpecialValueText(self.tr("unknown"))
        self.dob.setMinimumDate(QDate(1900, 1, 1))
        self.language = QComboBox()
        self.language.setEditable(True)
        self.language.addItems(list(LANGUAGES))
        self.chart_number = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.channel = QComboBox()
        for label, key in (
            (self.tr("Text message"), "sms"),
            (self.tr("Email"), "email"),
            (self.tr("Phone call"), "phone"),
        ):
            self.channel.addItem(label, key)
        self.location = QComboBox()
        self.location.addItem(self.tr("(none)"), None)
        for loc in self.ctx.clinic.locations:
            self.location.addItem(loc.name, loc.id)
        self.guardian_name = QLineEdit()
        self.guardian_relation = QComboBox()
        self.guardian_relation.setEditable(True)
        self.guardian_relation.addItems(["", *RELATIONS])
        self.guardian_phone = QLineEdit()
        self.guardian_email = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes for the front desk"))
        left = QFormLayout()
        left.addRow(self.tr("First name"), self.first_name)
        left.addRow(self.tr("Last name"), self.last_name)
        left.addRow(self.tr("Preferred name"), self.preferred_name)
        left.addRow(self.tr("Date of birth"), self.dob)
        left.addRow(self.tr("Language"), self.language)
        left.addRow(self.tr("Chart number"), self.chart_number)
        left.addRow(self.tr("Home location"), self.location)
        right_box = QGroupBox(self.tr("Own contact"))
        right = QFormLayout(right_box)
        right.addRow(self.tr("Mobile"), self.phone)
        right.addRow(self.tr("Email"), self.email)
        right.addRow(self.tr("Preferred"), self.channel)
        guardian_box = QGroupBox(self.tr("Responsible party (receives the messages)"))
        guardian = QFormLayout(guardian_box)
        guardian.addRow(self.tr("Name"), self.guardian_name)
        guardian.addRow(self.tr("Relation"), self.guardian_relation)
        guardian.addRow(self.tr("Mobile"), self.guardian_phone)
        guardian.addRow(self.tr("Email"), self.guardian_email)
        self.family_button = QPushButton(self.tr("Same family as…"))
        self.family_button.setToolTip(
            self.tr("Use a sibling's responsible party, so both get the same messages")
        )
        self.family_button.clicked.connect(self.choose_sibling)
        self.family_label = QLabel()
        self.family_label.setWordWrap(True)
        guardian.addRow(self.family_button, self.family_label)
        self.save_button = QPushButton(self.tr("Save changes"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        grid = QGridLayout(page)
        grid.addLayout(left, 0, 0)
        column = QVBoxLayout()
        column.addWidget(right_box)
        column.addWidget(guardian_box)
        grid.addLayout(column, 0, 1, 2, 1)
        notes_box = QGroupBox(self.tr("Notes"))
        QVBoxLayout(notes_box).addWidget(self.notes)
        grid.addWidget(notes_box, 1, 0)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        grid.addLayout(buttons, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self._fields: dict[str, QWidget] = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "preferred_name": self.preferred_name,
            "date_of_birth": self.dob,
            "language": self.language,
            "chart_number": self.chart_number,
            "phone": self.phone,
            "email": self.email,
            "guardian_name": self.guardian_name,
            "guardian_phone": self.guardian_phone,
            "guardian_email": self.guardian_email,
            "notes": self.notes,
        }
        return page

    def _contacts_tab(self) -> QWidget:
        page = QWidget()
        self.sms_state = QLabel()
        self.sms_state.setWordWrap(True)
        self.email_state = QLabel()
        self.email_state.setWordWrap(True)
        self.consent_source = QComboBox()
        self.consent_source.setEditable(True)
        self.consent_source.addItems(["", *CONSENT_SOURCES])
        editor = self.consent_source.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(self.tr("How it was given or withdrawn"))
        self.sms_button = QPushButton()
        self.sms_button.clicked.connect(lambda: self.toggle_consent("sms"))
        self.email_button = QPushButton()
        self.email_button.clicked.connect(lambda: self.toggle_consent("email"))
        form = QFormLayout()
        form.addRow(self.tr("Text messages"), self.sms_state)
        form.addRow(self.tr("Email"), self.email_state)
        form.addRow(self.tr("Source"), self.consent_source)
        row = QHBoxLayout()
        row.addWidget(self.sms_button)
        row.addWidget(self.email_button)
        row.addStretch(1)
        form.addRow("", row)
        self.consent_table = _table(
            [
                self.tr("When"),
                self.tr("Channel"),
                self.tr("Change"),
                self.tr("Address"),
                self.tr("How"),
                self.tr("Recorded by"),
            ],
            self.tr("No consent changes recorded yet: the Record consent buttons above add them."),
        )
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Consent history (newest first)")))
        layout.addWidget(self.consent_table, 1)
        return page

    def _alerts_tab(self) -> QWidget:
        page = QWidget()
        self.alert_list = QListWidget()
        empty_state(
            self.alert_list, self.tr("No alerts: add one above so it shows on every visit in the calendar.")
        )
        self.alert_kind = QComboBox()
        for key, label in ALERT_KINDS.items():
            self.alert_kind.addItem(self.tr(label), key)
        self.alert_text = QLineEdit()
        self.alert_text.setPlaceholderText(self.tr("e.g. latex allergy, call father only"))
        self.add_alert_button = QPushButton(self.tr("Add alert"))
        self.add_alert_button.clicked.connect(self.add_alert)
        self.remove_alert_button = QPushButton(self.tr("Remove selected"))
        self.remove_alert_button.clicked.connect(self.remove_selected_alert)
        row = QHBoxLayout()
        row.addWidget(self.alert_kind)
        row.addWidget(self.alert_text, 1)
        row.addWidget(self.add_alert_button)
        layout = QVBoxLayout(page)
        hint = QLabel(self.tr("Alerts show on this patient's appointments in the calendar (⚠)."))
        hint.setObjectName("hint")
        layout.addWidget(hint)
        layout.addWidget(self.alert_list, 1)
        layout.addLayout(row)
        layout.addWidget(self.remove_alert_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _visits_tab(self) -> QWidget:
        page = QWidget()
        headers = [
            self.tr("When"),
            self.tr("Type"),
            self.tr("Provider"),
            self.tr("Location"),
            self.tr("Status"),
        ]
        self.upcoming_table = _table(headers, self.tr("No upcoming visits: Book… below adds one."))
        self.past_table = _table(headers, self.tr("No past visits: completed and missed visits show here."))
        self.next_button = QPushButton(self.tr("Go to next visit"))
        self.next_button.clicked.connect(self.go_to_next_visit)
        self.book_button = QPushButton(self.tr("Book…"))
        self.book_button.setToolTip(self.tr("Open the calendar at the patient's location, today"))
        self.book_button.clicked.connect(self.book)
        self.book_button.setEnabled(self.ctx.actor.can(BOOK))
        row = QHBoxLayout()
        row.addWidget(self.next_button)
        row.addWidget(self.book_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Upcoming")))
        layout.addWidget(self.upcoming_table, 1)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("Past")))
        layout.addWidget(self.past_table, 1)
        return page

    def _messages_tab(self) -> QWidget:
        page = QWidget()
        self.message_table = _table(
            [
                self.tr("When"),
                self.tr("Direction"),
                self.tr("Channel"),
                self.tr("Address"),
                self.tr("Status"),
                self.tr("Text"),
            ],
            self.tr("No messages with this family: reminders and replies show here."),
        )
        QVBoxLayout(page).addWidget(self.message_table)
        return page

    def _followups_tab(self) -> QWidget:
        page = QWidget()
        self.waitlist_table = _table(
            [self.tr("Added"), self.tr("Type"), self.tr("Priority"), self.tr("Status"), self.tr("Reason")],
            self.tr("Not on the waitlist: add the patient on the Waitlist screen."),
        )
        self.recovery_table = _table(
            [self.tr("Missed visit"), self.tr("Cause"), self.tr("Status"), self.tr("Next step")],
            self.tr("No recovery cases: a no-show or late cancellation opens one."),
        )
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Waitlist entries")))
        layout.addWidget(self.waitlist_table, 1)
        layout.addWidget(QLabel(self.tr("Recovery cases")))
        layout.addWidget(self.recovery_table, 1)
        return page

    # --- loading ---------------------------------------------------------------------------------

    def _zone(self, location_id: int | None) -> ZoneInfo:
        found = next((loc for loc in self.ctx.clinic.locations if loc.id == location_id), None)
        return (found or self.ctx.clinic.locations[0]).zone

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
        self.setWindowTitle(self.tr("Patient card: {0}").format(p.name))
        title = p.name + (f" “{p.preferred_name}”" if p.preferred_name else "")
        if not p.is_active:
            title += self.tr(" (merged, inactive)")
        self.title.setText(title)
        bits = []
        if p.date_of_birth:
            bits.append(self.tr("born {0}").format(p.date_of_birth.isoformat()))
        if p.chart_number:
            bits.append(self.tr("chart {0}").format(p.chart_number))
        bits.append(self.tr("contact {0}").format(p.contact_phone or p.contact_email or self.tr("none")))
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
        # details
        self.first_name.setText(p.first_name)
        self.last_name.setText(p.last_name)
        self.preferred_name.setText(p.preferred_name)
        if p.date_of_birth:
            self.dob.setDate(QDate(p.date_of_birth.year, p.date_of_birth.month, p.date_of_birth.day))
        else:
            self.dob.setDate(self.dob.minimumDate())
        self.language.setCurrentText(p.language)
        self.chart_number.setText(p.chart_number)
        self.phone.setText(p.phone)
        self.email.setText(p.email)
        self.channel.setCurrentIndex(max(0, self.channel.findData(p.preferred_channel)))
        self.location.setCurrentIndex(max(0, self.location.findData(p.home_location_id)))
        self.guardian_name.setText(p.guardian_name)
        self.guardian_relation.setCurrentText(p.guardian_relation)
        self.guardian_phone.setText(p.guardian_phone)
        self.guardian_email.setText(p.guardian_email)
        self.notes.setPlainText(p.notes)
        self.family_label.setText(
            self.tr("Same responsible party as: {0}").format(", ".join(f.name for f in card.family))
            if card.family
            else ""
        )

        # consent
        def state(on: bool, at: object, source: str, address: str) -> str:
            if not on:
                return self.tr("not agreed") + (f" ({address})" if address else "")
            text = self.tr("agreed")
            if hasattr(at, "astimezone"):
                text += f" {at.astimezone(zone):%-d %b %Y}"
            if source:
                text += f" ({source})"
            return text + (self.tr(" for {0}").format(address) if address else "")

        self.sms_state.setText(state(p.sms_consent, p.sms_consent_at, p.sms_consent_source, p.contact_phone))
        self.email_state.setText(state(p.email_consent, p.email_consent_at, "", p.contact_email))
        self.sms_button.setText(
            self.tr("Withdraw SMS consent") if p.sms_consent else self.tr("Record SMS consent")
        )
        self.email_button.setText(
            self.tr("Withdraw email consent") if p.email_consent else self.tr("Record email consent")
        )
        _fill(
            self.consent_table,
            [
                [
                    local_time.fmt_datetime(c.at, zone, style),
                    self.tr("SMS") if c.channel == "sms" else self.tr("Email"),
                    self.tr("given") if c.granted else self.tr("withdrawn"),
                    c.address or "",
                    c.source,
                    c.recorded_by,
                ]
                for c in card.consent_history
            ],
        )
        # alerts
        self.alert_list.clear()
        for a in card.alerts:
            item = QListWidgetItem(f"{a.label}   — {a.created_by}, {a.created_at.astimezone(zone):%-d %b %Y}")
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.alert_list.addItem(item)
        # visits

        def visit_rows(visits: tuple) -> list[list[str]]:
            return [
                [
                    local_time.fmt_datetime(v.start, ZoneInfo(v.timezone), style),
                    v.type_name,
                    v.provider_name,
                    v.location_name,
                    v.status.replace("_", " "),
                ]
                for v in visits
            ]

        _fill(self.upcoming_table, visit_rows(card.upcoming))
        _fill(self.past_table, visit_rows(card.past))
        self.next_button.setEnabled(nxt is not None)
        _fill(
            self.message_table,
            [
                [
                    local_time.fmt_datetime(m.at, zone, style),
                    self.tr("sent") if m.direction == "out" else self.tr("received"),
                    m.channel,
                    m.address,
                    m.status,
                    " ".join(m.text.split())[:120],
                ]
                for m in card.messages
            ],
        )
        _fill(
            self.waitlist_table,
            [
                [
                    f"{w.created_at.astimezone(zone):%Y-%m-%d}",
                    w.type_name,
                    str(w.priority),
                    w.status,
                    w.reason,
                ]
                for w in card.waitlist
            ],
        )
        _fill(
            self.recovery_table,
            [
                [
                    local_time.fmt_datetime(r.missed_start, zone, style),
                    r.cause_kind.replace("_", " "),
                    r.status,
                    r.next_step_label,
                ]
                for r in card.recovery
            ],
        )
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

    # --- actions ---------------------------------------------------------------------------------

    def _region(self, session: Any) -> str:
        return clinic_region(session, self.ctx.clinic.id)

    def _run(self, action: str, fn: Callable[[Any], object]) -> bool:
        self.error.clear()

        def refused(exc: OrcaError) -> None:
            if isinstance(exc, ValidationError):
                self.error.setText(str(exc))
                widget = self._fields.get(exc.field or "")
                if widget is not None:
                    widget.setFocus()
            else:
                self.error.setText(self.tr("{0}: {1}").format(action, str(exc)))

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
            language=self.language.currentText(),
            chart_number=self.chart_number.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            preferred_channel=str(self.channel.currentData()),
            home_location_id=int(location) if location is not None else None,
            guardian_name=self.guardian_name.text(),
            guardian_relation=self.guardian_relation.currentText(),
            guardian_phone=self.guardian_phone.text(),
            guardian_email=self.guardian_email.text(),
            notes=self.notes.toPlainText(),
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
        source = self.consent_source.currentText()
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
            lambda s: search_patients(s, text, limit=20, region=self._region(s)),
            parent=self,
            on_done=found.append,
            on_error=self.error.setText,
            background=False,
        ):
            return None
        rows = [r for r in found[0] if r.id != self.patient_id]
        if not rows:
            self.error.setText(self.tr("No other patient matches {0!r}.").replace("{0!r}", repr(text)))
            return None
        labels = [
            r.name
            + (f", {r.date_of_birth.isoformat()}" if r.date_of_birth else "")
            + (f", {r.contact_phone}" if r.contact_phone else "")
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
