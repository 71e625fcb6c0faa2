"""SMS replies: a YES or NO from a number whose newest text is an offer answers that offer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import WaitlistOffer
from orca_desk.services.bulk import chunks
from orca_desk.services.messaging.policy import classify_reply
from orca_desk.services.waitlist.closing import _tell
from orca_desk.services.waitlist.common import _live_offer, _utc
from orca_desk.services.waitlist.holds import start_holds_of_sent
from orca_desk.services.waitlist.responses import accept_offer, decline_offer
from orca_desk.services.waitlist.settings import (
    LIVE_SEND_STATES,
    PURPOSE,
    WaitlistSettings,
    _settings_or_clinic,
)


def _answerable_offers(now: datetime) -> Any:
    """SMS offers that went out and that a YES/NO may still answer (live, or a hold ended < 1 day ago)."""
    return select(WaitlistOffer).where(
        WaitlistOffer.channel == "sms",
        WaitlistOffer.sent_at.is_not(None),
        or_(_live_offer(), WaitlistOffer.hold_expires_at > _utc(now) - timedelta(days=1)),
    )


@dataclass
class _PreparedOffers:
    """The senders of a batch of replies who have a waitlist offer a reply may concern
    (``prepare_inbound``), and the replies to give staff if no later handler takes them.

    Holds of texts already sent are started first (``_catch_up_holds``), and replies only
    close offers, so a sender without one when the batch starts has none during the batch;
    a sender with one is looked up as before.
    """

    inbound_ids: set[int]
    senders: set[str]
    for_staff: list[Any] = field(default_factory=list)


_PREPARED = "orca_desk.waitlist.prepared_inbound"


def _catch_up_holds(session: Session, addresses: Sequence[str], now: datetime) -> None:
    """Start the holds of offers to these numbers whose text is recorded sent but whose hold
    has not started (dispatch starts it with the send; this covers a send recorded without
    it), so a reply is answered whatever the waitlist tick's timing."""
    messages: list[tuple[int, int]] = []
    for chunk in chunks(list(addresses)):
        messages.extend(
            (mid, oid)
            for oid, mid in session.execute(
                select(WaitlistOffer.id, WaitlistOffer.outbox_message_id)
                .join(OutboxMessage, OutboxMessage.id == WaitlistOffer.outbox_message_id)
                .where(
                    WaitlistOffer.to_address.in_(chunk),
                    WaitlistOffer.hold_started_at.is_(None),
                    _live_offer(),
                    OutboxMessage.status.in_(LIVE_SEND_STATES),
                )
            )
            if mid is not None
        )
    if messages:
        start_holds_of_sent(session, messages, now=now)


def prepare_inbound(session: Session, inbounds: Sequence[Any], now: datetime) -> None:
    """Read, for a batch of replies, which senders have a waitlist offer (one query per 900)."""
    addresses = list(dict.fromkeys(i.from_address for i in inbounds if i.from_address))
    _catch_up_holds(session, addresses, now)
    senders: set[str] = set()
    for chunk in chunks(addresses):
        senders.update(
            session.scalars(
                select(WaitlistOffer.to_address)
                .where(
                    WaitlistOffer.channel == "sms",
                    WaitlistOffer.to_address.in_(chunk),
                    or_(_live_offer(), WaitlistOffer.hold_expires_at > now - timedelta(days=1)),
                )
                .distinct()
            )
        )
    session.info[_PREPARED] = _PreparedOffers({i.id for i in inbounds}, senders)


def _for_staff(session: Session, inbound: Any) -> None:
    """A YES/NO about an offer that cannot be applied: staff see it flagged unless a later
    handler (a visit confirmation) understands it."""
    prepared: _PreparedOffers | None = session.info.get(_PREPARED)
    if prepared is not None:
        prepared.for_staff.append(inbound)
    else:
        inbound.needs_review = True


def handle_inbound(
    session: Session, inbound: Any, now: datetime, settings: WaitlistSettings | None = None
) -> bool:
    """Inbound chain handler: a YES/NO from a number whose newest sent text is an offer.

    A reply to an offer whose text is in doubt (claimed, the provider's answer not recorded),
    or to an offer the family already answered, is put in front of staff (``needs_review``).
    """
    kind = classify_reply(inbound.body or "").kind
    if kind not in ("confirm", "decline"):
        return False
    sender = inbound.from_address
    prepared: _PreparedOffers | None = session.info.get(_PREPARED)
    if prepared is not None and inbound.id in prepared.inbound_ids:
        prepared.inbound_ids.discard(inbound.id)  # a reply is handled once
        if sender not in prepared.senders:
            return False  # no offer to this number that a reply could concern
    else:
        _catch_up_holds(session, [sender], now)
    offer = session.scalar(
        _answerable_offers(now)
        .where(WaitlistOffer.to_address == sender)
        .order_by(WaitlistOffer.sent_at.desc(), WaitlistOffer.id.desc())
        .limit(1)
    )
    if offer is None:
        in_doubt = session.scalar(
            select(func.count())
            .select_from(WaitlistOffer)
            .join(OutboxMessage, OutboxMessage.id == WaitlistOffer.outbox_message_id)
            .where(
                WaitlistOffer.to_address == sender,
                WaitlistOffer.channel == "sms",
                _live_offer(),
                OutboxMessage.status == "sending",
            )
        )
        if in_doubt:
            _for_staff(session, inbound)
        return False
    newest = session.scalar(
        select(OutboxMessage.purpose)
        .where(
            OutboxMessage.to_address == sender,
            OutboxMessage.channel == "sms",
            OutboxMessage.sent_at.is_not(None),
            OutboxMessage.sent_at > offer.sent_at,
        )
        .order_by(OutboxMessage.sent_at.desc())
        .limit(1)
    )
    if newest is not None and newest != PURPOSE:
        return False  # a later reminder or confirmation is what this answers
    if offer.response is not None and offer.responded_via != "system" and offer.response != "expired":
        if kind == "confirm" and offer.response == "accepted" and offer.booked_appointment_id:
            inbound.handled_by, inbound.patient_id = PURPOSE, offer.patient_id
            return True  # a second YES to a visit already booked: nothing more to do
        _for_staff(session, inbound)  # they passed and now say YES, or booked and now say NO
        return False
    settings = _settings_or_clinic(session, settings)
    if kind == "confirm":
        result = accept_offer(session, offer.id, now=now, via="sms", settings=settings)
        if not result.ok:
            _tell(session, offer, result.message, f"reply-{inbound.id}", now, settings)
    else:
        decline_offer(session, offer.id, now=now, via="sms", settings=settings)
    inbound.handled_by = PURPOSE
    inbound.patient_id = offer.patient_id
    return True


class WaitlistReplyHandler:
    """The inbound-chain handler object (``handle(session, inbound, now) -> bool``)."""

    name = PURPOSE

    def __init__(self, settings: WaitlistSettings | None = None) -> None:
        self.settings = settings

    def prepare(self, session: Session, inbounds: Sequence[Any], now: datetime) -> None:
        prepare_inbound(session, inbounds, now)

    def handle(self, session: Session, inbound: Any, now: datetime) -> bool:
        return handle_inbound(session, inbound, now, self.settings)

    def finish(self, session: Session, now: datetime) -> None:
        prepared: _PreparedOffers | None = session.info.pop(_PREPARED, None)
        for inbound in prepared.for_staff if prepared is not None else ():
            if inbound.handled_by is None:
                inbound.needs_review = True
