"""Write audit events: who changed what, when, with before and after."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from orca_desk.models.audit import AuditEvent

if TYPE_CHECKING:
    from orca_desk.services.access.security import Actor


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int,
    *,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=now,
            user_id=actor.user_id,
            actor=actor.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )
