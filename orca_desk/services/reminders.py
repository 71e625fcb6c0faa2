"""Reminder sequences: defaults, editing, planning every future appointment's steps, the tick job.

Durable state is rows with due times. Planning writes ``PlannedReminder`` rows (one per
appointment, step and channel, keyed by the appointment's start) in the transaction of the
change that caused it (``after_appointment_change``, called from the booking seam). The
tick (``process_reminders``) turns due rows into outbox messages, one per family and day
on one number or address (siblings share a parent's phone), with a dedupe key per
appointment + step + channel + start, so a retried tick or a second worker never queues a
message twice. Rules:

* a step whose time has passed when the appointment is booked is skipped, never sent late;
* a move plans the new time and withdraws the old steps (their queued messages are cancelled);
  a cancellation, no-show or arrival withdraws what is pending;
* once confirmed, the remaining "please confirm" steps are skipped (declined: every step);
* a step is sent on each of its channels the family can receive (SMS needs consent and no
  STOP; email needs consent and no unsubscribe); the others are skipped with the reason;
* after downtime, of several steps due at once only the latest (closest to the visit) goes.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from orca_desk.models import (
    Appointment,
    AppointmentType,
    Clinic,
    ContactState,
    Location,
    OutboxMessage,
    Patient,
    Provider,
)
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.models.reminders import (
    ConfirmationRequest,
    PlannedReminder,
    ReminderSequence,
    ReminderStep,
    StaffTask,
)
from orca_desk.services import audit
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import NotFound, PermissionDenied, ValidationError
from orca_desk.services.message_templates import SAMPLE_VALUES, check_template, get_template
from orca_desk.services.messaging.policy import (
    MessagingPolicy,
    format_date,
    format_time,
    merge_family_messages,
)
from orca_desk.services.messaging.render import KNOWN_VARIABLES, SegmentInfo, render
from orca_desk.services.security import ADMIN, MANAGE_CAMPAIGNS, Actor

SOURCE = "reminder"  # OutboxMessage.source_type of every reminder
PURPOSE = "appointment_reminder"
CONFIRM_PURPOSE = "confirmation_request"
UPCOMING = ("scheduled", "confirmed")
PENDING = ("planned", "queued")
MAX_OFFSET = 60 * 24 * 60  # 60 days
# Why a step is skipped because of the family's answer (a revert to unconfirmed revives them).
SKIP_CONFIRMED = "Already confirmed."
SKIP_DECLINED = "The family declined this visit."
SKIP_CALLBACK = "The family asked for a call."
ANSWER_SKIPS = (SKIP_CONFIRMED, SKIP_DECLINED, SKIP_CALLBACK)
SKIP_PAST = "Its time had already passed when the appointment was booked."
SETTING_ESCALATION = "reminders.escalation_hours"
SETTING_RELEASE = "reminders.release_on_decline"
_PLANS_CACHE = "orca_desk.reminders.plans"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- Settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderSettings:
    """How reminders and confirmations behave.

    ``escalation``: appointments still unconfirmed this long before their start go to the
    call list (widened to the end of that local day, so tomorrow is called in one go).
    ``release_on_decline``: a declined visit is cancelled so its slot goes to the waitlist.
    ``secret``/``base_url`` sign the confirm/decline/call links (None: reply-only texts).
    """

    escalation: timedelta = timedelta(hours=24)
    release_on_decline: bool = True
    policy: MessagingPolicy = field(default_factory=MessagingPolicy)
    base_url: str = "http://127.0.0.1:8765"
    secret: bytes | None = None


def load_settings(session: Session, *, with_secret: bool = True) -> ReminderSettings:
    """The clinic's reminder settings (stored as ``clinic_setting`` rows), policy and link secret."""
    from orca_desk.services import clinic_settings, patient_links

    stored = {r.key: r.value for r in session.scalars(select(ClinicSetting).where(
        ClinicSetting.key.in_((SETTING_ESCALATION, SETTING_RELEASE))))}
    hours = 24
    with contextlib.suppress(ValueError):
        hours = int(stored.get(SETTING_ESCALATION, "24"))
    release = stored.get(SETTING_RELEASE, "true").strip().lower() in ("true", "1", "yes")
    secret: bytes | None = None
    if with_secret:
        try:
            secret = patient_links.link_secret()
        except (ValidationError, OSError):
            secret = None
    return ReminderSettings(escalation=timedelta(hours=hours), release_on_decline=release,
                            policy=clinic_settings.messaging_policy(session),
                            base_url=patient_links.public_base_url(session), secret=secret)


def save_settings(session: Session, actor: Actor, *, escalation_hours: int, release_on_decline: bool,
                  now: datetime) -> None:
    """Store the escalation time (1–168 h) and whether a decline releases the slot; audited."""
    _require_manager(actor)
    if not 1 <= escalation_hours <= 168:
        raise ValidationError("Escalate between 1 and 168 hours (a week) before the visit.",
                              field="escalation_hours")
    values = {SETTING_ESCALATION: str(escalation_hours),
              SETTING_RELEASE: "true" if release_on_decline else "false"}
    for key, value in values.items():
        row = session.get(ClinicSetting, key)
        if row is None:
            session.add(ClinicSetting(key=key, value=value, updated_at=now, updated_by=actor.username))
        else:
            row.value, row.updated_at, row.updated_by = value, now, actor.username
    session.flush()
    audit.record(session, actor, "update", "reminder_settings", 0, now=now, after=values)


def may_manage(actor: Actor) -> bool:
    """Whether ``actor`` may change sequences and confirmation settings (managers, administrators)."""
    return actor.can(MANAGE_CAMPAIGNS) or actor.can(ADMIN)


def _require_manager(actor: Actor) -> None:
    if not may_manage(actor):
        raise PermissionDenied(f"{actor.display_name or actor.username} may not change reminder "
                               "sequences; ask a manager.")


# --- Sequences: rows, validation, saving ------------------------------------------------------


@dataclass(frozen=True)
class StepInput:
    """One step as the editor gives it; empty texts mean "use the clinic's template"."""

    offset_minutes: int
    channels: tuple[str, ...]
    template_key: str = ""
    asks_for_confirmation: bool = False
    sms_body: str | None = None
    email_subject: str | None = None
    email_body: str | None = None


@dataclass(frozen=True)
class SequenceInput:
    name: str
    appointment_type_ids: tuple[int, ...] = ()
    is_active: bool = True
    is_default: bool = False
    steps: tuple[StepInput, ...] = ()


@dataclass(frozen=True)
class StepRow:
    id: int
    position: int
    offset_minutes: int
    channels: tuple[str, ...]
    template_key: str
    asks_for_confirmation: bool
    sms_body: str | None
    email_subject: str | None
    email_body: str | None

    @property
    def label(self) -> str:
        return offset_label(self.offset_minutes)

    def as_input(self) -> StepInput:
        return StepInput(self.offset_minutes, self.channels, self.template_key, self.asks_for_confirmation,
                         self.sms_body, self.email_subject, self.email_body)


@dataclass(frozen=True)
class SequenceRow:
    id: int
    name: str
    appointment_type_ids: tuple[int, ...]
    type_names: tuple[str, ...]
    is_active: bool
    is_default: bool
    steps: tuple[StepRow, ...]
    updated_at: datetime

    def as_input(self) -> SequenceInput:
        return SequenceInput(self.name, self.appointment_type_ids, self.is_active, self.is_default,
                             tuple(s.as_input() for s in self.steps))


def offset_label(minutes: int) -> str:
    """``7 days``, ``2 h``, ``1 day 3 h 30 min`` — how far before the visit."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)


def offset_minutes(days: int = 0, hours: int = 0, minutes: int = 0) -> int:
    return days * 24 * 60 + hours * 60 + minutes


DEFAULT_SEQUENCE = SequenceInput(
    name="Standard reminders", is_default=True, steps=(
        StepInput(offset_minutes(days=7), ("email",), "reminder.week"),
        StepInput(offset_minutes(days=2), ("sms",), "reminder.confirm", asks_for_confirmation=True),
        StepInput(offset_minutes(hours=2), ("sms",), "reminder.day_of"),
    ))
# Long visits (bonding, debond) get an extra heads-up the day before.
LONG_VISIT_SEQUENCE = SequenceInput(
    name="Long visits", steps=(
        StepInput(offset_minutes(days=7), ("email",), "reminder.week"),
        StepInput(offset_minutes(days=2), ("sms", "email"), "reminder.confirm",
                  asks_for_confirmation=True),
        StepInput(offset_minutes(days=1), ("sms",), "reminder.day_of",
                  sms_body="{clinic_name}: {patient_first_name}'s longer visit is tomorrow, {date} at "
                           "{time} at {location}. Please plan about 90 minutes."),
        StepInput(offset_minutes(hours=2), ("sms",), "reminder.day_of"),
    ))


def step_texts(session: Session | None, clinic_id: int | None, step: StepInput | ReminderStep,
               channel: str) -> tuple[str | None, str]:
    """(subject, body) a step sends on ``channel``: its own text, else the clinic's template."""
    if channel == "sms" and step.sms_body:
        return None, step.sms_body
    if channel == "email" and step.email_body:
        return step.email_subject or "", step.email_body
    key = step.template_key
    if session is not None and clinic_id is not None and key:
        try:
            t = get_template(session, clinic_id, key, channel)
            return t.subject, t.body
        except NotFound:
            pass
    from orca_desk.services.message_templates import default_templates

    for t in default_templates():
        if (t.key, t.channel) == (key, channel):
            return t.subject, t.body
    # No template of that key on this channel: the confirm text of the other channel's family.
    fallback = {"sms": "{clinic_name}: reminder of {patient_first_name}'s visit {date} at {time} "
                       "at {location}.",
                "email": "Hi {first_name},\n\nA reminder of {patient_first_name}'s visit on "
                         "{date} at {time} at {location}.\n\nPlease confirm or tell us if you need "
                         "another time: {link}\n\n{clinic_name}\n{clinic_phone}"}
    return ("{patient_first_name}'s visit on {date}" if channel == "email" else None), fallback[channel]


@dataclass(frozen=True)
class StepPreview:
    channel: str
    subject: str
    text: str
    segments: SegmentInfo | None
    problems: tuple[str, ...]


def preview_step(session: Session | None, clinic_id: int | None, step: StepInput,
                 policy: MessagingPolicy | None = None, *, base_url: str | None = None) -> list[StepPreview]:
    """The message of each channel of ``step`` with sample values, SMS segments and problems
    (``base_url``: the clinic's link address, so the sample link is as long as a real one)."""
    out = []
    for channel in step.channels:
        subject, body = step_texts(session, clinic_id, step, channel)
        check = check_template(body, subject, channel, policy=policy, base_url=base_url)
        problems = list(check.problems)
        problems.extend(_confirm_problems(step, channel, body))
        out.append(StepPreview(channel, check.subject_preview, check.preview, check.segments,
                               tuple(problems)))
    return out


def _confirm_problems(step: StepInput, channel: str, body: str) -> list[str]:
    if not step.asks_for_confirmation:
        return []
    has_link = "{link}" in body
    if channel == "email" and not has_link:
        return ["This step asks to confirm, but its email has no {link}: an email cannot be answered "
                "with YES, so add the confirm link."]
    if channel == "sms" and not has_link and "YES" not in body.upper():
        return ["This step asks to confirm, but its text neither asks to reply YES nor has a {link}."]
    return []


def sequence_problems(session: Session | None, clinic_id: int | None, data: SequenceInput,
                      *, sequence_id: int | None = None,
                      policy: MessagingPolicy | None = None) -> list[str]:
    """Every problem with a sequence, each a sentence a practice manager understands."""
    problems: list[str] = []
    if not data.name.strip():
        problems.append("Give the sequence a name.")
    if not data.steps:
        problems.append("A sequence needs at least one step.")
    seen: dict[int, int] = {}
    for n, step in enumerate(data.steps, 1):
        where = f"Step {n} ({offset_label(step.offset_minutes)} before)"
        if step.offset_minutes <= 0:
            problems.append(f"Step {n}: the offset must be before the appointment (more than 0).")
        elif step.offset_minutes > MAX_OFFSET:
            problems.append(f"{where}: at most 60 days before the appointment.")
        if step.offset_minutes in seen:
            problems.append(f"Steps {seen[step.offset_minutes]} and {n} are both "
                            f"{offset_label(step.offset_minutes)} before; give each step its own time.")
        seen.setdefault(step.offset_minutes, n)
        if not step.channels:
            problems.append(f"{where}: choose SMS, email or both.")
        for ch in step.channels:
            if ch not in ("sms", "email"):
                problems.append(f"{where}: unknown channel {ch!r}.")
        for preview in preview_step(session, clinic_id, step, policy):
            label = "SMS" if preview.channel == "sms" else "Email"
            problems.extend(f"{where}, {label}: {p}" for p in preview.problems)
    if session is not None and clinic_id is not None and data.is_active and data.appointment_type_ids:
        taken = _types_taken(session, clinic_id, sequence_id)
        names = {r[0]: r[1] for r in session.execute(select(AppointmentType.id, AppointmentType.name))}
        for type_id in data.appointment_type_ids:
            if type_id in taken:
                problems.append(f"{names.get(type_id, f'Type #{type_id}')} already has the sequence "
                                f"{taken[type_id]!r}; an appointment type has one sequence.")
    return problems


def _types_taken(session: Session, clinic_id: int, sequence_id: int | None) -> dict[int, str]:
    out: dict[int, str] = {}
    for seq in session.scalars(select(ReminderSequence).where(
            ReminderSequence.clinic_id == clinic_id, ReminderSequence.is_active.is_(True))):
        if seq.id == sequence_id:
            continue
        for t in seq.appointment_type_ids or []:
            out[int(t)] = seq.name
    return out


def _step_row(s: ReminderStep) -> StepRow:
    return StepRow(s.id, s.position, s.offset_minutes, tuple(s.channels or ()), s.template_key,
                   s.asks_for_confirmation, s.sms_body, s.email_subject, s.email_body)


def list_sequences(session: Session, clinic_id: int) -> list[SequenceRow]:
    """The clinic's sequences (default first), each with its steps from the earliest."""
    names = {r[0]: r[1] for r in session.execute(select(AppointmentType.id, AppointmentType.name))}
    steps: dict[int, list[StepRow]] = defaultdict(list)
    for st in session.scalars(select(ReminderStep).join(ReminderSequence).where(
            ReminderSequence.clinic_id == clinic_id, ReminderStep.is_active.is_(True))):
        steps[st.sequence_id].append(_step_row(st))
    rows = []
    for seq in session.scalars(select(ReminderSequence).where(ReminderSequence.clinic_id == clinic_id)
                               .order_by(ReminderSequence.is_default.desc(), ReminderSequence.name)):
        ids = tuple(int(t) for t in seq.appointment_type_ids or ())
        rows.append(SequenceRow(seq.id, seq.name, ids, tuple(names.get(t, f"#{t}") for t in ids),
                                seq.is_active, seq.is_default,
                                tuple(sorted(steps[seq.id], key=lambda r: -r.offset_minutes)),
                                seq.updated_at))
    return rows


def _write_sequence(session: Session, clinic_id: int, seq: ReminderSequence | None, data: SequenceInput,
                    now: datetime, by: str) -> ReminderSequence:
    session.info.pop(_PLANS_CACHE, None)
    if seq is None:
        seq = ReminderSequence(clinic_id=clinic_id, created_at=now)
        session.add(seq)
    seq.name, seq.appointment_type_ids = data.name.strip(), sorted(set(data.appointment_type_ids))
    seq.is_active, seq.is_default = data.is_active, data.is_default
    seq.updated_at, seq.updated_by = now, by
    session.flush()
    if data.is_default:
        session.execute(update(ReminderSequence).where(
            ReminderSequence.clinic_id == clinic_id, ReminderSequence.id != seq.id)
            .values(is_default=False))
    # Steps are replaced: old ones stay (inactive) so planned rows and analytics keep their step.
    old = {(s.offset_minutes, tuple(s.channels or ()), s.template_key, s.asks_for_confirmation,
            s.sms_body, s.email_subject, s.email_body): s
           for s in session.scalars(select(ReminderStep).where(ReminderStep.sequence_id == seq.id))}
    keep: set[int] = set()
    ordered = sorted(data.steps, key=lambda s: -s.offset_minutes)
    for pos, st in enumerate(ordered):
        key = (st.offset_minutes, tuple(st.channels), st.template_key, st.asks_for_confirmation,
               st.sms_body or None, st.email_subject or None, st.email_body or None)
        row = old.get(key)
        if row is None:
            row = ReminderStep(sequence_id=seq.id, offset_minutes=st.offset_minutes,
                               channels=list(st.channels),
                               template_key=st.template_key, asks_for_confirmation=st.asks_for_confirmation,
                               sms_body=st.sms_body or None, email_subject=st.email_subject or None,
                               email_body=st.email_body or None)
            session.add(row)
        row.position, row.is_active = pos, True
        session.flush()
        keep.add(row.id)
    for row in old.values():
        if row.id not in keep:
            row.is_active = False
    session.flush()
    return seq


def save_sequence(session: Session, actor: Actor, clinic_id: int, data: SequenceInput, *, now: datetime,
                  sequence_id: int | None = None, replan: bool = True) -> int:
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
    audit.record(session, actor, "update" if before else "create", "reminder_sequence", seq.id, now=now,
                 before=before, after={"name": seq.name, "types": seq.appointment_type_ids,
                                       "default": seq.is_default, "active": seq.is_active,
                                       "steps": [offset_label(s.offset_minutes) for s in data.steps]})
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
    _write_sequence(session, clinic_id, None, DEFAULT_SEQUENCE, now, "system")
    long_types = [t for t, in session.execute(select(AppointmentType.id).where(
        AppointmentType.clinic_id == clinic_id, AppointmentType.default_minutes >= 60))]
    if long_types:
        data = SequenceInput(LONG_VISIT_SEQUENCE.name, tuple(long_types), steps=LONG_VISIT_SEQUENCE.steps)
        _write_sequence(session, clinic_id, None, data, now, "system")
        return 2
    return 1


# --- Planning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    id: int
    sequence_id: int
    offset: int
    channels: tuple[str, ...]
    asks: bool


@dataclass
class _Plans:
    """Which steps each appointment type gets (the type's sequence, else the default)."""

    by_type: dict[int, list[_Step]]
    default: list[_Step]

    def steps(self, type_id: int) -> list[_Step]:
        return self.by_type.get(type_id, self.default)


def _load_plans(session: Session, clinic_id: int | None = None) -> _Plans:
    q = select(ReminderSequence).where(ReminderSequence.is_active.is_(True))
    if clinic_id is not None:
        q = q.where(ReminderSequence.clinic_id == clinic_id)
    seqs = list(session.scalars(q.order_by(ReminderSequence.id)))
    steps: dict[int, list[_Step]] = defaultdict(list)
    if seqs:
        for st in session.scalars(select(ReminderStep).where(
                ReminderStep.sequence_id.in_([s.id for s in seqs]), ReminderStep.is_active.is_(True))):
            steps[st.sequence_id].append(_Step(st.id, st.sequence_id, st.offset_minutes,
                                               tuple(st.channels or ()), st.asks_for_confirmation))
    by_type: dict[int, list[_Step]] = {}
    default: list[_Step] = []
    for seq in seqs:
        for t in seq.appointment_type_ids or ():
            by_type.setdefault(int(t), steps[seq.id])
        if seq.is_default and not default:
            default = steps[seq.id]
    return _Plans(by_type, default)


@dataclass(frozen=True)
class _Appt:
    id: int
    clinic_id: int
    type_id: int
    start: datetime
    status: str
    confirmation: str


@dataclass
class PlanSummary:
    appointments: int = 0
    planned: int = 0
    skipped: int = 0
    withdrawn: int = 0
    revived: int = 0


_Key = tuple[int, str, datetime]  # step, channel, planned start


def _desired(a: _Appt, plans: _Plans, now: datetime) -> dict[_Key, tuple[_Step, str, str]]:
    """(step, channel, start) → (step, status, reason) of what ``a`` should have."""
    if a.status not in UPCOMING or a.start <= now:
        return {}
    out = {}
    for st in plans.steps(a.type_id):
        due = a.start - timedelta(minutes=st.offset)
        status, reason = "planned", ""
        if due <= now:
            status, reason = "skipped", SKIP_PAST
        elif a.confirmation == "declined":
            status, reason = "skipped", SKIP_DECLINED
        elif st.asks and a.confirmation == "confirmed":
            status, reason = "skipped", SKIP_CONFIRMED
        elif st.asks and a.confirmation == "callback":
            status, reason = "skipped", SKIP_CALLBACK
        for ch in st.channels:
            out[(st.id, ch, a.start)] = (st, status, reason)
    return out


_EXISTING_COLS = (PlannedReminder.id, PlannedReminder.appointment_id, PlannedReminder.step_id,
                  PlannedReminder.channel, PlannedReminder.planned_start, PlannedReminder.status,
                  PlannedReminder.reason, PlannedReminder.due_at, PlannedReminder.outbox_message_id)
# Built once: every booking change re-plans its appointment (building a statement costs more
# than running it).
_EXISTING_OF = select(*_EXISTING_COLS).where(
    PlannedReminder.appointment_id.in_(bindparam("b_ids", expanding=True)))


def _reconcile(session: Session, appts: Sequence[_Appt], plans: _Plans, now: datetime,
               existing_rows: Iterable[Any], summary: PlanSummary) -> None:
    existing: dict[int, list[Any]] = defaultdict(list)
    for r in existing_rows:
        existing[r.appointment_id].append(r)
    inserts: list[tuple[Any, ...]] = []
    updates: dict[tuple[str, str], list[int]] = defaultdict(list)  # (status, reason) → ids
    revive: list[int] = []
    cancel_messages: set[int] = set()
    for a in appts:
        want = _desired(a, plans, now)
        have = {(r.step_id, r.channel, r.planned_start): r for r in existing.get(a.id, ())}
        for key, (st, status, reason) in want.items():
            r = have.get(key)
            if r is None:
                inserts.append((a.clinic_id, a.id, st.sequence_id, st.id, key[1], st.offset, st.asks,
                                a.start, a.start - timedelta(minutes=st.offset), status, reason))
                if status == "planned":
                    summary.planned += 1
                else:
                    summary.skipped += 1
            elif r.status in PENDING and status == "skipped" and reason in ANSWER_SKIPS:
                updates[("skipped", reason)].append(r.id)
                if r.status == "queued" and r.outbox_message_id:
                    cancel_messages.add(r.outbox_message_id)
                summary.skipped += 1
            elif status == "planned" and (r.status == "withdrawn" or
                                          (r.status == "skipped" and r.reason in ANSWER_SKIPS)):
                revive.append(r.id)
                summary.revived += 1
        gone = "The appointment moved." if a.status in UPCOMING and a.start > now else \
            f"The appointment is {a.status.replace('_', '-')}." if a.status not in UPCOMING else \
            "The appointment has started."
        for key, r in have.items():
            if key not in want and r.status in PENDING:
                why = "The sequence changed." if a.status in UPCOMING and key[2] == a.start else gone
                updates[("withdrawn", why)].append(r.id)
                if r.status == "queued" and r.outbox_message_id:
                    cancel_messages.add(r.outbox_message_id)
                summary.withdrawn += 1
    _insert_rows(session, inserts, now)
    for (status, reason), ids in updates.items():
        for chunk in chunks(ids):
            session.execute(update(PlannedReminder).where(PlannedReminder.id.in_(chunk))
                            .values(status=status, reason=reason, updated_at=now),
                            execution_options={"synchronize_session": False})
    for chunk in chunks(revive):
        session.execute(update(PlannedReminder).where(PlannedReminder.id.in_(chunk)).values(
            status="planned", reason="", outbox_message_id=None, updated_at=now,
            revision=PlannedReminder.revision + 1), execution_options={"synchronize_session": False})
    if cancel_messages:
        _cancel_messages(session, cancel_messages, now)


_INSERT_COLUMNS = ("clinic_id", "appointment_id", "sequence_id", "step_id", "channel", "offset_minutes",
                   "asks_for_confirmation", "planned_start", "due_at", "status", "reason")


def _insert_rows(session: Session, rows: list[tuple[Any, ...]], now: datetime) -> None:
    """Insert planned rows in bulk; on SQLite straight to the driver with the values stored as
    the ORM stores them (naive UTC text), which is several times faster for 150,000 rows."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        table = cast(Table, PlannedReminder.__table__)
        dicts = [{**dict(zip(_INSERT_COLUMNS, r, strict=True)), "revision": 0, "created_at": now,
                  "updated_at": now} for r in rows]
        for start in range(0, len(dicts), 5000):
            session.execute(insert(table), dicts[start:start + 5000])
        return
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    stamp = now.astimezone(UTC).strftime(fmt)
    starts: dict[datetime, str] = {}

    def text(v: datetime) -> str:
        found = starts.get(v)
        if found is None:
            found = starts[v] = v.astimezone(UTC).strftime(fmt)
        return found

    sql = (f"INSERT INTO planned_reminder ({', '.join(_INSERT_COLUMNS)}, revision, created_at, updated_at) "
           f"VALUES ({', '.join('?' for _ in _INSERT_COLUMNS)}, 0, ?, ?)")
    conn.exec_driver_sql(sql, [(c, a, q, st, ch, off, int(asks), text(start), text(due), status, reason,
                                stamp, stamp)
                               for c, a, q, st, ch, off, asks, start, due, status, reason in rows])


def _cancel_messages(session: Session, message_ids: Iterable[int], now: datetime) -> None:
    """Cancel reminder messages not yet sent, unless they still carry another family member's step."""
    from orca_desk.services.messaging.outbox import add_event

    for mid in message_ids:
        still = session.scalar(select(func.count()).select_from(PlannedReminder).where(
            PlannedReminder.outbox_message_id == mid, PlannedReminder.status == "queued"))
        if still:
            continue
        done = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == mid, OutboxMessage.status.in_(("queued", "deferred")))
            .values(status="cancelled", error="The reminder was withdrawn before it was sent."),
            execution_options={"synchronize_session": False})
        if done.rowcount:  # type: ignore[attr-defined]
            add_event(session, mid, "cancelled", "reminder withdrawn (appointment changed)", now)


def _appt_tuple(a: Appointment) -> _Appt:
    return _Appt(a.id, a.clinic_id, a.type_id, a.start_at, a.status, a.confirmation)


def _plans_for(session: Session, clinic_id: int) -> _Plans:
    # One unit of work plans many appointments (1,000 replies, a day's bookings): the
    # sequences are read once per session; saving a sequence drops the cache.
    cache = session.info.setdefault(_PLANS_CACHE, {})
    if clinic_id not in cache:
        cache[clinic_id] = _load_plans(session, clinic_id)
    plans: _Plans = cache[clinic_id]
    return plans


def plan_appointment(session: Session, appointment: Appointment, *, now: datetime) -> PlanSummary:
    """(Re)plan one appointment's steps: idempotent; moves withdraw the old time's steps."""
    return plan_appointments(session, [appointment], now=now)


def plan_appointments(session: Session, appointments: Sequence[Appointment], *, now: datetime) -> PlanSummary:
    """(Re)plan the steps of several appointments at once, as ``plan_appointment`` does each
    (their existing steps read in one query per 900, the changes written per kind)."""
    summary = PlanSummary(appointments=len(appointments))
    if not appointments:
        return summary
    session.flush()
    rows: list[Any] = []
    for chunk in chunks([a.id for a in appointments]):
        rows.extend(session.execute(_EXISTING_OF, {"b_ids": list(chunk)}))
    by_clinic: dict[int, list[_Appt]] = defaultdict(list)
    for a in appointments:
        by_clinic[a.clinic_id].append(_appt_tuple(a))
    for clinic_id, appts in by_clinic.items():
        # _reconcile looks rows up by appointment: other clinics' rows are simply not asked for.
        _reconcile(session, appts, _plans_for(session, clinic_id), now, rows, summary)
    return summary


def plan_all(session: Session, *, now: datetime, clinic_id: int | None = None) -> PlanSummary:
    """Plan every future appointment (bulk): new rows for what is missing, withdraw what no
    longer applies, leave the rest. Running it twice changes nothing the second time."""
    summary = PlanSummary()
    session.flush()
    plans = _load_plans(session, clinic_id)
    q = select(Appointment.id, Appointment.clinic_id, Appointment.type_id, Appointment.start_at,
               Appointment.status, Appointment.confirmation).where(Appointment.start_at > now)
    if clinic_id is not None:
        q = q.where(Appointment.clinic_id == clinic_id)
    appts = [_Appt(*r) for r in session.execute(q)]
    summary.appointments = len(appts)
    eq = select(*_EXISTING_COLS).where(PlannedReminder.planned_start > now)
    if clinic_id is not None:
        eq = eq.where(PlannedReminder.clinic_id == clinic_id)
    existing = session.execute(eq).all()
    _reconcile(session, appts, plans, now, existing, summary)
    return summary


_REQUESTS_CHANGED = "orca_desk.reminders.requests_changed"


def note_requests_changed(session: Session, appointment_id: int) -> None:
    """Remember, for the session, that the appointment's confirmation requests were answered or
    closed: replies processed in a batch re-read a sender's requests when one of theirs changed."""
    session.info.setdefault(_REQUESTS_CHANGED, set()).add(appointment_id)


def requests_changed(session: Session) -> set[int]:
    """The appointments whose requests changed in this session (``note_requests_changed``)."""
    changed: set[int] = session.info.get(_REQUESTS_CHANGED, set())
    return changed


def expire_requests(session: Session, appointment_id: int, *, now: datetime, why: str = "") -> int:
    """Close the open confirmation requests of an appointment (a reply to them goes to staff)."""
    return _expire_requests(session, [appointment_id])


def _expire_requests(session: Session, appointment_ids: Sequence[int]) -> int:
    expired = 0
    for chunk in chunks(appointment_ids):
        for appointment_id in chunk:
            note_requests_changed(session, appointment_id)
        result = session.execute(update(ConfirmationRequest).where(
            ConfirmationRequest.appointment_id.in_(chunk), ConfirmationRequest.status == "open")
            .values(status="expired"), execution_options={"synchronize_session": False})
        expired += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return expired


def after_appointment_change(session: Session, change: Any, *, now: datetime) -> None:
    """The booking seam: (re)plan on booking, move, restore and status changes; withdraw on
    cancellation and no-show; a move or an end closes the open confirmation requests."""
    after_appointment_changes(session, [change], now=now)


def after_appointment_changes(session: Session, changes: Sequence[Any], *, now: datetime) -> None:
    """``after_appointment_change`` for several changes at once (a batch of confirmations)."""
    expire: list[int] = []
    ended: dict[str, list[int]] = defaultdict(list)  # status → appointments whose call is not needed
    for change in changes:
        a: Appointment = change.appointment
        moved = change.kind == "moved" and change.before and \
            change.before.get("start") != a.start_at.isoformat()
        if moved or change.kind in ("cancelled", "no_show") or a.status not in UPCOMING:
            expire.append(a.id)
        if change.kind in ("cancelled", "no_show") or a.status not in UPCOMING:
            ended[a.status].append(a.id)
    if expire:
        _expire_requests(session, expire)
    for status, ids in ended.items():
        for chunk in chunks(ids):
            session.execute(update(StaffTask).where(
                StaffTask.appointment_id.in_(chunk), StaffTask.kind == "call", StaffTask.status == "open")
                .values(status="done", outcome="not_needed", done_at=now, updated_at=now,
                        reason=StaffTask.reason + " (appointment " + status.replace("_", "-") + ")"),
                execution_options={"synchronize_session": False})
    plan_appointments(session, list({c.appointment.id: c.appointment for c in changes}.values()), now=now)


# --- Rendering ------------------------------------------------------------------------------


@dataclass
class _Ctx:
    clinic: dict[int, Clinic] = field(default_factory=dict)
    locations: dict[int, Location] = field(default_factory=dict)
    providers: dict[int, str] = field(default_factory=dict)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _location(session: Session, ctx: _Ctx, location_id: int) -> Location:
    if location_id not in ctx.locations:
        loc = session.get(Location, location_id)
        assert loc is not None
        ctx.locations[location_id] = loc
    return ctx.locations[location_id]


def _values(session: Session, ctx: _Ctx, a: Appointment, p: Patient, settings: ReminderSettings,
            channel: str, address: str, now: datetime) -> dict[str, str]:
    loc = _location(session, ctx, a.location_id)
    if a.clinic_id not in ctx.clinic:
        clinic = session.get(Clinic, a.clinic_id)
        assert clinic is not None
        ctx.clinic[a.clinic_id] = clinic
    clinic = ctx.clinic[a.clinic_id]
    if a.provider_id not in ctx.providers:
        ctx.providers[a.provider_id] = session.scalar(select(Provider.name).where(
            Provider.id == a.provider_id)) or ""
    local = a.start_at.astimezone(_zone(loc.timezone))
    reader = (p.guardian_name or "").split()[0] if p.guardian_name else p.first_name
    values = {"first_name": reader, "patient_first_name": p.first_name,
              "guardian_name": p.guardian_name or p.display_name, "date": format_date(local),
              "time": format_time(local), "day": _WEEKDAYS[local.weekday()], "location": loc.name,
              "location_address": loc.address or loc.name, "clinic_name": clinic.name,
              "clinic_phone": loc.phone or clinic.phone or "", "provider": ctx.providers[a.provider_id],
              "hold_minutes": "", "hold": "", "offer_count": "", "link": "", "unsubscribe_link": ""}
    if settings.secret is not None:
        from orca_desk.services.patient_links import CONFIRM, link_for, unsubscribe_link_for

        values["link"] = link_for(CONFIRM, a.id, a.start_at, secret=settings.secret,
                                  base_url=settings.base_url)
        if channel == "email":
            values["unsubscribe_link"] = unsubscribe_link_for(session, "email", address,
                                                              secret=settings.secret,
                                                              base_url=settings.base_url, now=now)
    else:
        values["link"] = f"(call {values['clinic_phone']})" if values["clinic_phone"] else ""
        values["unsubscribe_link"] = "reply to this email with UNSUBSCRIBE"
    assert set(values) == KNOWN_VARIABLES
    return values


def _fill(text: str, values: dict[str, str]) -> str:
    try:
        return " ".join(render(text, values).split(" ")).strip()
    except ValidationError:
        # A template edited into something unrenderable: fall back to a plain sentence.
        return render("{clinic_name}: reminder of {patient_first_name}'s visit {date} at {time} "
                      "at {location}.", values)


# --- The tick ---------------------------------------------------------------------------------


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


def _recipient(session: Session, p: Patient, channel: str) -> tuple[str | None, str]:
    """The address a step goes to, or None and why it cannot go."""
    if channel == "sms":
        address = (p.contact_phone or "").strip()
        if not address:
            return None, "No mobile number on file."
    else:
        address = (p.contact_email or "").strip()
        if not address:
            return None, "No email address on file."
    state = session.scalar(select(ContactState).where(ContactState.channel == channel,
                                                      ContactState.address == address))
    if state is not None and state.undeliverable:
        return None, f"{address} cannot receive messages."
    if channel == "sms":
        if state is not None and state.opted_out:
            return None, "The number replied STOP; no more texts."
        if not p.sms_consent:
            return None, "No SMS consent is recorded."
    else:
        if state is not None and state.opted_out:
            return None, "The address unsubscribed from emails."
        if not p.email_consent:
            return None, "No email consent is recorded."
    return address, ""


def _sync(session: Session, now: datetime, report: ReminderTick) -> None:
    """Follow the outbox: queued steps whose message went out are sent; failed ones are skipped."""
    rows = session.execute(select(PlannedReminder.id, OutboxMessage.status, OutboxMessage.error)
                           .join(OutboxMessage, OutboxMessage.id == PlannedReminder.outbox_message_id)
                           .where(PlannedReminder.status == "queued",
                                  OutboxMessage.status.in_(("sent", "delivered", "failed", "undeliverable",
                                                            "cancelled")))).all()
    for rid, status, error in rows:
        if status in ("sent", "delivered"):
            values: dict[str, Any] = {"status": "sent", "updated_at": now}
        else:
            values = {"status": "skipped", "updated_at": now,
                      "reason": f"The message was {status}: {error or ''}".strip()[:300]}
        session.execute(update(PlannedReminder).where(PlannedReminder.id == rid).values(**values),
                        execution_options={"synchronize_session": False})
        report.synced += 1
    for req in session.scalars(select(ConfirmationRequest).where(ConfirmationRequest.sent_at.is_(None))):
        sent = session.scalar(select(OutboxMessage.sent_at).where(OutboxMessage.id == req.outbox_message_id))
        if sent is not None:
            req.sent_at = sent


def _partners(session: Session, r: PlannedReminder, address: str, a: Appointment, zone: ZoneInfo,
              now: datetime) -> list[PlannedReminder]:
    """Siblings' same step for visits the same local day, to the same number or address."""
    local = a.start_at.astimezone(zone)
    day_start = datetime.combine(local.date(), datetime.min.time(), tzinfo=zone).astimezone(UTC)
    day_end = day_start + timedelta(days=1, hours=1)
    column = Patient.contact_phone if r.channel == "sms" else Patient.contact_email
    q = (select(PlannedReminder).join(Appointment, Appointment.id == PlannedReminder.appointment_id)
         .join(Patient, Patient.id == Appointment.patient_id)
         .where(PlannedReminder.status == "planned", PlannedReminder.channel == r.channel,
                PlannedReminder.offset_minutes == r.offset_minutes,
                PlannedReminder.asks_for_confirmation == r.asks_for_confirmation,
                PlannedReminder.appointment_id != r.appointment_id, column == address,
                Appointment.status.in_(UPCOMING), Appointment.start_at == PlannedReminder.planned_start,
                Appointment.start_at >= day_start, Appointment.start_at < day_end,
                Appointment.start_at > now)
         .order_by(Appointment.start_at))
    out = []
    for x in session.scalars(q):
        start = session.get(Appointment, x.appointment_id)
        if start is not None and start.start_at.astimezone(zone).date() == local.date():
            out.append(x)
    return out


def dedupe_key(r: PlannedReminder) -> str:
    key = f"reminder:{r.appointment_id}:{r.step_id}:{r.channel}:{r.planned_start:%Y%m%dT%H%MZ}"
    return key + (f":r{r.revision}" if r.revision else "")


def _merged_texts(session: Session, ctx: _Ctx, group: list[tuple[PlannedReminder, Appointment, Patient]],
                  r: PlannedReminder, values: dict[str, str]) -> tuple[str | None, str]:
    items = []
    for _, a, p in group:
        loc = _location(session, ctx, a.location_id)
        items.append((p.first_name, a.start_at.astimezone(_zone(loc.timezone)), loc.name))
    text = merge_family_messages(items)  # "Reminder: A … and B …. Reply YES to confirm both, NO to cancel."
    if not r.asks_for_confirmation:
        text = text.split(" Reply YES", 1)[0]
    text = f"{values['clinic_name']}: {text}"
    if r.channel == "sms":
        return None, text
    names = " and ".join(p.first_name for _, _, p in group)
    body = (f"Hi {values['first_name']},\n\n{text}\n\n"
            + ("Please confirm or tell us if you need another time: "
               f"{values['link']}\n\n" if r.asks_for_confirmation and values["link"] else "")
            + f"{values['clinic_name']}\n{values['clinic_phone']}\n\n"
            f"No longer want these emails? {values['unsubscribe_link']}")
    return f"{names}'s visits on {values['date']}", body


def _process_due(session: Session, r: PlannedReminder, now: datetime, settings: ReminderSettings,
                 ctx: _Ctx, report: ReminderTick) -> None:
    from orca_desk.services.messaging.outbox import enqueue

    def finish(status: str, reason: str) -> None:
        r.status, r.reason, r.updated_at = status, reason[:300], now
        if status == "withdrawn":
            report.withdrawn += 1
        else:
            report.skipped += 1

    a = session.get(Appointment, r.appointment_id)
    if a is None or a.status not in UPCOMING or a.start_at <= now:
        return finish("withdrawn", "The appointment is no longer upcoming.")
    if a.start_at != r.planned_start:
        return finish("withdrawn", "The appointment moved.")
    later = session.scalar(select(PlannedReminder.id).where(
        PlannedReminder.appointment_id == r.appointment_id, PlannedReminder.channel == r.channel,
        PlannedReminder.status == "planned", PlannedReminder.due_at <= now,
        PlannedReminder.planned_start == r.planned_start,
        PlannedReminder.offset_minutes < r.offset_minutes).limit(1))
    if later is not None:
        return finish("skipped", "A later reminder was due at the same time (automation was not "
                                 "running); only that one was sent.")
    if a.confirmation == "declined":
        return finish("skipped", SKIP_DECLINED)
    if r.asks_for_confirmation and a.confirmation in ("confirmed", "callback"):
        return finish("skipped", SKIP_CONFIRMED if a.confirmation == "confirmed" else SKIP_CALLBACK)
    p = session.get(Patient, a.patient_id)
    assert p is not None
    address, why = _recipient(session, p, r.channel)
    if address is None:
        return finish("skipped", why)
    loc = _location(session, ctx, a.location_id)
    zone = _zone(loc.timezone)
    group: list[tuple[PlannedReminder, Appointment, Patient]] = [(r, a, p)]
    for x in _partners(session, r, address, a, zone, now):
        xa = session.get(Appointment, x.appointment_id)
        xp = session.get(Patient, xa.patient_id) if xa else None
        if xa is None or xp is None or _recipient(session, xp, r.channel)[0] != address:
            continue
        if xa.confirmation == "declined" or (x.asks_for_confirmation and xa.confirmation in
                                             ("confirmed", "callback")):
            continue
        group.append((x, xa, xp))
    values = _values(session, ctx, a, p, settings, r.channel, address, now)
    step = session.get(ReminderStep, r.step_id)
    if len(group) > 1:
        subject, body = _merged_texts(session, ctx, group, r, values)
    else:
        raw_subject, raw_body = step_texts(session, a.clinic_id, step, r.channel) if step else \
            step_texts(None, None, StepInput(r.offset_minutes, (r.channel,)), r.channel)
        body = _fill(raw_body, values)
        subject = _fill(raw_subject, values) if r.channel == "email" and raw_subject else (
            "Your visit" if r.channel == "email" else None)
    msg = enqueue(session, clinic_id=a.clinic_id, channel=r.channel, to_address=address, body=body,
                  purpose=CONFIRM_PURPOSE if r.asks_for_confirmation else PURPOSE,
                  dedupe_key=dedupe_key(r), now=now, patient_id=p.id, appointment_id=a.id,
                  source_type=SOURCE, source_id=r.id, subject=subject, not_after=a.start_at)
    report.messages += 1
    for x, xa, xp in group:
        x.status, x.outbox_message_id, x.updated_at = "queued", msg.id, now
        x.reason = "" if x is r else f"Sent together with #{r.id} (one message per family and day)."
        report.queued += 1
        if x is not r:
            report.merged += 1
        if r.asks_for_confirmation:
            _open_request(session, x, xa, xp, msg, address, now)


def _open_request(session: Session, r: PlannedReminder, a: Appointment, p: Patient, msg: OutboxMessage,
                  address: str, now: datetime) -> None:
    found = session.scalar(select(ConfirmationRequest.id).where(
        ConfirmationRequest.appointment_id == a.id, ConfirmationRequest.outbox_message_id == msg.id))
    if found is None:
        session.add(ConfirmationRequest(clinic_id=a.clinic_id, appointment_id=a.id, patient_id=p.id,
                                        planned_reminder_id=r.id, step_id=r.step_id,
                                        outbox_message_id=msg.id, channel=r.channel, to_address=address,
                                        created_at=now, expires_at=a.start_at, status="open"))
    if a.confirmation == "unconfirmed":
        a.confirmation, a.updated_at = "requested", now
    session.flush()


def _escalate(session: Session, now: datetime, settings: ReminderSettings, report: ReminderTick) -> None:
    """Unconfirmed visits inside the escalation window get one open call task each."""
    hours = int(settings.escalation.total_seconds() // 3600)
    for row in call_window_appointments(session, now=now, settings=settings):
        has = session.scalar(select(StaffTask.id).where(StaffTask.appointment_id == row.id,
                                                        StaffTask.kind == "call").limit(1))
        if has is None:
            session.add(StaffTask(clinic_id=row.clinic_id, kind="call", appointment_id=row.id,
                                  patient_id=row.patient_id, status="open", attempts=[],
                                  reason=f"Not confirmed {hours} h before the visit.",
                                  created_at=now, updated_at=now))
            report.escalated += 1
    session.flush()


def call_window_appointments(session: Session, *, now: datetime,
                             settings: ReminderSettings | None = None) -> list[Appointment]:
    """Upcoming scheduled visits not confirmed, starting within the escalation window
    (extended to the end of the local day it reaches)."""
    settings = settings or ReminderSettings()
    horizon = now + settings.escalation + timedelta(days=1)
    rows = list(session.scalars(select(Appointment).where(
        Appointment.status == "scheduled", Appointment.start_at > now, Appointment.start_at < horizon,
        Appointment.confirmation.in_(("unconfirmed", "requested", "callback")))
        .order_by(Appointment.start_at)))
    out = []
    zones: dict[int, ZoneInfo] = {}
    for a in rows:
        if a.location_id not in zones:
            zones[a.location_id] = _zone(session.scalar(select(Location.timezone).where(
                Location.id == a.location_id)))
        zone = zones[a.location_id]
        reach = (now + settings.escalation).astimezone(zone).date()
        if a.start_at.astimezone(zone).date() <= reach:
            out.append(a)
    return out


def process_reminders(db: Any, *, now: datetime, settings: ReminderSettings | None = None,
                      batch: int = 200) -> ReminderTick:
    """The automation tick: expire requests, follow sent messages, queue due steps, escalate.

    Idempotent and restart-safe: each batch's outbox rows and step statuses are written in
    one transaction, and each message's dedupe key names its appointment, step, channel and
    start, so a crash re-runs at most a batch that was never committed.
    """
    now = now.astimezone(UTC)
    report = ReminderTick()
    with db.write() as session:
        settings = settings or load_settings(session)
        result = session.execute(update(ConfirmationRequest).where(
            ConfirmationRequest.status == "open", ConfirmationRequest.expires_at <= now)
            .values(status="expired"), execution_options={"synchronize_session": False})
        report.expired_requests = int(result.rowcount or 0)  # type: ignore[attr-defined]
        _sync(session, now, report)
    ctx = _Ctx()
    for _ in range(10_000):
        with db.write() as session:
            q = (select(PlannedReminder).where(PlannedReminder.status == "planned",
                                               PlannedReminder.due_at <= now)
                 .order_by(PlannedReminder.due_at, PlannedReminder.id).limit(batch))
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
        _escalate(session, now, settings, report)
    return report


def process_reminders_job(ctx: Any) -> ReminderTick:
    """The automation runtime's tick (``TickJob("reminders", process_reminders_job, every=1 min)``)."""
    return process_reminders(ctx.db, now=ctx.clock.now())


def tick_job() -> Any:
    """The runtime registration: ``runtime.register_tick(reminders.tick_job())``."""
    from orca_desk.automation.runtime import TickJob

    return TickJob("reminders", process_reminders_job, every=timedelta(minutes=1))


# --- Views of the plan ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRow:
    id: int
    appointment_id: int
    channel: str
    offset_minutes: int
    due_at: datetime
    status: str
    reason: str
    asks_for_confirmation: bool
    outbox_message_id: int | None


def planned_for(session: Session, appointment_id: int) -> list[PlannedRow]:
    """An appointment's steps, current and past, earliest due first."""
    return [PlannedRow(r.id, r.appointment_id, r.channel, r.offset_minutes, r.due_at, r.status, r.reason,
                       r.asks_for_confirmation, r.outbox_message_id)
            for r in session.scalars(select(PlannedReminder).where(
                PlannedReminder.appointment_id == appointment_id)
                .order_by(PlannedReminder.due_at, PlannedReminder.channel))]


def sample_preview(step: StepInput, channel: str, session: Session | None = None,
                   clinic_id: int | None = None) -> str:
    """The step's text on ``channel`` with the editor's sample values ("" when it cannot render)."""
    _, body = step_texts(session, clinic_id, step, channel)
    try:
        return render(body, SAMPLE_VALUES)
    except ValidationError:
        return ""

