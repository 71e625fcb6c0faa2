"""ORM models (persistence only; every rule lives in ``orca_desk.services``).

A model module loads when one of its names is first asked for, so a start-up declares only the
tables its first screen reads. Each module imports the modules whose tables its foreign keys
name, so the tables loaded are always complete for a flush. ``Base`` (and ``load_all()``) load
every module: migrations, ``create_all`` and anything reading ``Base.metadata`` see every table.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orca_desk.models.api_key import ApiKey
    from orca_desk.models.appointment import ACTIVE_STATUSES, ALL_STATUSES, CONFIRMATION_STATUSES, Appointment
    from orca_desk.models.audit import AuditEvent
    from orca_desk.models.base import Base, UTCDateTime
    from orca_desk.models.campaigns import Campaign, CampaignRecipient, CampaignVariant
    from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider, ProviderChair
    from orca_desk.models.clinic_setting import ClinicSetting
    from orca_desk.models.messaging import (
        AutomationLease,
        ContactState,
        InboundMessage,
        LinkTokenUse,
        MessageTemplate,
        OutboxEvent,
        OutboxMessage,
        ProviderCursor,
    )
    from orca_desk.models.online_booking import BookingHold, BookingReview
    from orca_desk.models.openings import Opening, WaitlistOffer
    from orca_desk.models.patient import ConsentEvent, Patient, PatientAlert
    from orca_desk.models.recovery import RecoveryCase, RecoverySequence, RecoveryStep
    from orca_desk.models.reminders import (
        ConfirmationRequest,
        PlannedReminder,
        ReminderSequence,
        ReminderStep,
        StaffTask,
    )
    from orca_desk.models.schedule import ScheduleBlock, ScheduleBreak, ScheduleException, SchedulePeriod
    from orca_desk.models.series import RecurringSeries, SeriesException
    from orca_desk.models.staff import StaffUser
    from orca_desk.models.template import (
        AppliedSlot,
        ScheduleTemplate,
        TemplateApplication,
        TemplateSlot,
        TemplateVersion,
    )
    from orca_desk.models.waitlist import WAITLIST_STATUSES, WaitlistEntry

MODULES = (
    "api_key",
    "appointment",
    "audit",
    "campaigns",
    "clinic",
    "clinic_setting",
    "messaging",
    "online_booking",
    "openings",
    "patient",
    "recovery",
    "reminders",
    "schedule",
    "series",
    "staff",
    "template",
    "waitlist",
)

# Each name the package offers, and the module that defines it.
_HOME = {
    "ACTIVE_STATUSES": "appointment",
    "ApiKey": "api_key",
    "ALL_STATUSES": "appointment",
    "AppliedSlot": "template",
    "Appointment": "appointment",
    "AppointmentType": "clinic",
    "AuditEvent": "audit",
    "AutomationLease": "messaging",
    "BookingHold": "online_booking",
    "BookingReview": "online_booking",
    "CONFIRMATION_STATUSES": "appointment",
    "Campaign": "campaigns",
    "CampaignRecipient": "campaigns",
    "CampaignVariant": "campaigns",
    "Chair": "clinic",
    "Clinic": "clinic",
    "ClinicSetting": "clinic_setting",
    "ConfirmationRequest": "reminders",
    "ConsentEvent": "patient",
    "ContactState": "messaging",
    "InboundMessage": "messaging",
    "LinkTokenUse": "messaging",
    "Location": "clinic",
    "MessageTemplate": "messaging",
    "Opening": "openings",
    "OutboxEvent": "messaging",
    "OutboxMessage": "messaging",
    "Patient": "patient",
    "PatientAlert": "patient",
    "PlannedReminder": "reminders",
    "Provider": "clinic",
    "ProviderChair": "clinic",
    "ProviderCursor": "messaging",
    "RecoveryCase": "recovery",
    "RecoverySequence": "recovery",
    "RecoveryStep": "recovery",
    "RecurringSeries": "series",
    "ReminderSequence": "reminders",
    "ReminderStep": "reminders",
    "ScheduleBlock": "schedule",
    "ScheduleBreak": "schedule",
    "ScheduleException": "schedule",
    "SchedulePeriod": "schedule",
    "ScheduleTemplate": "template",
    "SeriesException": "series",
    "StaffTask": "reminders",
    "StaffUser": "staff",
    "TemplateApplication": "template",
    "TemplateSlot": "template",
    "TemplateVersion": "template",
    "UTCDateTime": "base",
    "WAITLIST_STATUSES": "waitlist",
    "WaitlistEntry": "waitlist",
    "WaitlistOffer": "openings",
}


def load_all() -> None:
    """Declare every model (and so register every table with ``Base.metadata``)."""
    for module in MODULES:
        importlib.import_module(f"orca_desk.models.{module}")


def __getattr__(name: str) -> Any:
    if name == "Base":
        load_all()
    elif name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"orca_desk.models.{_HOME.get(name, 'base')}")
    value = getattr(module, name)
    if name != "Base":
        globals()[name] = value  # found directly from now on
    return value


__all__ = [
    "ACTIVE_STATUSES",
    "ALL_STATUSES",
    "CONFIRMATION_STATUSES",
    "WAITLIST_STATUSES",
    "ApiKey",
    "AppliedSlot",
    "Appointment",
    "AppointmentType",
    "AuditEvent",
    "AutomationLease",
    "Base",
    "BookingHold",
    "BookingReview",
    "Campaign",
    "CampaignRecipient",
    "CampaignVariant",
    "Chair",
    "Clinic",
    "ClinicSetting",
    "ConfirmationRequest",
    "ConsentEvent",
    "ContactState",
    "InboundMessage",
    "LinkTokenUse",
    "Location",
    "MessageTemplate",
    "Opening",
    "OutboxEvent",
    "OutboxMessage",
    "Patient",
    "PatientAlert",
    "PlannedReminder",
    "Provider",
    "ProviderChair",
    "ProviderCursor",
    "RecoveryCase",
    "RecoverySequence",
    "RecoveryStep",
    "RecurringSeries",
    "ReminderSequence",
    "ReminderStep",
    "ScheduleBlock",
    "ScheduleBreak",
    "ScheduleException",
    "SchedulePeriod",
    "ScheduleTemplate",
    "SeriesException",
    "StaffTask",
    "StaffUser",
    "TemplateApplication",
    "TemplateSlot",
    "TemplateVersion",
    "UTCDateTime",
    "WaitlistEntry",
    "WaitlistOffer",
]
