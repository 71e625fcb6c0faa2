"""Composition root of the GUI: settings, database, sign-in, main window (or a screenshot)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from orca_desk.config import Settings
from orca_desk.db import Database
from orca_desk.services.clinic import load_clinic
from orca_desk.services.clock import SystemClock
from orca_desk.services.demo import is_empty, load_demo
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.security import ADMIN, Actor, actor_for
from orca_desk.services.setup_wizard import needs_setup, setup_actor
from orca_desk.startup import StartupError, open_database

if TYPE_CHECKING:
    from orca_desk.ui.screen import ScreenSpec

SUPPORT_VIEWER = Actor(username="support", role="viewer", display_name="Support (view only)")


def prepare_database(url: str, *, demo: bool) -> Database:
    """Open and check the database (a local file upgrades itself); a ``StartupError`` says why not."""
    db = open_database(url, require_current=True, upgrade_local=True)
    if demo:
        with db.write() as session:
            if is_empty(session):
                load_demo(session, "small", now=SystemClock().now())
    return db


def demo_manager(db: Database) -> Actor:
    from sqlalchemy import select

    from orca_desk.models import StaffUser

    with db.read() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.role == "manager").limit(1))
        if user is None:
            raise ValidationError("This database has no manager account to sign in with --demo.")
        return actor_for(user)


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QDialog

    from orca_desk.ui.context import AppContext
    from orca_desk.ui.login_dialog import LoginDialog
    from orca_desk.ui.main_window import MainWindow
    from orca_desk.ui.theme import apply_theme
    from orca_desk.views.calendar.print_dialog import install_print_dialog

    settings = Settings.resolve(getattr(args, "database_url", None))
    if args.date:
        try:
            shown_date: date | None = date.fromisoformat(args.date)
        except ValueError:
            raise ValidationError(f"--date {args.date!r} is not a date in the form YYYY-MM-DD.") from None
    else:
        shown_date = None
    QCoreApplication.setOrganizationName("OrcaDesk")
    QCoreApplication.setApplicationName("Orca Desk")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    try:
        db = prepare_database(settings.database_url, demo=args.demo)
        with db.read() as session:
            clinic = load_clinic(session)
            unfinished = needs_setup(session)
        if args.screenshot and (clinic is None or unfinished):
            raise StartupError("This database has no clinic yet: start orca-desk without --screenshot to "
                               "set it up, or use 'orca-desk setup --from clinic.toml' (see the README).")
    except OrcaError as exc:
        if not args.screenshot:  # a scripted screenshot has nobody to read a dialog
            show_startup_error(str(exc))
        raise  # and the one line on stderr, exit 2 (cli.main)
    signed_in: Actor | None = None
    if unfinished and not args.demo:
        # First run (or a setup cancelled midway): the wizard, then the new administrator is in.
        signed_in = run_setup_wizard(db)
        if signed_in is None:
            return 0
        with db.read() as session:
            clinic = load_clinic(session)
    assert clinic is not None
    if signed_in is not None:
        actor = signed_in
    elif args.demo:
        actor = demo_manager(db)
    elif args.screenshot:
        actor = SUPPORT_VIEWER
    else:
        login = LoginDialog(db, clinic.name)
        if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
            return 0
        actor = login.actor
    ctx = AppContext(db=db, clock=SystemClock(), actor=actor, clinic=clinic)
    window = MainWindow(ctx, default_screens(), database_label=_describe(db))
    install_print_dialog(window)
    if args.screenshot:
        return window.save_screenshot(args.screenshot, view=args.view, day=shown_date,
                                      size=parse_size(getattr(args, "size", None)))
    if shown_date:
        window.go_to_date(shown_date)
    window.show()
    # Automation ticks here unless another desk (or `orca-desk worker`) leads it.
    from orca_desk.ui.automation import AutomationController

    automation = AutomationController(db, ctx.clock, parent=window)
    automation.sig_status.connect(window.status_automation.setText)
    app.aboutToQuit.connect(automation.stop)
    automation.start()
    return app.exec()


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
            QMessageBox.information(None, "Orca Desk", "The setup of this clinic is not finished: an "
                                    "administrator must sign in to finish it.")
            return None
        acting = login.actor
    wizard = SetupWizard(db, actor=acting)
    wizard.exec()  # Escape on the last page closes it too: the setup is done all the same
    return wizard.admin if wizard.setup_done else None


def parse_size(text: str | None) -> tuple[int, int]:
    """``--size WxH`` as pixels; the default is a roomy 1400×900."""
    if not text:
        return (1400, 900)
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit() or not (320 <= int(width) <= 8000
                                                                       and 240 <= int(height) <= 8000):
        raise ValidationError(f"--size {text!r} is not a window size such as 1280x720.")
    return (int(width), int(height))


def show_startup_error(message: str) -> None:
    """The calm dialog for a start that cannot go on: what is wrong, and that nothing changed."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, "Orca Desk cannot start", message,
                      QMessageBox.StandardButton.Close)
    box.setObjectName("startupError")
    box.setInformativeText("Nothing was changed. Correct this and start Orca Desk again.")
    box.exec()


def default_screens() -> list[ScreenSpec]:
    """Every screen of the app, in navigation order (views are wired here, not in ui/)."""
    from orca_desk.services.clinic_settings import SETTINGS_PERMISSION
    from orca_desk.services.security import MANAGE_CAMPAIGNS, MANAGE_CLINIC, MANAGE_TEMPLATES
    from orca_desk.ui.screen import ScreenSpec
    from orca_desk.views.admin.screen import AdministrationScreen  # issue 15
    from orca_desk.views.calendar.all_locations import AllLocationsScreen
    from orca_desk.views.calendar.day_view import DayViewScreen
    from orca_desk.views.calendar.week_view import WeekViewScreen
    from orca_desk.views.campaigns.screen import CampaignsScreen  # issue 10
    from orca_desk.views.messaging.inbox_view import InboxScreen
    from orca_desk.views.messaging.outbox_view import OutboxScreen
    from orca_desk.views.recovery.screen import RecoveryScreen  # issue 10
    from orca_desk.views.reminders.call_list import CallListScreen  # issue 9
    from orca_desk.views.reminders.screen import RemindersScreen  # issue 9
    from orca_desk.views.schedules.screen import SchedulesScreen
    from orca_desk.views.settings.settings_screen import SettingsScreen
    from orca_desk.views.templates.screen import TemplatesScreen  # issue 5
    from orca_desk.views.waitlist.screen import WaitlistScreen  # issue 8

    return [ScreenSpec("calendar", "Calendar", "calendar", DayViewScreen),
            ScreenSpec("week", "Week", "calendar", WeekViewScreen),
            ScreenSpec("locations", "All locations", "calendar", AllLocationsScreen),
            ScreenSpec("schedules", "Schedules", "clock", SchedulesScreen),
            ScreenSpec("templates", "Templates", "template", TemplatesScreen, needs=MANAGE_TEMPLATES),
            ScreenSpec("waitlist", "Waitlist", "list", WaitlistScreen),
            ScreenSpec("reminders", "Reminders", "clock", RemindersScreen, needs=MANAGE_CAMPAIGNS),
            ScreenSpec("calls", "Call list", "list", CallListScreen),
            ScreenSpec("recovery", "Recovery", "undo", RecoveryScreen),
            ScreenSpec("campaigns", "Campaigns", "chart", CampaignsScreen, needs=MANAGE_CAMPAIGNS),
            ScreenSpec("messages", "Messages", "message", InboxScreen),
            ScreenSpec("outbox", "Outbox", "list", OutboxScreen),
            ScreenSpec("settings", "Settings", "settings", SettingsScreen, needs=SETTINGS_PERMISSION),
            ScreenSpec("admin", "Administration", "user", AdministrationScreen, needs=MANAGE_CLINIC)]


def _describe(db: Database) -> str:
    if db.is_sqlite:
        return f"Local database: {db.url.database}"
    return f"Shared database: {db.url.host}/{db.url.database}"
