"""Reminder analytics: per sequence and step sent, delivered, answers, confirmations; rates by type, place."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Location
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.reminders import ConfirmationRequest, PlannedReminder, ReminderSequence
from orca_desk.services.access.security import VIEW_ANALYTICS, Actor
from orca_desk.services.reminders import offset_label


@dataclass(frozen=True)
class StepStats:
    sequence_id: int
    sequence: str
    step_id: int
    step: str  # "2 days before · sms"
    offset_minutes: int
    channel: str
    sent: int
    delivered: int
    responses: int
    confirmations: int


@dataclass(frozen=True)
class RateRow:
    label: str
    appointments: int
    confirmed: int

    @property
    def rate(self) -> float:
        return self.confirmed / self.appointments if self.appointments else 0.0


def step_stats(session: Session, actor: Actor, *, since: datetime, until: datetime) -> list[StepStats]:
    """Per sequence and step (and channel), the reminders sent in [since, until) and what came back."""
    actor.require(VIEW_ANALYTICS)
    sent = session.execute(
        select(
            PlannedReminder.sequence_id,
            PlannedReminder.step_id,
            PlannedReminder.channel,
            PlannedReminder.offset_minutes,
            func.count(func.distinct(PlannedReminder.outbox_message_id)),
            func.count(func.distinct(OutboxMessage.id)).filter(OutboxMessage.status == "delivered"),
        )
        .join(OutboxMessage, OutboxMessage.id == PlannedReminder.outbox_message_id)
        .where(
            OutboxMessage.sent_at >= since,
            OutboxMessage.sent_at < until,
            OutboxMessage.status.in_(("sent", "delivered")),
        )
        .group_by(
            PlannedReminder.sequence_id,
            PlannedReminder.step_id,
            PlannedReminder.channel,
            PlannedReminder.offset_minutes,
        )
    ).all()
    answers: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for step_id, channel, answer, n in session.execute(
        select(
            ConfirmationRequest.step_id, ConfirmationRequest.channel, ConfirmationRequest.answer, func.count()
        )
        .where(
            ConfirmationRequest.status == "answered",
            ConfirmationRequest.answered_at >= since,
            ConfirmationRequest.answered_at < until,
        )
        .group_by(ConfirmationRequest.step_id, ConfirmationRequest.channel, ConfirmationRequest.answer)
    ):
        if step_id is None:
            continue
        answers[(step_id, channel)][0] += n
        if answer == "confirm":
            answers[(step_id, channel)][1] += n
    names = {r[0]: r[1] for r in session.execute(select(ReminderSequence.id, ReminderSequence.name))}
    out = []
    for seq_id, step_id, channel, offset, n_sent, n_delivered in sent:
        responses, confirmations = answers.get((step_id, channel), [0, 0])
        label = f"{offset_label(offset)} before · {'SMS' if channel == 'sms' else 'email'}"
        out.append(
            StepStats(
                seq_id,
                names.get(seq_id, f"#{seq_id}"),
                step_id,
                label,
                offset,
                channel,
                n_sent,
                n_delivered,
                responses,
                confirmations,
            )
        )
    out.sort(key=lambda s: (s.sequence, -s.offset_minutes, s.channel))
    return out


def response_shares(stats: list[StepStats]) -> dict[int, float]:
    """Which step gets the response: each step's share of its sequence's responses (step id → 0..1)."""
    totals: dict[int, int] = defaultdict(int)
    for s in stats:
        totals[s.sequence_id] += s.responses
    return {s.step_id: (s.responses / totals[s.sequence_id] if totals[s.sequence_id] else 0.0) for s in stats}


def confirmation_rates(
    session: Session, actor: Actor, *, since: datetime, until: datetime, by: str = "type"
) -> list[RateRow]:
    """Of the visits in [since, until) that were asked to confirm, how many confirmed — by
    appointment type (``by="type"``) or location (``by="location"``)."""
    actor.require(VIEW_ANALYTICS)
    asked = select(ConfirmationRequest.appointment_id).distinct().subquery()
    key = Appointment.type_id if by == "type" else Appointment.location_id
    rows = session.execute(
        select(
            key,
            func.count(Appointment.id),
            func.count(Appointment.id).filter(Appointment.confirmation == "confirmed"),
        )
        .join(asked, asked.c.appointment_id == Appointment.id)
        .where(Appointment.start_at >= since, Appointment.start_at < until)
        .group_by(key)
    ).all()
    model = AppointmentType if by == "type" else Location
    names = {r[0]: r[1] for r in session.execute(select(model.id, model.name))}
    out = [RateRow(names.get(k, f"#{k}"), n, c) for k, n, c in rows]
    return sorted(out, key=lambda r: r.label)
