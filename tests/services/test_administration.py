"""Administration: edits checked and audited, archive instead of delete, refusals that list the
future appointments, staff users managed by administrators only."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from orca_desk.models.audit import AuditEvent
from orca_desk.models.clinic import Chair, Location, Provider, ProviderChair
from orca_desk.models.staff import StaffUser
from orca_desk.services import administration as adm
from orca_desk.services.access.security import (
    ROLE_PERMISSIONS,
    Actor,
    actor_for,
    authenticate,
    hash_password,
    must_change_password,
)
from orca_desk.services.booking import booking
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.services.errors import ConflictError, PermissionDenied
from tests.factories import book, make_world


@pytest.fixture
def admin() -> Actor:
    return Actor(
        username="admin", role="admin", display_name="Ada Admin", permissions=ROLE_PERMISSIONS["admin"]
    )


def _world(db):
    with db.write() as s:
        return make_world(s)


def _actions(s, entity: str) -> list[str]:
    return list(
        s.scalars(select(AuditEvent.action).where(AuditEvent.entity == entity).order_by(AuditEvent.id))
    )


def test_a_renamed_chair_is_audited_and_reaches_the_clinic_data(db, clock, manager):
    w = _world(db)
    with db.write() as s:
        adm.save_chair(
            s,
            manager,
            adm.ChairEdit(w.location.id, "Ortho bay 1", room="Room A", id=w.chairs[0].id),
            now=clock.now(),
        )
    with db.read() as s:
        clinic = load_clinic(s)
        assert clinic is not None
        assert next(c.name for c in clinic.chairs_at(w.location.id)) == "Ortho bay 1"
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "chair")).one()
        assert (event.action, event.before, event.after) == (
            "admin.update",
            {"name": "Chair 1", "room": ""},
            {"name": "Ortho bay 1", "room": "Room A"},
        )


def test_bad_edits_are_refused_naming_each_field(db, clock, manager):
    w = _world(db)
    with pytest.raises(adm.AdminInvalid) as e, db.write() as s:
        adm.save_provider(
            s, manager, adm.ProviderEdit("Priya Shah", "dentist", "blue", 0, id=w.ortho.id), now=clock.now()
        )
    assert set(e.value.problems) == {"name", "role", "colour", "max_concurrent"}
    assert 'already a provider named "Priya Shah"' in e.value.problems["name"]
    with pytest.raises(adm.AdminInvalid) as e, db.write() as s:
        adm.save_location(
            s, manager, adm.LocationEdit("Southside", "Mars/Olympus", phone="12"), now=clock.now()
        )
    assert set(e.value.problems) == {"timezone", "phone"}
    with pytest.raises(adm.AdminInvalid) as e, db.write() as s:
        adm.save_chair(s, manager, adm.ChairEdit(w.location.id, "chair 2"), now=clock.now())
    assert e.value.field == "name" and "Northside already has a chair named" in str(e.value)
    with pytest.raises(adm.AdminInvalid) as e, db.write() as s:
        adm.save_type(s, manager, adm.TypeEdit("Debond", "#12345", 7), now=clock.now())
    assert set(e.value.problems) == {"colour", "minutes"}


def test_a_receptionist_cannot_edit_and_a_manager_cannot_manage_staff(db, clock, receptionist, manager):
    w = _world(db)
    with pytest.raises(PermissionDenied, match="Maria may not edit the clinic's locations"), db.write() as s:
        adm.save_chair(s, receptionist, adm.ChairEdit(w.location.id, "X", id=w.chairs[0].id), now=clock.now())
    with pytest.raises(PermissionDenied, match="Maria may not"), db.write() as s:
        adm.set_provider_active(s, receptionist, w.hygienist.id, False, now=clock.now())
    with pytest.raises(PermissionDenied, match="an administrator may"), db.write() as s:
        adm.save_staff_user(s, manager, adm.StaffEdit("jo", "Jo", "receptionist"), now=clock.now())
    with db.read() as s:
        assert adm.load_admin(s, manager).staff == ()  # managers do not see the staff list
        assert s.get(Chair, w.chairs[0].id).name == "Chair 1"


def test_a_provider_with_future_appointments_is_not_archived_and_they_are_listed(
    db, clock, manager, receptionist
):
    w = _world(db)
    book(db, receptionist, w, start=clock.now() + timedelta(hours=20), now=clock.now(), patient=1)
    book(db, receptionist, w, start=clock.now() + timedelta(hours=2), now=clock.now())
    past = book(
        db, receptionist, w, start=clock.now() + timedelta(hours=1), now=clock.now(), chair=1, patient=2
    )
    with db.write() as s:  # history does not block archiving
        booking.cancel_appointment(s, receptionist, past, reason="family trip", now=clock.now())
    with pytest.raises(adm.ArchiveRefused) as e, db.write() as s:
        adm.set_provider_active(s, manager, w.ortho.id, False, now=clock.now())
    # 14:00 UTC is 09:00 in New York; soonest first, in the location's time.
    assert [str(a) for a in e.value.appointments] == [
        "Kid0 Smith, Tue, Mar 3, 2026, 11:00 AM at Northside",
        "Kid1 Smith, Wed, Mar 4, 2026, 5:00 AM at Northside",
    ]
    assert isinstance(e.value, ConflictError)
    assert str(e.value).startswith(
        "Dr. Chen cannot be archived while 2 future appointments need them: "
        "Kid0 Smith, Tue, Mar 3, 2026, 11:00 AM at Northside;"
    )
    with db.read() as s:
        assert s.get(Provider, w.ortho.id).is_active


def test_a_chair_with_a_future_appointment_is_refused_one_without_is_archived_and_restored(
    db, clock, manager, receptionist
):
    w = _world(db)
    book(db, receptionist, w, start=clock.now() + timedelta(hours=3), now=clock.now(), chair=1)
    with (
        pytest.raises(
            adm.ArchiveRefused,
            match=r"Northside/Chair 2 cannot be archived while 1 future "
            r"appointment needs it: Kid0 Smith",
        ),
        db.write() as s,
    ):
        adm.set_chair_active(s, manager, w.chairs[1].id, False, now=clock.now())
    with db.write() as s:
        adm.set_chair_active(s, manager, w.chairs[2].id, False, now=clock.now())
    with db.read() as s:
        assert [c.name for c in load_clinic(s).chairs] == ["Chair 1", "Chair 2"]  # type: ignore[union-attr]
        assert not next(c for c in adm.load_admin(s, manager).chairs if c.id == w.chairs[2].id).is_active
    with db.write() as s:
        adm.set_chair_active(s, manager, w.chairs[2].id, True, now=clock.now())
        assert _actions(s, "chair") == ["admin.archive", "admin.restore"]


def test_an_archived_provider_leaves_the_booking_choices(db, clock, manager):
    w = _world(db)
    with db.write() as s:
        adm.set_provider_active(s, manager, w.hygienist.id, False, now=clock.now())
    with db.read() as s:
        assert [p.name for p in load_clinic(s).providers] == ["Dr. Chen"]  # type: ignore[union-attr]


def test_provider_role_colour_capacity_and_usual_chairs(db, clock, manager):
    w = _world(db)
    with db.write() as s:
        pid = adm.save_provider(
            s,
            manager,
            adm.ProviderEdit(
                "Dr. Okafor", "orthodontist", "#AA3300", 3, chair_ids=(w.chairs[2].id, w.chairs[0].id)
            ),
            now=clock.now(),
        )
    with db.read() as s:
        row = next(p for p in adm.load_admin(s, manager).providers if p.id == pid)
        assert (row.colour, row.max_concurrent, row.chairs) == (
            "#aa3300",
            3,
            "Northside/Chair 3, Northside/Chair 1",
        )
    with db.write() as s:
        adm.save_provider(
            s,
            manager,
            adm.ProviderEdit("Dr. Okafor", "orthodontist", "#aa3300", 3, chair_ids=(w.chairs[1].id,), id=pid),
            now=clock.now(),
        )
        assert list(s.scalars(select(ProviderChair.chair_id).where(ProviderChair.provider_id == pid))) == [
            w.chairs[1].id
        ]
        # created, its first usual chairs, then the chairs changed
        assert _actions(s, "provider") == ["admin.create", "admin.update", "admin.update"]


def test_a_location_time_zone_is_fixed_once_appointments_are_booked_there(db, clock, manager, receptionist):
    w = _world(db)
    with db.write() as s:
        adm.save_location(
            s,
            manager,
            adm.LocationEdit("Northside", "America/Chicago", "1 Main St", "(617) 555-0111", id=w.location.id),
            now=clock.now(),
        )
        assert s.get(Location, w.location.id).phone == "+16175550111"
    book(db, receptionist, w, start=clock.now() + timedelta(hours=3), now=clock.now())
    with pytest.raises(adm.AdminInvalid, match="time zone cannot change") as e, db.write() as s:
        adm.save_location(
            s, manager, adm.LocationEdit("Northside", "America/New_York", id=w.location.id), now=clock.now()
        )
    assert e.value.field == "timezone"


def test_the_last_type_in_use_is_not_archived(db, clock, manager):
    w = _world(db)
    with db.write() as s:
        adm.set_type_active(s, manager, w.bonding.id, False, now=clock.now())
    with pytest.raises(ConflictError, match="Adjustment is the last appointment type"), db.write() as s:
        adm.set_type_active(s, manager, w.adjustment.id, False, now=clock.now())


def test_staff_users_one_time_password_reset_and_deactivation(db, clock, admin):
    w = _world(db)
    with db.write() as s:
        s.add(
            StaffUser(
                clinic_id=w.clinic.id,
                username="boss",
                display_name="Boss",
                role="admin",
                password_hash=hash_password("boss-password-1"),
            )
        )
        saved = adm.save_staff_user(s, admin, adm.StaffEdit("jo", "Jo Park", "receptionist"), now=clock.now())
    assert saved.one_time_password and len(saved.one_time_password) >= 12
    with db.read() as s:
        jo = authenticate(s, "jo", saved.one_time_password)
        assert must_change_password(s, jo)
    with db.write() as s:
        jo_user = s.get(StaffUser, saved.id)
        jo_user.must_change_password = False
        password = adm.reset_password(s, admin, saved.id, now=clock.now())
    with db.read() as s:
        assert must_change_password(s, authenticate(s, "jo", password))
        with pytest.raises(PermissionDenied):
            authenticate(s, "jo", saved.one_time_password)
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "admin.reset_password")).one()
        assert password not in str(event.after)
    with db.write() as s:
        adm.set_staff_active(s, admin, saved.id, False, now=clock.now())
    with pytest.raises(PermissionDenied), db.read() as s:
        authenticate(s, "jo", password)
    with pytest.raises(adm.AdminInvalid, match="cannot change"), db.write() as s:
        adm.save_staff_user(
            s, admin, adm.StaffEdit("joanna", "Jo Park", "receptionist", id=saved.id), now=clock.now()
        )


def test_the_clinic_keeps_an_active_administrator(db, clock):
    w = _world(db)
    with db.write() as s:
        boss = StaffUser(
            clinic_id=w.clinic.id,
            username="boss",
            display_name="Boss",
            role="admin",
            password_hash=hash_password("boss-password-1"),
        )
        s.add(boss)
        s.flush()
        me = actor_for(boss)
    with pytest.raises(adm.AdminInvalid, match="only active administrator") as e, db.write() as s:
        adm.save_staff_user(s, me, adm.StaffEdit("boss", "Boss", "manager", id=boss.id), now=clock.now())
    assert e.value.field == "role"
    with pytest.raises(ConflictError, match="cannot deactivate yourself"), db.write() as s:
        adm.set_staff_active(s, me, boss.id, False, now=clock.now())


def test_archive_refusal_on_postgresql(pg_db, clock, manager, receptionist):
    w = _world(pg_db)
    book(
        pg_db,
        receptionist,
        w,
        start=clock.now() + timedelta(hours=2),
        now=clock.now(),
        chair=1,
        provider=w.hygienist,
    )
    with pytest.raises(adm.ArchiveRefused) as e, pg_db.write() as s:
        adm.set_provider_active(s, manager, w.hygienist.id, False, now=clock.now())
    assert [a.patient for a in e.value.appointments] == ["Kid0 Smith"]
    with pg_db.write() as s:
        adm.save_chair(s, manager, adm.ChairEdit(w.location.id, "Chair 9"), now=clock.now())
        adm.set_chair_active(s, manager, w.chairs[2].id, False, now=clock.now())
    with pg_db.read() as s:
        assert [c.name for c in load_clinic(s).chairs] == ["Chair 1", "Chair 2", "Chair 9"]  # type: ignore[union-attr]


def test_archiving_waits_for_a_booking_in_flight_on_postgresql(pg_db, clock, manager, receptionist):
    """A booking of the provider not yet committed holds the provider's row: the archive waits
    for it and then refuses, instead of archiving a provider who has just been booked."""
    w = _world(pg_db)
    outcome: list[BaseException | None] = []

    def archive() -> None:
        try:
            with pg_db.write() as s:
                adm.set_provider_active(s, manager, w.hygienist.id, False, now=clock.now())
            outcome.append(None)
        except BaseException as e:  # handed to the test thread
            outcome.append(e)

    with pg_db.write() as s:
        book(
            s,
            receptionist,
            w,
            start=clock.now() + timedelta(hours=2),
            now=clock.now(),
            provider=w.hygienist,
            chair=1,
        )
        thread = threading.Thread(target=archive)
        thread.start()
        thread.join(0.5)  # gives the archive time to get ahead of the commit if it could
    thread.join()
    assert len(outcome) == 1 and isinstance(outcome[0], adm.ArchiveRefused)
    with pg_db.read() as s:
        assert s.get(Provider, w.hygienist.id).is_active
