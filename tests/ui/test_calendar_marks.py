"""Marks over free time on the calendar: open template slots (double-click books) and waitlist offers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.models.openings import Opening
from orca_desk.models.template import AppliedSlot
from orca_desk.services import schedule_templates
from orca_desk.services.provider_schedules import DayHours, set_week
from orca_desk.services.schedule_templates import SlotSpec
from orca_desk.services.template_engine.applying import apply_template
from orca_desk.services.template_engine.planning import plan_application
from orca_desk.services.template_engine.plans import ApplyParams
from orca_desk.views.calendar.booking_dialog import BookingDialog
from orca_desk.views.calendar.filters import BY_PROVIDER
from tests.ui.conftest import TEST_DAY

WEDNESDAY = TEST_DAY + timedelta(days=1)
NY = ZoneInfo("America/New_York")


def _apply_template(ctx, world, manager, clock) -> None:
    with ctx.db.write() as s:
        set_week(
            s,
            manager,
            world.ortho.id,
            [DayHours(wd, world.location.id, 480, 1020) for wd in range(5)],
            effective_from=date(2026, 1, 1),
            now=clock.now(),
        )
        t = schedule_templates.create_template(
            s,
            manager,
            name="Afternoons",
            kind="week",
            now=clock.now(),
            slots=[SlotSpec(900, 920, world.adjustment.id, weekday=2)],
        )
        plan = plan_application(
            s,
            ApplyParams(
                template_id=t.template.id,
                provider_ids=(world.ortho.id,),
                start_day=WEDNESDAY,
                end_day=WEDNESDAY,
                chair_ids=(world.chairs[1].id,),
            ),
            now=clock.now(),
        )
        apply_template(s, manager, plan, now=clock.now())


def test_open_template_slot_shows_and_double_click_books_into_it(
    main_window, ctx, world, manager, clock, qtbot
):
    _apply_template(ctx, world, manager, clock)
    main_window.go_to_date(WEDNESDAY)
    view = main_window.show_screen("calendar")
    view.refresh()
    [mark] = [i for i in view.grid.items if i.id < 0]
    assert (mark.title, mark.start, mark.end) == ("Adjustment", 900, 920)
    assert mark.faded and not mark.movable
    assert view.col_defs[mark.column].chair_id == world.chairs[1].id

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, BookingDialog)
        assert dialog.type_combo.currentData() == world.adjustment.id  # the slot's type
        dialog.search.setText("Kid3")
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=2000)
        dialog.book()

    QTimer.singleShot(0, fill)
    view.grid.sig_item_activated.emit(mark.id)
    with ctx.db.read() as s:
        appt = s.scalars(select(Appointment)).one()
        assert appt.start_at == datetime(2026, 3, 4, 15, 0, tzinfo=NY)
        assert s.scalars(select(AppliedSlot.status)).one() == "booked"
    assert [i.id for i in view.grid.items if i.id < 0] == []  # the slot is filled, no mark left


def test_offer_free_time_to_the_waitlist(main_window, ctx, world, receptionist):
    view = main_window.show_screen("calendar")
    view.ctx = ctx.__class__(db=ctx.db, clock=ctx.clock, actor=receptionist, clinic=ctx.clinic)
    key = next(k for k, cd in view.col_defs.items() if cd.chair_id == world.chairs[0].id)
    # No appointments in that chair: the screen cannot tell who works it, and says so.
    assert not view.offer_to_waitlist(key, 15 * 60, minutes=20)
    view._on_filters_changed(replace(view.filters, by=BY_PROVIDER))
    key = next(k for k, cd in view.col_defs.items() if cd.provider_id == world.ortho.id)
    assert view.offer_to_waitlist(key, 15 * 60, minutes=20)
    with ctx.db.read() as s:
        opening = s.scalars(select(Opening)).one()
        assert (opening.source, opening.provider_id) == ("manual", world.ortho.id)
        assert opening.end_at - opening.start_at == timedelta(minutes=20)
