"""Merge two patient records: move every row that refers to one to the other, deactivate it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.campaigns import CampaignRecipient
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.openings import WaitlistOffer
from orca_desk.models.patient import ConsentEvent, Patient, PatientAlert
from orca_desk.models.recovery import RecoveryCase
from orca_desk.models.reminders import ConfirmationRequest, StaffTask
from orca_desk.models.series import RecurringSeries
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services import local_time
from orca_desk.services.access import audit
from orca_desk.services.access.security import MERGE_PATIENTS, Actor
from orca_desk.services.errors import ConflictError, NotFound, ValidationError
from orca_desk.services.inputs import column_length
from orca_desk.services.patient_card.edits import diff, editable, refresh_alert_summary, snapshot


@dataclass(frozen=True)
class MergeResult:
    survivor_id: int
    merged_id: int
    moved: dict[str, int]  # table -> rows moved


_FILLED = (
    "preferred_name",
    "date_of_birth",
    "chart_number",
    "phone",
    "email",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "guardian_email",
    "home_location_id",
    "timezone",
    "external_id",
)


def merge_patients(
    session: Session, actor: Actor, survivor_id: int, other_id: int, *, now: datetime
) -> MergeResult:
    """Move everything that refers to ``other`` to ``survivor`` and deactivate ``other``; managers only.

    Refused (nothing changed) when it would give the survivor two visits at once.
    """
    actor.require(MERGE_PATIENTS)
    if survivor_id == other_id:
        raise ValidationError("Choose two different patients to merge.", field="other")
    survivor = editable(session, survivor_id)
    other = editable(session, other_id)
    if survivor.clinic_id != other.clinic_id:
        raise NotFound(f"Patient #{other_id} does not exist.")
    _refuse_clashes(session, survivor, other)
    before_survivor, before_other = snapshot(survivor), snapshot(other)
    moved = _move_rows(session, survivor.id, other.id, now=now)
    _fill_gaps(session, survivor, other)
    other.is_active = False
    other.merged_into_id = survivor.id
    refresh_alert_summary(session, survivor)
    other.alert_summary = ""
    old, new = diff(before_survivor, snapshot(survivor))
    new["merged_from"] = other.id
    new["moved"] = moved
    audit.record(session, actor, "merge", "patient", survivor.id, now=now, before=old, after=new)
    audit.record(
        session,
        actor,
        "merged_into",
        "patient",
        other.id,
        now=now,
        before=before_other,
        after={"is_active": False, "merged_into_id": survivor.id},
    )
    session.flush()
    return MergeResult(survivor.id, other.id, moved)


def _refuse_clashes(session: Session, survivor: Patient, other: Patient) -> None:
    """``ConflictError`` naming up to three pairs of active visits of the two that overlap."""
    mine = session.execute(
        select(Appointment.id, Appointment.start_at, Appointment.end_at).where(
            Appointment.patient_id == survivor.id, Appointment.status.in_(ACTIVE_STATUSES)
        )
    ).all()
    theirs = session.execute(
        select(Appointment.id, Appointment.start_at, Appointment.end_at).where(
            Appointment.patient_id == other.id, Appointment.status.in_(ACTIVE_STATUSES)
        )
    ).all()
    clashes = [(a, b) for a in theirs for b in mine if a[1] < b[2] and b[1] < a[2]]
    if clashes:
        style = local_time.clinic_time_format(session)
        ids = [a[0] for a, _ in clashes[:3]]
        zones = {
            i: local_time.chair_zone(session, c)
            for i, c in session.execute(
                select(Appointment.id, Appointment.chair_id).where(Appointment.id.in_(ids))
            )
        }
        shown = "; ".join(
            f"#{a[0]} at {local_time.fmt_datetime(a[1], zones[a[0]], style)} overlaps #{b[0]}"
            for a, b in clashes[:3]
        )
        raise ConflictError(
            f"Merging would book {survivor.display_name} twice at once: {shown}. "
            "Cancel or move one of each pair first."
        )


def _move_rows(session: Session, survivor_id: int, other_id: int, *, now: datetime) -> dict[str, int]:
    """Point every row of ``other`` at ``survivor``; rows moved by table."""
    moved: dict[str, int] = {}

    def move(model: Any, *extra: Any, **values: Any) -> None:
        stmt = (
            update(model)
            .where(model.patient_id == other_id, *extra)
            .values(patient_id=survivor_id, **values)
            .execution_options(synchronize_session=False)
        )
        moved[model.__tablename__] = session.execute(stmt).rowcount or 0  # type: ignore[attr-defined]

    session.flush()
    move(Appointment, version=Appointment.version + 1, updated_at=now)
    for model in (
        RecurringSeries,
        OutboxMessage,
        InboundMessage,
        WaitlistEntry,
        WaitlistOffer,
        RecoveryCase,
        ConfirmationRequest,
        StaffTask,
        ConsentEvent,
        PatientAlert,
    ):
        move(model)
    # A campaign counts each patient once: where both were recipients, the survivor's row stays.
    already = select(CampaignRecipient.campaign_id).where(CampaignRecipient.patient_id == survivor_id)
    move(CampaignRecipient, CampaignRecipient.campaign_id.not_in(already))
    return moved


def _fill_gaps(session: Session, survivor: Patient, other: Patient) -> None:
    """Give the survivor the other's fields, notes and consents it lacks; contacts follow."""
    for name in _FILLED:
        if getattr(survivor, name) in (None, "") and getattr(other, name) not in (None, ""):
            value = getattr(other, name)
            if name == "external_id":
                other.external_id = None  # unique per clinic
                session.flush()
            setattr(survivor, name, value)
    if other.notes and other.notes not in (survivor.notes or ""):
        joined = f"{survivor.notes}\n{other.notes}".strip() if survivor.notes else other.notes
        survivor.notes = joined[: column_length(Patient.notes)]
    if other.sms_consent and not survivor.sms_consent:
        survivor.sms_consent, survivor.sms_consent_at = True, other.sms_consent_at
        survivor.sms_consent_source = other.sms_consent_source
    if other.email_consent and not survivor.email_consent:
        survivor.email_consent, survivor.email_consent_at = True, other.email_consent_at
    survivor.contact_phone = survivor.guardian_phone or survivor.phone
    survivor.contact_email = survivor.guardian_email or survivor.email
