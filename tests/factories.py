"""Tiny builders for test data: a clinic with chairs, providers, types and patients."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Protocol

from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.migrate import MIGRATIONS_DIR
from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider
from orca_desk.models.messaging import InboundMessage
from orca_desk.models.patient import Patient
from orca_desk.services.access.security import Actor
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.clock import Clock


@dataclass
class World:
    clinic: Clinic
    location: Location
    chairs: list[Chair]
    ortho: Provider
    hygienist: Provider
    adjustment: AppointmentType
    bonding: AppointmentType
    patients: list[Patient]


def make_world(
    session: Session, *, chairs: int = 3, patients: int = 4, zone: str = "America/New_York"
) -> World:
    clinic = Clinic(name="Test Ortho", phone="+16175550100", email="t@example.com")
    session.add(clinic)
    session.flush()
    loc = Location(clinic_id=clinic.id, name="Northside", timezone=zone)
    session.add(loc)
    session.flush()
    chair_rows = [Chair(location_id=loc.id, name=f"Chair {i + 1}", sort_order=i) for i in range(chairs)]
    ortho = Provider(clinic_id=clinic.id, name="Dr. Chen", role="orthodontist", max_concurrent=2)
    hyg = Provider(clinic_id=clinic.id, name="Priya Shah", role="hygienist", max_concurrent=1)
    adj = AppointmentType(clinic_id=clinic.id, name="Adjustment", colour="#42a5f5", default_minutes=20)
    bond = AppointmentType(clinic_id=clinic.id, name="Bonding", colour="#e53935", default_minutes=90)
    pats = [
        Patient(
            clinic_id=clinic.id,
            first_name=f"Kid{i}",
            last_name="Smith",
            contact_phone=f"+1617555{1000 + i}",
            sms_consent=True,
        )
        for i in range(patients)
    ]
    session.add_all([*chair_rows, ortho, hyg, adj, bond, *pats])
    session.flush()
    return World(clinic, loc, chair_rows, ortho, hyg, adj, bond, pats)


def book(
    db_or_session: Database | Session,
    actor: Actor,
    world: World,
    *,
    start: datetime,
    now: datetime | None = None,
    ahead: timedelta | None = None,
    patient: int = 0,
    chair: int = 0,
    minutes: int | None = 20,
    provider: Provider | None = None,
    type_: AppointmentType | None = None,
    notes: str = "",
    override_hours: bool = False,
) -> int:
    """Book through the booking service (every rule applies), by index into ``world``'s
    patients and chairs; the ortho and an adjustment unless told. The booking is made at ``now``,
    or ``ahead`` of the visit's start. Returns the appointment id."""
    return book_ids(
        db_or_session,
        actor,
        patient_id=world.patients[patient].id,
        provider_id=(provider or world.ortho).id,
        chair_id=world.chairs[chair].id,
        type_id=(type_ or world.adjustment).id,
        start=start,
        now=now,
        ahead=ahead,
        minutes=minutes,
        notes=notes,
        override_hours=override_hours,
    )


def book_ids(
    db_or_session: Database | Session,
    actor: Actor,
    *,
    patient_id: int,
    provider_id: int,
    chair_id: int,
    type_id: int,
    start: datetime,
    now: datetime | None = None,
    ahead: timedelta | None = None,
    minutes: int | None = 20,
    notes: str = "",
    override_hours: bool = False,
) -> int:
    """``book`` for setups that keep ids rather than a ``World``. ``minutes=None`` takes the
    type's default length; ``override_hours`` books outside working hours (needs the permission)."""
    if (now is None) == (ahead is None):
        raise TypeError("book at a given now or ahead of the start: one of the two")
    if now is None:
        assert ahead is not None
        now = start - ahead
    request = BookingRequest(
        patient_id, provider_id, chair_id, type_id, start, minutes, notes=notes, override_hours=override_hours
    )
    if isinstance(db_or_session, Session):
        return booking.book_appointment(db_or_session, actor, request, now=now).id
    with db_or_session.write() as s:
        return booking.book_appointment(s, actor, request, now=now).id


class Desk(Protocol):
    """What ``desk_book`` needs of a desk: the app context has all three."""

    @property
    def db(self) -> Database: ...
    @property
    def actor(self) -> Actor: ...
    @property
    def clock(self) -> Clock: ...


def desk_book(
    desk: Desk,
    world: World,
    *,
    start: datetime,
    patient: int = 0,
    chair: int = 0,
    minutes: int | None = 20,
    provider: Provider | None = None,
    type_: AppointmentType | None = None,
    notes: str = "",
) -> int:
    """``book`` as the desk's signed-in actor at its clock's now (a UI test's ``ctx``)."""
    return book(
        desk.db,
        desk.actor,
        world,
        start=start,
        now=desk.clock.now(),
        patient=patient,
        chair=chair,
        minutes=minutes,
        provider=provider,
        type_=type_,
        notes=notes,
    )


def inbound_reply(
    clinic_id: int,
    body: str,
    *,
    received_at: datetime,
    from_address: str = "+16175552222",
    provider_id: str = "SM1",
    **details: object,
) -> InboundMessage:
    """A family's text as the inbox stores it, not yet handled: from ``from_address`` to the
    clinic's number, unread. ``details`` sets the rest (``patient_id``, ``appointment_id``,
    ``kind``, ``needs_review``…)."""
    message = InboundMessage(
        clinic_id=clinic_id,
        provider="local",
        provider_id=provider_id,
        channel="sms",
        from_address=from_address,
        to_address="+16175550100",
        body=body,
        received_at=received_at,
        kind="other",
        needs_review=False,
        unread=True,
    )
    for name, value in details.items():
        if not hasattr(InboundMessage, name):
            raise TypeError(f"an inbound message has no {name!r}")
        setattr(message, name, value)
    return message


def migration(revision: str) -> ModuleType:
    """A migration script as a module (they are not importable by name), for its constants."""
    spec = importlib.util.spec_from_file_location(revision, MIGRATIONS_DIR / "versions" / f"{revision}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
