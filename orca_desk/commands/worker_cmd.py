"""``orca-desk worker [--once]``: run the automation headless (every due job once with --once)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

from orca_desk.commands.common import CommandError, open_database, say

# ``worker --once`` ran nothing because another process leads automation (cron can tell this
# apart from a wrong setting, exit 2).
EXIT_STANDBY = 3
# How long a stopping worker waits for the message in flight before it exits anyway.
STOP_GRACE_SECONDS = 60.0

log = logging.getLogger("orca_desk.worker")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "worker", parents=[common], help="run the automation (sending, replies, reminders) without the GUI"
    )
    p.add_argument(
        "--once",
        action="store_true",
        help="run every due job once and exit (for cron and tests); exit status "
        f"{EXIT_STANDBY} when another process leads and nothing was run",
    )
    p.set_defaults(func=_worker)


def _worker(args: argparse.Namespace) -> int:
    from orca_desk.automation.features import clinic_runtime
    from orca_desk.automation.runtime import (
        RuntimeSettings,
        describe_status,
        standby_reason,
    )
    from orca_desk.services.links.patient_links import link_secret

    try:
        settings = RuntimeSettings.from_env()
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    link_secret()  # links in offers and reminders are signed: say now if the key cannot be kept
    db = open_database(args)
    try:
        # The clinic's saved settings and keyring secrets; ORCA_DESK_* variables win.
        runtime = clinic_runtime(db, settings=settings)
    except BaseException:
        db.dispose()
        raise
    warning = runtime.link_warning()
    if warning:
        say(warning)
    if args.once:
        reason: str | None = None
        try:
            results = runtime.run_once()
            if not results:
                reason = standby_reason(runtime)
            status = runtime.status()
        finally:
            runtime.close()
            db.dispose()
        if reason is not None:
            print(f"orca-desk: error: {reason}", file=sys.stderr, flush=True)
            return EXIT_STANDBY
        print(describe_status(status))
        return 0
    from orca_desk.automation.scheduler import blocking_scheduler
    from orca_desk.diagnostics import install_crash_hooks, install_structured_stdout

    install_structured_stdout("worker")
    install_crash_hooks()
    # APScheduler logs two lines per job run (every 2 s for dispatch): only its warnings are
    # wanted. The runtime logs what changes (leading/standby, providers, a job failing).
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = blocking_scheduler(runtime)

    def stop(signum: int, _frame: FrameType | None) -> None:
        if runtime.stopping:
            return
        # At once: no job starts any more and dispatch claims nothing more; the message in
        # flight is finished below before the lead is released.
        runtime.stop()
        log.info("stopping (%s): finishing the message in flight", signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if hasattr(signal, "SIGBREAK"):  # Windows: how the service host (packaging/windows) asks it to stop
        signal.signal(signal.SIGBREAK, stop)
    say(f"automation worker {runtime.worker_id} started (Ctrl+C to stop)")
    try:
        scheduler.start()
        if not runtime.wait_idle(STOP_GRACE_SECONDS):
            log.warning(
                "a job was still running after %.0f s; exiting anyway (its claims are "
                "reconciled by the next worker)",
                STOP_GRACE_SECONDS,
            )
    finally:
        runtime.close()
        db.dispose()
    log.info("stopped")
    return 0
