"""What staff read in lists: a visit's day and time (inbox context, waitlist openings) in the desk's
language and order and on the clinic's clock, whatever language the family's messages go out in;
a text's number as the desk dials it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.models.openings import Opening
from orca_desk.services.messaging.inbox_queries import appointment_label, list_conversations
from orca_desk.services.waitlist.queries import list_openings
from tests.factories import book, inbound_reply, make_world

NY = ZoneInfo("America/New_York")
VISIT = datetime(2026, 3, 4, 15, 30, tzinfo=NY).astimezone(UTC)  # a Wednesday afternoon
NOW = VISIT - timedelta(days=2)


CASES = [
    ("en", "US", None, "Wed, Mar 4", "3:30 PM"),
    ("en", "GB", "24h", "Wed 4 Mar", "15:30"),
    ("es", None, "24h", "mié, 4 mar", "15:30"),
    ("es", None, None, "mié, 4 mar", "3:30 p. m."),
]


@pytest.mark.parametrize(("language", "country", "clock", "day", "time"), CASES)
def test_the_inbox_names_a_visit_in_the_desks_language_and_the_clinics_clock(
    db, receptionist, desk_locale, language, country, clock, day, time
):
    with db.write() as s:
        world = make_world(s)
        if clock:
            s.add(ClinicSetting(key="time_format", value=clock, updated_at=NOW))
    appt = book(db, receptionist, world, start=VISIT, now=NOW)
    desk_locale(language, country)
    with db.read() as s:
        assert appointment_label(s, appt) == f"Adjustment · {day} {time} · Northside"


@pytest.mark.parametrize(("language", "country", "clock", "day", "time"), CASES)
def test_a_waitlist_opening_shows_its_day_as_the_desk_reads_it(
    db, desk_locale, language, country, clock, day, time
):
    with db.write() as s:
        world = make_world(s)
        if clock:
            s.add(ClinicSetting(key="time_format", value=clock, updated_at=NOW))
        s.add(
            Opening(
                clinic_id=world.clinic.id,
                location_id=world.location.id,
                chair_id=world.chairs[0].id,
                provider_id=world.ortho.id,
                start_at=VISIT,
                end_at=VISIT + timedelta(minutes=30),
                source="cancellation",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    desk_locale(language, country)
    with db.read() as s:
        (row,) = list_openings(s, now=NOW)
    assert row.local_text.startswith(f"{day} {time}–")


def test_a_text_from_an_unknown_number_is_titled_with_the_number_as_dialled(db):
    with db.write() as s:
        world = make_world(s)
        s.add(
            inbound_reply(
                world.clinic.id,
                "who is this?",
                received_at=NOW,
                from_address="+16175550199",
                provider_id="SM9",
                kind="needs_review",
                needs_review=True,
            )
        )
    with db.read() as s:
        (row,) = list_conversations(s, now=NOW)
        found = list_conversations(s, now=NOW, text="555-0199")
    assert (row.key, row.title, row.address_shown) == ("a:+16175550199", "(617) 555-0199", "(617) 555-0199")
    assert found == [row]  # searched as the desk reads it, too
