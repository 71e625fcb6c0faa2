"""What a screen reader says each control of the new patient dialog and the patient card is for."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget


def _apply(owner: object, texts: dict[str, str]) -> None:
    for attr, text in texts.items():
        w = getattr(owner, attr, None)
        if isinstance(w, QWidget):
            w.setAccessibleDescription(text)


def describe_patient_fields(owner: object) -> None:
    """The fields the new patient dialog and the card's Details tab share, by attribute name."""
    translate = QCoreApplication.translate
    _apply(
        owner,
        {
            "first_name": translate("PatientFields", "The patient's given name"),
            "last_name": translate("PatientFields", "The patient's family name"),
            "preferred_name": translate(
                "PatientFields", "The name the patient likes to be called, used in messages"
            ),
            "dob": translate(
                "PatientFields", "The patient's date of birth; leave it at unknown if not given"
            ),
            "language": translate("PatientFields", "The language of the patient's messages"),
            "chart_number": translate("PatientFields", "The patient's number in the clinic's charts"),
            "location": translate("PatientFields", "The location the patient usually visits"),
            "phone": translate("PatientFields", "The patient's own mobile number, for texts"),
            "email": translate("PatientFields", "The patient's own email address"),
            "channel": translate("PatientFields", "How the family prefers to be reached"),
            "guardian_name": translate(
                "PatientFields", "The name of the parent or guardian who receives the messages"
            ),
            "guardian_relation": translate(
                "PatientFields", "How the responsible party is related to the patient"
            ),
            "guardian_phone": translate(
                "PatientFields", "The responsible party's mobile number; texts go there"
            ),
            "guardian_email": translate("PatientFields", "The responsible party's email address"),
            "guardian_language": translate(
                "PatientFields", "The language of the responsible party's messages, if not the patient's"
            ),
            "notes": translate("PatientFields", "Anything staff should know about the patient"),
            "sms_consent": translate("PatientFields", "On: the family agreed to receive text messages"),
            "email_consent": translate("PatientFields", "On: the family agreed to receive email"),
            "consent_source": translate(
                "PatientFields", "How the consent was given or withdrawn, such as in person"
            ),
        },
    )


def describe_card_controls(card: object) -> None:
    """The patient card's buttons, lists and tables beyond the details fields."""
    translate = QCoreApplication.translate
    names = {
        "alert_list": translate("PatientFields", "Alerts"),
        "alert_kind": translate("PatientFields", "Alert kind"),
        "alert_text": translate("PatientFields", "Alert text"),
        "message_table": translate("PatientFields", "Messages"),
    }
    for attr, name in names.items():
        w = getattr(card, attr, None)
        if isinstance(w, QWidget):
            w.setAccessibleName(name)
    _apply(
        card,
        {
            "save_button": translate("PatientFields", "Save the changes to the patient's details"),
            "sms_button": translate(
                "PatientFields", "Record or withdraw the family's consent to text messages"
            ),
            "email_button": translate("PatientFields", "Record or withdraw the family's consent to email"),
            "consent_table": translate(
                "PatientFields", "Every consent given or withdrawn, newest first, and by whom"
            ),
            "alert_list": translate(
                "PatientFields", "The alerts shown on this patient's visits in the calendar"
            ),
            "alert_kind": translate("PatientFields", "The kind of the new alert, such as allergy"),
            "alert_text": translate("PatientFields", "What the new alert says"),
            "add_alert_button": translate("PatientFields", "Add the alert written beside it"),
            "remove_alert_button": translate("PatientFields", "Remove the alert selected in the list"),
            "upcoming_table": translate("PatientFields", "The patient's booked visits to come"),
            "past_table": translate("PatientFields", "The patient's earlier visits, kept or missed"),
            "next_button": translate(
                "PatientFields", "Close the card and show the next visit in the calendar"
            ),
            "message_table": translate("PatientFields", "Texts and emails to and from the family"),
            "waitlist_table": translate("PatientFields", "The patient's waitlist entries"),
            "recovery_table": translate(
                "PatientFields", "The cases opened after the patient's missed visits"
            ),
            "merge_button": translate(
                "PatientFields", "Choose a duplicate record to merge into this patient"
            ),
        },
    )
