"""Times shown to staff are the location's local time in the clinic's one format, never UTC."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from orca_desk.models.clinic import Clinic
from orca_desk.models.messaging import OutboxMessage
from orca_desk.services import local_time
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.errors import ConflictError, ValidationError
from orca_desk.services.waitlist.entries import add_entry
from orca_desk.services.waitlist.queries import list_offers
from orca_desk.services.waitlist.rows import EntryInput
from orca_desk.services.waitlist.settings import WaitlistSettings
from orca_desk.services.waitlist.tick import process_waitlist
from tests.factories import book, make_world

NY = local_time.zone("America/New_York")
# 20:15 UTC on Tue 3 Mar 2026 is 3:15 PM in New York (EST).
AT = datetime(2026, 3, 3, 20, 15, tzinfo=UTC)
MANAGER = Actor(
    username="manager", role="manager", display_name="Manager", permissions=ROLE_PERMISSIONS["manager"]
)


def test_one_format_twelve_and_twenty_four_hour():
    assert local_time.fmt_time(AT, NY) == "3:15 PM"
    assert local_time.fmt_time(AT, NY, "24h") == "15:15"
    assert local_time.fmt_time(datetime(2026, 3, 3, 5, 5, tzinfo=UTC), NY) == "12:05 AM"
    assert local_time.fmt_range(AT, AT + timedelta(hours=1), NY) == "3:15 PM–4:15 PM"
    assert local_time.fmt_datetime(AT, NY) == "Tue, Mar 3, 2026, 3:15 PM"
    assert local_time.fmt_when(AT, NY, now=AT - timedelta(hours=3)) == "3:15 PM"
    assert local_time.fmt_when(AT, NY, "24h", now=AT - timedelta(days=2)) == "Tue, Mar 3, 2026, 15:15"


@pytest.mark.parametrize(
    ("country", "style"),
    [
        ("US", "12h"),
        ("CA", "12h"),
        ("AU", "12h"),
        ("PH", "12h"),
        ("IN", "12h"),
        ("DE", "24h"),
        ("FR", "24h"),
        ("", "24h"),
    ],
)
def test_the_default_follows_the_clinic_country(country, style):
    assert local_time.default_time_format(country) == style


def test_the_clinic_setting_chooses_and_else_the_country_decides(db):
    with db.write() as s:
        make_world(s)
        assert local_time.clinic_time_format(s) == "12h"  # a US clinic
        s.scalars(select(Clinic)).one().country = "DE"
        s.flush()
        assert local_time.clinic_time_format(s) == "24h"
        chosen = replace(clinic_settings.load_settings(s), time_format="12h")
        clinic_settings.save_settings(s, MANAGER, chosen, now=AT)
        assert local_time.clinic_time_format(s) == "12h"
    with pytest.raises(ValidationError, match="12-hour or 24-hour"):
        clinic_settings.validate_settings(replace(clinic_settings.ClinicSettings(), time_format="am/pm"))


def _req(w, *, patient, start):
    return BookingRequest(
        patient_id=w.patients[patient].id,
        provider_id=w.ortho.id,
        chair_id=w.chairs[2].id,
        type_id=w.adjustment.id,
        start=start,
        minutes=60,
    )


def test_a_refused_booking_names_the_chair_time_in_local_time(db, receptionist):
    with db.write() as s:
        w = make_world(s)
    with db.write() as s:
        booking.book_appointment(s, receptionist, _req(w, patient=0, start=AT), now=AT - timedelta(days=1))
    with pytest.raises(ConflictError) as refused, db.write() as s:
        booking.book_appointment(
            s, receptionist, _req(w, patient=1, start=AT + timedelta(minutes=10)), now=AT - timedelta(days=1)
        )
    assert "Chair 3 is taken 3:15 PM–4:15 PM by Kid0 Smith" in str(refused.value)
    assert "UTC" not in str(refused.value)
    with pytest.raises(ConflictError) as twice, db.write() as s:
        req = replace(_req(w, patient=0, start=AT + timedelta(minutes=10)), chair_id=w.chairs[0].id)
        booking.book_appointment(s, receptionist, req, now=AT - timedelta(days=1))
    assert "3:15 PM–4:15 PM" in str(twice.value) and "UTC" not in str(twice.value)


def test_waitlist_offer_texts_are_local(db, receptionist):
    settings = WaitlistSettings(secret=b"test-secret-0123456789abcdef", base_url="http://gw.test")
    with db.write() as s:
        w = make_world(s, patients=4)
    night = datetime(2026, 3, 4, 2, 30, tzinfo=UTC)  # 21:30 in New York: quiet hours
    slot = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
    with db.write() as s:
        add_entry(
            s,
            MANAGER,
            EntryInput(patient_id=w.patients[1].id, type_id=w.adjustment.id, priority=3),
            now=night - timedelta(days=10),
        )
    appt = book(db, receptionist, w, start=slot, now=slot - timedelta(days=7))
    with db.write() as s:
        booking.cancel_appointment(s, receptionist, appt, reason="school event", now=night)
    process_waitlist(db, now=night, settings=settings)
    with db.read() as s:
        [row] = list_offers(s, now=night)
    assert row.state_text == "queued until Wed, Mar 4, 2026, 8:00 AM"
    eight_ten = datetime(2026, 3, 4, 13, 10, tzinfo=UTC)
    with db.write() as s:
        s.execute(update(OutboxMessage).values(status="sent", sent_at=eight_ten))
    process_waitlist(db, now=eight_ten + timedelta(minutes=1), settings=settings)
    with db.read() as s:
        [row] = list_offers(s, now=eight_ten + timedelta(minutes=1))
    assert row.sent_text == "8:10 AM"


# ----- no f-string shown to anyone says "UTC" --------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2] / "orca_desk"
# Text that is machine-facing (protocol timestamps, SQL comments), not read by staff or families.
_UTC_WORD = re.compile(r"\bUTC\b")


def _fstrings_saying_utc(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and any(
            isinstance(v, ast.Constant) and isinstance(v.value, str) and _UTC_WORD.search(v.value)
            for v in node.values
        ):
            lines.append(node.lineno)
    return lines


def test_no_formatted_text_in_the_app_says_utc():
    found = [
        f"{p.relative_to(ROOT.parent)}:{line}"
        for p in sorted(ROOT.rglob("*.py"))
        if "migrations" not in p.parts
        for line in _fstrings_saying_utc(p)
    ]
    assert found == [], "times shown to people must be local (services/local_time.py): " + ", ".join(found)


# ----- no screen writes its own time format -----------------------------------------------------------

# A strftime or Qt time pattern: %H %I %-I %p %M (strftime), HH:mm / h:mm (Qt display formats).
_TIME_PATTERN = re.compile(r"%-?[HIMp]\b|%-?[HIM]:|\bH?H:mm\b|\bh:mm\b")
# Where a fixed pattern is meant; each says why (file, the text's pattern) -> reason.
_FIXED_FORMAT_ALLOWED = {
    ("orca_desk/ui/labels.py", "HH:mm"): "time_edit_format: the one map of the clinic's format to Qt's",
    ("orca_desk/ui/labels.py", "h:mm AP"): "time_edit_format: the one map of the clinic's format to Qt's",
    ("orca_desk/ui/labels.py", "h:mm ap"): "time_edit_format: the same, lower-case day period",
    ("orca_desk/views/calendar/recurrence_dialog.py", "Checking dates… %p%"): "QProgressBar: %p is percent",
    ("orca_desk/views/setup/base.py", "HH:mm"): "SPEC_TIME: the setup file's 24-hour text, never shown",
}
_ELSEWHERE: set[str] = set()  # files another branch is moving onto local_time (none now)


def _fixed_time_formats(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _TIME_PATTERN.search(node.value)
    ]


def test_the_guard_sees_the_usual_ways_of_writing_a_fixed_time(tmp_path):
    sample = tmp_path / "screen.py"
    sample.write_text(
        'a = f"{t:%H:%M}"\nb = t.strftime("%-I:%M %p")\nc = edit.setDisplayFormat("HH:mm")\n'
        'd = f"{t:%a %d %b}"\n',
        encoding="utf-8",
    )
    assert sorted(line for line, _ in _fixed_time_formats(sample)) == [1, 2, 3]


def test_no_screen_formats_a_time_of_day_itself():
    found = []
    for folder in ("views", "ui"):
        for p in sorted((ROOT / folder).rglob("*.py")):
            rel = p.relative_to(ROOT.parent).as_posix()
            if rel in _ELSEWHERE:
                continue
            found += [
                f"{rel}:{line} {text!r}"
                for line, text in _fixed_time_formats(p)
                if (rel, text) not in _FIXED_FORMAT_ALLOWED
            ]
    assert found == [], (
        "times shown to staff go through services/local_time.py (the location's zone, "
        "the clinic's 12/24-hour format): " + ", ".join(found)
    )
