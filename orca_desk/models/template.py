"""Schedule templates: the template, its immutable versions and slots, applications and applied slots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orca_desk.models import clinic  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

TEMPLATE_KINDS = ("day", "week")
APPLIED_STATUSES = ("open", "booked", "removed")


class ScheduleTemplate(Base):
    """A named day or week pattern; what it contains lives in its numbered versions."""

    __tablename__ = "schedule_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(8))  # see TEMPLATE_KINDS
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template", order_by="TemplateVersion.number"
    )


class TemplateVersion(Base):
    """One saved state of a template; never changed after it is written.

    ``rotation`` names the weeks of a rotating set (["A", "B"]); one entry is a plain week.
    ``chair_count`` is how many chair lanes the slots use (chair_index 0 … chair_count-1).
    """

    __tablename__ = "template_version"
    __table_args__ = (UniqueConstraint("template_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("schedule_template.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    rotation: Mapped[list[str]] = mapped_column(JSON, default=list)
    chair_count: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    template: Mapped[ScheduleTemplate] = relationship(back_populates="versions")
    slots: Mapped[list[TemplateSlot]] = relationship(
        back_populates="version", order_by="TemplateSlot.id", cascade="all, delete-orphan"
    )


class TemplateSlot(Base):
    """A slot of a version in local minutes: a type to book there, or blocked time with a reason."""

    __tablename__ = "template_slot"
    __table_args__ = (
        CheckConstraint("end_minute > start_minute", name="ends_after_start"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440", name="inside_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id", ondelete="CASCADE"), index=True)
    week: Mapped[int] = mapped_column(Integer, default=0)  # index into the version's rotation
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday; None in a day template
    chair_index: Mapped[int] = mapped_column(Integer, default=0)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    type_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_type.id"))
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    block_reason: Mapped[str] = mapped_column(String(120), default="")

    version: Mapped[TemplateVersion] = relationship(back_populates="slots")


class TemplateApplication(Base):
    """One run of "apply": which version, to whom, over which dates; ``replaced_by`` when swapped."""

    __tablename__ = "template_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("schedule_template.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"))
    provider_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    chair_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    start_day: Mapped[date] = mapped_column(Date)
    end_day: Mapped[date] = mapped_column(Date)
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)
    rotation_start: Mapped[date] = mapped_column(Date)  # the Monday of week A
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("template_application.id"))


class AppliedSlot(Base):
    """A template slot made real on one day for one provider: an opening until booked."""

    __tablename__ = "applied_slot"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_applied_slot_provider_start", "provider_id", "start_at"),
        Index("ix_applied_slot_location_start", "location_id", "start_at"),
        Index("ix_applied_slot_appointment", "appointment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("template_application.id"), index=True)
    template_slot_id: Mapped[int] = mapped_column(Integer)  # the slot of the version it came from
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("chair.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    day: Mapped[date] = mapped_column(Date)  # the local day it belongs to
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    start_minute: Mapped[int] = mapped_column(Integer)  # local wall clock of ``day`` (analytics, calendar)
    end_minute: Mapped[int] = mapped_column(Integer)
    type_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_type.id"))
    block_reason: Mapped[str | None] = mapped_column(String(120))  # set: blocked time, never booked
    status: Mapped[str] = mapped_column(String(8), default="open")  # see APPLIED_STATUSES
    appointment_id: Mapped[int | None] = mapped_column(Integer)
    booked_type_id: Mapped[int | None] = mapped_column(Integer)  # the type actually booked into it
