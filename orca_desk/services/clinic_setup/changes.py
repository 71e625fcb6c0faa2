"""What saving a setup reports and records: each change, new users, and the audit line of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orca_desk.services.access import audit
from orca_desk.services.access.security import ADMIN, Actor
from orca_desk.services.clinic.clinic_defaults import SeededDefaults
from orca_desk.services.errors import PermissionDenied
from orca_desk.services.setup_file.problems import quote


@dataclass(frozen=True)
class Change:
    action: str  # "create" | "update"
    entity: str  # "clinic", "location", "chair", "appointment type", "provider", "staff user", …
    name: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.action} {self.entity} {quote(self.name)}"
        return f"{text}: {'; '.join(self.details)}" if self.details else text


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: str
    one_time_password: str


@dataclass
class ChangeLog:
    changes: list[Change] = field(default_factory=list)
    new_users: list[NewUser] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SetupResult:
    clinic_id: int
    changes: tuple[Change, ...]
    new_users: tuple[NewUser, ...]  # with their one-time passwords (show them once)
    notes: tuple[str, ...]
    defaults: SeededDefaults | None  # what a new clinic was given
    dry_run: bool

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def require_admin(actor: Actor) -> None:
    if not actor.can(ADMIN):
        raise PermissionDenied(
            f"{actor.display_name or actor.username} may not set up the clinic; an administrator may."
        )


def update_row(row: Any, wanted: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the differing attributes; returns (before, after) of what changed."""
    before, after = {}, {}
    for key, value in wanted.items():
        if getattr(row, key) != value:
            before[key], after[key] = getattr(row, key), value
            setattr(row, key, value)
    return before, after


# Columns named as the file names them, in the changes shown.
_FILE_KEYS = {"display_name": "name", "default_minutes": "minutes", "is_active": "active"}


def _details(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{_FILE_KEYS.get(k, k)} {quote(before[k])} → {quote(after[k])}" for k in after)


def record_change(
    session: Session,
    actor: Actor,
    log: ChangeLog,
    entity: str,
    row: Any,
    name: str,
    *,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    session.flush()
    action = "create" if before is None else "update"
    audit.record(
        session,
        actor,
        f"setup.{action}",
        entity.replace(" ", "_"),
        row.id,
        now=now,
        before=before,
        after=after,
    )
    log.changes.append(Change(action, entity, name, () if before is None else _details(before, after)))
