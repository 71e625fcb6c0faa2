"""Week view, all locations, chair/provider columns, filters, resize and undo/redo in the calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from orca_desk.models.appointment import Appointment
from orca_desk.ui.time_grid import GridColumn, GridItem, TimeGridWidget
from orca_desk.views.calendar.calendar_screen import CalendarScreen
from orca_desk.views.calendar.filters import KEY_PROVIDERS, KEY_TYPES, CalendarFilters
from orca_desk.views.calendar.week_view import WeekViewScreen
from tests.factories import book_ids, desk_book
from tests.ui.conftest import TEST_DAY

NY = ZoneInfo("America/New_York")


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    d = TEST_DAY + timedelta(days=days)
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=NY)


def drag(qtbot, widget, start: QPoint, end: QPoint, *, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, modifier, pos=start)
    for k in range(1, 7):
        qtbot.mouseMove(widget, start + (end - start) * (k / 6))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, modifier, pos=end)


def show(main_window, key: str, qtbot) -> CalendarScreen:
    screen = main_window.show_screen(key)
    assert isinstance(screen, CalendarScreen)
    screen.refresh()
    assert screen.wait_until_loaded()
    return screen


def stored(ctx, appt_id: int) -> Appointment:
    with ctx.db.read() as s:
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        return appt


@pytest.fixture
def no_dialogs(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    return shown


def test_week_view_groups_days_and_shows_the_weeks_appointments(main_window, ctx, world, qtbot):
    a = desk_book(ctx, world, start=at(10))  # Tue
    b = desk_book(ctx, world, patient=1, chair=2, start=at(15, days=2))  # Thu
    desk_book(ctx, world, patient=2, start=at(9, days=7))  # next week: not shown
    week = show(main_window, "week", qtbot)
    assert isinstance(week, WeekViewScreen)
    groups = []
    for c in week.grid.columns:
        if c.group not in groups:
            groups.append(c.group)
    # Nobody works or is booked on the weekend: Monday to Friday.
    assert groups[0] == "Mon, Mar 2" and groups[1] == "Tue, Mar 3 · today" and len(groups) == 5
    assert len(week.grid.columns) == 5 * 3
    assert {i.id for i in week.grid.items} == {a, b}
    assert week.grid.item(b).column == week.key_for(world.chairs[2].id, day=TEST_DAY + timedelta(days=2))
    # Today's columns carry the current-time line (09:00 New York), the others do not.
    today_cols = [c for c in week.grid.columns if c.now_minute is not None]
    assert len(today_cols) == 3 and today_cols[0].now_minute == 9 * 60
    # ← / → step a week in the week view.
    main_window.act_next.trigger()
    assert main_window.day == TEST_DAY + timedelta(days=7)


def test_drag_across_days_in_week_view_persists(main_window, ctx, world, qtbot, no_dialogs):
    appt = desk_book(ctx, world, start=at(10))
    week = show(main_window, "week", qtbot)
    grid = week.grid
    start = grid.item(appt).rect.center().toPoint()
    end = grid.point_for(week.key_for(world.chairs[1].id, day=TEST_DAY + timedelta(days=1)), 14 * 60 + 10)
    drag(qtbot, grid, start, end)
    moved = stored(ctx, appt)
    assert moved.start_at.astimezone(NY) == at(14, days=1)
    assert moved.chair_id == world.chairs[1].id and no_dialogs == []
    qtbot.waitUntil(
        lambda: (
            grid.item(appt) is not None
            and week.col_defs[grid.item(appt).column].day == TEST_DAY + timedelta(days=1)
        )
    )


def test_resize_by_dragging_the_bottom_edge(main_window, ctx, world, qtbot, no_dialogs):
    appt = desk_book(ctx, world, start=at(10), minutes=20)
    view = show(main_window, "calendar", qtbot)
    rect = view.grid.item(appt).rect
    start = QPoint(int(rect.center().x()), int(rect.bottom()) - 2)
    end = QPoint(start.x(), int(view.grid.y_of(10 * 60 + 45)))
    drag(qtbot, view.grid, start, end)
    a = stored(ctx, appt)
    assert a.start_at.astimezone(NY) == at(10) and a.end_at.astimezone(NY) == at(10, 45)
    assert view.undo_stack.undoText().startswith("Resize")


def test_provider_columns_toggle_and_move_to_another_provider(main_window, ctx, world, qtbot, no_dialogs):
    a = desk_book(ctx, world, start=at(10))
    desk_book(ctx, world, patient=1, chair=1, start=at(11), provider=world.hygienist)
    view = show(main_window, "calendar", qtbot)
    view.bar.by_provider.click()
    assert [c.title for c in view.grid.columns] == ["Dr. Chen", "Priya Shah"]
    assert view.grid.item(a).subtitle == "Adjustment · Chair 1"
    assert CalendarFilters.load().by == "provider"
    drag(
        qtbot,
        view.grid,
        view.grid.item(a).rect.center().toPoint(),
        view.grid.point_for(view.key_for(world.hygienist.id), 13 * 60 + 10),
    )
    moved = stored(ctx, a)
    assert moved.provider_id == world.hygienist.id and moved.chair_id == world.chairs[0].id
    view.bar.by_chair.click()
    assert [c.title for c in view.grid.columns] == ["Chair 1", "Chair 2", "Chair 3"]


def test_filters_combine_and_persist_in_a_new_window(main_window, ctx, world, qtbot):
    a = desk_book(ctx, world, start=at(10))  # Chen, adjustment
    b = desk_book(ctx, world, patient=1, chair=1, start=at(10), provider=world.hygienist)  # Shah, adjustment
    # Chen, bonding
    c = desk_book(ctx, world, patient=2, chair=2, start=at(12), type_=world.bonding, minutes=90)
    view = show(main_window, "calendar", qtbot)
    shown = lambda v: {i.id for i in v.grid.items}  # noqa: E731
    assert shown(view) == {a, b, c}
    chen = next(x for x in view.bar.menu_actions("providers") if x.text() == "Dr. Chen")
    chen.trigger()
    assert shown(view) == {a, c}
    bonding = next(x for x in view.bar.menu_actions("types") if x.text() == "Bonding")
    bonding.trigger()
    assert shown(view) == {c}  # provider AND procedure
    chair3 = next(x for x in view.bar.menu_actions("chairs") if x.text() == "Chair 3")
    chair3.trigger()
    assert [col.title for col in view.grid.columns] == ["Chair 3"] and shown(view) == {c}
    assert view.bar.buttons["providers"].text() == "Providers: Dr. Chen"
    # Saved per workstation, and a new window starts with them.
    from PySide6.QtCore import QSettings

    assert QSettings().value(KEY_PROVIDERS) == str(world.ortho.id)
    assert QSettings().value(KEY_TYPES) == str(world.bonding.id)
    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow

    main_window.close()
    w2 = MainWindow(ctx, default_screens(), database_label="x")
    qtbot.addWidget(w2)
    w2.show()
    w2.go_to_date(TEST_DAY)
    v2 = show(w2, "calendar", qtbot)
    assert shown(v2) == {c} and [col.title for col in v2.grid.columns] == ["Chair 3"]
    # The week view shares them; clearing brings everything back.
    week = show(w2, "week", qtbot)
    assert {i.id for i in week.grid.items} == {c}
    week.bar.clear_button.click()
    assert {i.id for i in week.grid.items} == {a, b, c}
    w2.close()


def test_all_locations_side_by_side(main_window, ctx, world, qtbot):
    from orca_desk.models.clinic import Chair, Location
    from orca_desk.services.clinic.clinic import load_clinic

    with ctx.db.write() as s:
        west = Location(clinic_id=world.clinic.id, name="Westside", timezone="America/Los_Angeles")
        s.add(west)
        s.flush()
        chair = Chair(location_id=west.id, name="West 1", sort_order=0)
        s.add(chair)
        s.flush()
        west_chair = chair.id
    with ctx.db.read() as s:
        ctx.clinic = load_clinic(s)
    a = desk_book(ctx, world, start=at(10))
    b = book_ids(
        ctx.db,
        ctx.actor,
        patient_id=world.patients[1].id,
        provider_id=world.hygienist.id,
        chair_id=west_chair,
        type_id=world.adjustment.id,
        start=datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles")),
        now=ctx.clock.now(),
    )
    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow

    w = MainWindow(ctx, default_screens(), database_label="x")
    qtbot.addWidget(w)
    w.show()
    w.go_to_date(TEST_DAY)
    view = show(w, "locations", qtbot)
    assert [c.group for c in view.grid.columns] == ["Northside"] * 3 + ["Westside"]
    # Each location in its own wall clock: both appointments sit at 10:00.
    assert {(i.id, i.start) for i in view.grid.items} == {(a, 600), (b, 600)}
    assert view.grid.columns[-1].now_minute == 6 * 60  # 14:00 UTC is 06:00 in Los Angeles
    west = next(x for x in view.bar.menu_actions("locations") if x.text() == "Westside")
    west.trigger()
    assert [c.title for c in view.grid.columns] == ["West 1"] and [i.id for i in view.grid.items] == [b]
    w.close()


def test_undo_and_redo_a_move(main_window, ctx, world, qtbot, no_dialogs):
    appt = desk_book(ctx, world, start=at(10))
    view = show(main_window, "calendar", qtbot)
    drag(
        qtbot,
        view.grid,
        view.grid.item(appt).rect.center().toPoint(),
        view.grid.point_for(view.key_for(world.chairs[2].id), 13 * 60 + 10),
    )
    assert stored(ctx, appt).chair_id == world.chairs[2].id
    main_window.activateWindow()
    qtbot.keyClick(main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = stored(ctx, appt)
    assert back.chair_id == world.chairs[0].id and back.start_at.astimezone(NY) == at(10)
    assert view.grid.item(appt).column == view.key_for(world.chairs[0].id)
    qtbot.keyClick(
        main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    again = stored(ctx, appt)
    assert again.chair_id == world.chairs[2].id and again.start_at.astimezone(NY) == at(13)
    # A second move of the same appointment, then two undos: versions chain correctly.
    view.move_appointment(
        view.appointments[appt],
        view._target(view.appointments[appt], view.key_for(world.chairs[1].id), 16 * 60, 16 * 60 + 20)[0],
        "Move again",
    )
    main_window.undo_stack.undo()
    main_window.undo_stack.undo()
    final = stored(ctx, appt)
    assert final.chair_id == world.chairs[0].id and final.start_at.astimezone(NY) == at(10)
    assert no_dialogs == []


def test_undo_of_cancel_restores_and_status_change_undoes(main_window, ctx, world, qtbot, no_dialogs):
    appt = desk_book(ctx, world, start=at(16))
    view = show(main_window, "calendar", qtbot)
    assert view.set_status(appt, "confirmed")
    assert view.cancel(appt, reason="school event")
    assert stored(ctx, appt).status == "cancelled" and view.grid.items == []
    assert main_window.act_undo.text() == "Undo Cancel Kid0 Smith"
    main_window.act_undo.trigger()
    assert stored(ctx, appt).status == "scheduled" and [i.id for i in view.grid.items] == [appt]
    main_window.act_undo.trigger()  # the confirmation
    assert stored(ctx, appt).status == "scheduled"
    main_window.act_redo.trigger()
    main_window.act_redo.trigger()
    assert stored(ctx, appt).status == "cancelled"
    assert no_dialogs == []


def test_refused_undo_shows_the_reason_and_keeps_the_stack_consistent(
    main_window, ctx, world, qtbot, no_dialogs
):
    appt = desk_book(ctx, world, start=at(10))
    view = show(main_window, "calendar", qtbot)
    assert view.move_appointment(
        view.appointments[appt],
        view._target(view.appointments[appt], view.key_for(world.chairs[1].id), 14 * 60, 14 * 60 + 20)[0],
        "Move",
    )
    desk_book(ctx, world, patient=1, chair=0, start=at(10))  # another desk takes the old slot
    stack = main_window.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert no_dialogs and "Chair 1 is taken" in no_dialogs[0]
    assert stored(ctx, appt).chair_id == world.chairs[1].id  # still where it was moved
    assert stack.count() == 0 and not stack.canUndo() and not stack.canRedo()


def test_conflicting_drop_in_week_view_names_the_reason(main_window, ctx, world, qtbot, no_dialogs):
    a = desk_book(ctx, world, start=at(10))
    desk_book(ctx, world, patient=1, chair=0, start=at(10, days=1))
    week = show(main_window, "week", qtbot)
    grid = week.grid
    start = grid.item(a).rect.center().toPoint()
    end = grid.point_for(week.key_for(world.chairs[0].id, day=TEST_DAY + timedelta(days=1)), 10 * 60 + 10)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(grid, start + QPoint(0, 10))
    qtbot.mouseMove(grid, end)
    refusal = "Chair 1 is taken 10:00 AM–10:20 AM by Kid1 Smith."
    assert grid._drag is not None and grid._drag.refusal == refusal
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=end)
    assert no_dialogs and refusal in no_dialogs[0]
    assert stored(ctx, a).start_at.astimezone(NY) == at(10)


def test_badges_unconfirmed_is_quiet_series_icon(main_window, ctx, world, qtbot):
    a = desk_book(ctx, world, start=at(10))
    b = desk_book(ctx, world, patient=1, chair=1, start=at(10))
    with ctx.db.write() as s:
        s.get(Appointment, b).confirmation = "requested"
        s.get(Appointment, a).series_id = 7
    view = show(main_window, "calendar", qtbot)
    ia, ib = view.grid.item(a), view.grid.item(b)
    assert ia.badge_quiet and ia.icon == "↻"
    assert (ib.badge, ib.badge_quiet) == ("?", False)
    assert set(view.legend.chips) == {"Adjustment", "Bonding"}


def test_shift_drag_on_empty_time_selects_a_range(qtbot):
    grid = TimeGridWidget()
    qtbot.addWidget(grid)
    grid.resize(600, 800)
    grid.set_content(
        [GridColumn(1, "Chair 1"), GridColumn(2, "Chair 2")], [GridItem(10, 1, 600, 620, "#42a5f5", "A")]
    )
    grid.show()
    seen: list[tuple[int, int, int]] = []
    grid.sig_range_selected.connect(lambda k, s, e: seen.append((k, s, e)))
    drag(
        qtbot,
        grid,
        grid.point_for(2, 12 * 60),
        grid.point_for(2, 13 * 60),
        modifier=Qt.KeyboardModifier.ShiftModifier,
    )
    assert seen == [(2, 720, 780)]
    grid.range_mode = True  # the "Block time" button: no Shift needed
    drag(qtbot, grid, grid.point_for(1, 15 * 60), grid.point_for(1, 14 * 60))
    assert seen[-1] == (1, 840, 900)


def test_refresh_during_a_drag_waits_for_the_drop(qtbot):
    grid = TimeGridWidget()
    qtbot.addWidget(grid)
    grid.resize(600, 800)
    cols = [GridColumn(1, "Chair 1")]
    grid.set_content(cols, [GridItem(10, 1, 600, 620, "#42a5f5", "A")])
    grid.show()
    start = grid.item(10).rect.center().toPoint()
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(grid, start + QPoint(0, 40))
    grid.set_content(
        cols, [GridItem(10, 1, 600, 620, "#42a5f5", "A"), GridItem(11, 1, 700, 720, "#42a5f5", "B")]
    )
    assert grid.item(11) is None  # not while dragging
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 40))
    assert grid.item(11) is not None


def test_block_time_creates_a_hatched_block(main_window, ctx, world, qtbot, no_dialogs):
    view = show(main_window, "calendar", qtbot)
    key = view.key_for(world.chairs[1].id)
    assert view.block_time(key, 12 * 60, 13 * 60, "Lunch"), no_dialogs
    col = view.grid.columns[key]
    assert [(s, e, label) for s, e, label in col.hatched] == [(720, 780, "Lunch")]
    assert all(not c.hatched for c in view.grid.columns if c.key != key)


def test_the_week_of_today_opens_on_today_not_on_its_past_monday(main_window, ctx, world, qtbot):
    """TEST_DAY is a Tuesday; at a width where the week does not fit, Tuesday comes first."""
    from PySide6.QtCore import QSettings

    from orca_desk.views.calendar.zoom import settings_key

    QSettings().setValue(settings_key(ctx.actor.username, "week"), "1.5")  # wide columns
    main_window.resize(1000, 700)
    week = show(main_window, "week", qtbot)
    bar = week.scroll_area.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # 3 chairs × 5 days do not fit: the week scrolls
    first_visible = week.grid.column_at(bar.value() + 60)  # just right of the time axis
    assert first_visible is not None and first_visible.group.startswith("Tue, Mar 3")
    assert first_visible.group.endswith("today")
    # A refresh of the same week leaves the scroll where the desk put it.
    bar.setValue(0)
    week.refresh()
    assert week.wait_until_loaded()
    assert bar.value() == 0
