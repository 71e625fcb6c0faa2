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

from orca_desk.services.reminders.escalation import (
    call_window_appointments,
    expire_requests,
    note_requests_changed,
    requests_changed,
)
from orca_desk.services.reminders.planning import (
    ANSWER_SKIPS,
    PENDING,
    SKIP_CALLBACK,
    SKIP_CONFIRMED,
    SKIP_DECLINED,
    SKIP_PAST,
    UPCOMING,
    PlanSummary,
    after_appointment_change,
    after_appointment_changes,
    plan_all,
    plan_appointment,
    plan_appointments,
)
from orca_desk.services.reminders.queries import PlannedRow, planned_for
from orca_desk.services.reminders.sequences import (
    MAX_OFFSET,
    delete_sequence,
    list_sequences,
    save_sequence,
    seed_default_sequences,
    sequence_problems,
)
from orca_desk.services.reminders.settings import (
    SETTING_ESCALATION,
    SETTING_RELEASE,
    ReminderSettings,
    load_settings,
    may_manage,
    save_settings,
)
from orca_desk.services.reminders.steps import (
    DEFAULT_SEQUENCE,
    LONG_VISIT_SEQUENCE,
    SequenceInput,
    SequenceRow,
    StepInput,
    StepPreview,
    StepRow,
    offset_label,
    offset_minutes,
    preview_step,
    sample_preview,
    step_texts,
)
from orca_desk.services.reminders.tick import (
    CONFIRM_PURPOSE,
    PURPOSE,
    SOURCE,
    ReminderTick,
    dedupe_key,
    process_reminders,
)

__all__ = [
    "ANSWER_SKIPS",
    "CONFIRM_PURPOSE",
    "DEFAULT_SEQUENCE",
    "LONG_VISIT_SEQUENCE",
    "MAX_OFFSET",
    "PENDING",
    "PURPOSE",
    "SETTING_ESCALATION",
    "SETTING_RELEASE",
    "SKIP_CALLBACK",
    "SKIP_CONFIRMED",
    "SKIP_DECLINED",
    "SKIP_PAST",
    "SOURCE",
    "UPCOMING",
    "PlanSummary",
    "PlannedRow",
    "ReminderSettings",
    "ReminderTick",
    "SequenceInput",
    "SequenceRow",
    "StepInput",
    "StepPreview",
    "StepRow",
    "after_appointment_change",
    "after_appointment_changes",
    "call_window_appointments",
    "dedupe_key",
    "delete_sequence",
    "expire_requests",
    "list_sequences",
    "load_settings",
    "may_manage",
    "note_requests_changed",
    "offset_label",
    "offset_minutes",
    "plan_all",
    "plan_appointment",
    "plan_appointments",
    "planned_for",
    "preview_step",
    "process_reminders",
    "requests_changed",
    "sample_preview",
    "save_sequence",
    "save_settings",
    "seed_default_sequences",
    "sequence_problems",
    "step_texts",
]
