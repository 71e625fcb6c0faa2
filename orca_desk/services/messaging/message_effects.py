"""What else must happen, in the same transaction, when a provider accepts an outgoing message.

The dispatcher (``services/messaging/dispatch/``) calls :func:`after_sent` in every
transaction that records a message as sent: the normal record after the provider's answer,
reconciliation that finds the message at the provider, and a status callback that settles a
send whose answer was lost. A feature that must react adds one explicit call below, as
``appointment_effects`` does for booking changes.

A feature's consequence must never cost the record of the send itself (that would make the
message look unsent and be reconciled again), so each runs in a savepoint: if it fails, its
changes are rolled back, the error is logged and the send is recorded anyway; the feature's
own tick catches up later.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.messaging import OutboxMessage
from orca_desk.services.bulk import chunks

log = logging.getLogger(__name__)

WAITLIST_OFFER = "waitlist_offer"  # waitlist.settings.PURPOSE: the purpose and source type of an offer's text


def after_sent(session: Session, message_ids: Sequence[int], *, now: datetime) -> None:
    """Apply every feature's consequences of the messages ``message_ids`` being sent."""
    ids = list(dict.fromkeys(message_ids))
    if not ids:
        return
    # A waitlist offer's hold starts when its text is accepted, so the link in it
    # and a YES work from the moment the family can see it (not at the next waitlist tick).
    # One read by primary key; the waitlist module is only needed when an offer is among them.
    offers: list[tuple[int, int]] = []
    for chunk in chunks(ids):
        offers.extend(
            (mid, oid)
            for mid, oid in session.execute(
                select(OutboxMessage.id, OutboxMessage.source_id).where(
                    OutboxMessage.id.in_(chunk),
                    OutboxMessage.purpose == WAITLIST_OFFER,
                    OutboxMessage.source_type == WAITLIST_OFFER,
                    OutboxMessage.source_id.is_not(None),
                )
            )
            if oid is not None
        )
    if offers:
        from orca_desk.services.waitlist.holds import start_holds_of_sent

        try:
            with session.begin_nested():
                start_holds_of_sent(session, offers, now=now)
        except Exception:  # the waitlist tick (or the reply itself) starts the holds instead
            log.exception("waitlist holds not started with the send of %s", ids[:10])
