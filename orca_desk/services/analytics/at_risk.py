"""At-risk scoring: who may drop out of treatment, with an explainable breakdown per patient."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.services.bulk import chunks

LOOKBACK = timedelta(days=365)
UPCOMING = ("scheduled", "confirmed")
HIGH, MEDIUM = 50, 25
MAX_SCORE = 100


@dataclass(frozen=True)
class StageInterval:
    """How often a patient in a treatment stage is expected to come (in days)."""

    label: str
    min_days: int
    max_days: int
    wording: str  # "adjustments every 4–8 weeks"


# Active treatment: adjustments every 4–8 weeks; retention checks are months apart.
INTERVALS: dict[str, StageInterval] = {
    "active": StageInterval("active treatment", 28, 56, "adjustments every 4–8 weeks"),
    "retention": StageInterval("retention", 90, 182, "retention checks every 3–6 months"),
    "consult": StageInterval("consultation", 30, 90, "a start within 3 months of the consult"),
}
DEFAULT_INTERVAL = StageInterval("treatment", 56, 182, "a visit every 2–6 months")

# Points per factor (and their caps).
NO_SHOW_POINTS, NO_SHOW_CAP = 15, 45
LATE_CANCEL_POINTS, LATE_CANCEL_CAP = 8, 24
UNCONFIRMED_MAX, UNCONFIRMED_MIN_VISITS, UNCONFIRMED_MIN_SHARE = 15, 3, 0.34
OVERDUE_BASE, OVERDUE_SCALE, OVERDUE_CAP = 10, 20, 30
NOTHING_BOOKED_ACTIVE = 10


@dataclass(frozen=True)
class RiskFactor:
    factor: str
    points: int
    why: str


@dataclass(frozen=True)
class RiskScore:
    patient_id: int
    score: int
    factors: tuple[RiskFactor, ...]

    @property
    def level(self) -> str:
        return "high" if self.score >= HIGH else "medium" if self.score >= MEDIUM else "low"

    def explain(self) -> str:
        """One line per factor, e.g. "+30 no-shows: 2 no-shows in the last 12 months"."""
        if not self.factors:
            return "No risk factors."
        return "\n".join(f"+{f.points} {f.factor}: {f.why}" for f in self.factors)


@dataclass
class _Facts:
    stage: str = "active"
    no_shows: int = 0
    late_cancels: int = 0
    past_visits: int = 0
    unconfirmed: int = 0
    last_visit: datetime | None = None
    next_visit: datetime | None = None


def score_facts(patient_id: int, facts: _Facts, now: datetime) -> RiskScore:
    """The score of one patient from what is known of them (pure; the tests call it)."""
    factors: list[RiskFactor] = []
    if facts.no_shows:
        n = facts.no_shows
        factors.append(
            RiskFactor(
                "no-shows",
                min(NO_SHOW_CAP, NO_SHOW_POINTS * n),
                f"{n} no-shows in the last 12 months" if n != 1 else "1 no-show in the last 12 months",
            )
        )
    if facts.late_cancels:
        n = facts.late_cancels
        factors.append(
            RiskFactor(
                "late cancellations",
                min(LATE_CANCEL_CAP, LATE_CANCEL_POINTS * n),
                (
                    f"{n} cancellations less than 24 h before the visit in the last 12 months"
                    if n != 1
                    else "1 cancellation less than 24 h before the visit in the last 12 months"
                ),
            )
        )
    if facts.past_visits >= UNCONFIRMED_MIN_VISITS:
        share = facts.unconfirmed / facts.past_visits
        if share >= UNCONFIRMED_MIN_SHARE:
            factors.append(
                RiskFactor(
                    "unconfirmed visits",
                    round(UNCONFIRMED_MAX * share),
                    f"{facts.unconfirmed} of {facts.past_visits} visits in the last "
                    "12 months were never confirmed",
                )
            )
    interval = INTERVALS.get(facts.stage, DEFAULT_INTERVAL)
    if facts.next_visit is None and facts.last_visit is not None:
        days = (now - facts.last_visit).days
        overdue = days - interval.max_days
        if overdue > 0:
            points = min(OVERDUE_CAP, OVERDUE_BASE + round(OVERDUE_SCALE * overdue / interval.max_days))
            factors.append(
                RiskFactor(
                    "overdue",
                    points,
                    f"last seen {days} days ago; {interval.label} expects "
                    f"{interval.wording} ({overdue} days overdue)",
                )
            )
    if facts.next_visit is None and facts.stage == "active":
        factors.append(
            RiskFactor(
                "nothing booked", NOTHING_BOOKED_ACTIVE, "no next visit booked during active treatment"
            )
        )
    score = min(MAX_SCORE, sum(f.points for f in factors))
    return RiskScore(patient_id, score, tuple(factors))


def _facts(session: Session, ids: Sequence[int] | None, now: datetime) -> dict[int, _Facts]:
    """Four grouped queries (per chunk of ids): stages, the last year's counts, last and next visit."""
    since = now - LOOKBACK
    out: dict[int, _Facts] = {}
    past = Appointment.status.in_(("completed", "no_show"))
    counts = (
        select(
            Appointment.patient_id,
            func.sum(case((Appointment.status == "no_show", 1), else_=0)),
            func.sum(
                case((and_(Appointment.status == "cancelled", Appointment.late_cancel.is_(True)), 1), else_=0)
            ),
            func.sum(case((past, 1), else_=0)),
            func.sum(case((and_(past, Appointment.confirmation != "confirmed"), 1), else_=0)),
        )
        .where(Appointment.start_at >= since, Appointment.start_at < now)
        .group_by(Appointment.patient_id)
    )
    last = (
        select(Appointment.patient_id, func.max(Appointment.start_at))
        .where(Appointment.status == "completed", Appointment.start_at < now)
        .group_by(Appointment.patient_id)
    )
    nxt = (
        select(Appointment.patient_id, func.min(Appointment.start_at))
        .where(Appointment.status.in_(UPCOMING), Appointment.start_at >= now)
        .group_by(Appointment.patient_id)
    )
    stages = select(Patient.id, Patient.treatment_stage).where(Patient.is_active.is_(True))
    batches: Iterable[Sequence[int] | None] = [None] if ids is None else chunks(list(ids))
    for chunk in batches:

        def only(q: Any, column: Any, chunk: Sequence[int] | None = chunk) -> Any:
            return q if chunk is None else q.where(column.in_(chunk))

        for pid, stage in session.execute(only(stages, Patient.id)):
            out[pid] = _Facts(stage=stage or "active")
        for pid, ns, lc, pv, un in session.execute(only(counts, Appointment.patient_id)):
            if pid in out:
                f = out[pid]
                f.no_shows, f.late_cancels, f.past_visits, f.unconfirmed = (
                    int(ns or 0),
                    int(lc or 0),
                    int(pv or 0),
                    int(un or 0),
                )
        for pid, when in session.execute(only(last, Appointment.patient_id)):
            if pid in out:
                out[pid].last_visit = _aware(when)
        for pid, when in session.execute(only(nxt, Appointment.patient_id)):
            if pid in out:
                out[pid].next_visit = _aware(when)
    return out


def _aware(value: Any) -> datetime | None:
    """Aggregates bypass the column type on SQLite: make them aware UTC instants again."""
    from datetime import UTC

    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def score_patients(
    session: Session, patient_ids: Sequence[int] | None, *, now: datetime
) -> dict[int, RiskScore]:
    """Scores of these patients (None: every active patient), in a few grouped queries."""
    return {pid: score_facts(pid, f, now) for pid, f in _facts(session, patient_ids, now).items()}


@dataclass(frozen=True)
class AtRiskRow:
    patient_id: int
    name: str
    stage: str
    score: int
    level: str
    factors: tuple[RiskFactor, ...]
    last_visit: datetime | None
    phone: str


def load_at_risk_list(db: Database, *, now: datetime, limit: int = 200) -> list[AtRiskRow]:
    """``at_risk_list`` in a session of its own: it scores every active patient, so a screen
    loads it off the UI thread."""
    with db.read() as s:
        return at_risk_list(s, now=now, limit=limit)


def at_risk_list(
    session: Session, *, now: datetime, min_score: int = MEDIUM, limit: int = 200
) -> list[AtRiskRow]:
    """Active patients scoring at least ``min_score``, highest first."""
    facts = _facts(session, None, now)
    scores = sorted(
        (score_facts(pid, f, now) for pid, f in facts.items()), key=lambda r: (-r.score, r.patient_id)
    )
    top = [r for r in scores if r.score >= min_score][:limit]
    names = {
        p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_([r.patient_id for r in top])))
    }
    return [
        AtRiskRow(
            r.patient_id,
            names[r.patient_id].display_name,
            facts[r.patient_id].stage,
            r.score,
            r.level,
            r.factors,
            facts[r.patient_id].last_visit,
            names[r.patient_id].contact_phone or "",
        )
        for r in top
        if r.patient_id in names
    ]
