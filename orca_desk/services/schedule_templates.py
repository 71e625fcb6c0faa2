"""Schedule templates: create, edit as immutable versions, validate, copy, restore, list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models import AppointmentType, ScheduleTemplate, TemplateSlot, TemplateVersion
from orca_desk.models.template import TEMPLATE_KINDS
from orca_desk.services import audit, local_time
from orca_desk.services.errors import NotFound, StaleEditError, ValidationError
from orca_desk.services.inputs import check_column_text, check_text
from orca_desk.services.security import MANAGE_TEMPLATES, Actor

DAY_MINUTES = 24 * 60
WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_ROTATION = 8
MAX_CHAIRS = 12
MAX_ROTATION_LABEL = 20


@dataclass(frozen=True)
class SlotSpec:
    """One slot as plain data: where in the pattern, when (local minutes), what."""

    start: int
    end: int
    type_id: int | None = None
    weekday: int | None = None  # 0 = Monday; None in a day template
    week: int = 0  # index into the rotation (week A = 0)
    chair_index: int = 0
    blocked: bool = False
    reason: str = ""

    def sort_key(self) -> tuple[int, int, int, int, int]:
        weekday = -1 if self.weekday is None else self.weekday
        return (self.week, weekday, self.chair_index, self.start, self.end)


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    description: str
    kind: str
    is_active: bool
    is_default: bool
    version: int  # the newest version's number
    version_id: int
    rotation: tuple[str, ...]
    chair_count: int
    slot_count: int
    updated_at: datetime


@dataclass(frozen=True)
class VersionRow:
    id: int
    number: int
    note: str
    created_by: str
    created_at: datetime
    slot_count: int
    rotation: tuple[str, ...]
    chair_count: int
    created_text: str = ""  # when, in the clinic's local time and format (version_history fills it)


@dataclass(frozen=True)
class TemplateDetail:
    template: TemplateRow
    version: VersionRow
    slots: tuple[SlotSpec, ...]


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def slot_label(slot: SlotSpec, *, rotation: Sequence[str] = ("",), chair_count: int = 1) -> str:
    """How a slot is named in messages: "Tue 12:00–13:00 (week B, chair 2)"."""
    day = f"{WEEKDAY_SHORT[slot.weekday]} " if slot.weekday is not None and 0 <= slot.weekday <= 6 else ""
    extra = []
    if len(rotation) > 1 and 0 <= slot.week < len(rotation):
        extra.append(f"week {rotation[slot.week]}")
    if chair_count > 1:
        extra.append(f"chair {slot.chair_index + 1}")
    where = f" ({', '.join(extra)})" if extra else ""
    return f"{day}{hhmm(max(0, slot.start))}–{hhmm(max(0, slot.end))}{where}"


# ----- validation ----------------------------------------------------------------------------


def validate_slots(
    session: Session,
    kind: str,
    slots: Sequence[SlotSpec],
    *,
    rotation: Sequence[str] = ("A",),
    chair_count: int = 1,
) -> None:
    """Refuse a slot outside 00:00–24:00, of zero length, overlapping another in one chair, or of an
    unknown appointment type; the message names the slot."""
    if kind not in TEMPLATE_KINDS:
        raise ValidationError(f"Unknown template kind {kind!r}; choose day or week.", field="kind")
    if not 1 <= len(rotation) <= MAX_ROTATION:
        raise ValidationError(f"A rotation has 1 to {MAX_ROTATION} weeks.", field="rotation")
    for week in rotation:
        check_text(week, field="rotation", label="A rotation week's name", max_length=MAX_ROTATION_LABEL)
        if not week.strip():
            raise ValidationError("Name every week of the rotation (e.g. A, B).", field="rotation")
    if not 1 <= chair_count <= MAX_CHAIRS:
        raise ValidationError(f"A template has 1 to {MAX_CHAIRS} chairs.", field="chair_count")
    known = set(session.scalars(select(AppointmentType.id).where(AppointmentType.is_active.is_(True))))
    by_lane: dict[tuple[int, int | None, int], list[SlotSpec]] = {}
    for s in slots:
        label = slot_label(s, rotation=rotation, chair_count=chair_count)
        if s.start < 0 or s.end > DAY_MINUTES or s.start > DAY_MINUTES or s.end < 0:
            raise ValidationError(f"Slot {label} lies outside 00:00–24:00.", field="slots")
        if s.end == s.start:
            raise ValidationError(f"Slot {label} has zero length.", field="slots")
        if s.end < s.start:
            raise ValidationError(f"Slot {label} ends before it starts.", field="slots")
        if kind == "week" and (s.weekday is None or not 0 <= s.weekday <= 6):
            raise ValidationError(f"Slot {label} needs a weekday (Monday to Sunday).", field="slots")
        if kind == "day" and s.weekday is not None:
            raise ValidationError(f"Slot {label} has a weekday, but a day template has none.", field="slots")
        if not 0 <= s.week < len(rotation):
            raise ValidationError(
                f"Slot {label} belongs to week {s.week + 1}, but the rotation has {len(rotation)}.",
                field="slots",
            )
        if not 0 <= s.chair_index < chair_count:
            raise ValidationError(
                f"Slot {label} is in chair {s.chair_index + 1}, but the template has {chair_count}.",
                field="slots",
            )
        if s.blocked:
            check_column_text(
                s.reason.strip(),
                TemplateSlot.block_reason,
                field="slots",
                label=f"The reason of slot {label}",
            )
            if s.type_id is not None:
                raise ValidationError(f"Slot {label} is blocked and cannot have a type too.", field="slots")
        elif s.type_id is None:
            raise ValidationError(
                f"Slot {label} needs an appointment type (or mark it blocked).", field="slots"
            )
        elif s.type_id not in known:
            raise ValidationError(
                f"Slot {label} has an unknown appointment type (#{s.type_id}).", field="slots"
            )
        by_lane.setdefault((s.week, s.weekday, s.chair_index), []).append(s)
    for lane in by_lane.values():
        lane.sort(key=lambda x: (x.start, x.end))
        for a, b in pairwise(lane):
            if b.start < a.end:
                raise ValidationError(
                    f"Slot {slot_label(b, rotation=rotation, chair_count=chair_count)} overlaps slot "
                    f"{slot_label(a, rotation=rotation, chair_count=chair_count)} in the same chair.",
                    field="slots",
                )


# ----- reading --------------------------------------------------------------------------------


def _spec(s: TemplateSlot) -> SlotSpec:
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


def _version_row(v: TemplateVersion, slot_count: int) -> VersionRow:
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


def _latest(session: Session, template_id: int) -> TemplateVersion:
    v = session.scalar(
        select(TemplateVersion)
        .where(TemplateVersion.template_id == template_id)
        .order_by(TemplateVersion.number.desc())
        .limit(1)
    )
    if v is None:
        raise NotFound(f"Template #{template_id} has no versions.")
    return v


def _template(session: Session, template_id: int) -> ScheduleTemplate:
    t = session.get(ScheduleTemplate, template_id)
    if t is None:
        raise NotFound(f"Template #{template_id} does not exist.")
    return t


def _row(session: Session, t: ScheduleTemplate) -> TemplateRow:
    v = _latest(session, t.id)
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
    return [_row(session, t) for t in session.scalars(q)]


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
    t = _template(session, template_id)
    if version is None:
        v = _latest(session, template_id)
    else:
        found = session.scalar(
            select(TemplateVersion).where(
                TemplateVersion.template_id == template_id, TemplateVersion.number == version
            )
        )
        if found is None:
            raise NotFound(f"{t.name} has no version {version}.")
        v = found
    slots = tuple(sorted((_spec(s) for s in v.slots), key=SlotSpec.sort_key))
    return TemplateDetail(_row(session, t), _version_row(v, len(slots)), slots)


def version_history(session: Session, template_id: int) -> list[VersionRow]:
    """Every version, newest first, with who saved it and when."""
    _template(session, template_id)
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
            _version_row(v, counts.get(v.id, 0)),
            created_text=local_time.fmt_datetime(v.created_at, tz, style),
        )
        for v in versions
    ]


# ----- writing --------------------------------------------------------------------------------


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
        from orca_desk.models import Clinic

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
    t = _template(session, template_id)
    latest = _latest(session, template_id)
    if expected_version is not None and latest.number != expected_version:
        raise StaleEditError(
            f"{t.name} was saved as version {latest.number} by {latest.created_by} "
            "meanwhile; reload it and make your change again."
        )
    rotation = tuple(rotation) if rotation is not None else tuple(latest.rotation or ("A",))
    chair_count = chair_count if chair_count is not None else latest.chair_count
    validate_slots(session, t.kind, slots, rotation=rotation, chair_count=chair_count)
    check_column_text(note.strip(), TemplateVersion.note, field="note", label="The note")
    current = sorted((_spec(s) for s in latest.slots), key=SlotSpec.sort_key)
    wanted = sorted((_normal(s) for s in slots), key=SlotSpec.sort_key)
    same_shape = tuple(latest.rotation or ("A",)) == rotation and latest.chair_count == chair_count
    if current == wanted and same_shape:
        return _version_row(latest, len(current))
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
    return _version_row(v, len(wanted))


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
    t = _template(session, template_id)
    old = get_template(session, template_id, version=number)
    latest = _latest(session, template_id)
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
    return _version_row(v, len(old.slots))


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
    t = _template(session, template_id)
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
    return _row(session, t)


def seed_standard_week(session: Session, *, now: datetime) -> int:
    """The demo's "Standard week" (block schedule): bonding and records in the morning in two chairs,
    lunch blocked, adjustments in the after-school afternoon; Friday afternoon emergencies."""
    from orca_desk.services.security import ROLE_PERMISSIONS

    ids = {name: tid for tid, name in session.execute(select(AppointmentType.id, AppointmentType.name))}
    actor = Actor(
        username="demo", role="manager", display_name="Demo manager", permissions=ROLE_PERMISSIONS["manager"]
    )
    slots: list[SlotSpec] = []
    for wd in range(5):
        slots += [
            SlotSpec(8 * 60, 9 * 60 + 30, ids["Bonding"], weekday=wd),
            SlotSpec(9 * 60 + 30, 10 * 60 + 10, ids["Records"], weekday=wd),
            SlotSpec(10 * 60 + 30, 11 * 60 + 30, ids["Consult"], weekday=wd),
            SlotSpec(8 * 60, 9 * 60, ids["Debond"], weekday=wd, chair_index=1),
            SlotSpec(9 * 60, 10 * 60 + 30, ids["Bonding"], weekday=wd, chair_index=1),
            SlotSpec(
                10 * 60 + 30,
                11 * 60,
                ids["Retainer check"] if wd % 2 else ids["Emergency"],
                weekday=wd,
                chair_index=1,
            ),
        ]
        for lane in (0, 1):
            slots.append(
                SlotSpec(12 * 60, 13 * 60, None, weekday=wd, chair_index=lane, blocked=True, reason="Lunch")
            )
        afternoon = [(13 * 60 + 20 * k, 13 * 60 + 20 * (k + 1)) for k in range(12)]
        for k, (a, b) in enumerate(afternoon):
            if wd == 4 and a >= 15 * 60:
                break
            slots.append(SlotSpec(a, b, ids["Adjustment"], weekday=wd, chair_index=k % 2))
        if wd == 4:
            slots.append(SlotSpec(15 * 60, 16 * 60, None, weekday=wd, blocked=True, reason="Team meeting"))
    detail = create_template(
        session,
        actor,
        name="Standard week",
        kind="week",
        chair_count=2,
        slots=slots,
        description="Block schedule: procedures mornings, after-school adjustments.",
        is_default=True,
        now=now,
    )
    return detail.template.id
