"""Failed-appointment recovery: a missed visit starts a follow-up case that stops by itself on booking."""

from orca_desk.services.recovery.cases import CAUSE_LABELS, after_appointment_change, on_booked, start_case
from orca_desk.services.recovery.metrics import GroupMetrics, RecoveryMetrics, WeekMetrics, recovery_metrics
from orca_desk.services.recovery.queries import CaseRow, HistoryRow, list_cases
from orca_desk.services.recovery.sequences import (
    ACTION_LABELS,
    DAY,
    DEFAULT_STEPS,
    RECOVERY_TEMPLATE,
    SequenceSettings,
    StepInput,
    delay_text,
    load_sequence,
    save_sequence,
    seed_default_sequence,
    sequence_problems,
    step_label,
    step_messages,
    template_keys,
)
from orca_desk.services.recovery.staff import CALL_OUTCOMES, close_case, log_call_outcome
from orca_desk.services.recovery.steps import RecoveryTick, process_recovery

__all__ = [
    "ACTION_LABELS",
    "CALL_OUTCOMES",
    "CAUSE_LABELS",
    "DAY",
    "DEFAULT_STEPS",
    "RECOVERY_TEMPLATE",
    "CaseRow",
    "GroupMetrics",
    "HistoryRow",
    "RecoveryMetrics",
    "RecoveryTick",
    "SequenceSettings",
    "StepInput",
    "WeekMetrics",
    "after_appointment_change",
    "close_case",
    "delay_text",
    "list_cases",
    "load_sequence",
    "log_call_outcome",
    "on_booked",
    "process_recovery",
    "recovery_metrics",
    "save_sequence",
    "seed_default_sequence",
    "sequence_problems",
    "start_case",
    "step_label",
    "step_messages",
    "template_keys",
]
