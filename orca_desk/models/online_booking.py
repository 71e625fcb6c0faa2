"""Online self-scheduling: the 5-minute holds of chosen slots and the matches staff must review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import appointment, clinic, patient  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime


class BookingHold(Base):
    """A slot a family chose on /book: nobody else is offered it until it expires or is booked."""

    __tablename__ = "booking_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    chair_id: Mapped[int] = mapped_column(ForeignKey("chair.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("appointment_type.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="held")  # held|booked|released
    # The family's details while they verify the phone (the patient row is made on confirm).
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    phone: Mapped[str | None] = mapped_column(String(20))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))


class BookingReview(Base):
    """An online booking whose family might already be a patient: staff decide (merge or keep)."""

    __tablename__ = "booking_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(60))
