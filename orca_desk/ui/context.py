"""What every screen is handed: the database, the clock, who is signed in, the clinic, and the
operations through which it reads and changes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from orca_desk.db import Database
from orca_desk.services import local_time
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic.clinic import ClinicInfo
from orca_desk.services.clock import Clock
from orca_desk.ui.feature_dialogs import FeatureDialogs
from orca_desk.ui.operations import Operations


@dataclass
class AppContext:
    db: Database
    clock: Clock
    actor: Actor
    clinic: ClinicInfo
    # Dialogs one feature opens for another (the composition root wires them: app.feature_dialogs()).
    dialogs: FeatureDialogs = field(default_factory=FeatureDialogs)
    _ops: Operations | None = field(default=None, repr=False, compare=False)

    @property
    def ops(self) -> Operations:
        """The window's operations (the main window installs its own, which tell every screen
        what changed); a screen made on its own (tests) gets a private one on first use."""
        if self._ops is None:
            self._ops = Operations(self.db)
        return self._ops

    @ops.setter
    def ops(self, ops: Operations) -> None:
        self._ops = ops

    def time_style(self) -> str:
        """The clinic's time format now ("12h" or "24h"; Settings can change it while the app runs)."""
        with self.db.read() as s:
            return local_time.clinic_time_format(s)
