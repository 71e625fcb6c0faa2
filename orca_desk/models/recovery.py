"""Failed-appointment recovery: follow-up sequences, their steps and one case per missed visit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import clinic, patient  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

CAUSE_KINDS = ("no_show", "late_cancel")
CASE_STATUSES = ("open", "contacted", "rescheduled", "lost", "closed")
LIVE_CASE_STATUSES = ("open", "contacted")
STEP_ACTIONS = ("sms", "email", "call")


class RecoverySequence(Base):
    """A clinic's follow-up after a missed visit (e.g. SMS the same evening, email, a call)."""

    __tablename__ = "recovery_sequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    cause_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # CAUSE_KINDS it follows up
    # Days after the last step without a booking before a case counts as lost.
    lost_after_days: Mapped[int] = mapped_column(Integer, default=14)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecoveryStep(Base):
    """One touch, ``delay_minutes`` after the case opened.

    ``latest_local_minute`` (minutes after local midnight, e.g. 21:00 → 1260) makes a step
    pointless once that wall-clock time has passed on the day it became due (the same-day SMS).
    """

    __tablename__ = "recovery_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("recovery_sequence.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    action: Mapped[str] = mapped_column(String(8))  # STEP_ACTIONS
    delay_minutes: Mapped[int] = mapped_column(Integer, default=0)
    latest_local_minute: Mapped[int | None] = mapped_column(Integer)
    template_key: Mapped[str] = mapped_column(String(60), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class RecoveryCase(Base):
    """A missed visit being followed up until the patient books again (or staff give up)."""

    __tablename__ = "recovery_case"
    __table_args__ = (
        UniqueConstraint("appointment_id", "cause_kind", name="uq_recovery_case_cause"),
        Index("ix_recovery_case_due", "status", "next_step_at"),
        Index("ix_recovery_case_patient", "patient_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    appointment_id: Mapped[int] = mapped_column(Integer)  # the missed or late-cancelled visit
    cause_kind: Mapped[str] = mapped_column(String(12))  # CAUSE_KINDS
    # The missed visit's provider, location and type (for metrics by each).
    provider_id: Mapped[int] = mapped_column(Integer)
    location_id: Mapped[int] = mapped_column(Integer)
    type_id: Mapped[int] = mapped_column(Integer)
    missed_start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sequence_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="open")  # CASE_STATUSES
    next_position: Mapped[int] = mapped_column(Integer, default=0)  # the next step's position
    next_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_step_label: Mapped[str] = mapped_column(String(120), default="")
    call_task_id: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rebooked_appointment_id: Mapped[int | None] = mapped_column(Integer)
    rebooked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(200), default="")
    # What happened, oldest first: {"at": iso, "event": "sms_queued", "detail": "…", "by": "…"}.
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
