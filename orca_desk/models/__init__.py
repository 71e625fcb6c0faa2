"""ORM models (persistence only; every rule lives in ``orca_desk.services``).

The imports marked ``noqa: F401`` are not re-exported: importing them registers their tables
with ``Base.metadata``, which migrations and ``create_all`` read.
"""

from orca_desk.models.api_key import ApiKey
from orca_desk.models.appointment import (
    ACTIVE_STATUSES,
    ALL_STATUSES,
    CONFIRMATION_STATUSES,
    Appointment,
)
from orca_desk.models.audit import AuditEvent
from orca_desk.models.base import Base, UTCDateTime
from orca_desk.models.campaigns import Campaign, CampaignRecipient, CampaignVariant  # noqa: F401
from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider, ProviderChair
from orca_desk.models.clinic_setting import ClinicSetting  # noqa: F401
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
from orca_desk.models.openings import Opening, WaitlistOffer  # noqa: F401
from orca_desk.models.patient import ConsentEvent, Patient, PatientAlert
from orca_desk.models.recovery import RecoveryCase, RecoverySequence, RecoveryStep  # noqa: F401
from orca_desk.models.reminders import (  # noqa: F401
    ConfirmationRequest,
    PlannedReminder,
    ReminderSequence,
    ReminderStep,
    StaffTask,
)
from orca_desk.models.schedule import ScheduleBlock, ScheduleBreak, ScheduleException, SchedulePeriod
from orca_desk.models.series import RecurringSeries, SeriesException  # noqa: F401
from orca_desk.models.staff import StaffUser
from orca_desk.models.template import (  # noqa: F401
    AppliedSlot,
    ScheduleTemplate,
    TemplateApplication,
    TemplateSlot,
    TemplateVersion,
)
from orca_desk.models.waitlist import WAITLIST_STATUSES, WaitlistEntry

__all__ = [
    "ACTIVE_STATUSES",
    "ALL_STATUSES",
    "CONFIRMATION_STATUSES",
    "WAITLIST_STATUSES",
    "ApiKey",
    "Appointment",
    "AppointmentType",
    "AuditEvent",
    "AutomationLease",
    "Base",
    "Chair",
    "Clinic",
    "ConsentEvent",
    "ContactState",
    "InboundMessage",
    "LinkTokenUse",
    "Location",
    "MessageTemplate",
    "OutboxEvent",
    "OutboxMessage",
    "Patient",
    "PatientAlert",
    "Provider",
    "ProviderChair",
    "ProviderCursor",
    "ScheduleBlock",
    "ScheduleBreak",
    "ScheduleException",
    "SchedulePeriod",
    "StaffUser",
    "UTCDateTime",
    "WaitlistEntry",
]
