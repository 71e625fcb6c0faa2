"""The patient card: everything about one patient in a fixed number of queries, and its edits.

Edits are audited with the fields' values before and after. Consent changes need a source and
write a ``ConsentEvent`` in the same transaction; alerts keep ``Patient.alert_summary`` (what the
calendar shows) up to date; ``merge_patients`` moves everything that refers to one patient to
another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from orca_desk.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentType,
    CampaignRecipient,
    ConfirmationRequest,
    ConsentEvent,
    InboundMessage,
    Location,
    OutboxMessage,
    Patient,
    PatientAlert,
    Provider,
    RecoveryCase,
    RecurringSeries,
    StaffTask,
    WaitlistEntry,
    WaitlistOffer,
)
from orca_desk.services import audit, local_time
from orca_desk.services.errors import ConflictError, NotFound, ValidationError
from orca_desk.services.inputs import check_column_text, column_length
from orca_desk.services.patients import (
    _EARLIEST_BIRTH,
    CHANNELS,
    _check_home_location,
    _check_zone,
    _email,
    _optional,
    normalise_phone,
)
from orca_desk.services.security import BOOK, MERGE_PATIENTS, Actor

ALERT_KINDS = {"allergy": "Allergy", "medical": "Medical", "contact": "Contact", "other": "Note"}
LANGUAGES = ("en", "es", "fr", "pt", "zh", "vi", "ar", "ru", "ht", "ko")
# How far back the card lists visits and messages (the newest first).
_HISTORY = 50


# --- what the card shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Demographics:
    id: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date | None
    language: str
    chart_number: str
    phone: str
    email: str
    preferred_channel: str
    home_location_id: int | None
    guardian_name: str
    guardian_relation: str
    guardian_phone: str
    guardian_email: str
    contact_phone: str
    contact_email: str
    sms_consent: bool
    sms_consent_at: datetime | None
    sms_consent_source: str
    email_consent: bool
    email_consent_at: datetime | None
    notes: str
    is_active: bool
    merged_into_id: int | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class AlertRow:
    id: int
    kind: str
    text: str
    created_at: datetime
    created_by: str

    @property
    def label(self) -> str:
        return f"{ALERT_KINDS.get(self.kind, 'Note')}: {self.text}"


@dataclass(frozen=True)
class ConsentRow:
    channel: str
    granted: bool
    address: str | None
    source: str
    at: datetime
    recorded_by: str


@dataclass(frozen=True)
class CardVisit:
    appointment_id: int
    start: datetime
    location_id: int
    location_name: str
    timezone: str
    type_name: str
    provider_name: str
    status: str


@dataclass(frozen=True)
class CardMessage:
    at: datetime
    direction: str  # out|in
    channel: str
    address: str
    text: str
    status: str


@dataclass(frozen=True)
class CardWaitlist:
    id: int
    type_name: str
    status: str
    priority: int
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class CardRecovery:
    id: int
    cause_kind: str
    missed_start: datetime
    status: str
    next_step_label: str


@dataclass(frozen=True)
class FamilyMember:
    id: int
    name: str


@dataclass(frozen=True)
class PatientCard:
    patient: Demographics
    alerts: tuple[AlertRow, ...]
    consent_history: tuple[ConsentRow, ...]  # newest first
    upcoming: tuple[CardVisit, ...]  # soonest first
    past: tuple[CardVisit, ...]  # newest first
    messages: tuple[CardMessage, ...]  # newest first
    waitlist: tuple[CardWaitlist, ...]
    recovery: tuple[CardRecovery, ...]
    family: tuple[FamilyMember, ...]  # other patients with the same responsible party

    @property
    def next_visit(self) -> CardVisit | None:
        return self.upcoming[0] if self.upcoming else None


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
    )


def load_card(session: Session, patient_id: int, *, now: datetime) -> PatientCard:
    """The card in nine queries, however many visits, messages or alerts the patient has."""
    p = session.get(Patient, patient_id)
    if p is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    alerts = tuple(
        AlertRow(a.id, a.kind, a.text, a.created_at, a.created_by)
        for a in session.scalars(
            select(PatientAlert).where(PatientAlert.patient_id == patient_id).order_by(PatientAlert.id)
        )
    )
    consents = tuple(
        ConsentRow(c.channel, c.granted, c.address, c.source, c.at, c.recorded_by)
        for c in session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.patient_id == patient_id)
            .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc())
        )
    )
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
    out = [
        CardMessage(r[0], "out", r[1], r[2], r[3], r[4])
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
        CardMessage(r[0], "in", r[1], r[2], r[3], "received")
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
    messages = tuple(sorted(out + inbound, key=lambda m: m.at, reverse=True)[:_HISTORY])
    waitlist = tuple(
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
    recovery = tuple(
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
    return PatientCard(
        _demographics(p), alerts, consents, upcoming, past, messages, waitlist, recovery, family
    )


def clinic_region(session: Session, clinic_id: int) -> str:
    """The clinic's country: the default region of phone numbers and the order of dates."""
    from orca_desk.models import Clinic

    clinic = session.get(Clinic, clinic_id)
    return clinic.country if clinic is not None else "US"


# --- edits ---------------------------------------------------------------------------------


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


def _snapshot(p: Patient) -> dict[str, Any]:
    out = {}
    for name in _AUDITED:
        value = getattr(p, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _editable(session: Session, patient_id: int) -> Patient:
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
    session: Session, actor: Actor, patient_id: int, data: PatientEdit, *, now: datetime, region: str = "US"
) -> Patient:
    """Save the card's fields; receptionists may (booking permission). Audited before/after."""
    actor.require(BOOK)
    p = _editable(session, patient_id)
    before = _snapshot(p)
    first = _required_name(data.first_name, Patient.first_name, "first_name", "The first name")
    last = _required_name(data.last_name, Patient.last_name, "last_name", "The last name")
    if data.date_of_birth and data.date_of_birth > now.date():
        raise ValidationError("Date of birth is in the future.", field="date_of_birth")
    if data.date_of_birth and data.date_of_birth < _EARLIEST_BIRTH:
        raise ValidationError(
            f"Date of birth {data.date_of_birth.isoformat()} is before 1900; check the year.",
            field="date_of_birth",
        )
    if data.preferred_channel not in CHANNELS:
        raise ValidationError(
            f"Preferred channel must be one of {', '.join(CHANNELS)}.", field="preferred_channel"
        )
    language = (data.language or "en").strip().lower()
    if not language.isalpha() or not 2 <= len(language) <= 3:
        raise ValidationError(
            f"{data.language!r} is not a language code (such as en or es).", field="language"
        )
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
    p.notes = check_column_text((data.notes or "").strip(), Patient.notes, field="notes", label="The notes")
    if data.timezone is not None:
        p.timezone = _check_zone(data.timezone)
    _set_contacts(session, actor, p, now=now, source="contact changed")
    after = _snapshot(p)
    old, new = _diff(before, after)
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
    p = _editable(session, patient_id)
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
    before = _snapshot(p)
    _consent(session, actor, p, channel, granted, text, now=now)
    old, new = _diff(before, _snapshot(p))
    new["consent_source"] = text
    audit.record(session, actor, "consent", "patient", p.id, now=now, before=old, after=new)
    session.flush()


def _refresh_alert_summary(session: Session, p: Patient) -> None:
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
    p = _editable(session, patient_id)
    body = _required_name(text, PatientAlert.text, "text", "The alert's text")
    alert = PatientAlert(
        patient_id=p.id, kind=kind, text=body, created_at=now, created_by=actor.username[:60]
    )
    session.add(alert)
    _refresh_alert_summary(session, p)
    audit.record(session, actor, "add_alert", "patient", p.id, now=now, after={"kind": kind, "text": body})
    return alert.id


def remove_alert(session: Session, actor: Actor, alert_id: int, *, now: datetime) -> None:
    actor.require(BOOK)
    alert = session.get(PatientAlert, alert_id)
    if alert is None:
        raise NotFound(f"Alert #{alert_id} does not exist (another desk may have removed it).")
    p = _editable(session, alert.patient_id)
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
    _refresh_alert_summary(session, p)


def link_same_family(
    session: Session, actor: Actor, patient_id: int, sibling_id: int, *, now: datetime
) -> Patient:
    """Give the patient the sibling's responsible party: name, relation, phone and email, so messages
    for both go to the same contact; the sibling's consent for that contact comes too (recorded)."""
    actor.require(BOOK)
    if patient_id == sibling_id:
        raise ValidationError("Choose another patient: a patient is not their own sibling.", field="sibling")
    p = _editable(session, patient_id)
    sib = _editable(session, sibling_id)
    if sib.clinic_id != p.clinic_id:
        raise NotFound(f"Patient #{sibling_id} does not exist.")
    if not (sib.guardian_name or sib.guardian_phone or sib.guardian_email):
        raise ValidationError(
            f"{sib.display_name} has no responsible party to share: set one on their card first.",
            field="sibling",
        )
    before = _snapshot(p)
    p.guardian_name, p.guardian_relation = sib.guardian_name, sib.guardian_relation
    p.guardian_phone, p.guardian_email = sib.guardian_phone, sib.guardian_email
    source = f"same family as {sib.display_name}"[:60]
    _set_contacts(session, actor, p, now=now, source=source)
    if sib.sms_consent and not p.sms_consent and p.contact_phone == sib.contact_phone:
        _consent(session, actor, p, "sms", True, source, now=now)
    if sib.email_consent and not p.email_consent and p.contact_email == sib.contact_email:
        _consent(session, actor, p, "email", True, source, now=now)
    old, new = _diff(before, _snapshot(p))
    new["same_family_as"] = sib.id
    audit.record(session, actor, "same_family", "patient", p.id, now=now, before=old, after=new)
    session.flush()
    return p


# --- merge ---------------------------------------------------------------------------------


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
    survivor = _editable(session, survivor_id)
    other = _editable(session, other_id)
    if survivor.clinic_id != other.clinic_id:
        raise NotFound(f"Patient #{other_id} does not exist.")
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
    before_survivor, before_other = _snapshot(survivor), _snapshot(other)
    moved: dict[str, int] = {}

    def move(model: Any, *extra: Any, **values: Any) -> None:
        stmt = (
            update(model)
            .where(model.patient_id == other.id, *extra)
            .values(patient_id=survivor.id, **values)
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
    already = select(CampaignRecipient.campaign_id).where(CampaignRecipient.patient_id == survivor.id)
    move(CampaignRecipient, CampaignRecipient.campaign_id.not_in(already))
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
    other.is_active = False
    other.merged_into_id = survivor.id
    _refresh_alert_summary(session, survivor)
    other.alert_summary = ""
    old, new = _diff(before_survivor, _snapshot(survivor))
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
