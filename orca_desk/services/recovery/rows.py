"""What the Recovery screen shows and edits (case rows, metrics, steps, labels), without the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from orca_desk.services.local_time import fmt_minute

if TYPE_CHECKING:
    from orca_desk.models.recovery import RecoveryStep
    from orca_desk.services.analytics.at_risk import RiskScore

DAY = 24 * 60
ACTION_LABELS = {"sms": "SMS", "email": "Email", "call": "Staff call"}
CAUSE_LABELS = {"no_show": "no-show", "late_cancel": "late cancellation"}
CALL_OUTCOMES = {
    "reached": "Reached — will call back to book",
    "left_message": "Left a message",
    "no_answer": "No answer",
    "wrong_number": "Wrong number",
    "not_interested": "Not interested (close as lost)",
}
RECOVERY_TEMPLATE = "recovery"  # the cause's own template: recovery.no_show / recovery.late_cancel


@dataclass(frozen=True)
class StepInput:
    action: str  # sms | email | call
    delay_minutes: int
    latest_local_minute: int | None = None
    template_key: str = "recovery"  # "recovery" → recovery.no_show / recovery.late_cancel


@dataclass(frozen=True)
class SequenceSettings:
    """The clinic's recovery sequence as the editor shows it (the defaults when never saved)."""

    name: str
    steps: tuple[StepInput, ...]
    cause_kinds: tuple[str, ...]
    lost_after_days: int
    saved: bool
    updated_at: datetime | None = None


def step_label(step: RecoveryStep | StepInput, style: str = "12h") -> str:
    """ "SMS same day (before 9:00 PM)": the step as staff read it, in the clinic's time format."""
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
    latest = f" (before {fmt_minute(step.latest_local_minute, style)})" if step.latest_local_minute else ""
    return f"{ACTION_LABELS[step.action]} {when}{latest}"


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
