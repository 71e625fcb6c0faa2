"""Gateway link handlers of waitlist offers: book the held slot, or pass (single use, hold only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.link_types import PATIENT_LINK, LinkHandler, LinkOutcome, LinkPrompt
from orca_desk.services.messaging.policy import format_date, format_time
from orca_desk.services.waitlist.common import _left_text
from orca_desk.services.waitlist.holds import _hold_problem, hold_window
from orca_desk.services.waitlist.responses import accept_offer, decline_offer
from orca_desk.services.waitlist.settings import (
    DECLINE_PURPOSE,
    LINK_PURPOSE,
    WaitlistSettings,
    default_settings,
)
from orca_desk.services.waitlist.wording import _context


def _offer(session: Session, offer_id: int) -> tuple[WaitlistOffer, Opening]:
    offer = session.get(WaitlistOffer, offer_id)
    o = session.get(Opening, offer.opening_id) if offer is not None else None
    if offer is None or o is None:
        raise NotFound("This offer no longer exists. Please call us.")
    return offer, o


def _when(session: Session, o: Opening) -> str:
    ctx = _context(session)
    local = o.start_at.astimezone(ctx.zones[o.location_id])
    who = ctx.names["provider"].get(o.provider_id, "")
    where = ctx.names["location"].get(o.location_id, "")
    return f"{format_date(local)} at {format_time(local)} with {who} at {where}"


def describe_accept(session: Session, offer_id: int, now: datetime) -> LinkPrompt:
    offer, o = _offer(session, offer_id)
    window = hold_window(session, offer)
    problem = _hold_problem(offer, now, window)
    if problem:
        raise ValidationError(f"{problem} We will let you know about the next opening.")
    expires = window[1]
    left = _left_text(int((expires - now).total_seconds())) if expires else ""
    return LinkPrompt(
        "A visit has opened up",
        f"{_when(session, o)}. We hold it for you for {left} more.",
        "Book this visit",
    )


def perform_accept(session: Session, offer_id: int, now: datetime) -> LinkOutcome:
    _offer(session, offer_id)
    result = accept_offer(
        session, offer_id, now=now, via="link", actor=PATIENT_LINK, settings=_settings(session)
    )
    if result.ok:
        return LinkOutcome("You're booked", result.message, "booked")
    return LinkOutcome("Sorry", result.message, "not_booked")


def describe_decline(session: Session, offer_id: int, now: datetime) -> LinkPrompt:
    offer, o = _offer(session, offer_id)
    problem = _hold_problem(offer, now, hold_window(session, offer))
    if problem:
        raise ValidationError(problem)
    return LinkPrompt("Pass on this visit?", f"{_when(session, o)}. You stay on our waitlist.", "Pass")


def perform_decline(session: Session, offer_id: int, now: datetime) -> LinkOutcome:
    result = decline_offer(session, offer_id, now=now, via="link", settings=_settings(session))
    return LinkOutcome(
        "Thank you" if result.ok else "Sorry", result.message, "declined" if result.ok else "closed"
    )


def _settings(session: Session) -> WaitlistSettings:
    # The follow-up texts need no link, but they keep the clinic's quiet hours and hold.
    return default_settings(session, with_secret=False)


def link_handlers() -> Mapping[str, LinkHandler]:
    """The two waitlist link purposes, installed by the gateway beside its own."""
    return {
        LINK_PURPOSE: LinkHandler(describe_accept, perform_accept),
        DECLINE_PURPOSE: LinkHandler(describe_decline, perform_decline),
    }
