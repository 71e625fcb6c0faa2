"""Helpers of the dispatch and inbound tests: providers aimed at the fake, a family, a booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.services.messaging.dispatch import DispatchOptions
from orca_desk.services.messaging.providers.base import Provider
from tests.conftest import NOW
from tests.factories import make_world
from tests.fakes import sendgrid_for, twilio_for
from tests.fakes.fake_provider import FakeProviderServer

CALLBACK_BASE = "https://desk.example/hooks"
OPTIONS = DispatchOptions(status_callback_base=CALLBACK_BASE)


def providers_for(server: FakeProviderServer, **kwargs: object) -> dict[str, Provider]:
    return {"sms": twilio_for(server, **kwargs), "email": sendgrid_for(server, **kwargs)}


@dataclass
class Family:
    clinic_id: int
    location_id: int
    patient_ids: list[int]
    phone: str


def make_family(
    db: Database, *, siblings: int = 2, zone: str = "America/New_York", phone: str = "+16175559000"
) -> Family:
    """A clinic whose first ``siblings`` patients share one parent's phone."""
    with db.write() as s:
        w = make_world(s, zone=zone)
        for p in w.patients[:siblings]:
            p.contact_phone = phone
        s.flush()
        return Family(w.clinic.id, w.location.id, [p.id for p in w.patients], phone)


def book(db: Database, patient_id: int, start: datetime) -> int:
    """A bare appointment row (the booking rules are not under test here)."""
    with db.write() as s:
        p = s.get(Patient, patient_id)
        assert p is not None
        from sqlalchemy import select

        from orca_desk.models.clinic import AppointmentType, Chair, Location
        from orca_desk.models.clinic import Provider as Doc

        loc = s.scalars(select(Location).where(Location.clinic_id == p.clinic_id)).first()
        assert loc is not None
        chair = s.scalars(select(Chair).where(Chair.location_id == loc.id)).first()
        doc = s.scalars(select(Doc)).first()
        typ = s.scalars(select(AppointmentType)).first()
        assert chair and doc and typ
        a = Appointment(
            clinic_id=p.clinic_id,
            patient_id=p.id,
            provider_id=doc.id,
            chair_id=chair.id,
            location_id=loc.id,
            type_id=typ.id,
            start_at=start,
            end_at=start + timedelta(minutes=20),
            created_at=NOW,
            updated_at=NOW,
        )
        s.add(a)
        s.flush()
        return a.id
