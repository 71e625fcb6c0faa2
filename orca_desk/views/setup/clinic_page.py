"""Setup page 1: the clinic's name, phone, email, country and language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import phonenumbers
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout

from orca_desk.services import clinic_setup as cs
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.services.phones import example_phone
from orca_desk.views.setup.base import (
    LANGUAGES,
    SetupPage,
    add_row,
    capped,
    error_label,
    hint,
    system_country,
)


class ClinicPage(SetupPage):
    step = "clinic"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your clinic"))
        self.setSubTitle(
            self.tr(
                "The practice's name and main phone number, as patients see them in "
                "reminders. You can change all of this later in Settings."
            )
        )
        self.name = QLineEdit()
        self.name.setObjectName("clinicName")
        self.name.setPlaceholderText(self.tr("e.g. Harbour Orthodontics"))
        self.phone = QLineEdit()
        self.phone.setObjectName("clinicPhone")
        # The example follows the country chosen below: "(201) 555-0123" in the US, "0121 234 5678" in GB.
        self.email = QLineEdit()
        self.email.setObjectName("clinicEmail")
        self.email.setPlaceholderText(self.tr("optional: replies to emails go here"))
        self.country = QComboBox()
        self.country.setObjectName("clinicCountry")
        for code in sorted(
            phonenumbers.SUPPORTED_REGIONS,
            key=lambda c: QLocale.territoryToString(QLocale.codeToTerritory(c)),
        ):
            name = QLocale.territoryToString(QLocale.codeToTerritory(code))
            if name and name != "Unknown":
                self.country.addItem(f"{name} ({code})", code)
        self.country.setCurrentIndex(max(0, self.country.findData(system_country())))
        self.language = QComboBox()
        self.language.setObjectName("clinicLanguage")
        for code in LANGUAGES:
            self.language.addItem(f"{QLocale.languageToString(QLocale.codeToLanguage(code))} ({code})", code)
        form = QFormLayout()
        self.inline = {
            f"clinic.{k}": error_label() for k in ("name", "phone", "email", "country", "language")
        }
        add_row(form, self.tr("Clinic name"), self.name, self.inline["clinic.name"])
        add_row(form, self.tr("Phone"), self.phone, self.inline["clinic.phone"])
        add_row(form, self.tr("Email"), self.email, self.inline["clinic.email"])
        add_row(form, self.tr("Country"), self.country, self.inline["clinic.country"])
        form.addRow(
            "",
            hint(self.tr("Phone numbers written without +country code are read as numbers of this country.")),
        )
        add_row(form, self.tr("Language"), self.language, self.inline["clinic.language"])
        lay = QVBoxLayout(self)
        lay.addWidget(capped(form))
        lay.addStretch(1)
        lay.addWidget(self.summary)
        for key, w in (("name", self.name), ("phone", self.phone), ("email", self.email)):
            w.textEdited.connect(self.touch(f"clinic.{key}"))
        self.country.currentIndexChanged.connect(self.touch("clinic.phone"))
        self.country.currentIndexChanged.connect(self._show_phone_example)
        self._show_phone_example()

    def _show_phone_example(self) -> None:
        example = example_phone(str(self.country.currentData() or "US"))
        self.phone.setPlaceholderText(self.tr("as dialled locally, e.g. {example}").format(example=example))

    def spec(self) -> cs.ClinicSpec:
        return cs.ClinicSpec(
            self.name.text(),
            self.phone.text(),
            self.email.text(),
            str(self.country.currentData()),
            str(self.language.currentData()),
        )

    def problems(self) -> list[cs.Problem]:
        return cs.clinic_problems(self.spec())

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        clinic = cs.save_clinic(session, actor, self.spec(), now=now)
        self.wiz().clinic_id = clinic.id

    def load(self, saved: sw.SavedSetup) -> None:
        if saved.clinic is None:
            return
        c = saved.clinic
        self.name.setText(c.name)
        region = c.country if c.country in phonenumbers.SUPPORTED_REGIONS else "US"
        try:
            number = phonenumbers.parse(c.phone, region)
            self.phone.setText(
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
                if phonenumbers.region_code_for_number(number) == region
                else c.phone
            )
        except phonenumbers.NumberParseException:
            self.phone.setText(c.phone)
        self.email.setText(c.email)
        self.country.setCurrentIndex(max(0, self.country.findData(c.country)))
        index = self.language.findData(c.language)
        if index < 0:
            self.language.addItem(c.language, c.language)
            index = self.language.count() - 1
        self.language.setCurrentIndex(index)

    @property
    def country_code(self) -> str:
        return str(self.country.currentData())
