"""Waitlist entries: add, edit, remove, and the list staff see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services import local_time
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_WAITLIST, Actor
from orca_desk.services.availability import hhmm
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.message_locale import staff_date, staff_weekday_short
from orca_desk.services.waitlist.closing import _cancel_message, _reopen_if_idle
from orca_desk.services.waitlist.common import _live_offer, _names, _utc
from orca_desk.services.waitlist.matching import _windows_text
from orca_desk.services.waitlist.rows import EntryInput, EntryRow
from orca_desk.services.waitlist.settings import WaitlistSettings, _settings_or_clinic


def _prefs_text(e: WaitlistEntry, names: dict[str, dict[int, str]], style: str) -> str:
    parts = []
    if e.days_of_week:
        parts.append("/".join(staff_weekday_short(d) for d in sorted(e.days_of_week)))
    if e.time_windows:
        parts.append(_windows_text(e.time_windows, style))
    if e.provider_ids:
        parts.append(", ".join(names["provider"].get(i, f"#{i}") for i in e.provider_ids))
    if e.location_ids:
        parts.append(", ".join(names["location"].get(i, f"#{i}") for i in e.location_ids))
    if e.latest_date:
        parts.append(f"by {staff_date(e.latest_date, year=False, weekday=False)}")
    return " · ".join(parts) or "any time"


def list_entries(
    session: Session,
    *,
    now: datetime,
    statuses: Sequence[str] = ("active", "notified"),
    settings: WaitlistSettings | None = None,
    limit: int = 2000,
) -> list[EntryRow]:
    """Waitlist entries (most urgent, then longest waiting, first)."""
    now = _utc(now)
    max_offers = _settings_or_clinic(session, settings).max_offers
    names = _names(session)
    style = local_time.clinic_time_format(session)
    rows = session.execute(
        select(WaitlistEntry, Patient.first_name, Patient.last_name)
        .join(Patient, Patient.id == WaitlistEntry.patient_id)
        .where(WaitlistEntry.status.in_(list(statuses)))
        .order_by(WaitlistEntry.priority, WaitlistEntry.created_at)
        .limit(limit)
    ).all()
    return [
        EntryRow(
            e.id,
            e.patient_id,
            f"{f} {la}",
            e.type_id,
            names["type"].get(e.type_id, "?"),
            e.duration_minutes,
            e.priority,
            e.status,
            e.notification_count,
            max_offers,
            max(0, (now - e.created_at).days),
            _prefs_text(e, names, style),
            e.reason,
            tuple(e.provider_ids or ()),
            tuple(e.location_ids or ()),
            tuple(e.days_of_week or ()),
            tuple((int(a), int(b)) for a, b in (e.time_windows or ())),
            e.earliest_date,
            e.latest_date,
        )
        for e, f, la in rows
    ]


def _validate_entry(session: Session, data: EntryInput) -> tuple[int, int]:
    patient = session.get(Patient, data.patient_id)
    if patient is None or not patient.is_active:
        raise NotFound(f"Patient #{data.patient_id} does not exist.")
    atype = session.get(AppointmentType, data.type_id)
    if atype is None:
        raise NotFound(f"Appointment type #{data.type_id} does not exist.")
    minutes = data.duration_minutes or atype.default_minutes
    if not 5 <= minutes <= 8 * 60:
        raise ValidationError("The length must be between 5 minutes and 8 hours.", field="duration_minutes")
    if not 1 <= data.priority <= 5:
        raise ValidationError("Priority is 1 (urgent) to 5 (low).", field="priority")
    if any(d not in range(7) for d in data.days_of_week):
        raise ValidationError("Days of the week are 0 (Monday) to 6 (Sunday).", field="days_of_week")
    for a, b in data.time_windows:
        if not 0 <= a < b <= 24 * 60:
            raise ValidationError(f"The time window {hhmm(a)}–{hhmm(b)} is not valid.", field="time_windows")
    if data.earliest_date and data.latest_date and data.latest_date < data.earliest_date:
        raise ValidationError("The latest date is before the earliest date.", field="latest_date")
    return patient.clinic_id, minutes


def _apply_entry(e: WaitlistEntry, data: EntryInput, minutes: int, now: datetime) -> None:
    e.type_id, e.duration_minutes = data.type_id, minutes
    e.provider_ids = sorted(set(data.provider_ids))
    e.location_ids = sorted(set(data.location_ids))
    e.days_of_week = sorted(set(data.days_of_week))
    e.time_windows = [[int(a), int(b)] for a, b in sorted(data.time_windows)]
    e.earliest_date, e.latest_date = data.earliest_date, data.latest_date
    e.priority, e.reason, e.updated_at = data.priority, data.reason.strip()[:200], now


def add_entry(session: Session, actor: Actor, data: EntryInput, *, now: datetime) -> int:
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    clinic_id, minutes = _validate_entry(session, data)
    e = WaitlistEntry(
        clinic_id=clinic_id, patient_id=data.patient_id, status="active", notification_count=0, created_at=now
    )
    _apply_entry(e, data, minutes, now)
    session.add(e)
    session.flush()
    audit.record(
        session, actor, "add", "waitlist_entry", e.id, now=now, after={"patient_id": data.patient_id}
    )
    return e.id


def update_entry(session: Session, actor: Actor, entry_id: int, data: EntryInput, *, now: datetime) -> None:
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    e = session.get(WaitlistEntry, entry_id)
    if e is None:
        raise NotFound(f"Waitlist entry #{entry_id} does not exist.")
    _, minutes = _validate_entry(session, replace(data, patient_id=e.patient_id))
    _apply_entry(e, data, minutes, now)
    audit.record(session, actor, "edit", "waitlist_entry", e.id, now=now)


def remove_entry(session: Session, actor: Actor, entry_id: int, *, now: datetime) -> None:
    """Take an entry off the list; a live offer of it ends (its opening goes to the next match)."""
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    e = session.get(WaitlistEntry, entry_id)
    if e is None:
        raise NotFound(f"Waitlist entry #{entry_id} does not exist.")
    for offer in session.scalars(select(WaitlistOffer).where(WaitlistOffer.entry_id == e.id, _live_offer())):
        offer.response, offer.hold_released, offer.responded_via = "no_response", True, "staff"
        offer.outcome = "The entry was removed from the waitlist."
        if offer.outbox_message_id and offer.hold_started_at is None:
            _cancel_message(session, offer.outbox_message_id, now)
        o = session.get(Opening, offer.opening_id)
        if o is not None:
            _reopen_if_idle(session, o, now)
    e.status, e.updated_at = "removed", now
    audit.record(session, actor, "remove", "waitlist_entry", e.id, now=now)
