"""The automation embedded in the GUI: a QtScheduler ticking the runtime, status for the status bar."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from apscheduler.schedulers.qt import QtScheduler
from PySide6.QtCore import QObject, Signal

from orca_desk.automation.features import clinic_runtime
from orca_desk.automation.runtime import (
    AutomationRuntime,
    RuntimeSettings,
    describe_status,
)
from orca_desk.automation.scheduler import add_runtime_jobs, scheduler_config
from orca_desk.db import Database
from orca_desk.services.clock import Clock
from orca_desk.services.errors import OrcaError
from orca_desk.ui import language

log = logging.getLogger(__name__)
STATUS_SECONDS = 5.0


class AutomationController(QObject):
    """Runs the automation jobs in worker threads while the window is open."""

    sig_status = Signal(str)
    """One line for the status bar: leader/standby, queued, deferred, failed (any thread)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        env: Mapping[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runtime: AutomationRuntime | None = None
        self.scheduler: QtScheduler | None = None
        env = os.environ if env is None else env
        try:
            # Providers from the clinic's saved settings and keyring secrets (ORCA_DESK_*
            # variables win), the clinic's messaging policy; both followed while it runs.
            settings = RuntimeSettings.from_env(env)
            self.runtime = clinic_runtime(db, env, settings=settings, clock=clock)
        except (OrcaError, ValueError) as exc:
            self.error = self.tr("Automation off: {reason}").format(reason=language.say(str(exc)))
            return
        self.error = ""

    def start(self) -> None:
        if self.runtime is None:
            self.sig_status.emit(self.error)
            return
        self.scheduler = QtScheduler(**scheduler_config())
        add_runtime_jobs(self.scheduler, self.runtime)
        self.scheduler.add_job(
            self._publish_status, "interval", seconds=STATUS_SECONDS, id="status", replace_existing=True
        )
        self.scheduler.start()
        self.sig_status.emit(self.tr("Automation: starting…"))

    def _publish_status(self) -> None:
        if self.runtime is None:
            return
        try:
            self.sig_status.emit(describe_status(self.runtime.status()))
        except Exception as exc:  # the status bar must never take the app down
            log.warning("automation status unavailable: %s", exc)

    def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        if self.runtime is not None:
            self.runtime.close()
