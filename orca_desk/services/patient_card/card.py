"""Load the patient card in a fixed number of queries, and the clinic's region for its phone numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Clinic, Location, Provider
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.patient import ConsentEvent, Patient, PatientAlert
from orca_desk.models.recovery import RecoveryCase
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.errors import NotFound
from orca_desk.services.patient_card.rows import (
    AlertRow,
    CardMessage,
    CardRecovery,
    CardVisit,
    CardWaitlist,
    ConsentRow,
    Demographics,
    FamilyMember,
    PatientCard,
)
from orca_desk.services.phones import address_as_dialled, format_phone

# How far back the card lists visits and messages (the newest first).
_HISTORY = 50


_UPCOMING = ("scheduled", "confirmed", "arrived", "seated")


def _demographics(p: Patient) -> Demographics:
    return Demographics(
        id=p.id,
        first_name=p.first_name,
        last_name=p.last_name,
        preferred_name=p.preferred_name or "",
        date_of_birth=p.date_of_birth,
        language=p.language or "en",
        chart_number=p.chart_number or "",
        phone=p.phone or "",
        email=p.email or "",
        preferred_channel=p.preferred_channel,
        home_location_id=p.home_location_id,
        guardian_name=p.guardian_name or "",
        guardian_relation=p.guardian_relation or "",
        guardian_phone=p.guardian_phone or "",
        guardian_email=p.guardian_email or "",
        contact_phone=p.contact_phone or "",
        contact_email=p.contact_email or "",
        sms_consent=p.sms_consent,
        sms_consent_at=p.sms_consent_at,
        sms_consent_source=p.sms_consent_source or "",
        email_consent=p.email_consent,
        email_consent_at=p.email_consent_at,
        notes=p.notes or "",
        is_active=p.is_active,
        merged_into_id=p.merged_into_id,
        guardian_language=p.guardian_language or "",
    )


def load_card(session: Session, patient_id: int, *, now: datetime) -> PatientCard:
    """The card in nine queries, however many visits, messages or alerts the patient has."""
    # The clinic's country with the patient (the same query): the contact number is shown as dialled there.
    found = session.execute(
        select(Patient, Clinic.country)
        .join(Clinic, Clinic.id == Patient.clinic_id)
        .where(Patient.id == patient_id)
    ).first()
    if found is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    p, country = found
    alerts = _alerts(session, patient_id)
    region = country or "US"
    consents = _consents(session, patient_id, region)
    upcoming, past = _visits(session, patient_id, now)
    messages = _messages(session, patient_id, region)
    waitlist = _waitlist(session, patient_id)
    recovery = _recovery(session, patient_id)
    family = _family(session, p)
    contact = format_phone(p.contact_phone, region) if p.contact_phone else (p.contact_email or "")
    return PatientCard(
        _demographics(p), alerts, consents, upcoming, past, messages, waitlist, recovery, family, contact
    )


def _alerts(session: Session, patient_id: int) -> tuple[AlertRow, ...]:
    return tuple(
        AlertRow(a.id, a.kind, a.text, a.created_at, a.created_by)
        for a in session.scalars(
            select(PatientAlert).where(PatientAlert.patient_id == patient_id).order_by(PatientAlert.id)
        )
    )


def _consents(session: Session, patient_id: int, country: str) -> tuple[ConsentRow, ...]:
    return tuple(
        ConsentRow(
            c.channel,
            c.granted,
            address_as_dialled(c.channel, c.address or "", country),
            c.source,
            c.at,
            c.recorded_by,
        )
        for c in session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.patient_id == patient_id)
            .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc())
        )
    )


def _visits(
    session: Session, patient_id: int, now: datetime
) -> tuple[tuple[CardVisit, ...], tuple[CardVisit, ...]]:
    """The upcoming visits (soonest first) and the past ones (newest first)."""
    visit_cols = (
        Appointment.id,
        Appointment.start_at,
        Appointment.location_id,
        Location.name,
        Location.timezone,
        AppointmentType.name,
        Provider.name,
        Appointment.status,
    )

    def visits(q: Any) -> tuple[CardVisit, ...]:
        q = (
            q.join(Location, Location.id == Appointment.location_id)
            .join(AppointmentType, AppointmentType.id == Appointment.type_id)
            .join(Provider, Provider.id == Appointment.provider_id)
        )
        return tuple(CardVisit(*r) for r in session.execute(q))

    upcoming = visits(
        select(*visit_cols)
        .where(
            Appointment.patient_id == patient_id, Appointment.end_at > now, Appointment.status.in_(_UPCOMING)
        )
        .order_by(Appointment.start_at)
        .limit(_HISTORY)
    )
    past = visits(
        select(*visit_cols)
        .where(
            Appointment.patient_id == patient_id,
            or_(Appointment.end_at <= now, Appointment.status.not_in(_UPCOMING)),
            Appointment.start_at <= now,
        )
        .order_by(Appointment.start_at.desc())
        .limit(_HISTORY)
    )
    return upcoming, past


def _messages(session: Session, patient_id: int, country: str) -> tuple[CardMessage, ...]:
    """Messages sent and received, the newest first (numbers as the desk dials them)."""
    out = [
        CardMessage(r[0], "out", r[1], address_as_dialled(r[1], r[2] or "", country), r[3], r[4])
        for r in session.execute(
            select(
                OutboxMessage.created_at,
                OutboxMessage.channel,
                OutboxMessage.to_address,
                OutboxMessage.body,
                OutboxMessage.status,
            )
            .where(OutboxMessage.patient_id == patient_id)
            .order_by(OutboxMessage.created_at.desc())
            .limit(_HISTORY)
        )
    ]
    inbound = [
        CardMessage(r[0], "in", r[1], address_as_dialled(r[1], r[2] or "", country), r[3], "received")
        for r in session.execute(
            select(
                InboundMessage.received_at,
                InboundMessage.channel,
                InboundMessage.from_address,
                InboundMessage.body,
            )
            .where(InboundMessage.patient_id == patient_id)
            .order_by(InboundMessage.received_at.desc())
            .limit(_HISTORY)
        )
    ]
    return tuple(sorted(out + inbound, key=lambda m: m.at, reverse=True)[:_HISTORY])


def _waitlist(session: Session, patient_id: int) -> tuple[CardWaitlist, ...]:
    return tuple(
        CardWaitlist(*r)
        for r in session.execute(
            select(
                WaitlistEntry.id,
                AppointmentType.name,
                WaitlistEntry.status,
                WaitlistEntry.priority,
                WaitlistEntry.reason,
                WaitlistEntry.created_at,
            )
            .join(AppointmentType, AppointmentType.id == WaitlistEntry.type_id)
            .where(WaitlistEntry.patient_id == patient_id)
            .order_by(WaitlistEntry.created_at.desc())
        )
    )


def _recovery(session: Session, patient_id: int) -> tuple[CardRecovery, ...]:
    return tuple(
        CardRecovery(*r)
        for r in session.execute(
            select(
                RecoveryCase.id,
                RecoveryCase.cause_kind,
                RecoveryCase.missed_start_at,
                RecoveryCase.status,
                RecoveryCase.next_step_label,
            )
            .where(RecoveryCase.patient_id == patient_id)
            .order_by(RecoveryCase.opened_at.desc())
        )
    )


def _family(session: Session, p: Patient) -> tuple[FamilyMember, ...]:
    """Other active patients with the same responsible party (phone or email)."""
    family: tuple[FamilyMember, ...] = ()
    if p.guardian_phone or p.guardian_email:
        same = []
        if p.guardian_phone:
            same.append(Patient.guardian_phone == p.guardian_phone)
        if p.guardian_email:
            same.append(Patient.guardian_email == p.guardian_email)
        family = tuple(
            FamilyMember(r[0], f"{r[1]} {r[2]}")
            for r in session.execute(
                select(Patient.id, Patient.first_name, Patient.last_name)
                .where(
                    Patient.clinic_id == p.clinic_id,
                    Patient.id != p.id,
                    Patient.is_active.is_(True),
                    or_(*same),
                )
                .order_by(Patient.first_name)
                .limit(20)
            )
        )
    return family


def clinic_region(session: Session, clinic_id: int) -> str:
    """The clinic's country: the default region of phone numbers and the order of dates."""
    from orca_desk.models.clinic import Clinic

    clinic = session.get(Clinic, clinic_id)
    return clinic.country if clinic is not None else "US"
