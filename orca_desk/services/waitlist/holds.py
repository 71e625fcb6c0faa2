"""Offer holds: started when the text is sent, the window a link page shows, whether it is open."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.services.waitlist.settings import (
    LIVE_SEND_STATES,
    WaitlistSettings,
    _settings_or_clinic,
    default_settings,
)


def hold_window(session: Session, offer: WaitlistOffer) -> tuple[datetime | None, datetime | None]:
    """(start, end) of the offer's hold as a link page shows it: the stored hold, or, for a text
    recorded sent whose hold was not started with the send, the hold it starts (read only)."""
    if (
        offer.hold_started_at is not None
        or offer.outbox_message_id is None
        or offer.response is not None
        or offer.hold_released
    ):
        return offer.hold_started_at, offer.hold_expires_at
    m = session.get(OutboxMessage, offer.outbox_message_id)
    o = session.get(Opening, offer.opening_id)
    if m is None or o is None or m.status not in LIVE_SEND_STATES or m.sent_at is None:
        return None, None
    settings = default_settings(session, with_secret=False)
    return m.sent_at, min(m.sent_at + settings.hold, o.start_at - settings.min_lead)


def _hold_problem(
    offer: WaitlistOffer, now: datetime, window: tuple[datetime | None, datetime | None] | None = None
) -> str | None:
    if offer.response is not None or offer.hold_released:
        return "This offer has already closed."
    started, expires = window if window is not None else (offer.hold_started_at, offer.hold_expires_at)
    if started is None or started > now:
        return "This offer has not been sent yet."
    if expires is not None and now >= expires:
        return "The time to answer this offer has passed."
    return None


def _start_hold(offer: WaitlistOffer, o: Opening, sent_at: datetime, settings: WaitlistSettings) -> None:
    """The hold runs from the instant the provider accepted the text (never from queueing)."""
    offer.sent_at = sent_at
    offer.hold_started_at = sent_at
    offer.hold_expires_at = min(sent_at + settings.hold, o.start_at - settings.min_lead)


def start_holds_of_sent(
    session: Session,
    messages: Sequence[tuple[int, int]],
    *,
    now: datetime,
    settings: WaitlistSettings | None = None,
) -> int:
    """Start the hold of each offer whose text the provider has accepted, in the caller's
    transaction (``message_effects.after_sent``: the one recording the send; a reply or a
    link from the family). ``messages``: (message id, offer id: its ``source_id``);
    follow-up texts about an offer are skipped (the offer's own message id must match).
    Returns how many holds started."""
    started = 0
    for message_id, offer_id in messages:
        offer = session.get(WaitlistOffer, offer_id)
        if (
            offer is None
            or offer.outbox_message_id != message_id
            or offer.hold_started_at is not None
            or offer.response is not None
            or offer.hold_released
        ):
            continue
        m = session.get(OutboxMessage, message_id)
        if m is None or m.status not in LIVE_SEND_STATES or m.sent_at is None:
            continue
        o = session.get(Opening, offer.opening_id)
        assert o is not None
        settings = _settings_or_clinic(session, settings)
        _start_hold(offer, o, m.sent_at, settings)
        started += 1
    return started
