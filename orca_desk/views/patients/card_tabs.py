"""The patient card's tabs: their widgets, and what a loaded card shows in them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.access.security import BOOK
from orca_desk.services.patient_card import ALERT_KINDS, LANGUAGES, PatientCard
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import SHORT, fmt_day
from orca_desk.ui.rows_table import empty_state
from orca_desk.views.patients import choices


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


class PatientCardTabs(QDialog):
    """The card's header and six tabs; ``PatientCardDialog`` loads the card and acts on it."""

    ctx: AppContext

    def _detail_fields(self) -> None:
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.preferred_name = QLineEdit()
        self.dob = choices.birth_date_edit()
        self.language = QComboBox()
        choices.fill_languages(self.language, LANGUAGES)
        self.chart_number = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.channel = choices.channel_combo()
        self.location = QComboBox()
        self.location.addItem(self.tr("(none)"), None)
        for loc in self.ctx.clinic.locations:
            self.location.addItem(loc.name, loc.id)
        self.guardian_name = QLineEdit()
        self.guardian_relation = QComboBox()
        self.guardian_relation.setEditable(True)
        choices.fill_relations(self.guardian_relation, blank=True)
        self.guardian_phone = QLineEdit()
        self.guardian_email = QLineEdit()
        self.guardian_language = QComboBox()
        choices.fill_languages(self.guardian_language, LANGUAGES, blank=True)
        self.guardian_language.setToolTip(self.tr("Empty: the messages use the patient's language"))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes for the front desk"))

    def _details_tab(self) -> QWidget:
        self._detail_fields()
        page = QWidget()
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
        guardian.addRow(self.tr("Language"), self.guardian_language)
        self.family_button = QPushButton(self.tr("Same family as…"))
        self.family_button.setToolTip(
            self.tr("Use a sibling's responsible party, so both get the same messages")
        )
        self.family_label = QLabel()
        self.family_label.setWordWrap(True)
        guardian.addRow(self.family_button, self.family_label)
        self.save_button = QPushButton(self.tr("Save changes"))
        self.save_button.setDefault(True)
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
            "guardian_language": self.guardian_language,
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
        choices.fill_consent_sources(self.consent_source, blank=True)
        editor = self.consent_source.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(self.tr("How it was given or withdrawn"))
        self.sms_button = QPushButton()
        self.email_button = QPushButton()
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
        self.remove_alert_button = QPushButton(self.tr("Remove selected"))
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
        self.book_button = QPushButton(self.tr("Book…"))
        self.book_button.setToolTip(self.tr("Open the calendar at the patient's location, today"))
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

    def _zone(self, location_id: int | None) -> ZoneInfo:
        found = next((loc for loc in self.ctx.clinic.locations if loc.id == location_id), None)
        return (found or self.ctx.clinic.locations[0]).zone

    # --- showing a loaded card -------------------------------------------------------------------

    def _show_details(self, card: PatientCard) -> None:
        p = card.patient
        self.first_name.setText(p.first_name)
        self.last_name.setText(p.last_name)
        self.preferred_name.setText(p.preferred_name)
        if p.date_of_birth:
            self.dob.setDate(QDate(p.date_of_birth.year, p.date_of_birth.month, p.date_of_birth.day))
        else:
            self.dob.setDate(self.dob.minimumDate())
        choices.choose_language(self.language, p.language)
        self.chart_number.setText(p.chart_number)
        self.phone.setText(p.phone)
        self.email.setText(p.email)
        self.channel.setCurrentIndex(max(0, self.channel.findData(p.preferred_channel)))
        self.location.setCurrentIndex(max(0, self.location.findData(p.home_location_id)))
        self.guardian_name.setText(p.guardian_name)
        choices.choose(self.guardian_relation, p.guardian_relation)
        self.guardian_phone.setText(p.guardian_phone)
        self.guardian_email.setText(p.guardian_email)
        choices.choose_language(self.guardian_language, p.guardian_language)
        self.notes.setPlainText(p.notes)
        self.family_label.setText(
            self.tr("Same responsible party as: {0}").format(", ".join(f.name for f in card.family))
            if card.family
            else ""
        )

    def _show_consent(self, card: PatientCard, zone: ZoneInfo, style: str) -> None:
        p = card.patient

        def state(on: bool, at: object, source: str, address: str) -> str:
            if not on:
                return self.tr("not agreed") + (f" ({address})" if address else "")
            text = self.tr("agreed")
            if hasattr(at, "astimezone"):
                text += " " + fmt_day(at.astimezone(zone).date(), SHORT)
            if source:
                text += f" ({choices.consent_source_text(source)})"
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
                    choices.consent_source_text(c.source),
                    c.recorded_by,
                ]
                for c in card.consent_history
            ],
        )

    def _show_alerts(self, card: PatientCard, zone: ZoneInfo) -> None:
        self.alert_list.clear()
        for a in card.alerts:
            item = QListWidgetItem(
                f"{a.label}   — {a.created_by}, {fmt_day(a.created_at.astimezone(zone).date(), SHORT)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.alert_list.addItem(item)

    def _show_visits(self, card: PatientCard, style: str) -> None:
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
        self.next_button.setEnabled(card.next_visit is not None)

    def _show_history(self, card: PatientCard, zone: ZoneInfo, style: str) -> None:
        """Messages, waitlist entries and recovery cases."""
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
