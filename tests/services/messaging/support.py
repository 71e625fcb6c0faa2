"""Helpers of the dispatch and inbound tests: providers aimed at the fake, a family, the desk."""

from __future__ import annotations

from dataclasses import dataclass

from orca_desk.db import Database
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.messaging.dispatch import DispatchOptions
from orca_desk.services.messaging.providers.base import Provider
from tests.factories import World, make_world
from tests.fakes import sendgrid_for, twilio_for
from tests.fakes.fake_provider import FakeProviderServer

CALLBACK_BASE = "https://desk.example/hooks"
OPTIONS = DispatchOptions(status_callback_base=CALLBACK_BASE)
DESK = Actor(
    username="maria", role="receptionist", display_name="Maria", permissions=ROLE_PERMISSIONS["receptionist"]
)


def providers_for(server: FakeProviderServer, **kwargs: object) -> dict[str, Provider]:
    return {"sms": twilio_for(server, **kwargs), "email": sendgrid_for(server, **kwargs)}


@dataclass
class Family:
    clinic_id: int
    location_id: int
    patient_ids: list[int]
    phone: str
    world: World


def make_family(
    db: Database, *, siblings: int = 2, zone: str = "America/New_York", phone: str = "+16175559000"
) -> Family:
    """A clinic whose first ``siblings`` patients share one parent's phone."""
    with db.write() as s:
        w = make_world(s, zone=zone)
        for p in w.patients[:siblings]:
            p.contact_phone = phone
        s.flush()
        return Family(w.clinic.id, w.location.id, [p.id for p in w.patients], phone, w)
