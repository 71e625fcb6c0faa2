"""Two-way confirmation: the one place that changes an appointment's confirmation status.

Families answer by SMS (YES/Y/C/CONFIRM/1 confirm, NO/N/2 decline, "call me" asks for a
call; anything else goes to the staff inbox), by the gateway's links (confirm, decline,
request a call) or on the phone (the call list's one-click outcomes). A reply resolves to
the newest open ``ConfirmationRequest`` to the number it came from; a family message that
asked about several appointments (siblings) is answered for all of them at once. When the
reply could mean requests from separate messages about different visits, or the request
it answers has expired, staff decide (the reply waits in the inbox, needs review).

The YES replies of one poll are applied together at the end of the batch (``_settle``: one
statement per table through ``booking.set_status_many``), still in the order they came: a
later reply about one of those visits applies them first, and a YES that can no longer be
applied (another desk or feature changed the visit meanwhile) goes to staff.

A decline flags the visit "needs reschedule" (an open reschedule task) and, when the clinic
releases declined slots (default), cancels it with the reason "declined by family" so the
waitlist gets the slot through the booking seam.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import Select, Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models import (
    Appointment,
    AppointmentType,
    Clinic,
    InboundMessage,
    Location,
    OutboxMessage,
    Patient,
)
from orca_desk.models.reminders import ConfirmationRequest, StaffTask
from orca_desk.models.schedule import ScheduleException
from orca_desk.services import audit, booking
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import ConflictError, NotFound, OrcaError, ValidationError
from orca_desk.services.messaging.policy import classify_reply, format_date, format_time
from orca_desk.services.reminders import (
    SOURCE,
    UPCOMING,
    ReminderSettings,
    expire_requests,
    note_requests_changed,
    plan_appointment,
    requests_changed,
)
from orca_desk.services.security import AUTOMATION, BOOK, Actor

HANDLER_NAME = "confirmation"
REPLY_PURPOSE = "confirmation_reply"
DECLINE_REASON = "declined by family"
# Replies look back this far for the request they answer.
LOOKBACK = timedelta(days=30)
CALL_OUTCOMES = {
    "confirmed": "Confirmed",
    "left_voicemail": "Left voicemail",
    "no_answer": "No answer",
    "reschedule": "Reschedule",
}
ANSWERS = ("confirm", "decline", "callback")
# A visit that started longer ago than this can no longer be confirmed.
CONFIRM_GRACE = timedelta(hours=12)
_GONE = ("cancelled", "no_show")
# Confirmation states the morning call is for.
_TO_CALL = ("unconfirmed", "requested", "callback")


def _load(session: Session, appointment_id: int) -> Appointment:
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        raise NotFound(f"Appointment #{appointment_id} does not exist.")
    if appt.status in _GONE:
        raise ConflictError("This appointment was cancelled; there is nothing to confirm.")
    return appt


def _set(session: Session, actor: Actor, appt: Appointment, value: str, via: str, now: datetime) -> None:
    before = {"confirmation": appt.confirmation, "status": appt.status}
    appt.confirmation, appt.updated_at = value, now
    session.flush()
    audit.record(
        session,
        actor,
        f"{value}_by_{via}",
        "appointment",
        appt.id,
        now=now,
        before=before,
        after={"confirmation": value, "status": appt.status},
    )


# Core statements built once, run with a list of parameters for a batch of replies (an
# executemany; building a statement costs more than running it).
_REQUESTS = cast(Table, ConfirmationRequest.__table__)
_TASKS = cast(Table, StaffTask.__table__)
_ANSWER = (
    update(_REQUESTS)
    .where(_REQUESTS.c.appointment_id == bindparam("b_appt"), _REQUESTS.c.status == "open")
    .values(
        status="answered",
        answer=bindparam("b_answer"),
        answered_via=bindparam("b_via"),
        answered_at=bindparam("b_at", type_=_REQUESTS.c.answered_at.type),
        inbound_id=bindparam("b_inbound"),
    )
)
_CLOSE_CALLS = (
    update(_TASKS)
    .where(_TASKS.c.appointment_id == bindparam("b_appt"), _TASKS.c.kind == "call", _TASKS.c.status == "open")
    .values(
        status="done",
        outcome=bindparam("b_outcome"),
        done_at=bindparam("b_done", type_=_TASKS.c.done_at.type),
        done_by=bindparam("b_by"),
        updated_at=bindparam("b_updated", type_=_TASKS.c.updated_at.type),
    )
)


def _answer_requests(
    session: Session, answered: Sequence[tuple[int, int | None]], answer: str, via: str, now: datetime
) -> None:
    """Mark the open requests of each (appointment, inbound reply) in ``answered`` answered."""
    if not answered:
        return
    for appointment_id, _inbound_id in answered:
        note_requests_changed(session, appointment_id)
    session.execute(
        _ANSWER,
        [
            {"b_appt": appointment_id, "b_answer": answer, "b_via": via, "b_at": now, "b_inbound": inbound_id}
            for appointment_id, inbound_id in answered
        ],
    )


def _close_calls(
    session: Session, appointment_ids: Sequence[int], outcome: str, now: datetime, by: str
) -> None:
    if appointment_ids:
        session.execute(
            _CLOSE_CALLS,
            [
                {"b_appt": appointment_id, "b_outcome": outcome, "b_done": now, "b_by": by, "b_updated": now}
                for appointment_id in appointment_ids
            ],
        )


def _task(session: Session, appt: Appointment, kind: str, reason: str, now: datetime) -> StaffTask:
    task = session.scalar(
        select(StaffTask)
        .where(StaffTask.appointment_id == appt.id, StaffTask.kind == kind, StaffTask.status == "open")
        .limit(1)
    )
    if task is None:
        task = StaffTask(
            clinic_id=appt.clinic_id,
            kind=kind,
            appointment_id=appt.id,
            patient_id=appt.patient_id,
            reason=reason[:300],
            status="open",
            attempts=[],
            created_at=now,
            updated_at=now,
        )
        session.add(task)
        session.flush()
    return task


def confirm_appointment(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    now: datetime,
    via: str = "staff",
    inbound_id: int | None = None,
) -> Appointment:
    """Mark a visit confirmed (a scheduled one becomes status confirmed through booking, audited);
    the remaining "please confirm" steps are skipped and its call task is closed."""
    actor.require(BOOK)
    appt = _load(session, appointment_id)
    if appt.start_at <= now - CONFIRM_GRACE:
        raise ValidationError("This appointment is in the past.")
    if appt.status == "scheduled":
        booking.set_status(session, actor, appt.id, "confirmed", now=now)  # audits, re-plans
    elif appt.confirmation != "confirmed":
        _set(session, actor, appt, "confirmed", via, now)
        plan_appointment(session, appt, now=now)
    _answer_requests(session, [(appt.id, inbound_id)], "confirm", via, now)
    _close_calls(session, [appt.id], "confirmed", now, actor.username)
    return appt


def decline_appointment(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    now: datetime,
    via: str = "staff",
    release: bool | None = None,
    settings: ReminderSettings | None = None,
    inbound_id: int | None = None,
) -> Appointment:
    """The family can't come: flag the visit "needs reschedule" (a staff task), skip its
    reminders and, when ``release`` (default: the clinic setting, on), cancel it with the
    reason "declined by family" so the slot becomes a waitlist opening."""
    actor.require(BOOK)
    appt = _load(session, appointment_id)
    if appt.confirmation != "declined":
        _set(session, actor, appt, "declined", via, now)
    _answer_requests(session, [(appt.id, inbound_id)], "decline", via, now)
    _close_calls(session, [appt.id], "declined", now, actor.username)
    _task(session, appt, "reschedule", f"Declined by the family ({via}); find a new time.", now)
    plan_appointment(session, appt, now=now)
    if release is None:
        release = (settings or ReminderSettings()).release_on_decline
    if release and appt.status in UPCOMING and appt.start_at > now:
        booking.cancel_appointment(session, actor, appt.id, reason=DECLINE_REASON, now=now)
    return appt


def request_callback(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    now: datetime,
    via: str = "link",
    inbound_id: int | None = None,
) -> Appointment:
    """The family asks for a call: status "callback", a call task, no more "please confirm" steps."""
    actor.require(BOOK)
    appt = _load(session, appointment_id)
    if appt.confirmation not in ("callback", "confirmed"):
        _set(session, actor, appt, "callback", via, now)
        plan_appointment(session, appt, now=now)
    _answer_requests(session, [(appt.id, inbound_id)], "callback", via, now)
    _task(session, appt, "call", f"The family asked for a call ({via}).", now)
    return appt


def needs_reschedule(session: Session, appointment_id: int) -> bool:
    """Whether the visit has an open reschedule task (the "needs reschedule" flag)."""
    return (
        session.scalar(
            select(StaffTask.id)
            .where(
                StaffTask.appointment_id == appointment_id,
                StaffTask.kind == "reschedule",
                StaffTask.status == "open",
            )
            .limit(1)
        )
        is not None
    )


def record_call_outcome(
    session: Session, actor: Actor, appointment_id: int, outcome: str, *, now: datetime, note: str = ""
) -> Appointment:
    """One click on the call list: confirmed / left voicemail / no answer / reschedule."""
    actor.require(BOOK)
    if outcome not in CALL_OUTCOMES:
        raise ValidationError(
            f"Unknown call outcome {outcome!r}; use one of {', '.join(CALL_OUTCOMES)}.", field="outcome"
        )
    appt = _load(session, appointment_id)
    task = _task(session, appt, "call", "Called from the call list.", now)
    task.attempts = [
        *(task.attempts or []),
        {"at": now.isoformat(), "by": actor.username, "outcome": outcome, "note": note[:200]},
    ]
    task.outcome, task.updated_at = outcome, now
    audit.record(
        session,
        actor,
        f"call_{outcome}",
        "appointment",
        appt.id,
        now=now,
        after={"outcome": outcome, "note": note[:200]},
    )
    if outcome == "confirmed":
        confirm_appointment(session, actor, appt.id, now=now, via="phone")
    elif outcome == "reschedule":
        # The receptionist is on the phone and moves it now: nothing is released.
        decline_appointment(session, actor, appt.id, now=now, via="phone", release=False)
        task.status, task.done_at, task.done_by = "done", now, actor.username
    session.flush()
    return appt


# --- Replies by SMS -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Req:
    id: int
    appointment_id: int
    patient_id: int
    outbox_message_id: int
    status: str
    answer: str | None
    sent_at: datetime


def _requests_query(now: datetime) -> Select[*tuple[Any, ...]]:
    return (
        select(
            ConfirmationRequest.to_address,
            ConfirmationRequest.id,
            ConfirmationRequest.appointment_id,
            ConfirmationRequest.patient_id,
            ConfirmationRequest.outbox_message_id,
            ConfirmationRequest.status,
            ConfirmationRequest.answer,
            OutboxMessage.sent_at,
        )
        .join(OutboxMessage, OutboxMessage.id == ConfirmationRequest.outbox_message_id)
        .where(
            ConfirmationRequest.channel == "sms",
            ConfirmationRequest.created_at >= now - LOOKBACK,
            OutboxMessage.sent_at.is_not(None),
        )
        .order_by(OutboxMessage.sent_at.desc(), ConfirmationRequest.id.desc())
    )


def _requests_to(session: Session, address: str, now: datetime) -> list[_Req]:
    rows = session.execute(_requests_query(now).where(ConfirmationRequest.to_address == address)).all()
    return [_Req(*r[1:]) for r in rows if r[7] is not None]


def _others_query(since: datetime | None = None) -> Select[*tuple[Any, ...]]:
    """Texts from other features (a waitlist offer…) that a YES/NO could be answering."""
    from orca_desk.services.messaging.inbound import KEYWORD_REPLY

    q = select(OutboxMessage.id).where(
        OutboxMessage.channel == "sms",
        OutboxMessage.source_type.is_distinct_from(SOURCE),
        OutboxMessage.purpose.not_in((KEYWORD_REPLY, REPLY_PURPOSE, "manual", "staff_reply")),
    )
    return q if since is None else q.where(OutboxMessage.sent_at > since)


def _someone_else_asked_later(session: Session, address: str, since: datetime) -> bool:
    """A text from another feature went out after our question: it is what a YES/NO now most
    likely answers."""
    return (
        session.scalar(_others_query(since).where(OutboxMessage.to_address == address).limit(1)) is not None
    )


@dataclass
class _Batch:
    """What ``handle_reply`` reads per sender, read once for a batch of replies (``prepare``).

    ``requests`` holds each sender's requests (newest first) with the appointments they ask
    about; they are used only while none of those appointments' requests has changed since
    (``requests_changed``), else re-read. ``others`` is the newest text from another feature
    per sender: only dispatch sets ``sent_at``, so replies processed in between never change it.
    """

    inbound_ids: set[int]
    requests: dict[str, list[_Req]]
    others: dict[str, datetime]
    # Thank-you texts queued together at the end of the batch (``finish_replies``); nothing in
    # the batch reads them (they are unsent replies, which no handler's look-up considers).
    thanks: list[_Thanks] = field(default_factory=list)
    # YES replies accepted but not yet applied (``_settle``), and the visits they confirm: a
    # later reply that concerns one of those visits settles them first, so replies still act
    # in the order they came.
    confirms: list[_Confirm] = field(default_factory=list)
    pending: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Confirm:
    inbound: InboundMessage
    appointment_ids: tuple[int, ...]  # in the order the requests were sent


_BATCH = "orca_desk.confirmations.batch"


def prepare_replies(session: Session, inbounds: Sequence[InboundMessage], now: datetime) -> None:
    """Read the confirmation requests and later texts of every SMS sender in ``inbounds`` at once."""
    addresses = list(dict.fromkeys(i.from_address for i in inbounds if i.channel == "sms"))
    requests: dict[str, list[_Req]] = {a: [] for a in addresses}
    others: dict[str, datetime] = {}
    for chunk in chunks(addresses):
        for r in session.execute(_requests_query(now).where(ConfirmationRequest.to_address.in_(chunk))):
            if r[7] is not None:
                requests[r[0]].append(_Req(*r[1:]))
        for address, newest in session.execute(
            _others_query()
            .with_only_columns(OutboxMessage.to_address, func.max(OutboxMessage.sent_at))
            .where(OutboxMessage.to_address.in_(chunk), OutboxMessage.sent_at.is_not(None))
            .group_by(OutboxMessage.to_address)
        ):
            if newest is not None:
                others[address] = newest
    session.info[_BATCH] = _Batch({i.id for i in inbounds}, requests, others)


def _batch_for(session: Session, inbound: InboundMessage) -> _Batch | None:
    batch: _Batch | None = session.info.get(_BATCH)
    return batch if batch is not None and inbound.id in batch.inbound_ids else None


def _to_staff(inbound: InboundMessage, appointment_id: int | None, patient_id: int | None) -> bool:
    inbound.needs_review, inbound.handled_by, inbound.unread = True, None, True
    if appointment_id is not None:
        inbound.appointment_id, inbound.patient_id = appointment_id, patient_id
    return False


@dataclass(frozen=True)
class _Thanks:
    """A thank-you text to queue: the reply it answers and the visits (id, start, patient) it names."""

    inbound_id: int
    clinic_id: int
    to_address: str
    kind: str
    appts: tuple[tuple[int, datetime, int], ...]


def _thanks_for(inbound: InboundMessage, kind: str, appts: Sequence[Appointment]) -> _Thanks:
    return _Thanks(
        inbound.id,
        inbound.clinic_id,
        inbound.from_address,
        kind,
        tuple((a.id, a.start_at, a.patient_id) for a in appts),
    )


def _queue_thanks(session: Session, items: Sequence[_Thanks], now: datetime) -> None:
    """Queue the thank-you texts of ``items`` (names and zones read in one query per 900 visits)."""
    from zoneinfo import ZoneInfo

    from orca_desk.services.messaging.outbox import NewMessage, enqueue_many

    if not items:
        return
    ids = list(dict.fromkeys(a[0] for t in items for a in t.appts))
    found: dict[int, tuple[str | None, str | None]] = {}
    for chunk in chunks(ids):
        # Each visit's patient first name and location zone.
        found.update(
            {
                r[0]: (r[1], r[2])
                for r in session.execute(
                    select(Appointment.id, Patient.first_name, Location.timezone)
                    .outerjoin(Patient, Patient.id == Appointment.patient_id)
                    .outerjoin(Location, Location.id == Appointment.location_id)
                    .where(Appointment.id.in_(chunk))
                )
            }
        )
    messages = []
    for t in items:
        parts = []
        for appointment_id, start_at, _patient_id in t.appts:
            first_name, zone = found.get(appointment_id, (None, None))
            local = start_at.astimezone(ZoneInfo(zone or "UTC"))
            parts.append(f"{first_name or 'the visit'} {format_date(local)} at {format_time(local)}")
        what = " and ".join(parts)
        if t.kind == "confirm":
            body = f"Thanks, confirmed: {what}. See you then!"
        elif t.kind == "decline":
            body = (
                f"Thanks for letting us know you can't come ({what}). We will contact you to find a new time."
            )
        else:
            body = f"We'll call you about {what}."
        messages.append(
            NewMessage(
                clinic_id=t.clinic_id,
                channel="sms",
                to_address=t.to_address,
                body=body,
                purpose=REPLY_PURPOSE,
                dedupe_key=f"confirmation-reply:{t.inbound_id}",
                patient_id=t.appts[0][2],
                appointment_id=t.appts[0][0],
                source_type="inbound",
                source_id=t.inbound_id,
            )
        )
    # enqueue_many: Core inserts (no ORM object, no savepoint); the same dedupe as enqueue.
    enqueue_many(session, messages, now=now)


def _thanks(
    session: Session, inbound: InboundMessage, kind: str, appts: Sequence[Appointment], now: datetime
) -> None:
    _queue_thanks(session, [_thanks_for(inbound, kind, appts)], now)


def finish_replies(session: Session, now: datetime) -> None:
    """End of a batch (``prepare_replies``): queue the batch's thank-you texts together."""
    batch: _Batch | None = session.info.pop(_BATCH, None)
    if batch is not None:
        _settle(session, batch, now)
        _queue_thanks(session, batch.thanks, now)


def _settle(session: Session, batch: _Batch, now: datetime) -> None:
    """Apply the batch's accepted YES replies: those that only turn scheduled visits confirmed
    together (``_confirm_together``), the others one by one as ``handle_reply`` would have; a
    reply that can't be applied goes to staff."""
    confirms, batch.confirms, batch.pending = batch.confirms, [], set()
    if not confirms:
        return
    ids = [i for c in confirms for i in c.appointment_ids]
    rows: dict[int, Any] = {}
    for chunk in chunks(ids):
        rows.update(
            (r.id, r)
            for r in session.execute(
                select(Appointment.id, Appointment.status, Appointment.start_at).where(
                    Appointment.id.in_(chunk)
                )
            )
        )
    together = [
        c
        for c in confirms
        if all(
            i in rows and rows[i].status == "scheduled" and rows[i].start_at > now - CONFIRM_GRACE
            for i in c.appointment_ids
        )
    ]
    if not _confirm_together(session, batch, together, now):
        together = []  # e.g. another desk changed one of them: each on its own below
    done = {id(c) for c in together}
    for c in confirms:
        if id(c) not in done:
            _answer(session, c.inbound, "confirm", c.appointment_ids, batch, now)


def _confirm_together(session: Session, batch: _Batch, confirms: Sequence[_Confirm], now: datetime) -> bool:
    """Confirm the visits of ``confirms`` in one statement per table (``booking.set_status_many``),
    answer their requests and close their calls; False, with nothing written, when refused."""
    if not confirms:
        return True
    ids = [i for c in confirms for i in c.appointment_ids]
    try:
        with session.begin_nested():
            appts = booking.set_status_many(session, AUTOMATION, ids, "confirmed", now=now)
            _answer_requests(
                session,
                [(i, c.inbound.id) for c in confirms for i in c.appointment_ids],
                "confirm",
                "sms",
                now,
            )
            _close_calls(session, ids, "confirmed", now, AUTOMATION.username)
    except OrcaError:
        return False
    confirmed = {a.id: a for a in appts}
    batch.thanks.extend(
        _thanks_for(c.inbound, "confirm", [confirmed[i] for i in c.appointment_ids]) for c in confirms
    )
    return True


def handle_reply(
    session: Session, inbound: InboundMessage, now: datetime, *, settings: ReminderSettings | None = None
) -> bool:
    """Inbound-chain handler: act on a YES/NO/"call me" that answers our confirmation request.

    Returns False (the reply goes to staff, ``needs_review`` when it looked like an answer)
    when nothing of ours was asked, when another feature asked later, when the request has
    expired, or when it is ambiguous.
    """
    if inbound.channel != "sms":
        return False
    kind = classify_reply(inbound.body or "").kind
    address = inbound.from_address
    batch = _batch_for(session, inbound)
    if batch is not None:
        batch.inbound_ids.discard(inbound.id)  # a reply is handled once
        reqs = batch.requests.get(address, [])
        if batch.pending and any(r.appointment_id in batch.pending for r in reqs):
            _settle(session, batch, now)  # an earlier YES in this batch concerns these visits
        changed = requests_changed(session)
        if any(r.appointment_id in changed for r in reqs):
            reqs = _requests_to(session, address, now)
        if not reqs:
            return False
        other = batch.others.get(address)
        if other is not None and other > reqs[0].sent_at:
            return False
    else:
        reqs = _requests_to(session, address, now)
        if not reqs:
            return False
        if _someone_else_asked_later(session, address, reqs[0].sent_at):
            return False
    open_ = [r for r in reqs if r.status == "open"]
    if kind not in ANSWERS:
        # Free text ("can we do 4pm instead?"): staff read it, linked to the visit it is about.
        target = open_[0] if open_ else reqs[0]
        inbound.appointment_id, inbound.patient_id = target.appointment_id, target.patient_id
        return False
    if not open_:
        newest = reqs[0]
        if newest.status == "answered" and newest.answer == kind:
            inbound.appointment_id, inbound.patient_id = newest.appointment_id, newest.patient_id
            return True  # the same answer twice changes nothing
        return _to_staff(inbound, newest.appointment_id, newest.patient_id)
    first = open_[0]
    if reqs[0].status == "expired" and reqs[0].sent_at > first.sent_at:
        return _to_staff(inbound, reqs[0].appointment_id, reqs[0].patient_id)  # the latest question is void
    group = [r for r in open_ if r.outbox_message_id == first.outbox_message_id]
    ids = {r.appointment_id for r in group}
    if any(r.appointment_id not in ids for r in open_):
        return _to_staff(inbound, None, None)  # separate questions about different visits are open
    ordered = tuple(sorted(ids, key=lambda i: next(r.sent_at for r in group if r.appointment_id == i)))
    inbound.appointment_id, inbound.patient_id = first.appointment_id, first.patient_id
    if batch is not None and kind == "confirm":
        # Applied with the batch's other YES replies (``_settle``): one statement per table.
        batch.confirms.append(_Confirm(inbound, ordered))
        batch.pending.update(ordered)
        inbound.handled_by = HANDLER_NAME
        return True
    if settings is None and kind == "decline":
        from orca_desk.services.reminders import load_settings

        settings = load_settings(session, with_secret=False)  # the clinic's release-on-decline
    return _answer(session, inbound, kind, ordered, batch, now, settings)


def _answer(
    session: Session,
    inbound: InboundMessage,
    kind: str,
    appointment_ids: Sequence[int],
    batch: _Batch | None,
    now: datetime,
    settings: ReminderSettings | None = None,
) -> bool:
    """Apply one reply's answer to the visits it concerns (all or none); False: it goes to staff."""
    appts: list[Appointment] = []
    try:
        with session.begin_nested():
            for appointment_id in appointment_ids:
                if kind == "confirm":
                    appts.append(
                        confirm_appointment(
                            session, AUTOMATION, appointment_id, now=now, via="sms", inbound_id=inbound.id
                        )
                    )
                elif kind == "decline":
                    appts.append(
                        decline_appointment(
                            session,
                            AUTOMATION,
                            appointment_id,
                            now=now,
                            via="sms",
                            settings=settings,
                            inbound_id=inbound.id,
                        )
                    )
                else:
                    appts.append(
                        request_callback(
                            session, AUTOMATION, appointment_id, now=now, via="sms", inbound_id=inbound.id
                        )
                    )
    except OrcaError:
        return _to_staff(inbound, inbound.appointment_id, inbound.patient_id)
    inbound.handled_by = HANDLER_NAME
    if batch is not None:
        batch.thanks.append(_thanks_for(inbound, kind, appts))
    else:
        _thanks(session, inbound, kind, appts, now)
    return True


class ConfirmationReplyHandler:
    """The inbound-chain handler object (``handle(session, inbound, now) -> bool``)."""

    name = HANDLER_NAME

    def __init__(self, settings: ReminderSettings | None = None) -> None:
        self.settings = settings

    def prepare(self, session: Session, inbounds: Sequence[InboundMessage], now: datetime) -> None:
        prepare_replies(session, inbounds, now)

    def handle(self, session: Session, inbound: InboundMessage, now: datetime) -> bool:
        return handle_reply(session, inbound, now, settings=self.settings)

    def finish(self, session: Session, now: datetime) -> None:
        finish_replies(session, now)


# --- The call list --------------------------------------------------------------------------


@dataclass(frozen=True)
class CallRow:
    """One family to call: an unconfirmed visit inside the escalation window."""

    appointment_id: int
    version: int
    start: datetime
    when: str  # local, e.g. "Wed 4 Mar 3:30 PM"
    patient: str
    responsible: str
    phones: tuple[str, ...]
    type_name: str
    location: str
    confirmation: str
    last_outcome: str  # "" or a CALL_OUTCOMES label
    attempts: int


def is_closed(session: Session, location_id: int, day: date) -> bool:
    """Whether the location is closed all day: a weekend, or a whole-day holiday there or clinic-wide."""
    if day.weekday() >= 5:
        return True
    return (
        session.scalar(
            select(ScheduleException.id)
            .where(
                ScheduleException.kind == "holiday",
                ScheduleException.provider_id.is_(None),
                or_(ScheduleException.location_id.is_(None), ScheduleException.location_id == location_id),
                ScheduleException.start_day <= day,
                ScheduleException.end_day >= day,
                ScheduleException.start_minute.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def next_business_day(session: Session, location_id: int, after: date) -> date:
    """The first day after ``after`` on which the location is open (weekends and holidays skipped)."""
    day = after + timedelta(days=1)
    for _ in range(60):
        if not is_closed(session, location_id, day):
            return day
        day += timedelta(days=1)
    return after + timedelta(days=1)


@lru_cache(maxsize=4096)  # a call list formats the same few hundred numbers on every load
def format_phone(number: str, country: str) -> str:
    """A phone number as the desk dials it: national format in the clinic's country, else international."""
    try:
        parsed = phonenumbers.parse(number, country or "US")
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(parsed) == (country or "US").upper()
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


def call_day(session: Session, location_id: int, *, now: datetime) -> date:
    """The day the morning call is about by default: the location's next business day."""
    loc = session.get(Location, location_id)
    if loc is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    return next_business_day(session, location_id, now.astimezone(ZoneInfo(loc.timezone)).date())


def call_list(
    session: Session,
    *,
    now: datetime,
    location_id: int | None = None,
    day: date | None = None,
    settings: ReminderSettings | None = None,
) -> list[CallRow]:
    """Families to call about unconfirmed visits of one day, in local start-time order.

    ``day`` defaults to each location's next business day (weekends and whole-day holidays
    skipped), so today's visits are never on the morning list; ``location_id`` keeps one
    location (the one chosen in the toolbar). Visits already started are left out. Phones
    are formatted for dialling in the clinic's country. ``settings`` is accepted for callers
    of the older escalation-window list and no longer changes the rows.
    """
    del settings
    q = select(Location)
    if location_id is not None:
        q = q.where(Location.id == location_id)
    locs = {loc.id: loc for loc in session.scalars(q)}
    if location_id is not None and not locs:
        raise NotFound(f"Location #{location_id} does not exist.")
    countries = {r[0]: r[1] for r in session.execute(select(Clinic.id, Clinic.country))}
    # Column tuples, not entities: a day at a busy location is hundreds of rows read, never changed.
    found: list[tuple[datetime, int, int, datetime, int, int, str, Location]] = []
    for loc in locs.values():
        zone = ZoneInfo(loc.timezone)
        the_day = day or next_business_day(session, loc.id, now.astimezone(zone).date())
        lo = datetime.combine(the_day, time(0, 0), tzinfo=zone).astimezone(UTC)
        hi = datetime.combine(the_day + timedelta(days=1), time(0, 0), tzinfo=zone).astimezone(UTC)
        found.extend(
            (start.astimezone(zone), aid, version, start, pid, tid, conf, loc)
            for aid, version, start, pid, tid, conf in session.connection()
            .execute(
                select(
                    Appointment.id,
                    Appointment.version,
                    Appointment.start_at,
                    Appointment.patient_id,
                    Appointment.type_id,
                    Appointment.confirmation,
                )
                .where(
                    Appointment.location_id == loc.id,
                    Appointment.status == "scheduled",
                    Appointment.start_at >= max(lo, now),
                    Appointment.start_at < hi,
                    Appointment.confirmation.in_(_TO_CALL),
                )
                .order_by(Appointment.start_at, Appointment.id)
            )
            .all()
        )
    if not found:
        return []
    # Local wall-clock order (a 9:00 in Denver before a 10:00 in Boston), then the instant.
    found.sort(key=lambda f: (f[0].date(), f[0].time(), f[3], f[1]))
    ids = [f[1] for f in found]
    tasks: dict[int, tuple[str | None, Any]] = {}
    patients: dict[int, tuple[Any, ...]] = {}
    conn = session.connection()
    for part in chunks(ids, 500):
        for task_appt, outcome, tries in conn.execute(
            select(StaffTask.appointment_id, StaffTask.outcome, StaffTask.attempts)
            .where(StaffTask.appointment_id.in_(part), StaffTask.kind == "call")
            .order_by(StaffTask.id)
        ).all():
            if task_appt is not None:
                tasks[task_appt] = (outcome, tries)
    for part in chunks(list({f[4] for f in found}), 500):
        patients.update(
            (r[0], tuple(r[1:]))
            for r in conn.execute(
                select(
                    Patient.id,
                    Patient.first_name,
                    Patient.last_name,
                    Patient.contact_phone,
                    Patient.guardian_phone,
                    Patient.phone,
                    Patient.guardian_name,
                    Patient.guardian_relation,
                ).where(Patient.id.in_(part))
            ).all()
        )
    types = dict(conn.execute(select(AppointmentType.id, AppointmentType.name)).all())
    out = []
    for local, aid, version, start, pid, tid, conf, loc in found:
        first, last, contact_phone, guardian_phone, phone, guardian, relation = patients[pid]
        country = countries.get(loc.clinic_id, "US")
        phones = tuple(
            dict.fromkeys(format_phone(x, country) for x in (contact_phone, guardian_phone, phone) if x)
        )
        name = f"{first} {last}"
        responsible = guardian or name
        if guardian and relation:
            responsible += f" ({relation})"
        t = tasks.get(aid)
        out.append(
            CallRow(
                aid,
                version,
                start,
                f"{format_date(local)} {format_time(local)}",
                name,
                responsible,
                phones,
                types.get(tid, ""),
                loc.name,
                conf,
                CALL_OUTCOMES.get(t[0] or "", "") if t else "",
                len(t[1] or []) if t else 0,
            )
        )
    return out


@dataclass(frozen=True)
class CallListLoad:
    """The call list of one day at one location (or of each location's next business day)."""

    location_id: int | None
    day: date | None
    rows: list[CallRow]


def load_call_list(db: Database, *, now: datetime, location_id: int | None, day: date | None) -> CallListLoad:
    """The call list in a session of its own (a screen loads it off the UI thread): ``day``, or
    the location's next business day when it is None."""
    with db.read() as s:
        if day is None and location_id is not None:
            day = call_day(s, location_id, now=now)
        return CallListLoad(location_id, day, call_list(s, now=now, location_id=location_id, day=day))


@dataclass(frozen=True)
class TaskRow:
    id: int
    kind: str
    appointment_id: int | None
    patient: str
    reason: str
    created_at: datetime


def open_tasks(session: Session, kind: str | None = None) -> list[TaskRow]:
    """Open staff tasks (reschedule a declined visit, call a family), oldest first."""
    q = select(StaffTask).where(StaffTask.status == "open").order_by(StaffTask.created_at, StaffTask.id)
    if kind is not None:
        q = q.where(StaffTask.kind == kind)
    out = []
    for t in session.scalars(q):
        p = session.get(Patient, t.patient_id) if t.patient_id else None
        out.append(
            TaskRow(t.id, t.kind, t.appointment_id, p.display_name if p else "", t.reason, t.created_at)
        )
    return out


__all__ = [
    "CALL_OUTCOMES",
    "ConfirmationReplyHandler",
    "call_day",
    "call_list",
    "confirm_appointment",
    "decline_appointment",
    "expire_requests",
    "format_phone",
    "handle_reply",
    "next_business_day",
    "record_call_outcome",
    "request_callback",
]
