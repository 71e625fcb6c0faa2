"""The demo's patients: families sharing a parent's phone, most of them consenting to texts."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.patient import Patient
from orca_desk.services.bulk import bulk_insert
from orca_desk.services.demo.spec import table

AREA_CODES = ("617", "857", "781", "339", "508")


def insert_patients(
    session: Session,
    clinic_id: int,
    count: int,
    d: dict[str, Any],
    rng: random.Random,
    now: datetime,
    location_ids: list[int],
) -> list[int]:
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
            rows.append(
                {
                    "clinic_id": clinic_id,
                    "first_name": rng.choice(d["first_names"]),
                    "last_name": last,
                    "date_of_birth": dob,
                    "phone": phone if adult else None,
                    "email": email if adult else None,
                    "preferred_channel": rng.choices(("sms", "email", "phone"), (75, 20, 5))[0],
                    "timezone": None,
                    "home_location_id": home,
                    "treatment_stage": rng.choices(("consult", "active", "retention"), (10, 65, 25))[0],
                    "guardian_name": None if adult else guardian,
                    "guardian_relation": None if adult else rng.choice(("mother", "father", "guardian")),
                    "guardian_phone": None if adult else phone,
                    "guardian_email": None if adult else email,
                    "contact_phone": phone,
                    "contact_email": email,
                    "sms_consent": consent,
                    "sms_consent_at": now - timedelta(days=rng.randint(30, 700)) if consent else None,
                    "sms_consent_source": "intake form" if consent else None,
                    "email_consent": True,
                    "email_consent_at": now - timedelta(days=rng.randint(30, 700)),
                    "notes": "",
                    "is_active": True,
                }
            )
    first_id = (session.scalar(select(func.max(Patient.id))) or 0) + 1
    bulk_insert(session, table(Patient), rows)
    return list(range(first_id, first_id + len(rows)))
