"""Windows service host for the automation worker (pywin32), built as ``orca-desk-service.exe``.

The Service Control Manager starts it with no arguments; it starts ``orca-desk-worker.exe`` from
the same folder, sharing a console it allocates (invisible in session 0), and on stop sends that
worker Ctrl+Break, which the worker takes as its stop signal: it finishes the message in flight
and gives up the lead, as on Ctrl+C at a terminal. A worker that exits by itself stops the service
with an error, so the recovery the installer sets (restart after a minute) applies.

The worker's settings come from ``%ProgramData%\\OrcaDesk\\worker.env`` (KEY=VALUE lines, written
by the installer); its output goes to ``worker.log`` beside it. By hand:
``orca-desk-service install|start|stop|remove`` (pywin32's command line).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pywintypes
import servicemanager
import win32console
import win32event
import win32service
import win32serviceutil

SERVICE_NAME = "OrcaDeskWorker"
# The worker's own grace for the message in flight (60 s) and its exit.
STOP_GRACE_SECONDS = 75
DATA = Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "OrcaDesk"


def worker_environment() -> dict[str, str]:
    env = dict(os.environ)
    settings = DATA / "worker.env"
    if settings.exists():
        for line in settings.read_text("utf-8").splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and key and not key.startswith("#"):
                env[key.strip()] = value.strip()
    return env


class OrcaDeskWorkerService(win32serviceutil.ServiceFramework):
    _svc_name_ = SERVICE_NAME
    _svc_display_name_ = "Orca Desk automation worker"
    _svc_description_ = "Sends Orca Desk's reminders and messages and reads replies while no desk is open."
    _exe_name_ = sys.executable  # the frozen service host itself, for `install`

    def __init__(self, args: list[str]) -> None:
        super().__init__(args)
        self.stop_requested = win32event.CreateEvent(None, True, False, None)

    def SvcStop(self) -> None:
        self.ReportServiceStatus(win32service.SERVICE_STOP_PENDING, waitHint=STOP_GRACE_SECONDS * 1000)
        win32event.SetEvent(self.stop_requested)

    def SvcDoRun(self) -> None:
        DATA.mkdir(parents=True, exist_ok=True)
        # The worker inherits this console: Ctrl+Break reaches it through it. (One run by hand from
        # a terminal has one already.)
        with contextlib.suppress(pywintypes.error):
            win32console.AllocConsole()
        worker_exe = Path(sys.executable).with_name("orca-desk-worker.exe")
        with open(DATA / "worker.log", "ab") as log:
            worker = subprocess.Popen(
                [str(worker_exe)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=worker_environment(),
                creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
            )
            servicemanager.LogInfoMsg(f"{SERVICE_NAME}: worker started (process {worker.pid})")
            while win32event.WaitForSingleObject(self.stop_requested, 1000) != win32event.WAIT_OBJECT_0:
                if worker.poll() is not None:
                    message = (
                        f"{SERVICE_NAME}: the worker exited with status {worker.returncode}; see {log.name}"
                    )
                    servicemanager.LogErrorMsg(message)
                    raise RuntimeError(message)  # the service stops with an error: recovery restarts it
            os.kill(worker.pid, signal.CTRL_BREAK_EVENT)
            try:
                worker.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        servicemanager.LogInfoMsg(f"{SERVICE_NAME}: worker stopped")


if __name__ == "__main__":
    if len(sys.argv) == 1:  # started by the Service Control Manager
        servicemanager.Initialize()
        servicemanager.PrepareToHostSingle(OrcaDeskWorkerService)
        servicemanager.StartServiceCtrlDispatcher()
    else:
        win32serviceutil.HandleCommandLine(OrcaDeskWorkerService)
