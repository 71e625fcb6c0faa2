"""The features the automation runtime runs: their tick jobs and their reply handlers, in one place.

``AutomationRuntime.from_clinic`` (the runtime of ``orca-desk worker`` and of the GUI) calls
:func:`install_features`; tests that build a bare runtime install only what they exercise.
"""

from __future__ import annotations

from datetime import timedelta

from orca_desk.automation.runtime import AutomationRuntime, JobContext, TickJob
from orca_desk.services import (
    auto_backup,
    campaigns,
    confirmations,
    recovery,
    reminders,
    series,
    waitlist,
)


def install_features(runtime: AutomationRuntime) -> None:
    runtime.register_tick(waitlist.tick_job())
    runtime.handlers.register(waitlist.WaitlistReplyHandler())
    runtime.register_tick(TickJob("series_horizons", extend_series_horizons, every=timedelta(hours=6)))
    runtime.register_tick(recovery.tick_job())  # issue 10: follow-up steps of missed visits
    runtime.register_tick(campaigns.tick_job())  # issue 10: paced campaign sends, attribution
    runtime.register_tick(reminders.tick_job())  # issue 9: due reminder steps, expiry, escalation
    runtime.handlers.register(confirmations.ConfirmationReplyHandler())  # issue 9: YES/NO replies
    runtime.register_tick(auto_backup.tick_job())  # issue 15: the daily backup of a local database


def extend_series_horizons(ctx: JobContext) -> series.HorizonReport:
    """Book never-ending series up to their rolling horizon (idempotent; catches up after sleep)."""
    with ctx.db.write() as session:
        return series.extend_horizons(session, now=ctx.clock.now())
