"""Load a deterministic demo clinic (small for trying the app, large for benchmarks)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from orca_desk.models import (
    Appointment,
    AppointmentType,
    Base,
    Chair,
    Clinic,
    Location,
    Patient,
    Provider,
    ScheduleBreak,
    ScheduleException,
    SchedulePeriod,
    StaffUser,
    WaitlistEntry,
)
from orca_desk.paths import resources_dir
from orca_desk.services.bulk import bulk_insert as _bulk_insert
from orca_desk.services.errors import ValidationError
from orca_desk.services.security import hash_password

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoSize:
    name: str
    extra_locations: int  # added to the two of the definition
    chairs_per_location: int | None  # None: the definition's chairs
    providers: int | None
    patients: int
    days_back: int
    days_ahead: int
    waitlist: int


SIZES = {
    "small": DemoSize("small", 0, None, None, 300, 28, 42, 40),
    "large": DemoSize("large", 1, 20, 40, 20_000, 852, 112, 10_000),
}

DAY_START, DAY_END, LUNCH = 8 * 60, 17 * 60, (12 * 60, 13 * 60)
AREA_CODES = ("617", "857", "781", "339", "508")
ROLE_TYPES = {"hygienist": ("Adjustment", "Retainer check", "Records"),
              "assistant": ("Records", "Retainer check", "Adjustment")}


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


def load_demo(session: Session, size: str = "small", *, seed: int = 7, now: datetime,
              progress: Progress | None = None) -> DemoSummary:
    """Fill an empty database with a demo clinic; the same seed and day give the same data."""
    if size not in SIZES:
        raise ValidationError(f"Unknown demo size {size!r}; choose small or large.", field="size")
    if not is_empty(session):
        raise ValidationError("The database already holds a clinic; the demo loads only into an "
                              "empty database.")
    say = progress or (lambda _msg: None)
    spec = SIZES[size]
    rng = random.Random(seed)
    d = load_definition()
    clinic = Clinic(**d["clinic"])
    session.add(clinic)
    session.flush()

    say("clinic, locations and chairs")
    loc_defs = list(d["locations"])
    for i in range(spec.extra_locations):
        loc_defs.append({"name": ["Lakeside", "Hillcrest"][i % 2], "timezone": "America/Chicago",
                         "address": "90 Lake Shore Drive, Chicago, IL", "phone": "+13125550103",
                         "chairs": []})
    locations: list[Location] = []
    chairs_by_loc: list[list[Chair]] = []
    for ld in loc_defs:
        loc = Location(clinic_id=clinic.id, name=ld["name"], timezone=ld["timezone"],
                       address=ld["address"], phone=ld["phone"])
        session.add(loc)
        session.flush()
        chair_defs = ld["chairs"] if spec.chairs_per_location is None else [
            [f"Chair {n + 1}", f"Bay {'ABCD'[n // 5]}"] for n in range(spec.chairs_per_location)]
        chairs = [Chair(location_id=loc.id, name=n, room=r, sort_order=k)
                  for k, (n, r) in enumerate(chair_defs)]
        session.add_all(chairs)
        locations.append(loc)
        chairs_by_loc.append(chairs)
    session.flush()

    say("providers and appointment types")
    chair_provider: dict[int, Provider] = {}
    providers: list[Provider] = []
    if spec.providers is None:
        for pd in d["providers"]:
            p = Provider(clinic_id=clinic.id, name=pd["name"], role=pd["role"], colour=pd["colour"],
                         max_concurrent=pd["max_concurrent"])
            session.add(p)
            session.flush()
            providers.append(p)
            for ci in pd["chairs"]:
                chair_provider[chairs_by_loc[pd["location"]][ci].id] = p
    else:
        providers = _large_providers(session, clinic.id, spec.providers, chairs_by_loc, chair_provider,
                                     d, rng)
    types = []
    for td in d["types"]:
        t = AppointmentType(clinic_id=clinic.id, name=td["name"], colour=td["colour"],
                            default_minutes=td["minutes"], category=td["category"])
        session.add(t)
        types.append((t, td["weight"]))
    for sd in d["staff"]:
        session.add(StaffUser(clinic_id=clinic.id, username=sd["username"],
                              display_name=sd["display_name"], role=sd["role"],
                              password_hash=hash_password(d["demo_password"])))
    session.flush()

    say("working hours, holidays and time off")
    closed = _insert_schedules(session, spec, now, locations, providers, chair_provider)

    say(f"{spec.patients:,} patients")
    patient_ids = _insert_patients(session, clinic.id, spec.patients, d, rng, now,
                                   [loc.id for loc in locations])

    say("appointments")
    # Building the indexes once after the bulk insert is several times faster than
    # maintaining them row by row (DDL is transactional, so a failure leaves nothing).
    indexes = list(_table(Appointment).indexes)
    bind = session.connection()
    for index in indexes:
        index.drop(bind)
    n_appts = _insert_appointments(session, spec, rng, now, clinic.id, locations, chairs_by_loc,
                                   chair_provider, types, patient_ids, d["cancel_reasons"], say, closed)
    say("indexing appointments")
    for index in indexes:
        index.create(bind)

    say(f"{spec.waitlist:,} waitlist entries")
    _insert_waitlist(session, spec.waitlist, rng, now, clinic.id, patient_ids, types, providers,
                     locations)
    if size == "small":  # issue 5: a designed default template to start from
        from orca_desk.services.schedule_templates import seed_standard_week

        seed_standard_week(session, now=now)

    # Issue 9: the default reminder sequences; every future appointment gets its steps planned.
    # Issue 15: the same defaults as every new clinic (recovery sequence, message templates).
    from orca_desk.services import reminders
    from orca_desk.services.clinic_defaults import seed_clinic_defaults

    say("reminder sequences and message templates")
    seed_clinic_defaults(session, clinic.id, now=now)
    reminders.plan_all(session, now=now, clinic_id=clinic.id)
    if size == "small":  # issue 10: recovery cases for the recent missed visits, a finished A/B campaign
        from orca_desk.services import campaigns, recovery

        say("recovery cases and campaigns")
        recovery.seed_from_history(session, clinic.id, now=now)
        campaigns.seed_demo(session, clinic.id, now=now)
    return DemoSummary(len(locations), sum(len(c) for c in chairs_by_loc), len(providers),
                       len(patient_ids), n_appts, spec.waitlist)


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def _large_providers(session: Session, clinic_id: int, count: int, chairs_by_loc: list[list[Chair]],
                     chair_provider: dict[int, Provider], d: dict[str, Any],
                     rng: random.Random) -> list[Provider]:
    palette = ["#3b6fd4", "#2f9e8f", "#b0689b", "#d9822b", "#5c6bc0", "#8d6e63", "#43a047", "#c2185b"]
    providers: list[Provider] = []
    per_loc = [count // len(chairs_by_loc) + (1 if i < count % len(chairs_by_loc) else 0)
               for i in range(len(chairs_by_loc))]
    for li, chairs in enumerate(chairs_by_loc):
        free = list(chairs)
        for k in range(per_loc[li]):
            ortho = k < 4
            first = d["first_names"][(li * 17 + k * 7) % len(d["first_names"])]
            last = d["last_names"][(li * 13 + k * 5) % len(d["last_names"])]
            p = Provider(clinic_id=clinic_id, name=f"{'Dr. ' if ortho else ''}{first} {last} {li}{k}",
                         role="orthodontist" if ortho else ("hygienist" if k % 2 else "assistant"),
                         colour=palette[(li * 3 + k) % len(palette)], max_concurrent=3 if ortho else 1)
            session.add(p)
            session.flush()
            providers.append(p)
            for _ in range(3 if ortho else 1):
                if free:
                    chair_provider[free.pop(0).id] = p
    return providers


def _insert_schedules(session: Session, spec: DemoSize, now: datetime, locations: list[Location],
                      providers: list[Provider], chair_provider: dict[int, Provider]
                      ) -> set[tuple[int | None, date]]:
    """Mon–Fri 08:00–17:00 with lunch 12:00–13:00 at each provider's location (what the
    appointment generator fills), a clinic holiday and one provider's day off.

    Returns the (provider id or None for everyone, day) pairs the generator must leave empty.
    """
    chair_loc = {c: loc.id for loc in locations for c in [ch.id for ch in loc.chairs]}
    home: dict[int, int] = {}
    for chair_id, p in chair_provider.items():
        home.setdefault(p.id, chair_loc.get(chair_id, locations[0].id))
    today = now.astimezone(ZoneInfo(locations[0].timezone)).date()
    since = today - timedelta(days=spec.days_back + 7)
    first_id = (session.scalar(select(func.max(SchedulePeriod.id))) or 0) + 1
    periods: list[dict[str, Any]] = []
    breaks: list[dict[str, Any]] = []
    for p in providers:
        for weekday in range(5):
            pid = first_id + len(periods)
            periods.append({"id": pid, "provider_id": p.id, "location_id": home.get(p.id, locations[0].id),
                            "weekday": weekday, "start_minute": DAY_START, "end_minute": DAY_END,
                            "effective_from": since, "effective_to": None})
            breaks.append({"period_id": pid, "start_minute": LUNCH[0], "end_minute": LUNCH[1],
                           "label": "Lunch"})
    _bulk_insert(session, _table(SchedulePeriod), periods)
    _bulk_insert(session, _table(ScheduleBreak), breaks)
    # Deterministic dates relative to "today": a holiday on the Monday two to three weeks out,
    # the first provider off on the Friday of next week.
    holiday = today + timedelta(days=14 + (7 - today.weekday()) % 7)
    pto = today + timedelta(days=7 + (4 - today.weekday()) % 7)
    session.add_all([
        ScheduleException(kind="holiday", provider_id=None, location_id=None, start_day=holiday,
                          end_day=holiday, name="Clinic closed (staff training)", created_at=now),
        ScheduleException(kind="time_off", provider_id=providers[0].id, location_id=None, start_day=pto,
                          end_day=pto, time_off_type="vacation", name="Long weekend", created_at=now),
    ])
    session.flush()
    return {(None, holiday), (providers[0].id, pto)}


def _insert_patients(session: Session, clinic_id: int, count: int, d: dict[str, Any],
                     rng: random.Random, now: datetime, location_ids: list[int]) -> list[int]:
    rows: list[dict[str, Any]] = []
    today = now.date()
    while len(rows) < count:
        last = rng.choice(d["last_names"])
        guardian = f"{rng.choice(d['guardian_first_names'])} {last}"
        phone = f"+1{rng.choice(AREA_CODES)}555{rng.randrange(10_000):04d}"
        handle = f"{guardian.split()[0]}.{last}".lower().replace("'", "")
        email = f"{handle}{rng.randrange(100)}@example.com"
        consent = rng.random() < 0.88
        home = rng.choice(location_ids)
        # Families: siblings share the parent's phone, the reason budgets are per number.
        for _ in range(rng.choices((1, 2, 3), (70, 24, 6))[0]):
            if len(rows) >= count:
                break
            adult = rng.random() < 0.15
            age = rng.randint(25, 55) if adult else rng.randint(9, 17)
            dob = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
            rows.append({
                "clinic_id": clinic_id, "first_name": rng.choice(d["first_names"]), "last_name": last,
                "date_of_birth": dob, "phone": phone if adult else None, "email": email if adult else None,
                "preferred_channel": rng.choices(("sms", "email", "phone"), (75, 20, 5))[0],
                "timezone": None, "home_location_id": home,
                "treatment_stage": rng.choices(("consult", "active", "retention"), (10, 65, 25))[0],
                "guardian_name": None if adult else guardian,
                "guardian_relation": None if adult else rng.choice(("mother", "father", "guardian")),
                "guardian_phone": None if adult else phone, "guardian_email": None if adult else email,
                "contact_phone": phone, "contact_email": email, "sms_consent": consent,
                "sms_consent_at": now - timedelta(days=rng.randint(30, 700)) if consent else None,
                "sms_consent_source": "intake form" if consent else None,
                "email_consent": True, "email_consent_at": now - timedelta(days=rng.randint(30, 700)),
                "notes": "", "is_active": True})
    first_id = (session.scalar(select(func.max(Patient.id))) or 0) + 1
    _bulk_insert(session, _table(Patient), rows)
    return list(range(first_id, first_id + len(rows)))


def _insert_appointments(session: Session, spec: DemoSize, rng: random.Random, now: datetime,
                         clinic_id: int, locations: list[Location], chairs_by_loc: list[list[Chair]],
                         chair_provider: dict[int, Provider],
                         types: list[tuple[AppointmentType, int]], patient_ids: list[int],
                         reasons: list[str], say: Progress,
                         closed: set[tuple[int | None, date]]) -> int:
    by_name = {t.name: t for t, _ in types}
    all_types = [t for t, _ in types]
    weights = [w for _, w in types]
    n_pat = len(patient_ids)
    batch: list[dict[str, Any]] = []
    total = 0
    today = now.astimezone(ZoneInfo(locations[0].timezone)).date()
    for offset in range(-spec.days_back, spec.days_ahead + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 or (None, day) in closed:
            continue
        # How full the book is: the past was busy, the far future is still filling up.
        fill = 0.9 if offset < 0 else max(0.5, 0.92 - 0.4 * offset / max(spec.days_ahead, 1))
        cursor = rng.randrange(n_pat)
        for loc, chairs in zip(locations, chairs_by_loc, strict=True):
            zone = ZoneInfo(loc.timezone)
            base = datetime.combine(day, time(0), tzinfo=zone)
            for chair in chairs:
                provider = chair_provider.get(chair.id)
                if provider is None or (provider.id, day) in closed:
                    continue
                allowed = ROLE_TYPES.get(provider.role)
                t = DAY_START + rng.choice((0, 0, 10, 20))
                while t < DAY_END:
                    atype = by_name[rng.choice(allowed)] if allowed else rng.choices(all_types, weights)[0]
                    dur = atype.default_minutes
                    if t < LUNCH[1] and t + dur > LUNCH[0]:
                        t = LUNCH[1]
                        continue
                    if t + dur > DAY_END:
                        break
                    if rng.random() < fill:
                        start = (base + timedelta(minutes=t)).astimezone(UTC)
                        status, confirmation, reason, late = "scheduled", "unconfirmed", None, False
                        if offset < 0:
                            r = rng.random()
                            status = "completed" if r < 0.9 else ("no_show" if r < 0.93 else "cancelled")
                            confirmation = "confirmed" if rng.random() < 0.8 else "unconfirmed"
                            if status == "cancelled":
                                reason, late = rng.choice(reasons), rng.random() < 0.4
                        elif offset <= 2:
                            confirmation = rng.choices(("confirmed", "requested", "unconfirmed"),
                                                       (60, 25, 15))[0]
                            status = "confirmed" if confirmation == "confirmed" else "scheduled"
                        cursor = (cursor + 1) % n_pat
                        batch.append({
                            "clinic_id": clinic_id, "patient_id": patient_ids[cursor],
                            "provider_id": provider.id, "chair_id": chair.id, "location_id": loc.id,
                            "type_id": atype.id, "start_at": start,
                            "end_at": start + timedelta(minutes=dur), "status": status,
                            "confirmation": confirmation, "cancel_reason": reason, "late_cancel": late,
                            "notes": "", "series_id": None, "created_at": start - timedelta(days=30),
                            "updated_at": start - timedelta(days=30), "version": 1})
                    t += dur + rng.choice((0, 0, 0, 5, 10))
        if len(batch) >= 20_000:
            _bulk_insert(session, _table(Appointment), batch)
            total += len(batch)
            say(f"appointments: {total:,}")
            batch = []
    if batch:
        _bulk_insert(session, _table(Appointment), batch)
        total += len(batch)
    return total


def _insert_waitlist(session: Session, count: int, rng: random.Random, now: datetime, clinic_id: int,
                     patient_ids: list[int], types: list[tuple[AppointmentType, int]],
                     providers: list[Provider], locations: list[Location]) -> None:
    short = [t for t, _ in types if t.name in ("Adjustment", "Retainer check", "Records", "Consult")]
    windows: tuple[list[list[int]], ...] = ([[15 * 60, 18 * 60]], [[8 * 60, 12 * 60]], [],
                                            [[13 * 60, 17 * 60]])
    rows = []
    for k in range(count):
        t = rng.choice(short)
        created = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
        rows.append({
            "clinic_id": clinic_id, "patient_id": patient_ids[(k * 7919) % len(patient_ids)],
            "type_id": t.id, "duration_minutes": t.default_minutes,
            "provider_ids": rng.sample([p.id for p in providers], k=1) if rng.random() < 0.4 else [],
            "location_ids": [rng.choice(locations).id] if rng.random() < 0.5 else [],
            "days_of_week": sorted(rng.sample(range(5), k=rng.randint(2, 5))),
            "time_windows": rng.choice(windows), "earliest_date": None,
            "latest_date": (now + timedelta(days=rng.randint(20, 90))).date(),
            "priority": rng.choices((1, 2, 3, 4, 5), (5, 15, 50, 20, 10))[0],
            "reason": rng.choice(("wants an earlier date", "after-school slot", "broken bracket",
                                  "moved school", "")),
            "status": "active", "notification_count": 0, "created_at": created, "updated_at": created})
    _bulk_insert(session, _table(WaitlistEntry), rows)
