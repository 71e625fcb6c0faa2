"""How a recovery case reads: the missed visit's local time and the values of its messages' templates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Clinic, Location, Provider
from orca_desk.models.patient import Patient
from orca_desk.models.recovery import RecoveryCase
from orca_desk.services import local_time
from orca_desk.services.messaging.message_locale import (
    message_date,
    message_time,
    message_weekday,
    recipient_language,
    staff_date,
)
from orca_desk.services.messaging.render import KNOWN_VARIABLES
from orca_desk.services.phones import dialled


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _local_text(session: Session, location_id: int, at: datetime, style: str | None = None) -> str:
    """For staff: "Wed 18 Nov 10:55 AM" at the location, in the clinic's format (``style``, else read)."""
    loc = session.get(Location, location_id)
    zone = _zone(loc.timezone if loc else None)
    local = at.astimezone(zone)
    clock = local_time.fmt_time(at, zone, style or local_time.clinic_time_format(session))
    return f"{staff_date(local, year=False)} {clock}"


def _values(
    session: Session, case: RecoveryCase, p: Patient, channel: str, address: str, now: datetime
) -> dict[str, str]:
    loc = session.get(Location, case.location_id)
    clinic = session.get(Clinic, case.clinic_id)
    local = case.missed_start_at.astimezone(_zone(loc.timezone if loc else None))
    language = recipient_language(p)
    country = clinic.country if clinic else None
    phone = dialled((loc.phone if loc else "") or (clinic.phone if clinic else ""), country)
    values = {
        "first_name": (p.guardian_name or "").split()[0] if p.guardian_name else p.first_name,
        "patient_first_name": p.first_name,
        "guardian_name": p.guardian_name or p.display_name,
        "date": message_date(local, language, country),
        "time": message_time(
            local, language, hour_format=local_time.message_hour_format(session), country=country
        ),
        "day": message_weekday(local, language),
        "location": loc.name if loc else "",
        "location_address": (loc.address or loc.name) if loc else "",
        "clinic_name": clinic.name if clinic else "",
        "clinic_phone": phone,
        "provider": session.scalar(select(Provider.name).where(Provider.id == case.provider_id)) or "",
        "hold_minutes": "",
        "hold": "",
        "offer_count": "",
        "link": f"(call {phone})" if phone else "",
        "reschedule_link": f"(call {phone})" if phone else "",
        "unsubscribe_link": "reply to this email with UNSUBSCRIBE",
    }
    if channel == "email":
        from orca_desk.services.reminders import load_settings

        settings = load_settings(session)
        if settings.secret is not None:
            from orca_desk.services.links.patient_links import unsubscribe_link_for

            values["unsubscribe_link"] = unsubscribe_link_for(
                session, "email", address, secret=settings.secret, base_url=settings.base_url, now=now
            )
    assert set(values) == KNOWN_VARIABLES
    return values
