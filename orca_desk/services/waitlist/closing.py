"""Ending offers: withdraw an opening, release its live offers, put entries back, tell families."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.messaging.message_locale import DEFAULT_LANGUAGE, recipient_language
from orca_desk.services.messaging.message_phrases import phrase
from orca_desk.services.messaging.policy import next_allowed_send
from orca_desk.services.waitlist.common import _live_offer, _zone
from orca_desk.services.waitlist.settings import PURPOSE, WaitlistSettings, _settings_or_clinic

# The follow-ups written here in English, and their sentence in the family's language.
_FAMILY_PHRASES = {
    "too-late": "wl_too_late",
    "taken": "wl_too_late",
    "failed": "wl_failed",
    "declined": "wl_declined",
}


def _tell(
    session: Session,
    offer: WaitlistOffer,
    body: str,
    key: str,
    now: datetime,
    settings: WaitlistSettings | None,
) -> None:
    """A short follow-up to the family on the offer's channel (none for phone offers), held
    back by the clinic's quiet hours (``settings`` None: the clinic's saved policy)."""
    if offer.channel not in ("sms", "email") or not offer.to_address:
        return
    settings = _settings_or_clinic(session, settings)
    from orca_desk.services.messaging.outbox import enqueue

    p = session.get(Patient, offer.patient_id)
    language = recipient_language(p) if p is not None else DEFAULT_LANGUAGE
    if p is not None and language != DEFAULT_LANGUAGE and key in _FAMILY_PHRASES:
        body = phrase(language, _FAMILY_PHRASES[key], name=p.first_name)
    zone = _zone(p.timezone if p else None, ZoneInfo("UTC"))
    if p is not None and p.timezone is None:
        o = session.get(Opening, offer.opening_id)
        if o is not None:
            zone = ZoneInfo(
                session.scalar(select(Location.timezone).where(Location.id == o.location_id)) or "UTC"
            )
    enqueue(
        session,
        clinic_id=offer.clinic_id,
        channel=offer.channel,
        to_address=offer.to_address,
        body=body,
        purpose=PURPOSE,
        dedupe_key=f"waitlist-offer:{offer.id}:{key}",
        now=now,
        patient_id=offer.patient_id,
        source_type=PURPOSE,
        source_id=offer.id,
        subject=phrase(language, "wl_subject") if offer.channel == "email" else None,
        send_after=next_allowed_send(now, zone, settings.policy),
    )


def _withdraw(
    session: Session, o: Opening, why: str, now: datetime, settings: WaitlistSettings | None
) -> None:
    o.status = "withdrawn"
    o.note = why[:300]
    o.updated_at = now
    o.next_check_at = None
    _release_live(session, o, now, settings, response="no_response", tell=True)


def _release_live(
    session: Session,
    o: Opening,
    now: datetime,
    settings: WaitlistSettings | None,
    *,
    response: str,
    tell: bool,
    keep: int | None = None,
) -> None:
    """End every live offer of the opening (except ``keep``); tell the families politely
    (``settings`` None: the clinic's, read only when someone is told)."""
    live = select(WaitlistOffer).where(WaitlistOffer.opening_id == o.id, _live_offer())
    for offer in session.scalars(live):
        if offer.id == keep:
            continue
        sent = offer.hold_started_at is not None
        offer.hold_released = True
        offer.response = response
        offer.responded_at = None
        offer.responded_via = "system"
        offer.outcome = "The slot was taken or withdrawn before an answer."
        _entry_back(session, offer, now, refund=not sent)
        if offer.outbox_message_id is not None and not sent:
            _cancel_message(session, offer.outbox_message_id, now)
        elif tell and sent:
            p = session.get(Patient, offer.patient_id)
            _tell(
                session,
                offer,
                f"Sorry, the visit we offered {p.first_name if p else 'you'} has just been "
                "taken. You stay on our waitlist and we will let you know about the next one.",
                "taken",
                now,
                settings,
            )


def _cancel_message(session: Session, message_id: int, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(("queued", "deferred")))
        .values(status="cancelled", error="The waitlist offer ended before it was sent.")
    )


def _entry_back(session: Session, offer: WaitlistOffer, now: datetime, *, refund: bool) -> None:
    """The entry leaves NOTIFIED (back to active) once none of its offers is live."""
    entry = session.get(WaitlistEntry, offer.entry_id)
    if entry is None:
        return
    if refund and entry.notification_count > 0:
        entry.notification_count -= 1  # they were never told: it does not count
    if entry.status == "notified":
        session.flush()
        live = session.scalar(
            select(func.count())
            .select_from(WaitlistOffer)
            .where(WaitlistOffer.entry_id == entry.id, _live_offer())
        )
        if not live:
            entry.status = "active"
    entry.updated_at = now


def _cancel_unsent(session: Session, offer: WaitlistOffer, now: datetime) -> None:
    """An offer answered (by staff) before its message went out: the message must not go out."""
    if offer.outbox_message_id is not None and offer.hold_started_at is None:
        _cancel_message(session, offer.outbox_message_id, now)


def _reopen_if_idle(session: Session, o: Opening, now: datetime) -> None:
    """An offered opening with no live offer left goes back to open, due now (escalation)."""
    session.flush()
    if o.status != "offered":
        return
    live = session.scalar(
        select(func.count()).select_from(WaitlistOffer).where(WaitlistOffer.opening_id == o.id, _live_offer())
    )
    if not live:
        o.status, o.next_check_at, o.updated_at = "open", now, now


def _expire_offer(session: Session, offer: WaitlistOffer, o: Opening, now: datetime) -> None:
    offer.response, offer.hold_released = "expired", True
    offer.outcome = "No answer within the hold."
    _entry_back(session, offer, now, refund=False)
    _reopen_if_idle(session, o, now)
