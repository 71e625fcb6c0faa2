"""Printed day and week sheets as PDF (reportlab): columns per chair or provider, colour or grey."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Literal
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy.orm import Session

from orca_desk.services import local_time
from orca_desk.services.calendar_data import CalendarAppointment, load_appointments, local_day_bounds
from orca_desk.services.clinic import ClinicInfo, load_clinic
from orca_desk.services.errors import NotFound, ValidationError

View = Literal["day", "week"]
By = Literal["chair", "provider"]
Paper = Literal["letter", "a4"]

VIEWS: tuple[str, ...] = ("day", "week")
BYS: tuple[str, ...] = ("chair", "provider")
PAPERS: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}

MARGIN = 28.0
AXIS_W = 30.0
HEADER_H = 40.0
LEGEND_H = 30.0
DAY_COL_MIN, DAY_LANE_MIN = 80.0, 34.0  # day sheet: a column, and each concurrent lane
WEEK_COL_MIN, WEEK_LANE_MIN = 30.0, 22.0  # week sheet: a (day, resource) column
MAX_LANES = 3  # wider needs are squeezed rather than given more room
DEFAULT_HOURS = (8, 17)  # always shown, widened to fit the day's appointments

FONT, BOLD = "Helvetica", "Helvetica-Bold"
INK = (0.12, 0.14, 0.17)
MUTED = (0.38, 0.42, 0.47)
RULE = (0.80, 0.82, 0.85)
# Confirmation marks, drawn as vector shapes so every viewer and printer shows them.
MARKS: dict[str, str] = {
    "confirmed": "#1b7f4b",
    "requested": "#b7791f",
    "declined": "#b3261e",
    "callback": "#6b46c1",
}
MARK_LABELS = {
    "confirmed": "confirmed",
    "requested": "confirmation requested",
    "declined": "declined",
    "callback": "call back",
}
# Grayscale: one light grey and one pattern per type, so types stay apart without colour.
GREYS = (0.93, 0.80, 0.87, 0.74, 0.97, 0.84, 0.90)
PATTERNS = ("none", "diag", "dots", "none", "cross", "horiz", "backdiag")


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
class _Resource:
    id: int
    title: str
    subtitle: str
    group: str  # chairs of one room print together


@dataclass
class _Placed:
    appt: CalendarAppointment
    start: int  # local minutes of the day
    end: int
    lane: int = 0
    lanes: int = 1


@dataclass
class _Cell:
    """One (day, resource) column's appointments, laid out in lanes."""

    items: list[_Placed] = field(default_factory=list)
    lanes: int = 1


def render_calendar_pdf(
    session: Session,
    *,
    view: str,
    day: date,
    location_id: int,
    by: str = "chair",
    paper: str = "letter",
    landscape: bool = False,
    grayscale: bool = False,
    privacy: bool = False,
    now: datetime,
    out: BinaryIO | Path | str,
) -> PrintSummary:
    """Write the day (or the Monday-based week holding ``day``) at one location as a PDF.

    Columns are chairs or providers; a day sheet puts a chair group (a room) on its own page
    when they do not all fit. With ``privacy`` only initials are printed. Data: the clinic's
    reference rows (5 small queries) and one appointment query.
    """
    if view not in VIEWS:
        raise ValidationError(f"View {view!r} is not one of: day, week.", field="view")
    if by not in BYS:
        raise ValidationError(f"Columns by {by!r}: choose chair or provider.", field="by")
    if paper not in PAPERS:
        raise ValidationError(f"Paper {paper!r} is not one of: letter, a4.", field="paper")
    clinic = load_clinic(session)
    if clinic is None:
        raise NotFound("There is no clinic in this database yet.")
    location = next((loc for loc in clinic.locations if loc.id == location_id), None)
    if location is None:
        raise NotFound(f"There is no location with id {location_id}.")
    zone = location.zone
    days = (
        [day]
        if view == "day"
        else [day - timedelta(days=day.weekday()) + timedelta(days=i) for i in range(7)]
    )
    start, _ = local_day_bounds(days[0], zone)
    _, end = local_day_bounds(days[-1], zone)
    appts = load_appointments(session, [location_id], start, end)
    if view == "week":
        used = {a.start.astimezone(zone).date() for a in appts}
        days = [d for d in days if d.weekday() < 5 or d in used]
    sheet = _Sheet(
        clinic=clinic,
        location_id=location_id,
        location_name=location.name,
        zone=zone,
        view=view,
        days=days,
        by=by,
        paper=paper,
        landscape=landscape,
        grayscale=grayscale,
        privacy=privacy,
        now=now,
        appts=appts,
        style=local_time.clinic_time_format(session),
    )
    return sheet.render(out)


class _Sheet:
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
    ) -> None:
        self.clinic, self.location_name, self.zone, self.view = clinic, location_name, zone, view
        self.days, self.by, self.grayscale, self.privacy, self.now = days, by, grayscale, privacy, now
        w, h = PAPERS[paper]
        self.width, self.height = (max(w, h), min(w, h)) if landscape else (min(w, h), max(w, h))
        self.appts = appts
        self.style = style  # the clinic's 12/24-hour format
        self.location_id = location_id
        self.chair_names = {ch.id: ch.name for ch in clinic.chairs}
        self.type_index = {t.id: i for i, t in enumerate(clinic.types)}
        self.resources = self._resources()
        self.cells = self._cells()
        self.first_min, self.last_min = self._hours()

    # ----- data → layout -----------------------------------------------------------------
    def _resources(self) -> list[_Resource]:
        if self.by == "chair":
            chairs = self.clinic.chairs_at(self.location_id)
            known = {c.id for c in chairs}
            extra = sorted({(a.chair_id, a.chair_id) for a in self.appts if a.chair_id not in known})
            return [_Resource(c.id, c.name, c.room, c.room) for c in chairs] + [
                _Resource(cid, self.chair_names.get(cid, f"Chair #{cid}"), "inactive", "") for cid, _ in extra
            ]
        # Providers with appointments here in the period (inactive ones too), by name.
        names = {a.provider_id: a.provider_name for a in self.appts}
        roles = {p.id: p.role for p in self.clinic.providers}
        return [
            _Resource(pid, name, roles.get(pid, ""), "")
            for pid, name in sorted(names.items(), key=lambda kv: kv[1])
        ]

    def _cells(self) -> dict[tuple[date, int], _Cell]:
        cells: dict[tuple[date, int], _Cell] = {}
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
            cells.setdefault(key, _Cell()).items.append(_Placed(a, s, max(e, s + 5)))
        for cell in cells.values():
            cell.lanes = _assign_lanes(cell.items)
        return cells

    def _hours(self) -> tuple[int, int]:
        lo, hi = DEFAULT_HOURS[0] * 60, DEFAULT_HOURS[1] * 60
        for cell in self.cells.values():
            for p in cell.items:
                lo, hi = min(lo, p.start), max(hi, p.end)
        return lo // 60 * 60, min(24 * 60, -(-hi // 60) * 60)

    def _lanes(self, r: _Resource) -> int:
        return min(
            MAX_LANES,
            max((self.cells[(d, r.id)].lanes for d in self.days if (d, r.id) in self.cells), default=1),
        )

    def _need(self, r: _Resource) -> float:
        lanes = self._lanes(r)
        if self.view == "day":
            return max(DAY_COL_MIN, DAY_LANE_MIN * lanes)
        return max(WEEK_COL_MIN, WEEK_LANE_MIN * lanes) * len(self.days)

    def pages(self) -> list[list[_Resource]]:
        """Resources per page: whole chair groups (rooms) together when they fit."""
        usable = self.width - 2 * MARGIN - AXIS_W
        groups: list[list[_Resource]] = []
        for r in self.resources:
            if groups and groups[-1][0].group == r.group and r.group:
                groups[-1].append(r)
            else:
                groups.append([r])
        pages: list[list[_Resource]] = []
        current: list[_Resource] = []
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

    # ----- drawing -----------------------------------------------------------------------
    def render(self, out: BinaryIO | Path | str) -> PrintSummary:
        pages = self.pages()
        buffer = io.BytesIO()
        canvas_class = _GreyCanvas if self.grayscale else Canvas
        c = canvas_class(buffer, pagesize=(self.width, self.height), pageCompression=1)
        c.setTitle(f"{self.clinic.name} — {self._title()}")
        c.setAuthor("Orca Desk")
        c.setCreator("Orca Desk")
        for n, resources in enumerate(pages, start=1):
            self._page(c, resources, n, len(pages))
            c.showPage()
        c.save()
        data = buffer.getvalue()
        if isinstance(out, (str, Path)):
            Path(out).write_bytes(data)
        else:
            out.write(data)
        printed = sum(len(cell.items) for cell in self.cells.values())
        return PrintSummary(
            pages=len(pages),
            appointments=printed,
            columns=len(self.resources) * len(self.days),
            first_day=self.days[0],
            last_day=self.days[-1],
            page_width=self.width,
            page_height=self.height,
        )

    def _title(self) -> str:
        kind = "Day sheet" if self.view == "day" else "Week"
        if self.view == "day":
            when = f"{self.days[0]:%A} {self.days[0].day} {self.days[0]:%B %Y}"
        else:
            a, b = self.days[0], self.days[-1]
            when = f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
        return f"{self.location_name} · {kind} by {self.by} · {when}"

    def _page(self, c: Canvas, resources: list[_Resource], page: int, pages: int) -> None:
        top = self.height - MARGIN
        self._header(c, top, page, pages)
        multi = len(self.days) > 1
        head_h = 26.0 + (12.0 if multi else 0.0)
        grid_top = top - HEADER_H - head_h
        grid_bottom = MARGIN + LEGEND_H
        left = MARGIN + AXIS_W
        usable = self.width - 2 * MARGIN - AXIS_W
        if not resources:
            c.setFont(FONT, 11)
            c.setFillColorRGB(*MUTED)
            c.drawCentredString(
                self.width / 2, self.height / 2, "No appointments at this location in this period."
            )
            self._legend(c, [])
            return
        needs = [self._need(r) for r in resources]
        # Room left over goes to columns by their lanes, so concurrent work gets the width.
        weights = [self._lanes(r) for r in resources]
        spare = max(0.0, usable - sum(needs))
        widths = [n + spare * wt / sum(weights) for n, wt in zip(needs, weights, strict=True)]
        per_min = (grid_top - grid_bottom) / (self.last_min - self.first_min)

        def y_of(minute: int) -> float:
            return grid_top - (minute - self.first_min) * per_min

        self._time_axis(c, left, grid_top, grid_bottom, y_of)
        # columns: day outer, resource inner
        x = left
        shown_types: set[int] = set()
        for d in self.days:
            day_x = x
            for r, width in zip(resources, widths, strict=True):
                w = width / len(self.days)
                self._column_header(c, r, x, w, grid_top, multi)
                cell = self.cells.get((d, r.id))
                if cell is not None:
                    for p in cell.items:
                        shown_types.add(p.appt.type_id)
                        self._box(c, p, x, w, y_of)
                c.setStrokeColorRGB(*RULE)
                c.setLineWidth(0.5)
                c.line(x + w, grid_top + 26, x + w, grid_bottom)
                x += w
            if multi:
                self._day_header(c, d, day_x, x - day_x, grid_top + 26)
                c.setStrokeColorRGB(*MUTED)
                c.setLineWidth(1.0)
                c.line(x, grid_top + head_h, x, grid_bottom)
        c.setStrokeColorRGB(*MUTED)
        c.setLineWidth(0.8)
        c.rect(left, grid_bottom, usable, grid_top + head_h - grid_bottom, stroke=1, fill=0)
        c.line(left, grid_top, left + usable, grid_top)
        self._legend(c, sorted(shown_types, key=lambda t: self.type_index.get(t, 99)))

    def _header(self, c: Canvas, top: float, page: int, pages: int) -> None:
        c.setFillColorRGB(*INK)
        c.setFont(BOLD, 13)
        c.drawString(MARGIN, top - 12, self.clinic.name)
        c.setFont(FONT, 9.5)
        c.drawString(MARGIN, top - 26, self._title())
        right = self.width - MARGIN
        c.setFont(BOLD, 9)
        c.drawRightString(right, top - 11, f"Page {page} of {pages}")
        c.setFont(FONT, 7.5)
        c.setFillColorRGB(*MUTED)
        c.drawRightString(
            right, top - 22, f"Printed {local_time.fmt_datetime(self.now, self.zone, self.style)}"
        )
        if self.privacy:
            c.drawRightString(right, top - 32, "Initials only")
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(1.2)
        c.line(MARGIN, top - 34, right, top - 34)

    def _time_axis(
        self, c: Canvas, left: float, grid_top: float, grid_bottom: float, y_of: Callable[[int], float]
    ) -> None:
        right = self.width - MARGIN
        for minute in range(self.first_min, self.last_min + 1, 30):
            y = y_of(minute)
            if minute % 60 == 0:
                c.setStrokeColorRGB(*RULE)
                c.setDash()
                c.setLineWidth(0.6)
                c.line(left - 4, y, right, y)
                if minute < self.last_min:
                    c.setFillColorRGB(*INK)
                    c.setFont(BOLD, 7.5)
                    c.drawRightString(left - 5, y - 8, _hour(minute, self.style))
            else:
                c.setStrokeColorRGB(0.88, 0.89, 0.91)
                c.setDash(1, 2)
                c.setLineWidth(0.4)
                c.line(left, y, right, y)
        c.setDash()

    def _column_header(
        self, c: Canvas, r: _Resource, x: float, w: float, grid_top: float, multi: bool
    ) -> None:
        c.setFillColorRGB(0.95, 0.96, 0.97)
        c.rect(x, grid_top, w, 26, stroke=0, fill=1)
        c.setFillColorRGB(*INK)
        size = 8.0 if not multi else 6.5
        c.setFont(BOLD, size)
        c.drawCentredString(x + w / 2, grid_top + 15, _fit(r.title, BOLD, size, w - 4))
        if r.subtitle:
            c.setFont(FONT, size - 1.5)
            c.setFillColorRGB(*MUTED)
            c.drawCentredString(x + w / 2, grid_top + 5, _fit(r.subtitle, FONT, size - 1.5, w - 4))

    def _day_header(self, c: Canvas, d: date, x: float, w: float, y: float) -> None:
        c.setFillColorRGB(0.88, 0.90, 0.93)
        c.rect(x, y, w, 12, stroke=0, fill=1)
        c.setFillColorRGB(*INK)
        c.setFont(BOLD, 8)
        c.drawCentredString(x + w / 2, y + 3.5, _fit(f"{d:%a} {d.day} {d:%b}", BOLD, 8, w - 4))

    def _box(self, c: Canvas, p: _Placed, x: float, w: float, y_of: Callable[[int], float]) -> None:
        lanes = max(1, p.lanes)
        lane_w = w / lanes
        bx, bw = x + p.lane * lane_w + 1, lane_w - 2
        y_top, y_bot = y_of(max(p.start, self.first_min)), y_of(min(p.end, self.last_min))
        bh = y_top - y_bot - 1
        by = y_bot + 0.5
        a = p.appt
        t = self.type_index.get(a.type_id, 0)
        if self.grayscale:
            g = GREYS[t % len(GREYS)]
            c.setFillColorRGB(g, g, g)
            c.setStrokeColorRGB(0.35, 0.35, 0.35)
            c.setLineWidth(0.5)
            c.rect(bx, by, bw, bh, stroke=1, fill=1)
            _pattern(c, PATTERNS[t % len(PATTERNS)], bx, by, bw, bh)
            bar = 0.2 + 0.12 * (t % 4)
            c.setFillColorRGB(bar, bar, bar)
        else:
            rgb = _rgb(a.colour)
            c.setFillColorRGB(*_mix(rgb, 0.25))
            c.setStrokeColorRGB(*_mix(rgb, 1.0, dark=0.75))
            c.setLineWidth(0.5)
            c.rect(bx, by, bw, bh, stroke=1, fill=1)
            c.setFillColorRGB(*rgb)
        c.rect(bx, by, min(2.5, bw / 4), bh, stroke=0, fill=1)
        backing = GREYS[t % len(GREYS)] if self.grayscale and PATTERNS[t % len(PATTERNS)] != "none" else None
        self._box_text(c, a, p, bx + 3.5, by, bw - 4.5, bh, backing)

    def _box_text(
        self,
        c: Canvas,
        a: CalendarAppointment,
        p: _Placed,
        x: float,
        y: float,
        w: float,
        h: float,
        backing: float | None,
    ) -> None:
        if w < 8 or h < 5:
            return
        name = a.patient_initials if self.privacy else a.patient_name
        other = a.provider_name if self.by == "chair" else self.chair_names.get(a.chair_id, "")
        size = 6.5 if self.view == "day" else 5.5
        lead = size + 1.3
        lines_fit = max(1, int((h - 2) // lead))
        size = min(size, max(4.5, h - 2.5)) if lines_fit == 1 else size
        mark = a.confirmation if a.confirmation in MARKS else None
        mark_w = size + 1 if mark else 0.0
        # A narrow box leaves the time to the axis so the name is readable.
        when = f"{_clock(p.start, self.style)} " if w >= 48 else ""
        if lines_fit == 1:
            first = f"{when}{name} · {a.type_name}"
            rest: list[tuple[str, str]] = []
        else:
            first = f"{when}{name}"
            rest = [(a.type_name, FONT), (other, FONT)]
        ty = y + h - size - 0.8
        lines = [(_fit(first, BOLD, size, w - mark_w), BOLD)] + [
            (_fit(text, font, size, w), font) for text, font in rest[: lines_fit - 1]
        ]
        for i, (text, font) in enumerate(lines):
            if backing is not None:  # keep text clear of the grayscale pattern
                c.setFillColorRGB(backing, backing, backing)
                c.rect(
                    x - 1, ty - size * 0.25, stringWidth(text, font, size) + 2, size * 1.15, stroke=0, fill=1
                )
            c.setFillColorRGB(*INK)
            c.setFont(font, size)
            c.drawString(x, ty, text)
            if i == 0 and mark:
                self._mark(c, mark, x + w - size - 0.5, ty, size)
            ty -= lead

    def _legend(self, c: Canvas, type_ids: Sequence[int]) -> None:
        y = MARGIN + 10
        x = MARGIN
        c.setFont(FONT, 7)
        for tid in type_ids:
            t = self.type_index.get(tid)
            if t is None:
                continue
            row = self.clinic.types[t]
            if self.grayscale:
                g = GREYS[t % len(GREYS)]
                c.setFillColorRGB(g, g, g)
                c.setStrokeColorRGB(0.35, 0.35, 0.35)
                c.rect(x, y - 1, 14, 8, stroke=1, fill=1)
                _pattern(c, PATTERNS[t % len(PATTERNS)], x, y - 1, 14, 8)
            else:
                rgb = _rgb(row.colour)
                c.setFillColorRGB(*_mix(rgb, 0.25))
                c.setStrokeColorRGB(*_mix(rgb, 1.0, dark=0.75))
                c.rect(x, y - 1, 14, 8, stroke=1, fill=1)
                c.setFillColorRGB(*rgb)
                c.rect(x, y - 1, 2.5, 8, stroke=0, fill=1)
            c.setFillColorRGB(*INK)
            c.setFont(FONT, 7)
            c.drawString(x + 17, y, row.name)
            x += 17 + stringWidth(row.name, FONT, 7) + 12
        y2 = MARGIN
        x = MARGIN
        for key in MARKS:
            self._mark(c, key, x, y2, 7)
            c.setFillColorRGB(*MUTED)
            c.setFont(FONT, 7)
            label = MARK_LABELS[key]
            c.drawString(x + 9, y2, label)
            x += 9 + stringWidth(label, FONT, 7) + 12
        c.drawString(x, y2, "no mark: unconfirmed")

    def _mark(self, c: Canvas, kind: str, x: float, y: float, size: float) -> None:
        """A confirmation mark in a ``size`` square whose bottom-left is at (x, baseline y)."""
        rgb = INK if self.grayscale else _rgb(MARKS[kind])
        c.saveState()
        c.setStrokeColorRGB(*rgb)
        c.setFillColorRGB(*rgb)
        c.setLineWidth(max(0.8, size / 6))
        c.setLineCap(1)
        c.setLineJoin(1)
        s = size * 0.8
        if kind == "confirmed":
            path = c.beginPath()
            path.moveTo(x, y + s * 0.5)
            path.lineTo(x + s * 0.35, y + s * 0.1)
            path.lineTo(x + s, y + s * 0.95)
            c.drawPath(path, stroke=1, fill=0)
        elif kind == "declined":
            c.line(x + s * 0.1, y + s * 0.1, x + s * 0.9, y + s * 0.9)
            c.line(x + s * 0.1, y + s * 0.9, x + s * 0.9, y + s * 0.1)
        else:
            c.setFont(BOLD, size)
            c.drawString(x + s * 0.15, y, "?" if kind == "requested" else "!")
        c.restoreState()


class _GreyCanvas(Canvas):
    """A canvas that turns every colour into its grey (luma), so a grayscale sheet has no hue."""

    def setFillColorRGB(self, r: float, g: float, b: float, alpha: float | None = None) -> None:
        y = 0.299 * r + 0.587 * g + 0.114 * b
        super().setFillColorRGB(y, y, y, alpha)

    def setStrokeColorRGB(self, r: float, g: float, b: float, alpha: float | None = None) -> None:
        y = 0.299 * r + 0.587 * g + 0.114 * b
        super().setStrokeColorRGB(y, y, y, alpha)


def _assign_lanes(items: list[_Placed]) -> int:
    """Side-by-side lanes for overlapping appointments; returns the most lanes in one cluster."""
    items.sort(key=lambda p: (p.start, p.end))
    most = 1
    cluster: list[_Placed] = []
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


def _pattern(c: Canvas, kind: str, x: float, y: float, w: float, h: float) -> None:
    if kind == "none" or w < 2 or h < 2:
        return
    c.saveState()
    p = c.beginPath()
    p.rect(x, y, w, h)
    c.clipPath(p, stroke=0, fill=0)
    c.setStrokeColorRGB(0.55, 0.55, 0.55)
    c.setLineWidth(0.35)
    step = 4.0
    if kind in ("diag", "cross"):
        k = -h
        while k < w:
            c.line(x + k, y, x + k + h, y + h)
            k += step
    if kind in ("backdiag", "cross"):
        k = 0.0
        while k < w + h:
            c.line(x + k, y, x + k - h, y + h)
            k += step
    if kind == "horiz":
        yy = y + 2
        while yy < y + h:
            c.line(x, yy, x + w, yy)
            yy += step
    if kind == "dots":
        c.setFillColorRGB(0.5, 0.5, 0.5)
        yy = y + 2
        while yy < y + h:
            xx = x + 2
            while xx < x + w:
                c.rect(xx, yy, 0.7, 0.7, stroke=0, fill=1)
                xx += step
            yy += step
    c.restoreState()


@lru_cache(maxsize=4096)
def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis to fit ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    ell = "…"
    while text and stringWidth(text + ell, font, size) > width:
        text = text[:-1]
    return (text.rstrip() + ell) if text else ""


@lru_cache(maxsize=256)
def _rgb(colour: str) -> tuple[float, float, float]:
    s = colour.lstrip("#")
    if len(s) not in (6, 8):
        return (0.6, 0.6, 0.6)
    return (int(s[0:2], 16) / 255, int(s[2:4], 16) / 255, int(s[4:6], 16) / 255)


def _mix(rgb: tuple[float, float, float], amount: float, *, dark: float = 1.0) -> tuple[float, float, float]:
    """``amount`` of the colour over white, optionally darkened (``dark`` < 1)."""
    r, g, b = (1 - amount + amount * v for v in rgb)
    return (r * dark, g * dark, b * dark)


def _clock(minute: int, style: str = "12h") -> str:
    """A start in a box: "3:30" (12h; the axis says AM/PM) or "15:30"."""
    h, m = divmod(minute, 60)
    return f"{h:02d}:{m:02d}" if style == "24h" else f"{(h - 1) % 12 + 1}:{m:02d}"


def _hour(minute: int, style: str = "12h") -> str:
    """An hour of the axis: "1 PM" or "13:00"."""
    h = minute // 60
    if style == "24h":
        return f"{h:02d}:00"
    return "12 PM" if h == 12 else (f"{h % 12 or 12} AM" if h < 12 else f"{h - 12} PM")
