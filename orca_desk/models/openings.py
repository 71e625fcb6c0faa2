"""Waitlist openings (freed or announced slots) and the offers made to waitlist entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import clinic, patient, waitlist  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

OPENING_SOURCES = ("cancellation", "no_show", "moved", "template_slot", "manual")
OPENING_STATUSES = ("open", "offered", "filled", "expired", "withdrawn")
OPENING_MODES = ("sequential", "broadcast")
OFFER_CHANNELS = ("sms", "email", "phone")
OFFER_RESPONSES = ("accepted", "declined", "no_response", "expired")


class Opening(Base):
    """A bookable slot to offer to the waitlist; ``next_check_at`` is when the tick job looks again.

    Written in the same transaction as its cause (a cancellation, a no-show, a move away,
    a template slot, or staff announcing it).
    """

    __tablename__ = "opening"
    __table_args__ = (
        Index("ix_opening_status_check", "status", "next_check_at"),
        Index("ix_opening_location_start", "location_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    chair_id: Mapped[int] = mapped_column(ForeignKey("chair.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    type_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_type.id"))  # what was there
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))  # OPENING_SOURCES
    source_appointment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")  # OPENING_STATUSES
    mode: Mapped[str] = mapped_column(String(10), default="sequential")  # OPENING_MODES
    broadcast_size: Mapped[int] = mapped_column(Integer, default=3)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filled_appointment_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(60), default="automation")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WaitlistOffer(Base):
    """One notification of an opening to one waitlist entry (the seed's WaitlistNotification).

    The hold starts when the message is actually sent (``hold_started_at``), never when it
    is queued; ``response`` stays empty while the offer is live.
    """

    __tablename__ = "waitlist_offer"
    __table_args__ = (
        Index("ix_waitlist_offer_live", "hold_released", "hold_expires_at"),
        Index("ix_waitlist_offer_to", "to_address", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("opening.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entry.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    channel: Mapped[str] = mapped_column(String(8))  # OFFER_CHANNELS
    to_address: Mapped[str | None] = mapped_column(String(200))
    outbox_message_id: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)  # the text sent, or the phone script
    broadcast: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(60), default="automation")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime)  # first instant outside quiet hours
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_released: Mapped[bool] = mapped_column(Boolean, default=False)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str | None] = mapped_column(String(12))  # OFFER_RESPONSES
    responded_via: Mapped[str | None] = mapped_column(String(8))  # sms | link | staff | system
    outcome: Mapped[str] = mapped_column(String(300), default="")
    booked_appointment_id: Mapped[int | None] = mapped_column(Integer)
