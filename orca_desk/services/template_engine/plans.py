"""The inputs and outputs of applying a template: parameters, planned slots, plans, results, rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from orca_desk.services.availability import (
    from_epoch,
)

MAX_DAYS = 371
ALL_WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)
_MAX_APPOINTMENT_MIN = 8 * 60
_BATCH_ROWS = 4000
SKIP_KINDS = ("existing", "off", "applied", "past")

# (id, week, weekday, chair lane, start minute, end minute, type, blocked, reason)
_SlotRow = tuple[int, int, int | None, int, int, int, int | None, bool, str]
Progress = Callable[[int, int], None]  # (days done, days in all)
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class ApplyParams:
    """What to apply where. ``version`` None: the template's newest version.

    ``chair_ids`` map the template's chair lanes in order (lane 1 → the first chair); without
    chairs the slots belong to the provider only. ``location_id`` None: where each provider
    works that day (their schedule), else the chairs' location.
    """

    template_id: int
    provider_ids: tuple[int, ...]
    start_day: date
    end_day: date
    weekdays: tuple[int, ...] = ALL_WEEKDAYS
    chair_ids: tuple[int, ...] = ()
    location_id: int | None = None
    version: int | None = None
    rotation_start: date | None = None  # the Monday of the rotation's first week


class PlannedSlot(NamedTuple):
    """One slot of the plan on one day for one provider (a tuple: the plan holds tens of thousands)."""

    day: date
    provider_id: int
    chair_id: int | None
    location_id: int | None
    start_em: int  # epoch minutes (UTC)
    end_em: int
    start_minute: int  # local wall clock
    end_minute: int
    type_id: int | None
    block_reason: str | None
    template_slot_id: int
    kind: str = "create"  # create | one of SKIP_KINDS
    reason: str = ""

    @property
    def start(self) -> datetime:
        return from_epoch(self.start_em)

    @property
    def end(self) -> datetime:
        return from_epoch(self.end_em)


@dataclass(frozen=True)
class DayProviderSummary:
    day: date
    provider_id: int
    provider_name: str
    create: int
    existing: int
    off: int
    applied: int
    reasons: tuple[str, ...]


@dataclass
class ApplicationPlan:
    """A dry run: what applying would create and what it would skip, and why."""

    params: ApplyParams
    template_name: str
    version_id: int
    version_number: int
    rotation_start: date
    provider_names: dict[int, str]
    create: list[PlannedSlot] = field(default_factory=list)
    skipped: list[PlannedSlot] = field(default_factory=list)
    days: list[date] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(s.kind for s in self.skipped)
        return {
            "create": len(self.create),
            "existing": c["existing"],
            "off": c["off"] + c["past"],
            "applied": c["applied"],
        }

    @property
    def off_days(self) -> int:
        """Provider-days on which every slot was skipped because the provider is off."""
        per: dict[tuple[date, int], set[str]] = defaultdict(set)
        for s in self.create:
            per[(s.day, s.provider_id)].add("create")
        for s in self.skipped:
            per[(s.day, s.provider_id)].add(s.kind)
        return sum(1 for kinds in per.values() if kinds == {"off"})

    def summary(self) -> str:
        c = self.counts
        text = (
            f"{self.template_name} v{self.version_number}: {c['create']:,} slots to create, "
            f"{c['existing']:,} skipped because appointments already exist there, "
            f"{c['off']:,} skipped because the provider is off ({self.off_days:,} provider-days)"
        )
        if c["applied"]:
            text += f", {c['applied']:,} already applied"
        return text + "."

    def by_date_provider(self) -> list[DayProviderSummary]:
        rows: dict[tuple[date, int], list[PlannedSlot]] = defaultdict(list)
        for s in (*self.create, *self.skipped):
            rows[(s.day, s.provider_id)].append(s)
        out = []
        for (day, pid), slots in sorted(rows.items()):
            c = Counter(s.kind for s in slots)
            reasons = tuple(dict.fromkeys(s.reason for s in slots if s.reason))
            out.append(
                DayProviderSummary(
                    day,
                    pid,
                    self.provider_names.get(pid, f"#{pid}"),
                    c["create"],
                    c["existing"],
                    c["off"] + c["past"],
                    c["applied"],
                    reasons,
                )
            )
        return out


@dataclass(frozen=True)
class ApplyResult:
    application_id: int | None
    created: int
    days_done: int
    days_total: int
    cancelled: bool
    counts: dict[str, int]
    last_day_done: date | None = None


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    template_id: int
    template_name: str
    version_number: int
    provider_ids: tuple[int, ...]
    chair_ids: tuple[int, ...]
    start_day: date
    end_day: date
    weekdays: tuple[int, ...]
    created_count: int
    open_count: int
    booked_count: int
    created_by: str
    created_at: datetime
    replaced_by: int | None


@dataclass(frozen=True)
class OpenTemplateSlot:
    """An applied template slot nobody booked yet: an opening (or blocked time, when asked for)."""

    id: int
    application_id: int
    template_name: str
    provider_id: int
    chair_id: int | None
    location_id: int
    day: date
    start: datetime
    end: datetime
    start_minute: int
    end_minute: int
    type_id: int | None
    type_name: str
    colour: str
    block_reason: str | None
