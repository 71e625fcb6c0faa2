"""The contract between the shell and a feature screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from orca_desk.services.access.security import Actor
from orca_desk.services.changes import Changes
from orca_desk.ui.accessibility import name_controls
from orca_desk.ui.context import AppContext


class Screen(QWidget):
    """A feature screen; the shell tells it which day and location to show."""

    sig_status = Signal(str)
    """A short message for the status bar (e.g. "Appointment moved")."""
    sig_go_to_date = Signal(object)
    """Ask the shell to show another day (a ``date``)."""
    sig_go_to_place = Signal(int, object)
    """Ask the shell to show a location (its id) on a day (a ``date``): where a visit is."""
    sig_show_screen = Signal(str)
    """Ask the shell to show another screen by its key (e.g. "schedules")."""
    sig_clinic_changed = Signal()
    """This screen changed the clinic's locations, chairs, providers or types: the shell reloads
    ``ctx.clinic`` and tells every screen (``MainWindow.sig_clinic_changed``)."""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        name_controls(self)  # what a screen reader says for each control: the label a user reads

    def show_day(self, day: date) -> None:
        """Show this day (screens without dates ignore it)."""

    def show_location(self, location_id: int) -> None:
        """Show this location (screens without locations ignore it)."""

    watches: frozenset[str] | None = None
    """The tables this screen shows; a change elsewhere leaves it alone. ``None``: any change."""

    def refresh(self) -> None:
        """Reload from the database."""

    def on_changes(self, changes: Changes) -> None:
        """Show ``changes`` (made by an operation of this desk, or seen from another desk). The
        shell calls it only when they touch ``watches``: on view at once, else when shown."""
        self.refresh()


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    title: str
    icon: str
    factory: Callable[[AppContext], Screen]
    needs: str | None = None
    """The permission whose holders use this screen; others do not see it in the navigation."""

    def shown_to(self, actor: Actor) -> bool:
        # The support viewer (screenshots of a real database) sees every screen, read-only.
        return self.needs is None or actor.can(self.needs) or actor.role == "viewer"
