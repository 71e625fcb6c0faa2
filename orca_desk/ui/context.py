"""What every screen is handed: the database, the clock, who is signed in, the clinic."""

from __future__ import annotations

from dataclasses import dataclass

from orca_desk.db import Database
from orca_desk.services import local_time
from orca_desk.services.clinic import ClinicInfo
from orca_desk.services.clock import Clock
from orca_desk.services.security import Actor


@dataclass
class AppContext:
    db: Database
    clock: Clock
    actor: Actor
    clinic: ClinicInfo

    def time_style(self) -> str:
        """The clinic's time format now ("12h" or "24h"; Settings can change it while the app runs)."""
        with self.db.read() as s:
            return local_time.clinic_time_format(s)
