"""Replies by SMS: the request each answers, siblings answered together, YES replies settled at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Location
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import ConfirmationRequest
from orca_desk.services import local_time
from orca_desk.services.access.security import AUTOMATION
from orca_desk.services.booking import booking
from orca_desk.services.bulk import chunks
from orca_desk.services.confirmations.answers import (
    ANSWERS,
    CONFIRM_GRACE,
    HANDLER_NAME,
    LOOKBACK,
    REPLY_PURPOSE,
    _answer_requests,
    _close_calls,
    confirm_appointment,
    decline_appointment,
    request_callback,
)
from orca_desk.services.errors import OrcaError
from orca_desk.services.messaging.message_locale import (
    DEFAULT_LANGUAGE,
    at_time,
    message_date,
    message_time,
    recipient_language,
)
from orca_desk.services.messaging.message_phrases import phrase
from orca_desk.services.messaging.policy import classify_reply
from orca_desk.services.reminders import (
    SOURCE,
    ReminderSettings,
    requests_changed,
)


@dataclass(frozen=True)
class _Req:
    id: int
    appointment_id: int
    patient_id: int
    outbox_message_id: int
    status: str
    answer: str | None
    sent_at: datetime


def _requests_query(now: datetime) -> Select[*tuple[Any, ...]]:
    return (
        select(
            ConfirmationRequest.to_address,
            ConfirmationRequest.id,
            ConfirmationRequest.appointment_id,
            ConfirmationRequest.patient_id,
            ConfirmationRequest.outbox_message_id,
            ConfirmationRequest.status,
            ConfirmationRequest.answer,
            OutboxMessage.sent_at,
        )
        .join(OutboxMessage, OutboxMessage.id == ConfirmationRequest.outbox_message_id)
        .where(
            ConfirmationRequest.channel == "sms",
            ConfirmationRequest.created_at >= now - LOOKBACK,
            OutboxMessage.sent_at.is_not(None),
        )
        .order_by(OutboxMessage.sent_at.desc(), ConfirmationRequest.id.desc())
    )


def _requests_to(session: Session, address: str, now: datetime) -> list[_Req]:
    rows = session.execute(_requests_query(now).where(ConfirmationRequest.to_address == address)).all()
    return [_Req(*r[1:]) for r in rows if r[7] is not None]


def _others_query(since: datetime | None = None) -> Select[*tuple[Any, ...]]:
    """Texts from other features (a waitlist offer…) that a YES/NO could be answering."""
    from orca_desk.services.messaging.inbound import KEYWORD_REPLY

    q = select(OutboxMessage.id).where(
        OutboxMessage.channel == "sms",
        OutboxMessage.source_type.is_distinct_from(SOURCE),
        OutboxMessage.purpose.not_in((KEYWORD_REPLY, REPLY_PURPOSE, "manual", "staff_reply")),
    )
    return q if since is None else q.where(OutboxMessage.sent_at > since)


def _someone_else_asked_later(session: Session, address: str, since: datetime) -> bool:
    """A text from another feature went out after our question: it is what a YES/NO now most
    likely answers."""
    return (
        session.scalar(_others_query(since).where(OutboxMessage.to_address == address).limit(1)) is not None
    )


@dataclass
class _Batch:
    """What ``handle_reply`` reads per sender, read once for a batch of replies (``prepare``).

    ``requests`` holds each sender's requests (newest first) with the appointments they ask
    about; they are used only while none of those appointments' requests has changed since
    (``requests_changed``), else re-read. ``others`` is the newest text from another feature
    per sender: only dispatch sets ``sent_at``, so replies processed in between never change it.
    """

    inbound_ids: set[int]
    requests: dict[str, list[_Req]]
    others: dict[str, datetime]
    # Thank-you texts queued together at the end of the batch (``finish_replies``); nothing in
    # the batch reads them (they are unsent replies, which no handler's look-up considers).
    thanks: list[_Thanks] = field(default_factory=list)
    # YES replies accepted but not yet applied (``_settle``), and the visits they confirm: a
    # later reply that concerns one of those visits settles them first, so replies still act
    # in the order they came.
    confirms: list[_Confirm] = field(default_factory=list)
    pending: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Confirm:
    inbound: InboundMessage
    appointment_ids: tuple[int, ...]  # in the order the requests were sent


_BATCH = "orca_desk.confirmations.batch"


def prepare_replies(session: Session, inbounds: Sequence[InboundMessage], now: datetime) -> None:
    """Read the confirmation requests and later texts of every SMS sender in ``inbounds`` at once."""
    addresses = list(dict.fromkeys(i.from_address for i in inbounds if i.channel == "sms"))
    requests: dict[str, list[_Req]] = {a: [] for a in addresses}
    others: dict[str, datetime] = {}
    for chunk in chunks(addresses):
        for r in session.execute(_requests_query(now).where(ConfirmationRequest.to_address.in_(chunk))):
            if r[7] is not None:
                requests[r[0]].append(_Req(*r[1:]))
        for address, newest in session.execute(
            _others_query()
            .with_only_columns(OutboxMessage.to_address, func.max(OutboxMessage.sent_at))
            .where(OutboxMessage.to_address.in_(chunk), OutboxMessage.sent_at.is_not(None))
            .group_by(OutboxMessage.to_address)
        ):
            if newest is not None:
                others[address] = newest
    session.info[_BATCH] = _Batch({i.id for i in inbounds}, requests, others)


def _batch_for(session: Session, inbound: InboundMessage) -> _Batch | None:
    batch: _Batch | None = session.info.get(_BATCH)
    return batch if batch is not None and inbound.id in batch.inbound_ids else None


def _to_staff(inbound: InboundMessage, appointment_id: int | None, patient_id: int | None) -> bool:
    inbound.needs_review, inbound.handled_by, inbound.unread = True, None, True
    if appointment_id is not None:
        inbound.appointment_id, inbound.patient_id = appointment_id, patient_id
    return False


@dataclass(frozen=True)
class _Thanks:
    """A thank-you text to queue: the reply it answers and the visits (id, start, patient) it names."""

    inbound_id: int
    clinic_id: int
    to_address: str
    kind: str
    appts: tuple[tuple[int, datetime, int], ...]


def _thanks_for(inbound: InboundMessage, kind: str, appts: Sequence[Appointment]) -> _Thanks:
    return _Thanks(
        inbound.id,
        inbound.clinic_id,
        inbound.from_address,
        kind,
        tuple((a.id, a.start_at, a.patient_id) for a in appts),
    )


_THANKS_PHRASE = {"confirm": "thanks_confirm", "decline": "thanks_decline"}


def _queue_thanks(session: Session, items: Sequence[_Thanks], now: datetime) -> None:
    """Queue the thank-you texts of ``items`` (names and zones read in one query per 900 visits)."""

    from orca_desk.services.messaging.outbox import NewMessage, enqueue_many

    if not items:
        return
    ids = list(dict.fromkeys(a[0] for t in items for a in t.appts))
    found: dict[int, tuple[Patient | None, str | None]] = {}
    for chunk in chunks(ids):
        # Each visit's patient first name and location zone.
        found.update(
            {
                r[0]: (r[1], r[2])
                for r in session.execute(
                    select(Appointment.id, Patient, Location.timezone)
                    .outerjoin(Patient, Patient.id == Appointment.patient_id)
                    .outerjoin(Location, Location.id == Appointment.location_id)
                    .where(Appointment.id.in_(chunk))
                )
            }
        )
    messages = []
    hour_format, country = local_time.message_clock(session)  # once for the batch
    for t in items:
        first = found.get(t.appts[0][0], (None, None))[0]
        language = recipient_language(first) if first is not None else DEFAULT_LANGUAGE
        parts = []
        for appointment_id, start_at, _patient_id in t.appts:
            patient, zone = found.get(appointment_id, (None, None))
            local = start_at.astimezone(ZoneInfo(zone or "UTC"))
            name = patient.first_name if patient is not None else phrase(language, "the_visit")
            date, clock = (
                message_date(local, language, country),
                message_time(local, language, hour_format=hour_format, country=country),
            )
            at = at_time(local, language, hour_format=hour_format)
            parts.append(phrase(language, "visit_at", name=name, date=date, at=at, time=clock))
        what = f" {phrase(language, 'and')} ".join(parts)
        body = phrase(language, _THANKS_PHRASE.get(t.kind, "thanks_callback"), what=what)
        messages.append(
            NewMessage(
                clinic_id=t.clinic_id,
                channel="sms",
                to_address=t.to_address,
                body=body,
                purpose=REPLY_PURPOSE,
                dedupe_key=f"confirmation-reply:{t.inbound_id}",
                patient_id=t.appts[0][2],
                appointment_id=t.appts[0][0],
                source_type="inbound",
                source_id=t.inbound_id,
            )
        )
    # enqueue_many: Core inserts (no ORM object, no savepoint); the same dedupe as enqueue.
    enqueue_many(session, messages, now=now)


def _thanks(
    session: Session, inbound: InboundMessage, kind: str, appts: Sequence[Appointment], now: datetime
) -> None:
    _queue_thanks(session, [_thanks_for(inbound, kind, appts)], now)


def finish_replies(session: Session, now: datetime) -> None:
    """End of a batch (``prepare_replies``): queue the batch's thank-you texts together."""
    batch: _Batch | None = session.info.pop(_BATCH, None)
    if batch is not None:
        _settle(session, batch, now)
        _queue_thanks(session, batch.thanks, now)


def _settle(session: Session, batch: _Batch, now: datetime) -> None:
    """Apply the batch's accepted YES replies: those that only turn scheduled visits confirmed
    together (``_confirm_together``), the others one by one as ``handle_reply`` would have; a
    reply that can't be applied goes to staff."""
    confirms, batch.confirms, batch.pending = batch.confirms, [], set()
    if not confirms:
        return
    ids = [i for c in confirms for i in c.appointment_ids]
    rows: dict[int, Any] = {}
    for chunk in chunks(ids):
        rows.update(
            (r.id, r)
            for r in session.execute(
                select(Appointment.id, Appointment.status, Appointment.start_at).where(
                    Appointment.id.in_(chunk)
                )
            )
        )
    together = [
        c
        for c in confirms
        if all(
            i in rows and rows[i].status == "scheduled" and rows[i].start_at > now - CONFIRM_GRACE
            for i in c.appointment_ids
        )
    ]
    if not _confirm_together(session, batch, together, now):
        together = []  # e.g. another desk changed one of them: each on its own below
    done = {id(c) for c in together}
    for c in confirms:
        if id(c) not in done:
            _answer(session, c.inbound, "confirm", c.appointment_ids, batch, now)


def _confirm_together(session: Session, batch: _Batch, confirms: Sequence[_Confirm], now: datetime) -> bool:
    """Confirm the visits of ``confirms`` in one statement per table (``booking.set_status_many``),
    answer their requests and close their calls; False, with nothing written, when refused."""
    if not confirms:
        return True
    ids = [i for c in confirms for i in c.appointment_ids]
    try:
        with session.begin_nested():
            appts = booking.set_status_many(session, AUTOMATION, ids, "confirmed", now=now)
            _answer_requests(
                session,
                [(i, c.inbound.id) for c in confirms for i in c.appointment_ids],
                "confirm",
                "sms",
                now,
            )
            _close_calls(session, ids, "confirmed", now, AUTOMATION.username)
    except OrcaError:
        return False
    confirmed = {a.id: a for a in appts}
    batch.thanks.extend(
        _thanks_for(c.inbound, "confirm", [confirmed[i] for i in c.appointment_ids]) for c in confirms
    )
    return True


def handle_reply(
    session: Session, inbound: InboundMessage, now: datetime, *, settings: ReminderSettings | None = None
) -> bool:
    """Inbound-chain handler: act on a YES/NO/"call me" that answers our confirmation request.

    Returns False (the reply goes to staff, ``needs_review`` when it looked like an answer)
    when nothing of ours was asked, when another feature asked later, when the request has
    expired, or when it is ambiguous.
    """
    if inbound.channel != "sms":
        return False
    kind = classify_reply(inbound.body or "").kind
    address = inbound.from_address
    batch = _batch_for(session, inbound)
    if batch is not None:
        batch.inbound_ids.discard(inbound.id)  # a reply is handled once
        reqs = batch.requests.get(address, [])
        if batch.pending and any(r.appointment_id in batch.pending for r in reqs):
            _settle(session, batch, now)  # an earlier YES in this batch concerns these visits
        changed = requests_changed(session)
        if any(r.appointment_id in changed for r in reqs):
            reqs = _requests_to(session, address, now)
        if not reqs:
            return False
        other = batch.others.get(address)
        if other is not None and other > reqs[0].sent_at:
            return False
    else:
        reqs = _requests_to(session, address, now)
        if not reqs:
            return False
        if _someone_else_asked_later(session, address, reqs[0].sent_at):
            return False
    open_ = [r for r in reqs if r.status == "open"]
    if kind not in ANSWERS:
        # Free text ("can we do 4pm instead?"): staff read it, linked to the visit it is about.
        target = open_[0] if open_ else reqs[0]
        inbound.appointment_id, inbound.patient_id = target.appointment_id, target.patient_id
        return False
    if not open_:
        newest = reqs[0]
        if newest.status == "answered" and newest.answer == kind:
            inbound.appointment_id, inbound.patient_id = newest.appointment_id, newest.patient_id
            return True  # the same answer twice changes nothing
        return _to_staff(inbound, newest.appointment_id, newest.patient_id)
    first = open_[0]
    if reqs[0].status == "expired" and reqs[0].sent_at > first.sent_at:
        return _to_staff(inbound, reqs[0].appointment_id, reqs[0].patient_id)  # the latest question is void
    group = [r for r in open_ if r.outbox_message_id == first.outbox_message_id]
    ids = {r.appointment_id for r in group}
    if any(r.appointment_id not in ids for r in open_):
        return _to_staff(inbound, None, None)  # separate questions about different visits are open
    ordered = tuple(sorted(ids, key=lambda i: next(r.sent_at for r in group if r.appointment_id == i)))
    inbound.appointment_id, inbound.patient_id = first.appointment_id, first.patient_id
    if batch is not None and kind == "confirm":
        # Applied with the batch's other YES replies (``_settle``): one statement per table.
        batch.confirms.append(_Confirm(inbound, ordered))
        batch.pending.update(ordered)
        inbound.handled_by = HANDLER_NAME
        return True
    if settings is None and kind == "decline":
        from orca_desk.services.reminders import load_settings

        settings = load_settings(session, with_secret=False)  # the clinic's release-on-decline
    return _answer(session, inbound, kind, ordered, batch, now, settings)


def _answer(
    session: Session,
    inbound: InboundMessage,
    kind: str,
    appointment_ids: Sequence[int],
    batch: _Batch | None,
    now: datetime,
    settings: ReminderSettings | None = None,
) -> bool:
    """Apply one reply's answer to the visits it concerns (all or none); False: it goes to staff."""
    appts: list[Appointment] = []
    try:
        with session.begin_nested():
            for appointment_id in appointment_ids:
                if kind == "confirm":
                    appts.append(
                        confirm_appointment(
                            session, AUTOMATION, appointment_id, now=now, via="sms", inbound_id=inbound.id
                        )
                    )
                elif kind == "decline":
                    appts.append(
                        decline_appointment(
                            session,
                            AUTOMATION,
                            appointment_id,
                            now=now,
                            via="sms",
                            settings=settings,
                            inbound_id=inbound.id,
                        )
                    )
                else:
                    appts.append(
                        request_callback(
                            session, AUTOMATION, appointment_id, now=now, via="sms", inbound_id=inbound.id
                        )
                    )
    except OrcaError:
        return _to_staff(inbound, inbound.appointment_id, inbound.patient_id)
    inbound.handled_by = HANDLER_NAME
    if batch is not None:
        batch.thanks.append(_thanks_for(inbound, kind, appts))
    else:
        _thanks(session, inbound, kind, appts, now)
    return True


class ConfirmationReplyHandler:
    """The inbound-chain handler object (``handle(session, inbound, now) -> bool``)."""

    name = HANDLER_NAME

    def __init__(self, settings: ReminderSettings | None = None) -> None:
        self.settings = settings

    def prepare(self, session: Session, inbounds: Sequence[InboundMessage], now: datetime) -> None:
        prepare_replies(session, inbounds, now)

    def handle(self, session: Session, inbound: InboundMessage, now: datetime) -> bool:
        return handle_reply(session, inbound, now, settings=self.settings)

    def finish(self, session: Session, now: datetime) -> None:
        finish_replies(session, now)
