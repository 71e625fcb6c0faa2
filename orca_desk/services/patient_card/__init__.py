"""The patient card: everything about one patient in a fixed number of queries, and its edits.

Edits are audited with the fields' values before and after. Consent changes need a source and
write a ``ConsentEvent`` in the same transaction; alerts keep ``Patient.alert_summary`` (what the
calendar shows) up to date; ``merge_patients`` moves everything that refers to one patient to
another.
"""

from __future__ import annotations

from orca_desk.services.patient_card.card import clinic_region, load_card
from orca_desk.services.patient_card.edits import (
    PatientEdit,
    add_alert,
    edit_of,
    link_same_family,
    remove_alert,
    set_consent,
    update_patient,
)
from orca_desk.services.patient_card.merge import MergeResult, merge_patients
from orca_desk.services.patient_card.rows import (
    ALERT_KINDS,
    LANGUAGES,
    AlertRow,
    CardMessage,
    CardRecovery,
    CardVisit,
    CardWaitlist,
    ConsentRow,
    Demographics,
    FamilyMember,
    PatientCard,
)

__all__ = [
    "ALERT_KINDS",
    "LANGUAGES",
    "AlertRow",
    "CardMessage",
    "CardRecovery",
    "CardVisit",
    "CardWaitlist",
    "ConsentRow",
    "Demographics",
    "FamilyMember",
    "MergeResult",
    "PatientCard",
    "PatientEdit",
    "add_alert",
    "clinic_region",
    "edit_of",
    "link_same_family",
    "load_card",
    "merge_patients",
    "remove_alert",
    "set_consent",
    "update_patient",
]
