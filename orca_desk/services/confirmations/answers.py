"""Confirm, decline or ask for a call: the one place that changes a visit's confirmation status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.reminders import ConfirmationRequest, StaffTask
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.booking import booking
from orca_desk.services.errors import ConflictError, NotFound, ValidationError
from orca_desk.services.reminders import (
    UPCOMING,
    ReminderSettings,
    note_requests_changed,
    plan_appointment,
)

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
