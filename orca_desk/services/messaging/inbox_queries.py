"""The Messages inbox: conversations per patient (or address), their messages, mark read, staff replies."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.access import audit
from orca_desk.services.access.security import SEND_MESSAGES, Actor
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.message_locale import staff_format
from orca_desk.services.messaging.policy import MessagingPolicy
from orca_desk.services.phones import address_as_dialled

STAFF_PURPOSE = "manual"
DEFAULT_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class ConversationRow:
    """One conversation: a patient's messages, or an address no patient is known for."""

    key: str  # "p:<patient id>" or "a:<address>"
    patient_id: int | None
    title: str  # the patient's name, or the address as the desk reads it
    address: str  # the last address used
    channel: str
    last_at: datetime
    last_text: str
    unread: int
    needs_review: bool
    appointment_id: int | None  # the appointment the latest reply likely concerns
    address_shown: str = ""  # as the desk reads it: a text's number in the clinic's national format


@dataclass(frozen=True)
class ConversationMessage:
    id: int
    direction: str  # "in" | "out"
    at: datetime
    channel: str
    address: str
    text: str
    subject: str | None
    state: str  # outbound: status; inbound: the reply's kind ("confirm", "needs_review"…)
    unread: bool
    needs_review: bool
    appointment_id: int | None
    sent_by: str  # outbound: "automation" or the staff member


def patient_key(patient_id: int) -> str:
    return f"p:{patient_id}"


def _parse_key(key: str) -> tuple[int | None, str | None]:
    kind, _, value = key.partition(":")
    if kind == "p" and value.isdigit():
        return int(value), None
    if kind == "a" and value:
        return None, value
    raise ValidationError(f"Unknown conversation {key!r}.", field="conversation")


@dataclass
class _Acc:
    patient_id: int | None
    title: str
    address: str
    channel: str
    last_at: datetime
    last_text: str = ""
    unread: int = 0
    review: bool = False
    appointment_id: int | None = None


def list_conversations(
    session: Session,
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    text: str = "",
    unread_only: bool = False,
    limit: int = 300,
) -> list[ConversationRow]:
    """Conversations with a message in the window, those needing review and unread first, then newest."""
    since = now - window
    inbound = session.execute(
        select(InboundMessage, Patient.first_name, Patient.last_name)
        .outerjoin(Patient, Patient.id == InboundMessage.patient_id)
        .where((InboundMessage.received_at >= since) | InboundMessage.unread.is_(True))
        .order_by(InboundMessage.received_at)
    ).all()
    outbound = session.execute(
        select(OutboxMessage, Patient.first_name, Patient.last_name)
        .outerjoin(Patient, Patient.id == OutboxMessage.patient_id)
        .where(OutboxMessage.created_at >= since)
        .order_by(OutboxMessage.created_at)
    ).all()
    acc: dict[str, _Acc] = {}
    events: list[tuple[datetime, int, InboundMessage | OutboxMessage, str | None, str | None]]
    events = [(m.received_at, 0, m, first, last) for m, first, last in inbound]
    events += [(m.created_at, 1, m, first, last) for m, first, last in outbound]
    for at, _, m, first, last in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(m, InboundMessage):
            address, text_, unread = m.from_address, m.body, m.unread
            review = m.needs_review and m.unread
        else:
            address, text_, unread, review = m.to_address, m.subject or m.body, False, False
        key = patient_key(m.patient_id) if m.patient_id else f"a:{address}"
        c = acc.get(key)
        if c is None:
            c = acc[key] = _Acc(m.patient_id, f"{first} {last}" if first else "", address, m.channel, at)
        c.address, c.channel, c.last_text, c.last_at = address, m.channel, text_, max(at, c.last_at)
        c.unread += int(unread)
        c.review = c.review or review
        if m.appointment_id is not None and (unread or review or c.appointment_id is None):
            c.appointment_id = m.appointment_id
    country = session.scalar(select(Clinic.country).order_by(Clinic.id).limit(1)) if acc else None
    shown = {k: address_as_dialled(c.channel, c.address, country) for k, c in acc.items()}
    rows = [
        ConversationRow(
            key=k,
            patient_id=c.patient_id,
            title=c.title or shown[k],
            address=c.address,
            address_shown=shown[k],
            channel=c.channel,
            last_at=c.last_at,
            last_text=c.last_text,
            unread=c.unread,
            needs_review=c.review,
            appointment_id=c.appointment_id,
        )
        for k, c in acc.items()
    ]
    needle = text.strip().casefold()
    if needle:
        rows = [
            r
            for r in rows
            if needle in r.title.casefold()
            or needle in r.address.casefold()
            or needle in r.address_shown.casefold()
            or needle in r.last_text.casefold()
        ]
    if unread_only:
        rows = [r for r in rows if r.unread]
    rows.sort(key=lambda r: (not r.needs_review, r.unread == 0, -r.last_at.timestamp()))
    return rows[:limit]


def conversation_for_patient(session: Session, patient_id: int, *, now: datetime) -> ConversationRow:
    """The patient's conversation, or an empty one to start (for "text or email this patient")."""
    for row in list_conversations(session, now=now, window=timedelta(days=3650)):
        if row.patient_id == patient_id:
            return row
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    channel = (
        "sms"
        if patient.contact_phone and patient.preferred_channel != "email"
        else ("email" if patient.contact_email else "sms")
    )
    address = (patient.contact_phone if channel == "sms" else patient.contact_email) or ""
    country = session.scalar(select(Clinic.country).order_by(Clinic.id).limit(1))
    return ConversationRow(
        key=patient_key(patient_id),
        patient_id=patient_id,
        title=patient.display_name,
        address=address,
        address_shown=address_as_dialled(channel, address, country),
        channel=channel,
        last_at=now,
        last_text="",
        unread=0,
        needs_review=False,
        appointment_id=None,
    )


def conversation_messages(session: Session, key: str, *, limit: int = 500) -> list[ConversationMessage]:
    """Every message of a conversation, oldest first (outbound and replies interleaved)."""
    patient_id, address = _parse_key(key)
    if patient_id is not None:
        patient = session.get(Patient, patient_id)
        addresses = {a for a in (patient.contact_phone, patient.contact_email) if a} if patient else set()
        in_q = select(InboundMessage).where(
            (InboundMessage.patient_id == patient_id)
            | (InboundMessage.patient_id.is_(None) & InboundMessage.from_address.in_(addresses))
        )
        out_q = select(OutboxMessage).where(OutboxMessage.patient_id == patient_id)
    else:
        in_q = select(InboundMessage).where(
            InboundMessage.from_address == address, InboundMessage.patient_id.is_(None)
        )
        out_q = select(OutboxMessage).where(
            OutboxMessage.to_address == address, OutboxMessage.patient_id.is_(None)
        )
    items = [
        ConversationMessage(
            m.id,
            "in",
            m.received_at,
            m.channel,
            m.from_address,
            m.body,
            None,
            m.kind,
            m.unread,
            m.needs_review,
            m.appointment_id,
            "",
        )
        for m in session.scalars(in_q.order_by(InboundMessage.received_at.desc()).limit(limit))
    ]
    items += [
        ConversationMessage(
            m.id,
            "out",
            m.sent_at or m.created_at,
            m.channel,
            m.to_address,
            m.body,
            m.subject,
            m.status,
            False,
            False,
            m.appointment_id,
            m.created_by,
        )
        for m in session.scalars(out_q.order_by(OutboxMessage.created_at.desc()).limit(limit))
    ]
    items.sort(key=lambda i: (i.at, i.direction == "in", i.id))
    return items[-limit:]


def mark_conversation_read(session: Session, actor: Actor, key: str, *, now: datetime) -> int:
    """Mark every unread reply of a conversation read; returns how many (also clears review flags)."""
    ids = [m.id for m in conversation_messages(session, key) if m.direction == "in" and m.unread]
    if not ids:
        return 0
    session.execute(
        update(InboundMessage).where(InboundMessage.id.in_(ids)).values(unread=False, needs_review=False)
    )
    audit.record(session, actor, "messages.read", "inbound_message", ids[-1], now=now, after={"ids": ids})
    return len(ids)


def send_staff_message(
    session: Session,
    actor: Actor,
    *,
    patient_id: int,
    channel: str,
    body: str,
    now: datetime,
    subject: str | None = None,
    appointment_id: int | None = None,
    policy: MessagingPolicy | None = None,
) -> int:
    """Queue a message a staff member wrote to a patient (or their responsible party).

    Consent, opt-outs and undeliverable addresses are refused now with the reason; quiet hours
    and budgets are applied when it is sent, like any other message. Returns the outbox id.
    """
    actor.require(SEND_MESSAGES)
    if not body.strip():
        raise ValidationError("Write a message first.", field="body")
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    if channel == "email" and not (subject or "").strip():
        raise ValidationError("An email needs a subject.", field="subject")
    key = f"staff:{actor.username}:{now.isoformat()}:{secrets.token_hex(4)}"
    msg = outbox.enqueue_for_patient(
        session,
        patient,
        body=body.strip(),
        purpose=STAFF_PURPOSE,
        dedupe_key=key,
        now=now,
        channel=channel,
        appointment_id=appointment_id,
        subject=(subject or "").strip() or None,
        created_by=actor.username,
        policy=policy,
    )
    audit.record(
        session,
        actor,
        "message.compose",
        "outbox_message",
        msg.id,
        now=now,
        after={"patient_id": patient_id, "channel": channel},
    )
    return msg.id


def appointment_label(session: Session, appointment_id: int | None) -> str:
    """``Adjustment · Tue, Mar 3 3:30 PM · Northside`` in the location's zone, the desk's language
    and the clinic's clock ("" when unknown)."""
    if appointment_id is None:
        return ""
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        return ""
    location = session.get(Location, appt.location_id)
    zone = ZoneInfo(location.timezone) if location else ZoneInfo("UTC")
    local = appt.start_at.astimezone(zone)
    status = "" if appt.status in ("scheduled", "confirmed") else f" ({appt.status.replace('_', '-')})"
    return (
        f"{appt.type.name} · {staff_format(local, 'MMMEd')} "
        f"{local_time.fmt_wall(local, local_time.clinic_time_format(session))} · "
        f"{location.name if location else ''}{status}"
    )


def outbox_purposes(session: Session) -> list[str]:
    """Purposes present in the outbox, for the Outbox screen's filter."""
    return sorted(session.scalars(select(OutboxMessage.purpose).distinct()).all())
