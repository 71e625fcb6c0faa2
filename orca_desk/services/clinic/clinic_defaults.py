"""What every new clinic starts with: reminder and confirmation sequences, the missed-visit
recovery sequence and the message templates (the demo loader and clinic setup both call this)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.services import reminders
from orca_desk.services.messaging import message_templates
from orca_desk.services.recovery.sequences import seed_default_sequence


@dataclass(frozen=True)
class SeededDefaults:
    reminder_sequences: int  # the standard one (its 2-day step asks to confirm), long visits
    recovery_sequences: int
    message_templates: int

    @property
    def total(self) -> int:
        return self.reminder_sequences + self.recovery_sequences + self.message_templates


def seed_clinic_defaults(session: Session, clinic_id: int, *, now: datetime) -> SeededDefaults:
    """Add whatever defaults the clinic does not have yet; running it again adds nothing.

    Call it once the appointment types exist: visits of an hour or more get the long-visit
    reminder sequence.
    """
    return SeededDefaults(
        reminder_sequences=reminders.seed_default_sequences(session, clinic_id, now=now),
        recovery_sequences=int(seed_default_sequence(session, clinic_id, now=now)),
        message_templates=message_templates.seed_default_templates(session, clinic_id, now=now),
    )
