"""The features the automation runtime runs: their tick jobs and their reply handlers, in one place.

:func:`clinic_runtime` is the runtime of ``orca-desk worker`` and of the GUI, with every
feature installed; tests that build a bare runtime install only what they exercise.
Services know nothing of the runtime: each feature's tick is a plain service function of a
database and a time, wrapped here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from orca_desk.automation.runtime import AutomationRuntime, JobContext, TickJob
from orca_desk.db import Database
from orca_desk.services import confirmations, reminders, series
from orca_desk.services.backups import auto_backup
from orca_desk.services.campaigns.sending import process_campaigns
from orca_desk.services.recovery.steps import process_recovery
from orca_desk.services.waitlist.replies import WaitlistReplyHandler
from orca_desk.services.waitlist.tick import process_waitlist

MINUTE = timedelta(minutes=1)


def tick(name: str, process: Callable[..., object], every: timedelta) -> TickJob:
    """A tick job running ``process(db, now=…)`` with the runtime's database and clock."""

    def run(ctx: JobContext) -> object:
        return process(ctx.db, now=ctx.clock.now())

    return TickJob(name, run, every=every)


def feature_ticks() -> list[TickJob]:
    """Every feature's periodic job: what is due is computed from the tables at each run."""
    return [
        tick("waitlist", process_waitlist, MINUTE),  # offers, holds, escalation
        tick("series_horizons", extend_series_horizons, timedelta(hours=6)),
        tick("recovery", process_recovery, MINUTE),  # follow-ups of missed visits
        tick("campaigns", process_campaigns, MINUTE),  # paced sends, attribution
        tick("reminders", reminders.process_reminders, MINUTE),  # due steps, expiry, escalation
        tick("auto_backup", auto_backup.run_daily_backup, auto_backup.TICK_EVERY),
    ]


def clinic_runtime(db: Database, env: Mapping[str, str] | None = None, **kwargs: Any) -> AutomationRuntime:
    """``AutomationRuntime.from_clinic`` (providers and policy from the clinic's settings) with
    every feature's ticks and reply handlers installed."""
    runtime = AutomationRuntime.from_clinic(db, env, **kwargs)
    install_features(runtime)
    return runtime


def install_features(runtime: AutomationRuntime) -> None:
    for job in feature_ticks():
        runtime.register_tick(job)
    runtime.handlers.register(WaitlistReplyHandler())
    runtime.handlers.register(confirmations.ConfirmationReplyHandler())  # YES/NO to reminders


def extend_series_horizons(db: Database, *, now: datetime) -> series.HorizonReport:
    """Book never-ending series up to their rolling horizon (idempotent; catches up after sleep)."""
    with db.write() as session:
        return series.extend_horizons(session, now=now)
