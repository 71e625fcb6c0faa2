"""``orca-desk worker [--once]``: run the automation headless (every due job once with --once)."""

from __future__ import annotations

import argparse
import logging
import signal
from types import FrameType

from orca_desk.automation.runtime import (
    AutomationRuntime,
    RuntimeSettings,
    describe_status,
)
from orca_desk.commands.common import CommandError, open_database, say
from orca_desk.services.patient_links import link_secret


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("worker", parents=[common],
                       help="run the automation (sending, replies, reminders) without the GUI")
    p.add_argument("--once", action="store_true",
                   help="run every due job once and exit (for cron and tests)")
    p.set_defaults(func=_worker)


def _worker(args: argparse.Namespace) -> int:
    try:
        settings = RuntimeSettings.from_env()
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    link_secret()  # links in offers and reminders are signed: say now if the key cannot be kept
    db = open_database(args)
    try:
        # The clinic's saved settings and keyring secrets; ORCA_DESK_* variables win.
        runtime = AutomationRuntime.from_clinic(db, settings=settings)
    except BaseException:
        db.dispose()
        raise
    if args.once:
        try:
            results = runtime.run_once()
            status = runtime.status()
        finally:
            runtime.close()
            db.dispose()
        if not results:
            say(f"standby: automation is led by {status.holder or 'another process'}; nothing run")
        print(describe_status(status))
        return 0
    from orca_desk.automation.scheduler import blocking_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheduler = blocking_scheduler(runtime)

    def stop(signum: int, _frame: FrameType | None) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    say(f"automation worker {runtime.worker_id} started (Ctrl+C to stop)")
    try:
        scheduler.start()
    finally:
        runtime.close()
        db.dispose()
    return 0
