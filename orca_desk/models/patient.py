"""Patients and the responsible party who receives their messages."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models.base import Base, UTCDateTime


class Patient(Base):
    __tablename__ = "patient"
    __table_args__ = (
        Index("ix_patient_name", "last_name", "first_name"),
        Index("ix_patient_contact_phone", "contact_phone"),
        # Re-importing a practice's export matches its rows by their id in the old system.
        Index("ix_patient_external_id", "clinic_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    external_id: Mapped[str | None] = mapped_column(String(64))  # the id in the system it came from
    chart_number: Mapped[str | None] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")  # ISO 639-1
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str | None] = mapped_column(String(200))
    preferred_channel: Mapped[str] = mapped_column(String(10), default="sms")  # sms|email|phone
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the home location's zone
    home_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    treatment_stage: Mapped[str] = mapped_column(String(30), default="active")
    # Most patients are minors: messages go to the responsible party when one is set.
    guardian_name: Mapped[str | None] = mapped_column(String(120))
    guardian_relation: Mapped[str | None] = mapped_column(String(40))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    guardian_email: Mapped[str | None] = mapped_column(String(200))
    # The number/address messages actually go to; indexed for matching replies.
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_consent_source: Mapped[str | None] = mapped_column(String(60))
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    email_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(String(2000), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
