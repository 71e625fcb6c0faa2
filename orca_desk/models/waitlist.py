"""Waitlist entries: patients who want an earlier or any opening, with preferences."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import clinic, patient  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

WAITLIST_STATUSES = ("active", "notified", "booked", "removed", "expired")


class WaitlistEntry(Base):
    __tablename__ = "waitlist_entry"
    __table_args__ = (
        Index("ix_waitlist_status_priority", "status", "priority"),
        Index("ix_waitlist_updated", "updated_at"),
    )  # the matcher's change check

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("appointment_type.id"))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    # Preferences; empty lists mean "any".
    provider_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    location_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    days_of_week: Mapped[list[int]] = mapped_column(JSON, default=list)  # 0=Mon … 6=Sun
    # [[start_minute, end_minute], …] in the location's local time.
    time_windows: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    earliest_date: Mapped[date | None] = mapped_column(Date)
    latest_date: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 1 = urgent … 5 = low
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="active")
    notification_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
