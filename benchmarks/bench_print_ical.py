"""Printing and iCal figures: a busy week to PDF, a provider's year to .ics (large demo, SQLite)."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from benchmarks.harness import ANCHOR, BenchContext, Row, count_queries, median_seconds, ms
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Location
from orca_desk.services.exporting.ical_export import export_ical
from orca_desk.services.printing import render_calendar_pdf


def run(bench: BenchContext) -> list[Row]:
    rows: list[Row] = []
    with bench.db.read() as s:
        location_id = s.scalar(select(Location.id).order_by(Location.id).limit(1))
        year = (date(ANCHOR.year, 1, 1), date(ANCHOR.year, 12, 31))
        busiest = s.execute(
            select(Appointment.provider_id, func.count())
            .where(
                Appointment.start_at >= ANCHOR.replace(month=1, day=1, hour=0),
                Appointment.start_at < ANCHOR.replace(year=ANCHOR.year + 1, month=1, day=1, hour=0),
            )
            .group_by(Appointment.provider_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    assert location_id is not None
    week_day = ANCHOR.date()
    summary = None

    def week() -> None:
        nonlocal summary
        with bench.db.read() as s:
            summary = render_calendar_pdf(
                s,
                view="week",
                day=week_day,
                location_id=location_id,
                by="chair",
                paper="letter",
                landscape=True,
                grayscale=False,
                privacy=True,
                now=ANCHOR,
                out=io.BytesIO(),
            )

    with count_queries(bench.db) as statements:
        week()
    assert summary is not None
    t = median_seconds(week, repeat=7, warmup=1)
    rows.append(
        Row(
            f"busy week to PDF ({summary.appointments} appts, {summary.pages} pages)",
            "≤ 1 s",
            ms(t),
            t <= 1.0,
        )
    )
    rows.append(Row("queries per printed week", "≤ 7", str(len(statements)), len(statements) <= 7))

    provider_id, count = busiest
    size = 0

    def year_ics() -> None:
        nonlocal size
        with bench.db.read() as s:
            size = len(
                export_ical(
                    s, start=year[0], end=year[1], provider_id=provider_id, privacy="initials", now=ANCHOR
                ).data
            )

    t = median_seconds(year_ics, repeat=7, warmup=1)
    rows.append(
        Row(f"provider year to .ics ({count:,} appts, {size / 1e6:.1f} MB)", "≤ 1 s", ms(t), t <= 1.0)
    )
    return rows
