"""Every new clinic (set up or demo) gets the default reminder, confirmation and recovery sequences
and message templates, from the one service both call."""

from __future__ import annotations

from sqlalchemy import func, select

from orca_desk.models.messaging import MessageTemplate
from orca_desk.models.recovery import RecoverySequence
from orca_desk.models.reminders import ReminderSequence, ReminderStep
from orca_desk.services.clinic.clinic_defaults import seed_clinic_defaults
from orca_desk.services.demo import load_demo
from orca_desk.services.messaging import message_templates
from tests.conftest import NOW
from tests.factories import make_world


def _count(s, model):
    return s.scalar(select(func.count()).select_from(model))


def test_a_new_clinic_gets_every_default_once(db, clock):
    with db.write() as s:
        clinic_id = make_world(s).clinic.id
        seeded = seed_clinic_defaults(s, clinic_id, now=clock.now())
        assert (seeded.reminder_sequences, seeded.recovery_sequences) == (2, 1)  # Bonding is 90 min
        assert seeded.message_templates == len(message_templates.default_templates())
        assert seed_clinic_defaults(s, clinic_id, now=clock.now()).total == 0
    with db.read() as s:
        assert _count(s, RecoverySequence) == 1 and _count(s, ReminderSequence) == 2
        # The standard sequence asks the family to confirm two days before.
        assert (
            s.scalar(
                select(func.count())
                .select_from(ReminderStep)
                .where(ReminderStep.asks_for_confirmation.is_(True))
            )
            == 2
        )


def test_the_demo_uses_the_same_defaults(db):
    with db.write() as s:
        load_demo(s, "small", now=NOW)
    with db.read() as s:
        assert _count(s, MessageTemplate) == len(message_templates.default_templates())
        assert _count(s, RecoverySequence) == 1 and _count(s, ReminderSequence) == 2
