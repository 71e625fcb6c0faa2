"""Answers to an offer: accept (book the slot), decline, or staff recording no answer."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services import local_time
from orca_desk.services.access import audit
from orca_desk.services.access.security import AUTOMATION, BOOK, MANAGE_WAITLIST, Actor
from orca_desk.services.booking.booking import BookingRequest, book_appointment
from orca_desk.services.errors import NotFound, OrcaError, ValidationError
from orca_desk.services.messaging.message_locale import DEFAULT_LANGUAGE, message_when, recipient_language
from orca_desk.services.messaging.message_phrases import phrase
from orca_desk.services.waitlist.closing import (
    _cancel_unsent,
    _entry_back,
    _expire_offer,
    _release_live,
    _reopen_if_idle,
    _tell,
    _withdraw,
)
from orca_desk.services.waitlist.common import _get_opening, _utc
from orca_desk.services.waitlist.holds import _hold_problem, start_holds_of_sent
from orca_desk.services.waitlist.queries import _taken_openings
from orca_desk.services.waitlist.rows import OfferResult
from orca_desk.services.waitlist.settings import WaitlistSettings, _settings_or_clinic


def _lock_offer(session: Session, offer_id: int, now: datetime) -> tuple[WaitlistOffer, Opening]:
    offer = session.scalar(select(WaitlistOffer).where(WaitlistOffer.id == offer_id))
    if offer is None:
        raise NotFound(f"Offer #{offer_id} does not exist.")
    # Lock the opening first: every acceptance of one opening queues here (PostgreSQL); SQLite
    # writers are serialised by BEGIN IMMEDIATE.
    o = _get_opening(session, offer.opening_id, lock=True)
    session.refresh(offer, with_for_update=True)
    if offer.hold_started_at is None and offer.outbox_message_id is not None:
        # Its text went out but the hold was not started with the send: start it now.
        start_holds_of_sent(session, [(offer.outbox_message_id, offer.id)], now=now)
    return offer, o


def accept_offer(
    session: Session,
    offer_id: int,
    *,
    now: datetime,
    via: str = "sms",
    actor: Actor = AUTOMATION,
    settings: WaitlistSettings | None = None,
) -> OfferResult:
    """Book the offered slot for the entry (re-checked for conflicts) and close the entry.

    Works only during the hold (staff may record an acceptance after it). When the slot
    can no longer be booked the family is told politely and the opening is offered again.
    Exactly one acceptance of an opening books it, however many arrive at once.
    """
    now = _utc(now)
    settings = _settings_or_clinic(session, settings)
    offer, o = _lock_offer(session, offer_id, now)
    p = session.get(Patient, offer.patient_id)
    first = p.first_name if p else "your child"
    problem = _hold_problem(offer, now)
    if problem and not (via == "staff" and offer.response is None and not offer.hold_released):
        if offer.response is None and offer.hold_expires_at is not None and now >= offer.hold_expires_at:
            _expire_offer(session, offer, o, now)
        return OfferResult(
            False,
            f"Sorry, {problem[0].lower()}{problem[1:]} We will let you know about the next opening.",
            offer.id,
        )
    offer.responded_at = now
    offer.responded_via = via
    _cancel_unsent(session, offer, now)
    if o.status != "offered":
        return _too_late(session, offer, first, now, settings)
    entry = session.get(WaitlistEntry, offer.entry_id)
    assert entry is not None
    try:
        with session.begin_nested():
            o.status = "filled"  # before booking, so the booking seam does not withdraw it
            appt = book_appointment(
                session,
                actor if actor.can(BOOK) else AUTOMATION,
                BookingRequest(
                    patient_id=offer.patient_id,
                    provider_id=o.provider_id,
                    chair_id=o.chair_id,
                    type_id=entry.type_id,
                    start=o.start_at,
                    minutes=entry.duration_minutes,
                    notes="Booked from the waitlist",
                ),
                now=now,
            )
    except OrcaError as exc:
        return _not_booked(session, offer, o, exc, first, now, settings)
    return _booked(session, actor, offer, o, entry, appt.id, first, via=via, now=now, settings=settings)


def _too_late(
    session: Session, offer: WaitlistOffer, first: str, now: datetime, settings: WaitlistSettings
) -> OfferResult:
    """Another family took the opening first: the entry goes back on the list, the family is told."""
    offer.response, offer.hold_released = "accepted", True
    offer.outcome = "Too late: the slot was already taken."
    _entry_back(session, offer, now, refund=False)
    text = (
        f"Sorry, the visit we offered {first} has just been taken by another family. You stay on "
        "our waitlist and we will let you know about the next one."
    )
    _tell(session, offer, text, "too-late", now, settings)
    return OfferResult(False, text, offer.id)


def _not_booked(
    session: Session,
    offer: WaitlistOffer,
    o: Opening,
    exc: OrcaError,
    first: str,
    now: datetime,
    settings: WaitlistSettings,
) -> OfferResult:
    """Booking failed: the entry goes back, the opening is offered again (or withdrawn), the family told."""
    o.status = "offered"
    offer.response, offer.hold_released = "accepted", True
    offer.outcome = f"Could not book: {exc}"[:300]
    _entry_back(session, offer, now, refund=False)
    still_free = not _taken_openings(session, [o])
    if still_free:
        _reopen_if_idle(session, o, now)  # the next match is offered on the next tick
    else:
        _withdraw(session, o, "The slot could not be booked any more.", now, settings)
    text = (
        f"Sorry, we could not book that visit for {first} after all. You stay on our waitlist and "
        "we will let you know about the next opening."
    )
    _tell(session, offer, text, "failed", now, settings)
    return OfferResult(False, text, offer.id)


def _booked(
    session: Session,
    actor: Actor,
    offer: WaitlistOffer,
    o: Opening,
    entry: WaitlistEntry,
    appointment_id: int,
    first: str,
    *,
    via: str,
    now: datetime,
    settings: WaitlistSettings,
) -> OfferResult:
    """Close the offer, entry and opening on the booked visit and tell the family when it is."""
    offer.response, offer.hold_released = "accepted", True
    offer.booked_appointment_id = appointment_id
    offer.outcome = "Booked."
    entry.status = "booked"
    entry.updated_at = now
    o.filled_at, o.filled_appointment_id, o.updated_at = now, appointment_id, now
    _release_live(session, o, now, settings, response="no_response", tell=True, keep=offer.id)
    audit.record(
        session,
        actor,
        "waitlist_accept",
        "waitlist_offer",
        offer.id,
        now=now,
        after={"appointment_id": appointment_id, "via": via},
    )
    local = o.start_at.astimezone(
        ZoneInfo(session.scalar(select(Location.timezone).where(Location.id == o.location_id)) or "UTC")
    )
    patient = session.get(Patient, offer.patient_id) if offer.patient_id else None
    language = recipient_language(patient) if patient is not None else DEFAULT_LANGUAGE
    hour_format, country = local_time.message_clock(session)
    when = message_when(local, language, hour_format=hour_format, country=country)
    text = phrase(language, "booked", name=first, when=when)
    _tell(session, offer, text, "booked", now, settings)
    return OfferResult(True, text, offer.id, appointment_id)


def decline_offer(
    session: Session,
    offer_id: int,
    *,
    now: datetime,
    via: str = "sms",
    actor: Actor = AUTOMATION,
    settings: WaitlistSettings | None = None,
) -> OfferResult:
    """The family passes: the entry stays on the list and the next match is offered at once."""
    now = _utc(now)
    settings = _settings_or_clinic(session, settings)
    offer, o = _lock_offer(session, offer_id, now)
    if offer.response is not None or offer.hold_released:
        return OfferResult(False, "This offer has already closed.", offer.id)
    offer.response, offer.hold_released = "declined", True
    offer.responded_at, offer.responded_via = now, via
    _cancel_unsent(session, offer, now)
    offer.outcome = "Declined."
    _entry_back(session, offer, now, refund=False)
    _reopen_if_idle(session, o, now)
    audit.record(session, actor, "waitlist_decline", "waitlist_offer", offer.id, now=now, after={"via": via})
    p = session.get(Patient, offer.patient_id)
    text = f"Thanks for letting us know. {p.first_name if p else 'You'} stays on our waitlist."
    if via != "staff":
        _tell(session, offer, text, "declined", now, settings)
    return OfferResult(True, text, offer.id)


def record_response(
    session: Session,
    actor: Actor,
    offer_id: int,
    response: str,
    *,
    now: datetime,
    settings: WaitlistSettings | None = None,
) -> OfferResult:
    """Staff enter the family's answer (a phone call, the front desk): accepted, declined, no_response."""
    actor.require(MANAGE_WAITLIST)
    if response == "accepted":
        actor.require(BOOK)
        return accept_offer(session, offer_id, now=now, via="staff", actor=actor, settings=settings)
    if response == "declined":
        return decline_offer(session, offer_id, now=now, via="staff", actor=actor, settings=settings)
    if response == "no_response":
        now = _utc(now)
        offer, o = _lock_offer(session, offer_id, now)
        if offer.response is not None or offer.hold_released:
            return OfferResult(False, "This offer has already closed.", offer.id)
        offer.response, offer.hold_released = "no_response", True
        offer.responded_at, offer.responded_via = now, "staff"
        _cancel_unsent(session, offer, now)
        offer.outcome = "No answer (recorded by staff)."
        _entry_back(session, offer, now, refund=False)
        _reopen_if_idle(session, o, now)
        audit.record(session, actor, "waitlist_no_response", "waitlist_offer", offer.id, now=now)
        return OfferResult(True, "Recorded: no answer. The next match will be offered.", offer.id)
    raise ValidationError(
        f"Unknown response {response!r}; use accepted, declined or no_response.", field="response"
    )
