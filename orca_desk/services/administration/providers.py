"""Administration of providers and their usual chairs (one with future appointments stays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Chair, Provider, ProviderChair
from orca_desk.services import clinic_setup as setup
from orca_desk.services.access.security import MANAGE_CLINIC, Actor
from orca_desk.services.administration.common import (
    ArchiveRefused,
    apply_changes,
    audit_admin,
    clinic_id_of,
    field_problems,
    get_row,
    raise_invalid,
    set_active,
    upcoming_appointments,
)
from orca_desk.services.errors import NotFound


@dataclass(frozen=True)
class ProviderEdit:
    name: str
    role: str
    colour: str = setup.DEFAULT_PROVIDER_COLOUR
    max_concurrent: int = 1
    chair_ids: tuple[int, ...] = ()  # usual chairs, in order
    id: int | None = None


def save_provider(session: Session, actor: Actor, edit: ProviderEdit, *, now: datetime) -> int:
    """Create or edit a provider and their usual chairs (weekly hours: the Schedules screen)."""
    actor.require(MANAGE_CLINIC)
    clinic_id = clinic_id_of(session)
    spec = setup.ProviderSpec(edit.name, edit.role, edit.colour, edit.max_concurrent)
    problems = field_problems(setup.provider_problems([spec], setup.KnownPlaces({})))
    name = edit.name.strip()
    clash = session.scalar(
        select(Provider.id).where(func.lower(Provider.name) == name.lower(), Provider.id != (edit.id or -1))
    )
    if name and clash is not None:
        problems.setdefault(
            "name",
            f'there is already a provider named "{name}" '
            "(an archived one keeps its name: restore it instead)",
        )
    chair_ids = list(dict.fromkeys(edit.chair_ids))
    known = set(session.scalars(select(Chair.id).where(Chair.id.in_(chair_ids), Chair.is_active.is_(True))))
    if any(c not in known for c in chair_ids):
        problems["chairs"] = "a usual chair is archived or no longer exists"
    raise_invalid(problems)
    wanted: dict[str, Any] = {
        "name": name,
        "role": edit.role,
        "colour": edit.colour.strip().lower(),
        "max_concurrent": edit.max_concurrent,
    }
    if edit.id is None:
        row = Provider(clinic_id=clinic_id, is_active=True, **wanted)
        session.add(row)
        audit_admin(session, actor, "create", "provider", row, now=now, before=None, after=wanted)
        before: dict[str, Any] = {}
    else:
        row = get_row(session, Provider, edit.id, "provider")
        before, after = apply_changes(row, wanted)
        if after:
            audit_admin(session, actor, "update", "provider", row, now=now, before=before, after=after)
    have = list(
        session.scalars(
            select(ProviderChair.chair_id)
            .where(ProviderChair.provider_id == row.id)
            .order_by(ProviderChair.sort_order)
        )
    )
    if have != chair_ids:
        for pc in session.scalars(select(ProviderChair).where(ProviderChair.provider_id == row.id)):
            session.delete(pc)
        session.flush()
        session.add_all(
            [ProviderChair(provider_id=row.id, chair_id=c, sort_order=k) for k, c in enumerate(chair_ids)]
        )
        audit_admin(
            session,
            actor,
            "update",
            "provider",
            row,
            now=now,
            before={"usual_chairs": have},
            after={"usual_chairs": chair_ids},
        )
    return int(row.id)


def set_provider_active(
    session: Session, actor: Actor, provider_id: int, active: bool, *, now: datetime
) -> None:
    """Archive a provider (refused while they have future appointments) or restore them."""
    actor.require(MANAGE_CLINIC)
    # The lock booking takes (services/booking/booking._lock_provider): a booking of this provider either
    # commits first and is counted below, or waits and then finds the provider archived.
    row = session.scalar(select(Provider).where(Provider.id == provider_id).with_for_update(key_share=True))
    if row is None:
        raise NotFound("That provider no longer exists (reload to see the current list).")
    if row.is_active == active:
        return
    if not active:
        upcoming = upcoming_appointments(session, now=now, provider_id=row.id)
        if upcoming:
            raise ArchiveRefused(row.name, upcoming, pronoun="them")
    set_active(session, actor, "provider", row, active, now=now)
