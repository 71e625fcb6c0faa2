"""Edits from the patient card: fields, consent, alerts, same family; each audited before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.patient import ConsentEvent, Patient, PatientAlert
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.inputs import check_column_text
from orca_desk.services.patient_card.rows import ALERT_KINDS, Demographics
from orca_desk.services.patients.patients import (
    _check_home_location,
    _check_zone,
    _email,
    _language_code,
    _optional,
    check_birth_and_channel,
    clinic_country,
    normalise_phone,
)


@dataclass
class PatientEdit:
    """The card's editable fields (consent is changed with ``set_consent``, with its source)."""

    first_name: str
    last_name: str
    preferred_name: str = ""
    date_of_birth: date | None = None
    language: str = "en"
    chart_number: str = ""
    phone: str = ""
    email: str = ""
    preferred_channel: str = "sms"
    home_location_id: int | None = None
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    guardian_email: str = ""
    notes: str = ""
    timezone: str | None = None
    guardian_language: str = ""  # "": the patient's language


def edit_of(d: Demographics) -> PatientEdit:
    """The card's current values, to change some of them."""
    return PatientEdit(
        first_name=d.first_name,
        last_name=d.last_name,
        preferred_name=d.preferred_name,
        date_of_birth=d.date_of_birth,
        language=d.language,
        chart_number=d.chart_number,
        phone=d.phone,
        email=d.email,
        preferred_channel=d.preferred_channel,
        home_location_id=d.home_location_id,
        guardian_name=d.guardian_name,
        guardian_relation=d.guardian_relation,
        guardian_phone=d.guardian_phone,
        guardian_email=d.guardian_email,
        notes=d.notes,
        guardian_language=d.guardian_language,
    )


_AUDITED = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "language",
    "chart_number",
    "phone",
    "email",
    "preferred_channel",
    "home_location_id",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "guardian_email",
    "guardian_language",
    "contact_phone",
    "contact_email",
    "notes",
    "timezone",
    "sms_consent",
    "sms_consent_source",
    "email_consent",
    "alert_summary",
    "is_active",
    "merged_into_id",
)


def snapshot(p: Patient) -> dict[str, Any]:
    out = {}
    for name in _AUDITED:
        value = getattr(p, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def editable(session: Session, patient_id: int) -> Patient:
    p = session.get(Patient, patient_id)
    if p is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    if not p.is_active:
        raise ValidationError(
            f"{p.display_name} was merged or deactivated; open the patient it was merged into instead."
        )
    return p


def _required_name(raw: str, column: object, field: str, label: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationError(f"{label} is required.", field=field)
    return check_column_text(text, column, field=field, label=label)


def update_patient(
    session: Session,
    actor: Actor,
    patient_id: int,
    data: PatientEdit,
    *,
    now: datetime,
    region: str | None = None,
) -> Patient:
    """Save the card's fields; receptionists may (booking permission). Audited before/after.
    Phone numbers without +code are read in ``region`` (default: the clinic's country)."""
    actor.require(BOOK)
    p = editable(session, patient_id)
    region = region or clinic_country(session, p.clinic_id)
    before = snapshot(p)
    first = _required_name(data.first_name, Patient.first_name, "first_name", "The first name")
    last = _required_name(data.last_name, Patient.last_name, "last_name", "The last name")
    check_birth_and_channel(data.date_of_birth, data.preferred_channel, now)
    language = _language_code(data.language or "en", "language")
    guardian_language = _language_code(data.guardian_language, "guardian_language") or None
    phone = normalise_phone(data.phone, region=region)
    guardian_phone = normalise_phone(data.guardian_phone, region=region, field="guardian_phone")
    email = _email(data.email, "email")
    guardian_email = _email(data.guardian_email, "guardian_email")
    _check_home_location(session, p.clinic_id, data.home_location_id)
    p.first_name, p.last_name = first, last
    p.preferred_name = _optional(
        data.preferred_name, Patient.preferred_name, "preferred_name", "The preferred name"
    )
    p.chart_number = _optional(data.chart_number, Patient.chart_number, "chart_number", "The chart number")
    p.date_of_birth = data.date_of_birth
    p.language = language
    p.phone, p.email = phone, email
    p.preferred_channel = data.preferred_channel
    p.home_location_id = data.home_location_id
    p.guardian_name = _optional(
        data.guardian_name, Patient.guardian_name, "guardian_name", "The guardian's name"
    )
    p.guardian_relation = _optional(
        data.guardian_relation, Patient.guardian_relation, "guardian_relation", "The guardian's relation"
    )
    p.guardian_phone, p.guardian_email = guardian_phone, guardian_email
    p.guardian_language = guardian_language
    p.notes = check_column_text((data.notes or "").strip(), Patient.notes, field="notes", label="The notes")
    if data.timezone is not None:
        p.timezone = _check_zone(data.timezone)
    _set_contacts(session, actor, p, now=now, source="contact changed")
    after = snapshot(p)
    old, new = diff(before, after)
    if new:
        audit.record(session, actor, "update", "patient", p.id, now=now, before=old, after=new)
    session.flush()
    return p


def _set_contacts(session: Session, actor: Actor, p: Patient, *, now: datetime, source: str) -> None:
    """Messages go to the responsible party when one is set. Consent covers one number or address:
    when it changes, the consent given for the old one is withdrawn (recorded, with why)."""
    contact_phone = p.guardian_phone or p.phone
    contact_email = p.guardian_email or p.email
    if contact_phone != p.contact_phone and p.sms_consent:
        _consent(session, actor, p, "sms", False, source, now=now)
    if contact_email != p.contact_email and p.email_consent:
        _consent(session, actor, p, "email", False, source, now=now)
    p.contact_phone, p.contact_email = contact_phone, contact_email


def _consent(
    session: Session,
    actor: Actor,
    p: Patient,
    channel: str,
    granted: bool,
    source: str,
    *,
    now: datetime,
    address: str | None = None,
) -> None:
    if channel == "sms":
        p.sms_consent, p.sms_consent_at = granted, now if granted else None
        p.sms_consent_source = source if granted else None
        covered = address if address is not None else p.contact_phone
    else:
        p.email_consent, p.email_consent_at = granted, now if granted else None
        covered = address if address is not None else p.contact_email
    session.add(
        ConsentEvent(
            patient_id=p.id,
            channel=channel,
            granted=granted,
            address=covered,
            source=source[:60],
            at=now,
            recorded_by=actor.username[:60],
        )
    )


def set_consent(
    session: Session,
    actor: Actor,
    patient_id: int,
    channel: str,
    granted: bool,
    source: str,
    *,
    now: datetime,
) -> None:
    """Give or withdraw SMS/email consent; how it was given or withdrawn is required."""
    actor.require(BOOK)
    if channel not in ("sms", "email"):
        raise ValidationError(f"Consent is for sms or email, not {channel!r}.", field="channel")
    p = editable(session, patient_id)
    text = _optional(source, ConsentEvent.source, "source", "How consent was given") or ""
    if not text:
        verb = "given" if granted else "withdrawn"
        raise ValidationError(
            f"Say how consent was {verb} (e.g. 'phone call', 'intake form').", field="source"
        )
    label = "text messages" if channel == "sms" else "email"
    if granted and channel == "sms" and not p.contact_phone:
        raise ValidationError(f"{p.display_name} has no phone number to text: add one first.", field="phone")
    if granted and channel == "email" and not p.contact_email:
        raise ValidationError(f"{p.display_name} has no email address: add one first.", field="email")
    current = p.sms_consent if channel == "sms" else p.email_consent
    if current == granted:
        state = "already agreed to" if granted else "has not agreed to"
        raise ValidationError(f"{p.display_name} {state} {label}.", field="channel")
    before = snapshot(p)
    _consent(session, actor, p, channel, granted, text, now=now)
    old, new = diff(before, snapshot(p))
    new["consent_source"] = text
    audit.record(session, actor, "consent", "patient", p.id, now=now, before=old, after=new)
    session.flush()


def refresh_alert_summary(session: Session, p: Patient) -> None:
    session.flush()
    rows = session.scalars(
        select(PatientAlert).where(PatientAlert.patient_id == p.id).order_by(PatientAlert.id)
    ).all()
    summary = " · ".join(f"{ALERT_KINDS.get(a.kind, 'Note')}: {a.text}" for a in rows)
    p.alert_summary = summary if len(summary) <= 500 else summary[:499] + "…"


def add_alert(session: Session, actor: Actor, patient_id: int, kind: str, text: str, *, now: datetime) -> int:
    actor.require(BOOK)
    if kind not in ALERT_KINDS:
        raise ValidationError(f"An alert is one of {', '.join(ALERT_KINDS)}, not {kind!r}.", field="kind")
    p = editable(session, patient_id)
    body = _required_name(text, PatientAlert.text, "text", "The alert's text")
    alert = PatientAlert(
        patient_id=p.id, kind=kind, text=body, created_at=now, created_by=actor.username[:60]
    )
    session.add(alert)
    refresh_alert_summary(session, p)
    audit.record(session, actor, "add_alert", "patient", p.id, now=now, after={"kind": kind, "text": body})
    return alert.id


def remove_alert(session: Session, actor: Actor, alert_id: int, *, now: datetime) -> None:
    actor.require(BOOK)
    alert = session.get(PatientAlert, alert_id)
    if alert is None:
        raise NotFound(f"Alert #{alert_id} does not exist (another desk may have removed it).")
    p = editable(session, alert.patient_id)
    audit.record(
        session,
        actor,
        "remove_alert",
        "patient",
        p.id,
        now=now,
        before={"kind": alert.kind, "text": alert.text},
    )
    session.delete(alert)
    refresh_alert_summary(session, p)


def link_same_family(
    session: Session, actor: Actor, patient_id: int, sibling_id: int, *, now: datetime
) -> Patient:
    """Give the patient the sibling's responsible party: name, relation, phone and email, so messages
    for both go to the same contact; the sibling's consent for that contact comes too (recorded)."""
    actor.require(BOOK)
    if patient_id == sibling_id:
        raise ValidationError("Choose another patient: a patient is not their own sibling.", field="sibling")
    p = editable(session, patient_id)
    sib = editable(session, sibling_id)
    if sib.clinic_id != p.clinic_id:
        raise NotFound(f"Patient #{sibling_id} does not exist.")
    if not (sib.guardian_name or sib.guardian_phone or sib.guardian_email):
        raise ValidationError(
            f"{sib.display_name} has no responsible party to share: set one on their card first.",
            field="sibling",
        )
    before = snapshot(p)
    p.guardian_name, p.guardian_relation = sib.guardian_name, sib.guardian_relation
    p.guardian_phone, p.guardian_email = sib.guardian_phone, sib.guardian_email
    source = f"same family as {sib.display_name}"[:60]
    _set_contacts(session, actor, p, now=now, source=source)
    if sib.sms_consent and not p.sms_consent and p.contact_phone == sib.contact_phone:
        _consent(session, actor, p, "sms", True, source, now=now)
    if sib.email_consent and not p.email_consent and p.contact_email == sib.contact_email:
        _consent(session, actor, p, "email", True, source, now=now)
    old, new = diff(before, snapshot(p))
    new["same_family_as"] = sib.id
    audit.record(session, actor, "same_family", "patient", p.id, now=now, before=old, after=new)
    session.flush()
    return p
