"""A sheet's layout before drawing: its columns (chairs or providers), boxes in lanes, pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4, LETTER

from orca_desk.services.calendar.calendar_data import CalendarAppointment
from orca_desk.services.clinic.clinic import ClinicInfo
from orca_desk.services.printing.style import (
    AXIS_W,
    DAY_COL_MIN,
    DAY_LANE_MIN,
    DEFAULT_HOURS,
    MARGIN,
    MAX_LANES,
    SHEET,
    WEEK_COL_MIN,
    WEEK_LANE_MIN,
    printed,
)

View = Literal["day", "week"]
By = Literal["chair", "provider"]
Paper = Literal["letter", "a4"]

VIEWS: tuple[str, ...] = ("day", "week")
BYS: tuple[str, ...] = ("chair", "provider")
PAPERS: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}
# The countries whose everyday paper is US Letter (CLDR's supplemental measurement data,
# paperSize "US-Letter"); everywhere else prints on A4.
LETTER_COUNTRIES = frozenset(
    ["BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"]
)


def default_paper(country: str | None) -> Paper:
    """The paper a clinic in ``country`` (ISO 3166 alpha-2; none: the US) prints on unless told."""
    return "letter" if (country or "US").strip().upper() in LETTER_COUNTRIES else "a4"


@dataclass(frozen=True)
class PrintSummary:
    """What was printed: pages, appointments, columns and the page size in points."""

    pages: int
    appointments: int
    columns: int
    first_day: date
    last_day: date
    page_width: float
    page_height: float


@dataclass(frozen=True)
class Resource:
    id: int
    title: str
    subtitle: str
    group: str  # chairs of one room print together


@dataclass
class Placed:
    appt: CalendarAppointment
    start: int  # local minutes of the day
    end: int
    lane: int = 0
    lanes: int = 1


@dataclass
class Cell:
    """One (day, resource) column's appointments, laid out in lanes."""

    items: list[Placed] = field(default_factory=list)
    lanes: int = 1


class SheetLayout:
    """What goes where on a day or week sheet (``drawing.Sheet`` draws it)."""

    def __init__(
        self,
        *,
        clinic: ClinicInfo,
        location_id: int,
        location_name: str,
        zone: ZoneInfo,
        view: str,
        days: list[date],
        by: str,
        paper: str,
        landscape: bool,
        grayscale: bool,
        privacy: bool,
        now: datetime,
        appts: list[CalendarAppointment],
        style: str = "12h",
        language: str = "en",
    ) -> None:
        self.clinic, self.location_name, self.zone, self.view = clinic, location_name, zone, view
        self.days, self.by, self.grayscale, self.privacy, self.now = days, by, grayscale, privacy, now
        w, h = PAPERS[paper]
        self.width, self.height = (max(w, h), min(w, h)) if landscape else (min(w, h), max(w, h))
        self.appts = appts
        self.style = style  # the clinic's 12/24-hour format
        self.language = language  # the desk's: the sheet's words, dates and day periods
        self.country = clinic.country  # the clinic's: the order of the sheet's dates
        self.location_id = location_id
        self.chair_names = {ch.id: ch.name for ch in clinic.chairs}
        self.type_index = {t.id: i for i, t in enumerate(clinic.types)}
        self.resources = self._resources()
        self.cells = self._cells()
        self.first_min, self.last_min = self._hours()

    # ----- data → layout -----------------------------------------------------------------
    def _resources(self) -> list[Resource]:
        if self.by == "chair":
            chairs = self.clinic.chairs_at(self.location_id)
            known = {c.id for c in chairs}
            extra = sorted({(a.chair_id, a.chair_id) for a in self.appts if a.chair_id not in known})
            return [Resource(c.id, c.name, c.room, c.room) for c in chairs] + [
                Resource(
                    cid,
                    self.chair_names.get(cid) or printed(f"Chair #{cid}", self.language),
                    printed("inactive", self.language, SHEET),
                    "",
                )
                for cid, _ in extra
            ]
        # Providers with appointments here in the period (inactive ones too), by name.
        names = {a.provider_id: a.provider_name for a in self.appts}
        roles = {p.id: p.role for p in self.clinic.providers}
        return [
            Resource(pid, name, printed(roles.get(pid, ""), self.language, "role"), "")
            for pid, name in sorted(names.items(), key=lambda kv: kv[1])
        ]

    def _cells(self) -> dict[tuple[date, int], Cell]:
        cells: dict[tuple[date, int], Cell] = {}
        day_set = set(self.days)
        for a in self.appts:
            local_start = a.start.astimezone(self.zone)
            d = local_start.date()
            if d not in day_set:
                continue
            local_end = a.end.astimezone(self.zone)
            s = local_start.hour * 60 + local_start.minute
            e = 24 * 60 if local_end.date() > d else local_end.hour * 60 + local_end.minute
            key = (d, a.chair_id if self.by == "chair" else a.provider_id)
            cells.setdefault(key, Cell()).items.append(Placed(a, s, max(e, s + 5)))
        for cell in cells.values():
            cell.lanes = assign_lanes(cell.items)
        return cells

    def _hours(self) -> tuple[int, int]:
        lo, hi = DEFAULT_HOURS[0] * 60, DEFAULT_HOURS[1] * 60
        for cell in self.cells.values():
            for p in cell.items:
                lo, hi = min(lo, p.start), max(hi, p.end)
        return lo // 60 * 60, min(24 * 60, -(-hi // 60) * 60)

    def _lanes(self, r: Resource) -> int:
        return min(
            MAX_LANES,
            max((self.cells[(d, r.id)].lanes for d in self.days if (d, r.id) in self.cells), default=1),
        )

    def _need(self, r: Resource) -> float:
        lanes = self._lanes(r)
        if self.view == "day":
            return max(DAY_COL_MIN, DAY_LANE_MIN * lanes)
        return max(WEEK_COL_MIN, WEEK_LANE_MIN * lanes) * len(self.days)

    def pages(self) -> list[list[Resource]]:
        """Resources per page: whole chair groups (rooms) together when they fit."""
        usable = self.width - 2 * MARGIN - AXIS_W
        groups: list[list[Resource]] = []
        for r in self.resources:
            if groups and groups[-1][0].group == r.group and r.group:
                groups[-1].append(r)
            else:
                groups.append([r])
        pages: list[list[Resource]] = []
        current: list[Resource] = []
        for group in groups:
            need = sum(self._need(r) for r in group)
            if current and sum(self._need(r) for r in current) + need > usable:
                pages.append(current)
                current = []
            for r in group:  # a group wider than a page is split
                if current and sum(self._need(x) for x in current) + self._need(r) > usable:
                    pages.append(current)
                    current = []
                current.append(r)
        if current:
            pages.append(current)
        return pages or [[]]


def assign_lanes(items: list[Placed]) -> int:
    """Side-by-side lanes for overlapping appointments; returns the most lanes in one cluster."""
    items.sort(key=lambda p: (p.start, p.end))
    most = 1
    cluster: list[Placed] = []
    cluster_end = -1
    lane_ends: list[int] = []

    def close() -> None:
        nonlocal most
        n = len(lane_ends) or 1
        for q in cluster:
            q.lanes = n
        most = max(most, n)

    for p in items:
        if cluster and p.start >= cluster_end:
            close()
            cluster, lane_ends = [], []
        lane = next((i for i, e in enumerate(lane_ends) if e <= p.start), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(p.end)
        else:
            lane_ends[lane] = p.end
        p.lane = lane
        cluster.append(p)
        cluster_end = max(cluster_end, p.end)
    if cluster:
        close()
    return most
