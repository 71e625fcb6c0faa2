"""Online booking rules: what is offered, 5-minute holds, the phone code, matching, and races."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.online_booking import BookingHold
from orca_desk.models.patient import ConsentEvent, Patient
from orca_desk.models.reminders import PlannedReminder
from orca_desk.services import online_booking as ob
from orca_desk.services.clinic.clinic_defaults import seed_clinic_defaults
from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.outbox import VERIFICATION_PURPOSE
from tests.conftest import NOW
from tests.services.online_booking.support import BookingWorld, make_booking_world

FORM = {
    "first_name": "Mila",
    "last_name": "Rivera",
    "date_of_birth": "2014-05-02",
    "guardian_name": "Ana Rivera",
    "phone": "(617) 555-0142",
    "email": "",
    "sms_consent": "yes",
}


@pytest.fixture
def bw(db, manager) -> BookingWorld:
    return make_booking_world(db, manager)


def _offered(db, bw, now=NOW):
    with db.read() as s:
        return ob.offered_openings(s, location_id=bw.location_id, type_id=bw.type_id, now=now)


def _hold(db, bw, opening, now=NOW) -> int:
    with db.write() as s:
        slot = ob.Slot(opening.provider_id, opening.chair_id, opening.start)
        return ob.hold_slot(s, location_id=bw.location_id, type_id=bw.type_id, slot=slot, now=now).id


def _code(db, hold_id) -> str:
    with db.read() as s:
        body = s.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.source_type == "booking_hold", OutboxMessage.source_id == hold_id)
            .order_by(OutboxMessage.id.desc())
        ).first()
    assert body is not None
    found = re.match(r"(\d{6}) is your Harbor Orthodontics booking code", body)
    assert found, body
    return found.group(1)


def _details(db, hold_id, form=FORM, now=NOW) -> str:
    with db.write() as s:
        details = ob.parse_details(dict(form), today=now.date())
        ob.send_code(s, hold_id, details, now=now, clinic_name=ob.clinic_name(s))
    return _code(db, hold_id)


def test_openings_start_after_the_minimum_notice_and_stop_at_the_horizon(db, bw):
    got = _offered(db, bw)
    assert got
    assert min(o.start for o in got) >= NOW + timedelta(hours=24)
    assert max(o.start for o in got) < NOW + timedelta(days=21)


def test_closed_paused_and_unlisted_types_offer_nothing(db, bw, manager):
    with db.read() as s, pytest.raises(ValidationError) as bad:
        ob.offered_openings(s, location_id=bw.location_id, type_id=bw.other_type_id, now=NOW)
    assert bad.value.field == "type"
    with db.write() as s:
        ob.set_paused(s, manager, True, now=NOW)
    with pytest.raises(ob.OnlineBookingClosed):
        _offered(db, bw)
    with db.write() as s:
        assert ob.set_paused(s, manager, False, now=NOW).open
    assert _offered(db, bw)


def test_bad_settings_name_the_field_and_change_nothing(db, bw, manager):
    with db.write() as s, pytest.raises(ValidationError) as bad:
        ob.save_settings(s, manager, ob.OnlineBookingSettings(enabled=True, horizon_days=0), now=NOW)
    assert bad.value.field == "horizon_days"
    with db.read() as s:
        assert ob.load_settings(s).horizon_days == 21


def test_a_held_slot_is_not_offered_and_cannot_be_held_twice_until_it_expires(db, bw):
    first = _offered(db, bw)[1]  # not the first: the minimum notice moves on with the clock
    _hold(db, bw, first)
    assert first.start not in [o.start for o in _offered(db, bw) if o.provider_id == first.provider_id]
    with pytest.raises(ob.SlotTaken):
        _hold(db, bw, first)
    later = NOW + timedelta(minutes=ob.HOLD_MINUTES, seconds=1)
    assert first.start in [o.start for o in _offered(db, bw, later)]
    assert _hold(db, bw, first, later)
    with db.read() as s:  # the expired hold was tidied away as the new one was made
        assert sorted(s.scalars(select(BookingHold.status))) == ["held", "released"]
    with db.write() as s:
        assert ob.release_expired(s, later + timedelta(minutes=ob.HOLD_MINUTES)) == 1


def test_an_expired_hold_cannot_be_confirmed(db, bw):
    hold_id = _hold(db, bw, _offered(db, bw)[0])
    code = _details(db, hold_id)
    with db.write() as s, pytest.raises(ob.SlotTaken):
        ob.confirm(s, hold_id, code, now=NOW + timedelta(minutes=6))


def test_the_code_books_a_new_patient_tagged_online_with_consent_and_reminders(db, bw):
    with db.write() as s:
        seed_clinic_defaults(s, bw.clinic_id, now=NOW)
    opening = _offered(db, bw)[0]
    hold_id = _hold(db, bw, opening)
    code = _details(db, hold_id)
    with db.read() as s:
        msg = s.scalars(select(OutboxMessage).where(OutboxMessage.source_id == hold_id)).one()
        assert msg.purpose == VERIFICATION_PURPOSE and msg.to_address == "+16175550142"
    wrong = "000000" if code != "000000" else "111111"
    with db.write() as s:
        result = ob.confirm(s, hold_id, wrong, now=NOW)
    assert result.appointment_id is None and "4 tries left" in (result.problem or "")
    with db.write() as s:
        result = ob.confirm(s, hold_id, code, now=NOW + timedelta(minutes=1))
    assert result.appointment_id is not None and not result.review
    with db.read() as s:
        appt = s.get(Appointment, result.appointment_id)
        assert appt is not None and appt.notes == ob.BOOKED_ONLINE and appt.start_at == opening.start
        p = s.get(Patient, appt.patient_id)
        assert p is not None and (p.first_name, p.date_of_birth) == ("Mila", date(2014, 5, 2))
        assert (
            p.sms_consent and p.sms_consent_source == "online booking" and p.contact_phone == "+16175550142"
        )
        assert s.scalars(select(ConsentEvent.source).where(ConsentEvent.patient_id == p.id)).all() == [
            "online booking"
        ]
        assert (
            s.scalar(
                select(func.count())
                .select_from(PlannedReminder)
                .where(PlannedReminder.appointment_id == appt.id)
            )
            > 0
        )
        assert s.get(BookingHold, hold_id).status == "booked"
    # Dr. Chen sees two at once: the time may still be offered, but never in the booked chair.
    assert (opening.start, opening.chair_id) not in [(o.start, o.chair_id) for o in _offered(db, bw)]


def test_an_existing_patient_is_matched_and_an_uncertain_one_goes_to_review(db, bw):
    with db.write() as s:
        p = s.get(Patient, bw.patient_ids[0])
        p.first_name, p.last_name, p.date_of_birth = "Mila", "Rivera", date(2014, 5, 2)
        p.contact_phone = "+16175550142"
    before = _count_patients(db)
    opening = _offered(db, bw)[0]
    hold_id = _hold(db, bw, opening)
    with db.write() as s:
        sure = ob.confirm(s, hold_id, _details(db, hold_id), now=NOW)
    with db.read() as s:
        assert s.get(Appointment, sure.appointment_id).patient_id == bw.patient_ids[0]
    assert _count_patients(db) == before and not sure.review
    # The same name and birthday at another number: a new record, and staff decide.
    hold_id = _hold(db, bw, _offered(db, bw)[0])
    code = _details(db, hold_id, {**FORM, "phone": "617 555 0199"})
    with db.write() as s:
        unsure = ob.confirm(s, hold_id, code, now=NOW)
    assert unsure.review and _count_patients(db) == before + 1
    with db.read() as s:
        rows = ob.open_reviews(s)
    assert [(r.candidate_id, r.appointment_id) for r in rows] == [(bw.patient_ids[0], unsure.appointment_id)]


def _count_patients(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Patient)) or 0


def test_bad_details_name_the_field(db, bw):
    for field, value in [("first_name", " "), ("date_of_birth", "2 May"), ("phone", "12"), ("email", "x y")]:
        with pytest.raises(ValidationError) as bad:
            ob.parse_details({**FORM, field: value}, today=NOW.date())
        assert bad.value.field == field


def _race(db, bw) -> list[str]:
    opening = _offered(db, bw)[0]
    results: list[str] = []
    barrier = threading.Barrier(2)

    def family() -> None:
        barrier.wait()
        try:
            _hold(db, bw, opening)
            results.append("held")
        except ob.SlotTaken:
            results.append("taken")

    threads = [threading.Thread(target=family) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(results)


def test_two_families_race_for_one_slot_on_sqlite(db, bw):
    assert _race(db, bw) == ["held", "taken"]


def test_two_families_race_for_one_slot_on_postgresql(pg_db, manager):
    bw = make_booking_world(pg_db, manager)
    assert _race(pg_db, bw) == ["held", "taken"]


def test_template_time_for_other_types_and_blocked_time_is_not_offered(db, bw, manager):
    from orca_desk.services import schedule_templates
    from orca_desk.services.schedule_templates import SlotSpec
    from orca_desk.services.template_engine.applying import apply_template
    from orca_desk.services.template_engine.plans import ApplyParams

    before = _offered(db, bw)
    with db.write() as s:
        slots = [SlotSpec(12 * 60, 13 * 60, bw.other_type_id, weekday=wd) for wd in range(5)]
        slots += [
            SlotSpec(8 * 60, 10 * 60, None, weekday=wd, blocked=True, reason="Huddle") for wd in range(5)
        ]
        t = schedule_templates.create_template(s, manager, name="Week", kind="week", slots=slots, now=NOW)
        params = ApplyParams(
            template_id=t.template.id,
            provider_ids=(bw.provider_id,),
            start_day=date(2026, 3, 4),
            end_day=date(2026, 3, 20),
        )
        apply_template(s, manager, params, now=NOW)
    after = _offered(db, bw)
    assert after and after != before
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")
    applied = [o for o in after if o.start.astimezone(zone).date() <= date(2026, 3, 20)]
    assert applied
    for o in applied:
        start, end = o.start.astimezone(zone), o.end.astimezone(zone)
        minutes = (start.hour * 60 + start.minute, end.hour * 60 + end.minute)
        assert minutes[1] <= 8 * 60 or minutes[0] >= 10 * 60, start  # the huddle is blocked
        assert minutes[1] <= 12 * 60 or minutes[0] >= 13 * 60, start  # noon is kept for bonding
    with db.write() as s, pytest.raises(ob.SlotTaken):
        noon = next(o for o in before if o.start.astimezone(zone).hour == 12)
        ob.hold_slot(
            s,
            location_id=bw.location_id,
            type_id=bw.type_id,
            slot=ob.Slot(noon.provider_id, noon.chair_id, noon.start),
            now=NOW,
        )


def test_the_code_goes_out_at_once_even_in_quiet_hours_to_a_number_with_no_patient(db, manager, fake):
    from orca_desk.services.messaging.dispatch import dispatch_due
    from tests.fakes import twilio_for

    late = NOW.replace(hour=3, minute=30) + timedelta(days=1)  # 22:30 in New York: quiet hours
    bw = make_booking_world(db, manager, now=late)
    with db.read() as s:
        opening = ob.offered_openings(s, location_id=bw.location_id, type_id=bw.type_id, now=late)[0]
    hold_id = _hold(db, bw, opening, late)
    code = _details(db, hold_id, now=late)
    dispatch_due(db, {"sms": twilio_for(fake)}, now=late, worker_id="w")
    assert [(m.to, m.body[:6]) for m in fake.sent_sms] == [("+16175550142", code)]
