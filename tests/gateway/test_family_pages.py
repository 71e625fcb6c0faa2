"""Reschedule/cancel links and the live offer page: the service rules and the real gateway over HTTP."""

from __future__ import annotations

import html
import re
import threading
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import select

from orca_desk.gateway.family_pages import DEFAULT_ACCENT, readable_accent
from orca_desk.models.audit import AuditEvent
from orca_desk.models.messaging import LinkTokenUse, OutboxMessage
from orca_desk.models.openings import Opening
from orca_desk.services.errors import ConflictError, ValidationError
from orca_desk.services.links import reschedule_links as rl
from orca_desk.services.links.link_tokens import verify_short_token
from orca_desk.services.links.patient_links import RESCHEDULE
from orca_desk.services.waitlist.offer_status import offer_status
from tests.gateway.family_world import (
    SECRET,
    VISIT,
    appointment,
    book_other,
    family_world,
    fill_opening_elsewhere,
    gateway,
    local,
    offered_opening,
    on,
)

WED = date(2026, 3, 4)


# ----- the service --------------------------------------------------------------------------


def test_the_link_is_short_signed_and_names_only_the_visit(db, manager, clock):
    f = family_world(db, manager, clock)
    token = f.link.rsplit("/", 1)[1]
    assert f.link.startswith("http://127.0.0.1:8765/r/") and len(token) <= 24
    assert "Kid" not in f.link and "Smith" not in f.link
    claims = verify_short_token(SECRET, token, RESCHEDULE, clock.now())
    assert claims.subject_id == f.appointment_id and claims.expires_at == VISIT


def test_openings_honour_notice_horizon_provider_and_place(db, manager, clock):
    f = family_world(db, manager, clock)
    with db.read() as s:
        visit = rl.load_visit(s, f.appointment_id, clock.now())
        found = rl.openings_for(
            s, visit, clock.now(), rules=rl.FamilyRules(horizon_days=7, min_notice_hours=24)
        )
    assert found, "working hours on weekdays leave openings"
    assert min(o.start for o in found) >= clock.now() + timedelta(hours=24)
    assert max(o.start for o in found) < clock.now() + timedelta(days=7)
    assert {o.provider_id for o in found} == {f.w.ortho.id}
    assert {o.location_id for o in found} == {f.w.location.id}
    assert VISIT not in {o.start for o in found}


def test_a_move_goes_through_the_desk_rules_is_audited_and_frees_the_old_time(db, manager, clock):
    f = family_world(db, manager, clock)
    new = local(WED, 14)
    with db.write() as s:
        rl.move_visit(s, f.appointment_id, f"{new.isoformat()}|{f.w.chairs[1].id}", now=clock.now())
    moved = appointment(db, f.appointment_id)
    assert (moved.start_at, moved.chair_id, moved.confirmation) == (new, f.w.chairs[1].id, "unconfirmed")
    with db.read() as s:
        actions = {
            (e.actor, e.action) for e in s.scalars(select(AuditEvent).where(AuditEvent.entity_id == moved.id))
        }
        freed = s.scalars(select(Opening).where(Opening.source_appointment_id == moved.id)).all()
    assert ("patient-link", "move") in actions and ("patient-link", "family_link.move") in actions
    assert [o.start_at for o in freed] == [VISIT], "the old time becomes a waitlist opening"


def test_a_taken_time_is_refused_and_nothing_changes(db, manager, clock):
    f = family_world(db, manager, clock)
    new = local(WED, 14)
    book_other(db, manager, f.w, new, chair=1)
    book_other(db, manager, f.w, new, patient=2, chair=0)  # the orthodontist works two chairs at most
    with db.write() as s, pytest.raises(ConflictError):
        rl.move_visit(s, f.appointment_id, f"{new.isoformat()}|{f.w.chairs[1].id}", now=clock.now())
    assert appointment(db, f.appointment_id).start_at == VISIT


@pytest.mark.parametrize(
    "choice",
    ["garbage", "2026-03-03T15:00:00+00:00|1", "2026-06-03T15:00:00+00:00|1", "2026-03-04T19:00:00|1"],
)
def test_a_time_outside_notice_horizon_or_not_offered_is_refused(db, manager, clock, choice):
    f = family_world(db, manager, clock)
    with db.write() as s, pytest.raises(ValidationError):
        rl.move_visit(s, f.appointment_id, choice, now=clock.now())
    assert appointment(db, f.appointment_id).start_at == VISIT


def test_cancel_with_a_reason_opens_the_slot_for_the_waitlist(db, manager, clock):
    f = family_world(db, manager, clock)
    with db.write() as s, pytest.raises(ValidationError, match="why"):
        rl.cancel_visit(s, f.appointment_id, "other", "  ", now=clock.now())
    with db.write() as s:
        rl.cancel_visit(s, f.appointment_id, "unwell", "fever", now=clock.now())
    appt = appointment(db, f.appointment_id)
    assert appt.status == "cancelled" and appt.cancel_reason == "Patient unwell: fever (family link)"
    with db.read() as s:
        assert s.scalar(select(Opening.start_at).where(Opening.source_appointment_id == appt.id)) == VISIT


def test_the_reminder_email_carries_the_reschedule_link():
    from orca_desk.services.messaging.message_templates import default_templates

    week = next(t for t in default_templates() if (t.key, t.channel) == ("reminder.week", "email"))
    assert "{reschedule_link}" in week.body


def test_the_brand_colour_is_used_only_when_white_text_stays_readable():
    assert readable_accent("#1b5e20") == "#1b5e20"
    assert readable_accent("#ffeb3b") == DEFAULT_ACCENT  # yellow: white text unreadable
    assert readable_accent("red;}body{x") == DEFAULT_ACCENT


def test_offer_status_open_then_taken(db, manager, clock):
    _, _, offer_id = offered_opening(db, manager, clock)
    with db.read() as s:
        status = offer_status(s, offer_id, clock.now())
    assert status.state == "open" and status.seconds_left and status.seconds_left > 0
    fill_opening_elsewhere(db, offer_id, clock)
    with db.read() as s:
        assert offer_status(s, offer_id, clock.now()).state == "taken"


# ----- over HTTP ----------------------------------------------------------------------------


def test_the_page_shows_first_name_local_time_place_and_openings(db, manager, clock):
    f = family_world(db, manager, clock)
    with gateway(db, clock) as gw:
        r = requests.get(on(gw, f.link), timeout=10)
        es = requests.get(on(gw, f.link) + "?lang=es", timeout=10)
    assert r.status_code == 200
    assert "Kid0" in r.text and "Smith" not in r.text
    assert "Thu, Mar 5 at 10:00 AM" in r.text and "Northside, 120 Harbor St" in r.text
    assert 'name="slot"' in r.text and "Move to this time" in r.text and 'for="reason"' in r.text
    assert r.headers["Cache-Control"] == "no-store" and r.headers["Referrer-Policy"] == "no-referrer"
    assert (
        es.status_code == 200 and 'lang="es"' in es.text and "jue, 5 de mar a las 10:00" in es.text
    )  # es_US


def test_a_spanish_family_gets_spanish(db, manager, clock):
    f = family_world(db, manager, clock, language="es")
    with gateway(db, clock) as gw:
        r = requests.get(on(gw, f.link), timeout=10)
        en = requests.get(on(gw, f.link) + "?lang=en", timeout=10)
    assert "Cambiar la cita de Kid0" in r.text and "Change Kid0&#x27;s visit" in en.text


def test_move_over_http_once(db, manager, clock):
    f = family_world(db, manager, clock)
    new = local(WED, 14)
    with gateway(db, clock) as gw:
        url = on(gw, f.link)
        r = requests.post(
            url, data={"action": "move", "slot": f"{new.isoformat()}|{f.w.chairs[0].id}"}, timeout=10
        )
        again = requests.post(url, data={"action": "cancel", "reason": "unwell"}, timeout=10)
        shown = requests.get(url, timeout=10)
    assert r.status_code == 200 and "Wed, Mar 4 at 2:00 PM" in r.text, r.text
    assert appointment(db, f.appointment_id).start_at == new
    assert again.status_code == 409 and "already used" in again.text
    assert shown.status_code == 409 and "already used" in shown.text
    assert appointment(db, f.appointment_id).status == "scheduled"
    with db.read() as s:
        assert s.scalars(select(LinkTokenUse.outcome)).all() == ["rescheduled"]


def test_a_raced_time_says_so_shows_fresh_openings_and_keeps_the_link(db, manager, clock):
    f = family_world(db, manager, clock)
    with gateway(db, clock) as gw:
        url = on(gw, f.link)
        values = re.findall(r'name="slot" value="([^"]+)"', requests.get(url, timeout=10).text)
        assert len(values) >= 2
        taken = rl.parse_choice(html.unescape(values[0]))[0]
        book_other(db, manager, f.w, taken, chair=0)
        book_other(db, manager, f.w, taken, patient=2, chair=1)  # the orthodontist's two chairs
        r = requests.post(url, data={"action": "move", "slot": html.unescape(values[0])}, timeout=10)
        assert r.status_code == 409 and "just taken" in r.text
        assert values[0] not in r.text and 'name="slot"' in r.text
        ok = requests.post(url, data={"action": "move", "slot": html.unescape(values[1])}, timeout=10)
    assert ok.status_code == 200
    assert appointment(db, f.appointment_id).start_at == rl.parse_choice(html.unescape(values[1]))[0]


def test_cancel_over_http_and_bad_links(db, manager, clock):
    f = family_world(db, manager, clock)
    with gateway(db, clock) as gw:
        url = on(gw, f.link)
        missing = requests.post(url, data={"action": "cancel", "reason": "other", "note": ""}, timeout=10)
        r = requests.post(url, data={"action": "cancel", "reason": "schedule", "note": "exam"}, timeout=10)
        tampered = requests.get(url[:-2] + ("AA" if not url.endswith("AA") else "BB"), timeout=10)
        clock.advance(timedelta(days=3))
        expired = requests.get(url, timeout=10)
    assert missing.status_code == 400 and "why you are cancelling" in missing.text
    assert r.status_code == 200 and "cancelled" in r.text
    assert appointment(db, f.appointment_id).status == "cancelled"
    assert tampered.status_code == 400 and expired.status_code == 410


def test_a_reminder_sent_for_the_visit_carries_a_working_link(db, manager, clock):
    from orca_desk.services import reminders

    f = family_world(db, manager, clock)
    with db.write() as s:
        for p in f.w.patients:
            s.merge(p).contact_email, s.merge(p).email_consent = "parent@example.com", True
    settings = reminders.ReminderSettings(secret=SECRET, base_url="http://127.0.0.1:8765")
    with db.write() as s:
        from orca_desk.models.appointment import Appointment
        from orca_desk.models.patient import Patient
        from orca_desk.services.reminders.rendering import _Ctx, _values

        a = s.get(Appointment, f.appointment_id)
        p = s.get(Patient, a.patient_id)
        values = _values(s, _Ctx(), a, p, settings, "email", "parent@example.com", clock.now())
    assert values["reschedule_link"].startswith("http://127.0.0.1:8765/r/")
    with gateway(db, clock) as gw:
        assert "Change Kid0&#x27;s visit" in requests.get(on(gw, values["reschedule_link"]), timeout=10).text
    with db.read() as s:
        assert s.scalar(select(OutboxMessage.id)) is None  # rendering sends nothing


def test_the_offer_page_is_live(db, manager, clock):
    _, link, offer_id = offered_opening(db, manager, clock)
    with gateway(db, clock) as gw:
        url = on(gw, link)
        page = requests.get(url, timeout=10)
        status = requests.get(url + "/status", timeout=10).json()
        fill_opening_elsewhere(db, offer_id, clock)
        taken = requests.get(url + "/status?lang=es", timeout=10).json()
        page_after = requests.get(url, timeout=10)
    assert page.status_code == 200 and "Still free" in page.text and "Book this visit" in page.text
    assert "script-src 'sha256-" in page.headers["Content-Security-Policy"]
    assert status["state"] == "open" and status["seconds_left"] > 0
    assert taken["state"] == "taken" and "otra familia" in taken["text"]
    assert "another family has just taken" in page_after.text and "Book this visit" not in page_after.text


def test_times_the_patient_is_busy_elsewhere_are_not_offered(db, manager, clock):
    f = family_world(db, manager, clock)
    with db.read() as s:
        visit = rl.load_visit(s, f.appointment_id, clock.now())
        before = rl.openings_for(s, visit, clock.now())
    busy = before[0]
    book_other(db, manager, f.w, busy.start, patient=0, chair=1)  # a second visit of the same patient
    with db.read() as s:
        after = rl.openings_for(s, visit, clock.now())
    assert busy.start not in {o.start for o in after} and len(after) >= len(before) - 1


def test_the_confirm_page_of_an_sms_reminder_leads_to_the_reschedule_page(db, manager, clock):
    from orca_desk.services.links.patient_links import CONFIRM, link_for

    f = family_world(db, manager, clock)
    confirm = link_for(CONFIRM, f.appointment_id, VISIT, secret=SECRET, base_url="http://127.0.0.1:8765")
    with gateway(db, clock) as gw:
        page = requests.get(on(gw, confirm), timeout=10).text
        [path] = re.findall(r'href="(/r/[A-Za-z0-9_-]+)"', page)
        rescheduling = requests.get(gw.url + path, timeout=10)
    assert "Pick a new time or cancel online" in page
    assert rescheduling.status_code == 200 and 'name="slot"' in rescheduling.text


def _race_for_one_time(db, manager, clock) -> None:
    from orca_desk.models.appointment import Appointment
    from orca_desk.services.links.reschedule_links import reschedule_link

    f = family_world(db, manager, clock)
    other_id = book_other(db, manager, f.w, local(date(2026, 3, 5), 11), patient=1, chair=1)
    with db.read() as s:
        other_link = reschedule_link(
            s.get(Appointment, other_id), secret=SECRET, base_url="http://127.0.0.1:8765"
        )
    target = local(WED, 14)
    value = f"{target.isoformat()}|{f.w.chairs[0].id}"  # the same chair: only one visit fits
    barrier = threading.Barrier(2)
    results: dict[str, requests.Response] = {}

    def family(name: str, url: str) -> None:
        barrier.wait()
        results[name] = requests.post(url, data={"action": "move", "slot": value}, timeout=30)

    with gateway(db, clock) as gw:
        threads = [
            threading.Thread(target=family, args=("a", on(gw, f.link))),
            threading.Thread(target=family, args=("b", on(gw, other_link))),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], codes
    loser = next(r for r in results.values() if r.status_code == 409)
    assert "just taken" in loser.text and 'name="slot"' in loser.text and value not in loser.text
    starts = [appointment(db, i).start_at for i in (f.appointment_id, other_id)]
    assert starts.count(target) == 1
    with db.read() as s:
        assert len(s.scalars(select(LinkTokenUse)).all()) == 1, "the loser's link stays usable"


def test_two_families_race_for_one_time_sqlite(db, manager, clock):
    _race_for_one_time(db, manager, clock)


@pytest.mark.postgres
def test_two_families_race_for_one_time_postgres(pg_db, manager, clock):
    _race_for_one_time(pg_db, manager, clock)


def test_a_spanish_family_books_an_offer_and_reads_the_outcome_in_spanish(db, manager, clock):
    _, link, offer_id = offered_opening(db, manager, clock)
    with gateway(db, clock) as gw:
        r = requests.post(on(gw, link) + "?lang=es", timeout=10)
        again = requests.post(on(gw, link) + "?lang=es", timeout=10)
        english = requests.post(on(gw, link), timeout=10)
    assert r.status_code == 200 and "Usted reservó esta cita" in r.text and 'lang="es"' in r.text
    assert again.status_code == 409 and "reservó" in again.text
    assert english.status_code == 409 and "already used" in english.text
    with db.read() as s:
        assert offer_status(s, offer_id, clock.now()).state == "booked"
