"""Start-up loads the first screen only: the others, printing and the demo load when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from orca_desk.app import install_lazy_print_dialog
from orca_desk.screens import LazyScreen, default_screens, warm_screens
from orca_desk.ui.screen import Screen

NOT_AT_START = (
    "alembic",
    "reportlab",
    "icalendar",
    "orca_desk.services.demo",
    "orca_desk.services.printing",
    "orca_desk.services.exporting.ical_export",
    "orca_desk.services.clinic.clinic_settings",
    "orca_desk.services.clinic_setup",
    "orca_desk.views.admin",
    "orca_desk.views.campaigns",
    "orca_desk.views.settings",
    "orca_desk.views.calendar.print_dialog",
    "orca_desk.automation",
    # Tables the day does not read: their models are declared when first used.
    "orca_desk.models.campaigns",
    "orca_desk.models.messaging",
    "orca_desk.models.recovery",
    "orca_desk.models.reminders",
    # The day reads open template slots; the template writer and phone parsing load when used.
    "orca_desk.services.template_engine.applying",
    "phonenumbers",
    # The book shows statuses from their vocabulary; the booking rules load for a first action.
    "orca_desk.services.booking.booking",
    "orca_desk.services.booking.booking_checks",
)


def test_every_screen_is_named_by_a_screen_class():
    for spec in default_screens():
        assert isinstance(spec.factory, LazyScreen)
        assert issubclass(spec.factory.load(), Screen), spec.key


def test_the_settings_screen_needs_the_settings_permission():
    from orca_desk.services.clinic.clinic_settings import SETTINGS_PERMISSION

    settings = next(spec for spec in default_screens() if spec.key == "settings")
    assert settings.needs == SETTINGS_PERMISSION


def test_a_lazy_screen_answers_for_its_class():
    from orca_desk.views.schedules.screen import SchedulesScreen

    lazy = next(spec.factory for spec in default_screens() if spec.key == "schedules")
    assert isinstance(lazy, LazyScreen)
    assert lazy.load() is SchedulesScreen
    assert hasattr(lazy, "find_opening") == hasattr(SchedulesScreen, "find_opening")


def test_screenshot_of_the_day_loads_no_other_screen_printing_or_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    from orca_desk.cli import main

    assert main(["--database-url", url, "demo"]) == 0  # a clinic, at the newest schema
    probe = (
        "import sys, json\nfrom orca_desk.cli import main\n"
        f"rc = main(['--database-url', {url!r}, '--screenshot', {str(tmp_path / 'x.png')!r}, "
        "'--date', '2026-11-23'])\n"
        f"print(json.dumps([rc, sorted(m for m in sys.modules if m.startswith({NOT_AT_START!r}))]))"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    rc, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert (rc, loaded) == (0, [])
    assert (tmp_path / "x.png").stat().st_size > 10_000
    # SQLAlchemy and the day's reads before Qt: PySide6 reads the source of every module imported
    # after it.
    order = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line]
    assert order.index("sqlalchemy.orm") < order.index("PySide6.QtCore")
    assert order.index("orca_desk.services.availability") < order.index("PySide6.QtCore")


SIGN_IN_PROBE = """
import json, sys
from PySide6.QtCore import QEventLoop, QTimer
from orca_desk import app
from orca_desk.cli import main
from orca_desk.ui.login_dialog import LoginDialog

url, mode = sys.argv[1:3]
seen = {}

def exec_(dialog):
    seen["sqlalchemy at the dialog"] = "sqlalchemy" in sys.modules
    seen["window at the dialog"] = "orca_desk.ui.main_window" in sys.modules
    if mode == "at once":  # Enter before the database opened behind the dialog
        dialog.username.setText("maria")
        dialog.password.setText("orca-demo")
        dialog._ok()
        return dialog.result()
    typing = QEventLoop()
    dialog.finished.connect(typing.quit)
    QTimer.singleShot(3000, typing.quit)  # a person typing; the database opens and the day warms
    typing.exec()
    seen["warm after typing"] = sorted(m for m in WARMED if m in sys.modules)
    seen["dialog closed"] = not dialog.isVisible() and dialog.result() == 0 and mode == "broken"
    return 0  # Cancel: nobody signs in

def painted(qt_app, window, _db, _ctx):
    seen["signed in"] = window.ctx.actor.username
    window.hide()
    qt_app.quit()

def broken(url, *, demo):
    from orca_desk.startup import StartupError  # here: it loads SQLAlchemy
    raise StartupError("The database is broken in this test.")

WARMED = ("orca_desk.ui.main_window", "orca_desk.views.calendar.day_view", "orca_desk.services.availability",
          "orca_desk.services.waitlist.queries", "orca_desk.services.booking.booking")
LoginDialog.exec = exec_
app._after_first_paint = painted
app.show_startup_error = lambda message: seen.setdefault("error shown", message)
if mode == "broken":
    app.prepare_database = broken
rc = main(["--database-url", url])
print(json.dumps([rc, seen]))
"""


def _sign_in_probe(tmp_path, mode: str, url: str | None = None) -> tuple[int, dict[str, object]]:
    url = url or f"sqlite:///{tmp_path / 'a.sqlite3'}"
    from orca_desk.cli import main

    assert main(["--database-url", url, "demo"]) == 0
    env = {**os.environ, "HOME": str(tmp_path)}  # no log or saved window state of the developer's
    result = subprocess.run(
        [sys.executable, "-c", SIGN_IN_PROBE, url, mode], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode in (0, 2), result.stderr
    rc, seen = json.loads(result.stdout.strip().splitlines()[-1])
    return rc, seen


def test_the_sign_in_dialog_shows_first_and_the_database_and_the_day_load_behind_it(tmp_path):
    rc, seen = _sign_in_probe(tmp_path, "typing")
    assert rc == 0  # cancelled sign-in: the app ends without a window
    assert seen == {
        "sqlalchemy at the dialog": False,
        "window at the dialog": False,
        "warm after typing": [
            "orca_desk.services.availability",
            "orca_desk.services.booking.booking",
            "orca_desk.services.waitlist.queries",
            "orca_desk.ui.main_window",
            "orca_desk.views.calendar.day_view",
        ],
        "dialog closed": False,
    }


def test_signing_in_before_the_database_opened_behind_the_dialog_opens_it_then(tmp_path):
    rc, seen = _sign_in_probe(tmp_path, "at once")
    assert (rc, seen) == (
        0,
        {"sqlalchemy at the dialog": False, "window at the dialog": False, "signed in": "maria"},
    )


def test_a_shared_databases_sign_in_shows_before_sqlalchemy_too(tmp_path, pg_db):
    url = pg_db.url.render_as_string(hide_password=False)
    rc, seen = _sign_in_probe(tmp_path, "at once", url)
    assert (rc, seen) == (
        0,
        {"sqlalchemy at the dialog": False, "window at the dialog": False, "signed in": "maria"},
    )


def test_a_database_that_fails_to_open_behind_the_dialog_closes_it_and_says_why(tmp_path):
    rc, seen = _sign_in_probe(tmp_path, "broken")
    assert rc == 2  # cli: the one line on stderr
    assert seen["dialog closed"] is True
    assert seen["error shown"] == "The database is broken in this test."
    assert "signed in" not in seen


def test_print_dialog_loads_on_first_use(main_window, monkeypatch):
    opened = []
    from orca_desk.views.calendar import print_dialog

    class FakeDialog:
        def __init__(self, ctx, *, day, location_id, view=None, parent):
            self.asked = (day, location_id)

        def exec(self):
            opened.append(self.asked)

    monkeypatch.setattr(print_dialog, "PrintDialog", FakeDialog)
    install_lazy_print_dialog(main_window)
    main_window.open_print_dialog()
    assert opened == [(main_window.day, main_window.location_id)]


def test_warming_runs_through_every_screen_class(main_window, qtbot):
    specs = default_screens()
    loaded: list[str] = []
    for spec in specs:
        assert isinstance(spec.factory, LazyScreen)
        real = spec.factory.load
        spec.factory.load = lambda real=real, key=spec.key: loaded.append(key) or real()
    warm_screens(specs)
    qtbot.waitUntil(lambda: loaded == [spec.key for spec in specs], timeout=20_000)


def test_warming_imports_the_screens_parts_and_says_when_it_is_done(main_window, qtbot):
    done: list[bool] = []
    warm_screens(default_screens(), on_done=lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    parts = (
        "orca_desk.services.clinic.clinic_settings",
        "orca_desk.services.recovery.queries",
        "PySide6.QtCharts",
        "orca_desk.views.campaigns.wizard",
        "orca_desk.views.settings.templates_editor",
        "phonenumbers",
        "orca_desk.services.exporting.export",
        "orca_desk.services.booking.booking",
    )
    assert [m for m in parts if m not in sys.modules] == []


def test_an_in_process_gui_run_gives_collection_back(tmp_path):
    import gc

    from orca_desk.cli import main

    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert main(["--database-url", url, "demo"]) == 0
    assert main(["--database-url", url, "--screenshot", str(tmp_path / "x.png")]) == 0
    assert gc.isenabled()


def test_collection_runs_while_a_dialog_waits_for_a_person():
    import gc

    from orca_desk.app import collecting

    gc.disable()
    try:
        with collecting():
            assert gc.isenabled()
        assert not gc.isenabled()  # start-up goes on as it was
    finally:
        gc.enable()
