"""Templates and their application: validation, versions, dry run, apply, idempotency, replace, fill."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.template import AppliedSlot, TemplateApplication
from orca_desk.services import schedule_templates
from orca_desk.services.booking.booking import (
    BookingRequest,
    book_appointment,
    cancel_appointment,
    move_appointment,
)
from orca_desk.services.errors import NotFound, StaleEditError, ValidationError
from orca_desk.services.provider_schedules import BreakInput, DayHours, add_holiday, add_time_off, set_week
from orca_desk.services.schedule_templates import SlotSpec
from orca_desk.services.template_engine.applying import apply_template
from orca_desk.services.template_engine.chunks import (
    apply_template_in_chunks,
    replace_application,
    replace_application_in_chunks,
)
from orca_desk.services.template_engine.planning import plan_application
from orca_desk.services.template_engine.plans import ApplyParams
from orca_desk.services.template_engine.reading import list_applications, open_template_slots
from tests.factories import book_ids, make_world

NY = ZoneInfo("America/New_York")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


@pytest.fixture
def setup(db, manager, clock):
    """Dr. Chen works Mon–Fri 08:00–17:00 (lunch 12–13) at Northside; a 3-slot week template."""
    with db.write() as s:
        w = make_world(s)
        lunch = (BreakInput(12 * 60, 13 * 60),)
        days = [DayHours(wd, w.location.id, 8 * 60, 17 * 60, lunch) for wd in range(5)]
        set_week(s, manager, w.ortho.id, days, effective_from=date(2026, 1, 1), now=clock.now())
        set_week(s, manager, w.hygienist.id, days, effective_from=date(2026, 1, 1), now=clock.now())
        slots = [SlotSpec(9 * 60, 9 * 60 + 20, w.adjustment.id, weekday=wd) for wd in range(5)]
        slots += [SlotSpec(10 * 60, 11 * 60 + 30, w.bonding.id, weekday=wd) for wd in range(5)]
        slots += [
            SlotSpec(12 * 60, 13 * 60, None, weekday=wd, blocked=True, reason="Lunch") for wd in range(5)
        ]
        t = schedule_templates.create_template(
            s, manager, name="Standard week", kind="week", slots=slots, now=clock.now()
        )
        ids = {
            "t": t.template.id,
            "chen": w.ortho.id,
            "priya": w.hygienist.id,
            "chair": w.chairs[0].id,
            "chair2": w.chairs[1].id,
            "adj": w.adjustment.id,
            "bond": w.bonding.id,
            "patients": [p.id for p in w.patients],
            "loc": w.location.id,
        }
    return ids


def params(ids, start: date, end: date, **kw) -> ApplyParams:
    return ApplyParams(
        template_id=ids["t"],
        provider_ids=kw.pop("providers", (ids["chen"],)),
        start_day=start,
        end_day=end,
        **kw,
    )


def count_slots(db, **where) -> int:
    with db.read() as s:
        q = select(func.count()).select_from(AppliedSlot)
        for k, v in where.items():
            q = q.where(getattr(AppliedSlot, k) == v)
        return s.scalar(q) or 0


# ----- validation and versions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        (SlotSpec(23 * 60, 24 * 60 + 30, 0, weekday=1), "Slot Tue 23:00–24:30 lies outside 00:00–24:00."),
        (SlotSpec(-15, 30, 0, weekday=0), "lies outside 00:00–24:00"),
        (SlotSpec(600, 600, 0, weekday=2), "Slot Wed 10:00–10:00 has zero length."),
        (SlotSpec(600, 540, 0, weekday=2), "Slot Wed 10:00–09:00 ends before it starts."),
        (
            SlotSpec(600, 620, 9999, weekday=3),
            "Slot Thu 10:00–10:20 has an unknown appointment type (#9999).",
        ),
        (SlotSpec(600, 620, None, weekday=3), "Slot Thu 10:00–10:20 needs an appointment type"),
    ],
)
def test_validation_names_the_slot(db, manager, clock, slot, message):
    with db.write() as s:
        w = make_world(s)
        if slot.type_id == 0:
            slot = SlotSpec(slot.start, slot.end, w.adjustment.id, weekday=slot.weekday)
        with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            schedule_templates.create_template(
                s, manager, name="Bad", kind="week", slots=[slot], now=clock.now()
            )


def test_overlap_in_one_chair_is_refused_naming_both_slots_but_other_chairs_may_overlap(db, manager, clock):
    with db.write() as s:
        w = make_world(s)
        a = SlotSpec(540, 600, w.adjustment.id, weekday=0)
        b = SlotSpec(570, 630, w.bonding.id, weekday=0)
        with pytest.raises(ValidationError, match=r"Slot Mon 09:30–10:30 overlaps slot Mon 09:00–10:00"):
            schedule_templates.create_template(
                s, manager, name="Overlap", kind="week", slots=[a, b], now=clock.now()
            )
        other_chair = SlotSpec(570, 630, w.bonding.id, weekday=0, chair_index=1)
        t = schedule_templates.create_template(
            s, manager, name="Two chairs", kind="week", slots=[a, other_chair], chair_count=2, now=clock.now()
        )
        assert t.template.chair_count == 2 and len(t.slots) == 2


def test_receptionist_may_not_create_templates(db, receptionist, clock):
    with db.write() as s:
        make_world(s)
        with pytest.raises(Exception, match="may not manage schedule templates"):
            schedule_templates.create_template(s, receptionist, name="X", kind="day", now=clock.now())


def test_saving_a_change_creates_a_new_version_history_restore_and_copy(db, setup, manager, clock):
    ids = setup
    with db.write() as s:
        first = schedule_templates.get_template(s, ids["t"])
        assert first.version.number == 1
        # Unchanged: no new version.
        same = schedule_templates.save_template(s, manager, ids["t"], slots=first.slots, now=clock.now())
        assert same.number == 1
        changed = [*first.slots, SlotSpec(15 * 60, 15 * 60 + 20, ids["adj"], weekday=0)]
        v2 = schedule_templates.save_template(
            s,
            manager,
            ids["t"],
            slots=changed,
            note="After-school adjustments",
            expected_version=1,
            now=clock.now() + timedelta(minutes=5),
        )
        assert v2.number == 2 and v2.slot_count == 16
        with pytest.raises(StaleEditError, match="version 2 by Manager"):
            schedule_templates.save_template(
                s, manager, ids["t"], slots=first.slots, expected_version=1, now=clock.now()
            )
        history = schedule_templates.version_history(s, ids["t"])
        assert [(v.number, v.created_by, v.note) for v in history] == [
            (2, "Manager", "After-school adjustments"),
            (1, "Manager", "Created"),
        ]
        v3 = schedule_templates.restore_version(s, manager, ids["t"], 1, now=clock.now())
        assert v3.number == 3 and v3.note == "Restored version 1"
        assert schedule_templates.get_template(s, ids["t"]).slots == first.slots
        # Old versions stay.
        assert schedule_templates.get_template(s, ids["t"], version=2).slots != first.slots
        copy = schedule_templates.copy_template(
            s, manager, ids["t"], name="Standard week (copy)", now=clock.now()
        )
        assert copy.slots == first.slots and copy.version.number == 1
        assert copy.version.note == "Copied from Standard week v3"
        with pytest.raises(ValidationError, match="already exists"):
            schedule_templates.copy_template(s, manager, ids["t"], name="standard WEEK", now=clock.now())


# ----- planning and applying -------------------------------------------------------------------


def test_dry_run_counts_and_dst_days_keep_the_wall_clock(db, setup, clock):
    ids = setup
    with db.read() as s:
        # Wed 4 → Fri 13 March 2026: DST starts Sunday 8 March in New York.
        plan = plan_application(s, params(ids, date(2026, 3, 4), date(2026, 3, 13)), now=clock.now())
    assert plan.counts == {"create": 8 * 3, "existing": 0, "off": 0, "applied": 0}
    nine = [p for p in plan.create if p.start_minute == 9 * 60]
    by_day = {p.day: p.start for p in nine}
    assert by_day[date(2026, 3, 6)] == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)  # EST
    assert by_day[date(2026, 3, 9)] == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # EDT
    assert all(p.start.astimezone(NY).hour == 9 for p in nine)
    lunch = [p for p in plan.create if p.block_reason == "Lunch"]
    assert len(lunch) == 8 and all(p.type_id is None for p in lunch)


def test_fall_back_day_has_the_right_instants(db, setup, clock):
    ids = setup
    with db.read() as s:
        day_t = plan_application(s, params(ids, date(2026, 10, 30), date(2026, 11, 2)), now=clock.now())
    starts = {p.day: p.start for p in day_t.create if p.start_minute == 9 * 60}
    assert starts[date(2026, 10, 30)] == datetime(2026, 10, 30, 13, 0, tzinfo=UTC)
    assert starts[date(2026, 11, 2)] == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_existing_appointments_are_never_overwritten(db, setup, manager, clock):
    ids = setup
    thu = date(2026, 3, 5)
    with db.write() as s:
        appt_id = book_ids(
            s,
            manager,
            patient_id=ids["patients"][0],
            provider_id=ids["chen"],
            chair_id=ids["chair"],
            type_id=ids["adj"],
            start=local(thu, 10, 30),
            now=clock.now(),
            minutes=30,
        )
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        before = (appt.start_at, appt.end_at, appt.version)
    with db.read() as s:
        plan = plan_application(s, params(ids, thu, thu), now=clock.now())
    assert plan.counts["create"] == 2 and plan.counts["existing"] == 1
    skipped = next(p for p in plan.skipped if p.kind == "existing")
    assert skipped.start_minute == 10 * 60 and "appointment" in skipped.reason
    with db.write() as s:
        result = apply_template(s, manager, plan, now=clock.now())
    assert result.created == 2
    with db.read() as s:
        a = s.get(Appointment, appt_id)
        assert a is not None and (a.start_at, a.end_at, a.version) == before and a.status == "scheduled"


def test_a_slot_starting_as_an_appointment_ends_is_free(db, setup, manager, clock):
    # Intervals are half-open: an appointment 09:30-10:00 leaves the 10:00 slot free, and one
    # ending at 09:20 leaves the slot applied before it alone.
    ids = setup
    thu = date(2026, 3, 5)
    with db.write() as s:
        book_ids(
            s,
            manager,
            patient_id=ids["patients"][0],
            provider_id=ids["chen"],
            chair_id=ids["chair"],
            type_id=ids["adj"],
            start=local(thu, 9, 30),
            now=clock.now(),
            minutes=30,
        )
        book_ids(
            s,
            manager,
            patient_id=ids["patients"][1],
            provider_id=ids["chen"],
            chair_id=ids["chair"],
            type_id=ids["adj"],
            start=local(thu, 11, 30),
            now=clock.now(),
            minutes=30,
        )
    with db.read() as s:
        plan = plan_application(s, params(ids, thu, thu), now=clock.now())
    assert plan.counts["create"] == 3 and plan.counts["existing"] == 0


def test_reapplying_the_same_version_is_idempotent(db, setup, manager, clock):
    ids = setup
    p = params(ids, date(2026, 3, 4), date(2026, 3, 20), providers=(ids["chen"], ids["priya"]))
    with db.write() as s:
        first = apply_template(s, manager, p, now=clock.now())
    assert first.created == 13 * 3 * 2
    with db.write() as s:
        again = apply_template(s, manager, p, now=clock.now())
        plan = plan_application(s, p, now=clock.now())
    assert again.created == 0 and again.application_id is None
    assert plan.counts["applied"] == 13 * 3 * 2
    assert count_slots(db) == 13 * 3 * 2
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(TemplateApplication)) == 1


def test_pto_and_holidays_skip_the_provider_off(db, setup, manager, clock):
    ids = setup
    with db.write() as s:
        add_time_off(
            s,
            manager,
            provider_id=ids["chen"],
            start_day=date(2026, 3, 6),
            name="Conference",
            now=clock.now(),
        )
        add_holiday(s, manager, name="Clinic training", start_day=date(2026, 3, 10), now=clock.now())
        # Part of a day: 10:00–12:00 dentist (only the bonding slot goes).
        add_time_off(
            s,
            manager,
            provider_id=ids["chen"],
            start_day=date(2026, 3, 11),
            start_minute=600,
            end_minute=720,
            time_off_type="other",
            now=clock.now(),
        )
    with db.read() as s:
        plan = plan_application(s, params(ids, date(2026, 3, 4), date(2026, 3, 11)), now=clock.now())
    off = [p for p in plan.skipped if p.kind == "off"]
    assert {p.day for p in off} == {date(2026, 3, 6), date(2026, 3, 10), date(2026, 3, 11)}
    assert len([p for p in off if p.day == date(2026, 3, 11)]) == 1
    assert any("Conference" in p.reason for p in off) and any("Clinic training" in p.reason for p in off)
    assert plan.counts == {"create": 6 * 3 - 7, "existing": 0, "off": 7, "applied": 0}
    assert plan.off_days == 2
    rows = {(r.day, r.provider_id): r for r in plan.by_date_provider()}
    assert rows[(date(2026, 3, 6), ids["chen"])].off == 3
    assert "skipped because the provider is off (2 provider-days)" in plan.summary()


def test_weekends_and_unchosen_weekdays_get_nothing(db, setup, clock):
    ids = setup
    with db.read() as s:
        plan = plan_application(
            s, params(ids, date(2026, 3, 4), date(2026, 3, 17), weekdays=(1, 3)), now=clock.now()
        )
    assert {p.day.weekday() for p in plan.create} == {1, 3} and plan.counts["create"] == 4 * 3


def test_cancel_mid_run_leaves_only_whole_days(db, setup, manager, clock):
    ids = setup
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    with db.write() as s:
        result = apply_template(
            s,
            manager,
            params(ids, date(2026, 3, 4), date(2026, 3, 31)),
            now=clock.now(),
            progress=progress,
            cancel=lambda: len(seen) > 3,
        )
    assert result.cancelled and result.days_done == 3 and result.created == 9
    assert seen[0] == (0, result.days_total) and result.days_total == 20
    with db.read() as s:
        per_day = dict(s.execute(select(AppliedSlot.day, func.count()).group_by(AppliedSlot.day)).all())
    assert per_day == {date(2026, 3, 4): 3, date(2026, 3, 5): 3, date(2026, 3, 6): 3}
    # Applying again fills in the rest, nothing twice.
    with db.write() as s:
        rest = apply_template(s, manager, params(ids, date(2026, 3, 4), date(2026, 3, 31)), now=clock.now())
    assert rest.created == 17 * 3 and count_slots(db) == 20 * 3


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 3, 2), date(2026, 3, 6), "Mon, Mar 2, 2026 is in the past"),
        (date(2026, 3, 10), date(2026, 3, 9), "is empty: it ends before it starts"),
    ],
)
def test_past_dates_and_empty_ranges_are_refused(db, setup, manager, clock, start, end, message):
    ids = setup
    with db.write() as s, pytest.raises(ValidationError, match=message):
        apply_template(s, manager, params(ids, start, end), now=clock.now())
    assert count_slots(db) == 0


def test_no_chosen_weekday_in_range_and_unknown_provider(db, setup, clock):
    ids = setup
    with db.read() as s:
        with pytest.raises(ValidationError, match="has no Sat, Sun: nothing to apply"):
            plan_application(
                s, params(ids, date(2026, 3, 9), date(2026, 3, 13), weekdays=(5, 6)), now=clock.now()
            )
        with pytest.raises(NotFound, match="#999"):
            plan_application(
                s, params(ids, date(2026, 3, 9), date(2026, 3, 13), providers=(999,)), now=clock.now()
            )


def test_chair_lanes_map_to_chosen_chairs(db, manager, clock, setup):
    ids = setup
    with db.write() as s:
        t = schedule_templates.create_template(
            s,
            manager,
            name="Two chairs",
            kind="day",
            chair_count=2,
            slots=[SlotSpec(540, 630, ids["bond"]), SlotSpec(540, 560, ids["adj"], chair_index=1)],
            now=clock.now(),
        )
        with pytest.raises(ValidationError, match="uses 2 chairs; choose 2 chairs"):
            plan_application(
                s,
                ApplyParams(t.template.id, (ids["chen"],), date(2026, 3, 4), date(2026, 3, 4)),
                now=clock.now(),
            )
        plan = plan_application(
            s,
            ApplyParams(
                t.template.id,
                (ids["chen"],),
                date(2026, 3, 4),
                date(2026, 3, 4),
                chair_ids=(ids["chair"], ids["chair2"]),
            ),
            now=clock.now(),
        )
    assert {(p.chair_id, p.type_id) for p in plan.create} == {
        (ids["chair"], ids["bond"]),
        (ids["chair2"], ids["adj"]),
    }


def test_rotating_weeks_alternate(db, manager, clock, setup):
    ids = setup
    with db.write() as s:
        t = schedule_templates.create_template(
            s,
            manager,
            name="A/B",
            kind="week",
            rotation=("A", "B"),
            slots=[
                SlotSpec(540, 560, ids["adj"], weekday=2, week=0),
                SlotSpec(840, 930, ids["bond"], weekday=2, week=1),
            ],
            now=clock.now(),
        )
        plan = plan_application(
            s,
            ApplyParams(t.template.id, (ids["chen"],), date(2026, 3, 4), date(2026, 3, 31)),
            now=clock.now(),
        )
    got = [(p.day, p.type_id) for p in sorted(plan.create, key=lambda p: p.day)]
    assert got == [
        (date(2026, 3, 4), ids["adj"]),
        (date(2026, 3, 11), ids["bond"]),
        (date(2026, 3, 18), ids["adj"]),
        (date(2026, 3, 25), ids["bond"]),
    ]


# ----- booking fills slots; replace ------------------------------------------------------------


def test_booking_into_an_applied_slot_fills_it_and_cancelling_reopens_it(db, setup, manager, clock):
    ids = setup
    thu = date(2026, 3, 5)
    with db.write() as s:
        apply_template(s, manager, params(ids, thu, thu), now=clock.now())
    with db.read() as s:
        open_before = open_template_slots(
            s, location_ids=[ids["loc"]], start=local(thu, 0), end=local(thu, 23)
        )
    assert [(o.start_minute, o.type_name) for o in open_before] == [(540, "Adjustment"), (600, "Bonding")]
    with db.write() as s:
        appt_id = book_ids(
            s,
            manager,
            patient_id=ids["patients"][0],
            provider_id=ids["chen"],
            chair_id=ids["chair"],
            type_id=ids["adj"],
            start=local(thu, 9),
            now=clock.now(),
            minutes=None,
        )
    with db.read() as s:
        slot = s.scalar(select(AppliedSlot).where(AppliedSlot.start_minute == 540))
        assert slot is not None and (slot.status, slot.appointment_id, slot.booked_type_id) == (
            "booked",
            appt_id,
            ids["adj"],
        )
        assert (
            len(open_template_slots(s, location_ids=[ids["loc"]], start=local(thu, 0), end=local(thu, 23)))
            == 1
        )
    with db.write() as s:
        move_appointment(s, manager, appt_id, start=local(thu, 10, 15), now=clock.now())
    with db.read() as s:
        statuses = dict(
            s.execute(
                select(AppliedSlot.start_minute, AppliedSlot.status).where(AppliedSlot.block_reason.is_(None))
            ).all()
        )
        assert statuses == {540: "open", 600: "booked"}
    with db.write() as s:
        cancel_appointment(s, manager, appt_id, reason="sick", now=clock.now())
    with db.read() as s:
        booked = select(func.count()).select_from(AppliedSlot).where(AppliedSlot.status == "booked")
        assert s.scalar(booked) == 0


def test_replace_swaps_an_application_removing_only_unbooked_slots(db, setup, manager, clock):
    ids = setup
    p = params(ids, date(2026, 3, 4), date(2026, 3, 6))
    with db.write() as s:
        first = apply_template(s, manager, p, now=clock.now())
        book_ids(
            s,
            manager,
            patient_id=ids["patients"][0],
            provider_id=ids["chen"],
            chair_id=ids["chair"],
            type_id=ids["adj"],
            start=local(date(2026, 3, 5), 9),
            now=clock.now(),
            minutes=None,
        )
        current = schedule_templates.get_template(s, ids["t"])
        # v2: the adjustment moves to 09:30, bonding stays.
        v2 = [
            SlotSpec(570, 590, sl.type_id, weekday=sl.weekday) if sl.start == 540 else sl
            for sl in current.slots
        ]
        schedule_templates.save_template(s, manager, ids["t"], slots=v2, now=clock.now())
    assert first.application_id is not None
    with db.write() as s:
        result = replace_application(s, manager, first.application_id, now=clock.now())
    with db.read() as s:
        old = s.get(TemplateApplication, first.application_id)
        assert old is not None and old.replaced_by == result.application_id
        rows = s.execute(
            select(
                AppliedSlot.application_id, AppliedSlot.day, AppliedSlot.start_minute, AppliedSlot.status
            ).order_by(AppliedSlot.id)
        ).all()
    live = {(r.day, r.start_minute, r.status) for r in rows if r.status != "removed"}
    # The booked 09:00 slot stays booked; the new 09:30 adjustment fits next to it on Thursday.
    assert (date(2026, 3, 5), 540, "booked") in live
    assert {(d, m) for d, m, st in live if st == "open" and m in (540, 570)} == {
        (date(2026, 3, 4), 570),
        (date(2026, 3, 5), 570),
        (date(2026, 3, 6), 570),
    }
    assert sum(1 for r in rows if r.status == "removed") == 3 * 3 - 1
    with db.write() as s, pytest.raises(ValidationError, match="already replaced"):
        replace_application(s, manager, first.application_id, now=clock.now())


def test_list_applications_reports_counts(db, setup, manager, clock):
    ids = setup
    with db.write() as s:
        apply_template(s, manager, params(ids, date(2026, 3, 4), date(2026, 3, 5)), now=clock.now())
        book_ids(
            s,
            manager,
            patient_id=ids["patients"][0],
            provider_id=ids["chen"],
            chair_id=ids["chair"],
            type_id=ids["bond"],
            start=local(date(2026, 3, 4), 10),
            now=clock.now(),
            minutes=None,
        )
    with db.read() as s:
        [row] = list_applications(s)
    assert (row.template_name, row.version_number, row.created_count, row.booked_count, row.open_count) == (
        "Standard week",
        1,
        6,
        1,
        5,
    )


def test_time_a_template_keeps_free_refuses_bookings_and_is_not_free(db, setup, manager, receptionist, clock):
    from orca_desk.services.availability import find_openings, free_intervals
    from orca_desk.services.errors import OutsideHoursError

    ids = setup
    thu = date(2026, 3, 5)
    with db.write() as s:
        huddle = schedule_templates.create_template(
            s,
            manager,
            name="Huddle",
            kind="week",
            slots=[SlotSpec(15 * 60, 15 * 60 + 30, None, weekday=3, blocked=True, reason="Team huddle")],
            now=clock.now(),
        )
        apply_template(
            s,
            manager,
            ApplyParams(
                template_id=huddle.template.id, provider_ids=(ids["chen"],), start_day=thu, end_day=thu
            ),
            now=clock.now(),
        )
    at_1510 = BookingRequest(ids["patients"][0], ids["chen"], ids["chair"], ids["adj"], local(thu, 15, 10))
    with (
        pytest.raises(OutsideHoursError, match=r"The template keeps 15:00–15:30 free \(Team huddle\)"),
        db.write() as s,
    ):
        book_appointment(s, receptionist, at_1510, now=clock.now())
    with db.read() as s:
        free = free_intervals(s, provider_id=ids["chen"], start_day=thu, end_day=thu)[thu]
        openings = find_openings(
            s, minutes=30, after=local(thu, 14, 30), provider_ids=[ids["chen"]], horizon_days=1, limit=3
        )
    assert free == [(8 * 60, 12 * 60), (13 * 60, 15 * 60), (15 * 60 + 30, 17 * 60)]
    assert [o.start for o in openings[:2]] == [local(thu, 14, 30), local(thu, 15, 30)]
    assert not any(o.start < local(thu, 15, 30) and o.end > local(thu, 15) for o in openings)
    with db.write() as s:  # another provider is not held by Dr. Chen's huddle
        book_appointment(
            s,
            receptionist,
            BookingRequest(ids["patients"][1], ids["priya"], ids["chair2"], ids["adj"], local(thu, 15, 10)),
            now=clock.now(),
        )
    with db.write() as s:  # a manager may book into it on purpose
        book_appointment(s, manager, replace(at_1510, override_hours=True), now=clock.now())


# ----- chunked runs (issue 18, item 24): another desk can write between chunks -------------------


WEEK = (0, 1, 2, 3, 4)


def _another_desk_can_write(db) -> bool:
    """Whether a second connection gets SQLite's write lock at once (no busy wait)."""
    import sqlite3

    conn = sqlite3.connect(db.url.database, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        conn.close()


def test_a_single_transaction_apply_holds_the_write_lock_throughout(db, setup, manager, clock):
    """Why chunks exist: during ``apply_template`` nobody else can write."""
    seen: list[bool] = []
    with db.write() as s:
        apply_template(
            s,
            manager,
            params(setup, date(2026, 3, 4), date(2026, 3, 31)),
            now=clock.now(),
            progress=lambda done, total: seen.append(_another_desk_can_write(db)),
        )
    assert seen and not any(seen)


def test_chunked_apply_lets_another_desk_book_between_chunks(db, setup, manager, clock):
    ids = setup
    march = params(ids, date(2026, 3, 4), date(2026, 3, 31), weekdays=WEEK)
    seen: list[tuple[int, bool]] = []
    booked: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, _another_desk_can_write(db)))
        if done == 5 and not booked:  # another desk books Chen into a slot of the third week
            with db.write() as s:
                booked.append(
                    book_ids(
                        s,
                        manager,
                        patient_id=ids["patients"][0],
                        provider_id=ids["chen"],
                        chair_id=ids["chair"],
                        type_id=ids["adj"],
                        start=local(date(2026, 3, 18), 9),
                        now=clock.now(),
                        minutes=None,
                    )
                )

    result = apply_template_in_chunks(
        db.write, manager, march, now=clock.now(), progress=progress, chunk_days=5
    )
    assert [d for d, _ in seen] == [0, 5, 10, 15, 20] and all(ok for _, ok in seen)
    assert (result.created, result.days_done, result.days_total) == (20 * 3 - 1, 20, 20)
    assert result.counts == {"create": 59, "existing": 1, "off": 0, "applied": 0}
    assert count_slots(db) == 59 and booked
    with db.read() as s:
        apps = s.scalars(select(TemplateApplication)).all()
        assert [(a.created_count, a.start_day, a.end_day) for a in apps] == [
            (59, date(2026, 3, 4), date(2026, 3, 31))
        ]
    # Idempotent, as the one-transaction apply.
    again = apply_template_in_chunks(db.write, manager, march, now=clock.now(), chunk_days=7)
    assert again.created == 0 and again.application_id is None and count_slots(db) == 59


def test_chunked_apply_cancel_keeps_whole_days_and_bad_input_writes_nothing(db, setup, manager, clock):
    ids = setup
    march = params(ids, date(2026, 3, 4), date(2026, 3, 31), weekdays=WEEK)
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 8  # asked before each day: eight days pass, then stop

    result = apply_template_in_chunks(db.write, manager, march, now=clock.now(), cancel=cancel, chunk_days=5)
    assert result.cancelled and result.days_done == 8 and result.created == 8 * 3
    assert result.last_day_done == date(2026, 3, 13)
    with db.read() as s:
        per_day = dict(s.execute(select(AppliedSlot.day, func.count()).group_by(AppliedSlot.day)).all())
    assert set(per_day.values()) == {3} and max(per_day) == date(2026, 3, 13) and len(per_day) == 8
    before = count_slots(db)
    with pytest.raises(ValidationError, match="in the past"):
        apply_template_in_chunks(
            db.write, manager, replace(march, start_day=date(2026, 3, 2)), now=clock.now()
        )
    assert count_slots(db) == before


def test_chunked_replace_swaps_day_by_day(db, setup, manager, clock):
    ids = setup
    p = params(ids, date(2026, 3, 4), date(2026, 3, 20))
    first = apply_template_in_chunks(db.write, manager, p, now=clock.now(), chunk_days=4)
    with db.write() as s:
        current = schedule_templates.get_template(s, ids["t"])
        v2 = [
            SlotSpec(570, 590, sl.type_id, weekday=sl.weekday) if sl.start == 540 else sl
            for sl in current.slots
        ]
        schedule_templates.save_template(s, manager, ids["t"], slots=v2, now=clock.now())
    assert first.application_id is not None
    result = replace_application_in_chunks(
        db.write, manager, first.application_id, now=clock.now(), chunk_days=4
    )
    with db.read() as s:
        old = s.get(TemplateApplication, first.application_id)
        assert old is not None and old.replaced_by == result.application_id
        live = s.execute(
            select(AppliedSlot.start_minute, func.count())
            .where(AppliedSlot.status == "open")
            .group_by(AppliedSlot.start_minute)
        ).all()
    assert dict(live) == {570: 13, 600: 13, 720: 13}
    with pytest.raises(ValidationError, match="already replaced"):
        replace_application_in_chunks(db.write, manager, first.application_id, now=clock.now())


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"name": "T" * 121}, "name", "at most 120"),
        ({"name": "Week\x00"}, "name", "control characters"),
        ({"description": "d" * 501}, "description", "at most 500"),
        ({"rotation": ("A", "B" * 21)}, "rotation", "at most 20"),
        ({"rotation": ("A", " ")}, "rotation", "Name every week"),
        (
            {"slots": [SlotSpec(600, 660, None, weekday=0, blocked=True, reason="r" * 121)]},
            "slots",
            "at most 120",
        ),
    ],
)
def test_over_long_template_text_is_refused_naming_the_field(db, manager, clock, kw, field, words):
    with db.write() as s:
        make_world(s)
    args = {"name": "Week", "kind": "week", "slots": (), **kw}
    with pytest.raises(ValidationError, match=words) as err, db.write() as s:
        schedule_templates.create_template(s, manager, now=clock.now(), **args)
    assert err.value.field == field
    with db.read() as s:
        assert schedule_templates.list_templates(s, include_inactive=True) == []


def test_over_long_note_and_rename_are_refused(db, setup, manager, clock):
    ids = setup
    with pytest.raises(ValidationError, match="at most 300") as err, db.write() as s:
        schedule_templates.save_template(s, manager, ids["t"], slots=[], note="n" * 301, now=clock.now())
    assert err.value.field == "note"
    with pytest.raises(ValidationError, match="at most 120") as err, db.write() as s:
        schedule_templates.update_template(s, manager, ids["t"], name="x" * 200, now=clock.now())
    assert err.value.field == "name"
    with db.read() as s:
        assert [(t.name, t.version) for t in schedule_templates.list_templates(s)] == [("Standard week", 1)]


def test_chairs_left_empty_take_the_providers_usual_chairs(db, manager, clock, setup):
    """The Apply dialog calls chairs optional: for one provider with usual chairs, they are the lanes."""
    from orca_desk.models.clinic import ProviderChair

    ids = setup
    with db.write() as s:
        t = schedule_templates.create_template(
            s,
            manager,
            name="Two chairs",
            kind="day",
            chair_count=2,
            slots=[SlotSpec(540, 630, ids["bond"]), SlotSpec(540, 560, ids["adj"], chair_index=1)],
            now=clock.now(),
        )
        s.add_all(
            [
                ProviderChair(provider_id=ids["chen"], chair_id=ids["chair2"], sort_order=0),
                ProviderChair(provider_id=ids["chen"], chair_id=ids["chair"], sort_order=1),
            ]
        )
        s.flush()
        plan = plan_application(
            s,
            ApplyParams(t.template.id, (ids["chen"],), date(2026, 3, 4), date(2026, 3, 4)),
            now=clock.now(),
        )
    assert plan.params.chair_ids == (ids["chair2"], ids["chair"])
    assert {(p.chair_id, p.type_id) for p in plan.create} == {
        (ids["chair2"], ids["bond"]),
        (ids["chair"], ids["adj"]),
    }
