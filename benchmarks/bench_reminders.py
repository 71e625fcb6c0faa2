"""Reminder figures: plan every future appointment from scratch, re-plan one change, 1,000 SMS replies."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from benchmarks.harness import ANCHOR, BenchContext, Row, ms
from orca_desk.migrate import upgrade
from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.reminders import ConfirmationRequest, PlannedReminder, ReminderSequence
from orca_desk.services import confirmations, reminders
from orca_desk.services.messaging.inbound import process_batch, store_fetched
from orca_desk.services.messaging.providers.base import InboundMessage as Fetched


def run(bench: BenchContext) -> list[Row]:
    upgrade(bench.db)  # the cached database may predate the reminder tables
    rows: list[Row] = []
    now = ANCHOR
    # Everything happens in one transaction that is rolled back: the cache stays as it was.
    with bench.db.engine.connect() as conn:
        trans = conn.begin()
        s = Session(bind=conn)
        try:
            clinic_id = s.scalar(select(Appointment.clinic_id).limit(1))
            assert clinic_id is not None
            s.execute(delete(PlannedReminder))
            if not s.scalar(select(func.count()).select_from(ReminderSequence)):
                reminders.seed_default_sequences(s, clinic_id, now=now)
            s.flush()
            started = time.perf_counter()
            summary = reminders.plan_all(s, now=now)
            s.flush()
            seconds = time.perf_counter() - started
            rows.append(
                Row(
                    f"reminders: plan {summary.appointments:,} future appointments from scratch "
                    f"({summary.planned + summary.skipped:,} steps)",
                    "≤ 10 s",
                    f"{seconds:.2f} s",
                    seconds <= 10.0,
                )
            )
            ids = list(
                s.scalars(
                    select(Appointment.id)
                    .where(Appointment.start_at > now + timedelta(days=3), Appointment.status == "scheduled")
                    .order_by(Appointment.id)
                    .limit(40)
                )
            )
            samples = []
            for i, appointment_id in enumerate(ids):
                a = s.get(Appointment, appointment_id)
                assert a is not None
                started = time.perf_counter()
                a.start_at += timedelta(minutes=5 if i % 2 == 0 else -5)
                a.end_at += timedelta(minutes=5 if i % 2 == 0 else -5)
                reminders.plan_appointment(s, a, now=now)
                s.flush()
                samples.append(time.perf_counter() - started)
            replan = statistics.median(samples[5:])
            rows.append(
                Row(
                    "reminders: re-plan after one change (median of 35)",
                    "≤ 10 ms",
                    ms(replan),
                    replan <= 0.010,
                )
            )
            try:
                with s.begin_nested():
                    rows.append(_replies(s, clinic_id, now))
            except OperationalError as exc:  # a cache built before a messaging column was added
                rows.append(
                    Row(
                        "reminders: process 1,000 inbound replies",
                        "≤ 2 s",
                        f"skipped: {str(exc.orig)[:60]} (run with --fresh)",
                        None,
                    )
                )
        finally:
            s.close()
            trans.rollback()
    return rows


def _replies(s: Session, clinic_id: int, now) -> Row:  # type: ignore[no-untyped-def]
    """1,000 families answer YES to a sent confirmation request, fetched by one poll: stored and
    processed as ``poll_inbound`` does in its transaction (each through the full chain)."""
    appts = list(
        s.scalars(
            select(Appointment)
            .where(
                Appointment.start_at > now + timedelta(days=1),
                Appointment.start_at < now + timedelta(days=30),
                Appointment.status == "scheduled",
            )
            .order_by(Appointment.start_at)
            .limit(1000)
        )
    )
    sent = now - timedelta(hours=1)
    fetched = []
    for n, a in enumerate(appts):
        number = f"+1555{n:07d}"
        msg = OutboxMessage(
            clinic_id=clinic_id,
            patient_id=a.patient_id,
            appointment_id=a.id,
            channel="sms",
            to_address=number,
            purpose=reminders.CONFIRM_PURPOSE,
            source_type=reminders.SOURCE,
            body="Reply YES",
            dedupe_key=f"bench-confirm:{a.id}",
            status="sent",
            attempts=1,
            next_attempt_at=sent,
            created_at=sent,
            sent_at=sent,
            created_by="bench",
        )
        s.add(msg)
        s.flush()
        s.add(
            ConfirmationRequest(
                clinic_id=clinic_id,
                appointment_id=a.id,
                patient_id=a.patient_id,
                outbox_message_id=msg.id,
                channel="sms",
                to_address=number,
                created_at=sent,
                sent_at=sent,
                expires_at=a.start_at,
                status="open",
            )
        )
        fetched.append(
            Fetched(
                provider_id=f"in-{n}",
                from_=number,
                to="+15005550006",
                body="YES" if n % 10 else "Yes please",
                received_at=now,
            )
        )
    s.flush()
    s.expire_all()  # nothing of the set-up is warm in the session
    handlers = [confirmations.ConfirmationReplyHandler(reminders.ReminderSettings())]
    started = time.perf_counter()
    stored = store_fetched(s, "bench", fetched, clinic_id=clinic_id)
    results = process_batch(s, stored, now=now, handlers=handlers)
    s.flush()
    seconds = time.perf_counter() - started
    handled = results.count(confirmations.HANDLER_NAME)
    confirmed = s.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(Appointment.id.in_([a.id for a in appts]), Appointment.status == "confirmed")
    )
    ok = seconds <= 2.0 and handled == confirmed == len(fetched)
    return Row(
        f"reminders: store and process {len(fetched):,} inbound replies ({confirmed:,} confirmed)",
        "≤ 2 s",
        f"{seconds:.2f} s",
        ok,
    )
