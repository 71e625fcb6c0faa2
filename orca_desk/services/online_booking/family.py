"""The family's details, the phone code, and the booking itself (matching existing patients)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Clinic, Location
from orca_desk.models.online_booking import BookingReview
from orca_desk.models.patient import Patient
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.booking.booking import BookingRequest, book_appointment
from orca_desk.services.errors import ConflictError, OutsideHoursError, ValidationError
from orca_desk.services.inputs import check_text
from orca_desk.services.messaging.outbox import VERIFICATION_PURPOSE, enqueue
from orca_desk.services.online_booking.holds import SlotTaken, live_hold
from orca_desk.services.patient_card.edits import set_consent
from orca_desk.services.patients.patients import (
    PatientInput,
    create_patient,
    likely_duplicates,
    normalise_phone,
)

ONLINE = Actor(
    username="online-booking", role="automation", display_name="Online booking", permissions=frozenset({BOOK})
)
CONSENT_SOURCE = "online booking"
BOOKED_ONLINE = "Booked online"
MAX_CODE_ATTEMPTS = 5
MAX_CODES_PER_HOLD = 3


@dataclass(frozen=True)
class FamilyDetails:
    first_name: str
    last_name: str
    date_of_birth: date
    guardian_name: str
    phone: str  # E.164
    email: str
    sms_consent: bool
    language: str = ""  # the page's, which the family read and wrote in ("" : the clinic's)


def parse_details(
    form: dict[str, str], *, today: date, region: str = "US", language: str = ""
) -> FamilyDetails:
    """The details form, checked; ValidationError names the first bad field. ``language``: the
    page's, the new patient's messages' language."""
    first = form.get("first_name", "").strip()
    last = form.get("last_name", "").strip()
    if not first:
        raise ValidationError("Enter the patient's first name.", field="first_name")
    if not last:
        raise ValidationError("Enter the patient's last name.", field="last_name")
    check_text(first, field="first_name", label="The first name", max_length=80)
    check_text(last, field="last_name", label="The last name", max_length=80)
    raw_dob = form.get("date_of_birth", "").strip()
    try:
        dob = date.fromisoformat(raw_dob)
    except ValueError:
        raise ValidationError("Enter the date of birth as YYYY-MM-DD.", field="date_of_birth") from None
    if dob > today or dob.year < 1900:
        raise ValidationError("Check the date of birth.", field="date_of_birth")
    guardian = form.get("guardian_name", "").strip()
    check_text(guardian, field="guardian_name", label="The parent or guardian's name", max_length=120)
    if not form.get("phone", "").strip():
        raise ValidationError("Enter a mobile number for the code.", field="phone")
    phone = normalise_phone(form.get("phone"), region=region)
    assert phone is not None
    email = form.get("email", "").strip()
    if email and ("@" not in email or len(email) > 200 or " " in email):
        raise ValidationError("Check the email address.", field="email")
    return FamilyDetails(first, last, dob, guardian, phone, email, form.get("sms_consent") == "yes", language)


def _hash(hold_id: int, code: str) -> str:
    return hashlib.sha256(f"{hold_id}:{code}".encode()).hexdigest()


def send_code(
    session: Session, hold_id: int, details: FamilyDetails, *, now: datetime, clinic_name: str
) -> None:
    """Keep the details on the hold and text a fresh 6-digit code through the outbox."""
    hold = live_hold(session, hold_id, now)
    sent = int((hold.details or {}).get("codes_sent", 0))
    if sent >= MAX_CODES_PER_HOLD:
        raise ValidationError("We already sent 3 codes for this booking. Please call us.", field="phone")
    code = f"{secrets.randbelow(1_000_000):06d}"
    data = asdict(details)
    data["date_of_birth"] = details.date_of_birth.isoformat()
    data["codes_sent"] = sent + 1
    hold.details, hold.phone, hold.code_hash, hold.code_attempts = (
        data,
        details.phone,
        _hash(hold.id, code),
        0,
    )
    enqueue(
        session,
        clinic_id=hold.clinic_id,
        channel="sms",
        to_address=details.phone,
        body=f"{code} is your {clinic_name} booking code. It expires in 5 minutes.",
        purpose=VERIFICATION_PURPOSE,
        dedupe_key=f"online-booking-code:{hold.id}:{sent + 1}",
        now=now,
        source_type="booking_hold",
        source_id=hold.id,
        not_after=hold.expires_at,
        created_by="online booking",
    )


@dataclass(frozen=True)
class Confirmation:
    appointment_id: int | None
    problem: str | None = None  # a wrong code: the attempt is counted (commit), the family tries again
    review: bool = False


def confirm(session: Session, hold_id: int, code: str, *, now: datetime) -> Confirmation:
    """Check the code, then book through the desk's rules, tagged "Booked online"."""
    hold = live_hold(session, hold_id, now)
    if hold.code_hash is None or not hold.details:
        raise ValidationError("Ask for a code first.", field="code")
    if hold.code_attempts >= MAX_CODE_ATTEMPTS:
        hold.status = "released"
        return Confirmation(None, "Too many wrong codes. Please start again.")
    hold.code_attempts += 1
    typed = "".join(ch for ch in code if ch.isdigit())
    if len(typed) != 6 or not hmac.compare_digest(_hash(hold.id, typed), hold.code_hash):
        left = MAX_CODE_ATTEMPTS - hold.code_attempts
        return Confirmation(None, f"That code is not right. {left} tries left.")
    d = hold.details
    details = FamilyDetails(
        d["first_name"],
        d["last_name"],
        date.fromisoformat(d["date_of_birth"]),
        d["guardian_name"],
        d["phone"],
        d["email"],
        bool(d["sms_consent"]),
        str(d.get("language") or ""),  # a hold kept before the page's language was
    )
    patient, candidate = match_or_create(session, hold.clinic_id, details, now=now)
    try:
        appt = book_appointment(
            session,
            ONLINE,
            BookingRequest(
                patient.id, hold.provider_id, hold.chair_id, hold.type_id, hold.start_at, notes=BOOKED_ONLINE
            ),
            now=now,
        )
    except (ConflictError, OutsideHoursError) as exc:
        raise SlotTaken("That time was just booked at the clinic.") from exc
    hold.status, hold.appointment_id = "booked", appt.id
    if candidate is not None:
        session.add(
            BookingReview(
                clinic_id=hold.clinic_id,
                appointment_id=appt.id,
                patient_id=patient.id,
                candidate_id=candidate.id,
                reason="Booked online; may be the same family as an existing patient",
                created_at=now,
            )
        )
    return Confirmation(appt.id, review=candidate is not None)


def _phones(p: Patient) -> set[str]:
    return {n for n in (p.contact_phone, p.phone, p.guardian_phone) if n}


def match_or_create(
    session: Session, clinic_id: int, details: FamilyDetails, *, now: datetime
) -> tuple[Patient, Patient | None]:
    """(the patient to book, a possible existing match for staff to review).

    Name, date of birth and phone all agreeing with exactly one patient: that patient. Anything
    less certain (a name and birthday at another number, a first name at the same number) books a
    new record and puts the likely match on the staff review list, rather than guess.
    """
    data = PatientInput(
        first_name=details.first_name,
        last_name=details.last_name,
        date_of_birth=details.date_of_birth,
        guardian_phone=details.phone,
        guardian_name=details.guardian_name or None,
        guardian_email=details.email or None,
        sms_consent=details.sms_consent,
        sms_consent_source=CONSENT_SOURCE if details.sms_consent else None,
        language=details.language or None,
    )
    rows = likely_duplicates(session, data)
    found = [
        p for p in (session.get(Patient, r.id) for r in rows) if p is not None and p.clinic_id == clinic_id
    ]
    sure = [
        p
        for p in found
        if p.first_name.lower() == details.first_name.lower()
        and p.last_name.lower() == details.last_name.lower()
        and p.date_of_birth == details.date_of_birth
        and details.phone in _phones(p)
    ]
    if len(sure) == 1:
        patient = sure[0]
        if details.sms_consent and not patient.sms_consent and patient.contact_phone == details.phone:
            set_consent(session, ONLINE, patient.id, "sms", True, CONSENT_SOURCE, now=now)
        return patient, None
    patient = create_patient(session, ONLINE, clinic_id, data, now=now)
    return patient, (found[0] if found else None)


@dataclass(frozen=True)
class BookedView:
    """What the family's confirmation page says (their first name only)."""

    start: datetime
    location_id: int
    location_name: str
    type_name: str
    first_name: str


def booked_view(session: Session, appointment_id: int) -> BookedView:
    row = session.execute(
        select(Appointment.start_at, Location.id, Location.name, AppointmentType.name, Patient.first_name)
        .join(Location, Location.id == Appointment.location_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.id == appointment_id)
    ).one()
    return BookedView(row[0], row[1], row[2], row[3], row[4])


def clinic_name(session: Session) -> str:
    return session.scalar(select(Clinic.name).order_by(Clinic.id).limit(1)) or "Your orthodontist"
