"""Load the appointment card in a fixed number of queries, and save the visit's notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.patient import Patient, PatientAlert
from orca_desk.models.reminders import ConfirmationRequest
from orca_desk.models.series import RecurringSeries
from orca_desk.services import local_time
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.appointment_card.rows import (
    AppointmentCard,
    ConfirmationRow,
    HistoryRow,
    MessageRow,
    SeriesRow,
    age_on,
)
from orca_desk.services.errors import ConflictError, NotFound
from orca_desk.services.inputs import check_column_text
from orca_desk.services.messaging.message_locale import staff_language
from orca_desk.services.patient_card.rows import ALERT_KINDS
from orca_desk.services.phones import format_phone

_MESSAGES = 30  # the newest messages about the visit the card lists


# What an audit action on an appointment says in the card's history.
_ACTIONS = {
    "book": "Booked",
    "move": "Moved",
    "restore": "Restored",
    "notes": "Notes changed",
    "scheduled": "Back to scheduled",
    "confirmed": "Confirmed",
    "arrived": "Arrived",
    "seated": "Seated",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "no_show": "No-show",
    "confirmed_by_sms": "Confirmed by text",
    "confirmed_by_link": "Confirmed by link",
    "confirmed_by_staff": "Confirmed by staff",
    "declined_by_sms": "Declined by text",
    "declined_by_link": "Declined by link",
    "declined_by_staff": "Declined by staff",
    "callback_by_sms": "Asked for a call (text)",
    "callback_by_link": "Asked for a call (link)",
    "call_confirmed": "Call: confirmed",
    "call_left_voicemail": "Call: left voicemail",
    "call_no_answer": "Call: no answer",
    "call_reschedule": "Call: reschedule",
}


def _history_label(
    action: str, before: dict | None, after: dict | None, zone: ZoneInfo, style: str, cancel_reason: str
) -> str:
    label = _ACTIONS.get(action, action.replace("_", " ").capitalize())
    before, after = before or {}, after or {}
    if action == "move" and before.get("start"):
        try:
            was = datetime.fromisoformat(before["start"])
        except ValueError:
            return label
        label += f" from {local_time.fmt_datetime(was, zone, style)}"
    elif action == "cancelled" and cancel_reason:
        label += f" ({cancel_reason})"
    elif action == "notes":
        text = str(after.get("notes") or "")
        label += f": “{text[:60]}{'…' if len(text) > 60 else ''}”" if text else " (cleared)"
    return label


def _address(channel: str, address: str, country: str) -> str:
    return format_phone(address, country) if channel == "sms" and address else address


def load_appointment_card(session: Session, appointment_id: int, *, now: datetime) -> AppointmentCard:
    """The card in a fixed number of queries (eight, nine with a series), however long its history."""
    row = _visit_row(session, appointment_id)
    a, p, location_name, tz_name, chair_name, provider_name, type_name, country = row[:8]
    location_address, location_phone, clinic_name, clinic_phone = row[8:]
    zone = local_time.zone(tz_name)
    style = local_time.clinic_time_format(session)
    country = country or "US"
    alerts = _alerts(session, p.id)
    history = _history(session, a, zone, style)
    confirmations = _confirmations(session, a.id)
    messages = _messages(session, a.id, p, country)
    series = _series(session, a.series_id)
    today = now.astimezone(zone).date()
    reach = location_phone or clinic_phone
    return AppointmentCard(
        id=a.id,
        version=a.version,
        patient_id=p.id,
        patient_name=f"{p.first_name} {p.last_name}",
        preferred_name=p.preferred_name or "",
        date_of_birth=p.date_of_birth,
        age=age_on(p.date_of_birth, today),
        chart_number=p.chart_number or "",
        phone=format_phone(p.phone, country) if p.phone else "",
        guardian_name=p.guardian_name or "",
        guardian_relation=p.guardian_relation or "",
        guardian_phone=format_phone(p.guardian_phone, country) if p.guardian_phone else "",
        guardian_email=p.guardian_email or "",
        contact_phone=format_phone(p.contact_phone, country) if p.contact_phone else "",
        contact_email=p.contact_email or "",
        sms_consent=p.sms_consent,
        alerts=alerts,
        location_id=a.location_id,
        location_name=location_name,
        location_address=location_address or "",
        location_phone=format_phone(reach, country) if reach else "",
        clinic_name=clinic_name,
        zone=zone,
        chair_name=chair_name,
        provider_name=provider_name,
        type_name=type_name,
        start=a.start_at,
        end=a.end_at,
        status=a.status,
        confirmation=a.confirmation,
        cancel_reason=a.cancel_reason or "",
        late_cancel=a.late_cancel,
        notes=a.notes or "",
        series=series,
        history=history,
        confirmations=confirmations,
        messages=messages,
        time_format=style,
        country=country,
    )


def _visit_row(session: Session, appointment_id: int) -> tuple[Any, ...]:
    """The appointment, its patient and the names around it, in one query; NotFound when gone."""
    row = session.execute(
        select(
            Appointment,
            Patient,
            Location.name,
            Location.timezone,
            Chair.name,
            Provider.name,
            AppointmentType.name,
            Clinic.country,
            Location.address,
            Location.phone,
            Clinic.name,
            Clinic.phone,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Location, Location.id == Appointment.location_id)
        .join(Chair, Chair.id == Appointment.chair_id)
        .join(Provider, Provider.id == Appointment.provider_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .where(Appointment.id == appointment_id)
    ).first()
    if row is None:
        raise NotFound(f"Appointment #{appointment_id} does not exist (another desk may have removed it).")
    return row


def _alerts(session: Session, patient_id: int) -> tuple[str, ...]:
    return tuple(
        f"{ALERT_KINDS.get(k, 'Note')}: {t}"
        for k, t in session.execute(
            select(PatientAlert.kind, PatientAlert.text)
            .where(PatientAlert.patient_id == patient_id)
            .order_by(PatientAlert.id)
        )
    )


def _history(session: Session, a: Appointment, zone: ZoneInfo, style: str) -> tuple[HistoryRow, ...]:
    """What happened to the visit, oldest first, from its audit trail."""
    history = tuple(
        HistoryRow(
            at, actor, action, _history_label(action, before, after, zone, style, a.cancel_reason or "")
        )
        for at, actor, action, before, after in session.execute(
            select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.before, AuditEvent.after)
            .where(AuditEvent.entity == "appointment", AuditEvent.entity_id == a.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
    if not any(h.action == "book" for h in history):  # booked by an import or before the trail began
        history = (HistoryRow(a.created_at, "", "book", "Booked"), *history)
    return history


def _confirmations(session: Session, appointment_id: int) -> tuple[ConfirmationRow, ...]:
    return tuple(
        ConfirmationRow(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6])
        for r in session.execute(
            select(
                ConfirmationRequest.created_at,
                ConfirmationRequest.channel,
                ConfirmationRequest.to_address,
                ConfirmationRequest.status,
                ConfirmationRequest.answer,
                ConfirmationRequest.answered_via,
                ConfirmationRequest.answered_at,
            )
            .where(ConfirmationRequest.appointment_id == appointment_id)
            .order_by(ConfirmationRequest.created_at.desc(), ConfirmationRequest.id.desc())
        )
    )


def _messages(session: Session, appointment_id: int, p: Patient, country: str) -> tuple[MessageRow, ...]:
    """The newest messages sent about the visit and the family's replies to them, newest first."""
    sent = session.execute(
        select(
            OutboxMessage.created_at,
            OutboxMessage.channel,
            OutboxMessage.to_address,
            OutboxMessage.purpose,
            OutboxMessage.body,
            OutboxMessage.status,
        )
        .where(OutboxMessage.appointment_id == appointment_id)
        .order_by(OutboxMessage.created_at.desc())
        .limit(_MESSAGES)
    ).all()
    # Replies are found through the (indexed) addresses the family writes from.
    addresses = {
        x
        for x in (p.contact_phone, p.contact_email, p.phone, p.email, p.guardian_phone, p.guardian_email)
        if x
    } | {r[2] for r in sent}
    received = (
        session.execute(
            select(
                InboundMessage.received_at,
                InboundMessage.channel,
                InboundMessage.from_address,
                InboundMessage.kind,
                InboundMessage.body,
            )
            .where(
                and_(
                    InboundMessage.from_address.in_(sorted(addresses)),
                    InboundMessage.appointment_id == appointment_id,
                )
            )
            .order_by(InboundMessage.received_at.desc())
            .limit(_MESSAGES)
        ).all()
        if addresses
        else []
    )
    out = [MessageRow(r[0], "out", r[1], _address(r[1], r[2], country), r[3], r[4], r[5]) for r in sent]
    replies = [
        MessageRow(r[0], "in", r[1], _address(r[1], r[2], country), r[3], r[4], "received") for r in received
    ]
    return tuple(sorted(out + replies, key=lambda m: m.at, reverse=True)[:_MESSAGES])


def _series(session: Session, series_id: int | None) -> SeriesRow | None:
    """The visit's series, with its repeat rule in words."""
    series = None
    if series_id is not None:
        s = session.get(RecurringSeries, series_id)
        if s is not None:
            from orca_desk.services import recurrence

            local_start = datetime.combine(
                s.start_date, datetime.min.time(), tzinfo=local_time.zone(s.timezone)
            )
            try:
                summary = recurrence.describe(s.rrule, local_start, staff_language())
            except ValueError:
                summary = s.rrule
            series = SeriesRow(s.id, summary, s.status)
    return series


def save_notes(
    session: Session,
    actor: Actor,
    appointment_id: int,
    notes: str,
    *,
    now: datetime,
    expected_version: int | None = None,
) -> Appointment:
    """Replace the visit's notes (booking permission); audited with the text before and after."""
    actor.require(BOOK)
    a = session.get(Appointment, appointment_id)
    if a is None:
        raise NotFound(f"Appointment #{appointment_id} does not exist (another desk may have removed it).")
    if expected_version is not None and a.version != expected_version:
        raise ConflictError(
            "Another desk changed this appointment meanwhile: reload the card, check "
            "the notes and save again."
        )
    text = (notes or "").strip()
    if text:
        text = check_column_text(text, Appointment.notes, field="notes", label="The notes", multiline=True)
    before = a.notes or ""
    if text == before:
        return a
    a.notes, a.updated_at = text, now
    session.flush()
    audit.record(
        session, actor, "notes", "appointment", a.id, now=now, before={"notes": before}, after={"notes": text}
    )
    return a
