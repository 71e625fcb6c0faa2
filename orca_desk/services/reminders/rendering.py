"""Filling a reminder's text: the visit's values, the family's address, one message per family."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Clinic, Location, Provider
from orca_desk.models.messaging import ContactState
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import PlannedReminder
from orca_desk.services import local_time
from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.message_locale import (
    message_date,
    message_time,
    message_weekday,
    recipient_language,
)
from orca_desk.services.messaging.message_phrases import join_names, phrase
from orca_desk.services.messaging.policy import merge_family_messages
from orca_desk.services.messaging.render import KNOWN_VARIABLES, render
from orca_desk.services.phones import dialled
from orca_desk.services.reminders.settings import ReminderSettings


@dataclass
class _Ctx:
    clinic: dict[int, Clinic] = field(default_factory=dict)
    locations: dict[int, Location] = field(default_factory=dict)
    providers: dict[int, str] = field(default_factory=dict)
    hour_format: Literal[12, 24] | None = None  # the clinic's clock, read once


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _location(session: Session, ctx: _Ctx, location_id: int) -> Location:
    if location_id not in ctx.locations:
        loc = session.get(Location, location_id)
        assert loc is not None
        ctx.locations[location_id] = loc
    return ctx.locations[location_id]


def _values(
    session: Session,
    ctx: _Ctx,
    a: Appointment,
    p: Patient,
    settings: ReminderSettings,
    channel: str,
    address: str,
    now: datetime,
) -> dict[str, str]:
    loc = _location(session, ctx, a.location_id)
    if a.clinic_id not in ctx.clinic:
        clinic = session.get(Clinic, a.clinic_id)
        assert clinic is not None
        ctx.clinic[a.clinic_id] = clinic
    clinic = ctx.clinic[a.clinic_id]
    if a.provider_id not in ctx.providers:
        ctx.providers[a.provider_id] = (
            session.scalar(select(Provider.name).where(Provider.id == a.provider_id)) or ""
        )
    local = a.start_at.astimezone(_zone(loc.timezone))
    reader = (p.guardian_name or "").split()[0] if p.guardian_name else p.first_name
    language = recipient_language(p)
    if ctx.hour_format is None:
        ctx.hour_format = local_time.message_hour_format(session)
    values = {
        "first_name": reader,
        "patient_first_name": p.first_name,
        "guardian_name": p.guardian_name or p.display_name,
        "date": message_date(local, language, clinic.country),
        "time": message_time(local, language, hour_format=ctx.hour_format, country=clinic.country),
        "day": message_weekday(local, language),
        "location": loc.name,
        "location_address": loc.address or loc.name,
        "clinic_name": clinic.name,
        "clinic_phone": dialled(loc.phone or clinic.phone, clinic.country),
        "provider": ctx.providers[a.provider_id],
        "hold_minutes": "",
        "hold": "",
        "offer_count": "",
        "link": "",
        "unsubscribe_link": "",
        "reschedule_link": "",
    }
    if settings.secret is not None:
        from orca_desk.services.links.patient_links import CONFIRM, RESCHEDULE, link_for, unsubscribe_link_for

        values["link"] = link_for(
            CONFIRM, a.id, a.start_at, secret=settings.secret, base_url=settings.base_url
        )
        values["reschedule_link"] = link_for(
            RESCHEDULE, a.id, a.start_at, secret=settings.secret, base_url=settings.base_url
        )
        if channel == "email":
            values["unsubscribe_link"] = unsubscribe_link_for(
                session, "email", address, secret=settings.secret, base_url=settings.base_url, now=now
            )
    else:
        values["link"] = f"(call {values['clinic_phone']})" if values["clinic_phone"] else ""
        values["reschedule_link"] = values["link"]
        values["unsubscribe_link"] = "reply to this email with UNSUBSCRIBE"
    assert set(values) == KNOWN_VARIABLES
    return values


def _fill(text: str, values: dict[str, str]) -> str:
    try:
        return " ".join(render(text, values).split(" ")).strip()
    except ValidationError:
        # A template edited into something unrenderable: fall back to a plain sentence.
        return render(
            "{clinic_name}: reminder of {patient_first_name}'s visit {date} at {time} at {location}.", values
        )


def _recipient(session: Session, p: Patient, channel: str) -> tuple[str | None, str]:
    """The address a step goes to, or None and why it cannot go."""
    if channel == "sms":
        address = (p.contact_phone or "").strip()
        if not address:
            return None, "No mobile number on file."
    else:
        address = (p.contact_email or "").strip()
        if not address:
            return None, "No email address on file."
    state = session.scalar(
        select(ContactState).where(ContactState.channel == channel, ContactState.address == address)
    )
    if state is not None and state.undeliverable:
        return None, f"{address} cannot receive messages."
    if channel == "sms":
        if state is not None and state.opted_out:
            return None, "The number replied STOP; no more texts."
        if not p.sms_consent:
            return None, "No SMS consent is recorded."
    else:
        if state is not None and state.opted_out:
            return None, "The address unsubscribed from emails."
        if not p.email_consent:
            return None, "No email consent is recorded."
    return address, ""


def _merged_texts(
    session: Session,
    ctx: _Ctx,
    group: list[tuple[PlannedReminder, Appointment, Patient]],
    r: PlannedReminder,
    values: dict[str, str],
) -> tuple[str | None, str]:
    items = []
    for _, a, p in group:
        loc = _location(session, ctx, a.location_id)
        items.append((p.first_name, a.start_at.astimezone(_zone(loc.timezone)), loc.name))
    language = recipient_language(group[0][2])
    clinic = ctx.clinic.get(group[0][1].clinic_id)  # read by _values for this group's first visit
    # "Reminder: A … and B …. Reply YES to confirm both, NO to cancel."
    text = merge_family_messages(
        items,
        language=language,
        country=clinic.country if clinic is not None else None,
        ask=r.asks_for_confirmation,
        hour_format=ctx.hour_format or 12,
    )
    text = f"{values['clinic_name']}: {text}"
    if r.channel == "sms":
        return None, text
    names = join_names([p.first_name for _, _, p in group], language)
    body = (
        phrase(language, "merge_email", first_name=values["first_name"], text=text)
        + (
            phrase(language, "merge_email_ask", link=values["link"])
            if r.asks_for_confirmation and values["link"]
            else ""
        )
        + phrase(
            language,
            "merge_email_end",
            clinic=values["clinic_name"],
            phone=values["clinic_phone"],
            unsubscribe=values["unsubscribe_link"],
        )
    )
    return phrase(language, "merge_subject", names=names, date=values["date"]), body
