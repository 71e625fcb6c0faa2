"""Schedule template rows: slots, templates, versions, and how a slot reads ("Mon 9:00–9:30 A")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from orca_desk.services.messaging.message_locale import STAFF_WEEKDAYS_SHORT

DAY_MINUTES = 24 * 60
WEEKDAY_SHORT = STAFF_WEEKDAYS_SHORT
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
