"""Reading applications back: the list with open and booked counts, and open slots for the book."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType
from orca_desk.models.schedule import DEFAULT_BLOCK_COLOUR
from orca_desk.models.template import AppliedSlot, ScheduleTemplate, TemplateApplication, TemplateVersion
from orca_desk.services.template_engine.plans import ApplicationRow, OpenTemplateSlot

# ----- reading ------------------------------------------------------------------------------


def list_applications(session: Session, *, template_id: int | None = None) -> list[ApplicationRow]:
    """Applications newest first, with how many of their slots are open and booked."""
    q = (
        select(TemplateApplication, ScheduleTemplate.name, TemplateVersion.number)
        .join(ScheduleTemplate, ScheduleTemplate.id == TemplateApplication.template_id)
        .join(TemplateVersion, TemplateVersion.id == TemplateApplication.version_id)
        .order_by(TemplateApplication.id.desc())
    )
    if template_id is not None:
        q = q.where(TemplateApplication.template_id == template_id)
    rows = session.execute(q).all()
    counts: dict[tuple[int, str], int] = {}
    if rows:
        for aid, status, n in session.execute(
            select(AppliedSlot.application_id, AppliedSlot.status, func.count())
            .where(AppliedSlot.application_id.in_([r[0].id for r in rows]))
            .group_by(AppliedSlot.application_id, AppliedSlot.status)
        ):
            counts[(aid, status)] = n
    return [
        ApplicationRow(
            id=a.id,
            template_id=a.template_id,
            template_name=name,
            version_number=number,
            provider_ids=tuple(a.provider_ids),
            chair_ids=tuple(a.chair_ids),
            start_day=a.start_day,
            end_day=a.end_day,
            weekdays=tuple(a.weekdays),
            created_count=a.created_count,
            open_count=counts.get((a.id, "open"), 0),
            booked_count=counts.get((a.id, "booked"), 0),
            created_by=a.created_by,
            created_at=a.created_at,
            replaced_by=a.replaced_by,
        )
        for a, name, number in rows
    ]


def open_template_slots(
    session: Session,
    *,
    location_ids: Sequence[int],
    start: datetime,
    end: datetime,
    include_blocked: bool = False,
) -> list[OpenTemplateSlot]:
    """Applied slots still open in [start, end) at these locations: openings the waitlist may offer.

    Blocked template time is left out unless ``include_blocked`` (the calendar draws it).
    One query.
    """
    q = (
        select(
            AppliedSlot.id,
            AppliedSlot.application_id,
            ScheduleTemplate.name,
            AppliedSlot.provider_id,
            AppliedSlot.chair_id,
            AppliedSlot.location_id,
            AppliedSlot.day,
            AppliedSlot.start_at,
            AppliedSlot.end_at,
            AppliedSlot.start_minute,
            AppliedSlot.end_minute,
            AppliedSlot.type_id,
            AppointmentType.name,
            AppointmentType.colour,
            AppliedSlot.block_reason,
        )
        .join(TemplateApplication, TemplateApplication.id == AppliedSlot.application_id)
        .join(ScheduleTemplate, ScheduleTemplate.id == TemplateApplication.template_id)
        .outerjoin(AppointmentType, AppointmentType.id == AppliedSlot.type_id)
        .where(
            AppliedSlot.location_id.in_(list(location_ids)),
            AppliedSlot.status == "open",
            AppliedSlot.start_at < end,
            AppliedSlot.end_at > start,
        )
        .order_by(AppliedSlot.start_at, AppliedSlot.id)
    )
    if not include_blocked:
        q = q.where(AppliedSlot.block_reason.is_(None))
    return [
        OpenTemplateSlot(
            id=r[0],
            application_id=r[1],
            template_name=r[2],
            provider_id=r[3],
            chair_id=r[4],
            location_id=r[5],
            day=r[6],
            start=r[7],
            end=r[8],
            start_minute=r[9],
            end_minute=r[10],
            type_id=r[11],
            type_name=r[12] or (r[14] or "Blocked"),
            colour=r[13] or DEFAULT_BLOCK_COLOUR,
            block_reason=r[14],
        )
        for r in session.execute(q)
    ]
