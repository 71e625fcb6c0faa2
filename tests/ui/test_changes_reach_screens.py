"""Every change reaches the screens that show it, exactly once: this desk's operations at once,
other desks' commits within a second; hidden screens catch up when shown."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from orca_desk.app import feature_dialogs
from orca_desk.db import Database
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.ui.context import AppContext
from orca_desk.ui.screen import Screen, ScreenSpec


class Counting(Screen):
    def __init__(self, watches: frozenset[str] | None) -> None:
        super().__init__()
        self.watches = watches
        self.reloads = 0

    def refresh(self) -> None:
        self.reloads += 1


SPECS = [
    ScreenSpec("patients", "Patients", "calendar", lambda _ctx: Counting(frozenset({"patient"}))),
    ScreenSpec("anything", "Anything", "calendar", lambda _ctx: Counting(None)),
    ScreenSpec("outbox", "Outbox", "calendar", lambda _ctx: Counting(frozenset({"outbox_message"}))),
]


def _window(qtbot, ctx: AppContext):
    from orca_desk.ui.main_window import MainWindow

    window = MainWindow(ctx, SPECS, database_label="test")
    qtbot.addWidget(window)
    window.show()
    screens = {key: window.show_screen(key) for key in ("outbox", "anything", "patients")}
    for screen in screens.values():
        screen.reloads = 0  # type: ignore[attr-defined]
    return window, screens


def _settle(qtbot, ms: int = 1300) -> None:
    qtbot.wait(ms)  # more than one tick of the change watcher


def test_own_operation_reloads_each_screen_once(qtbot, ctx):
    window, screens = _window(qtbot, ctx)
    assert window.current_screen() is screens["patients"]
    assert ctx.ops.write(lambda s: s.execute(text("UPDATE patient SET notes = 'seen'")), parent=window)
    assert screens["patients"].reloads == 1  # at once, not on the next poll
    _settle(qtbot)
    assert screens["patients"].reloads == 1  # the watcher did not report our own commit again
    assert screens["anything"].reloads == 0 and screens["outbox"].reloads == 0  # hidden: later
    window.show_screen("anything")
    assert screens["anything"].reloads == 1
    window.show_screen("outbox")
    assert screens["outbox"].reloads == 0  # it does not show patients
    window.show_screen("patients")
    assert screens["patients"].reloads == 1  # nothing new since


def test_a_refused_operation_changes_nothing_and_reloads_nothing(qtbot, ctx):
    from orca_desk.services.errors import ValidationError

    window, screens = _window(qtbot, ctx)
    shown: list[str] = []

    def refuse(s):
        s.execute(text("UPDATE patient SET notes = 'never'"))
        raise ValidationError("Date of birth is in the future.")

    assert not ctx.ops.write(refuse, parent=window, on_error=shown.append)
    assert shown == ["Date of birth is in the future."]
    assert screens["patients"].reloads == 0
    with ctx.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM patient WHERE notes = 'never'")).scalar() == 0


def _other_desk_edits_patients(url: str) -> None:
    other = Database(url)
    try:
        with other.write() as s:
            s.execute(text("UPDATE patient SET notes = 'from desk 2'"))
    finally:
        other.dispose()


def test_another_desk_on_sqlite_reloads_the_screen_in_front_once(qtbot, ctx, db):
    window, screens = _window(qtbot, ctx)
    _other_desk_edits_patients(db.url.render_as_string(hide_password=False))
    qtbot.waitUntil(lambda: screens["patients"].reloads == 1, timeout=2000)
    _settle(qtbot)
    assert screens["patients"].reloads == 1
    window.show_screen("anything")
    assert screens["anything"].reloads == 1


@pytest.fixture
def pg_ctx(pg_db, clock, manager, qapp):
    from tests.factories import make_world

    with pg_db.write() as s:
        make_world(s)
    with pg_db.read() as s:
        clinic = load_clinic(s)
    return AppContext(db=pg_db, clock=clock, actor=manager, clinic=clinic, dialogs=feature_dialogs())


def test_another_desk_on_postgres_reloads_only_screens_showing_that_table(qtbot, pg_ctx, pg_db):
    window, screens = _window(qtbot, pg_ctx)
    assert pg_ctx.ops.write(lambda s: s.execute(text("UPDATE patient SET notes = 'mine'")), parent=window)
    assert screens["patients"].reloads == 1
    _other_desk_edits_patients(pg_db.url.render_as_string(hide_password=False))
    qtbot.waitUntil(lambda: screens["patients"].reloads == 2, timeout=2000)
    _settle(qtbot)
    assert screens["patients"].reloads == 2  # ours once, theirs once
    window.show_screen("outbox")
    assert screens["outbox"].reloads == 0  # PostgreSQL says which table: not the outbox's
    window.show_screen("anything")
    assert screens["anything"].reloads == 1  # both changes, one reload


def test_one_move_reloads_the_book_once_and_the_hidden_week_once_when_shown(
    qtbot, main_window, ctx, world, monkeypatch
):
    from orca_desk.views.calendar import calendar_screen
    from tests.factories import desk_book
    from tests.ui.test_calendar_views import at, show

    appt = desk_book(ctx, world, start=at(10))
    week = show(main_window, "week", qtbot)
    day = show(main_window, "calendar", qtbot)
    assert day.wait_until_loaded() and day.grid.item(appt) is not None
    loads = {"calendar": 0, "week": 0}
    load = calendar_screen.load_calendar

    def counted(db, zones, days, now=None):
        loads["calendar" if len(days) == 1 else "week"] += 1
        return load(db, zones, days, now)

    monkeypatch.setattr(calendar_screen, "load_calendar", counted)
    a = day.appointments[appt]
    target = day._target(a, day.key_for(world.chairs[2].id), 14 * 60, 14 * 60 + 20)[0]
    assert day.move_appointment(a, target, "Move")
    assert day.wait_until_loaded()
    qtbot.wait(1300)  # a tick of the change watcher: it must not reload again
    assert loads == {"calendar": 1, "week": 0}
    main_window.show_screen("week")
    assert week.wait_until_loaded()
    assert loads == {"calendar": 1, "week": 1}
    assert week.appointments[appt].chair_id == world.chairs[2].id


def test_a_screen_shown_on_its_own_hears_its_own_operations(qtbot, ctx):
    from PySide6.QtWidgets import QDialog

    screen = Counting(frozenset({"patient"}))
    qtbot.addWidget(screen)
    dialog = QDialog(screen)  # an operation run from a dialog the screen opened
    assert ctx.ops.write(lambda s: s.execute(text("UPDATE patient SET notes = 'x'")), parent=dialog)
    assert screen.reloads == 1


def test_the_messaging_reminders_recovery_and_campaign_screens_watch_real_tables():
    from orca_desk.models import load_all
    from orca_desk.views.campaigns.screen import CampaignsScreen
    from orca_desk.views.messaging.inbox_view import InboxScreen
    from orca_desk.views.messaging.outbox_view import OutboxScreen
    from orca_desk.views.recovery.screen import RecoveryScreen
    from orca_desk.views.reminders.call_list import CallListScreen
    from orca_desk.views.reminders.screen import RemindersScreen

    tables = set(load_all().metadata.tables)
    for screen in (
        CampaignsScreen,
        InboxScreen,
        OutboxScreen,
        RecoveryScreen,
        CallListScreen,
        RemindersScreen,
    ):
        assert screen.watches is not None and screen.watches <= tables, (screen.__name__, screen.watches)
