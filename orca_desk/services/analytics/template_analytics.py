"""Template analytics: where and how often templates were applied, fill rates, type matches."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Location
from orca_desk.models.template import AppliedSlot, ScheduleTemplate, TemplateApplication, TemplateVersion
from orca_desk.services.access.security import VIEW_ANALYTICS, Actor
from orca_desk.services.schedule_templates import WEEKDAY_SHORT

# Time-of-day bands (local minutes) the practice talks in; after school is the scarce one.
DAY_BANDS = (("Morning", 0, 12 * 60), ("Midday", 12 * 60, 15 * 60), ("After school", 15 * 60, 24 * 60))


@dataclass(frozen=True)
class UsageRow:
    template_id: int
    template_name: str
    version_number: int
    applications: int
    slots: int
    providers: int
    locations: str
    first_day: date | None
    last_day: date | None


@dataclass(frozen=True)
class FillRow:
    label: str
    slots: int
    booked: int

    @property
    def rate(self) -> float:
        return self.booked / self.slots if self.slots else 0.0


@dataclass(frozen=True)
class FillReport:
    overall: FillRow
    by_type: tuple[FillRow, ...]
    by_weekday: tuple[FillRow, ...]
    by_time_of_day: tuple[FillRow, ...]
    matched_type: int  # booked slots whose appointment had the slot's intended type

    @property
    def match_rate(self) -> float:
        return self.matched_type / self.overall.booked if self.overall.booked else 0.0


def template_usage(session: Session, actor: Actor, *, template_id: int | None = None) -> list[UsageRow]:
    """Per template version: applications, slots created (not removed), providers and locations."""
    actor.require(VIEW_ANALYTICS)
    q = (
        select(
            TemplateApplication.template_id,
            ScheduleTemplate.name,
            TemplateVersion.number,
            TemplateApplication.id,
            TemplateApplication.provider_ids,
            TemplateApplication.start_day,
            TemplateApplication.end_day,
        )
        .join(ScheduleTemplate, ScheduleTemplate.id == TemplateApplication.template_id)
        .join(TemplateVersion, TemplateVersion.id == TemplateApplication.version_id)
    )
    if template_id is not None:
        q = q.where(TemplateApplication.template_id == template_id)
    apps = session.execute(q).all()
    slot_counts: dict[int, int] = {}
    loc_of: dict[int, set[int]] = defaultdict(set)
    if apps:
        ids = [a[3] for a in apps]
        for aid, loc, n in session.execute(
            select(AppliedSlot.application_id, AppliedSlot.location_id, func.count())
            .where(AppliedSlot.application_id.in_(ids), AppliedSlot.status != "removed")
            .group_by(AppliedSlot.application_id, AppliedSlot.location_id)
        ):
            slot_counts[aid] = slot_counts.get(aid, 0) + n
            loc_of[aid].add(loc)
    names = {lid: name for lid, name in session.execute(select(Location.id, Location.name))}
    groups: dict[tuple[int, str, int], list[tuple[int, list[int], date, date]]] = defaultdict(list)
    for tid, name, number, aid, pids, start, end in apps:
        groups[(tid, name, number)].append((aid, pids, start, end))
    out = []
    for (tid, name, number), rows in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        locs = sorted({names.get(x, f"#{x}") for aid, *_ in rows for x in loc_of[aid]})
        out.append(
            UsageRow(
                tid,
                name,
                number,
                len(rows),
                sum(slot_counts.get(aid, 0) for aid, *_ in rows),
                len({p for _, pids, _, _ in rows for p in pids}),
                ", ".join(locs),
                min(r[2] for r in rows),
                max(r[3] for r in rows),
            )
        )
    return out


def fill_report(
    session: Session,
    actor: Actor,
    *,
    template_id: int | None = None,
    version_number: int | None = None,
    start_day: date | None = None,
    end_day: date | None = None,
) -> FillReport:
    """Booked share of applied (bookable, not removed) slots overall and by type, weekday, time of day.

    Blocked template time is not a slot to fill and is left out.
    """
    actor.require(VIEW_ANALYTICS)
    q = (
        select(
            AppliedSlot.day,
            AppliedSlot.start_minute,
            AppliedSlot.type_id,
            AppliedSlot.status,
            AppliedSlot.booked_type_id,
        )
        .join(TemplateApplication, TemplateApplication.id == AppliedSlot.application_id)
        .where(AppliedSlot.status != "removed", AppliedSlot.block_reason.is_(None))
    )
    if template_id is not None:
        q = q.where(TemplateApplication.template_id == template_id)
    if version_number is not None:
        q = q.join(TemplateVersion, TemplateVersion.id == TemplateApplication.version_id).where(
            TemplateVersion.number == version_number
        )
    if start_day is not None:
        q = q.where(AppliedSlot.day >= start_day)
    if end_day is not None:
        q = q.where(AppliedSlot.day <= end_day)
    type_names = {
        tid: name for tid, name in session.execute(select(AppointmentType.id, AppointmentType.name))
    }
    total = booked = matched = 0
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_weekday: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_band: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for day, minute, type_id, status, booked_type in session.execute(q):
        is_booked = int(status == "booked")
        total += 1
        booked += is_booked
        matched += int(is_booked and booked_type == type_id)
        for bucket in (
            by_type[type_names.get(type_id or -1, "?")],
            by_weekday[day.weekday()],
            by_band[next(b[0] for b in DAY_BANDS if b[1] <= minute < b[2])],
        ):
            bucket[0] += 1
            bucket[1] += is_booked
    return FillReport(
        overall=FillRow("All slots", total, booked),
        by_type=tuple(FillRow(k, v[0], v[1]) for k, v in sorted(by_type.items())),
        by_weekday=tuple(FillRow(WEEKDAY_SHORT[k], v[0], v[1]) for k, v in sorted(by_weekday.items())),
        by_time_of_day=tuple(
            FillRow(b[0], by_band[b[0]][0], by_band[b[0]][1]) for b in DAY_BANDS if b[0] in by_band
        ),
        matched_type=matched,
    )
