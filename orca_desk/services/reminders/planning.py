"""Planning each future appointment's steps, in the transaction of the change that caused it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.reminders import PlannedReminder, ReminderSequence, ReminderStep, StaffTask
from orca_desk.services.bulk import chunks
from orca_desk.services.reminders.escalation import _expire_requests

UPCOMING = ("scheduled", "confirmed")
PENDING = ("planned", "queued")
# Why a step is skipped because of the family's answer (a revert to unconfirmed revives them).
SKIP_CONFIRMED = "Already confirmed."
SKIP_DECLINED = "The family declined this visit."
SKIP_CALLBACK = "The family asked for a call."
ANSWER_SKIPS = (SKIP_CONFIRMED, SKIP_DECLINED, SKIP_CALLBACK)
SKIP_PAST = "Its time had already passed when the appointment was booked."
_PLANS_CACHE = "orca_desk.reminders.plans"


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
        for st in session.scalars(
            select(ReminderStep).where(
                ReminderStep.sequence_id.in_([s.id for s in seqs]), ReminderStep.is_active.is_(True)
            )
        ):
            steps[st.sequence_id].append(
                _Step(
                    st.id,
                    st.sequence_id,
                    st.offset_minutes,
                    tuple(st.channels or ()),
                    st.asks_for_confirmation,
                )
            )
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


_EXISTING_COLS = (
    PlannedReminder.id,
    PlannedReminder.appointment_id,
    PlannedReminder.step_id,
    PlannedReminder.channel,
    PlannedReminder.planned_start,
    PlannedReminder.status,
    PlannedReminder.reason,
    PlannedReminder.due_at,
    PlannedReminder.outbox_message_id,
)
# Built once: every booking change re-plans its appointment (building a statement costs more
# than running it).
_EXISTING_OF = select(*_EXISTING_COLS).where(
    PlannedReminder.appointment_id.in_(bindparam("b_ids", expanding=True))
)


def _reconcile(
    session: Session,
    appts: Sequence[_Appt],
    plans: _Plans,
    now: datetime,
    existing_rows: Iterable[Any],
    summary: PlanSummary,
) -> None:
    existing: dict[int, list[Any]] = defaultdict(list)
    for r in existing_rows:
        existing[r.appointment_id].append(r)
    changes = _Changes()
    for a in appts:
        want = _desired(a, plans, now)
        have = {(r.step_id, r.channel, r.planned_start): r for r in existing.get(a.id, ())}
        _add_wanted(changes, a, want, have, summary)
        _withdraw_unwanted(changes, a, want, have, now, summary)
    _write_changes(session, changes, now)


@dataclass
class _Changes:
    """What reconciling asks of the database: rows to insert, to set to a status, to plan again."""

    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    # (status, reason) → ids
    updates: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    revive: list[int] = field(default_factory=list)
    cancel_messages: set[int] = field(default_factory=set)


def _add_wanted(
    changes: _Changes,
    a: _Appt,
    want: dict[_Key, tuple[_Step, str, str]],
    have: dict[_Key, Any],
    summary: PlanSummary,
) -> None:
    """New rows for the wanted reminders the appointment lacks; answered or revived ones updated."""
    for key, (st, status, reason) in want.items():
        r = have.get(key)
        if r is None:
            changes.inserts.append(
                (
                    a.clinic_id,
                    a.id,
                    st.sequence_id,
                    st.id,
                    key[1],
                    st.offset,
                    st.asks,
                    a.start,
                    a.start - timedelta(minutes=st.offset),
                    status,
                    reason,
                )
            )
            if status == "planned":
                summary.planned += 1
            else:
                summary.skipped += 1
        elif r.status in PENDING and status == "skipped" and reason in ANSWER_SKIPS:
            changes.updates[("skipped", reason)].append(r.id)
            if r.status == "queued" and r.outbox_message_id:
                changes.cancel_messages.add(r.outbox_message_id)
            summary.skipped += 1
        elif status == "planned" and (
            r.status == "withdrawn" or (r.status == "skipped" and r.reason in ANSWER_SKIPS)
        ):
            changes.revive.append(r.id)
            summary.revived += 1


def _withdraw_unwanted(
    changes: _Changes,
    a: _Appt,
    want: dict[_Key, tuple[_Step, str, str]],
    have: dict[_Key, Any],
    now: datetime,
    summary: PlanSummary,
) -> None:
    """Withdraw the pending reminders no longer wanted, saying why (moved, cancelled, started...)."""
    gone = (
        "The appointment moved."
        if a.status in UPCOMING and a.start > now
        else f"The appointment is {a.status.replace('_', '-')}."
        if a.status not in UPCOMING
        else "The appointment has started."
    )
    for key, r in have.items():
        if key not in want and r.status in PENDING:
            why = "The sequence changed." if a.status in UPCOMING and key[2] == a.start else gone
            changes.updates[("withdrawn", why)].append(r.id)
            if r.status == "queued" and r.outbox_message_id:
                changes.cancel_messages.add(r.outbox_message_id)
            summary.withdrawn += 1


def _write_changes(session: Session, changes: _Changes, now: datetime) -> None:
    _insert_rows(session, changes.inserts, now)
    for (status, reason), ids in changes.updates.items():
        for chunk in chunks(ids):
            session.execute(
                update(PlannedReminder)
                .where(PlannedReminder.id.in_(chunk))
                .values(status=status, reason=reason, updated_at=now),
                execution_options={"synchronize_session": False},
            )
    for chunk in chunks(changes.revive):
        session.execute(
            update(PlannedReminder)
            .where(PlannedReminder.id.in_(chunk))
            .values(
                status="planned",
                reason="",
                outbox_message_id=None,
                updated_at=now,
                revision=PlannedReminder.revision + 1,
            ),
            execution_options={"synchronize_session": False},
        )
    if changes.cancel_messages:
        _cancel_messages(session, changes.cancel_messages, now)


_INSERT_COLUMNS = (
    "clinic_id",
    "appointment_id",
    "sequence_id",
    "step_id",
    "channel",
    "offset_minutes",
    "asks_for_confirmation",
    "planned_start",
    "due_at",
    "status",
    "reason",
)


def _insert_rows(session: Session, rows: list[tuple[Any, ...]], now: datetime) -> None:
    """Insert planned rows in bulk; on SQLite straight to the driver with the values stored as
    the ORM stores them (naive UTC text), which is several times faster for 150,000 rows."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        table = cast(Table, PlannedReminder.__table__)
        dicts = [
            {
                **dict(zip(_INSERT_COLUMNS, r, strict=True)),
                "revision": 0,
                "created_at": now,
                "updated_at": now,
            }
            for r in rows
        ]
        for start in range(0, len(dicts), 5000):
            session.execute(insert(table), dicts[start : start + 5000])
        return
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    stamp = now.astimezone(UTC).strftime(fmt)
    starts: dict[datetime, str] = {}

    def text(v: datetime) -> str:
        found = starts.get(v)
        if found is None:
            found = starts[v] = v.astimezone(UTC).strftime(fmt)
        return found

    sql = (
        f"INSERT INTO planned_reminder ({', '.join(_INSERT_COLUMNS)}, revision, created_at, updated_at) "
        f"VALUES ({', '.join('?' for _ in _INSERT_COLUMNS)}, 0, ?, ?)"
    )
    conn.exec_driver_sql(
        sql,
        [
            (c, a, q, st, ch, off, int(asks), text(start), text(due), status, reason, stamp, stamp)
            for c, a, q, st, ch, off, asks, start, due, status, reason in rows
        ],
    )


def _cancel_messages(session: Session, message_ids: Iterable[int], now: datetime) -> None:
    """Cancel reminder messages not yet sent, unless they still carry another family member's step."""
    from orca_desk.services.messaging.outbox import add_event

    for mid in message_ids:
        still = session.scalar(
            select(func.count())
            .select_from(PlannedReminder)
            .where(PlannedReminder.outbox_message_id == mid, PlannedReminder.status == "queued")
        )
        if still:
            continue
        done = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == mid, OutboxMessage.status.in_(("queued", "deferred")))
            .values(status="cancelled", error="The reminder was withdrawn before it was sent."),
            execution_options={"synchronize_session": False},
        )
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
    q = select(
        Appointment.id,
        Appointment.clinic_id,
        Appointment.type_id,
        Appointment.start_at,
        Appointment.status,
        Appointment.confirmation,
    ).where(Appointment.start_at > now)
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
        moved = (
            change.kind == "moved" and change.before and change.before.get("start") != a.start_at.isoformat()
        )
        if moved or change.kind in ("cancelled", "no_show") or a.status not in UPCOMING:
            expire.append(a.id)
        if change.kind in ("cancelled", "no_show") or a.status not in UPCOMING:
            ended[a.status].append(a.id)
    if expire:
        _expire_requests(session, expire)
    for status, ids in ended.items():
        for chunk in chunks(ids):
            session.execute(
                update(StaffTask)
                .where(
                    StaffTask.appointment_id.in_(chunk), StaffTask.kind == "call", StaffTask.status == "open"
                )
                .values(
                    status="done",
                    outcome="not_needed",
                    done_at=now,
                    updated_at=now,
                    reason=StaffTask.reason + " (appointment " + status.replace("_", "-") + ")",
                ),
                execution_options={"synchronize_session": False},
            )
    plan_appointments(session, list({c.appointment.id: c.appointment for c in changes}.values()), now=now)
