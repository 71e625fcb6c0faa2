"""Recurring appointment series: the wall-clock rule and its exceptions (removed or overridden)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import appointment, clinic, patient  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

SERIES_STATUSES = ("active", "ended", "cancelled")
SERIES_END_KINDS = ("count", "until", "never")
EXCEPTION_KINDS = ("removed", "override")


class RecurringSeries(Base):
    """One RFC 5545 rule at a wall-clock time in the location's zone (a 15:45 series stays 15:45)."""

    __tablename__ = "recurring_series"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="positive_minutes"),
        Index("ix_recurring_series_status_horizon", "status", "materialised_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    chair_id: Mapped[int] = mapped_column(ForeignKey("chair.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("appointment_type.id"))
    # The RRULE value (no "RRULE:" prefix); COUNT/UNTIL inside it mirror end_kind below.
    rrule: Mapped[str] = mapped_column(String(500))
    start_date: Mapped[date] = mapped_column(Date)  # DTSTART, local date
    start_minute: Mapped[int] = mapped_column(Integer)  # DTSTART, local minutes after midnight
    timezone: Mapped[str] = mapped_column(String(64))  # IANA zone of the location
    minutes: Mapped[int] = mapped_column(Integer)
    end_kind: Mapped[str] = mapped_column(String(8))  # count | until | never
    count: Mapped[int | None] = mapped_column(Integer)
    until_date: Mapped[date | None] = mapped_column(Date)  # local date of the last allowed day
    # Every occurrence starting before this instant has been materialised (or excepted).
    materialised_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # A "this and following" change ends this series and starts a child with the new rule.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("recurring_series.id"))
    notes: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class SeriesException(Base):
    """An occurrence that is not as the rule says: removed (EXDATE) or overridden (RECURRENCE-ID)."""

    __tablename__ = "series_exception"
    __table_args__ = (UniqueConstraint("series_id", "original_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("recurring_series.id"), index=True)
    # The occurrence's start as the rule generates it (the RECURRENCE-ID), as an instant.
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(10))  # removed | override
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
