"""The "To rebook" rule and the calendar summary, on hand-made days, the demo clinic, and a clinic set
up from an empty database; the rebook query on PostgreSQL too."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider
from orca_desk.paths import resources_dir
from orca_desk.services.availability import BlockRow, CalendarOverlay, calendar_overlay
from orca_desk.services.booking import booking
from orca_desk.services.booking.rebook import to_rebook
from orca_desk.services.calendar.calendar_data import CalendarAppointment, load_days
from orca_desk.services.calendar.day_summary import summarise
from tests.conftest import NOW
from tests.factories import book, book_ids, make_world

NY = ZoneInfo("America/New_York")
DAY = date(2026, 3, 3)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


def _cancel(db, actor, appt_id):
    with db.write() as s:
        booking.cancel_appointment(s, actor, appt_id, reason="sick", now=NOW)


def _rebook_names(db, w, days=(DAY,), now=NOW):
    with db.read() as s:
        return [(r.patient_name, r.status) for r in to_rebook(s, {w.location.id: NY}, list(days), now=now)]


def _rule(database, manager):
    with database.write() as s:
        w = make_world(s, chairs=3, patients=5)
    cancelled = book(database, manager, w, now=NOW, patient=0, start=at(9))
    _cancel(database, manager, cancelled)
    no_show = book(database, manager, w, now=NOW, patient=1, start=at(8), chair=1)
    with database.write() as s:
        booking.mark_no_show(s, manager, no_show, now=NOW)
    # Kid2 cancelled today but already has a visit next week; Kid3 cancelled a visit on Friday and is
    # booked again for Thursday (before it, but from now on): neither is waiting.
    _cancel(database, manager, book(database, manager, w, now=NOW, patient=2, start=at(11)))
    book(database, manager, w, now=NOW, patient=2, start=at(11, day=DAY + timedelta(days=7)))
    friday = book(database, manager, w, now=NOW, patient=3, start=at(10, day=DAY + timedelta(days=3)))
    _cancel(database, manager, friday)
    book(database, manager, w, now=NOW, patient=3, start=at(10, day=DAY + timedelta(days=2)))
    assert _rebook_names(database, w) == [("Kid1 Smith", "no_show"), ("Kid0 Smith", "cancelled")]
    week = [DAY - timedelta(days=1) + timedelta(days=k) for k in range(7)]
    assert [n for n, _ in _rebook_names(database, w, week)] == ["Kid1 Smith", "Kid0 Smith"]
    # Rebooked: Kid0 leaves the list.
    book(database, manager, w, now=NOW, patient=0, start=at(15, day=DAY + timedelta(days=1)))
    assert _rebook_names(database, w) == [("Kid1 Smith", "no_show")]
    # A second miss by the same patient shows once (the latest).
    _cancel(database, manager, book(database, manager, w, now=NOW, patient=1, start=at(16)))
    with database.read() as s:
        [row] = to_rebook(s, {w.location.id: NY}, [DAY], now=NOW)
        assert (row.status, row.reason, row.when_text) == ("cancelled", "sick", "Tue, Mar 3, 2026, 4:00 PM")
        assert (row.type_name, row.minutes, row.provider_id) == ("Adjustment", 20, w.ortho.id)


def test_the_rebook_rule(db, manager):
    _rule(db, manager)


def test_the_rebook_rule_on_postgresql(pg_db, manager):
    _rule(pg_db, manager)


def _appt(id_, status, start, minutes, *, chair=1, confirmation="unconfirmed", location=1):
    return CalendarAppointment(
        id_,
        1,
        id_,
        "P",
        "P.",
        1,
        "Dr",
        chair,
        location,
        1,
        "Adj",
        "#fff",
        start,
        start + timedelta(minutes=minutes),
        status,
        confirmation,
        None,
    )


def test_the_summary_of_a_hand_made_day_is_exact():
    overlay = CalendarOverlay(
        working={},
        location_open={DAY: [(480, 720), (780, 1020)]},  # 8 h, lunch off
        blocks=[
            BlockRow(1, DAY, 600, 660, None, 2, "meeting", "#ccc", 1),  # chair 2
            BlockRow(2, DAY, 900, 960, 7, None, "provider lunch", "#ccc", 1),
        ],
    )
    rows = [
        _appt(1, "scheduled", at(8), 30),  # unconfirmed
        _appt(2, "confirmed", at(9), 60, confirmation="confirmed"),
        _appt(3, "completed", at(13), 45, chair=2),
        _appt(4, "scheduled", at(14), 15, chair=2, confirmation="requested"),  # unconfirmed
        _appt(5, "cancelled", at(10), 60, chair=3),
        _appt(6, "no_show", at(11), 20, chair=3),
        _appt(7, "scheduled", at(9, day=DAY + timedelta(days=1)), 30),
    ]  # another day
    s = summarise(
        rows,
        days=[DAY],
        zones={1: NY},
        chairs={1: [1, 2, 3]},
        overlays={1: overlay},
        offer_starts=[(1, at(15)), (1, at(9, day=DAY + timedelta(days=1)))],
        to_rebook=2,
    )
    assert (s.visits, s.unconfirmed, s.cancelled, s.no_shows, s.offers, s.to_rebook) == (4, 2, 1, 1, 1, 2)
    assert s.booked_minutes == 30 + 60 + 45 + 15
    # 3 chairs × 480 open minutes, less chair 2's meeting (60), less the live visits (150); the
    # provider's lunch and the cancelled and no-show time leave the chairs free.
    assert s.free_minutes == 3 * 480 - 60 - 150
    assert s.text() == (
        "4 visits · 2 unconfirmed · 2.5 chair-h booked · 20.5 chair-h free · "
        "1 opening on offer · 1 cancelled · 1 no-show"
    )


def test_on_the_demo_clinic_the_list_follows_the_rule_and_the_summary_counts_the_day(db, manager):
    from orca_desk.services.demo import load_demo

    with db.write() as s:
        load_demo(s, "small", now=NOW)
    with db.read() as s:
        locations = {loc.id: ZoneInfo(loc.timezone) for loc in s.scalars(select(Location))}
        day = (NOW - timedelta(days=1)).astimezone(NY).date()
        rows = to_rebook(s, locations, [day], now=NOW)
        missed = s.execute(
            select(Appointment.location_id, Appointment.patient_id, Appointment.start_at).where(
                Appointment.status.in_(("cancelled", "no_show"))
            )
        ).all()
        expected = set()
        for location_id, patient, start in missed:
            if start.astimezone(locations[location_id]).date() != day:
                continue
            later = s.scalar(
                select(Appointment.id)
                .where(
                    Appointment.patient_id == patient,
                    Appointment.status.in_(ACTIVE_STATUSES),
                    (Appointment.start_at > start) | (Appointment.start_at >= NOW),
                )
                .limit(1)
            )
            if later is None:
                expected.add(patient)
        assert {r.patient_id for r in rows} == expected
        assert len(rows) == len(expected)  # one row per patient
        appts = load_days(s, locations, [day], include_cancelled=True)
        overlays = {lid: calendar_overlay(s, location_id=lid, days=[day]) for lid in locations}
        chairs: dict[int, list[int]] = {}
        for c in s.scalars(select(Chair)):
            chairs.setdefault(c.location_id, []).append(c.id)
    # The demo's families have their next visit booked; one whose later visits are all cancelled
    # shows up (once).
    on_day = [(lid, p) for lid, p, start in missed if start.astimezone(locations[lid]).date() == day]
    assert on_day, "the demo has cancellations and no-shows every day"
    patient = on_day[0][1]
    with db.write() as s:
        for appt_id in s.scalars(
            select(Appointment.id).where(
                Appointment.patient_id == patient,
                Appointment.status.in_(("scheduled", "confirmed")),
                Appointment.start_at >= NOW,
            )
        ):
            booking.cancel_appointment(s, manager, appt_id, reason="moved away", now=NOW)
    with db.read() as s:
        assert [r.patient_id for r in to_rebook(s, locations, [day], now=NOW)] == [patient]
    summary = summarise(appts, days=[day], zones=locations, chairs=chairs, overlays=overlays)
    live = [a for a in appts if a.status in ACTIVE_STATUSES]
    assert summary.visits == len(live) > 0
    assert summary.cancelled + summary.no_shows == sum(a.status in ("cancelled", "no_show") for a in appts)
    assert summary.booked_minutes == sum(int((a.end - a.start).total_seconds()) // 60 for a in live)
    assert summary.free_minutes > 0


def test_a_clinic_set_up_from_an_empty_database(db, clock):
    from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
    from orca_desk.services.clinic_setup import apply_setup
    from orca_desk.services.patients.patients import PatientInput, create_patient
    from orca_desk.services.setup_file.reading import parse_setup

    text = (resources_dir() / "examples" / "clinic.toml").read_text(encoding="utf-8")
    with db.write() as s:
        apply_setup(s, parse_setup(text), actor=None, now=clock.now())
    actor = Actor(
        username="admin",
        role="admin",
        user_id=None,
        display_name="Admin",
        permissions=ROLE_PERMISSIONS["admin"],
    )
    with db.write() as s:
        clinic = s.scalar(select(Clinic))
        loc = s.scalar(select(Location).where(Location.name == "Harbour Street"))
        zone = ZoneInfo(loc.timezone)
        chair = s.scalar(select(Chair).where(Chair.location_id == loc.id).order_by(Chair.sort_order))
        costa = s.scalar(select(Provider).where(Provider.name == "Dr. Ana Costa"))
        adj = s.scalar(select(AppointmentType).where(AppointmentType.name == "Adjustment"))
        patient = create_patient(
            s, actor, clinic.id, PatientInput(first_name="Ava", last_name="Stone"), now=clock.now()
        )
        day = date(2026, 3, 9)  # a Monday: Dr. Costa works at Harbour Street 8–17
        start = datetime(2026, 3, 9, 10, 0, tzinfo=zone)
        appt = book_ids(
            s,
            actor,
            patient_id=patient.id,
            provider_id=costa.id,
            chair_id=chair.id,
            type_id=adj.id,
            start=start,
            now=clock.now(),
            minutes=adj.default_minutes,
        )
        booking.cancel_appointment(s, actor, appt, reason="sick", now=clock.now())
        ids = (loc.id, patient.id, costa.id)
    with db.read() as s:
        [row] = to_rebook(s, {ids[0]: zone}, [day], now=clock.now())
        assert (row.patient_id, row.provider_id, row.patient_name) == (ids[1], ids[2], "Ava Stone")
        overlay = calendar_overlay(s, location_id=ids[0], days=[day])
        chairs = {ids[0]: list(s.scalars(select(Chair.id).where(Chair.location_id == ids[0])))}
        appts = load_days(s, {ids[0]: zone}, [day], include_cancelled=True)
    summary = summarise(
        appts, days=[day], zones={ids[0]: zone}, chairs=chairs, overlays={ids[0]: overlay}, to_rebook=1
    )
    assert (summary.visits, summary.cancelled, summary.booked_minutes, summary.to_rebook) == (0, 1, 0, 1)
    assert summary.free_minutes > 0
