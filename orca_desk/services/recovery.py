"""Failed-appointment recovery: a missed visit starts a follow-up case that stops by itself on booking."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentType,
    Clinic,
    Location,
    OutboxMessage,
    Patient,
    Provider,
)
from orca_desk.models.recovery import (
    CAUSE_KINDS,
    LIVE_CASE_STATUSES,
    STEP_ACTIONS,
    RecoveryCase,
    RecoverySequence,
    RecoveryStep,
)
from orca_desk.models.reminders import StaffTask
from orca_desk.services import audit, local_time
from orca_desk.services.at_risk import RiskScore, score_patients
from orca_desk.services.errors import NotFound, PermissionDenied, ValidationError
from orca_desk.services.message_templates import get_template, list_templates
from orca_desk.services.messaging.outbox import enqueue_for_patient
from orca_desk.services.messaging.render import KNOWN_VARIABLES, render
from orca_desk.services.security import ADMIN, BOOK, MANAGE_CAMPAIGNS, VIEW_ANALYTICS, Actor

PURPOSE = "recovery"
SOURCE = "recovery_case"
DAY = 24 * 60
CAUSE_LABELS = {"no_show": "no-show", "late_cancel": "late cancellation"}
ACTION_LABELS = {"sms": "SMS", "email": "Email", "call": "Staff call"}
CALL_OUTCOMES = {
    "reached": "Reached — will call back to book",
    "left_message": "Left a message",
    "no_answer": "No answer",
    "wrong_number": "Wrong number",
    "not_interested": "Not interested (close as lost)",
}
CONTACTED_OUTCOMES = frozenset({"reached", "left_message"})


# --- Sequences ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInput:
    action: str  # sms | email | call
    delay_minutes: int
    latest_local_minute: int | None = None
    template_key: str = "recovery"  # "recovery" → recovery.no_show / recovery.late_cancel


# The front-desk day: an SMS the same evening (before 21:00), an email two days later, a call at five.
DEFAULT_STEPS = (StepInput("sms", 0, 21 * 60), StepInput("email", 2 * DAY), StepInput("call", 5 * DAY))


MAX_DELAY_DAYS = 365
MAX_LOST_AFTER_DAYS = 365
RECOVERY_TEMPLATE = "recovery"  # the cause's own template: recovery.no_show / recovery.late_cancel


@dataclass(frozen=True)
class SequenceSettings:
    """The clinic's recovery sequence as the editor shows it (the defaults when never saved)."""

    name: str
    steps: tuple[StepInput, ...]
    cause_kinds: tuple[str, ...]
    lost_after_days: int
    saved: bool
    updated_at: datetime | None = None


def _require_manager(actor: Actor) -> None:
    if not (actor.can(MANAGE_CAMPAIGNS) or actor.can(ADMIN)):
        raise PermissionDenied(
            f"{actor.display_name or actor.username} may not change the recovery sequence; ask a manager."
        )


def delay_text(minutes: int) -> str:
    days, rest = divmod(abs(minutes), DAY)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{mins} min"] if mins else []
    return ("-" if minutes < 0 else "") + (" ".join(parts) or "same day")


def template_keys(session: Session, clinic_id: int, action: str) -> list[str]:
    """The template keys a step of this action may use: "recovery" (the cause's own template),
    then every key of the template library on that channel; none for a staff call."""
    if action not in ("sms", "email"):
        return []
    keys = sorted({t.key for t in list_templates(session, clinic_id) if t.channel == action})
    return [RECOVERY_TEMPLATE, *(k for k in keys if k != RECOVERY_TEMPLATE)]


def sequence_problems(
    session: Session | None,
    clinic_id: int | None,
    steps: Sequence[StepInput],
    *,
    cause_kinds: Sequence[str] = CAUSE_KINDS,
    lost_after_days: int = 14,
) -> list[str]:
    """Every problem of a draft sequence, each naming its step (1-based, as the editor numbers them).

    Templates are checked against the clinic's library when a session is given."""
    problems: list[str] = []
    if not steps:
        problems.append("A recovery sequence needs at least one step.")
    library: set[tuple[str, str]] | None = None
    if session is not None and clinic_id is not None:
        library = {(t.key, t.channel) for t in list_templates(session, clinic_id)}
    previous: tuple[int, int] | None = None  # (step number, delay) of the last step with a valid delay
    for n, s in enumerate(steps, 1):
        if s.action not in STEP_ACTIONS:
            problems.append(f"Step {n}: unknown action {s.action!r}; use SMS, email or staff call.")
        if s.delay_minutes < 0:
            problems.append(f"Step {n}: the delay cannot be negative ({delay_text(s.delay_minutes)}).")
        elif s.delay_minutes > MAX_DELAY_DAYS * DAY:
            problems.append(f"Step {n}: the delay is over {MAX_DELAY_DAYS} days.")
        else:
            if previous is not None and s.delay_minutes < previous[1]:
                problems.append(
                    f"Step {n} ({delay_text(s.delay_minutes)}) comes before step {previous[0]} "
                    f"({delay_text(previous[1])}): put the steps in order of their delay."
                )
            previous = (n, s.delay_minutes)
        if s.latest_local_minute is not None and not 0 < s.latest_local_minute <= DAY:
            problems.append(f"Step {n}: the latest time must be within the day (00:01–24:00).")
        if s.action in ("sms", "email") and library is not None:
            key = s.template_key.strip()
            channel = ACTION_LABELS[s.action] if s.action == "sms" else "email"
            if not key:
                problems.append(f"Step {n}: choose a message template for the {channel}.")
            elif key == RECOVERY_TEMPLATE:
                missing = [f"{key}.{c}" for c in cause_kinds if (f"{key}.{c}", s.action) not in library]
                if missing:
                    problems.append(
                        f"Step {n}: the template library has no {channel} template {missing[0]!r}."
                    )
            elif (key, s.action) not in library:
                problems.append(f"Step {n}: unknown template {key!r}; the library has no {channel} "
                                "template with that key.")
    unknown = [k for k in cause_kinds if k not in CAUSE_KINDS]
    if unknown:
        problems.append(f"Unknown cause {unknown[0]!r}; use no_show or late_cancel.")
    elif not cause_kinds:
        problems.append("Choose at least one cause that starts a case (no-show or late cancellation).")
    if not 1 <= lost_after_days <= MAX_LOST_AFTER_DAYS:
        problems.append(
            f"'Lost after' must be between 1 and {MAX_LOST_AFTER_DAYS} days (it is {lost_after_days})."
        )
    return problems


def _check_steps(steps: Sequence[StepInput]) -> None:
    problems = sequence_problems(None, None, steps)
    if problems:
        raise ValidationError(" ".join(problems), field="steps")


def load_sequence(session: Session, clinic_id: int) -> SequenceSettings:
    """The clinic's active recovery sequence for the editor (the defaults if it never saved one)."""
    seq = session.scalar(
        select(RecoverySequence).where(
            RecoverySequence.clinic_id == clinic_id, RecoverySequence.is_active.is_(True)
        )
    )
    if seq is None:
        return SequenceSettings("Missed visit follow-up", DEFAULT_STEPS, CAUSE_KINDS, 14, saved=False)
    steps = tuple(
        StepInput(s.action, s.delay_minutes, s.latest_local_minute, s.template_key)
        for s in _steps(session, seq.id)
    )
    return SequenceSettings(
        seq.name, steps, tuple(seq.cause_kinds or ()), seq.lost_after_days, saved=True,
        updated_at=seq.updated_at,
    )


def save_sequence(
    session: Session,
    actor: Actor,
    clinic_id: int,
    steps: Sequence[StepInput],
    *,
    now: datetime,
    name: str = "Missed visit follow-up",
    cause_kinds: Sequence[str] = CAUSE_KINDS,
    lost_after_days: int = 14,
) -> RecoverySequence:
    """A manager replaces the clinic's recovery sequence; refused with every problem named (nothing
    is saved then). Open cases keep their step positions."""
    _require_manager(actor)
    problems = sequence_problems(
        session, clinic_id, steps, cause_kinds=cause_kinds, lost_after_days=lost_after_days
    )
    if problems:
        raise ValidationError(" ".join(problems), field="steps")
    before = load_sequence(session, clinic_id)
    seq = _write_sequence(
        session, clinic_id, steps, now=now, name=name.strip() or before.name, cause_kinds=cause_kinds,
        lost_after_days=lost_after_days,
    )
    audit.record(
        session,
        actor,
        "recovery.sequence",
        "recovery_sequence",
        seq.id,
        now=now,
        before={"steps": [step_label(s) for s in before.steps], "causes": list(before.cause_kinds),
                "lost_after_days": before.lost_after_days} if before.saved else None,
        after={"steps": [step_label(s) for s in steps], "causes": list(cause_kinds),
               "lost_after_days": lost_after_days},
    )
    return seq


def _write_sequence(
    session: Session,
    clinic_id: int,
    steps: Sequence[StepInput],
    *,
    now: datetime,
    name: str = "Missed visit follow-up",
    cause_kinds: Sequence[str] = CAUSE_KINDS,
    lost_after_days: int = 14,
) -> RecoverySequence:
    """Create or replace the clinic's recovery sequence (open cases keep their step positions)."""
    _check_steps(steps)
    seq = session.scalar(
        select(RecoverySequence).where(
            RecoverySequence.clinic_id == clinic_id, RecoverySequence.is_active.is_(True)
        )
    )
    if seq is None:
        seq = RecoverySequence(clinic_id=clinic_id, created_at=now)
        session.add(seq)
    seq.name, seq.cause_kinds, seq.lost_after_days, seq.updated_at = (
        name,
        list(cause_kinds),
        lost_after_days,
        now,
    )
    seq.is_active = True
    session.flush()
    for old in session.scalars(select(RecoveryStep).where(RecoveryStep.sequence_id == seq.id)):
        session.delete(old)
    session.flush()
    session.add_all(
        [
            RecoveryStep(
                sequence_id=seq.id,
                position=i,
                action=s.action,
                delay_minutes=s.delay_minutes,
                latest_local_minute=s.latest_local_minute,
                template_key=s.template_key,
            )
            for i, s in enumerate(steps)
        ]
    )
    session.flush()
    return seq


def _sequence(session: Session, clinic_id: int, now: datetime) -> RecoverySequence:
    seq = session.scalar(
        select(RecoverySequence).where(
            RecoverySequence.clinic_id == clinic_id, RecoverySequence.is_active.is_(True)
        )
    )
    return seq if seq is not None else _write_sequence(session, clinic_id, DEFAULT_STEPS, now=now)


def seed_default_sequence(session: Session, clinic_id: int, *, now: datetime) -> bool:
    """Give a new clinic the default missed-visit sequence; False when it has one already."""
    had = session.scalar(select(RecoverySequence.id).where(RecoverySequence.clinic_id == clinic_id).limit(1))
    if had is not None:
        return False
    _write_sequence(session, clinic_id, DEFAULT_STEPS, now=now)
    return True


def _steps(session: Session, sequence_id: int | None) -> list[RecoveryStep]:
    if sequence_id is None:
        return []
    return list(
        session.scalars(
            select(RecoveryStep)
            .where(RecoveryStep.sequence_id == sequence_id, RecoveryStep.is_active.is_(True))
            .order_by(RecoveryStep.position)
        )
    )


def step_label(step: RecoveryStep | StepInput) -> str:
    days, rest = divmod(step.delay_minutes, DAY)
    when = (
        "same day"
        if step.delay_minutes == 0
        else (
            f"after {days} day{'s' if days != 1 else ''}"
            if not rest
            else f"after {step.delay_minutes // 60} h"
        )
    )
    latest = (
        f" (before {step.latest_local_minute // 60:02d}:{step.latest_local_minute % 60:02d})"
        if step.latest_local_minute
        else ""
    )
    return f"{ACTION_LABELS[step.action]} {when}{latest}"


# --- Cases ----------------------------------------------------------------------------------


def _log(case: RecoveryCase, now: datetime, event: str, detail: str, by: str = "automation") -> None:
    # A new list, so SQLAlchemy sees the JSON column change.
    case.history = [*case.history, {"at": now.isoformat(), "event": event, "detail": detail, "by": by}]
    case.updated_at = now


def _schedule_next(
    session: Session, case: RecoveryCase, steps: Sequence[RecoveryStep], now: datetime
) -> None:
    upcoming = [s for s in steps if s.position >= case.next_position]
    if upcoming:
        step = upcoming[0]
        case.next_position = step.position
        case.next_step_at = case.opened_at + timedelta(minutes=step.delay_minutes)
        case.next_step_label = step_label(step)
        return
    seq = session.get(RecoverySequence, case.sequence_id) if case.sequence_id else None
    last = max((s.delay_minutes for s in steps), default=0)
    case.next_position = (steps[-1].position + 1) if steps else 0
    case.next_step_at = (
        case.opened_at + timedelta(minutes=last) + timedelta(days=seq.lost_after_days if seq else 14)
    )
    case.next_step_label = "Lost if not booked"


def start_case(
    session: Session, appointment: Appointment, cause_kind: str, *, now: datetime
) -> RecoveryCase | None:
    """Open a case for a missed visit (idempotent per appointment and cause); None if the clinic's
    sequence does not follow up this cause."""
    if cause_kind not in CAUSE_KINDS:
        raise ValidationError(f"Unknown cause {cause_kind!r}.", field="cause_kind")
    existing = session.scalar(
        select(RecoveryCase).where(
            RecoveryCase.appointment_id == appointment.id, RecoveryCase.cause_kind == cause_kind
        )
    )
    if existing is not None:
        return existing
    seq = _sequence(session, appointment.clinic_id, now)
    if cause_kind not in (seq.cause_kinds or []):
        return None
    case = RecoveryCase(
        clinic_id=appointment.clinic_id,
        patient_id=appointment.patient_id,
        appointment_id=appointment.id,
        cause_kind=cause_kind,
        provider_id=appointment.provider_id,
        location_id=appointment.location_id,
        type_id=appointment.type_id,
        missed_start_at=appointment.start_at,
        sequence_id=seq.id,
        status="open",
        next_position=0,
        opened_at=now,
        history=[],
        updated_at=now,
    )
    _log(
        case,
        now,
        "opened",
        f"{CAUSE_LABELS[cause_kind].capitalize()} of the visit on "
        f"{_local_text(session, appointment.location_id, appointment.start_at)}",
    )
    _schedule_next(session, case, _steps(session, seq.id), now)
    session.add(case)
    session.flush()
    return case


def _finish(
    session: Session, case: RecoveryCase, status: str, now: datetime, detail: str, by: str = "automation"
) -> None:
    case.status, case.closed_at, case.next_step_at = status, now, None
    case.next_step_label, case.outcome = "", detail[:200]
    _log(case, now, status, detail, by)
    if case.call_task_id is not None:
        task = session.get(StaffTask, case.call_task_id)
        if task is not None and task.status == "open":
            task.status, task.outcome, task.done_at, task.done_by, task.updated_at = (
                "done",
                "rebooked" if status == "rescheduled" else status,
                now,
                by,
                now,
            )
    # Messages of the case not yet sent are pointless now.
    for msg in session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.source_type == SOURCE,
            OutboxMessage.source_id == case.id,
            OutboxMessage.status.in_(("queued", "deferred")),
        )
    ):
        msg.status, msg.error_code, msg.error = "cancelled", "recovery", f"recovery case {status}"
        session.add(_event(msg.id, now, f"recovery case {status}: not needed"))


def _event(message_id: int, now: datetime, detail: str) -> Any:
    from orca_desk.models import OutboxEvent

    return OutboxEvent(message_id=message_id, at=now, status="cancelled", detail=detail[:500])


def on_booked(session: Session, appointment: Appointment, *, now: datetime) -> int:
    """A new booking for the patient closes their live cases as rescheduled; returns how many."""
    cases = list(
        session.scalars(
            select(RecoveryCase).where(
                RecoveryCase.patient_id == appointment.patient_id, RecoveryCase.status.in_(LIVE_CASE_STATUSES)
            )
        )
    )
    for case in cases:
        case.rebooked_appointment_id, case.rebooked_at = appointment.id, now
        _finish(
            session,
            case,
            "rescheduled",
            now,
            f"Booked again for {_local_text(session, appointment.location_id, appointment.start_at)}",
        )
    return len(cases)


def after_appointment_change(session: Session, change: Any, *, now: datetime) -> None:
    """The booking seam: no-show or late cancellation → a case; a booking → rescheduled; a restored
    visit closes its case."""
    a: Appointment = change.appointment
    if change.kind == "no_show":
        start_case(session, a, "no_show", now=now)
    elif change.kind == "cancelled" and a.late_cancel:
        start_case(session, a, "late_cancel", now=now)
    elif change.kind == "booked":
        on_booked(session, a, now=now)
    elif change.kind == "restored":
        for case in session.scalars(
            select(RecoveryCase).where(
                RecoveryCase.appointment_id == a.id, RecoveryCase.status.in_(LIVE_CASE_STATUSES)
            )
        ):
            _finish(
                session,
                case,
                "closed",
                now,
                "The visit was restored (the no-show or cancellation was undone)",
            )


# --- Rendering ------------------------------------------------------------------------------


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _local_text(session: Session, location_id: int, at: datetime, style: str | None = None) -> str:
    """For staff: "Wed 18 Nov 10:55 AM" at the location, in the clinic's format (``style``, else read)."""
    loc = session.get(Location, location_id)
    zone = _zone(loc.timezone if loc else None)
    local = at.astimezone(zone)
    clock = local_time.fmt_time(at, zone, style or local_time.clinic_time_format(session))
    return f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {clock}"


def _values(
    session: Session, case: RecoveryCase, p: Patient, channel: str, address: str, now: datetime
) -> dict[str, str]:
    loc = session.get(Location, case.location_id)
    clinic = session.get(Clinic, case.clinic_id)
    local = case.missed_start_at.astimezone(_zone(loc.timezone if loc else None))
    hour = local.hour % 12 or 12
    phone = (loc.phone if loc else "") or (clinic.phone if clinic else "")
    values = {
        "first_name": (p.guardian_name or "").split()[0] if p.guardian_name else p.first_name,
        "patient_first_name": p.first_name,
        "guardian_name": p.guardian_name or p.display_name,
        "date": f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}",
        "time": f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}",
        "day": local.strftime("%A"),
        "location": loc.name if loc else "",
        "location_address": (loc.address or loc.name) if loc else "",
        "clinic_name": clinic.name if clinic else "",
        "clinic_phone": phone,
        "provider": session.scalar(select(Provider.name).where(Provider.id == case.provider_id)) or "",
        "hold_minutes": "",
        "hold": "",
        "offer_count": "",
        "link": f"(call {phone})" if phone else "",
        "unsubscribe_link": "reply to this email with UNSUBSCRIBE",
    }
    if channel == "email":
        from orca_desk.services.reminders import load_settings

        settings = load_settings(session)
        if settings.secret is not None:
            from orca_desk.services.patient_links import unsubscribe_link_for

            values["unsubscribe_link"] = unsubscribe_link_for(
                session, "email", address, secret=settings.secret, base_url=settings.base_url, now=now
            )
    assert set(values) == KNOWN_VARIABLES
    return values


# --- The tick -------------------------------------------------------------------------------


@dataclass
class RecoveryTick:
    steps_run: int = 0
    messages: int = 0
    skipped: int = 0
    calls: int = 0
    contacted: int = 0
    rescheduled: int = 0
    lost: int = 0


def _booked_since(session: Session, case: RecoveryCase) -> Appointment | None:
    return session.scalar(
        select(Appointment)
        .where(
            Appointment.patient_id == case.patient_id,
            Appointment.id != case.appointment_id,
            Appointment.created_at > case.opened_at,
            Appointment.status.in_(ACTIVE_STATUSES),
        )
        .order_by(Appointment.created_at)
        .limit(1)
    )


def _deadline(session: Session, case: RecoveryCase, step: RecoveryStep, due: datetime) -> datetime | None:
    if step.latest_local_minute is None:
        return None
    loc = session.get(Location, case.location_id)
    zone = _zone(loc.timezone if loc else None)
    local_day = due.astimezone(zone).date()
    h, m = divmod(step.latest_local_minute, 60)
    wall = datetime.combine(local_day, time(0), tzinfo=zone) + timedelta(hours=h, minutes=m)
    return wall.astimezone(UTC)


def _run_step(
    session: Session, case: RecoveryCase, step: RecoveryStep, now: datetime, report: RecoveryTick
) -> None:
    due = case.next_step_at or now
    patient = session.get(Patient, case.patient_id)
    assert patient is not None
    report.steps_run += 1
    if step.action == "call":
        task = session.get(StaffTask, case.call_task_id) if case.call_task_id else None
        if task is None:
            cause = CAUSE_LABELS[case.cause_kind]
            task = StaffTask(
                clinic_id=case.clinic_id,
                kind="call",
                appointment_id=case.appointment_id,
                patient_id=case.patient_id,
                status="open",
                attempts=[],
                created_at=now,
                updated_at=now,
                reason=f"Recovery: call {patient.display_name} to rebook after the {cause} on "
                f"{_local_text(session, case.location_id, case.missed_start_at)}"[:300],
            )
            session.add(task)
            session.flush()
            case.call_task_id = task.id
        _log(case, now, "call_task", "A call to rebook is on the staff task list")
        report.calls += 1
        return
    deadline = _deadline(session, case, step, due)
    if deadline is not None and now >= deadline:
        _log(
            case,
            now,
            f"{step.action}_skipped",
            f"{ACTION_LABELS[step.action]} skipped: too late that day (after the step's latest time)",
        )
        report.skipped += 1
        return
    key = f"{step.template_key}.{case.cause_kind}" if step.template_key == "recovery" else step.template_key
    try:
        tpl = get_template(session, case.clinic_id, key, step.action)
        address = (patient.contact_phone if step.action == "sms" else patient.contact_email) or ""
        values = _values(session, case, patient, step.action, address, now)
        body = render(tpl.body, values)
        subject = render(tpl.subject, values) if tpl.subject else None
        if step.action == "email" and not patient.email_consent:
            raise ValidationError(f"No email consent is recorded for {patient.display_name}.")
        msg = enqueue_for_patient(
            session,
            patient,
            body=body,
            subject=subject,
            purpose=PURPOSE,
            dedupe_key=f"recovery:{case.id}:{step.position}:{step.action}",
            now=now,
            channel=step.action,
            appointment_id=None,
            source_type=SOURCE,
            source_id=case.id,
            send_after=due,
            not_after=deadline,
        )
    except (ValidationError, NotFound) as exc:
        _log(case, now, f"{step.action}_skipped", f"{ACTION_LABELS[step.action]} not sent: {exc}")
        report.skipped += 1
        return
    _log(case, now, f"{step.action}_queued", f"{ACTION_LABELS[step.action]} queued (message #{msg.id})")
    report.messages += 1


def _advance(session: Session, case: RecoveryCase, now: datetime, report: RecoveryTick, *,
             check_bookings: bool = True) -> None:
    booked = _booked_since(session, case) if check_bookings else None
    if booked is not None:  # a booking that did not pass through the seam (an import, another tool)
        case.rebooked_appointment_id, case.rebooked_at = booked.id, booked.created_at
        _finish(
            session,
            case,
            "rescheduled",
            now,
            f"Booked again for {_local_text(session, booked.location_id, booked.start_at)}",
        )
        report.rescheduled += 1
        return
    steps = _steps(session, case.sequence_id)
    step = next((s for s in steps if s.position == case.next_position), None)
    if step is None:
        _finish(session, case, "lost", now, "No booking after the whole follow-up")
        report.lost += 1
        return
    _run_step(session, case, step, now, report)
    case.next_position = step.position + 1
    _schedule_next(session, case, steps, now)


def _sync_contacted(session: Session, now: datetime, report: RecoveryTick) -> None:
    rows = session.execute(
        select(RecoveryCase, OutboxMessage.sent_at, OutboxMessage.channel)
        .join(
            OutboxMessage,
            (OutboxMessage.source_type == SOURCE) & (OutboxMessage.source_id == RecoveryCase.id),
        )
        .where(RecoveryCase.status == "open", OutboxMessage.status.in_(("sent", "delivered")))
    ).all()
    for case, sent_at, channel in rows:
        if case.status == "open":
            case.status, case.contacted_at = "contacted", sent_at or now
            _log(case, now, "contacted", f"{ACTION_LABELS.get(channel, channel)} went out")
            report.contacted += 1


def process_recovery(db: Any, *, now: datetime, batch: int = 200) -> RecoveryTick:
    """Run every step due by ``now`` (idempotent: each case advances in one transaction with its
    message; a rerun or a restart finds the case already moved on, the outbox key already there)."""
    report = RecoveryTick()
    with db.write() as session:
        _sync_contacted(session, now, report)
    for _ in range(10_000):
        with db.write() as session:
            q = (
                select(RecoveryCase)
                .where(RecoveryCase.status.in_(LIVE_CASE_STATUSES), RecoveryCase.next_step_at <= now)
                .order_by(RecoveryCase.next_step_at, RecoveryCase.id)
                .limit(batch)
            )
            if getattr(db, "is_postgres", False):
                q = q.with_for_update(skip_locked=True)
            cases = list(session.scalars(q))
            if not cases:
                break
            for case in cases:
                # Several steps may be due at once after a long sleep; each runs once, in order.
                for _step in range(20):
                    if (
                        case.status not in LIVE_CASE_STATUSES
                        or case.next_step_at is None
                        or case.next_step_at > now
                    ):
                        break
                    _advance(session, case, now, report)
    return report


def process_recovery_job(ctx: Any) -> RecoveryTick:
    """The automation runtime's tick (``TickJob("recovery", process_recovery_job, every=1 min)``)."""
    return process_recovery(ctx.db, now=ctx.clock.now())


def tick_job() -> Any:
    """The runtime registration: ``runtime.register_tick(recovery.tick_job())``."""
    from orca_desk.automation.runtime import TickJob

    return TickJob("recovery", process_recovery_job, every=timedelta(minutes=1))


# --- Staff actions --------------------------------------------------------------------------


def _case(session: Session, case_id: int) -> RecoveryCase:
    case = session.get(RecoveryCase, case_id)
    if case is None:
        raise NotFound(f"There is no recovery case #{case_id}.")
    return case


def log_call_outcome(
    session: Session, actor: Actor, case_id: int, outcome: str, *, now: datetime, note: str = ""
) -> RecoveryCase:
    """Record a call to the family; "not_interested" closes the case as lost."""
    actor.require(BOOK)
    if outcome not in CALL_OUTCOMES:
        raise ValidationError(
            f"Unknown call outcome {outcome!r}; choose one of {', '.join(CALL_OUTCOMES)}.", field="outcome"
        )
    case = _case(session, case_id)
    if case.status not in LIVE_CASE_STATUSES:
        raise ValidationError(
            f"This case is already {case.status}; no more calls are needed.", field="status"
        )
    label = CALL_OUTCOMES[outcome]
    text = label + (f" — {note.strip()}" if note.strip() else "")
    _log(case, now, "call", text, actor.username)
    if case.call_task_id is not None:
        task = session.get(StaffTask, case.call_task_id)
        if task is not None:
            task.attempts = [
                *(task.attempts or []),
                {"at": now.isoformat(), "outcome": outcome, "by": actor.username, "note": note[:200]},
            ]
            task.outcome, task.updated_at = outcome[:20], now
    if outcome in CONTACTED_OUTCOMES and case.status == "open":
        case.status, case.contacted_at = "contacted", now
    audit.record(
        session, actor, "recovery.call", "recovery_case", case.id, now=now, after={"outcome": outcome}
    )
    if outcome == "not_interested":
        _finish(
            session,
            case,
            "lost",
            now,
            "The family is not interested" + (f": {note.strip()}" if note else ""),
            actor.username,
        )
    return case


def close_case(
    session: Session, actor: Actor, case_id: int, *, now: datetime, status: str = "lost", reason: str = ""
) -> RecoveryCase:
    """Staff close a case: lost (the family will not come back) or closed (nothing to recover)."""
    actor.require(BOOK)
    if status not in ("lost", "closed"):
        raise ValidationError("A case can be closed as lost or closed.", field="status")
    case = _case(session, case_id)
    if case.status not in LIVE_CASE_STATUSES:
        raise ValidationError(f"This case is already {case.status}.", field="status")
    before = case.status
    _finish(
        session,
        case,
        status,
        now,
        reason.strip() or ("Closed as lost by staff" if status == "lost" else "Closed by staff"),
        actor.username,
    )
    audit.record(
        session,
        actor,
        f"recovery.{status}",
        "recovery_case",
        case.id,
        now=now,
        before={"status": before},
        after={"status": status, "reason": reason},
    )
    return case


# --- Views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    event: str
    detail: str
    by: str


@dataclass(frozen=True)
class CaseRow:
    id: int
    patient_id: int
    patient_name: str
    responsible: str
    phone: str
    cause_kind: str
    cause_label: str
    missed_text: str
    provider: str
    location: str
    type_name: str
    status: str
    opened_at: datetime
    next_step_at: datetime | None
    next_step_label: str
    risk: RiskScore
    history: tuple[HistoryRow, ...]


def list_cases(
    session: Session, *, now: datetime, statuses: Sequence[str] = LIVE_CASE_STATUSES, limit: int = 500
) -> list[CaseRow]:
    """Cases in these statuses, the patients most at risk first (then the oldest)."""
    cases = list(
        session.scalars(
            select(RecoveryCase)
            .where(RecoveryCase.status.in_(statuses))
            .order_by(RecoveryCase.opened_at)
            .limit(limit)
        )
    )
    if not cases:
        return []
    pids = sorted({c.patient_id for c in cases})
    risks = score_patients(session, pids, now=now)
    patients = {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(pids)))}
    providers = dict(session.execute(select(Provider.id, Provider.name)).all())
    locations = dict(session.execute(select(Location.id, Location.name)).all())
    types = dict(session.execute(select(AppointmentType.id, AppointmentType.name)).all())
    rows = []
    style = local_time.clinic_time_format(session)
    for c in cases:
        p = patients[c.patient_id]
        responsible = p.guardian_name or p.display_name
        if p.guardian_name and p.guardian_relation:
            responsible += f" ({p.guardian_relation})"
        rows.append(
            CaseRow(
                c.id,
                c.patient_id,
                p.display_name,
                responsible,
                p.contact_phone or p.phone or "",
                c.cause_kind,
                CAUSE_LABELS[c.cause_kind],
                _local_text(session, c.location_id, c.missed_start_at, style),
                providers.get(c.provider_id, ""),
                locations.get(c.location_id, ""),
                types.get(c.type_id, ""),
                c.status,
                c.opened_at,
                c.next_step_at,
                c.next_step_label,
                risks.get(c.patient_id, RiskScore(c.patient_id, 0, ())),
                tuple(
                    HistoryRow(datetime.fromisoformat(h["at"]), h["event"], h["detail"], h.get("by", ""))
                    for h in (c.history or [])
                ),
            )
        )
    rows.sort(key=lambda r: (-r.risk.score, r.opened_at, r.id))
    return rows


# --- Metrics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupMetrics:
    name: str
    cases: int
    rescheduled: int
    lost: int
    median_days_to_rebook: float | None

    @property
    def rate(self) -> float:
        return self.rescheduled / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class WeekMetrics:
    week_start: datetime
    opened: int
    rescheduled: int


@dataclass(frozen=True)
class RecoveryMetrics:
    cases: int
    open: int
    contacted: int
    rescheduled: int
    lost: int
    closed: int
    median_days_to_rebook: float | None
    by_provider: tuple[GroupMetrics, ...]
    by_location: tuple[GroupMetrics, ...]
    by_type: tuple[GroupMetrics, ...]
    by_cause: tuple[GroupMetrics, ...]
    weeks: tuple[WeekMetrics, ...] = field(default=())

    @property
    def recovery_rate(self) -> float:
        """Re-booked among cases that count (a restored visit or a staff "closed" does not)."""
        counted = self.cases - self.closed
        return self.rescheduled / counted if counted else 0.0


def _group(name: str, cases: Iterable[RecoveryCase]) -> GroupMetrics:
    items = list(cases)
    counted = [c for c in items if c.status != "closed"]
    days = [
        (c.rebooked_at - c.opened_at).total_seconds() / 86400
        for c in counted
        if c.status == "rescheduled" and c.rebooked_at is not None
    ]
    return GroupMetrics(
        name,
        len(counted),
        sum(c.status == "rescheduled" for c in counted),
        sum(c.status == "lost" for c in counted),
        statistics.median(days) if days else None,
    )


def recovery_metrics(session: Session, actor: Actor, *, since: datetime, until: datetime) -> RecoveryMetrics:
    """Recovery rate, time to rebook, and both by provider, location, visit type and cause."""
    actor.require(VIEW_ANALYTICS)
    cases = list(
        session.scalars(
            select(RecoveryCase).where(RecoveryCase.opened_at >= since, RecoveryCase.opened_at < until)
        )
    )
    providers = dict(session.execute(select(Provider.id, Provider.name)).all())
    locations = dict(session.execute(select(Location.id, Location.name)).all())
    types = dict(session.execute(select(AppointmentType.id, AppointmentType.name)).all())

    def by(key: Any, names: dict[Any, str]) -> tuple[GroupMetrics, ...]:
        groups: dict[Any, list[RecoveryCase]] = {}
        for c in cases:
            groups.setdefault(key(c), []).append(c)
        out = [_group(names.get(k, str(k)), v) for k, v in groups.items()]
        return tuple(sorted(out, key=lambda g: (-g.cases, g.name)))

    total = _group("all", cases)
    start = (since - timedelta(days=since.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    weeks = []
    while start < until:
        end = start + timedelta(days=7)
        inside = [c for c in cases if start <= c.opened_at < end]
        weeks.append(WeekMetrics(start, len(inside), sum(c.status == "rescheduled" for c in inside)))
        start = end
    return RecoveryMetrics(
        cases=len(cases),
        open=sum(c.status == "open" for c in cases),
        contacted=sum(c.status == "contacted" for c in cases),
        rescheduled=total.rescheduled,
        lost=total.lost,
        closed=sum(c.status == "closed" for c in cases),
        median_days_to_rebook=total.median_days_to_rebook,
        by_provider=by(lambda c: c.provider_id, providers),
        by_location=by(lambda c: c.location_id, locations),
        by_type=by(lambda c: c.type_id, types),
        by_cause=by(lambda c: c.cause_kind, dict(CAUSE_LABELS)),
        weeks=tuple(weeks),
    )


# --- Demo -----------------------------------------------------------------------------------


def seed_from_history(session: Session, clinic_id: int, *, now: datetime, days: int = 21) -> int:
    """Open cases for the recent no-shows and late cancellations (demo data bypasses the seam)."""
    since = now - timedelta(days=days)
    appts = list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.clinic_id == clinic_id,
                Appointment.start_at >= since,
                Appointment.start_at < now,
                (Appointment.status == "no_show")
                | ((Appointment.status == "cancelled") & Appointment.late_cancel.is_(True)),
            )
            .order_by(Appointment.start_at)
        )
    )
    opened = 0
    report = RecoveryTick()
    for a in appts:
        at = min(now, a.end_at + timedelta(hours=1))
        case = start_case(session, a, "no_show" if a.status == "no_show" else "late_cancel", now=at)
        if case is None:
            continue
        opened += 1
        later = session.scalar(
            select(Appointment)
            .where(
                Appointment.patient_id == a.patient_id,
                Appointment.start_at > a.start_at,
                Appointment.status.in_(ACTIVE_STATUSES),
            )
            .order_by(Appointment.start_at)
            .limit(1)
        )
        rebooked = case.opened_at + timedelta(days=1 + case.id % 6)
        if later is not None and case.id % 3 != 0 and rebooked <= now:
            # Demo appointments are inserted in bulk: pretend the later visit was booked then.
            case.rebooked_appointment_id, case.rebooked_at = later.id, rebooked
            _finish(
                session,
                case,
                "rescheduled",
                rebooked,
                f"Booked again for {_local_text(session, later.location_id, later.start_at)}",
            )
            continue
        while (
            case.status in LIVE_CASE_STATUSES and case.next_step_at is not None and case.next_step_at <= now
        ):
            _advance(session, case, case.next_step_at, report, check_bookings=False)  # as the tick would have
    return opened
