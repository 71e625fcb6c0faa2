"""Reminder sequences: checking, listing, saving, retiring and seeding a clinic's defaults."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Clinic
from orca_desk.models.reminders import ReminderSequence, ReminderStep
from orca_desk.services.access import audit
from orca_desk.services.access.security import Actor
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.message_locale import sequence_name
from orca_desk.services.messaging.message_templates import BUILT_IN_CLINIC, read_sample_clinic
from orca_desk.services.messaging.policy import MessagingPolicy
from orca_desk.services.reminders.planning import _PLANS_CACHE, plan_all
from orca_desk.services.reminders.settings import _require_manager
from orca_desk.services.reminders.steps import (
    DEFAULT_SEQUENCE,
    LONG_VISIT_SEQUENCE,
    SequenceInput,
    SequenceRow,
    StepRow,
    offset_label,
    preview_step,
)

MAX_OFFSET = 60 * 24 * 60  # 60 days


def sequence_problems(
    session: Session | None,
    clinic_id: int | None,
    data: SequenceInput,
    *,
    sequence_id: int | None = None,
    policy: MessagingPolicy | None = None,
) -> list[str]:
    """Every problem with a sequence, each a sentence a practice manager understands."""
    problems: list[str] = []
    if not data.name.strip():
        problems.append("Give the sequence a name.")
    if not data.steps:
        problems.append("A sequence needs at least one step.")
    seen: dict[int, int] = {}
    clinic = read_sample_clinic(session) if session is not None else BUILT_IN_CLINIC  # once, not a step
    for n, step in enumerate(data.steps, 1):
        where = f"Step {n} ({offset_label(step.offset_minutes)} before)"
        if step.offset_minutes <= 0:
            problems.append(f"Step {n}: the offset must be before the appointment (more than 0).")
        elif step.offset_minutes > MAX_OFFSET:
            problems.append(f"{where}: at most 60 days before the appointment.")
        if step.offset_minutes in seen:
            problems.append(
                f"Steps {seen[step.offset_minutes]} and {n} are both "
                f"{offset_label(step.offset_minutes)} before; give each step its own time."
            )
        seen.setdefault(step.offset_minutes, n)
        if not step.channels:
            problems.append(f"{where}: choose SMS, email or both.")
        for ch in step.channels:
            if ch not in ("sms", "email"):
                problems.append(f"{where}: unknown channel {ch!r}.")
        for preview in preview_step(session, clinic_id, step, policy, clinic=clinic):
            label = "SMS" if preview.channel == "sms" else "Email"
            problems.extend(f"{where}, {label}: {p}" for p in preview.problems)
    if session is not None and clinic_id is not None and data.is_active and data.appointment_type_ids:
        taken = _types_taken(session, clinic_id, sequence_id)
        names = {r[0]: r[1] for r in session.execute(select(AppointmentType.id, AppointmentType.name))}
        for type_id in data.appointment_type_ids:
            if type_id in taken:
                problems.append(
                    f"{names.get(type_id, f'Type #{type_id}')} already has the sequence "
                    f"{taken[type_id]!r}; an appointment type has one sequence."
                )
    return problems


def _types_taken(session: Session, clinic_id: int, sequence_id: int | None) -> dict[int, str]:
    out: dict[int, str] = {}
    for seq in session.scalars(
        select(ReminderSequence).where(
            ReminderSequence.clinic_id == clinic_id, ReminderSequence.is_active.is_(True)
        )
    ):
        if seq.id == sequence_id:
            continue
        for t in seq.appointment_type_ids or []:
            out[int(t)] = seq.name
    return out


def _step_row(s: ReminderStep) -> StepRow:
    return StepRow(
        s.id,
        s.position,
        s.offset_minutes,
        tuple(s.channels or ()),
        s.template_key,
        s.asks_for_confirmation,
        s.sms_body,
        s.email_subject,
        s.email_body,
    )


def list_sequences(session: Session, clinic_id: int) -> list[SequenceRow]:
    """The clinic's sequences (default first), each with its steps from the earliest."""
    names = {r[0]: r[1] for r in session.execute(select(AppointmentType.id, AppointmentType.name))}
    steps: dict[int, list[StepRow]] = defaultdict(list)
    for st in session.scalars(
        select(ReminderStep)
        .join(ReminderSequence)
        .where(ReminderSequence.clinic_id == clinic_id, ReminderStep.is_active.is_(True))
    ):
        steps[st.sequence_id].append(_step_row(st))
    rows = []
    for seq in session.scalars(
        select(ReminderSequence)
        .where(ReminderSequence.clinic_id == clinic_id)
        .order_by(ReminderSequence.is_default.desc(), ReminderSequence.name)
    ):
        ids = tuple(int(t) for t in seq.appointment_type_ids or ())
        rows.append(
            SequenceRow(
                seq.id,
                seq.name,
                ids,
                tuple(names.get(t, f"#{t}") for t in ids),
                seq.is_active,
                seq.is_default,
                tuple(sorted(steps[seq.id], key=lambda r: -r.offset_minutes)),
                seq.updated_at,
            )
        )
    return rows


def _write_sequence(
    session: Session,
    clinic_id: int,
    seq: ReminderSequence | None,
    data: SequenceInput,
    now: datetime,
    by: str,
) -> ReminderSequence:
    session.info.pop(_PLANS_CACHE, None)
    if seq is None:
        seq = ReminderSequence(clinic_id=clinic_id, created_at=now)
        session.add(seq)
    seq.name, seq.appointment_type_ids = data.name.strip(), sorted(set(data.appointment_type_ids))
    seq.is_active, seq.is_default = data.is_active, data.is_default
    seq.updated_at, seq.updated_by = now, by
    session.flush()
    if data.is_default:
        session.execute(
            update(ReminderSequence)
            .where(ReminderSequence.clinic_id == clinic_id, ReminderSequence.id != seq.id)
            .values(is_default=False)
        )
    # Steps are replaced: old ones stay (inactive) so planned rows and analytics keep their step.
    old = {
        (
            s.offset_minutes,
            tuple(s.channels or ()),
            s.template_key,
            s.asks_for_confirmation,
            s.sms_body,
            s.email_subject,
            s.email_body,
        ): s
        for s in session.scalars(select(ReminderStep).where(ReminderStep.sequence_id == seq.id))
    }
    keep: set[int] = set()
    ordered = sorted(data.steps, key=lambda s: -s.offset_minutes)
    for pos, st in enumerate(ordered):
        key = (
            st.offset_minutes,
            tuple(st.channels),
            st.template_key,
            st.asks_for_confirmation,
            st.sms_body or None,
            st.email_subject or None,
            st.email_body or None,
        )
        row = old.get(key)
        if row is None:
            row = ReminderStep(
                sequence_id=seq.id,
                offset_minutes=st.offset_minutes,
                channels=list(st.channels),
                template_key=st.template_key,
                asks_for_confirmation=st.asks_for_confirmation,
                sms_body=st.sms_body or None,
                email_subject=st.email_subject or None,
                email_body=st.email_body or None,
            )
            session.add(row)
        row.position, row.is_active = pos, True
        session.flush()
        keep.add(row.id)
    for row in old.values():
        if row.id not in keep:
            row.is_active = False
    session.flush()
    return seq


def save_sequence(
    session: Session,
    actor: Actor,
    clinic_id: int,
    data: SequenceInput,
    *,
    now: datetime,
    sequence_id: int | None = None,
    replan: bool = True,
) -> int:
    """Validate and store a sequence (refused with every problem named); re-plans what it changes."""
    _require_manager(actor)
    problems = sequence_problems(session, clinic_id, data, sequence_id=sequence_id)
    if problems:
        raise ValidationError(" ".join(problems), field="steps")
    seq = None
    before = None
    if sequence_id is not None:
        seq = session.get(ReminderSequence, sequence_id)
        if seq is None or seq.clinic_id != clinic_id:
            raise NotFound(f"There is no reminder sequence #{sequence_id}.")
        before = {"name": seq.name, "types": list(seq.appointment_type_ids or [])}
    seq = _write_sequence(session, clinic_id, seq, data, now, actor.username)
    audit.record(
        session,
        actor,
        "update" if before else "create",
        "reminder_sequence",
        seq.id,
        now=now,
        before=before,
        after={
            "name": seq.name,
            "types": seq.appointment_type_ids,
            "default": seq.is_default,
            "active": seq.is_active,
            "steps": [offset_label(s.offset_minutes) for s in data.steps],
        },
    )
    if replan:
        plan_all(session, now=now, clinic_id=clinic_id)
    return seq.id


def delete_sequence(session: Session, actor: Actor, sequence_id: int, *, now: datetime) -> None:
    """Retire a sequence (kept for analytics, inactive); its pending steps are re-planned."""
    _require_manager(actor)
    seq = session.get(ReminderSequence, sequence_id)
    if seq is None:
        raise NotFound(f"There is no reminder sequence #{sequence_id}.")
    if seq.is_default:
        raise ValidationError("This is the default sequence; make another one the default first.")
    seq.is_active, seq.updated_at, seq.updated_by = False, now, actor.username
    session.info.pop(_PLANS_CACHE, None)
    session.flush()
    audit.record(session, actor, "retire", "reminder_sequence", seq.id, now=now)
    plan_all(session, now=now, clinic_id=seq.clinic_id)


def seed_default_sequences(session: Session, clinic_id: int, *, now: datetime) -> int:
    """Give a new clinic its default sequences (7 d email, 2 d SMS to confirm, 2 h SMS; long
    visits get one more); returns how many were added (0 when it has some already)."""
    if session.scalar(select(ReminderSequence.id).where(ReminderSequence.clinic_id == clinic_id).limit(1)):
        return 0
    language = session.scalar(select(Clinic.language).where(Clinic.id == clinic_id))
    standard = replace(DEFAULT_SEQUENCE, name=sequence_name(DEFAULT_SEQUENCE.name, language))
    _write_sequence(session, clinic_id, None, standard, now, "system")
    long_types = [
        t
        for (t,) in session.execute(
            select(AppointmentType.id).where(
                AppointmentType.clinic_id == clinic_id, AppointmentType.default_minutes >= 60
            )
        )
    ]
    if long_types:
        data = SequenceInput(
            sequence_name(LONG_VISIT_SEQUENCE.name, language),
            tuple(long_types),
            steps=LONG_VISIT_SEQUENCE.steps,
        )
        _write_sequence(session, clinic_id, None, data, now, "system")
        return 2
    return 1
