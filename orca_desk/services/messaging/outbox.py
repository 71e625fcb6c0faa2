"""The one outbox: queue messages with their cause, retry or cancel them (``outbox_queries`` lists them)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orca_desk.models.messaging import CHANNELS, ContactState, OutboxEvent, OutboxMessage
from orca_desk.models.messaging import OUTBOX_STATUSES as OUTBOX_STATUSES
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import SEND_MESSAGES, Actor
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import NotFound, ValidationError

# The Outbox screen and the status bar read these through this module too.
from orca_desk.services.messaging.outbox_queries import OutboxCounts as OutboxCounts
from orca_desk.services.messaging.outbox_queries import OutboxEventRow as OutboxEventRow
from orca_desk.services.messaging.outbox_queries import OutboxFilter as OutboxFilter
from orca_desk.services.messaging.outbox_queries import OutboxRow as OutboxRow
from orca_desk.services.messaging.outbox_queries import count_messages as count_messages
from orca_desk.services.messaging.outbox_queries import list_messages as list_messages
from orca_desk.services.messaging.outbox_queries import load_message
from orca_desk.services.messaging.outbox_queries import message_history as message_history
from orca_desk.services.messaging.outbox_queries import outbox_counts as outbox_counts
from orca_desk.services.messaging.policy import MessagingPolicy, sms_allowed

# Statuses a message can still go out from; "sending" is in flight and belongs to a worker.
PENDING = ("queued", "deferred")
FINISHED = ("sent", "delivered", "failed", "undeliverable", "cancelled")
RETRYABLE = ("failed", "undeliverable", "cancelled")
MAX_SMS_CHARS = 1600  # Twilio refuses longer bodies (error 21617)
# Emails that go without recorded email consent: a test staff sent to an address they typed,
# and the automatic answer to a STOP/HELP keyword. Every other email (offers, campaigns,
# recovery, reminders, manual ones) needs it; the dispatcher checks again at send time.
EMAIL_CONSENT_EXEMPT: frozenset[str] = frozenset({"test", "keyword_reply"})


@dataclass(frozen=True)
class NewMessage:
    """One message for ``enqueue_many``; the fields mean what ``enqueue``'s arguments mean."""

    clinic_id: int
    channel: str
    to_address: str
    body: str
    purpose: str
    dedupe_key: str
    patient_id: int | None = None
    appointment_id: int | None = None
    source_type: str | None = None
    source_id: int | None = None
    subject: str | None = None
    html: str | None = None
    send_after: datetime | None = None
    not_after: datetime | None = None
    created_by: str = "automation"


def _check(msg: NewMessage, now: datetime) -> None:
    if now.tzinfo is None:
        raise ValidationError("now must be a timezone-aware datetime.", field="now")
    if msg.channel not in CHANNELS:
        raise ValidationError(f"Unknown channel {msg.channel!r}; use sms or email.", field="channel")
    if not msg.to_address.strip():
        raise ValidationError("The message has no address to go to.", field="to_address")
    if not msg.body.strip():
        raise ValidationError("The message is empty.", field="body")
    if msg.channel == "sms" and len(msg.body) > MAX_SMS_CHARS:
        raise ValidationError(
            f"A text can hold at most {MAX_SMS_CHARS} characters; this one has {len(msg.body)}.", field="body"
        )
    if msg.channel == "email" and not (msg.subject or "").strip():
        raise ValidationError("An email needs a subject.", field="subject")
    if not msg.dedupe_key.strip():
        raise ValidationError("The message needs a dedupe key.", field="dedupe_key")
    for name in ("send_after", "not_after"):
        value = getattr(msg, name)
        if value is not None and value.tzinfo is None:
            raise ValidationError(f"{name} must be a timezone-aware datetime.", field=name)


def _row_values(msg: NewMessage, now: datetime) -> dict[str, Any]:
    return {
        "clinic_id": msg.clinic_id,
        "patient_id": msg.patient_id,
        "appointment_id": msg.appointment_id,
        "channel": msg.channel,
        "to_address": msg.to_address.strip(),
        "purpose": msg.purpose,
        "source_type": msg.source_type,
        "source_id": msg.source_id,
        "subject": msg.subject,
        "body": msg.body,
        "html": msg.html,
        "dedupe_key": msg.dedupe_key,
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": max(now, msg.send_after) if msg.send_after else now,
        "not_after": msg.not_after,
        "created_at": now,
        "created_by": msg.created_by,
    }


def add_event(session: Session, message_id: int, status: str, detail: str, now: datetime) -> None:
    """Append one line to a message's history."""
    session.add(OutboxEvent(message_id=message_id, at=now, status=status, detail=detail[:500]))


def enqueue(
    session: Session,
    *,
    clinic_id: int,
    channel: str,
    to_address: str,
    body: str,
    purpose: str,
    dedupe_key: str,
    now: datetime,
    patient_id: int | None = None,
    appointment_id: int | None = None,
    source_type: str | None = None,
    source_id: int | None = None,
    subject: str | None = None,
    html: str | None = None,
    send_after: datetime | None = None,
    not_after: datetime | None = None,
    created_by: str = "automation",
) -> OutboxMessage:
    """Queue one message inside the caller's transaction; the same ``dedupe_key`` returns the
    message already queued (even one another process queued a moment ago)."""
    msg = NewMessage(
        clinic_id=clinic_id,
        channel=channel,
        to_address=to_address,
        body=body,
        purpose=purpose,
        dedupe_key=dedupe_key,
        patient_id=patient_id,
        appointment_id=appointment_id,
        source_type=source_type,
        source_id=source_id,
        subject=subject,
        html=html,
        send_after=send_after,
        not_after=not_after,
        created_by=created_by,
    )
    _check(msg, now)
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    row = OutboxMessage(**_row_values(msg, now))
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another process queued the same key between our look and our insert.
        found = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if found is None:
            raise
        return found
    add_event(session, row.id, "queued", f"queued by {created_by} ({purpose})", now)
    return row


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    table = cast(Table, OutboxMessage.__table__)
    dialect = session.get_bind().dialect.name
    # Each dialect's insert loads with its first bulk queue: PostgreSQL's (a tenth of a second to
    # import) would otherwise load with every screen that reads the outbox, SQLite desks too.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        stmt: Any = postgresql.insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise ValidationError(f"Unsupported database {dialect}.")
    stmt = stmt.returning(table.c.id, table.c.dedupe_key)
    result = session.execute(stmt, rows)
    return [(int(r[0]), str(r[1])) for r in result]


def enqueue_many(session: Session, messages: Sequence[NewMessage], *, now: datetime) -> list[int]:
    """Queue many messages at once (bulk inserts); returns their ids in input order.

    Keys already in the outbox (or repeated in ``messages``) keep their existing message.
    """
    for msg in messages:
        _check(msg, now)
    keys = list(dict.fromkeys(m.dedupe_key for m in messages))
    ids: dict[str, int] = {}
    for chunk in chunks(keys):
        ids.update(
            session.execute(
                select(OutboxMessage.dedupe_key, OutboxMessage.id).where(OutboxMessage.dedupe_key.in_(chunk))
            ).all()
        )
    fresh: dict[str, dict[str, Any]] = {}
    for msg in messages:
        if msg.dedupe_key not in ids and msg.dedupe_key not in fresh:
            fresh[msg.dedupe_key] = _row_values(msg, now)
    if fresh:
        session.flush()
        inserted = _insert_ignoring_duplicates(session, list(fresh.values()))
        ids.update({key: id_ for id_, key in inserted})
        session.execute(
            insert(OutboxEvent),
            [
                {
                    "message_id": id_,
                    "at": now,
                    "status": "queued",
                    "detail": f"queued by {fresh[key]['created_by']} ({fresh[key]['purpose']})",
                }
                for id_, key in inserted
            ],
        )
        missing = [k for k in fresh if k not in ids]  # lost a race: another process has them
        if missing:
            ids.update(
                session.execute(
                    select(OutboxMessage.dedupe_key, OutboxMessage.id).where(
                        OutboxMessage.dedupe_key.in_(missing)
                    )
                ).all()
            )
    return [ids[m.dedupe_key] for m in messages]


# --- Recipients ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Where a message for a patient goes: the responsible party's number or address."""

    channel: str
    address: str


def contact_state(session: Session, channel: str, address: str) -> ContactState | None:
    return session.scalar(
        select(ContactState).where(ContactState.channel == channel, ContactState.address == address)
    )


def recipient_for(
    session: Session,
    patient: Patient,
    channel: str | None = None,
    *,
    policy: MessagingPolicy | None = None,
    email_consent_needed: bool = True,
) -> Recipient:
    """The channel and address for ``patient`` (``channel`` or their preferred one).

    Raises ``ValidationError`` saying why nothing can be sent: no address, no consent,
    opted out, or a number the carrier refused.
    """
    policy = policy or MessagingPolicy()
    name = patient.display_name
    if channel is None:
        preferred = patient.preferred_channel
        if (
            preferred == "email"
            and patient.contact_email
            and (patient.email_consent or not email_consent_needed)
        ):
            channel = "email"
        elif patient.contact_phone:
            channel = "sms"
        elif patient.contact_email:
            channel = "email"
        else:
            raise ValidationError(f"{name} has no mobile number or email address on file.", field="channel")
    if channel not in CHANNELS:
        raise ValidationError(f"Unknown channel {channel!r}; use sms or email.", field="channel")
    address = (patient.contact_phone if channel == "sms" else patient.contact_email) or ""
    if not address.strip():
        what = "mobile number for texts" if channel == "sms" else "email address"
        raise ValidationError(f"{name} has no {what} on file.", field="channel")
    state = contact_state(session, channel, address)
    if state is not None and state.undeliverable:
        raise ValidationError(
            f"{address} cannot receive messages ({state.last_error or 'refused by the carrier'}); "
            f"update {name}'s contact details.",
            field="channel",
        )
    if channel == "sms":
        ok, reason = sms_allowed(patient.sms_consent, bool(state and state.opted_out), policy)
        if not ok:
            raise ValidationError(f"Cannot text {name}: {reason}", field="channel")
    elif state is not None and state.opted_out:
        raise ValidationError(
            f"Cannot email {name}: {address} unsubscribed from our emails.", field="channel"
        )
    elif email_consent_needed and not patient.email_consent:
        raise ValidationError(
            f"Cannot email {name}: no email consent is recorded; record it on the patient's details first.",
            field="channel",
        )
    return Recipient(channel, address.strip())


def enqueue_for_patient(
    session: Session,
    patient: Patient,
    *,
    body: str,
    purpose: str,
    dedupe_key: str,
    now: datetime,
    channel: str | None = None,
    appointment_id: int | None = None,
    source_type: str | None = None,
    source_id: int | None = None,
    subject: str | None = None,
    html: str | None = None,
    send_after: datetime | None = None,
    not_after: datetime | None = None,
    created_by: str = "automation",
    policy: MessagingPolicy | None = None,
) -> OutboxMessage:
    """Queue a message to ``patient``'s contact (see ``recipient_for`` for the refusals)."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    to = recipient_for(
        session, patient, channel, policy=policy, email_consent_needed=purpose not in EMAIL_CONSENT_EXEMPT
    )
    return enqueue(
        session,
        clinic_id=patient.clinic_id,
        channel=to.channel,
        to_address=to.address,
        body=body,
        purpose=purpose,
        dedupe_key=dedupe_key,
        now=now,
        patient_id=patient.id,
        appointment_id=appointment_id,
        source_type=source_type,
        source_id=source_id,
        subject=subject,
        html=html,
        send_after=send_after,
        not_after=not_after,
        created_by=created_by,
    )


# --- Test messages (Settings) -------------------------------------------------------------

TEST_PURPOSE = "test"
# A code the family just asked for on the booking page (they are waiting for it): it goes at once,
# outside the contact budget and quiet hours, to the number they typed.
VERIFICATION_PURPOSE = "verification_code"
_EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class OutboxTestResult:
    """Where a test message stands, in words for the Settings screen."""

    id: int
    status: str
    text: str
    final: bool


def queue_test_message(
    session: Session, actor: Actor, channel: str, address: str, *, now: datetime
) -> OutboxMessage:
    """Queue one test text or email to an address staff typed in, through the outbox.

    It is sent by the automation like any message, so the policy applies at send time
    (quiet hours, STOP, numbers the carrier refused); recorded SMS consent is the one rule
    waived, because the person testing vouches for the number they typed.
    """
    actor.require(SEND_MESSAGES)
    from orca_desk.models.clinic import Clinic
    from orca_desk.services.patients.patients import normalise_phone

    if channel == "sms":
        from orca_desk.services.patients.patients import clinic_country

        to = normalise_phone(address, region=clinic_country(session), field="address") or ""
    elif channel == "email":
        to = address.strip().lower()
        if not _EMAIL_ADDRESS.match(to):
            raise ValidationError(f"{address!r} is not an email address.", field="address")
    else:
        raise ValidationError(f"Unknown channel {channel!r}; use sms or email.", field="channel")
    if not to:
        raise ValidationError("Type the number or address to send the test to.", field="address")
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    if clinic is None:
        raise NotFound("There is no clinic in this database yet.")
    body = (
        f"{clinic.name}: this is a test message from Orca Desk, sent by "
        f"{actor.display_name or actor.username}. No reply is needed."
    )
    msg = enqueue(
        session,
        clinic_id=clinic.id,
        channel=channel,
        to_address=to,
        body=body,
        purpose=TEST_PURPOSE,
        dedupe_key=f"test:{uuid.uuid4().hex}",
        now=now,
        subject=f"Test message from {clinic.name}" if channel == "email" else None,
        created_by=actor.username,
    )
    audit.record(
        session,
        actor,
        "message.test",
        "outbox_message",
        msg.id,
        now=now,
        after={"channel": channel, "to": to},
    )
    return msg


def _local_when(session: Session, at: datetime) -> str:
    """``at`` in the clinic's home location's time and format, for staff."""
    from orca_desk.services import local_time  # local_time reads the settings, which import messaging

    return local_time.fmt_datetime(
        at, local_time.location_zone(session, None), local_time.clinic_time_format(session)
    )


def describe_test_message(session: Session, message_id: int) -> OutboxTestResult:
    """What became of a queued test message so far."""
    m = load_message(session, message_id)
    words = {
        "queued": "queued; the automation sends it within a few seconds (is a desk or "
        "`orca-desk worker` leading automation?)",
        "sending": "being sent…",
        "sent": f"sent through {m.provider or 'the provider'}"
        + (
            " (local provider: it stays in the Outbox, nothing leaves this computer)"
            if m.provider == "local"
            else f" ({m.provider_id})"
            if m.provider_id
            else ""
        ),
        "delivered": "delivered",
        "deferred": f"waiting until {_local_when(session, m.next_attempt_at)}: {m.error or ''}",
        "failed": f"not sent: {m.error or m.error_code or 'failed'}",
        "undeliverable": f"not sent: {m.error or 'the carrier refused this number'}",
        "cancelled": f"cancelled: {m.error or ''}",
    }
    text = f"Test message #{m.id} to {m.to_address}: {words.get(m.status, m.status)}"
    final = m.status in ("sent", "delivered", "failed", "undeliverable", "cancelled", "deferred")
    return OutboxTestResult(m.id, m.status, text, final)


def cancel(
    session: Session, actor: Actor, message_id: int, *, now: datetime, reason: str = ""
) -> OutboxMessage:
    """Stop a message that has not gone out yet."""
    actor.require(SEND_MESSAGES)
    msg = load_message(session, message_id)
    if msg.status not in PENDING:
        raise ValidationError(
            f"Message #{message_id} is {msg.status}; only queued or deferred messages can be cancelled.",
            field="status",
        )
    before = msg.status
    msg.status, msg.error_code = "cancelled", "staff"
    msg.error = reason or f"cancelled by {actor.display_name or actor.username}"
    add_event(session, msg.id, "cancelled", f"by {actor.username}: {reason}".rstrip(": "), now)
    audit.record(
        session,
        actor,
        "message.cancel",
        "outbox_message",
        msg.id,
        now=now,
        before={"status": before},
        after={"status": "cancelled", "reason": reason},
    )
    return msg


def retry(session: Session, actor: Actor, message_id: int, *, now: datetime) -> OutboxMessage:
    """Queue a failed, undeliverable or cancelled message again (policy is checked when sent)."""
    actor.require(SEND_MESSAGES)
    msg = load_message(session, message_id)
    if msg.status not in RETRYABLE:
        raise ValidationError(
            f"Message #{message_id} is {msg.status}; only failed, undeliverable "
            "or cancelled messages can be retried.",
            field="status",
        )
    before = msg.status
    msg.status, msg.next_attempt_at = "queued", now
    msg.error_code = msg.error = None
    msg.claimed_by = msg.claimed_at = None
    msg.merged_into_id = None
    add_event(session, msg.id, "queued", f"retry requested by {actor.username}", now)
    audit.record(
        session,
        actor,
        "message.retry",
        "outbox_message",
        msg.id,
        now=now,
        before={"status": before},
        after={"status": "queued"},
    )
    return msg
