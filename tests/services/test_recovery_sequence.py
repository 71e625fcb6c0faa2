"""Editing the recovery sequence: validation names the step, a refusal saves nothing, managers only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orca_desk.models.audit import AuditEvent
from orca_desk.models.recovery import RecoverySequence, RecoveryStep
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.recovery.rows import DAY, StepInput
from orca_desk.services.recovery.sequences import (
    DEFAULT_STEPS,
    load_sequence,
    save_sequence,
    sequence_problems,
    template_keys,
)
from tests.conftest import NOW
from tests.factories import make_world

GOOD = (
    StepInput("sms", 0, 20 * 60),
    StepInput("email", 3 * DAY, None, "campaign.we_miss_you"),
    StepInput("call", 6 * DAY, None, ""),
)


@pytest.fixture
def clinic_id(db) -> int:
    with db.write() as s:
        return make_world(s, patients=1).clinic.id


def test_the_defaults_are_shown_until_a_manager_saves(db, clinic_id, manager):
    with db.read() as s:
        shown = load_sequence(s, clinic_id)
    assert not shown.saved and shown.steps == DEFAULT_STEPS
    assert shown.cause_kinds == ("no_show", "late_cancel") and shown.lost_after_days == 14
    with db.write() as s:
        save_sequence(s, manager, clinic_id, GOOD, now=NOW, cause_kinds=("no_show",), lost_after_days=21)
    with db.read() as s:
        shown = load_sequence(s, clinic_id)
        audits = s.scalars(select(AuditEvent).where(AuditEvent.action == "recovery.sequence")).all()
    assert shown.saved and shown.steps == GOOD
    assert shown.cause_kinds == ("no_show",) and shown.lost_after_days == 21
    assert [a.after["steps"] for a in audits] == [
        ["SMS same day (before 8:00 PM)", "Email after 3 days", "Staff call after 6 days"]
    ]


def test_a_receptionist_is_refused(db, clinic_id, receptionist):
    with db.write() as s, pytest.raises(PermissionDenied, match="Maria may not change the recovery sequence"):
        save_sequence(s, receptionist, clinic_id, GOOD, now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RecoverySequence)) == 0


@pytest.mark.parametrize(
    ("steps", "kwargs", "message"),
    [
        ((), {}, "at least one step"),
        ((StepInput("sms", -60),), {}, "Step 1: the delay cannot be negative (-1 h)"),
        (
            (StepInput("sms", 0), StepInput("email", 2 * DAY), StepInput("call", DAY)),
            {},
            "Step 3 (1 day) comes before step 2 (2 days): put the steps in order of their delay",
        ),
        (
            (StepInput("sms", 0), StepInput("email", DAY, None, "nope.key")),
            {},
            "Step 2: unknown template 'nope.key'; the library has no email template",
        ),
        (
            (StepInput("sms", 0, None, "reminder.week"),),
            {},
            "Step 1: unknown template 'reminder.week'; the library has no SMS template",
        ),  # email only
        ((StepInput("email", 0, None, " "),), {}, "Step 1: choose a message template for the email"),
        ((StepInput("fax", 0),), {}, "Step 1: unknown action 'fax'"),
        ((StepInput("sms", 0, 25 * 60),), {}, "Step 1: the latest time must be within the day"),
        ((StepInput("sms", 400 * DAY),), {}, "Step 1: the delay is over 365 days"),
        (GOOD, {"cause_kinds": ()}, "Choose at least one cause"),
        (GOOD, {"cause_kinds": ("walk_out",)}, "Unknown cause 'walk_out'"),
        (GOOD, {"lost_after_days": 0}, "'Lost after' must be between 1 and 365 days"),
    ],
)
def test_validation_names_the_step_and_saves_nothing(db, clinic_id, manager, steps, kwargs, message):
    with db.write() as s:
        save_sequence(s, manager, clinic_id, GOOD, now=NOW)
    with db.write() as s, pytest.raises(ValidationError) as refused:
        save_sequence(s, manager, clinic_id, steps, now=NOW, **kwargs)
    assert message in str(refused.value)
    with db.read() as s:
        assert load_sequence(s, clinic_id).steps == GOOD
        assert s.scalar(select(func.count()).select_from(RecoveryStep)) == len(GOOD)


def test_every_problem_is_named_at_once(db, clinic_id):
    with db.read() as s:
        problems = sequence_problems(
            s, clinic_id, [StepInput("sms", DAY, None, "x"), StepInput("email", -1)], lost_after_days=0
        )
    assert [p.split(":")[0] for p in problems] == [
        "Step 1",
        "Step 2",
        "'Lost after' must be between 1 and 365 days (it is 0).",
    ]


def test_template_choices_follow_the_channel(db, clinic_id):
    with db.read() as s:
        sms = template_keys(s, clinic_id, "sms")
        email = template_keys(s, clinic_id, "email")
        assert template_keys(s, clinic_id, "call") == []
    assert sms[0] == email[0] == "recovery"
    assert "reminder.day_of" in sms and "reminder.day_of" not in email
    assert "reminder.week" in email and "reminder.week" not in sms
