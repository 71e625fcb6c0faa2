"""New-patient dialog: names, birth date, contacts, responsible party and recorded consent."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.patient_card import LANGUAGES
from orca_desk.services.patients.patients import PatientInput, create_patient, likely_duplicates, split_name
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import SHORT, fmt_day
from orca_desk.ui.feature_dialogs import NewPatient
from orca_desk.views.patients import choices
from orca_desk.views.patients.field_descriptions import describe_patient_fields


class NewPatientDialog(QDialog):
    """Nothing is saved until the service accepts every field; errors name the field."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, name_hint: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.patient_id: int | None = None
        self.setWindowTitle(self.tr("New patient"))
        self.setMinimumWidth(480)
        first, last = split_name(name_hint)
        self._acknowledged: PatientInput | None = None  # the input whose likely duplicates were shown
        self.first_name = QLineEdit(first)
        self.last_name = QLineEdit(last)
        self.dob = choices.birth_date_edit()
        self.dob.setDate(self.dob.minimumDate())
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("patient's own mobile (adults)"))
        self.email = QLineEdit()
        self.channel = choices.channel_combo()
        self.guardian_name = QLineEdit()
        self.guardian_relation = QComboBox()
        choices.fill_relations(self.guardian_relation)
        self.guardian_phone = QLineEdit()
        self.guardian_email = QLineEdit()
        self._contact_fields(ctx)

        patient = QFormLayout()
        patient.addRow(self.tr("First name"), self.first_name)
        patient.addRow(self.tr("Last name"), self.last_name)
        patient.addRow(self.tr("Date of birth"), self.dob)
        patient.addRow(self.tr("Mobile"), self.phone)
        patient.addRow(self.tr("Email"), self.email)
        patient.addRow(self.tr("Home location"), self.location)
        patient.addRow(self.tr("Language"), self.language)
        guardian_box = QGroupBox(self.tr("Responsible party (receives the messages)"))
        guardian = QFormLayout(guardian_box)
        guardian.addRow(self.tr("Name"), self.guardian_name)
        guardian.addRow(self.tr("Relation"), self.guardian_relation)
        guardian.addRow(self.tr("Mobile"), self.guardian_phone)
        guardian.addRow(self.tr("Email"), self.guardian_email)
        guardian.addRow(self.tr("Language"), self.guardian_language)
        consent_box = QGroupBox(self.tr("Contact"))
        consent = QFormLayout(consent_box)
        consent.addRow(self.tr("Preferred"), self.channel)
        consent.addRow(self.sms_consent)
        consent.addRow(self.tr("Consent given by"), self.consent_source)
        consent.addRow(self.email_consent)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self._describe(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(patient)
        layout.addWidget(guardian_box)
        layout.addWidget(consent_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._fields: dict[str, QWidget] = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "date_of_birth": self.dob,
            "phone": self.phone,
            "email": self.email,
            "guardian_phone": self.guardian_phone,
            "guardian_email": self.guardian_email,
            "sms_consent_source": self.consent_source,
            "preferred_channel": self.channel,
            "language": self.language,
            "guardian_language": self.guardian_language,
        }

    def _describe(self, buttons: QDialogButtonBox) -> None:
        describe_patient_fields(self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleDescription(
            self.tr("Add the patient; likely duplicates are shown first")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleDescription(
            self.tr("Close without adding the patient")
        )

    def _contact_fields(self, ctx: AppContext) -> None:
        """The languages, consent, home location and error line."""
        self.language = QComboBox()
        choices.fill_languages(self.language, LANGUAGES)
        # The clinic's messages' language until the family says another (a Madrid practice: Spanish).
        self.language.setCurrentIndex(max(0, self.language.findData(ctx.clinic.language)))
        self.guardian_language = QComboBox()
        choices.fill_languages(self.guardian_language, LANGUAGES, blank=True)
        self.sms_consent = QCheckBox(self.tr("Agreed to receive text messages"))
        self.consent_source = QComboBox()
        self.consent_source.setEditable(True)
        choices.fill_consent_sources(self.consent_source)
        self.email_consent = QCheckBox(self.tr("Agreed to receive email"))
        self.location = QComboBox()
        for loc in ctx.clinic.locations:
            self.location.addItem(loc.name, loc.id)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)

    def _input(self) -> PatientInput:
        qd = self.dob.date()
        dob = None if qd == self.dob.minimumDate() else date(qd.year(), qd.month(), qd.day())
        return PatientInput(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            date_of_birth=dob,
            phone=self.phone.text(),
            email=self.email.text(),
            preferred_channel=str(self.channel.currentData()),
            guardian_name=self.guardian_name.text() or None,
            guardian_relation=choices.chosen(self.guardian_relation) if self.guardian_name.text() else None,
            guardian_phone=self.guardian_phone.text(),
            guardian_email=self.guardian_email.text(),
            sms_consent=self.sms_consent.isChecked(),
            sms_consent_source=choices.chosen(self.consent_source) if self.sms_consent.isChecked() else None,
            email_consent=self.email_consent.isChecked(),
            home_location_id=int(self.location.currentData()),
            language=choices.chosen(self.language),
            guardian_language=choices.chosen(self.guardian_language) or None,
        )

    def save(self) -> None:
        data = self._input()
        if data != self._acknowledged:
            found: list[Any] = []
            if not self.ctx.ops.read(
                lambda s: likely_duplicates(s, data),
                parent=self,
                on_done=found.append,
                on_error=self.error.setText,
                background=False,
            ):
                return
            duplicates = found[0]
            if duplicates:
                # Shown once per input: a second Save with the same details creates the patient.
                self._acknowledged = data
                names = "; ".join(
                    f"{d.name}"
                    + (
                        self.tr(", born {day}").format(day=fmt_day(d.date_of_birth, SHORT))
                        if d.date_of_birth
                        else ""
                    )
                    + (f", {d.contact_phone}" if d.contact_phone else "")
                    for d in duplicates[:3]
                )
                self.error.setText(
                    self.tr(
                        "This may be a patient you already have: {names}. Find them with "
                        "Ctrl+F instead, or press Save again to create a new patient."
                    ).format(names=names)
                )
                return

        def create(session: Any) -> int:
            patient = create_patient(
                session, self.ctx.actor, self.ctx.clinic.id, data, now=self.ctx.clock.now()
            )
            return patient.id

        def created(patient_id: int) -> None:
            self.patient_id = patient_id

        if self.ctx.ops.write(
            create, parent=self, title=self.tr("Patient not added"), on_done=created, on_refused=self._refused
        ):
            self.accept()

    def _refused(self, exc: OrcaError) -> None:
        self.error.setText(language.say(str(exc)))
        if isinstance(exc, ValidationError):
            widget = self._fields.get(exc.field or "")
            if widget is not None:
                widget.setFocus()


def ask_new_patient(ctx: AppContext, parent: QWidget, name_hint: str) -> NewPatient | None:
    """The new-patient dialog, for another screen (``ctx.dialogs.new_patient``); None when cancelled."""
    dialog = NewPatientDialog(ctx, parent, name_hint=name_hint)
    if not dialog.exec() or dialog.patient_id is None:
        return None
    return NewPatient(
        dialog.patient_id, f"{dialog.last_name.text().strip()}, {dialog.first_name.text().strip()}"
    )
