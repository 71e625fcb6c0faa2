"""The week at a 20-chair location (one provider or a few chairs at a time), hidden weekends,
provider column widths, the now line, and the book's zoom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from orca_desk.services import provider_schedules
from orca_desk.services.provider_schedules import DayHours
from orca_desk.views.calendar.filters import BY_PROVIDER
from orca_desk.views.calendar.week_view import WeekViewScreen
from tests.factories import desk_book, make_world
from tests.ui.conftest import TEST_DAY
from tests.ui.test_calendar_views import at, show

MONDAY = TEST_DAY - timedelta(days=TEST_DAY.weekday())
SATURDAY = MONDAY + timedelta(days=5)


@pytest.fixture
def world(db):
    with db.write() as s:
        return make_world(s, chairs=20, patients=4)


def week_of(main_window, qtbot, by: str = "chair") -> WeekViewScreen:
    week = show(main_window, "week", qtbot)
    assert isinstance(week, WeekViewScreen)
    if by == BY_PROVIDER:
        week.bar.by_provider.click()
    return week


def days_of(week: WeekViewScreen) -> list[str]:
    return list(dict.fromkeys(c.group for c in week.grid.columns))


def test_a_20_chair_week_shows_one_group_of_chairs_and_the_switch_moves_on(main_window, ctx, world, qtbot):
    desk_book(ctx, world, chair=4, start=at(10))  # Chair 5, in the second group
    week = week_of(main_window, qtbot)
    titles = {c.title for c in week.grid.columns}
    assert titles == {"Chair 1", "Chair 2", "Chair 3"}  # not 20 chairs × 7 days
    assert len(week.grid.columns) <= 7 * 3
    assert week.scope_combo.currentText() == "Chair 1 – Chair 3"
    assert week.grid.items == []
    week.act_next_scope.trigger()  # Ctrl+]
    assert {c.title for c in week.grid.columns} == {"Chair 4", "Chair 5", "Chair 6"}
    assert len(week.grid.items) == 1
    week.act_prev_scope.trigger()  # Ctrl+[
    assert {c.title for c in week.grid.columns} == {"Chair 1", "Chair 2", "Chair 3"}
    week.grid.setFocus()  # the keys themselves, from the book
    qtbot.keyClick(week.grid, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert {c.title for c in week.grid.columns} == {"Chair 4", "Chair 5", "Chair 6"}
    qtbot.keyClick(week.grid, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert {c.title for c in week.grid.columns} == {"Chair 1", "Chair 2", "Chair 3"}
    # One chair alone, from the combo; the choice stays when the week changes.
    index = week.scope_combo.findText("Chair 5")
    week.scope_combo.activated.emit(index)
    assert {c.title for c in week.grid.columns} == {"Chair 5"}
    week.act_next_scope.trigger()  # a single chair steps to the next chair
    assert {c.title for c in week.grid.columns} == {"Chair 6"}
    main_window.act_next.trigger()
    assert week.wait_until_loaded()
    assert {c.title for c in week.grid.columns} == {"Chair 6"}
    assert main_window.act_next.text() == "Next week" and main_window.date_title.text().startswith("Week of")


def test_by_provider_the_week_shows_one_provider_first_the_one_working(main_window, ctx, world, qtbot):
    desk_book(ctx, world, chair=1, start=at(10), provider=world.hygienist)
    week = week_of(main_window, qtbot, BY_PROVIDER)
    assert {c.title for c in week.grid.columns} == {"Priya Shah"}  # the only one booked this week
    assert week.scope_combo.count() >= 1
    if week.scope_combo.count() > 1:
        week.act_next_scope.trigger()
        assert {c.title for c in week.grid.columns} != {"Priya Shah"}


def test_weekends_are_hidden_when_nobody_works_them(main_window, ctx, world, qtbot):
    week = week_of(main_window, qtbot)
    assert days_of(week) == ["Mon, Mar 2", "Tue, Mar 3 · today", "Wed, Mar 4", "Thu, Mar 5", "Fri, Mar 6"]
    assert "Sat" in week.days_note.text() and "Sun" in week.days_note.text()


def test_a_saturday_with_working_hours_is_shown(main_window, ctx, world, qtbot):
    with ctx.db.write() as s:
        provider_schedules.set_week(
            s,
            ctx.actor,
            world.ortho.id,
            [DayHours(5, world.location.id, 8 * 60, 12 * 60)],
            effective_from=MONDAY,
            now=ctx.clock.now(),
        )
    week = week_of(main_window, qtbot)
    assert days_of(week)[-1] == "Sat, Mar 7" and len(days_of(week)) == 6  # Sunday still hidden
    assert week.days_note.text().startswith("Sun")


def test_a_saturday_with_a_visit_is_shown(main_window, ctx, world, qtbot):
    desk_book(ctx, world, start=at(9, days=(SATURDAY - TEST_DAY).days))
    week = week_of(main_window, qtbot)
    assert "Sat, Mar 7" in days_of(week)


def test_a_provider_seeing_three_at_once_gets_a_wider_column(main_window, ctx, world, qtbot):
    from orca_desk.models.clinic import Provider

    with ctx.db.write() as s:
        provider = s.get(Provider, world.ortho.id)
        assert provider is not None
        provider.max_concurrent = 3
    main_window.reload_clinic()
    for k in range(3):  # three patients at once with Dr. Chen, one with the hygienist
        desk_book(ctx, world, patient=k, chair=k, start=at(10))
    desk_book(ctx, world, patient=3, chair=5, start=at(10), provider=world.hygienist)
    day = show(main_window, "calendar", qtbot)
    day.bar.by_provider.click()
    grid = day.grid
    widths = {c.title: grid.col_w(i) for i, c in enumerate(grid.columns)}
    assert widths["Dr. Chen"] == pytest.approx(3 * widths["Priya Shah"], rel=0.02)
    lanes = [grid.item(i.id).rect for i in grid.items if i.column == day.key_for(world.ortho.id)]
    assert len(lanes) == 3 and min(r.width() for r in lanes) >= widths["Priya Shah"] - 8


def test_the_now_line_is_painted_under_the_appointments(main_window, ctx, world, qtbot):
    appt = desk_book(ctx, world, start=at(8, 50), minutes=30)  # the clock says 09:00: the line crosses it
    day = show(main_window, "calendar", qtbot)
    grid = day.grid
    r = grid.item(appt).rect
    y = round(grid.y_of(9 * 60))
    image = grid.grab().toImage()
    x = int(r.left() + r.width() * 0.6)
    red = image.pixelColor(x, y)
    assert not (red.red() > 200 and red.green() < 90)  # the card's fill, not the red line
    free_x = int(grid.column_rect(day.key_for(world.chairs[2].id)).center().x())
    line = image.pixelColor(free_x, y)
    assert line.red() > 180 and line.green() < 120  # free time shows the line


def test_zoom_keys_and_wheel_change_the_scale_and_persist(main_window, ctx, world, qtbot):
    from orca_desk.views.calendar.zoom import settings_key

    day = show(main_window, "calendar", qtbot)
    grid = day.grid
    before = grid.minimumSizeHint()
    day.grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert grid.zoom == 1.25
    after = grid.minimumSizeHint()
    assert after.height() > before.height() and after.width() > before.width()
    wheel = QWheelEvent(
        QPointF(300, 300),
        QPointF(grid.mapToGlobal(QPoint(300, 300))),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(grid, wheel)
    assert grid.zoom == 1.0
    qtbot.keyClick(grid, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert grid.zoom == 0.8
    from PySide6.QtCore import QSettings

    assert QSettings().value(settings_key(ctx.actor.username, "day")) == "0.8"
    # A new window (the same user) opens at the remembered zoom; the week keeps its own.
    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow

    w2 = MainWindow(ctx, default_screens(), database_label="test")
    qtbot.addWidget(w2)
    assert w2.show_screen("calendar").grid.zoom == 0.8  # type: ignore[attr-defined]
    assert w2.show_screen("week").grid.zoom == 1.0  # type: ignore[attr-defined]


def test_fit_all_chairs_makes_every_column_fit_the_width_shown(main_window, ctx, world, qtbot):
    main_window.resize(1280, 720)
    day = show(main_window, "calendar", qtbot)
    area = day.scroll_area
    qtbot.waitUntil(lambda: day.grid.width() > area.viewport().width())  # 20 chairs do not fit
    day.zoom.act_fit.trigger()
    qtbot.waitUntil(lambda: day.grid.width() <= area.viewport().width())
    assert area.horizontalScrollBar().maximum() == 0
    assert (main_window.width(), main_window.height()) == (1280, 720)
    day.grid.setFocus()
    qtbot.keyClick(day.grid, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # zooming leaves fit
    assert not day.grid.fit_width and not day.zoom.act_fit.isChecked()
