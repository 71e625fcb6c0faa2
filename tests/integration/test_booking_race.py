"""Desks racing on one database (real processes): every refusal is typed, nothing overlaps.

PostgreSQL: 6 processes, 240 book/move/cancel/restore/status operations on one crowded hour
(item 21: deadlocks between the provider row lock and foreign-key share locks surfaced as a
raw ``OperationalError``). SQLite: 4 processes with the same mix.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

import pytest

from orca_desk.db import Database
from tests.conftest import NOW
from tests.factories import make_world
from tests.integration.booking_race import overlaps, run_desk


def _race(db: Database, *, processes: int, ops: int, mode: str = "run") -> Counter[str]:
    with db.write() as s:
        w = make_world(s, chairs=3, patients=8)
        world = {
            "patients": [p.id for p in w.patients],
            "chairs": [c.id for c in w.chairs],
            "providers": [w.ortho.id, w.hygienist.id],
            "type": w.adjustment.id,
            "start": NOW + timedelta(hours=3),
        }
    url = db.url.render_as_string(hide_password=False)
    totals: Counter[str] = Counter()
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(run_desk, url, world, NOW, seed, ops, mode) for seed in range(processes)]
        for f in futures:
            totals.update(f.result(timeout=120))
    return totals


def _check(db: Database, totals: Counter[str], ops: int) -> None:
    untyped = {k: v for k, v in totals.items() if k.startswith("untyped:")}
    assert untyped == {}, totals
    assert sum(totals.values()) == ops
    assert totals["ok"] > 0, totals
    assert overlaps(db) == []


@pytest.mark.postgres
def test_racing_desks_on_postgres_get_only_typed_errors_and_no_overlap(pg_db) -> None:
    totals = _race(pg_db, processes=6, ops=40)
    _check(pg_db, totals, 240)


def test_racing_desks_on_sqlite_get_only_typed_errors_and_no_overlap(db) -> None:
    totals = _race(db, processes=4, ops=30)
    _check(db, totals, 120)
