"""APScheduler 3 wiring: the runtime's jobs on an in-memory store, catching up after sleep."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from orca_desk.automation.runtime import AutomationRuntime

# Missed runs (a laptop asleep) collapse into one late run, however late: the jobs read what
# is due from the tables. APScheduler 3 must never share a job store between processes, so
# each process keeps its own in memory; durable state lives in the project's tables.
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


def scheduler_config() -> dict[str, object]:
    return {
        "jobstores": {"default": MemoryJobStore()},
        "executors": {"default": ThreadPoolExecutor(4)},
        "job_defaults": dict(JOB_DEFAULTS),
        "timezone": UTC,
    }


def add_runtime_jobs(scheduler: BaseScheduler, runtime: AutomationRuntime) -> None:
    """Schedule every job of ``runtime``; the heartbeat first, so leadership is known at once."""
    start = datetime.now(UTC)
    for spec in runtime.jobs():
        scheduler.add_job(
            spec.run,
            IntervalTrigger(seconds=spec.seconds),
            id=spec.name,
            name=spec.name,
            next_run_time=start,
            replace_existing=True,
        )


def blocking_scheduler(runtime: AutomationRuntime) -> BlockingScheduler:
    """For ``orca-desk worker``: blocks until shut down."""
    scheduler = BlockingScheduler(**scheduler_config())
    add_runtime_jobs(scheduler, runtime)
    return scheduler


def background_scheduler(runtime: AutomationRuntime) -> BackgroundScheduler:
    """For tests and embedding without Qt: runs in a thread of its own."""
    scheduler = BackgroundScheduler(**scheduler_config())
    add_runtime_jobs(scheduler, runtime)
    return scheduler
