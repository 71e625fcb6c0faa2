"""Read schedule templates: the list, one template with its slots, its version history."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.template import ScheduleTemplate, TemplateSlot, TemplateVersion
from orca_desk.services import local_time
from orca_desk.services.errors import NotFound
from orca_desk.services.schedule_templates.rows import SlotSpec, TemplateDetail, TemplateRow, VersionRow


def slot_spec(s: TemplateSlot) -> SlotSpec:
    return SlotSpec(
        start=s.start_minute,
        end=s.end_minute,
        type_id=s.type_id,
        weekday=s.weekday,
        week=s.week,
        chair_index=s.chair_index,
        blocked=s.is_blocked,
        reason=s.block_reason,
    )


def version_row(v: TemplateVersion, slot_count: int) -> VersionRow:
    return VersionRow(
        id=v.id,
        number=v.number,
        note=v.note,
        created_by=v.created_by,
        created_at=v.created_at,
        slot_count=slot_count,
        rotation=tuple(v.rotation or ("A",)),
        chair_count=v.chair_count,
    )


def latest_version(session: Session, template_id: int) -> TemplateVersion:
    v = session.scalar(
        select(TemplateVersion)
        .where(TemplateVersion.template_id == template_id)
        .order_by(TemplateVersion.number.desc())
        .limit(1)
    )
    if v is None:
        raise NotFound(f"Template #{template_id} has no versions.")
    return v


def load_template(session: Session, template_id: int) -> ScheduleTemplate:
    t = session.get(ScheduleTemplate, template_id)
    if t is None:
        raise NotFound(f"Template #{template_id} does not exist.")
    return t


def template_row(session: Session, t: ScheduleTemplate) -> TemplateRow:
    v = latest_version(session, t.id)
    n = session.scalar(select(func.count()).select_from(TemplateSlot).where(TemplateSlot.version_id == v.id))
    return TemplateRow(
        id=t.id,
        name=t.name,
        description=t.description,
        kind=t.kind,
        is_active=t.is_active,
        is_default=t.is_default,
        version=v.number,
        version_id=v.id,
        rotation=tuple(v.rotation or ("A",)),
        chair_count=v.chair_count,
        slot_count=n or 0,
        updated_at=t.updated_at,
    )


def list_templates(session: Session, *, include_inactive: bool = False) -> list[TemplateRow]:
    """Templates by name, with their newest version's shape and slot count."""
    q = select(ScheduleTemplate).order_by(ScheduleTemplate.name)
    if not include_inactive:
        q = q.where(ScheduleTemplate.is_active.is_(True))
    return [template_row(session, t) for t in session.scalars(q)]


def find_template(session: Session, name: str) -> TemplateRow:
    """The template with this name (case-insensitive), or NotFound listing the names there are."""
    rows = list_templates(session, include_inactive=True)
    wanted = name.strip().lower()
    for r in rows:
        if r.name.lower() == wanted:
            return r
    raise NotFound(f"No template named {name!r}; templates: {', '.join(r.name for r in rows) or 'none'}.")


def get_template(session: Session, template_id: int, *, version: int | None = None) -> TemplateDetail:
    """A template with the slots of its newest version (or of version number ``version``)."""
    t = load_template(session, template_id)
    if version is None:
        v = latest_version(session, template_id)
    else:
        found = session.scalar(
            select(TemplateVersion).where(
                TemplateVersion.template_id == template_id, TemplateVersion.number == version
            )
        )
        if found is None:
            raise NotFound(f"{t.name} has no version {version}.")
        v = found
    slots = tuple(sorted((slot_spec(s) for s in v.slots), key=SlotSpec.sort_key))
    return TemplateDetail(template_row(session, t), version_row(v, len(slots)), slots)


def version_history(session: Session, template_id: int) -> list[VersionRow]:
    """Every version, newest first, with who saved it and when."""
    load_template(session, template_id)
    counts = dict(
        session.execute(
            select(TemplateSlot.version_id, func.count())
            .join(TemplateVersion)
            .where(TemplateVersion.template_id == template_id)
            .group_by(TemplateSlot.version_id)
        ).all()
    )
    versions = session.scalars(
        select(TemplateVersion)
        .where(TemplateVersion.template_id == template_id)
        .order_by(TemplateVersion.number.desc())
    )
    # A template is not tied to one location: its history reads in the clinic's home location's time.
    tz, style = local_time.location_zone(session, None), local_time.clinic_time_format(session)
    return [
        replace(
            version_row(v, counts.get(v.id, 0)),
            created_text=local_time.fmt_datetime(v.created_at, tz, style),
        )
        for v in versions
    ]
