"""Administration screen: edits reach the calendar, archive refusals list the appointments,
one-time passwords are shown once, a receptionist sees it read-only."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QTabWidget
from sqlalchemy import select

from orca_desk.models.clinic import Chair
from orca_desk.models.staff import StaffUser
from orca_desk.services.access.security import (
    ROLE_PERMISSIONS,
    Actor,
    authenticate,
    hash_password,
    must_change_password,
)
from orca_desk.views.admin.screen import AdministrationScreen
from orca_desk.views.calendar.booking_dialog import BookingDialog
from tests.factories import book
from tests.ui.conftest import TEST_DAY

ADMIN = Actor(username="ada", role="admin", display_name="Ada", permissions=ROLE_PERMISSIONS["admin"])


def _screen(qtbot, ctx) -> AdministrationScreen:
    screen = AdministrationScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1280, 680)
    screen.show()
    return screen


def _select(tab, name: str) -> None:
    tabs = tab.parentWidget()
    while not isinstance(tabs, QTabWidget):
        tabs = tabs.parentWidget()
    tabs.setCurrentWidget(tab)
    row = next(i for i, r in enumerate(tab.model.rows) if getattr(r, "name", None) == name)
    tab.view.selectRow(row)
    assert tab.current is tab.model.rows[row]


def test_a_renamed_chair_reaches_the_calendar(qtbot, main_window):
    screen = main_window.show_screen("admin")
    assert isinstance(screen, AdministrationScreen)
    tab = screen.chairs
    screen.tabs.setCurrentWidget(tab)
    _select(tab, "Chair 2")
    tab.name.setText("Ortho bay 2")
    tab.save_button.click()
    assert not tab.general_error.isVisible() and tab.current.name == "Ortho bay 2"
    clinic = main_window.ctx.clinic
    assert [c.name for c in clinic.chairs] == ["Chair 1", "Ortho bay 2", "Chair 3"]
    calendar = main_window.show_screen("calendar")
    shown = [c.name for c in calendar._chairs(main_window.location_id)]
    assert shown == ["Chair 1", "Ortho bay 2", "Chair 3"]


def test_archiving_a_provider_with_future_appointments_is_refused_with_the_list(
    qtbot, ctx, db, world, receptionist
):
    start = ctx.clock.now() + timedelta(days=1)
    book(db, receptionist, world, start=start, now=ctx.clock.now(), patient=1)
    screen = _screen(qtbot, ctx)
    tab = screen.providers
    _select(tab, "Dr. Chen")
    tab.archive_button.click()
    assert tab.general_error.isVisible()
    assert "1 future appointment" in tab.general_error.text()
    assert tab.conflicts.isVisible()
    assert [tab.conflicts.item(i).text() for i in range(tab.conflicts.count())] == [
        "Kid1 Smith, Wed, Mar 4, 2026, 9:00 AM at Northside"
    ]
    assert any(p.name == "Dr. Chen" for p in ctx.clinic.providers)


def test_an_archived_provider_is_gone_from_the_booking_choices(qtbot, main_window):
    calendar = main_window.show_screen("calendar")
    assert [name for _id, name in calendar.bar.options("providers")] == ["Dr. Chen", "Priya Shah"]
    screen = main_window.show_screen("admin")
    tab = screen.providers
    screen.tabs.setCurrentWidget(tab)
    _select(tab, "Priya Shah")
    tab.archive_button.click()
    assert not tab.general_error.isVisible()
    assert [r.name for r in tab.model.rows] == ["Dr. Chen"]  # archived rows hidden until asked
    tab.show_archived.setChecked(True)
    assert [r.name for r in tab.model.rows] == ["Dr. Chen", "Priya Shah"]
    ctx = main_window.ctx
    dialog = BookingDialog(
        ctx,
        chair_id=ctx.clinic.chairs[0].id,
        chair_name="Chair 1",
        start=ctx.clock.now() + timedelta(hours=2),
    )
    qtbot.addWidget(dialog)
    names = [dialog.provider_combo.itemText(i) for i in range(dialog.provider_combo.count())]
    assert names == ["Dr. Chen"]
    assert [name for _id, name in calendar.bar.options("providers")] == ["Dr. Chen"]  # its filter menu


def test_a_new_location_starts_in_the_clinics_time_zone(qtbot, ctx, monkeypatch):
    london = tuple(replace(loc, timezone="Europe/London") for loc in ctx.clinic.locations)
    monkeypatch.setattr(ctx, "clinic", replace(ctx.clinic, locations=london, country="GB"))
    screen = _screen(qtbot, ctx)
    tab = screen.locations
    screen.tabs.setCurrentWidget(tab)
    tab.new_button.click()
    assert tab.timezone.currentText() == "Europe/London"  # not another continent's by default
    assert tab.phone.placeholderText() == "+441212345678"  # a number of its country


def test_errors_are_shown_under_the_field_they_name(qtbot, ctx):
    screen = _screen(qtbot, ctx)
    tab = screen.types
    screen.tabs.setCurrentWidget(tab)
    tab.new_button.click()
    tab.name.setText("")
    tab.colour.setText("blue")
    screen.refresh()  # a reload while typing a new record keeps what was typed
    assert tab.current is None and tab.colour.text() == "blue"
    tab.save_button.click()
    assert tab.field_errors["name"].isVisible() and "type name is required" in tab.field_errors["name"].text()
    assert tab.field_errors["colour"].isVisible() and "#RRGGBB" in tab.field_errors["colour"].text()
    assert not tab.field_errors["minutes"].isVisible()
    assert [r.name for r in tab.model.rows] == ["Adjustment", "Bonding"]


def test_an_administrator_resets_a_password_shown_once_and_changed_at_next_sign_in(qtbot, ctx, db, world):
    with db.write() as s:
        s.add(
            StaffUser(
                clinic_id=world.clinic.id,
                username="jo",
                display_name="Jo Park",
                role="receptionist",
                password_hash=hash_password("jo-own-password"),
            )
        )
    screen = _screen(qtbot, replace(ctx, actor=ADMIN))
    tab = screen.staff
    _select(tab, "Jo Park")
    tab.reset_button.click()
    assert tab.password_box.isVisible() and "Jo Park" in tab.password_note.text()
    password = tab.password_field.text()
    assert len(password) >= 12
    screen.refresh()  # another desk's change reloads the screen: the password stays on view
    assert tab.password_box.isVisible() and tab.password_field.text() == password
    with db.read() as s:
        jo = authenticate(s, "jo", password)
        assert must_change_password(s, jo)
    assert [r.must_change_password for r in tab.model.rows if r.username == "jo"] == [True]
    tab.start_new()  # the password is not shown again
    assert not tab.password_box.isVisible() and tab.password_field.text() == ""


def test_an_administrator_adds_a_user_and_sees_the_one_time_password(qtbot, ctx, db):
    screen = _screen(qtbot, replace(ctx, actor=ADMIN))
    tab = screen.staff
    screen.tabs.setCurrentWidget(tab)
    tab.new_button.click()
    tab.username.setText("sam")
    tab.name.setText("Sam Lee")
    tab.role.setCurrentIndex(tab.role.findData("treatment_coordinator"))
    tab.save_button.click()
    assert tab.password_box.isVisible()
    with db.read() as s:
        user = s.scalars(select(StaffUser).where(StaffUser.username == "sam")).one()
        assert (user.role, user.must_change_password) == ("treatment_coordinator", True)
        authenticate(s, "sam", tab.password_field.text())


@pytest.mark.parametrize("who", ["receptionist", "manager"])
def test_who_may_edit(qtbot, ctx, who, request):
    actor = request.getfixturevalue(who)
    screen = _screen(qtbot, replace(ctx, actor=actor))
    screen.tabs.setCurrentWidget(screen.staff)
    assert not screen.staff.new_button.isVisible()
    assert screen.staff.empty.isVisible() and "Only an administrator" in screen.staff.empty.text()
    if who == "receptionist":
        assert screen.note.isVisible() and screen.note.text().startswith("Read-only")
        screen.tabs.setCurrentWidget(screen.chairs)
        assert not screen.chairs.save_button.isVisible() and not screen.chairs.name.isEnabled()
        screen.tabs.setCurrentWidget(screen.providers)
        assert not screen.providers.archive_button.isVisible()
    else:
        assert not screen.note.isVisible()
        screen.tabs.setCurrentWidget(screen.chairs)
        assert screen.chairs.save_button.isVisible() and screen.chairs.name.isEnabled()


def test_the_screen_is_registered(main_window):
    assert main_window.show_screen("admin").isVisible()
    assert main_window.day == TEST_DAY


def test_a_save_reloads_the_rows_once_through_its_changes(qtbot, main_window, monkeypatch):
    """The write's changes reload the screen; the screen does not reload a second time itself."""
    from orca_desk.services import administration as adm

    screen = main_window.show_screen("admin")
    assert isinstance(screen, AdministrationScreen)
    loads: list[int] = []
    real = adm.load_admin
    monkeypatch.setattr(adm, "load_admin", lambda s, actor: loads.append(1) or real(s, actor))
    tab = screen.chairs
    screen.tabs.setCurrentWidget(tab)
    _select(tab, "Chair 3")
    tab.name.setText("Ortho bay 3")
    tab.save_button.click()
    assert loads == [1]
    assert "Ortho bay 3" in [c.name for c in screen.data.chairs]
    assert tab.current.name == "Ortho bay 3" and tab.name.text() == "Ortho bay 3"


def test_a_refused_save_changes_nothing_and_names_the_field(qtbot, ctx, monkeypatch):
    screen = _screen(qtbot, ctx)
    loads: list[int] = []
    from orca_desk.services import administration as adm

    real = adm.load_admin
    monkeypatch.setattr(adm, "load_admin", lambda s, actor: loads.append(1) or real(s, actor))
    tab = screen.chairs
    screen.tabs.setCurrentWidget(tab)
    _select(tab, "Chair 1")
    tab.name.setText("")
    tab.save_button.click()
    assert loads == []
    assert tab.field_errors["name"].isVisible() and tab.field_errors["name"].text()
    assert "Chair 1" in [c.name for c in screen.data.chairs]


def test_a_tab_is_filled_when_first_shown_and_keeps_up_after(qtbot, ctx):
    screen = _screen(qtbot, ctx)
    assert screen.locations.model.rowCount() > 0  # the tab on view
    assert screen.chairs.model.rowCount() == 0  # not yet looked at: nothing filled or sized
    screen.tabs.setCurrentWidget(screen.chairs)
    assert [c.name for c in screen.chairs.model.rows] == [c.name for c in screen.data.chairs if c.is_active]
    assert screen.chairs.current is screen.chairs.model.rows[0]
    screen.tabs.setCurrentWidget(screen.locations)
    with ctx.db.write() as s:
        s.scalars(select(Chair).where(Chair.name == "Chair 3")).one().name = "Bay 3"
    screen.refresh()  # shown once: a hidden tab reloads with the others
    assert "Bay 3" in [c.name for c in screen.chairs.model.rows]


def test_only_the_tab_on_view_is_built_until_another_is_shown(qtbot, ctx):
    from orca_desk.views.admin.editor import EditorTab

    screen = _screen(qtbot, ctx)
    assert [type(t).__name__ for t in screen.findChildren(EditorTab)] == ["LocationsTab"]
    screen.tabs.setCurrentIndex(3)  # a click on "Appointment types"
    assert screen.tabs.currentWidget() is screen.types and screen.types.isVisible()
    assert screen.tabs.tabText(3) == "Appointment types" and screen.tabs.count() == 5
    assert len(screen.findChildren(EditorTab)) == 2
