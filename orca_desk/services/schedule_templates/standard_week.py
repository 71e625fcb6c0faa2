"""The demo's "Standard week" block schedule template."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType
from orca_desk.services.access.security import Actor
from orca_desk.services.schedule_templates.rows import SlotSpec
from orca_desk.services.schedule_templates.writing import create_template


def seed_standard_week(session: Session, *, now: datetime) -> int:
    """The demo's "Standard week" (block schedule): bonding and records in the morning in two chairs,
    lunch blocked, adjustments in the after-school afternoon; Friday afternoon emergencies."""
    from orca_desk.services.access.security import ROLE_PERMISSIONS

    ids = {name: tid for tid, name in session.execute(select(AppointmentType.id, AppointmentType.name))}
    actor = Actor(
        username="demo", role="manager", display_name="Demo manager", permissions=ROLE_PERMISSIONS["manager"]
    )
    slots: list[SlotSpec] = []
    for wd in range(5):
        slots += [
            SlotSpec(8 * 60, 9 * 60 + 30, ids["Bonding"], weekday=wd),
            SlotSpec(9 * 60 + 30, 10 * 60 + 10, ids["Records"], weekday=wd),
            SlotSpec(10 * 60 + 30, 11 * 60 + 30, ids["Consult"], weekday=wd),
            SlotSpec(8 * 60, 9 * 60, ids["Debond"], weekday=wd, chair_index=1),
            SlotSpec(9 * 60, 10 * 60 + 30, ids["Bonding"], weekday=wd, chair_index=1),
            SlotSpec(
                10 * 60 + 30,
                11 * 60,
                ids["Retainer check"] if wd % 2 else ids["Emergency"],
                weekday=wd,
                chair_index=1,
            ),
        ]
        for lane in (0, 1):
            slots.append(
                SlotSpec(12 * 60, 13 * 60, None, weekday=wd, chair_index=lane, blocked=True, reason="Lunch")
            )
        afternoon = [(13 * 60 + 20 * k, 13 * 60 + 20 * (k + 1)) for k in range(12)]
        for k, (a, b) in enumerate(afternoon):
            if wd == 4 and a >= 15 * 60:
                break
            slots.append(SlotSpec(a, b, ids["Adjustment"], weekday=wd, chair_index=k % 2))
        if wd == 4:
            slots.append(SlotSpec(15 * 60, 16 * 60, None, weekday=wd, blocked=True, reason="Team meeting"))
    detail = create_template(
        session,
        actor,
        name="Standard week",
        kind="week",
        chair_count=2,
        slots=slots,
        description="Block schedule: procedures mornings, after-school adjustments.",
        is_default=True,
        now=now,
    )
    return detail.template.id
