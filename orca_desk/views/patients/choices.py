"""The patient forms' choice lists (languages, relations, consent sources): each shown in the
desk's language, each stored as its code or English word, whichever language the desk reads."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import QComboBox, QDateEdit

from orca_desk.ui import language
from orca_desk.ui.labels import date_edit_format

CONSENT_SOURCES = ("phone call", "intake form", "in person", "patient portal")
RELATIONS = ("mother", "father", "guardian", "grandparent", "self")


def _relation_label(value: str) -> str:
    translate = QCoreApplication.translate
    return {
        "mother": translate("PatientChoices", "mother"),
        "father": translate("PatientChoices", "father"),
        "guardian": translate("PatientChoices", "guardian"),
        "grandparent": translate("PatientChoices", "grandparent"),
        "self": translate("PatientChoices", "self"),
    }.get(value, value)


def _consent_source_label(value: str) -> str:
    translate = QCoreApplication.translate
    return {
        "phone call": translate("PatientChoices", "phone call"),
        "intake form": translate("PatientChoices", "intake form"),
        "in person": translate("PatientChoices", "in person"),
        "patient portal": translate("PatientChoices", "patient portal"),
    }.get(value, value)


def consent_source_text(value: str) -> str:
    """A stored consent source as the desk reads it: a listed one in its words, one a service
    wrote ("new patient") through the phrasebook, one typed by staff as it was typed."""
    label = _consent_source_label(value)
    return label if label != value else language.say(value)


def fill_languages(combo: QComboBox, codes: tuple[str, ...], *, blank: bool = False) -> None:
    """Language names as the desk says them ("Spanish", "Español"), each with its ISO code as data;
    ``blank``: a first empty item whose value is ""."""
    if blank:
        combo.addItem("", "")
    for code in codes:
        combo.addItem(language.patient_language_name(code), code)


def birth_date_edit() -> QDateEdit:
    """A date of birth in the desk's short date; its minimum (1900-01-01) reads "unknown"."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_edit_format())
    edit.setSpecialValueText(QCoreApplication.translate("PatientChoices", "unknown"))
    edit.setMinimumDate(QDate(1900, 1, 1))
    return edit


def channel_combo() -> QComboBox:
    """How the family prefers to hear from the desk, each stored as its channel key."""
    combo = QComboBox()
    translate = QCoreApplication.translate
    for label, key in (
        (translate("PatientChoices", "Text message"), "sms"),
        (translate("PatientChoices", "Email"), "email"),
        (translate("PatientChoices", "Phone call"), "phone"),
    ):
        combo.addItem(label, key)
    return combo


def fill_relations(combo: QComboBox, *, blank: bool = False) -> None:
    if blank:
        combo.addItem("", "")
    for value in RELATIONS:
        combo.addItem(_relation_label(value), value)


def fill_consent_sources(combo: QComboBox, *, blank: bool = False) -> None:
    if blank:
        combo.addItem("", "")
    for value in CONSENT_SOURCES:
        combo.addItem(_consent_source_label(value), value)


def choose(combo: QComboBox, value: str | None) -> None:
    """Selects the item stored as ``value``; a value not listed (a relation typed before) is
    added as it is, so saving keeps it."""
    _choose(combo, value or "", value or "")


def choose_language(combo: QComboBox, code: str | None) -> None:
    """Selects the language stored as ``code``; a code not listed is added under its name."""
    _choose(combo, code or "", language.patient_language_name(code) if code else "")


def _choose(combo: QComboBox, value: str, label: str) -> None:
    index = combo.findData(value)
    if index < 0:
        combo.addItem(label, value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def chosen(combo: QComboBox) -> str:
    """The stored value of the choice: the item's code or English word, or the text typed in an
    editable list (a typed label of a listed item counts as that item)."""
    text = combo.currentText().strip()
    index = combo.currentIndex()
    if index >= 0 and combo.itemText(index) == combo.currentText():
        return _value(combo, index)
    for i in range(combo.count()):
        if text and combo.itemText(i).casefold() == text.casefold():
            return _value(combo, i)
    return text


def _value(combo: QComboBox, index: int) -> str:
    data = combo.itemData(index)  # None for an item the desk typed into an editable list
    return combo.itemText(index).strip() if data is None else str(data)
