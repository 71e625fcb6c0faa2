"""Composition root of the GUI: settings, database, sign-in, main window (or a screenshot).

Start-up imports what the first screen needs; the other screens, printing and the automation
load when first used, and are warmed once the window has painted.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from orca_desk.config import Settings
from orca_desk.db import Database
from orca_desk.screens import default_screens, warm_screens, warm_while_signing_in
from orca_desk.services.access.security import ADMIN, Actor, actor_for
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.services.clinic.setup_wizard import needs_setup, setup_actor
from orca_desk.services.clock import SystemClock
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.startup import StartupError, open_database

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QApplication, QWidget

    from orca_desk.services.availability import Opening
    from orca_desk.ui.context import AppContext
    from orca_desk.ui.feature_dialogs import Booked, CardClosed, FeatureDialogs, NewPatient, OpeningRequest
    from orca_desk.ui.main_window import MainWindow

# The sign-in dialog paints within a turn or two of its event loop; the first screen warms after.
SIGN_IN_WARM_DELAY_MS = 100
# "(viewer)" is the role, so the status bar says it in the desk's language ("solo consulta").
SUPPORT_VIEWER = Actor(username="support", role="viewer", display_name="Support (viewer)")


def prepare_database(url: str, *, demo: bool) -> Database:
    """Open and check the database (a local file upgrades itself); a ``StartupError`` says why not."""
    db = open_database(url, require_current=True, upgrade_local=True)
    if demo:
        from orca_desk.services.demo import is_empty, load_demo

        with db.write() as session:
            if is_empty(session):
                load_demo(session, "small", now=SystemClock().now())
    return db


def demo_manager(db: Database) -> Actor:
    from sqlalchemy import select

    from orca_desk.models.staff import StaffUser

    with db.read() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.role == "manager").limit(1))
        if user is None:
            raise ValidationError("This database has no manager account to sign in with --demo.")
        return actor_for(user)


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from orca_desk.ui import language
    from orca_desk.ui.theme import apply_theme

    settings = Settings.resolve(getattr(args, "database_url", None))
    shown_date = parse_date(args.date)
    QCoreApplication.setOrganizationName("OrcaDesk")
    QCoreApplication.setApplicationName("Orca Desk")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    language.install(app, getattr(args, "language", None))
    if not args.screenshot:  # a scripted screenshot has nobody to show a dialog
        from orca_desk.ui.crash_dialog import install_gui_crash_handling

        install_gui_crash_handling(app)
    try:
        db = prepare_database(settings.database_url, demo=args.demo)
        with db.read() as session:
            clinic = load_clinic(session)
            unfinished = needs_setup(session)
        if args.screenshot and (clinic is None or unfinished):
            raise StartupError(
                "This database has no clinic yet: start orca-desk without --screenshot to "
                "set it up, or use 'orca-desk setup --from clinic.toml' (see the README)."
            )
    except OrcaError as exc:
        if not args.screenshot:  # a scripted screenshot has nobody to read a dialog
            with collecting():
                show_startup_error(str(exc))
        raise  # and the one line on stderr, exit 2 (cli.main)
    if not args.screenshot:  # after the database: its error, if any, is the one line that matters
        from orca_desk.diagnostics import install_file_logging

        install_file_logging()
    signed_in: Actor | None = None
    if unfinished and not args.demo:
        # First run (or a setup cancelled midway): the wizard, then the new administrator is in.
        with collecting():
            signed_in = run_setup_wizard(db)
        if signed_in is None:
            return 0
        with db.read() as session:
            clinic = load_clinic(session)
    assert clinic is not None
    actor = signed_in or _who_works(args, db, clinic.name)
    if actor is None:
        return 0
    # After sign-in: the window's modules load while the dialog waits for a person.
    from orca_desk.ui.context import AppContext
    from orca_desk.ui.main_window import MainWindow

    ctx = AppContext(db=db, clock=SystemClock(), actor=actor, clinic=clinic, dialogs=feature_dialogs())
    window = MainWindow(ctx, default_screens(), database_label=_describe(db))
    install_lazy_print_dialog(window)
    if args.screenshot:
        try:
            return window.save_screenshot(
                args.screenshot, view=args.view, day=shown_date, size=parse_size(getattr(args, "size", None))
            )
        finally:
            # Nothing stays on screen (or open, when run in-process); hidden, not closed, so the
            # shot's size is not saved as the desk's window geometry.
            window.hide()
            window.change_watcher.stop()
            window.deleteLater()
    if shown_date:
        window.go_to_date(shown_date)
    window.show()
    from PySide6.QtCore import QTimer

    # Paint first: the automation starts, and the other screens load, once the window is up.
    QTimer.singleShot(0, lambda: _after_first_paint(app, window, db, ctx))
    return app.exec()


def _who_works(args: argparse.Namespace, db: Database, clinic_name: str) -> Actor | None:
    """The demo's manager, a screenshot's read-only viewer, or whoever signs in (None: nobody did)."""
    if args.demo:
        return demo_manager(db)
    if args.screenshot:
        return SUPPORT_VIEWER
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    from orca_desk.ui.login_dialog import LoginDialog

    login = LoginDialog(db, clinic_name)
    # A person takes seconds to sign in; the warm-up takes well under one.
    QTimer.singleShot(SIGN_IN_WARM_DELAY_MS, lambda: warm_while_signing_in(default_screens()))
    with collecting():
        accepted = login.exec() == QDialog.DialogCode.Accepted
    return login.actor if accepted else None


def _after_first_paint(app: QApplication, window: MainWindow, db: Database, ctx: AppContext) -> None:
    # What start-up built lives as long as the window: frozen, later collections skip it.
    gc.freeze()
    gc.enable()
    # Automation ticks here unless another desk (or `orca-desk worker`) leads it.
    from orca_desk.ui.automation import AutomationController

    automation = AutomationController(db, ctx.clock, parent=window)
    automation.sig_status.connect(window.status_automation.setText)
    app.aboutToQuit.connect(automation.stop)
    automation.start()
    warm_screens(window.specs)


@contextmanager
def collecting() -> Iterator[None]:
    """Collection on while a dialog waits for a person (start-up runs with it off): what start-up
    built so far is frozen, so the sweeps meanwhile skip it."""
    was_on = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        if not was_on:
            gc.disable()


def install_lazy_print_dialog(window: MainWindow) -> None:
    """Ctrl+P opens the print dialog; it (and the PDF library) loads on first use."""

    def first_print(day: date, location_id: int) -> object:
        from orca_desk.views.calendar.print_dialog import install_print_dialog

        install_print_dialog(window)
        assert window.print_handler is not None
        return window.print_handler(day, location_id)

    window.print_handler = first_print


def run_setup_wizard(db: Database) -> Actor | None:
    """The setup wizard on an empty database or an unfinished setup; the administrator it made
    (signed in), or None when it was cancelled (what was saved stays, and resumes next time).

    Once the administrator exists, resuming asks them to sign in first."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    from orca_desk.ui.login_dialog import LoginDialog
    from orca_desk.views.setup.wizard import SetupWizard

    with db.read() as session:
        acting = setup_actor(session)
        clinic = load_clinic(session)
    if acting is None:
        login = LoginDialog(db, clinic.name if clinic else "")
        login.setWindowTitle("Sign in to finish the setup — Orca Desk")
        if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
            return None
        if not login.actor.can(ADMIN):
            QMessageBox.information(
                None,
                "Orca Desk",
                "The setup of this clinic is not finished: an administrator must sign in to finish it.",
            )
            return None
        acting = login.actor
    wizard = SetupWizard(db, actor=acting)
    wizard.exec()  # Escape on the last page closes it too: the setup is done all the same
    return wizard.admin if wizard.setup_done else None


def parse_date(text: str | None) -> date | None:
    """``--date YYYY-MM-DD`` (None: today)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"--date {text!r} is not a date in the form YYYY-MM-DD.") from None


def parse_size(text: str | None) -> tuple[int, int]:
    """``--size WxH`` as pixels; the default is a roomy 1400×900."""
    if not text:
        return (1400, 900)
    width, sep, height = text.lower().partition("x")
    if (
        not sep
        or not width.isdigit()
        or not height.isdigit()
        or not (320 <= int(width) <= 8000 and 240 <= int(height) <= 8000)
    ):
        raise ValidationError(f"--size {text!r} is not a window size such as 1280x720.")
    return (int(width), int(height))


def show_startup_error(message: str) -> None:
    """The calm dialog for a start that cannot go on: what is wrong, and that nothing changed."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Warning, "Orca Desk cannot start", message, QMessageBox.StandardButton.Close
    )
    box.setObjectName("startupError")
    box.setInformativeText("Nothing was changed. Correct this and start Orca Desk again.")
    box.exec()


def feature_dialogs() -> FeatureDialogs:
    """The dialogs one feature opens for another (the calendar's patient card, Settings' import
    wizard, …): wired here, so no feature package imports another; each loads on first use."""
    from orca_desk.ui.feature_dialogs import FeatureDialogs

    def patient_card(ctx: AppContext, parent: QWidget, patient_id: int) -> CardClosed:
        from orca_desk.views.patients.patient_card import open_patient_card

        return open_patient_card(ctx, parent, patient_id)

    def new_patient(ctx: AppContext, parent: QWidget, name_hint: str) -> NewPatient | None:
        from orca_desk.views.patients.patient_dialog import ask_new_patient

        return ask_new_patient(ctx, parent, name_hint)

    def book_opening(ctx: AppContext, parent: QWidget, request: OpeningRequest) -> Booked | None:
        from orca_desk.views.schedules.find_opening import book_next_opening

        return book_next_opening(ctx, parent, request)

    def pick_opening(ctx: AppContext, parent: QWidget, request: OpeningRequest) -> Opening | None:
        from orca_desk.views.schedules.find_opening import pick_next_opening

        return pick_next_opening(ctx, parent, request)

    def import_wizard(ctx: AppContext, parent: QWidget, kind: str, on_status: Callable[[str], None]) -> None:
        from orca_desk.views.importing.wizard import run_import_wizard

        run_import_wizard(ctx, parent, kind, on_status)

    return FeatureDialogs(
        patient_card=patient_card,
        new_patient=new_patient,
        book_opening=book_opening,
        pick_opening=pick_opening,
        import_wizard=import_wizard,
    )


def _describe(db: Database) -> str:
    from PySide6.QtCore import QCoreApplication

    if db.is_sqlite:
        return QCoreApplication.translate("MainWindow", "Local database: {0}").format(db.url.database)
    return QCoreApplication.translate("MainWindow", "Shared database: {0}").format(
        f"{db.url.host}/{db.url.database}"
    )
