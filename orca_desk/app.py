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
from orca_desk.screens import default_screens, warm_screens, warm_while_signing_in
from orca_desk.services.clock import SystemClock
from orca_desk.services.errors import OrcaError, ValidationError

# The database (SQLAlchemy), the password rules and the clinic's services load where used: a
# desk's sign-in dialog shows before them (see ``sign_in_facts``).
if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QApplication, QWidget

    from orca_desk.db import Database
    from orca_desk.services.access.security import Actor
    from orca_desk.services.availability import Opening
    from orca_desk.services.clinic.clinic import ClinicInfo
    from orca_desk.ui.context import AppContext
    from orca_desk.ui.feature_dialogs import Booked, CardClosed, FeatureDialogs, NewPatient, OpeningRequest
    from orca_desk.ui.login_dialog import LoginDialog
    from orca_desk.ui.main_window import MainWindow

__all__ = ["default_screens", "feature_dialogs", "run_gui", "support_viewer"]

# The sign-in dialog paints within a turn or two of its event loop; the database opens (when the
# dialog came first) and the first screen warms after.
SIGN_IN_WARM_DELAY_MS = 100


def support_viewer() -> Actor:
    """Who a scripted screenshot is signed in as. "(viewer)" is the role, so the status bar says
    it in the desk's language ("solo consulta")."""
    from orca_desk.services.access.security import Actor

    return Actor(username="support", role="viewer", display_name="Support (viewer)")


def prepare_database(url: str, *, demo: bool) -> Database:
    """Open and check the database (a local file upgrades itself); a ``StartupError`` says why not."""
    from orca_desk.startup import open_database

    db = open_database(url, require_current=True, upgrade_local=True)
    if demo:
        from orca_desk.services.demo import is_empty, load_demo

        with db.write() as session:
            if is_empty(session):
                load_demo(session, "small", now=SystemClock().now())
    return db


class DatabaseOpening:
    """The database being opened, with what the shell needs about its clinic: at once, or while
    the sign-in dialog waits for a person. A failure is kept and raised again on each ``open``."""

    def __init__(self, url: str, *, demo: bool) -> None:
        self.url = url
        self.demo = demo
        self.db: Database | None = None
        self.clinic: ClinicInfo | None = None
        self.unfinished = False  # an empty database or a setup not finished
        self.error: OrcaError | None = None

    def open(self) -> Database:
        if self.error is not None:
            raise self.error
        if self.db is None:
            try:
                db = prepare_database(self.url, demo=self.demo)
                self.reload_clinic(db)
            except OrcaError as exc:
                self.error = exc
                raise
            self.db = db
        return self.db

    def reload_clinic(self, db: Database) -> None:
        from orca_desk.services.clinic.clinic import load_clinic
        from orca_desk.services.clinic.setup_wizard import needs_setup

        with db.read() as session:
            self.clinic = load_clinic(session)
            self.unfinished = needs_setup(session)


def demo_manager(db: Database) -> Actor:
    from sqlalchemy import select

    from orca_desk.models.staff import StaffUser
    from orca_desk.services.access.security import actor_for

    with db.read() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.role == "manager").limit(1))
        if user is None:
            raise ValidationError("This database has no manager account to sign in with --demo.")
        return actor_for(user)


def run_gui(args: argparse.Namespace) -> int:
    settings = Settings.resolve(getattr(args, "database_url", None))
    shown_date = parse_date(args.date)
    # A desk's ready SQLite file: the sign-in dialog first, the database opened behind it.
    facts = None
    if not (args.demo or args.screenshot):
        from orca_desk.sign_in_facts import read_sign_in_facts

        facts = read_sign_in_facts(settings.database_url)
    if facts is None:
        _import_before_qt(paint_follows=bool(args.screenshot or args.demo))
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from orca_desk.ui import language
    from orca_desk.ui.theme import apply_theme

    QCoreApplication.setOrganizationName("OrcaDesk")
    QCoreApplication.setApplicationName("Orca Desk")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    language.install(app, getattr(args, "language", None))
    if not args.screenshot:  # a scripted screenshot has nobody to show a dialog
        from orca_desk.ui.crash_dialog import install_gui_crash_handling

        install_gui_crash_handling(app)
    opening = DatabaseOpening(settings.database_url, demo=args.demo)
    if facts is not None:
        actor = _who_works(args, opening, facts.clinic_name, open_while_waiting=True)
        if (
            opening.error is None
            and opening.db is not None
            and (opening.clinic is None or opening.unfinished)
        ):
            from orca_desk.startup import StartupError

            # Another desk emptied or reset this file between our look at it and its opening.
            opening.error = StartupError(
                "This clinic's setup changed while Orca Desk started: start it again."
            )
        if opening.error is not None:
            with collecting():
                show_startup_error(str(opening.error))
            raise opening.error
    else:
        actor = _open_then_sign_in(args, opening)
    if actor is None:
        return 0
    db, clinic = opening.open(), opening.clinic
    assert clinic is not None
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


def _import_before_qt(*, paint_follows: bool) -> None:
    """The database and the clinic's services, when start-up opens them before anything shows;
    with ``paint_follows`` (no dialog first), what the day's first load reads too.

    PySide6 reads the source of every module imported after it (its ``__feature__`` import
    hook, PYSIDE-2029): SQLAlchemy and the services cost about 45 ms more imported after Qt,
    the day's reads about 30 ms."""
    import orca_desk.services.clinic.clinic
    import orca_desk.services.clinic.setup_wizard
    import orca_desk.startup  # noqa: F401

    if paint_follows:
        from orca_desk.screens import import_day_reads

        import_day_reads()


def _open_then_sign_in(args: argparse.Namespace, opening: DatabaseOpening) -> Actor | None:
    """The usual start: the database opened and checked, the setup wizard when the clinic is not
    set up yet, then whoever works (None: nobody signed in)."""
    try:
        db = opening.open()
        if args.screenshot and (opening.clinic is None or opening.unfinished):
            from orca_desk.startup import StartupError

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
    if opening.unfinished and not args.demo:
        # First run (or a setup cancelled midway): the wizard, then the new administrator is in.
        with collecting():
            signed_in = run_setup_wizard(db)
        if signed_in is not None:
            opening.reload_clinic(db)
        return signed_in
    assert opening.clinic is not None
    return _who_works(args, opening, opening.clinic.name)


def _who_works(
    args: argparse.Namespace, opening: DatabaseOpening, clinic_name: str, *, open_while_waiting: bool = False
) -> Actor | None:
    """The demo's manager, a screenshot's read-only viewer, or whoever signs in (None: nobody did).

    ``open_while_waiting``: the database is not open yet; it opens while the dialog waits (and,
    should that fail, the dialog closes and ``opening.error`` says why)."""
    if args.demo:
        return demo_manager(opening.open())
    if args.screenshot:
        return support_viewer()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    from orca_desk.ui.login_dialog import LoginDialog

    login = LoginDialog(opening.open if open_while_waiting else opening.open(), clinic_name)
    # A person takes seconds to sign in; opening the database and the warm-up take under one.
    if open_while_waiting:
        QTimer.singleShot(SIGN_IN_WARM_DELAY_MS, lambda: _open_behind(login, opening))
    else:
        QTimer.singleShot(SIGN_IN_WARM_DELAY_MS, lambda: warm_while_signing_in(default_screens()))
    with collecting():
        accepted = login.exec() == QDialog.DialogCode.Accepted
    return login.actor if accepted and opening.error is None else None


def _open_behind(login: LoginDialog, opening: DatabaseOpening) -> None:
    """Open the database behind the sign-in dialog, then warm the first screen; a database that
    cannot be used closes the dialog (run_gui then says why)."""
    try:
        opening.open()
    except OrcaError:
        login.reject()
        return
    from orca_desk.diagnostics import install_file_logging

    install_file_logging()
    warm_while_signing_in(default_screens())


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

    from orca_desk.services.access.security import ADMIN
    from orca_desk.services.clinic.clinic import load_clinic
    from orca_desk.services.clinic.setup_wizard import setup_actor
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
