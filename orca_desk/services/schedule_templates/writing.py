"""Write schedule templates as immutable versions: create, save, restore, copy, rename, retire."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType
from orca_desk.models.template import ScheduleTemplate, TemplateSlot, TemplateVersion
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_TEMPLATES, Actor
from orca_desk.services.errors import StaleEditError, ValidationError
from orca_desk.services.inputs import check_column_text
from orca_desk.services.schedule_templates.reading import (
    get_template,
    latest_version,
    load_template,
    slot_spec,
    template_row,
    version_row,
)
from orca_desk.services.schedule_templates.rows import SlotSpec, TemplateDetail, TemplateRow, VersionRow
from orca_desk.services.schedule_templates.validation import validate_slots


def _add_version(
    session: Session,
    actor: Actor,
    t: ScheduleTemplate,
    number: int,
    slots: Sequence[SlotSpec],
    *,
    rotation: Sequence[str],
    chair_count: int,
    note: str,
    now: datetime,
) -> TemplateVersion:
    v = TemplateVersion(
        template_id=t.id,
        number=number,
        rotation=list(rotation),
        chair_count=chair_count,
        note=note.strip(),
        created_by=actor.display_name or actor.username,
        created_at=now,
    )
    session.add(v)
    session.flush()
    session.add_all(
        TemplateSlot(
            version_id=v.id,
            week=s.week,
            weekday=s.weekday,
            chair_index=s.chair_index,
            start_minute=s.start,
            end_minute=s.end,
            type_id=None if s.blocked else s.type_id,
            is_blocked=s.blocked,
            block_reason=(s.reason.strip() or "Blocked") if s.blocked else "",
        )
        for s in slots
    )
    t.updated_at = now
    session.flush()
    return v


def _check_name(session: Session, name: str, ignore_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("A template needs a name.", field="name")
    check_column_text(name, ScheduleTemplate.name, field="name", label="The template name")
    clash = session.scalar(
        select(ScheduleTemplate.id).where(func.lower(ScheduleTemplate.name) == name.lower())
    )
    if clash is not None and clash != ignore_id:
        raise ValidationError(f"A template named {name!r} already exists.", field="name")
    return name


def create_template(
    session: Session,
    actor: Actor,
    *,
    name: str,
    kind: str = "week",
    description: str = "",
    slots: Sequence[SlotSpec] = (),
    rotation: Sequence[str] = ("A",),
    chair_count: int = 1,
    is_default: bool = False,
    now: datetime,
) -> TemplateDetail:
    """A new template with version 1."""
    actor.require(MANAGE_TEMPLATES)
    name = _check_name(session, name)
    _check_description(description)
    validate_slots(session, kind, slots, rotation=rotation, chair_count=chair_count)
    clinic_id = session.scalar(select(AppointmentType.clinic_id).limit(1))
    if clinic_id is None:
        from orca_desk.models.clinic import Clinic

        clinic_id = session.scalar(select(Clinic.id).limit(1))
    if clinic_id is None:
        raise ValidationError("There is no clinic yet.")
    if is_default:
        _clear_default(session)
    t = ScheduleTemplate(
        clinic_id=clinic_id,
        name=name,
        description=description.strip(),
        kind=kind,
        is_active=True,
        is_default=is_default,
        created_by=actor.username,
        created_at=now,
        updated_at=now,
    )
    session.add(t)
    session.flush()
    _add_version(
        session, actor, t, 1, slots, rotation=rotation, chair_count=chair_count, note="Created", now=now
    )
    audit.record(
        session,
        actor,
        "create",
        "schedule_template",
        t.id,
        now=now,
        after={"name": name, "kind": kind, "slots": len(slots)},
    )
    return get_template(session, t.id)


def _check_description(description: str) -> None:
    check_column_text(
        description.strip(),
        ScheduleTemplate.description,
        field="description",
        label="The description",
        multiline=True,
    )


def _clear_default(session: Session) -> None:
    for other in session.scalars(select(ScheduleTemplate).where(ScheduleTemplate.is_default.is_(True))):
        other.is_default = False


def save_template(
    session: Session,
    actor: Actor,
    template_id: int,
    *,
    slots: Sequence[SlotSpec],
    rotation: Sequence[str] | None = None,
    chair_count: int | None = None,
    note: str = "",
    expected_version: int | None = None,
    now: datetime,
) -> VersionRow:
    """Save the slots as a new immutable version; an unchanged template keeps its newest version.

    ``expected_version`` is the version the editor started from: if someone saved a newer one
    meanwhile, StaleEditError instead of silently overwriting their work.
    """
    actor.require(MANAGE_TEMPLATES)
    t = load_template(session, template_id)
    latest = latest_version(session, template_id)
    if expected_version is not None and latest.number != expected_version:
        raise StaleEditError(
            f"{t.name} was saved as version {latest.number} by {latest.created_by} "
            "meanwhile; reload it and make your change again."
        )
    rotation = tuple(rotation) if rotation is not None else tuple(latest.rotation or ("A",))
    chair_count = chair_count if chair_count is not None else latest.chair_count
    validate_slots(session, t.kind, slots, rotation=rotation, chair_count=chair_count)
    check_column_text(note.strip(), TemplateVersion.note, field="note", label="The note")
    current = sorted((slot_spec(s) for s in latest.slots), key=SlotSpec.sort_key)
    wanted = sorted((_normal(s) for s in slots), key=SlotSpec.sort_key)
    same_shape = tuple(latest.rotation or ("A",)) == rotation and latest.chair_count == chair_count
    if current == wanted and same_shape:
        return version_row(latest, len(current))
    v = _add_version(
        session,
        actor,
        t,
        latest.number + 1,
        wanted,
        rotation=rotation,
        chair_count=chair_count,
        note=note or "Saved",
        now=now,
    )
    audit.record(
        session,
        actor,
        "save",
        "schedule_template",
        t.id,
        now=now,
        before={"version": latest.number},
        after={"version": v.number, "slots": len(wanted)},
    )
    return version_row(v, len(wanted))


def _normal(s: SlotSpec) -> SlotSpec:
    """How a slot reads back after saving (a blocked slot has no type and always a reason)."""
    if s.blocked:
        return replace(s, type_id=None, reason=s.reason.strip() or "Blocked")
    return replace(s, reason="")


def restore_version(
    session: Session, actor: Actor, template_id: int, number: int, *, now: datetime
) -> VersionRow:
    """Make an old version's slots the newest version again (history is never rewritten)."""
    actor.require(MANAGE_TEMPLATES)
    t = load_template(session, template_id)
    old = get_template(session, template_id, version=number)
    latest = latest_version(session, template_id)
    if latest.number == number:
        raise ValidationError(f"Version {number} of {t.name} is already the newest.", field="version")
    v = _add_version(
        session,
        actor,
        t,
        latest.number + 1,
        old.slots,
        rotation=old.version.rotation,
        chair_count=old.version.chair_count,
        note=f"Restored version {number}",
        now=now,
    )
    audit.record(
        session,
        actor,
        "restore",
        "schedule_template",
        t.id,
        now=now,
        before={"version": latest.number},
        after={"version": v.number, "from": number},
    )
    return version_row(v, len(old.slots))


def copy_template(
    session: Session, actor: Actor, template_id: int, *, name: str, now: datetime
) -> TemplateDetail:
    """A new template (version 1) with the newest slots of this one."""
    actor.require(MANAGE_TEMPLATES)
    src = get_template(session, template_id)
    copy = create_template(
        session,
        actor,
        name=name,
        kind=src.template.kind,
        description=src.template.description,
        slots=src.slots,
        rotation=src.version.rotation,
        chair_count=src.version.chair_count,
        now=now,
    )
    first = session.scalar(select(TemplateVersion).where(TemplateVersion.template_id == copy.template.id))
    assert first is not None
    first.note = f"Copied from {src.template.name} v{src.version.number}"
    session.flush()
    return get_template(session, copy.template.id)


def update_template(
    session: Session,
    actor: Actor,
    template_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    is_active: bool | None = None,
    is_default: bool | None = None,
    now: datetime,
) -> TemplateRow:
    """Rename, describe, archive (is_active False) or make default; the slots are not versioned here."""
    actor.require(MANAGE_TEMPLATES)
    t = load_template(session, template_id)
    before = {
        "name": t.name,
        "description": t.description,
        "is_active": t.is_active,
        "is_default": t.is_default,
    }
    if name is not None:
        t.name = _check_name(session, name, ignore_id=t.id)
    if description is not None:
        _check_description(description)
        t.description = description.strip()
    if is_active is not None:
        t.is_active = is_active
    if is_default is not None:
        if is_default:
            _clear_default(session)
        t.is_default = is_default
    t.updated_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "schedule_template",
        t.id,
        now=now,
        before=before,
        after={
            "name": t.name,
            "description": t.description,
            "is_active": t.is_active,
            "is_default": t.is_default,
        },
    )
    return template_row(session, t)
