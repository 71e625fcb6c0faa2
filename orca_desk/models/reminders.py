"""Reminder sequences and their steps, planned reminders, confirmation requests and staff tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import clinic  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

PLANNED_STATUSES = ("planned", "queued", "skipped", "withdrawn", "sent")
REQUEST_STATUSES = ("open", "answered", "expired")
# message: an outcome staff must check (unknown_outcome); series_skip: services.series.horizons.SKIP_TASK
TASK_KINDS = ("call", "reschedule", "message", "series_skip")
TASK_STATUSES = ("open", "done")


class ReminderSequence(Base):
    """A named series of reminder steps for some appointment types (or the clinic's default)."""

    __tablename__ = "reminder_sequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Appointment type ids this sequence is for; empty: only used as the default.
    appointment_type_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(60), default="system")


class ReminderStep(Base):
    """One message of a sequence, ``offset_minutes`` before the appointment starts.

    The text comes from the clinic's message template ``template_key`` for each channel
    unless the step carries its own (``sms_body``; ``email_subject`` + ``email_body``).
    """

    __tablename__ = "reminder_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("reminder_sequence.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    offset_minutes: Mapped[int] = mapped_column(Integer)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)  # "sms", "email"
    template_key: Mapped[str] = mapped_column(String(60), default="")
    sms_body: Mapped[str | None] = mapped_column(Text)
    email_subject: Mapped[str | None] = mapped_column(String(200))
    email_body: Mapped[str | None] = mapped_column(Text)
    asks_for_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class PlannedReminder(Base):
    """One step of one appointment on one channel, planned for the appointment's start then.

    Unique per (appointment, step, channel, planned start): planning twice finds its rows;
    a move plans new rows for the new start and withdraws the old ones.
    """

    __tablename__ = "planned_reminder"
    __table_args__ = (
        UniqueConstraint(
            "appointment_id", "step_id", "channel", "planned_start", name="uq_planned_reminder_key"
        ),
        Index("ix_planned_reminder_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    appointment_id: Mapped[int] = mapped_column(Integer, index=True)
    sequence_id: Mapped[int] = mapped_column(Integer)
    step_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(8))
    offset_minutes: Mapped[int] = mapped_column(Integer)
    asks_for_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="planned")  # PLANNED_STATUSES
    # Bumped when a withdrawn row is planned again, so its outbox key is fresh.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    outbox_message_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConfirmationRequest(Base):
    """A message that asked a family to confirm an appointment; replies resolve to these."""

    __tablename__ = "confirmation_request"
    __table_args__ = (
        UniqueConstraint("appointment_id", "outbox_message_id", name="uq_confirmation_request_msg"),
        Index("ix_confirmation_request_to", "to_address", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    appointment_id: Mapped[int] = mapped_column(Integer, index=True)
    patient_id: Mapped[int] = mapped_column(Integer)
    planned_reminder_id: Mapped[int | None] = mapped_column(Integer)
    step_id: Mapped[int | None] = mapped_column(Integer)
    outbox_message_id: Mapped[int] = mapped_column(Integer, index=True)
    channel: Mapped[str] = mapped_column(String(8))
    to_address: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")  # REQUEST_STATUSES
    answer: Mapped[str | None] = mapped_column(String(12))  # confirm | decline | callback
    answered_via: Mapped[str | None] = mapped_column(String(8))  # sms | link | staff
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    inbound_id: Mapped[int | None] = mapped_column(Integer)


class StaffTask(Base):
    """Something the front desk must do: call a family, or reschedule a declined visit."""

    __tablename__ = "staff_task"
    __table_args__ = (Index("ix_staff_task_open", "status", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    kind: Mapped[str] = mapped_column(String(12))  # TASK_KINDS
    appointment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    patient_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(8), default="open")  # TASK_STATUSES
    outcome: Mapped[str | None] = mapped_column(String(20))
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # call outcomes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(60))
