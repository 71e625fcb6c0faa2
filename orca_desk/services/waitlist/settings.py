"""Waitlist settings (hold, lead times, messaging policy, link secret) and the offer purposes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from orca_desk.services.messaging.policy import MessagingPolicy

PURPOSE = "waitlist_offer"
LINK_PURPOSE = "waitlist_accept"  # patient_links.WAITLIST_ACCEPT
DECLINE_PURPOSE = "waitlist_decline"
LIVE_SEND_STATES = ("sent", "delivered")
BUDGET_DEFERRED = "budget"  # dispatch's error code of a text deferred by the number's budget
DEAD_SEND_STATES = ("failed", "undeliverable", "cancelled")


@dataclass(frozen=True)
class WaitlistSettings:
    """How offers behave. ``secret`` signs the booking links (None: reply-only messages)."""

    hold: timedelta = timedelta(hours=2)
    min_lead: timedelta = timedelta(minutes=30)  # an opening closer than this to its start is not offered
    min_hold: timedelta = timedelta(minutes=15)  # don't offer when less than this hold would remain
    broadcast_size: int = 3
    recheck: timedelta = timedelta(minutes=15)  # an opening nobody matches is looked at again after this
    template_lookahead: timedelta = timedelta(hours=48)  # unbooked template slots this soon become openings
    policy: MessagingPolicy = field(default_factory=MessagingPolicy)
    base_url: str = "http://127.0.0.1:8765"
    secret: bytes | None = None

    @property
    def max_offers(self) -> int:
        return self.policy.max_offers_per_waitlist_entry


def default_settings(session: Session, *, with_secret: bool = True) -> WaitlistSettings:
    """The clinic's settings: its hold and offer cap, messaging policy (quiet hours, budgets),
    public link address and (``with_secret``) the link secret. Follow-up texts need no link,
    so they are written ``with_secret=False``, without touching the secret's store."""
    from orca_desk.services.clinic import clinic_settings
    from orca_desk.services.links import patient_links

    saved = clinic_settings.load_settings(session)
    return WaitlistSettings(
        hold=saved.waitlist_hold,
        policy=saved.policy(),
        base_url=clinic_settings.public_base_url(saved=saved),
        secret=patient_links.link_secret() if with_secret else None,
    )


def _settings_or_clinic(session: Session, settings: WaitlistSettings | None) -> WaitlistSettings:
    """``settings`` when given, else the clinic's (never the built-in defaults: a follow-up
    text must wait for the clinic's quiet hours, not 21:00–08:00)."""
    return settings if settings is not None else default_settings(session, with_secret=False)
