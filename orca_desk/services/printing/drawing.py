"""Drawing a laid-out sheet onto PDF pages: header, time axis, columns, appointment boxes, legend."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from orca_desk.services.calendar.calendar_data import CalendarAppointment
from orca_desk.services.printing.layout import Placed, PrintSummary, Resource, SheetLayout
from orca_desk.services.printing.style import (
    AXIS_W,
    BOLD,
    FONT,
    GREYS,
    HEADER_H,
    INK,
    LEGEND_H,
    MARGIN,
    MARK_LABELS,
    MARKS,
    MUTED,
    PATTERNS,
    RULE,
    SHEET,
    GreyCanvas,
    clock_text,
    colour_rgb,
    date_text,
    fill_pattern,
    fit_text,
    hour_text,
    long_date_text,
    printed,
    time_text,
    tint,
)


class Sheet(SheetLayout):
    """A day or week sheet, rendered as a PDF."""

    def render(self, out: BinaryIO | Path | str) -> PrintSummary:
        pages = self.pages()
        buffer = io.BytesIO()
        canvas_class = GreyCanvas if self.grayscale else Canvas
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
        lang = self.language
        if self.view == "day":
            kind = printed("Day sheet by chair" if self.by == "chair" else "Day sheet by provider", lang)
            when = long_date_text(self.days[0], lang, self.country)
        else:
            kind = printed("Week by chair" if self.by == "chair" else "Week by provider", lang)
            a, b = self.days[0], self.days[-1]
            first = date_text(a, lang, skeleton="MMMd", country=self.country)
            when = f"{first} – {date_text(b, lang, skeleton='yMMMd', country=self.country)}"
        return f"{self.location_name} · {kind} · {when}"

    def _page(self, c: Canvas, resources: list[Resource], page: int, pages: int) -> None:
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
                self.width / 2,
                self.height / 2,
                printed("No appointments at this location in this period.", self.language),
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
        c.drawRightString(right, top - 11, printed(f"Page {page} of {pages}", self.language))
        c.setFont(FONT, 7.5)
        c.setFillColorRGB(*MUTED)
        local = self.now.astimezone(self.zone)
        day = date_text(local, self.language, country=self.country)
        stamp = f"{day}, {time_text(local, self.style, self.language, self.country)}"
        c.drawRightString(right, top - 22, printed(f"Printed {stamp}", self.language))
        if self.privacy:
            c.drawRightString(right, top - 32, printed("Initials only", self.language))
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
                    c.drawRightString(
                        left - 5, y - 8, hour_text(minute, self.style, self.language, self.country)
                    )
            else:
                c.setStrokeColorRGB(0.88, 0.89, 0.91)
                c.setDash(1, 2)
                c.setLineWidth(0.4)
                c.line(left, y, right, y)
        c.setDash()

    def _column_header(
        self, c: Canvas, r: Resource, x: float, w: float, grid_top: float, multi: bool
    ) -> None:
        c.setFillColorRGB(0.95, 0.96, 0.97)
        c.rect(x, grid_top, w, 26, stroke=0, fill=1)
        c.setFillColorRGB(*INK)
        size = 8.0 if not multi else 6.5
        c.setFont(BOLD, size)
        c.drawCentredString(x + w / 2, grid_top + 15, fit_text(r.title, BOLD, size, w - 4))
        if r.subtitle:
            c.setFont(FONT, size - 1.5)
            c.setFillColorRGB(*MUTED)
            c.drawCentredString(x + w / 2, grid_top + 5, fit_text(r.subtitle, FONT, size - 1.5, w - 4))

    def _day_header(self, c: Canvas, d: date, x: float, w: float, y: float) -> None:
        c.setFillColorRGB(0.88, 0.90, 0.93)
        c.rect(x, y, w, 12, stroke=0, fill=1)
        c.setFillColorRGB(*INK)
        c.setFont(BOLD, 8)
        c.drawCentredString(
            x + w / 2,
            y + 3.5,
            fit_text(date_text(d, self.language, skeleton="MMMEd", country=self.country), BOLD, 8, w - 4),
        )

    def _box(self, c: Canvas, p: Placed, x: float, w: float, y_of: Callable[[int], float]) -> None:
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
            fill_pattern(c, PATTERNS[t % len(PATTERNS)], bx, by, bw, bh)
            bar = 0.2 + 0.12 * (t % 4)
            c.setFillColorRGB(bar, bar, bar)
        else:
            rgb = colour_rgb(a.colour)
            c.setFillColorRGB(*tint(rgb, 0.25))
            c.setStrokeColorRGB(*tint(rgb, 1.0, dark=0.75))
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
        p: Placed,
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
        when = f"{clock_text(p.start, self.style)} " if w >= 48 else ""
        if lines_fit == 1:
            first = f"{when}{name} · {a.type_name}"
            rest: list[tuple[str, str]] = []
        else:
            first = f"{when}{name}"
            rest = [(a.type_name, FONT), (other, FONT)]
        ty = y + h - size - 0.8
        lines = [(fit_text(first, BOLD, size, w - mark_w), BOLD)] + [
            (fit_text(text, font, size, w), font) for text, font in rest[: lines_fit - 1]
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
                fill_pattern(c, PATTERNS[t % len(PATTERNS)], x, y - 1, 14, 8)
            else:
                rgb = colour_rgb(row.colour)
                c.setFillColorRGB(*tint(rgb, 0.25))
                c.setStrokeColorRGB(*tint(rgb, 1.0, dark=0.75))
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
            label = printed(MARK_LABELS[key], self.language, SHEET)
            c.drawString(x + 9, y2, label)
            x += 9 + stringWidth(label, FONT, 7) + 12
        c.drawString(x, y2, printed("no mark: unconfirmed", self.language))

    def _mark(self, c: Canvas, kind: str, x: float, y: float, size: float) -> None:
        """A confirmation mark in a ``size`` square whose bottom-left is at (x, baseline y)."""
        rgb = INK if self.grayscale else colour_rgb(MARKS[kind])
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
