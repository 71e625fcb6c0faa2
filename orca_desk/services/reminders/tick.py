"""The automation tick: due steps become outbox messages, followed until sent; then escalation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import ConfirmationRequest, PlannedReminder, ReminderStep
from orca_desk.services.messaging.message_locale import recipient_language
from orca_desk.services.messaging.message_phrases import phrase
from orca_desk.services.reminders.escalation import _escalate
from orca_desk.services.reminders.planning import SKIP_CALLBACK, SKIP_CONFIRMED, SKIP_DECLINED, UPCOMING
from orca_desk.services.reminders.rendering import (
    _Ctx,
    _fill,
    _location,
    _merged_texts,
    _recipient,
    _values,
    _zone,
)
from orca_desk.services.reminders.settings import ReminderSettings, load_settings
from orca_desk.services.reminders.steps import StepInput, step_texts

SOURCE = "reminder"  # OutboxMessage.source_type of every reminder
PURPOSE = "appointment_reminder"
CONFIRM_PURPOSE = "confirmation_request"


@dataclass
class ReminderTick:
    expired_requests: int = 0
    synced: int = 0
    queued: int = 0
    merged: int = 0
    skipped: int = 0
    withdrawn: int = 0
    escalated: int = 0
    messages: int = 0


def _sync(session: Session, now: datetime, report: ReminderTick) -> None:
    """Follow the outbox: queued steps whose message went out are sent; failed ones are skipped."""
    rows = session.execute(
        select(PlannedReminder.id, OutboxMessage.status, OutboxMessage.error)
        .join(OutboxMessage, OutboxMessage.id == PlannedReminder.outbox_message_id)
        .where(
            PlannedReminder.status == "queued",
            OutboxMessage.status.in_(("sent", "delivered", "failed", "undeliverable", "cancelled")),
        )
    ).all()
    for rid, status, error in rows:
        if status in ("sent", "delivered"):
            values: dict[str, Any] = {"status": "sent", "updated_at": now}
        else:
            values = {
                "status": "skipped",
                "updated_at": now,
                "reason": f"The message was {status}: {error or ''}".strip()[:300],
            }
        session.execute(
            update(PlannedReminder).where(PlannedReminder.id == rid).values(**values),
            execution_options={"synchronize_session": False},
        )
        report.synced += 1
    for req in session.scalars(select(ConfirmationRequest).where(ConfirmationRequest.sent_at.is_(None))):
        sent = session.scalar(select(OutboxMessage.sent_at).where(OutboxMessage.id == req.outbox_message_id))
        if sent is not None:
            req.sent_at = sent


def _partners(
    session: Session, r: PlannedReminder, address: str, a: Appointment, zone: ZoneInfo, now: datetime
) -> list[PlannedReminder]:
    """Siblings' same step for visits the same local day, to the same number or address."""
    local = a.start_at.astimezone(zone)
    day_start = datetime.combine(local.date(), datetime.min.time(), tzinfo=zone).astimezone(UTC)
    day_end = day_start + timedelta(days=1, hours=1)
    column = Patient.contact_phone if r.channel == "sms" else Patient.contact_email
    q = (
        select(PlannedReminder)
        .join(Appointment, Appointment.id == PlannedReminder.appointment_id)
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(
            PlannedReminder.status == "planned",
            PlannedReminder.channel == r.channel,
            PlannedReminder.offset_minutes == r.offset_minutes,
            PlannedReminder.asks_for_confirmation == r.asks_for_confirmation,
            PlannedReminder.appointment_id != r.appointment_id,
            column == address,
            Appointment.status.in_(UPCOMING),
            Appointment.start_at == PlannedReminder.planned_start,
            Appointment.start_at >= day_start,
            Appointment.start_at < day_end,
            Appointment.start_at > now,
        )
        .order_by(Appointment.start_at)
    )
    out = []
    for x in session.scalars(q):
        start = session.get(Appointment, x.appointment_id)
        if start is not None and start.start_at.astimezone(zone).date() == local.date():
            out.append(x)
    return out


def dedupe_key(r: PlannedReminder) -> str:
    key = f"reminder:{r.appointment_id}:{r.step_id}:{r.channel}:{r.planned_start:%Y%m%dT%H%MZ}"
    return key + (f":r{r.revision}" if r.revision else "")


def _process_due(
    session: Session,
    r: PlannedReminder,
    now: datetime,
    settings: ReminderSettings,
    ctx: _Ctx,
    report: ReminderTick,
) -> None:
    from orca_desk.services.messaging.outbox import enqueue

    def finish(status: str, reason: str) -> None:
        r.status, r.reason, r.updated_at = status, reason[:300], now
        if status == "withdrawn":
            report.withdrawn += 1
        else:
            report.skipped += 1

    a = session.get(Appointment, r.appointment_id)
    skip = _why_not_send(session, r, a, now)
    if skip is not None:
        return finish(*skip)
    assert a is not None
    p = session.get(Patient, a.patient_id)
    assert p is not None
    address, why = _recipient(session, p, r.channel)
    if address is None:
        return finish("skipped", why)
    loc = _location(session, ctx, a.location_id)
    zone = _zone(loc.timezone)
    group = _family_group(session, r, a, p, address, zone, now)
    values = _values(session, ctx, a, p, settings, r.channel, address, now)
    subject, body = _texts(session, ctx, group, r, a, values)
    msg = enqueue(
        session,
        clinic_id=a.clinic_id,
        channel=r.channel,
        to_address=address,
        body=body,
        purpose=CONFIRM_PURPOSE if r.asks_for_confirmation else PURPOSE,
        dedupe_key=dedupe_key(r),
        now=now,
        patient_id=p.id,
        appointment_id=a.id,
        source_type=SOURCE,
        source_id=r.id,
        subject=subject,
        not_after=a.start_at,
    )
    report.messages += 1
    for x, xa, xp in group:
        x.status, x.outbox_message_id, x.updated_at = "queued", msg.id, now
        x.reason = "" if x is r else f"Sent together with #{r.id} (one message per family and day)."
        report.queued += 1
        if x is not r:
            report.merged += 1
        if r.asks_for_confirmation:
            _open_request(session, x, xa, xp, msg, address, now)


def _why_not_send(
    session: Session, r: PlannedReminder, a: Appointment | None, now: datetime
) -> tuple[str, str] | None:
    """("withdrawn" or "skipped", why) when the reminder must not go out, else None."""
    if a is None or a.status not in UPCOMING or a.start_at <= now:
        return "withdrawn", "The appointment is no longer upcoming."
    if a.start_at != r.planned_start:
        return "withdrawn", "The appointment moved."
    later = session.scalar(
        select(PlannedReminder.id)
        .where(
            PlannedReminder.appointment_id == r.appointment_id,
            PlannedReminder.channel == r.channel,
            PlannedReminder.status == "planned",
            PlannedReminder.due_at <= now,
            PlannedReminder.planned_start == r.planned_start,
            PlannedReminder.offset_minutes < r.offset_minutes,
        )
        .limit(1)
    )
    if later is not None:
        return (
            "skipped",
            "A later reminder was due at the same time (automation was not running); only that one was sent.",
        )
    if a.confirmation == "declined":
        return "skipped", SKIP_DECLINED
    if r.asks_for_confirmation and a.confirmation in ("confirmed", "callback"):
        return "skipped", SKIP_CONFIRMED if a.confirmation == "confirmed" else SKIP_CALLBACK
    return None


def _family_group(
    session: Session,
    r: PlannedReminder,
    a: Appointment,
    p: Patient,
    address: str,
    zone: ZoneInfo,
    now: datetime,
) -> list[tuple[PlannedReminder, Appointment, Patient]]:
    """The reminder with those of the same family and day that go in its message."""
    group: list[tuple[PlannedReminder, Appointment, Patient]] = [(r, a, p)]
    for x in _partners(session, r, address, a, zone, now):
        xa = session.get(Appointment, x.appointment_id)
        xp = session.get(Patient, xa.patient_id) if xa else None
        if xa is None or xp is None or _recipient(session, xp, r.channel)[0] != address:
            continue
        if xa.confirmation == "declined" or (
            x.asks_for_confirmation and xa.confirmation in ("confirmed", "callback")
        ):
            continue
        group.append((x, xa, xp))
    return group


def _texts(
    session: Session,
    ctx: _Ctx,
    group: list[tuple[PlannedReminder, Appointment, Patient]],
    r: PlannedReminder,
    a: Appointment,
    values: dict[str, str],
) -> tuple[str | None, str]:
    """The message's subject (email only) and body: the step's texts, or one for the whole family."""
    step = session.get(ReminderStep, r.step_id)
    if len(group) > 1:
        subject, body = _merged_texts(session, ctx, group, r, values)
    else:
        language = recipient_language(group[0][2] if group else None)
        raw_subject, raw_body = (
            step_texts(session, a.clinic_id, step, r.channel, language)
            if step
            else step_texts(None, None, StepInput(r.offset_minutes, (r.channel,)), r.channel, language)
        )
        body = _fill(raw_body, values)
        subject = (
            _fill(raw_subject, values)
            if r.channel == "email" and raw_subject
            else (phrase(language, "visit_subject") if r.channel == "email" else None)
        )
    return subject, body


def _open_request(
    session: Session,
    r: PlannedReminder,
    a: Appointment,
    p: Patient,
    msg: OutboxMessage,
    address: str,
    now: datetime,
) -> None:
    found = session.scalar(
        select(ConfirmationRequest.id).where(
            ConfirmationRequest.appointment_id == a.id, ConfirmationRequest.outbox_message_id == msg.id
        )
    )
    if found is None:
        session.add(
            ConfirmationRequest(
                clinic_id=a.clinic_id,
                appointment_id=a.id,
                patient_id=p.id,
                planned_reminder_id=r.id,
                step_id=r.step_id,
                outbox_message_id=msg.id,
                channel=r.channel,
                to_address=address,
                created_at=now,
                expires_at=a.start_at,
                status="open",
            )
        )
    if a.confirmation == "unconfirmed":
        a.confirmation, a.updated_at = "requested", now
    session.flush()


def process_reminders(
    db: Any, *, now: datetime, settings: ReminderSettings | None = None, batch: int = 200
) -> ReminderTick:
    """The automation tick: expire requests, follow sent messages, queue due steps, escalate.

    Idempotent and restart-safe: each batch's outbox rows and step statuses are written in
    one transaction, and each message's dedupe key names its appointment, step, channel and
    start, so a crash re-runs at most a batch that was never committed.
    """
    now = now.astimezone(UTC)
    report = ReminderTick()
    with db.write() as session:
        settings = settings or load_settings(session)
        result = session.execute(
            update(ConfirmationRequest)
            .where(ConfirmationRequest.status == "open", ConfirmationRequest.expires_at <= now)
            .values(status="expired"),
            execution_options={"synchronize_session": False},
        )
        report.expired_requests = int(result.rowcount or 0)  # type: ignore[attr-defined]
        _sync(session, now, report)
    ctx = _Ctx()
    for _ in range(10_000):
        with db.write() as session:
            q = (
                select(PlannedReminder)
                .where(PlannedReminder.status == "planned", PlannedReminder.due_at <= now)
                .order_by(PlannedReminder.due_at, PlannedReminder.id)
                .limit(batch)
            )
            if getattr(db, "is_postgres", False):
                q = q.with_for_update(skip_locked=True)
            rows = list(session.scalars(q))
            if not rows:
                break
            for r in rows:
                if r.status == "planned":  # a partner earlier in this batch may have taken it
                    _process_due(session, r, now, settings, ctx, report)
            session.flush()
        ctx = _Ctx()
    with db.write() as session:
        report.escalated += _escalate(session, now, settings)
    return report
