"""The clinic's reminder settings (escalation, release on decline, links) and who may change them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.services.access import audit
from orca_desk.services.access.security import ADMIN, MANAGE_CAMPAIGNS, Actor
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.messaging.policy import MessagingPolicy

SETTING_ESCALATION = "reminders.escalation_hours"
SETTING_RELEASE = "reminders.release_on_decline"


@dataclass(frozen=True)
class ReminderSettings:
    """How reminders and confirmations behave.

    ``escalation``: appointments still unconfirmed this long before their start go to the
    call list (widened to the end of that local day, so tomorrow is called in one go).
    ``release_on_decline``: a declined visit is cancelled so its slot goes to the waitlist.
    ``secret``/``base_url`` sign the confirm/decline/call links (None: reply-only texts).
    """

    escalation: timedelta = timedelta(hours=24)
    release_on_decline: bool = True
    policy: MessagingPolicy = field(default_factory=MessagingPolicy)
    base_url: str = "http://127.0.0.1:8765"
    secret: bytes | None = None


def load_settings(session: Session, *, with_secret: bool = True) -> ReminderSettings:
    """The clinic's reminder settings (stored as ``clinic_setting`` rows), policy and link secret."""
    from orca_desk.services.clinic import clinic_settings
    from orca_desk.services.links import patient_links

    stored = {
        r.key: r.value
        for r in session.scalars(
            select(ClinicSetting).where(ClinicSetting.key.in_((SETTING_ESCALATION, SETTING_RELEASE)))
        )
    }
    hours = 24
    with contextlib.suppress(ValueError):
        hours = int(stored.get(SETTING_ESCALATION, "24"))
    release = stored.get(SETTING_RELEASE, "true").strip().lower() in ("true", "1", "yes")
    secret: bytes | None = None
    if with_secret:
        try:
            secret = patient_links.link_secret()
        except (ValidationError, OSError):
            secret = None
    return ReminderSettings(
        escalation=timedelta(hours=hours),
        release_on_decline=release,
        policy=clinic_settings.messaging_policy(session),
        base_url=patient_links.public_base_url(session),
        secret=secret,
    )


def save_settings(
    session: Session, actor: Actor, *, escalation_hours: int, release_on_decline: bool, now: datetime
) -> None:
    """Store the escalation time (1–168 h) and whether a decline releases the slot; audited."""
    _require_manager(actor)
    if not 1 <= escalation_hours <= 168:
        raise ValidationError(
            "Escalate between 1 and 168 hours (a week) before the visit.", field="escalation_hours"
        )
    values = {
        SETTING_ESCALATION: str(escalation_hours),
        SETTING_RELEASE: "true" if release_on_decline else "false",
    }
    for key, value in values.items():
        row = session.get(ClinicSetting, key)
        if row is None:
            session.add(ClinicSetting(key=key, value=value, updated_at=now, updated_by=actor.username))
        else:
            row.value, row.updated_at, row.updated_by = value, now, actor.username
    session.flush()
    audit.record(session, actor, "update", "reminder_settings", 0, now=now, after=values)


def may_manage(actor: Actor) -> bool:
    """Whether ``actor`` may change sequences and confirmation settings (managers, administrators)."""
    return actor.can(MANAGE_CAMPAIGNS) or actor.can(ADMIN)


def _require_manager(actor: Actor) -> None:
    if not may_manage(actor):
        raise PermissionDenied(
            f"{actor.display_name or actor.username} may not change reminder sequences; ask a manager."
        )
