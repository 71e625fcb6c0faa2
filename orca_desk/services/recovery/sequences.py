"""The clinic's recovery sequence: its steps and their checks, the editor's load and save, step labels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Clinic
from orca_desk.models.recovery import CAUSE_KINDS, STEP_ACTIONS, RecoverySequence, RecoveryStep
from orca_desk.services.access import audit
from orca_desk.services.access.security import ADMIN, MANAGE_CAMPAIGNS, Actor
from orca_desk.services.errors import NotFound, PermissionDenied, ValidationError
from orca_desk.services.local_time import clinic_time_format, message_clock
from orca_desk.services.messaging.message_locale import sequence_name
from orca_desk.services.messaging.message_templates import (
    TemplateCheck,
    check_template,
    get_template,
    list_templates,
    read_sample_clinic,
)
from orca_desk.services.recovery.rows import (
    ACTION_LABELS,
    DAY,
    RECOVERY_TEMPLATE,
    SequenceSettings,
    StepInput,
    step_label,
)

DEFAULT_NAME = "Missed visit follow-up"
# The front-desk day: an SMS the same evening (before 21:00), an email two days later, a call at five.
DEFAULT_STEPS = (StepInput("sms", 0, 21 * 60), StepInput("email", 2 * DAY), StepInput("call", 5 * DAY))
MAX_DELAY_DAYS = 365
MAX_LOST_AFTER_DAYS = 365


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


def step_messages(
    session: Session, clinic_id: int, step: StepInput, *, base_url: str | None = None
) -> list[tuple[str, TemplateCheck | None]]:
    """The templates a message step sends (the cause's own ones for "recovery"), each checked
    with sample values; ``None`` where the clinic has no template with that key on the step's channel."""
    if step.action not in ("sms", "email"):
        return []
    keys = (
        [f"{RECOVERY_TEMPLATE}.{kind}" for kind in CAUSE_KINDS]
        if step.template_key == RECOVERY_TEMPLATE
        else [step.template_key]
    )
    checked: list[tuple[str, TemplateCheck | None]] = []
    hour_format, country = message_clock(session)  # the sample visit as the clinic's families read it
    clinic = read_sample_clinic(session)
    for key in keys:
        try:
            tpl = get_template(session, clinic_id, key, step.action, clinic.language)
        except NotFound:
            checked.append((key, None))
            continue
        checked.append(
            (
                key,
                check_template(
                    tpl.body,
                    tpl.subject,
                    step.action,
                    base_url=base_url,
                    language=clinic.language,
                    country=country,
                    hour_format=hour_format,
                    clinic=clinic,
                ),
            )
        )
    return checked


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
                problems.append(
                    f"Step {n}: unknown template {key!r}; the library has no {channel} "
                    "template with that key."
                )
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
        name = sequence_name(
            DEFAULT_NAME, session.scalar(select(Clinic.language).where(Clinic.id == clinic_id))
        )
        return SequenceSettings(name, DEFAULT_STEPS, CAUSE_KINDS, 14, saved=False)
    steps = tuple(
        StepInput(s.action, s.delay_minutes, s.latest_local_minute, s.template_key)
        for s in _steps(session, seq.id)
    )
    return SequenceSettings(
        seq.name,
        steps,
        tuple(seq.cause_kinds or ()),
        seq.lost_after_days,
        saved=True,
        updated_at=seq.updated_at,
    )


def save_sequence(
    session: Session,
    actor: Actor,
    clinic_id: int,
    steps: Sequence[StepInput],
    *,
    now: datetime,
    name: str = DEFAULT_NAME,
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
        session,
        clinic_id,
        steps,
        now=now,
        name=name.strip() or before.name,
        cause_kinds=cause_kinds,
        lost_after_days=lost_after_days,
    )
    style = clinic_time_format(session)
    audit.record(
        session,
        actor,
        "recovery.sequence",
        "recovery_sequence",
        seq.id,
        now=now,
        before={
            "steps": [step_label(s, style) for s in before.steps],
            "causes": list(before.cause_kinds),
            "lost_after_days": before.lost_after_days,
        }
        if before.saved
        else None,
        after={
            "steps": [step_label(s, style) for s in steps],
            "causes": list(cause_kinds),
            "lost_after_days": lost_after_days,
        },
    )
    return seq


def _write_sequence(
    session: Session,
    clinic_id: int,
    steps: Sequence[StepInput],
    *,
    now: datetime,
    name: str = DEFAULT_NAME,
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
    language = session.scalar(select(Clinic.language).where(Clinic.id == clinic_id))
    _write_sequence(session, clinic_id, DEFAULT_STEPS, now=now, name=sequence_name(DEFAULT_NAME, language))
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
