"""Run every benchmark module and print one table: `python3 dev.py bench [--fresh] [--only NAME]`."""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys

from benchmarks.harness import Row, large_database

# Each module exposes run(BenchContext) -> list[Row]; a feature adds its module here.
MODULES = [
    "benchmarks.bench_foundation",
    "benchmarks.bench_calendar",
    "benchmarks.bench_day_switch",
    "benchmarks.bench_availability",
    "benchmarks.bench_templates",
    "benchmarks.bench_series",
    "benchmarks.bench_reminders",
    "benchmarks.bench_call_list",
    "benchmarks.bench_appointment_card",
    "benchmarks.bench_print_ical",
    "benchmarks.bench_waitlist",
    "benchmarks.bench_campaigns",
    "benchmarks.bench_messaging",
    "benchmarks.bench_import",
    "benchmarks.bench_cold_start",
    "benchmarks.bench_sign_in",
    "benchmarks.multi_desk",  # needs ORCA_DESK_BENCH_PG_URL; 20 desk processes for 2 minutes
    "benchmarks.bench_read_paths",
    "benchmarks.bench_read_session",
    "benchmarks.bench_screens",
    "benchmarks.bench_family_pages",  # 50 families on the gateway for 60 s (ORCA_DESK_BENCH_QUICK=1: 5 s)
]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python3 dev.py bench")
    parser.add_argument("--fresh", action="store_true", help="regenerate the large demo database")
    parser.add_argument("--only", help="run only modules whose name contains this")
    args = parser.parse_args()
    print("preparing the large demo database (first run: about a minute) …", file=sys.stderr)
    bench = large_database(force=args.fresh)
    rows: list[Row] = []
    for name in MODULES:
        if args.only and args.only not in name:
            continue
        print(f"running {name} …", file=sys.stderr)
        rows.extend(importlib.import_module(name).run(bench))
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    widths = [
        max(len(r.name) for r in rows),
        max(10, *(len(r.target) for r in rows)),
        max(len(r.measured) for r in rows),
    ]
    print(f"{'benchmark':<{widths[0]}}  {'target':<{widths[1]}}  {'median':<{widths[2]}}  result")
    print("-" * (sum(widths) + 14))
    for r in rows:
        verdict = "—" if r.ok is None else ("PASS" if r.ok else "FAIL")
        print(f"{r.name:<{widths[0]}}  {r.target:<{widths[1]}}  {r.measured:<{widths[2]}}  {verdict}")
        for line in r.detail.splitlines():
            print(f"    {line}")
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
