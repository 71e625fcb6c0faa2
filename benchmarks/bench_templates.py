"""Template figures: a 4-week rotating template applied to 40 providers for a year (~40,000 slots)."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from benchmarks.harness import ANCHOR, CACHE, BenchContext, Row, median_wall_cpu, ms
from orca_desk.db import Database
from orca_desk.migrate import upgrade
from orca_desk.models.clinic import AppointmentType, Location, Provider
from orca_desk.models.template import (
    AppliedSlot,
    ScheduleTemplate,
    TemplateApplication,
    TemplateSlot,
    TemplateVersion,
)
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.schedule_templates import SlotSpec, create_template
from orca_desk.services.template_engine.applying import apply_template
from orca_desk.services.template_engine.planning import plan_application
from orca_desk.services.template_engine.plans import ApplyParams

ACTOR = Actor(
    username="bench", role="manager", display_name="Benchmark", permissions=ROLE_PERMISSIONS["manager"]
)


def _rotating_slots(type_ids: list[int]) -> list[SlotSpec]:
    """Four weeks (A–D), Mon–Fri, four slots a day inside 08:00–17:00 around lunch (12–13)."""
    shapes = [
        [(8 * 60, 9 * 60 + 30), (10 * 60, 10 * 60 + 20), (13 * 60, 13 * 60 + 40), (15 * 60, 15 * 60 + 20)],
        [(8 * 60 + 30, 9 * 60), (9 * 60 + 30, 11 * 60), (14 * 60, 14 * 60 + 20), (16 * 60, 16 * 60 + 30)],
        [(8 * 60, 8 * 60 + 20), (11 * 60, 11 * 60 + 45), (13 * 60 + 30, 14 * 60), (15 * 60 + 30, 16 * 60)],
        [(9 * 60, 10 * 60), (10 * 60 + 30, 11 * 60), (14 * 60 + 30, 15 * 60), (16 * 60, 16 * 60 + 20)],
    ]
    out = []
    for week, shape in enumerate(shapes):
        for weekday in range(5):
            for k, (s, e) in enumerate(shape):
                out.append(
                    SlotSpec(s, e, type_ids[(k + week + weekday) % len(type_ids)], weekday=weekday, week=week)
                )
            out.append(
                SlotSpec(12 * 60, 13 * 60, None, weekday=weekday, week=week, blocked=True, reason="Lunch")
            )
    return out


def run(bench: BenchContext) -> list[Row]:
    # A copy of the cached database, so the template tables (and the slots) never touch the cache.
    path = CACHE / "templates.sqlite3"
    for p in CACHE.glob("templates.sqlite3*"):
        p.unlink()
    src = Database(bench.url)
    with src.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    src.dispose()
    shutil.copy(CACHE / "large.sqlite3", path)
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    rows: list[Row] = []
    try:
        with db.write() as s:
            types = list(s.scalars(select(AppointmentType.id).order_by(AppointmentType.id).limit(4)))
            providers = tuple(
                s.scalars(
                    select(Provider.id).where(Provider.is_active.is_(True)).order_by(Provider.id).limit(40)
                )
            )
            tz = s.scalar(select(Location.timezone).order_by(Location.id).limit(1))
            t = create_template(
                s,
                ACTOR,
                name="Bench rotation",
                kind="week",
                slots=_rotating_slots(types),
                rotation=("A", "B", "C", "D"),
                now=ANCHOR,
            )
        assert tz is not None
        first = ANCHOR.astimezone(ZoneInfo(tz)).date() + timedelta(days=1)
        params = ApplyParams(
            template_id=t.template.id,
            provider_ids=providers,
            start_day=first,
            end_day=first + timedelta(days=364),
        )

        def dry_run() -> int:
            with db.read() as s:
                return plan_application(s, params, now=ANCHOR).counts["create"]

        def clear() -> None:
            with db.write() as s:
                s.execute(delete(AppliedSlot))
                s.execute(delete(TemplateApplication))

        t_plan, cpu_plan = median_wall_cpu(dry_run, repeat=5, warmup=1)
        with db.read() as s:
            plan = plan_application(s, params, now=ANCHOR)
        c = plan.counts
        total = c["create"] + c["existing"] + c["off"]
        rows.append(
            Row(
                f"template dry run, 4-week rotation × {len(providers)} providers × 1 year "
                f"({total:,} slots: {c['create']:,} new, {c['existing']:,} taken, {c['off']:,} off)",
                "≤ 1 s",
                f"{ms(t_plan)} (CPU {ms(cpu_plan)})",
                t_plan <= 1.0,
            )
        )

        samples, cpu_samples = [], []
        created = 0
        for _ in range(3):
            clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            with db.write() as s:
                created = apply_template(s, ACTOR, params, now=ANCHOR).created
            samples.append(time.perf_counter() - started)
            cpu_samples.append(time.process_time() - started_cpu)
        t_apply, cpu_apply = sorted(samples)[1], sorted(cpu_samples)[1]
        rows.append(
            Row(
                f"template apply with conflict check ({created:,} slots written)",
                "≤ 2 s",
                f"{ms(t_apply)} (CPU {ms(cpu_apply)})",
                t_apply <= 2.0,
            )
        )

        def reapply() -> int:
            with db.write() as s:
                return apply_template(s, ACTOR, params, now=ANCHOR).created

        again = reapply()
        t_again, cpu_again = median_wall_cpu(reapply, repeat=5, warmup=0)
        rows.append(
            Row(
                f"template re-apply, idempotent ({again} new slots)",
                "≤ 1 s",
                f"{ms(t_again)} (CPU {ms(cpu_again)})",
                t_again <= 1.0 and again == 0,
            )
        )
        with db.write() as s:
            s.execute(delete(AppliedSlot))
            s.execute(delete(TemplateApplication))
            s.execute(delete(TemplateSlot))
            s.execute(delete(TemplateVersion))
            s.execute(delete(ScheduleTemplate))
    finally:
        db.dispose()
        for p in CACHE.glob("templates.sqlite3*"):
            p.unlink()
    return rows
