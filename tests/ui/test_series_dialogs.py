"""The recurrence editor and the series dialog as the desk uses them: choose, preview, decide, save."""

from __future__ import annotations

import os
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.models.series import RecurringSeries
from orca_desk.services import recurrence
from orca_desk.services.series import create_series
from orca_desk.ui import language
from orca_desk.views.calendar.day_view import DayViewScreen
from orca_desk.views.calendar.recurrence_dialog import RecurrenceDialog
from orca_desk.views.calendar.series_dialog import SeriesDialog
from tests.factories import book

NY = ZoneInfo("America/New_York")
NOAH = datetime(2026, 3, 10, 15, 45, tzinfo=NY)  # Tuesday, a week after the frozen clock
RULE = "FREQ=WEEKLY;INTERVAL=6;BYDAY=TU;COUNT=8"


def _editor(qtbot, ctx, world, **kw) -> RecurrenceDialog:
    dialog = RecurrenceDialog(
        ctx,
        patient_id=world.patients[0].id,
        patient_name="Noah Smith",
        provider_id=world.hygienist.id,
        chair_id=world.chairs[0].id,
        type_id=world.adjustment.id,
        start=NOAH,
        minutes=20,
        **kw,
    )
    qtbot.addWidget(dialog)
    return dialog


def _series_appts(ctx, series_id):
    with ctx.db.read() as s:
        return list(
            s.scalars(
                select(Appointment)
                .where(Appointment.series_id == series_id, Appointment.status == "scheduled")
                .order_by(Appointment.start_at)
            )
        )


def test_editor_every_six_weeks_on_tuesday_eight_times(qtbot, ctx, world):
    dialog = _editor(qtbot, ctx, world)
    dialog.set_rule(frequency="WEEKLY", interval=6, weekdays=(1,), count=8)
    assert dialog.rule() == RULE
    assert dialog.summary.text() == "Every 6 weeks on Tuesday, 8 times"
    dialog.refresh_preview()
    assert dialog.wait_for_preview()
    assert dialog.model.rowCount() == 8
    assert dialog.model.index(0, 1).data() == "Tue, Mar 10, 2026"
    assert {dialog.model.index(r, 2).data() for r in range(8)} == {"3:45 PM"}  # across the March change
    assert "8 dates · 0 with conflicts · 8 to book" in dialog.counts.text()
    dialog.save()
    assert dialog.result() == RecurrenceDialog.DialogCode.Accepted and dialog.series_id is not None
    appts = _series_appts(ctx, dialog.series_id)
    assert len(appts) == 8
    assert {a.start_at.astimezone(NY).time() for a in appts} == {time(15, 45)}


def test_editor_shows_conflicts_with_suggestions_and_honours_decisions(qtbot, ctx, world):
    occs = recurrence.occurrences(RULE, NOAH)
    with ctx.db.write() as s:
        for i in (2, 5):
            book(
                s, ctx.actor, world, start=occs[i].astimezone(UTC), now=ctx.clock.now(), patient=1, minutes=30
            )
    dialog = _editor(qtbot, ctx, world)
    dialog.set_rule(frequency="WEEKLY", interval=6, weekdays=(1,), count=8)
    dialog.refresh_preview()
    assert dialog.wait_for_preview()
    model = dialog.model
    assert "Chair 1 is taken 3:45 PM–4:15 PM by Kid1 Smith" in model.index(2, 3).data()
    assert model.index(2, 4).data() and model.index(2, 5).data() == "Use suggested"
    assert model.index(0, 3).data() == "✓ free"
    if os.environ.get("ORCA_H6_SHOTS"):
        dialog.resize(980, 700)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.grab().save(os.environ["ORCA_H6_SHOTS"] + "/h6_conflicts.png")
    dialog.table.selectRow(5)
    dialog.skip.click()
    assert model.index(5, 5).data() == "Skip"
    assert "2 with conflicts · 7 to book · 1 skipped" in dialog.counts.text()
    dialog.save()
    appts = _series_appts(ctx, dialog.series_id)
    assert len(appts) == 7
    alt = model.occurrence(2).alternative
    assert alt is not None and any(a.start_at == alt.start.astimezone(UTC) for a in appts)


def test_editor_names_the_bad_part_of_a_custom_rule(qtbot, ctx, world):
    dialog = _editor(qtbot, ctx, world)
    dialog.set_rule(frequency="", custom="FREQ=WEEKLY;BYDAY=TX;COUNT=3")
    dialog.refresh_preview()
    assert dialog.wait_for_preview()
    assert "BYDAY=TX" in dialog.error.text()
    assert not dialog.save_button.isEnabled()
    dialog.set_rule(frequency="MONTHLY", count=4)
    dialog.by_weekday.setChecked(True)
    dialog.ordinal.setCurrentIndex(1)
    assert dialog.rule() == "FREQ=MONTHLY;BYDAY=2TU;COUNT=4"
    assert dialog.summary.text() == "Monthly on the 2nd Tuesday, 4 times"


def _noah_series(ctx, world, clock) -> int:
    """Kid0's six weekly visits with the hygienist, Tuesdays at 15:45 from 10 March."""
    with ctx.db.write() as s:
        return create_series(
            s,
            ctx.actor,
            patient_id=world.patients[0].id,
            provider_id=world.hygienist.id,
            chair_id=world.chairs[0].id,
            type_id=world.adjustment.id,
            rrule="FREQ=WEEKLY;COUNT=6",
            dtstart=NOAH,
            minutes=20,
            now=clock.now(),
        )


def test_series_dialog_scopes(qtbot, ctx, world, clock):
    sid = _noah_series(ctx, world, clock)
    ids = [a.id for a in _series_appts(ctx, sid)]
    dialog = SeriesDialog(ctx, series_id=sid, appointment_id=ids[1])
    qtbot.addWidget(dialog)
    assert dialog.title.text() == "↻ Weekly on Tuesday, 6 times"
    assert dialog.model.rowCount() == 6
    # this occurrence: 16:30 instead of 15:45
    dialog.time_edit.setTime(dialog.time_edit.time().fromString("16:30", "HH:mm"))
    assert dialog.apply_change()
    assert dialog.model.index(1, 3).data() == "moved" and dialog.model.index(1, 2).data() == "4:30 PM"
    # this and following, from the 4th: one hour earlier -> a new series continues this one
    dialog.table.selectRow(3)
    dialog.scope_following.setChecked(True)
    dialog.time_edit.setTime(dialog.time_edit.time().fromString("14:45", "HH:mm"))
    assert dialog.apply_change()
    new_id = dialog.series_id
    assert new_id != sid and "continues series" in dialog.info.text()
    assert [a.start_at.astimezone(NY).time() for a in _series_appts(ctx, new_id)] == [time(14, 45)] * 3
    # cancel all future occurrences of the new series
    dialog.scope_all.setChecked(True)
    dialog.table.selectRow(0)
    assert dialog.cancel_occurrences(confirm=False)
    assert _series_appts(ctx, new_id) == []
    assert len(_series_appts(ctx, sid)) == 3  # the first series keeps its three
    with ctx.db.read() as s:
        assert s.get(RecurringSeries, new_id).status == "cancelled"


def test_calendar_menu_offers_repeat_and_open_series(main_window, ctx, world, clock):
    with ctx.db.write() as s:
        plain = book(
            s,
            ctx.actor,
            world,
            start=datetime(2026, 3, 3, 11, 0, tzinfo=NY),
            now=clock.now(),
            patient=1,
            chair=1,
        )
        create_series(
            s,
            ctx.actor,
            patient_id=world.patients[0].id,
            provider_id=world.hygienist.id,
            chair_id=world.chairs[0].id,
            type_id=world.adjustment.id,
            rrule="FREQ=WEEKLY;COUNT=3",
            dtstart=datetime(2026, 3, 3, 15, 45, tzinfo=NY),
            minutes=20,
            now=clock.now(),
        )
    view = main_window.show_screen("calendar")
    assert isinstance(view, DayViewScreen)
    view.refresh()
    occurrence = next(a.id for a in view.appointments.values() if a.series_id is not None)
    assert "↻ Repeat…" in [a.text() for a in view.build_context_menu(plain).actions()]
    assert "↻ Open series…" in [a.text() for a in view.build_context_menu(occurrence).actions()]
    assert any(it.icon == "↻" for it in view.grid.items)
    if os.environ.get("ORCA_H6_SHOTS"):
        main_window.grab().save(os.environ["ORCA_H6_SHOTS"] + "/h6_calendar.png")


def test_repeat_from_an_appointment_adopts_it_as_the_first_date(qtbot, ctx, world, clock):
    first = book(ctx.db, ctx.actor, world, start=NOAH, now=clock.now(), provider=world.hygienist)
    dialog = _editor(qtbot, ctx, world, appointment_id=first)
    dialog.set_rule(frequency="WEEKLY", interval=6, weekdays=(1,), count=8)
    dialog.refresh_preview()
    assert dialog.wait_for_preview()
    assert dialog.preview is not None and dialog.preview.conflicts == ()  # its own slot is no conflict
    if os.environ.get("ORCA_H6_SHOTS"):
        dialog.resize(980, 700)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.grab().save(os.environ["ORCA_H6_SHOTS"] + "/h6.png")
    dialog.save()
    appts = _series_appts(ctx, dialog.series_id)
    assert len(appts) == 8 and appts[0].id == first
    assert appts[0].series_occurrence_start == NOAH.astimezone(UTC)
    assert timedelta(0) == appts[0].start_at - NOAH


# --- issue 18: the preview runs off the UI thread, can be stopped, refuses sub-daily rules -------


def test_editor_preview_runs_on_a_pool_thread_and_can_be_stopped(qtbot, ctx, world, monkeypatch):
    import threading

    from orca_desk.views.calendar import recurrence_dialog

    threads: list[int] = []
    real = recurrence_dialog.load_series_preview

    def spy(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(recurrence_dialog, "load_series_preview", spy)
    dialog = _editor(qtbot, ctx, world)
    assert dialog.wait_for_preview()
    dialog.set_rule(frequency="WEEKLY", count=104)
    dialog.refresh_preview()
    # refresh_preview returned at once: the dates are checked elsewhere, the desk stays usable.
    assert dialog.previewing and dialog.progress.isVisibleTo(dialog) and not dialog.save_button.isEnabled()
    dialog.cancel_preview()
    assert not dialog.previewing and "Checking stopped" in dialog.error.text()
    dialog.loader.wait(10_000)
    qtbot.wait(50)
    assert dialog.model.rowCount() == 0 and dialog.preview is None  # the stopped result is dropped
    dialog.refresh_preview()
    assert dialog.wait_for_preview()
    assert dialog.model.rowCount() == 104 and not dialog.progress.isVisibleTo(dialog)
    assert threads and threading.get_ident() not in threads


def test_editor_refuses_a_rule_finer_than_a_day_quickly(qtbot, ctx, world):
    dialog = _editor(qtbot, ctx, world)
    dialog.set_rule(frequency="", custom="FREQ=HOURLY;COUNT=500")
    dialog.refresh_preview()
    assert dialog.wait_for_preview(5_000)
    assert "FREQ=HOURLY: a series repeats at most once a day" in dialog.error.text()
    assert dialog.model.rowCount() == 0 and not dialog.save_button.isEnabled()


def test_series_dialog_previews_change_all_across_the_continuation(qtbot, ctx, world, clock):
    sid = _noah_series(ctx, world, clock)
    ids = [a.id for a in _series_appts(ctx, sid)]
    dialog = SeriesDialog(ctx, series_id=sid, appointment_id=ids[3])
    qtbot.addWidget(dialog)
    dialog.scope_following.setChecked(True)
    dialog.time_edit.setTime(dialog.time_edit.time().fromString("10:00", "HH:mm"))
    assert dialog.apply_change()
    child = dialog.series_id
    # Back on the first part: "all", 30 minutes. The preview lists all six, the continuation too.
    dialog.series_id = sid
    dialog.reload()
    dialog.table.selectRow(0)
    dialog.scope_all.setChecked(True)
    dialog.minutes.setValue(30)
    plan = dialog.preview_change()
    assert plan is not None and plan.error is None
    assert dialog.change_model.rowCount() == 6 and dialog.change_summary.text() == "6 occurrences change"
    assert dialog.change_model.index(3, 1).data().startswith("10:00 AM–10:20 AM")
    assert dialog.change_model.index(3, 2).data().startswith("10:00 AM–10:30 AM")
    # the preview changed nothing
    assert {(a.end_at - a.start_at) for a in _series_appts(ctx, child)} == {timedelta(minutes=20)}
    assert dialog.apply_change()
    assert {(a.end_at - a.start_at) for a in _series_appts(ctx, child)} == {timedelta(minutes=30)}


def test_a_spanish_desk_reads_the_rule_in_spanish(qapp, qtbot, ctx, world, clock, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    assert language.install(qapp, "es") == "es"
    try:
        editor = _editor(qtbot, ctx, world)
        editor.set_rule(frequency="WEEKLY", interval=6, weekdays=(1,), count=8)
        assert editor.summary.text() == "Cada 6 semanas los martes, 8 veces"
        sid = _noah_series(ctx, world, clock)
        dialog = SeriesDialog(ctx, series_id=sid, appointment_id=_series_appts(ctx, sid)[0].id)
        qtbot.addWidget(dialog)
        assert dialog.title.text() == "↻ Cada semana los martes, 6 veces"
    finally:
        language.install(qapp, "en")


def test_a_spanish_desk_counts_dates_and_changes_with_spanish_plurals(
    qapp, qtbot, ctx, world, clock, monkeypatch
):
    monkeypatch.delenv(language.ENV, raising=False)
    assert language.install(qapp, "es") == "es"
    try:
        editor = _editor(qtbot, ctx, world)
        editor.set_rule(frequency="WEEKLY", interval=6, weekdays=(1,), count=1)
        assert (editor.times_label.text(), editor.unit.text()) == ("vez", "semanas")
        editor.set_rule(frequency="WEEKLY", interval=1, weekdays=(1,), count=8)
        assert (editor.times_label.text(), editor.unit.text()) == ("veces", "semana")
        editor.set_rule(frequency="MONTHLY", interval=3, count=8)
        assert editor.unit.text() == "meses"
        editor.set_rule(frequency="WEEKLY", interval=6, weekdays=(1,), count=8)
        editor.refresh_preview()
        assert editor.wait_for_preview()
        assert "8 fechas · 0 con conflictos · 8 para reservar · 0 omitidas" in editor.counts.text()
        editor.table.selectRow(0)
        editor.skip.click()
        assert "1 omitida" in editor.counts.text() and "7 para reservar" in editor.counts.text()
        sid = _noah_series(ctx, world, clock)
        dialog = SeriesDialog(ctx, series_id=sid, appointment_id=_series_appts(ctx, sid)[0].id)
        qtbot.addWidget(dialog)
        dialog.table.selectRow(0)
        dialog.scope_all.setChecked(True)
        dialog.minutes.setValue(30)
        plan = dialog.preview_change()
        assert plan is not None and plan.error is None
        assert dialog.change_summary.text() == "6 citas cambian"
    finally:
        language.install(qapp, "en")


def test_an_english_desk_counts_one_and_many(qtbot, ctx, world):
    editor = _editor(qtbot, ctx, world)
    editor.set_rule(frequency="WEEKLY", interval=6, weekdays=(1,), count=1)
    assert (editor.times_label.text(), editor.unit.text()) == ("time", "weeks")
    editor.refresh_preview()
    assert editor.wait_for_preview()
    assert editor.counts.text().startswith("1 date · 0 with conflicts · 1 to book · 0 skipped")
