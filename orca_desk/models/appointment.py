"""Appointments: who, where, when, what and in which state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orca_desk.models.base import Base, UTCDateTime
from orca_desk.models.clinic import AppointmentType, Chair, Location, Provider
from orca_desk.models.patient import Patient

# Statuses that hold a chair, a patient and a provider's attention.
ACTIVE_STATUSES = ("scheduled", "confirmed", "arrived", "seated", "completed")
ALL_STATUSES = (*ACTIVE_STATUSES, "cancelled", "no_show")
CONFIRMATION_STATUSES = ("unconfirmed", "requested", "confirmed", "declined", "callback")


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_appointment_location_start", "location_id", "start_at"),
        Index("ix_appointment_chair_start", "chair_id", "start_at"),
        Index("ix_appointment_provider_start", "provider_id", "start_at"),
        Index("ix_appointment_patient_start", "patient_id", "start_at"),
        Index("ix_appointment_external_id", "clinic_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    chair_id: Mapped[int] = mapped_column(ForeignKey("chair.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("appointment_type.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    confirmation: Mapped[str] = mapped_column(String(12), default="unconfirmed")
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    late_cancel: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(String(1000), default="")
    external_id: Mapped[str | None] = mapped_column(String(64))  # the id in the system it came from
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The occurrence's start as its series' rule generated it (iCal RECURRENCE-ID), which
    # identifies it even after it is moved.
    series_occurrence_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Optimistic locking: a stale edit from another desk raises instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    patient: Mapped[Patient] = relationship()
    provider: Mapped[Provider] = relationship()
    chair: Mapped[Chair] = relationship()
    location: Mapped[Location] = relationship()
    type: Mapped[AppointmentType] = relationship()
