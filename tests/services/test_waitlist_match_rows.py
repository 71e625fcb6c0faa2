"""What the match list shows of each family: how they would be told (opt-outs honoured, an
email address in any case) and preferred times in the clinic's time style."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.models.messaging import ContactState
from orca_desk.models.openings import Opening
from orca_desk.models.patient import Patient
from orca_desk.services.waitlist.matching import match_opening
from orca_desk.services.waitlist.offers import offer_opening
from tests.factories import book
from tests.services.test_waitlist import SETTINGS, SLOT, STAFF, WEEK, add_entry, cancel, offers, world  # noqa: F401


def _tell(db, w, now):
    """Four families: email (no SMS consent), phone (SMS opted out), SMS, phone (their email,
    written in capitals, opted out in the lower case every opt-out is stored in)."""
    with db.write() as s:
        p1, p2, p3, p4 = (s.get(Patient, w.patients[k].id) for k in (1, 2, 3, 4))
        p1.sms_consent, p1.contact_email, p1.email_consent = False, "mum@example.com", True
        p2.sms_consent = True
        s.add(ContactState(channel="sms", address=p2.contact_phone, opted_out=True, updated_at=now))
        p3.sms_consent = True
        p4.sms_consent, p4.contact_email, p4.email_consent = False, "Dad@Example.com", True
        s.add(ContactState(channel="email", address="dad@example.com", opted_out=True, updated_at=now))
    return [add_entry(db, w, k, now=now, priority=k) for k in (1, 2, 3, 4)]


def test_the_match_list_tells_each_family_the_way_an_offer_would(db, world, clock, receptionist):  # noqa: F811
    now = clock.now()
    e1, e2, e3, e4 = _tell(db, world, now)
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, patient=8, ahead=WEEK), now)
    with db.read() as s:
        rows = {r.entry_id: r.channel for r in match_opening(s, oid, now=now)}
    assert rows == {e1: "email", e2: "phone", e3: "sms", e4: "phone"}
    # Three more openings (other chairs, an hour later on the first): each family gets one.
    for k, (chair, start) in enumerate([(1, SLOT), (2, SLOT), (0, SLOT + timedelta(hours=1))]):
        appt = book(db, receptionist, world, patient=9 + k, chair=chair, start=start, ahead=WEEK)
        cancel(db, receptionist, appt, now)
    with db.write() as s:
        for opening_id in s.scalars(select(Opening.id)):
            offer_opening(s, STAFF, opening_id, now=now, settings=SETTINGS)
    assert {o.entry_id: o.channel for o in offers(db)} == rows


def test_preferred_times_follow_the_clinic_time_style(db, world, clock, receptionist):  # noqa: F811
    now = clock.now()
    entry = add_entry(db, world, 1, now=now, time_windows=[(13 * 60, 19 * 60)])
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, patient=8, ahead=WEEK), now)
    with db.read() as s:
        (row,) = match_opening(s, oid, now=now)
    assert row.entry_id == entry and row.reason.startswith("prefers after 1:00 PM")
    with db.write() as s:
        s.add(ClinicSetting(key="time_format", value="24h", updated_at=now))
    with db.read() as s:
        (row,) = match_opening(s, oid, now=now)
    assert row.reason.startswith("prefers after 13:00")
