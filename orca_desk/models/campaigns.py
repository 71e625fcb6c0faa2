"""Re-engagement campaigns: audience criteria, message variants (A/B) and one row per recipient."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import clinic, patient  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

CAMPAIGN_STATUSES = ("draft", "scheduled", "running", "paused", "completed", "cancelled")
RECIPIENT_STATUSES = ("pending", "queued", "sent", "skipped", "excluded", "control")


class Campaign(Base):
    """The plan's ReEngagementCampaign: who (criteria), how (channels, variants), when and how fast."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10), default="draft")  # CAMPAIGN_STATUSES
    criteria: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict
    )  # services.campaigns.audience.AudienceCriteria
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)  # in order of preference
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    send_rate_per_hour: Mapped[int] = mapped_column(Integer, default=200)
    attribution_days: Mapped[int] = mapped_column(Integer, default=30)
    holdout_percent: Mapped[int] = mapped_column(Integer, default=0)
    seed: Mapped[str] = mapped_column(String(40))  # the variant split hashes it with the patient id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(60), default="system")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # completed or cancelled


class CampaignVariant(Base):
    """One version of the message (A, B…) and its share of the non-control recipients."""

    __tablename__ = "campaign_variant"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(40))
    template_key: Mapped[str | None] = mapped_column(String(60))  # from the library, or None
    sms_body: Mapped[str] = mapped_column(Text, default="")
    email_subject: Mapped[str] = mapped_column(String(200), default="")
    email_body: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)
    # Other languages' texts ({"es": {"sms_body": …, "email_subject": …, "email_body": …}}); a family
    # whose language has none gets the texts above.
    translations: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CampaignRecipient(Base):
    """A patient in a launched campaign: their variant (None: the hold-out control) and progress."""

    __tablename__ = "campaign_recipient"
    __table_args__ = (
        UniqueConstraint("campaign_id", "patient_id", name="uq_campaign_recipient_patient"),
        Index("ix_campaign_recipient_due", "status", "due_at"),
        Index("ix_campaign_recipient_campaign", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    variant_id: Mapped[int | None] = mapped_column(Integer)  # None: control (gets nothing)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # RECIPIENT_STATUSES
    reason: Mapped[str] = mapped_column(String(200), default="")  # why skipped or excluded
    channel: Mapped[str | None] = mapped_column(String(8))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it goes (control: would have gone)
    attempt: Mapped[int] = mapped_column(Integer, default=0)  # bumped by a pause, for a fresh outbox key
    outbox_message_id: Mapped[int | None] = mapped_column(Integer, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rebooked_appointment_id: Mapped[int | None] = mapped_column(Integer)
    rebooked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
