"""Waitlist figures: ranked matches of one opening against 10,000 entries; 500 openings offered at once."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, inspect, select, update

from benchmarks.harness import ANCHOR, BenchContext, Row, count_queries, median_seconds, ms
from orca_desk.migrate import upgrade
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Chair
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.waitlist.matching import match_opening
from orca_desk.services.waitlist.offers import offer_openings
from orca_desk.services.waitlist.settings import PURPOSE, WaitlistSettings

SETTINGS = WaitlistSettings(secret=b"bench-secret-0123456789abcdef", base_url="https://links.example")


def _openings(session, appts: list[Appointment]) -> list[Opening]:  # type: ignore[no-untyped-def]
    """Cancel these appointments (raw update) and write an opening for each, like the booking seam."""
    session.execute(
        update(Appointment).where(Appointment.id.in_([a.id for a in appts])).values(status="cancelled")
    )
    locs = dict(session.execute(select(Chair.id, Chair.location_id)).all())
    rows = [
        Opening(
            clinic_id=a.clinic_id,
            location_id=locs[a.chair_id],
            chair_id=a.chair_id,
            provider_id=a.provider_id,
            type_id=a.type_id,
            start_at=a.start_at,
            end_at=a.end_at,
            source="cancellation",
            source_appointment_id=a.id,
            status="open",
            mode="sequential",
            broadcast_size=3,
            next_check_at=ANCHOR,
            note="",
            created_by="bench",
            created_at=ANCHOR,
            updated_at=ANCHOR,
        )
        for a in appts
    ]
    session.add_all(rows)
    session.flush()
    return rows


def run(bench: BenchContext) -> list[Row]:
    if "opening" not in inspect(bench.db.engine).get_table_names():
        upgrade(bench.db)  # the cached database predates the waitlist tables
    rows: list[Row] = []
    now = ANCHOR
    with bench.db.read_sessions() as s:  # everything below is rolled back: the cache stays as it was
        entries = s.scalar(
            select(func.count()).select_from(WaitlistEntry).where(WaitlistEntry.status == "active")
        )
        future = list(
            s.scalars(
                select(Appointment)
                .where(
                    Appointment.start_at > now + timedelta(days=1),
                    Appointment.start_at < now + timedelta(days=30),
                    Appointment.status == "scheduled",
                )
                .order_by(Appointment.id)
                .limit(501)
            )
        )
        if len(future) < 501:
            return [
                Row(
                    "waitlist: the cached large database has too few future appointments",
                    "run --fresh",
                    "—",
                    False,
                )
            ]
        [one] = _openings(s, future[:1])

        def match() -> int:
            return len(match_opening(s, one.id, now=now, limit=20))

        with count_queries(bench.db) as statements:
            n = match()
        t = median_seconds(match, repeat=25)
        rows.append(
            Row(
                f"waitlist matches for one opening ({entries:,} active entries, {n} shown, "
                f"{len(statements)} queries)",
                "≤ 20 ms",
                ms(t),
                t <= 0.020,
            )
        )
        many = _openings(s, future[1:])
        started = time.perf_counter()
        offers = offer_openings(s, many, now=now, settings=SETTINGS)
        s.flush()
        t = time.perf_counter() - started
        queued = s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.purpose == PURPOSE)
        )
        patients = len({o.patient_id for o in offers})
        assert patients == len(offers), "a patient was offered two openings at once"
        assert s.scalar(select(func.count()).select_from(WaitlistOffer)) == len(offers)
        rows.append(
            Row(
                f"500 openings matched and offered ({len(offers)} offers, {queued} messages queued)",
                "≤ 2 s",
                ms(t),
                t <= 2.0,
            )
        )
        s.rollback()
    return rows
