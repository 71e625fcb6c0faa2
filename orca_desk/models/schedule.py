"""Provider schedules: weekly working periods with breaks, exceptions (holidays, PTO, extra days), blocks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orca_desk.models import clinic  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

# Exception kinds. A holiday with neither provider nor location is clinic-wide; with a
# location it closes that location only.
EXCEPTION_KINDS = ("holiday", "time_off", "extra_day")
TIME_OFF_TYPES = ("vacation", "sick", "training", "other")
# Sand: blocked time that has no colour of its own (a block's default, a template's kept-free time).
DEFAULT_BLOCK_COLOUR = "#c9b8a6"


class SchedulePeriod(Base):
    """One working period of a provider's default week, in the location's wall clock.

    Minutes are local minutes of the day (0–1440), so 08:00–17:00 stays 08:00–17:00 across
    DST. ``effective_to`` is inclusive; None means "until changed".
    """

    __tablename__ = "schedule_period"
    __table_args__ = (
        CheckConstraint("end_minute > start_minute", name="ends_after_start"),
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        Index("ix_schedule_period_provider_weekday", "provider_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)

    breaks: Mapped[list[ScheduleBreak]] = relationship(
        back_populates="period", cascade="all, delete-orphan", order_by="ScheduleBreak.start_minute"
    )


class ScheduleBreak(Base):
    """A break inside a working period (lunch), in the same local minutes."""

    __tablename__ = "schedule_break"
    __table_args__ = (CheckConstraint("end_minute > start_minute", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("schedule_period.id", ondelete="CASCADE"), index=True)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(60), default="Break")

    period: Mapped[SchedulePeriod] = relationship(back_populates="breaks")


class ScheduleException(Base):
    """A dated exception to the default week: holiday, provider time off, or an extra working day.

    ``start_day``–``end_day`` is inclusive. Minutes None mean the whole day; partial days
    (a dentist appointment 14:00–16:00) are single-day rows with minutes set.
    """

    __tablename__ = "schedule_exception"
    __table_args__ = (
        Index("ix_schedule_exception_days", "start_day", "end_day"),
        Index("ix_schedule_exception_provider", "provider_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # see EXCEPTION_KINDS
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    start_day: Mapped[date] = mapped_column(Date)
    end_day: Mapped[date] = mapped_column(Date)
    start_minute: Mapped[int | None] = mapped_column(Integer)
    end_minute: Mapped[int | None] = mapped_column(Integer)
    time_off_type: Mapped[str | None] = mapped_column(String(12))  # see TIME_OFF_TYPES
    name: Mapped[str] = mapped_column(String(120), default="")
    # The UID of an imported iCal event, so importing the same file twice adds nothing.
    source_uid: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScheduleBlock(Base):
    """Blocked time (meeting, lunch, training) for a provider, a chair, or a whole location.

    Stored as the location's local day and minutes; ``rrule`` (RFC 5545) repeats it in
    that wall clock, starting on ``day``.
    """

    __tablename__ = "schedule_block"
    __table_args__ = (
        CheckConstraint("end_minute > start_minute", name="ends_after_start"),
        Index("ix_schedule_block_location_day", "location_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("chair.id"))
    day: Mapped[date] = mapped_column(Date)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(120))
    colour: Mapped[str] = mapped_column(String(9), default=DEFAULT_BLOCK_COLOUR)
    rrule: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
