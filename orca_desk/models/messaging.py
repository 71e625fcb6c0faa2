"""Messaging persistence: the outbox and its history, inbound replies, per-address contact state,
message templates, single-use link tokens, the automation lease and provider cursors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import clinic, patient  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

OUTBOX_STATUSES = (
    "queued",
    "deferred",
    "sending",
    "sent",
    "delivered",
    "failed",
    "undeliverable",
    "cancelled",
)
CHANNELS = ("sms", "email")


class OutboxMessage(Base):
    """One outgoing message, written in the same transaction as the change that caused it.

    ``dedupe_key`` is unique: a cause that runs twice (a retried job, a restarted worker) finds
    its message already there instead of queueing a second one.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_to_created", "to_address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    to_address: Mapped[str] = mapped_column(String(200))  # E.164 or email
    purpose: Mapped[str] = mapped_column(String(30))  # manual, reminder, confirmation, waitlist_offer…
    # What caused it, for the feature that owns it (e.g. "waitlist_offer", 12).
    source_type: Mapped[str | None] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(14), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime)  # pointless after this (expired offer)
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    error_code: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(String(500))
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(60), default="automation")
    # Set when this message went out folded into another one to the same number (siblings'
    # reminders merged into one SMS); its status then follows that message.
    merged_into_id: Mapped[int | None] = mapped_column(Integer, index=True)


class OutboxEvent(Base):
    """A message's history: every status change with what happened."""

    __tablename__ = "outbox_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(14))
    detail: Mapped[str] = mapped_column(String(500), default="")


class InboundMessage(Base):
    """A reply received from a patient or family; provider_id is unique so polling twice is harmless."""

    __tablename__ = "inbound_message"
    __table_args__ = (UniqueConstraint("provider", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    provider: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    from_address: Mapped[str] = mapped_column(String(200), index=True)
    to_address: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")  # policy.classify_reply kind
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    appointment_id: Mapped[int | None] = mapped_column(Integer)
    # Who understood it: "opt_out", "confirmation", "waitlist_offer"… or None (staff inbox).
    handled_by: Mapped[str | None] = mapped_column(String(30))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    unread: Mapped[bool] = mapped_column(Boolean, default=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContactState(Base):
    """What we know of one phone number or email address, shared by every patient who uses it.

    Opt-outs are per address: a STOP from a parent's phone stops texts about every sibling.
    """

    __tablename__ = "contact_state"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(200))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opt_source: Mapped[str | None] = mapped_column(String(60))  # "STOP reply", "staff", "unsubscribe link"
    undeliverable: Mapped[bool] = mapped_column(Boolean, default=False)  # invalid number, landline…
    last_error_code: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MessageTemplate(Base):
    __tablename__ = "message_template"
    __table_args__ = (UniqueConstraint("clinic_id", "key", "channel", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    key: Mapped[str] = mapped_column(String(60))  # e.g. "reminder.confirm", "waitlist.offer"
    # ISO 639-1: families get the template of their language, English when there is none.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(60), default="system")


class LinkTokenUse(Base):
    """A patient link that has been used; the nonce's primary key makes a second use fail."""

    __tablename__ = "link_token_use"

    nonce: Mapped[str] = mapped_column(String(40), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(40))


class AutomationLease(Base):
    """Which process leads automation, until when (the fallback where advisory locks are absent)."""

    __tablename__ = "automation_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProviderCursor(Base):
    """How far inbound polling has read, per provider."""

    __tablename__ = "provider_cursor"

    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
