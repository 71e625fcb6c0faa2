"""The appointment card's service: a fixed number of queries, notes audited, texts, the quick card."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services import appointment_card as svc
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.booking import booking
from orca_desk.services.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from tests.factories import book, inbound_reply, make_world

NY = ZoneInfo("America/New_York")
CLINICIAN = Actor(
    username="dr",
    role="clinician",
    user_id=None,
    display_name="Dr",
    permissions=ROLE_PERMISSIONS["clinician"],
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=NY)


def _setup(db: Database, actor: Actor, now: datetime) -> dict[str, int]:
    with db.write() as s:
        w = make_world(s, patients=2)
        p = w.patients[0]
        p.date_of_birth = date(2014, 3, 4)  # 11 on 3 March 2026, 12 the day after
        p.guardian_name, p.guardian_relation, p.guardian_phone = "Ana Smith", "mother", "+16175552222"
        p.contact_phone = "+16175552222"
        earlier = book(s, actor, w, start=at(3, 8), now=now)
        for status in ("arrived", "seated", "completed"):
            booking.set_status(s, actor, earlier, status, now=now)
        appt = book(s, actor, w, start=at(3, 16), now=now)
        later = book(s, actor, w, start=at(10, 15), now=now)
        return {"patient": p.id, "earlier": earlier, "appt": appt, "later": later, "clinic": w.clinic.id}


def _count(db: Database) -> list[str]:
    statements: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def before(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if not statement.startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    return statements


def test_card_loads_in_a_fixed_number_of_queries(db, clock, manager):
    ids = _setup(db, manager, clock.now())
    statements = _count(db)
    with db.read() as s:
        card = svc.load_appointment_card(s, ids["appt"], now=clock.now())
    few = len(statements)
    assert card.age == 11 and card.guardian_phone == "(617) 555-2222"
    assert card.when.endswith("4:00 PM–4:20 PM")
    with db.write() as s:  # a long history and many messages change nothing in the count
        for i in range(30):
            svc.save_notes(s, manager, ids["appt"], f"note {i}", now=clock.now())
            svc.text_family(s, manager, ids["appt"], f"text {i}", now=clock.now() + timedelta(seconds=i))
    statements.clear()
    with db.read() as s:
        card = svc.load_appointment_card(s, ids["appt"], now=clock.now())
    assert len(statements) == few <= 10
    assert len(card.history) == 31 and len(card.messages) == 30


def test_missing_appointment_says_so(db, clock):
    with db.read() as s, pytest.raises(NotFound, match="#999"):
        svc.load_appointment_card(s, 999, now=clock.now())


def test_notes_need_booking_permission_and_a_current_version(db, clock, manager):
    ids = _setup(db, manager, clock.now())
    with db.write() as s, pytest.raises(PermissionDenied):
        svc.save_notes(s, CLINICIAN, ids["appt"], "x", now=clock.now())
    with db.read() as s:
        version = s.get(Appointment, ids["appt"]).version
    with db.write() as s:
        svc.save_notes(s, manager, ids["appt"], "first", now=clock.now(), expected_version=version)
    with db.write() as s, pytest.raises(ConflictError, match="Another desk"):
        svc.save_notes(s, manager, ids["appt"], "second", now=clock.now(), expected_version=version)
    with db.write() as s, pytest.raises(ValidationError):
        svc.save_notes(s, manager, ids["appt"], "y" * 1001, now=clock.now())
    with db.read() as s:
        assert s.get(Appointment, ids["appt"]).notes == "first"
        assert len(s.scalars(select(AuditEvent).where(AuditEvent.action == "notes")).all()) == 1


def test_history_labels_moves_and_cancellations_in_local_time(db, clock, manager):
    ids = _setup(db, manager, clock.now())
    with db.write() as s:
        booking.move_appointment(
            s,
            manager,
            ids["appt"],
            start=at(3, 17),
            end=at(3, 17, 20),
            chair_id=s.get(Appointment, ids["appt"]).chair_id,
            provider_id=s.get(Appointment, ids["appt"]).provider_id,
            now=clock.now(),
        )
        booking.cancel_appointment(s, manager, ids["appt"], reason="sick", now=clock.now())
    with db.read() as s:
        card = svc.load_appointment_card(s, ids["appt"], now=clock.now())
    assert [h.label for h in card.history] == [
        "Booked",
        "Moved from Tue, Mar 3, 2026, 4:00 PM",
        "Cancelled (sick)",
    ]


def test_replies_are_found_for_this_visit_only(db, clock, manager):
    ids = _setup(db, manager, clock.now())
    with db.write() as s:
        for n, appt in enumerate((ids["appt"], ids["later"])):
            s.add(
                inbound_reply(
                    ids["clinic"],
                    f"reply {n}",
                    received_at=clock.now(),
                    provider_id=f"SM{n}",
                    patient_id=ids["patient"],
                    appointment_id=appt,
                )
            )
    with db.read() as s:
        card = svc.load_appointment_card(s, ids["appt"], now=clock.now())
    assert [(m.direction, m.text) for m in card.messages] == [("in", "reply 0")]


def test_text_family_is_refused_without_consent_or_number(db, clock, manager):
    ids = _setup(db, manager, clock.now())
    with db.write() as s:
        s.get(Patient, ids["patient"]).sms_consent = False
    with db.write() as s, pytest.raises(ValidationError, match="Cannot text Kid0 Smith"):
        svc.text_family(s, manager, ids["appt"], "hello", now=clock.now())
    with db.write() as s, pytest.raises(ValidationError, match="Write a message"):
        svc.text_family(s, manager, ids["appt"], "  ", now=clock.now())
    with db.read() as s:
        assert s.scalars(select(OutboxMessage)).first() is None


def test_quick_card_finds_the_visits_around_the_hovered_one(db, clock, manager):
    ids = _setup(db, manager, clock.now())
    with db.read() as s:
        card = svc.load_quick_card(
            s, ids["patient"], visit_start=at(3, 16), now=clock.now(), time_format="24h", country="US"
        )
    assert card.phone == "(617) 555-2222" and card.guardian_name == "Ana Smith"
    assert card.last_visit is not None and card.last_visit.start == at(3, 8)
    assert card.next_visit is not None and card.next_visit.start == at(10, 15)
    text = svc.quick_card_text(
        card,
        name="Kid0 Smith",
        when="Tue, Mar 3, 2026, 16:00–16:20",
        what="Adjustment",
        status="scheduled",
        alerts="",
        today=date(2026, 3, 3),
    )
    assert "Age: 11" in text and "Last visit: Tue, Mar 3, 2026, 08:00 · Adjustment" in text
    assert "Next visit: Tue, Mar 10, 2026, 15:00 · Adjustment" in text


def test_printed_card_is_a_one_page_pdf(db, clock, manager):
    ids = _setup(db, manager, clock.now())
    with db.read() as s:
        card = svc.load_appointment_card(s, ids["appt"], now=clock.now())
    out = io.BytesIO()
    svc.render_card_pdf(card, out)
    assert out.getvalue().startswith(b"%PDF") and out.getvalue().count(b"/Type /Page\n") <= 1


def test_card_and_quick_card_on_postgresql(pg_db, clock, manager):
    ids = _setup(pg_db, manager, clock.now())
    with pg_db.write() as s:
        svc.save_notes(s, manager, ids["appt"], "on postgres", now=clock.now())
        svc.text_family(s, manager, ids["appt"], "hello", now=clock.now())
    with pg_db.read() as s:
        card = svc.load_appointment_card(s, ids["appt"], now=clock.now())
        quick = svc.load_quick_card(
            s, ids["patient"], visit_start=at(3, 16), now=clock.now(), time_format="12h", country="US"
        )
    assert card.notes == "on postgres" and [m.text for m in card.messages] == ["hello"]
    assert [h.action for h in card.history] == ["book", "notes"]
    assert quick.last_visit is not None and quick.next_visit is not None
