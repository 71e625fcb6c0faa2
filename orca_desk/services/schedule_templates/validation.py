"""Check a template's slots before a version is saved: times, lanes, rotation weeks, overlaps."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType
from orca_desk.models.template import TEMPLATE_KINDS, TemplateSlot
from orca_desk.services.errors import ValidationError
from orca_desk.services.inputs import check_column_text, check_text
from orca_desk.services.schedule_templates.rows import (
    DAY_MINUTES,
    MAX_CHAIRS,
    MAX_ROTATION,
    MAX_ROTATION_LABEL,
    SlotSpec,
    slot_label,
)


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
