"""Load a deterministic demo clinic (small for trying the app, large for benchmarks).

The one place that orchestrates the demo: the clinic and its book come from the modules
beside this one, the per-feature extras from the seeders the campaigns and recovery
packages keep next to the rules they exercise.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider
from orca_desk.models.staff import StaffUser
from orca_desk.paths import resources_dir
from orca_desk.services.access.security import hash_password
from orca_desk.services.demo.appointments import insert_appointments
from orca_desk.services.demo.clinic import large_providers
from orca_desk.services.demo.patients import insert_patients
from orca_desk.services.demo.schedules import insert_schedules
from orca_desk.services.demo.spec import SIZES, DemoSize, Progress, table
from orca_desk.services.demo.waitlist import insert_waitlist
from orca_desk.services.errors import ValidationError

__all__ = ["SIZES", "DemoSize", "DemoSummary", "Progress", "is_empty", "load_definition", "load_demo"]


@dataclass(frozen=True)
class DemoSummary:
    locations: int
    chairs: int
    providers: int
    patients: int
    appointments: int
    waitlist: int


def load_definition(path: Path | None = None) -> dict[str, Any]:
    path = path or resources_dir() / "demo_clinic.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Clinic)) == 0


def load_demo(
    session: Session, size: str = "small", *, seed: int = 7, now: datetime, progress: Progress | None = None
) -> DemoSummary:
    """Fill an empty database with a demo clinic; the same seed and day give the same data."""
    if size not in SIZES:
        raise ValidationError(f"Unknown demo size {size!r}; choose small or large.", field="size")
    if not is_empty(session):
        raise ValidationError(
            "The database already holds a clinic; the demo loads only into an empty database."
        )
    say = progress or (lambda _msg: None)
    spec = SIZES[size]
    rng = random.Random(seed)
    d = load_definition()
    clinic = Clinic(**d["clinic"])
    session.add(clinic)
    session.flush()

    say("clinic, locations and chairs")
    locations, chairs_by_loc = _insert_locations(session, clinic.id, d, spec)

    say("providers and appointment types")
    providers, chair_provider = _insert_providers(session, clinic.id, d, spec, chairs_by_loc, rng)
    types = _insert_types_and_staff(session, clinic.id, d)

    say("working hours, holidays and time off")
    closed = insert_schedules(session, spec, now, locations, providers, chair_provider)

    say(f"{spec.patients:,} patients")
    patient_ids = insert_patients(
        session, clinic.id, spec.patients, d, rng, now, [loc.id for loc in locations]
    )

    say("appointments")
    with _appointment_indexes_rebuilt(session, say):
        n_appts = insert_appointments(
            session,
            spec,
            rng,
            now,
            clinic.id,
            locations,
            chairs_by_loc,
            chair_provider,
            types,
            patient_ids,
            d["cancel_reasons"],
            say,
            closed,
        )

    say(f"{spec.waitlist:,} waitlist entries")
    insert_waitlist(session, spec.waitlist, rng, now, clinic.id, patient_ids, types, providers, locations)
    _seed_features(session, clinic.id, size, now=now, say=say)
    return DemoSummary(
        len(locations),
        sum(len(c) for c in chairs_by_loc),
        len(providers),
        len(patient_ids),
        n_appts,
        spec.waitlist,
    )


def _insert_locations(
    session: Session, clinic_id: int, d: dict[str, Any], spec: DemoSize
) -> tuple[list[Location], list[list[Chair]]]:
    """The definition's locations (and a large clinic's extra ones) with their chairs."""
    loc_defs = list(d["locations"])
    for i in range(spec.extra_locations):
        loc_defs.append(
            {
                "name": ["Lakeside", "Hillcrest"][i % 2],
                "timezone": "America/Chicago",
                "address": "90 Lake Shore Drive, Chicago, IL",
                "phone": "+13125550103",
                "chairs": [],
            }
        )
    locations: list[Location] = []
    chairs_by_loc: list[list[Chair]] = []
    for ld in loc_defs:
        loc = Location(
            clinic_id=clinic_id,
            name=ld["name"],
            timezone=ld["timezone"],
            address=ld["address"],
            phone=ld["phone"],
        )
        session.add(loc)
        session.flush()
        chair_defs = (
            ld["chairs"]
            if spec.chairs_per_location is None
            else [[f"Chair {n + 1}", f"Bay {'ABCD'[n // 5]}"] for n in range(spec.chairs_per_location)]
        )
        chairs = [
            Chair(location_id=loc.id, name=n, room=r, sort_order=k) for k, (n, r) in enumerate(chair_defs)
        ]
        session.add_all(chairs)
        locations.append(loc)
        chairs_by_loc.append(chairs)
    session.flush()
    return locations, chairs_by_loc


def _insert_providers(
    session: Session,
    clinic_id: int,
    d: dict[str, Any],
    spec: DemoSize,
    chairs_by_loc: list[list[Chair]],
    rng: random.Random,
) -> tuple[list[Provider], dict[int, Provider]]:
    """The providers, and which one works at each chair."""
    chair_provider: dict[int, Provider] = {}
    providers: list[Provider] = []
    if spec.providers is None:
        for pd in d["providers"]:
            p = Provider(
                clinic_id=clinic_id,
                name=pd["name"],
                role=pd["role"],
                colour=pd["colour"],
                max_concurrent=pd["max_concurrent"],
            )
            session.add(p)
            session.flush()
            providers.append(p)
            for ci in pd["chairs"]:
                chair_provider[chairs_by_loc[pd["location"]][ci].id] = p
    else:
        providers = large_providers(session, clinic_id, spec.providers, chairs_by_loc, chair_provider, d, rng)
    return providers, chair_provider


def _insert_types_and_staff(
    session: Session, clinic_id: int, d: dict[str, Any]
) -> list[tuple[AppointmentType, int]]:
    """The appointment types (with their weights in the book) and the staff users."""
    types = []
    for td in d["types"]:
        t = AppointmentType(
            clinic_id=clinic_id,
            name=td["name"],
            colour=td["colour"],
            default_minutes=td["minutes"],
            category=td["category"],
        )
        session.add(t)
        types.append((t, td["weight"]))
    for sd in d["staff"]:
        session.add(
            StaffUser(
                clinic_id=clinic_id,
                username=sd["username"],
                display_name=sd["display_name"],
                role=sd["role"],
                password_hash=hash_password(d["demo_password"]),
            )
        )
    session.flush()
    return types


@contextmanager
def _appointment_indexes_rebuilt(session: Session, say: Progress) -> Iterator[None]:
    """Building the indexes once after the bulk insert is several times faster than
    maintaining them row by row (DDL is transactional, so a failure leaves nothing)."""
    indexes = list(table(Appointment).indexes)
    bind = session.connection()
    for index in indexes:
        index.drop(bind)
    yield
    say("indexing appointments")
    for index in indexes:
        index.create(bind)


def _seed_features(session: Session, clinic_id: int, size: str, *, now: datetime, say: Progress) -> None:
    """What the screens open with beyond the book: templates, reminders, recovery, campaigns."""
    if size == "small":  # a designed week template for staff to start from
        from orca_desk.services.schedule_templates import seed_standard_week

        seed_standard_week(session, now=now)

    # The same defaults as every new clinic (reminder and recovery sequences, message
    # templates), then every future appointment gets its reminder steps planned.
    from orca_desk.services import reminders
    from orca_desk.services.clinic.clinic_defaults import seed_clinic_defaults

    say("reminder sequences and message templates")
    seed_clinic_defaults(session, clinic_id, now=now)
    reminders.plan_all(session, now=now, clinic_id=clinic_id)
    if size == "small":  # the recovery and campaign screens open with something to show
        from orca_desk.services.campaigns.demo import seed_demo as seed_campaigns
        from orca_desk.services.recovery.demo import seed_from_history as seed_recovery

        say("recovery cases and campaigns")
        seed_recovery(session, clinic_id, now=now)
        seed_campaigns(session, clinic_id, now=now)
