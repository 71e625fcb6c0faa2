"""``orca-desk demo --size small|large [--seed N]``: load the deterministic demo clinic."""

from __future__ import annotations

import argparse
import time

from orca_desk.commands.common import open_database, say

# services.demo.SIZES, named here so the parser does not import the demo (a test keeps them equal).
DEMO_SIZES = ["large", "small"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", parents=[common], help="load a demo clinic into an empty database")
    p.add_argument("--size", choices=DEMO_SIZES, default="small")
    p.add_argument("--seed", type=int, default=7, help="same seed, same data (default 7)")
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    from orca_desk.services.clock import SystemClock
    from orca_desk.services.demo import load_demo

    db = open_database(args, create=True)
    started = time.perf_counter()
    with db.write() as session:
        summary = load_demo(session, args.size, seed=args.seed, now=SystemClock().now(), progress=say)
    print(
        f"loaded {args.size} demo in {time.perf_counter() - started:.1f} s: "
        f"{summary.locations} locations, {summary.chairs} chairs, {summary.providers} providers, "
        f"{summary.patients:,} patients, {summary.appointments:,} appointments, "
        f"{summary.waitlist:,} waitlist entries"
    )
    return 0
