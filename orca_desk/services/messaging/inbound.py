"""Replies from families: poll them, honour STOP/START/HELP, pass the rest to features or staff."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.messaging import ContactState, InboundMessage, OutboxMessage
from orca_desk.models.messaging import ProviderCursor as CursorRow
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import AUTOMATION
from orca_desk.services.bulk import chunks
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.message_locale import DEFAULT_LANGUAGE, recipient_language
from orca_desk.services.messaging.message_phrases import phrase
from orca_desk.services.messaging.policy import HELP_WORDS, SPANISH_OPT_OUT_WORDS, classify_reply
from orca_desk.services.messaging.providers.base import InboundMessage as ProviderInbound
from orca_desk.services.messaging.providers.base import Provider

# Where polling starts the first time: replies older than this are not fetched.
FIRST_POLL_LOOKBACK = timedelta(hours=24)
# The outbox purpose of STOP/START/HELP answers: carriers expect them at once, to a number
# that may have just opted out, so dispatch applies no consent, quiet hours or budget.
KEYWORD_REPLY = "keyword_reply"
# Staff write these one by one; the per-number budget is for automation.
BUDGET_EXEMPT: frozenset[str] = frozenset({"manual", KEYWORD_REPLY, outbox.TEST_PURPOSE})
# Keywords only a Spanish speaker sends: answered in Spanish.
SPANISH_KEYWORDS: frozenset[str] = SPANISH_OPT_OUT_WORDS | (HELP_WORDS & {"AYUDA"})


class InboundHandler(Protocol):
    """A feature that understands some replies (a YES to a confirmation, a waitlist answer).

    ``handle`` runs inside the unit of work that stores the reply; it returns True when it
    dealt with the reply (it may set ``inbound.patient_id``/``appointment_id`` and queue
    messages in ``session``), False to let the next handler, then staff, have it.

    A handler may also define ``prepare(session, inbounds, now)``: ``process_batch`` calls it
    once before handling a batch, so the handler can read what it needs for all the batch's
    senders in one query instead of one per reply, and ``finish(session, now)``, called once
    after the batch (same transaction), to write what it gathered for the batch together.
    A handler that defers a reply's work to ``finish`` and then can't do it gives the reply
    to staff there (``handled_by`` None, ``unread``, ``needs_review``).
    """

    name: str

    def handle(self, session: Session, inbound: InboundMessage, now: datetime) -> bool: ...


class InboundHandlers:
    """The ordered handlers the runtime passes to ``process_inbound`` (no global registry)."""

    def __init__(self, handlers: Sequence[InboundHandler] = ()) -> None:
        self._handlers: list[InboundHandler] = list(handlers)

    def register(self, handler: InboundHandler) -> None:
        if any(h.name == handler.name for h in self._handlers):
            raise ValueError(f"an inbound handler named {handler.name!r} is already registered")
        self._handlers.append(handler)

    def __iter__(self) -> Iterator[InboundHandler]:
        return iter(list(self._handlers))

    def __len__(self) -> int:
        return len(self._handlers)


# --- Contact state ------------------------------------------------------------------------


def _state(session: Session, channel: str, address: str, now: datetime) -> ContactState:
    state = outbox.contact_state(session, channel, address)
    if state is None:
        state = ContactState(
            channel=channel, address=address, opted_out=False, undeliverable=False, updated_at=now
        )
        session.add(state)
    return state


def _patients_at(session: Session, channel: str, address: str) -> list[Patient]:
    column = Patient.contact_phone if channel == "sms" else Patient.contact_email
    return list(session.scalars(select(Patient).where(column == address).order_by(Patient.id)))


def unsubscribe_address(
    session: Session, channel: str, address: str, *, source: str, now: datetime
) -> list[int]:
    """Stop every message on ``channel`` to ``address`` at once; returns the patients affected.

    Opt-outs are per address: a STOP from a parent's phone stops texts about every sibling
    (their consent is withdrawn and audited). Used for STOP replies, carrier refusals and
    the gateway's email unsubscribe link.
    """
    state = _state(session, channel, address, now)
    state.opted_out, state.opted_out_at, state.opt_source, state.updated_at = True, now, source, now
    affected: list[int] = []
    for p in _patients_at(session, channel, address):
        field = "sms_consent" if channel == "sms" else "email_consent"
        if getattr(p, field):
            setattr(p, field, False)
            audit.record(
                session,
                AUTOMATION,
                "consent.revoke",
                "patient",
                p.id,
                now=now,
                before={field: True},
                after={field: False, "source": source},
            )
        affected.append(p.id)
    return affected


def resubscribe_address(
    session: Session, channel: str, address: str, *, source: str, now: datetime
) -> list[int]:
    """Undo an opt-out (START/UNSTOP): the number's holder asked for texts again."""
    state = _state(session, channel, address, now)
    state.opted_out, state.opted_out_at, state.opt_source, state.updated_at = False, None, source, now
    affected: list[int] = []
    for p in _patients_at(session, channel, address):
        if channel == "sms" and not p.sms_consent:
            p.sms_consent, p.sms_consent_at, p.sms_consent_source = True, now, source
            audit.record(
                session,
                AUTOMATION,
                "consent.grant",
                "patient",
                p.id,
                now=now,
                before={"sms_consent": False},
                after={"sms_consent": True, "source": source},
            )
        affected.append(p.id)
    return affected


def mark_undeliverable(
    session: Session, channel: str, address: str, *, code: str, error: str, now: datetime
) -> None:
    """Remember that the carrier refused ``address`` (invalid number, landline)."""
    state = _state(session, channel, address, now)
    state.undeliverable, state.last_error_code, state.last_error = True, code[:20], error[:300]
    state.updated_at = now


# --- Processing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicContact:
    id: int
    name: str
    phone: str


def _clinic(session: Session, clinic_id: int) -> ClinicContact:
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        return ClinicContact(clinic_id, "the clinic", "")
    phone = (
        clinic.phone
        or session.scalar(
            select(Location.phone)
            .where(Location.clinic_id == clinic_id, Location.phone != "")
            .order_by(Location.id)
            .limit(1)
        )
        or ""
    )
    return ClinicContact(clinic.id, clinic.name, phone)


def _reply_language(session: Session, inbound: InboundMessage, keyword: str | None) -> str:
    """The language of a keyword answer: Spanish for a Spanish word (ALTO, AYUDA), whoever sends
    it; else the family's (STOP from a Spanish-speaking family is answered in Spanish)."""
    if keyword in SPANISH_KEYWORDS:
        return "es"
    if inbound.patient_id is not None:
        patient = session.get(Patient, inbound.patient_id)
        if patient is not None:
            return recipient_language(patient)
    return DEFAULT_LANGUAGE


def _reply(session: Session, inbound: InboundMessage, text: str, kind: str, now: datetime) -> None:
    outbox.enqueue(
        session,
        clinic_id=inbound.clinic_id,
        channel="sms",
        to_address=inbound.from_address,
        body=text,
        purpose=KEYWORD_REPLY,
        dedupe_key=f"inbound:{inbound.provider}:{inbound.provider_id}:{kind}",
        now=now,
        patient_id=inbound.patient_id,
        source_type="inbound",
        source_id=inbound.id,
    )


def _latest_linked(session: Session, addresses: Iterable[str]) -> dict[str, tuple[int, int | None]]:
    """Per number, (appointment, patient) of the newest sent or delivered text about a visit.

    One query for a whole batch of replies. Processing replies never marks a message sent
    (only dispatch does), so the answer stays right while the batch is processed.
    """
    wanted = list(dict.fromkeys(addresses))
    found: dict[str, tuple[int, int | None]] = {}
    for chunk in chunks(wanted):
        newest = (
            func.row_number()
            .over(
                partition_by=OutboxMessage.to_address,
                order_by=(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()),
            )
            .label("n")
        )
        ranked = (
            select(OutboxMessage.to_address, OutboxMessage.appointment_id, OutboxMessage.patient_id, newest)
            .where(
                OutboxMessage.to_address.in_(chunk),
                OutboxMessage.appointment_id.is_not(None),
                OutboxMessage.status.in_(("sent", "delivered")),
            )
            .subquery()
        )
        for address, appointment_id, patient_id in session.execute(
            select(ranked.c.to_address, ranked.c.appointment_id, ranked.c.patient_id).where(ranked.c.n == 1)
        ):
            found[address] = (appointment_id, patient_id)
    return found


def _link(session: Session, inbound: InboundMessage, latest: dict[str, tuple[int, int | None]]) -> None:
    """Guess whom and which appointment a reply concerns: the newest text to that number
    (``latest``, from ``_latest_linked``)."""
    if inbound.patient_id is None or inbound.appointment_id is None:
        last = latest.get(inbound.from_address)
        if last is not None:
            inbound.appointment_id = inbound.appointment_id or last[0]
            inbound.patient_id = inbound.patient_id or last[1]
    if inbound.patient_id is None:
        patients = _patients_at(session, "sms", inbound.from_address)
        if patients:
            inbound.patient_id = patients[0].id


def process_inbound(
    session: Session,
    inbound: InboundMessage,
    *,
    now: datetime,
    handlers: InboundHandlers | Sequence[InboundHandler] = (),
) -> str | None:
    """Act on one stored reply; returns who handled it (None: it waits in the staff inbox)."""
    return process_batch(session, [inbound], now=now, handlers=handlers)[0]


def process_batch(
    session: Session,
    inbounds: Sequence[InboundMessage],
    *,
    now: datetime,
    handlers: InboundHandlers | Sequence[InboundHandler] = (),
) -> list[str | None]:
    """Act on stored replies in order, as ``process_inbound`` does one by one; returns who
    handled each. What every reply needs (the text it answers, each handler's own look-ups)
    is read once for the batch."""
    handlers = list(handlers)
    latest = _latest_linked(
        session, (i.from_address for i in inbounds if i.patient_id is None or i.appointment_id is None)
    )
    for handler in handlers:
        prepare = getattr(handler, "prepare", None)
        if prepare is not None:
            prepare(session, inbounds, now)
    clinics: dict[int, ClinicContact] = {}
    for inbound in inbounds:
        _process(session, inbound, now, handlers, latest, clinics)
    for handler in handlers:
        finish = getattr(handler, "finish", None)
        if finish is not None:
            finish(session, now)
    # As ``finish`` left them: a handler that deferred a reply's work may have handed it to staff.
    return [inbound.handled_by for inbound in inbounds]


def _process(
    session: Session,
    inbound: InboundMessage,
    now: datetime,
    handlers: list[InboundHandler],
    latest: dict[str, tuple[int, int | None]],
    clinics: dict[int, ClinicContact],
) -> str | None:
    reply = classify_reply(inbound.body)
    inbound.kind = reply.kind
    inbound.processed_at = now
    _link(session, inbound, latest)
    handled: str | None = None
    if reply.kind in ("opt_out", "opt_in", "help"):
        # Only the keyword answers name the clinic: read it once per batch, when needed.
        if inbound.clinic_id not in clinics:
            clinics[inbound.clinic_id] = _clinic(session, inbound.clinic_id)
        clinic = clinics[inbound.clinic_id]
        language = _reply_language(session, inbound, reply.keyword)
    if reply.kind == "opt_out":
        unsubscribe_address(session, "sms", inbound.from_address, source=f"{reply.keyword} reply", now=now)
        _reply(session, inbound, phrase(language, "opt_out", clinic=clinic.name), "opt_out", now)
        handled = "opt_out"
    elif reply.kind == "opt_in":
        resubscribe_address(session, "sms", inbound.from_address, source=f"{reply.keyword} reply", now=now)
        _reply(session, inbound, phrase(language, "opt_in", clinic=clinic.name), "opt_in", now)
        handled = "opt_in"
    elif reply.kind == "help":
        phone = (
            phrase(language, "help_phone", phone=clinic.phone)
            if clinic.phone
            else phrase(language, "help_no_phone")
        )
        _reply(session, inbound, phrase(language, "help", clinic=clinic.name, phone=phone), "help", now)
        handled = "help"
    elif reply.kind == "needs_review":
        inbound.needs_review = True
    else:
        for handler in handlers:
            if handler.handle(session, inbound, now):
                handled = handler.name
                break
    inbound.handled_by = handled
    inbound.unread = handled is None
    return handled


def store_fetched(
    session: Session,
    provider_name: str,
    fetched: Sequence[ProviderInbound],
    *,
    clinic_id: int,
    channel: str = "sms",
) -> list[InboundMessage]:
    """Save the fetched replies not stored before (one look-up per 900), in order; returns them."""
    ids = list(dict.fromkeys(m.provider_id for m in fetched))
    seen: set[str] = set()
    for chunk in chunks(ids):
        seen.update(
            session.scalars(
                select(InboundMessage.provider_id).where(
                    InboundMessage.provider == provider_name, InboundMessage.provider_id.in_(chunk)
                )
            )
        )
    rows: list[InboundMessage] = []
    for msg in fetched:
        if msg.provider_id in seen:
            continue
        seen.add(msg.provider_id)
        rows.append(
            InboundMessage(
                clinic_id=clinic_id,
                provider=provider_name,
                provider_id=msg.provider_id,
                channel=channel,
                from_address=msg.from_,
                to_address=msg.to,
                body=msg.body,
                received_at=msg.received_at,
                kind="other",
                needs_review=False,
                unread=True,
            )
        )
    session.add_all(rows)
    session.flush()
    return rows


@dataclass
class InboundSummary:
    fetched: int = 0
    stored: int = 0
    handled: int = 0
    to_staff: int = 0


def poll_inbound(
    db: Database,
    provider: Provider,
    *,
    now: datetime,
    handlers: InboundHandlers | Sequence[InboundHandler] = (),
) -> InboundSummary:
    """Fetch replies since the provider's cursor, store and process them in one transaction.

    Stored replies, what they caused and the cursor commit together, so a crash re-fetches
    the whole poll, and the unique (provider, provider_id) drops what was already stored.
    One transaction lets the batch's look-ups be shared (``process_batch``); when a reply
    raises, the poll is redone one transaction per reply, so the replies before it are kept
    and the error still reaches the caller, as before.
    """
    summary = InboundSummary()
    with db.read() as s:
        cursor = s.get(CursorRow, provider.name)
        since = cursor.last_seen_at if cursor is not None else now - FIRST_POLL_LOOKBACK
        clinic_id = s.scalar(select(Clinic.id).order_by(Clinic.id).limit(1))
    if clinic_id is None:
        return summary
    fetched = provider.fetch_inbound(since)
    summary.fetched = len(fetched)
    try:
        with db.write() as s:
            batch = _store_batch(s, provider, fetched, clinic_id, summary)
            _count(summary, process_batch(s, batch, now=now, handlers=handlers))
    except Exception:
        summary = InboundSummary(fetched=len(fetched))
        for msg in fetched:
            with db.write() as s:
                batch = _store_batch(s, provider, [msg], clinic_id, summary)
                _count(summary, process_batch(s, batch, now=now, handlers=handlers))
    return summary


def _store_batch(
    s: Session,
    provider: Provider,
    fetched: Sequence[ProviderInbound],
    clinic_id: int,
    summary: InboundSummary,
) -> list[InboundMessage]:
    """Store what is new among ``fetched`` and move the provider's cursor past it."""
    rows = store_fetched(s, provider.name, fetched, clinic_id=clinic_id, channel=provider.channel)
    summary.stored += len(rows)
    if fetched:
        newest = max(m.received_at for m in fetched)
        cur = s.get(CursorRow, provider.name)
        if cur is None:
            s.add(CursorRow(provider=provider.name, last_seen_at=newest))
            s.flush()
        elif newest > cur.last_seen_at:
            cur.last_seen_at = newest
    return rows


def _count(summary: InboundSummary, results: Sequence[str | None]) -> None:
    for handled in results:
        if handled is None:
            summary.to_staff += 1
        else:
            summary.handled += 1
