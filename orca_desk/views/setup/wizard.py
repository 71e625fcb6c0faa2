"""The first-run setup wizard (``orca-desk`` on an empty database).

Seven pages, one section of ``services.clinic_setup`` each; Next saves the page's section in its
own transaction, so Back and Cancel lose nothing already saved, and opening the wizard again
resumes on the first page not saved yet with everything read back from the database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget, QWizard

from orca_desk.services import clinic_setup as cs
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.services.clinic.clinic_defaults import SeededDefaults
from orca_desk.services.clock import Clock, SystemClock
from orca_desk.services.errors import OrcaError
from orca_desk.ui.operations import Operations
from orca_desk.views.setup.base import SetupPage, system_zone
from orca_desk.views.setup.clinic_page import ClinicPage
from orca_desk.views.setup.done_page import DonePage
from orca_desk.views.setup.locations_pages import ChairsPage, LocationsPage
from orca_desk.views.setup.messaging_page import MessagingPage
from orca_desk.views.setup.providers_page import ProvidersPage
from orca_desk.views.setup.staff_page import StaffPage
from orca_desk.views.setup.types_page import TypesPage

if TYPE_CHECKING:  # the wizard is handed the database; it reads and writes through its Operations
    from orca_desk.db import Database

CLINIC, LOCATIONS, CHAIRS, PROVIDERS, TYPES, STAFF, MESSAGING, DONE = range(8)
STEP_PAGES = {
    "clinic": CLINIC,
    "locations": LOCATIONS,
    "chairs": CHAIRS,
    "providers": PROVIDERS,
    "appointment_types": TYPES,
    "staff": STAFF,
    "messaging": MESSAGING,
    sw.DONE: DONE,
}


class SetupWizard(QWizard):
    """``actor``: who saves (the setup itself until the administrator exists, then them).
    ``admin`` is set once the administrator is saved: the app signs them in at the end."""

    def __init__(
        self, db: Database, *, actor: Actor, clock: Clock | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        # Before the window and maybe before the clinic: no AppContext yet, so its own operations.
        self.ops = Operations(db, self)
        self.clock = clock or SystemClock()
        self.actor = actor
        self.admin: Actor | None = None if actor is cs.SETUP_ACTOR else actor
        self.clinic_id = 0
        self.resuming = False
        self.new_users: list[cs.NewUser] = []
        self.setup_done = False
        self.setObjectName("setupWizard")
        self.setWindowTitle(self.tr("Set up your practice — Orca Desk"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Open the appointment book"))
        self.clinic_page = ClinicPage()
        self.locations_page = LocationsPage()
        self.chairs_page = ChairsPage()
        self.providers_page = ProvidersPage()
        self.types_page = TypesPage()
        self.staff_page = StaffPage()
        self.messaging_page = MessagingPage()
        self.done_page = DonePage()
        for page_id, page in enumerate(
            (
                self.clinic_page,
                self.locations_page,
                self.chairs_page,
                self.providers_page,
                self.types_page,
                self.staff_page,
                self.messaging_page,
                self.done_page,
            )
        ):
            self.setPage(page_id, page)
        self.resize(1000, 680)
        self._resume()

    @property
    def country(self) -> str:
        return self.clinic_page.country_code

    def _resume(self) -> None:
        """Fill every page with what was saved and move on to the first page not saved yet."""
        today = self.clock.now().astimezone(ZoneInfo(system_zone())).date()
        loaded: list[tuple[sw.SavedSetup, int]] = []
        if not self.ops.read(
            lambda s: (sw.read_saved(s, today=today), sw.clinic_id(s) or 0),
            parent=self,
            on_done=loaded.append,
            background=False,
        ):
            return
        saved, self.clinic_id = loaded[0]
        for page in self._section_pages():
            page.load(saved)
        self.restart()
        target = STEP_PAGES[sw.next_step(saved.progress)] if saved.clinic is not None else CLINIC
        if target == DONE:  # finished before: nothing to resume
            target = MESSAGING
        self.resuming = True
        try:
            while self.currentId() < target:
                self.next()
        finally:
            self.resuming = False

    def _section_pages(self) -> list[SetupPage]:
        return [
            self.clinic_page,
            self.locations_page,
            self.chairs_page,
            self.providers_page,
            self.types_page,
            self.staff_page,
            self.messaging_page,
        ]

    def save_page(self, page: SetupPage, *, on_refused: Callable[[OrcaError], None]) -> bool:
        """The page's section and the progress mark, in one transaction of their own; False (and
        ``on_refused`` told why) when refused."""
        now = self.clock.now()

        def save(session: Any) -> None:
            page.save(session, self.actor, now)
            # The staff page signs the new administrator in: the mark is theirs.
            if page.step != "messaging":  # the last page marks the setup done itself
                sw.mark_progress(session, self.actor, page.step, now=now)

        return self.ops.write(save, parent=self, title=self.tr("Not saved"), on_refused=on_refused)

    def signed_in(self, admin: Actor) -> None:
        """The administrator exists: from now on the setup is saved (and audited) as them."""
        self.admin = admin
        self.actor = admin

    def add_new_users(self, users: Sequence[cs.NewUser]) -> None:
        known = {u.username.casefold() for u in self.new_users}
        self.new_users.extend(u for u in users if u.username.casefold() not in known)

    def shown_usernames(self) -> list[str]:
        return [u.username for u in self.new_users]

    def setup_finished(self, defaults: SeededDefaults, reissued: Sequence[cs.NewUser]) -> None:
        self.setup_done = True
        self.add_new_users(reissued)
        name = self.clinic_page.name.text().strip()
        text = self.tr(
            "%1 is set up with %2 location(s), %3 provider(s) and %4 appointment type(s). It was given "
            "%5 standard reminder and missed-visit sequences and %6 message templates; change them in "
            "Reminders and Templates."
        )
        for n, value in enumerate(
            (
                name,
                len(self.locations_page.items),
                len(self.providers_page.items),
                self.types_page.table.rowCount(),
                defaults.reminder_sequences + defaults.recovery_sequences,
                defaults.message_templates,
            ),
            start=1,
        ):
            text = text.replace(f"%{n}", str(value))
        self.done_page.show_result(text, self.new_users)

    def keyPressEvent(self, event):  # type: ignore[no-untyped-def]
        """Enter moves on (Next, or Finish on the last page) from any field."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            if self.currentId() == DONE:
                self.accept()
            else:
                self.next()
            return
        super().keyPressEvent(event)
