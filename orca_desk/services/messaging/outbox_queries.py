"""What the Outbox screen and the status bar read: messages as plain rows, their history, counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Clinic
from orca_desk.models.messaging import OutboxEvent, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.errors import NotFound
from orca_desk.services.phones import address_as_dialled


def load_message(session: Session, message_id: int) -> OutboxMessage:
    msg = session.get(OutboxMessage, message_id)
    if msg is None:
        raise NotFound(f"There is no message #{message_id}.")
    return msg


@dataclass(frozen=True)
class OutboxRow:
    id: int
    created_at: datetime
    channel: str
    to_address: str
    to_shown: str  # as the desk reads it: a text's number in the clinic's national format
    purpose: str
    status: str
    attempts: int
    next_attempt_at: datetime
    patient_id: int | None
    patient_name: str | None
    appointment_id: int | None
    subject: str | None
    body: str
    error: str | None
    provider_id: str | None
    sent_at: datetime | None
    merged_into_id: int | None


@dataclass(frozen=True)
class OutboxEventRow:
    at: datetime
    status: str
    detail: str


@dataclass(frozen=True)
class OutboxFilter:
    """What the Outbox screen asks for; empty fields do not filter."""

    statuses: tuple[str, ...] = ()
    channel: str | None = None
    purpose: str | None = None
    patient_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True)
class OutboxCounts:
    queued: int = 0
    deferred: int = 0
    sending: int = 0
    failed: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def _filtered(query: Any, f: OutboxFilter) -> Any:
    if f.statuses:
        query = query.where(OutboxMessage.status.in_(f.statuses))
    if f.channel:
        query = query.where(OutboxMessage.channel == f.channel)
    if f.purpose:
        query = query.where(OutboxMessage.purpose == f.purpose)
    if f.patient_id is not None:
        query = query.where(OutboxMessage.patient_id == f.patient_id)
    if f.since is not None:
        query = query.where(OutboxMessage.created_at >= f.since)
    if f.until is not None:
        query = query.where(OutboxMessage.created_at < f.until)
    text = f.text.strip()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(
                OutboxMessage.body.ilike(like),
                OutboxMessage.to_address.ilike(like),
                OutboxMessage.subject.ilike(like),
                (Patient.first_name + " " + Patient.last_name).ilike(like),
            )
        )
    return query


def list_messages(session: Session, f: OutboxFilter | None = None) -> list[OutboxRow]:
    """Messages newest first, with the patient's name, as plain rows."""
    f = f or OutboxFilter()
    query = (
        select(OutboxMessage, Patient.first_name, Patient.last_name, Clinic.country)
        .outerjoin(Patient, Patient.id == OutboxMessage.patient_id)
        .outerjoin(Clinic, Clinic.id == OutboxMessage.clinic_id)
    )
    query = _filtered(query, f).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    rows = session.execute(query.limit(f.limit).offset(f.offset)).all()
    return [_row(r[0], f"{r[1]} {r[2]}" if r[1] is not None else None, r[3]) for r in rows]


def count_messages(session: Session, f: OutboxFilter | None = None) -> int:
    f = f or OutboxFilter()
    query = select(func.count(OutboxMessage.id)).outerjoin(Patient, Patient.id == OutboxMessage.patient_id)
    return int(session.scalar(_filtered(query, f)) or 0)


def _row(m: OutboxMessage, patient_name: str | None, country: str | None) -> OutboxRow:
    return OutboxRow(
        id=m.id,
        created_at=m.created_at,
        channel=m.channel,
        to_address=m.to_address,
        to_shown=address_as_dialled(m.channel, m.to_address, country),
        purpose=m.purpose,
        status=m.status,
        attempts=m.attempts,
        next_attempt_at=m.next_attempt_at,
        patient_id=m.patient_id,
        patient_name=patient_name,
        appointment_id=m.appointment_id,
        subject=m.subject,
        body=m.body,
        error=m.error,
        provider_id=m.provider_id,
        sent_at=m.sent_at,
        merged_into_id=m.merged_into_id,
    )


def get_message(session: Session, message_id: int) -> OutboxRow:
    m = load_message(session, message_id)
    patient = session.get(Patient, m.patient_id) if m.patient_id else None
    country = session.scalar(select(Clinic.country).where(Clinic.id == m.clinic_id))
    return _row(m, patient.display_name if patient else None, country)


def message_history(session: Session, message_id: int) -> list[OutboxEventRow]:
    """Every status change of a message, oldest first."""
    load_message(session, message_id)
    events = session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.message_id == message_id)
        .order_by(OutboxEvent.at, OutboxEvent.id)
    )
    return [OutboxEventRow(e.at, e.status, e.detail) for e in events]


def outbox_counts(session: Session) -> OutboxCounts:
    """How many messages wait, are deferred, are in flight and failed (for the status bar)."""
    rows: Iterable[tuple[str, int]] = session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(("queued", "deferred", "sending", "failed", "undeliverable")))
        .group_by(OutboxMessage.status)
    ).all()
    by = dict(rows)
    return OutboxCounts(
        queued=by.get("queued", 0),
        deferred=by.get("deferred", 0),
        sending=by.get("sending", 0),
        failed=by.get("failed", 0) + by.get("undeliverable", 0),
        by_status=by,
    )
