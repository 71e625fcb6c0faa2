"""What staff do with a recovery case: log a call to the family, close the case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.models.recovery import LIVE_CASE_STATUSES, RecoveryCase
from orca_desk.models.reminders import StaffTask
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.recovery.cases import _finish, _log
from orca_desk.services.recovery.rows import CALL_OUTCOMES

CONTACTED_OUTCOMES = frozenset({"reached", "left_message"})


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
