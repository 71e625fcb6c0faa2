"""Gateway link handlers of waitlist offers: book the held slot, or pass (single use, hold only).

Their texts are English sentences the gateway says in the family's language (its phrasebook);
the date in them is already written in that language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.links.link_types import PATIENT_LINK, LinkHandler, LinkOutcome, LinkPrompt
from orca_desk.services.messaging.message_locale import DEFAULT_LANGUAGE, message_when, recipient_language
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


def offer_language(session: Session, offer_id: int) -> str:
    """The language the family of an offer reads its link pages in (as its messages)."""
    offer = session.get(WaitlistOffer, offer_id)
    patient = session.get(Patient, offer.patient_id) if offer is not None and offer.patient_id else None
    return recipient_language(patient) if patient is not None else DEFAULT_LANGUAGE


def _when(session: Session, offer: WaitlistOffer, o: Opening) -> tuple[str, str, str]:
    ctx = _context(session)
    local = o.start_at.astimezone(ctx.zones[o.location_id])
    who = ctx.names["provider"].get(o.provider_id, "")
    where = ctx.names["location"].get(o.location_id, "")
    language = offer_language(session, offer.id)
    if language == DEFAULT_LANGUAGE:
        when = f"{format_date(local, country=ctx.country)} at {format_time(local, country=ctx.country)}"
    else:
        when = message_when(local, language, hour_format=ctx.hour_format, country=ctx.country)
    return when, who, where


def describe_accept(session: Session, offer_id: int, now: datetime) -> LinkPrompt:
    offer, o = _offer(session, offer_id)
    window = hold_window(session, offer)
    problem = _hold_problem(offer, now, window)
    if problem:
        raise ValidationError(f"{problem} We will let you know about the next opening.")
    expires = window[1]
    when, who, where = _when(session, offer, o)
    left = _left_text(int((expires - now).total_seconds())) if expires else ""
    return LinkPrompt(
        "A visit has opened up",
        f"{when} with {who} at {where}. We hold it for you for {left} more.",
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
    when, who, where = _when(session, offer, o)
    return LinkPrompt(
        "Pass on this visit?", f"{when} with {who} at {where}. You stay on our waitlist.", "Pass"
    )


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
