"""Create, edit and find patients and their responsible party."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from orca_desk.db import CachedSelect
from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.patient import ConsentEvent, Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.inputs import check_column_text, column_length, like_prefix, strip_control

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CHANNELS = ("sms", "email", "phone")


# A phone number as typed, with spaces, dots and an extension, is never longer than this.
_MAX_PHONE_TEXT = 40
_EARLIEST_BIRTH = date(1900, 1, 1)


def clinic_country(session: Session, clinic_id: int | None = None) -> str:
    """The clinic's country (ISO 3166 alpha-2, from setup): the region of a phone number written
    without its +code, and the order of typed dates. With no id, the first clinic's."""
    query = select(Clinic.country)
    query = (
        query.where(Clinic.id == clinic_id) if clinic_id is not None else query.order_by(Clinic.id).limit(1)
    )
    return (session.scalar(query) or "US").upper()


def check_birth_and_channel(born: date | None, channel: str, now: datetime) -> None:
    """A patient's date of birth (not in the future, not before 1900) and preferred channel, as
    both a new patient and the card's edits check them."""
    if born and born > now.date():
        raise ValidationError("Date of birth is in the future.", field="date_of_birth")
    if born and born < _EARLIEST_BIRTH:
        raise ValidationError(
            f"Date of birth {born.isoformat()} is before 1900; check the year.", field="date_of_birth"
        )
    if channel not in CHANNELS:
        raise ValidationError(
            f"Preferred channel must be one of {', '.join(CHANNELS)}.", field="preferred_channel"
        )


def normalise_phone(raw: str | None, *, region: str = "US", field: str = "phone") -> str | None:
    """Return E.164 or None for empty input; refuse what is not a valid number. ``region``: the
    clinic's country (``clinic_country``), which a number without +code belongs to."""
    if raw is None or not raw.strip():
        return None
    if len(raw) > _MAX_PHONE_TEXT:
        raise ValidationError(f"{raw[:_MAX_PHONE_TEXT]!r}… is not a phone number.", field=field)
    import phonenumbers  # its metadata is large, and most loads of this module never parse a phone

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"{raw!r} is not a phone number.", field=field) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"{raw!r} is not a valid phone number.", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(raw: str | None, field: str) -> str | None:
    if raw is None or not raw.strip():
        return None
    label = "The guardian's email" if field.startswith("guardian") else "The email"
    check_column_text(raw.strip(), Patient.email, field=field, label=label)
    if not EMAIL_RE.match(raw.strip()):
        raise ValidationError(f"{raw!r} is not an email address.", field=field)
    return raw.strip().lower()


def _optional(raw: str | None, column: object, field: str, label: str) -> str | None:
    text = (raw or "").strip()
    return check_column_text(text, column, field=field, label=label) or None


def _check_zone(name: str | None) -> str | None:
    from orca_desk.services.availability import zone_of

    if name is None or not name.strip():
        return None
    name = name.strip()
    if len(name) > column_length(Patient.timezone) or strip_control(name) != name:
        raise ValidationError(
            f"Unknown time zone {name[:64]!r}…; use an IANA name such as America/New_York.", field="timezone"
        )
    zone_of(name)
    return name


def _check_home_location(session: Session, clinic_id: int, location_id: int | None) -> None:
    if location_id is None:
        return
    location = session.get(Location, location_id) if isinstance(location_id, int) else None
    if location is None or location.clinic_id != clinic_id:
        raise ValidationError(
            f"There is no location #{location_id} in this clinic; choose the patient's "
            "home location from the list.",
            field="home_location_id",
        )


@dataclass
class PatientInput:
    first_name: str
    last_name: str
    date_of_birth: date | None = None
    phone: str | None = None
    email: str | None = None
    preferred_channel: str = "sms"
    guardian_name: str | None = None
    guardian_relation: str | None = None
    guardian_phone: str | None = None
    guardian_email: str | None = None
    sms_consent: bool = False
    sms_consent_source: str | None = None
    email_consent: bool = False
    home_location_id: int | None = None
    timezone: str | None = None
    language: str | None = None  # ISO 639-1: the messages' language; None: the clinic's
    guardian_language: str | None = None  # the guardian's, when they read the messages; None: the same


class PatientRow(NamedTuple):
    """A patient as the search lists show them (a tuple: each keystroke builds up to 50)."""

    id: int
    name: str
    date_of_birth: date | None
    contact_phone: str | None
    guardian_name: str | None


def create_patient(
    session: Session,
    actor: Actor,
    clinic_id: int,
    data: PatientInput,
    *,
    now: datetime,
    region: str | None = None,
) -> Patient:
    """Create a patient; phone numbers without +code are read in ``region`` (default: the clinic's
    country); without a language of their own, the patient's messages are in the clinic's."""
    actor.require(BOOK)
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound(f"Clinic #{clinic_id} does not exist.")
    region = region or clinic.country or "US"
    first, last = _checked_names(data, now)
    language = _language_code(data.language or clinic.language or "en", "language")
    guardian_language = _language_code(data.guardian_language or "", "guardian_language") or None
    phone = normalise_phone(data.phone, region=region)
    guardian_phone = normalise_phone(data.guardian_phone, region=region, field="guardian_phone")
    email = _email(data.email, "email")
    guardian_email = _email(data.guardian_email, "guardian_email")
    if data.sms_consent and not (data.sms_consent_source or "").strip():
        raise ValidationError(
            "Say how SMS consent was given (e.g. 'phone call', 'form').", field="sms_consent_source"
        )
    guardian_name = _optional(
        data.guardian_name, Patient.guardian_name, "guardian_name", "The guardian's name"
    )
    guardian_relation = _optional(
        data.guardian_relation, Patient.guardian_relation, "guardian_relation", "The guardian's relation"
    )
    consent_source = _optional(
        data.sms_consent_source, Patient.sms_consent_source, "sms_consent_source", "How SMS consent was given"
    )
    timezone = _check_zone(data.timezone)
    _check_home_location(session, clinic_id, data.home_location_id)
    contact_phone = guardian_phone or phone
    contact_email = guardian_email or email
    if data.sms_consent and contact_phone is None:
        raise ValidationError("SMS consent needs a phone number to text.", field="phone")
    patient = Patient(
        clinic_id=clinic_id,
        first_name=first,
        last_name=last,
        date_of_birth=data.date_of_birth,
        phone=phone,
        email=email,
        preferred_channel=data.preferred_channel,
        guardian_name=guardian_name,
        guardian_relation=guardian_relation,
        guardian_phone=guardian_phone,
        guardian_email=guardian_email,
        language=language,
        guardian_language=guardian_language,
        contact_phone=contact_phone,
        contact_email=contact_email,
        sms_consent=data.sms_consent,
        sms_consent_at=now if data.sms_consent else None,
        sms_consent_source=consent_source if data.sms_consent else None,
        email_consent=data.email_consent,
        email_consent_at=now if data.email_consent else None,
        home_location_id=data.home_location_id,
        timezone=timezone,
    )
    session.add(patient)
    session.flush()
    _first_consents(session, actor, patient, consent_source, now=now)
    audit.record(
        session, actor, "create", "patient", patient.id, now=now, after={"name": patient.display_name}
    )
    return patient


def _language_code(raw: str, field: str) -> str:
    """An ISO 639 code in lower case ("" stays ""), or an error naming the value."""
    code = (raw or "").strip().lower()
    if code and (not code.isalpha() or not 2 <= len(code) <= 3):
        raise ValidationError(f"{raw!r} is not a language code (such as en or es).", field=field)
    return code


def _checked_names(data: PatientInput, now: datetime) -> tuple[str, str]:
    """The first and last names, once they, the date of birth and the channel are valid."""
    first, last = data.first_name.strip(), data.last_name.strip()
    if not first:
        raise ValidationError("First name is required.", field="first_name")
    if not last:
        raise ValidationError("Last name is required.", field="last_name")
    check_column_text(first, Patient.first_name, field="first_name", label="The first name")
    check_column_text(last, Patient.last_name, field="last_name", label="The last name")
    check_birth_and_channel(data.date_of_birth, data.preferred_channel, now)
    return first, last


def _first_consents(
    session: Session, actor: Actor, patient: Patient, consent_source: str | None, *, now: datetime
) -> None:
    """The first rows of the patient's consent history, so every consent shown has a when, how and who."""
    if patient.sms_consent:
        session.add(
            ConsentEvent(
                patient_id=patient.id,
                channel="sms",
                granted=True,
                address=patient.contact_phone,
                source=consent_source or "new patient",
                at=now,
                recorded_by=actor.username[:60],
            )
        )
    if patient.email_consent:
        session.add(
            ConsentEvent(
                patient_id=patient.id,
                channel="email",
                granted=True,
                address=patient.contact_email,
                source="new patient",
                at=now,
                recorded_by=actor.username[:60],
            )
        )


_MAX_SEARCH = 200


_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-]+$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")


def search_patients(
    session: Session, text: str, *, limit: int = 50, region: str | None = None
) -> list[PatientRow]:
    """Find patients as the receptionist types: a patient's or guardian's name ("last, first", "first
    last" or a prefix), phone digits in any format, an email address, a date of birth (ISO or the
    clinic's order, ``region`` says which; default the clinic's country) or a chart number.

    Every name, email and chart term is a prefix match a (case-ignoring, on SQLite) index answers, so
    typing stays fast over 20,000 patients; a guardian is found by the start of their name ("Mai",
    "Mai Tran"), phone digits anywhere in a number.

    The text is matched literally: ``%`` and ``_`` are not wildcards, control characters
    (a NUL byte, which PostgreSQL refuses) are dropped, and text longer than any name
    finds nobody.
    """
    from orca_desk.services.importing.values import CellError, parse_date

    text = strip_control(text).strip()
    if not text or len(text) > _MAX_SEARCH:
        return []
    conn = session.connection()
    lite = conn.dialect.name == "sqlite"
    digits = re.sub(r"\D", "", text)
    # The clinic's country is read only for text it changes the meaning of (a date's order, a
    # phone's missing +code): a name search is then a single statement.
    born = None
    if _DATE_LIKE.match(text):
        region = region or clinic_country(session)
        try:
            born = parse_date(text, region=region)
        except CellError:
            born = None
    prefix = like_prefix(text)
    params: dict[str, Any] = {"p": prefix, "exact": prefix[:-1]}
    if born is not None:
        shape, params = "born", {"born": born}
    elif "@" in text:
        shape = "email"
    elif len(digits) >= 4 and _PHONE_LIKE.match(text):
        # Phones are stored as E.164: "(617) 555-0142", "617.555.0142" and "+1 617 555 0142" are all
        # "+16175550142", found by its indexes; part of a number ("555-0142") is found anywhere in
        # it. (contact_phone is the guardian's phone when there is one.) A chart number of digits
        # matches too.
        try:
            whole = normalise_phone(text, region=region or clinic_country(session))
        except ValidationError:
            whole = None
        if whole is not None:
            shape, params["whole"] = "phone", whole
        else:
            shape, params["digits"] = "digits", f"%{digits}%"  # digits only: nothing to escape
    else:
        parts = [p for p in re.split(r"[,\s]+", text) if p]
        if "," in text and len(parts) >= 2:
            shape, params = "last, first", {"a": like_prefix(parts[0]), "b": like_prefix(parts[1])}
        elif len(parts) >= 2:
            shape = "two words"
            params = {
                "a": like_prefix(parts[0]),
                "b": like_prefix(parts[-1]),
                "p": like_prefix(" ".join(parts)),
            }
        else:
            shape = "one word"
    # Plain rows from the session's connection, the statement compiled once: SQLAlchemy's
    # statement and row handling cost a good part of the indexed lookup itself while the
    # receptionist types.
    return list(map(_patient_row, _search_statement(shape, lite, limit).rows(conn, params)))


# PatientRow._make without its Python frame per row (the rows have the fields' number).
_patient_row = partial(tuple.__new__, PatientRow)


# One statement per kind of search text, dialect and limit, its values bound at each search:
# composing the statement on every keystroke (and matching its result columns to the cached
# compilation) cost more than the indexed lookup.
_SEARCHES: dict[tuple[str, bool, int], CachedSelect] = {}


def _search_statement(shape: str, lite: bool, limit: int) -> CachedSelect:
    key = (shape, lite, limit)
    statement = _SEARCHES.get(key)
    if statement is None:
        statement = _SEARCHES[key] = CachedSelect(_build_search(shape, lite, limit))
    return statement


def _build_search(shape: str, lite: bool, limit: int) -> Any:
    # SQLite's LIKE already ignores ASCII case (and its lower() knows only ASCII): ILIKE would wrap
    # both sides in lower() and make every search over 20,000 patients a good deal slower; its
    # NOCASE indexes answer LIKE. PostgreSQL's ILIKE reads every row: both sides lowered, the
    # column's lower() index answers (models.patient). The "exact" pattern is the text escaped
    # without the trailing %: equal, ignoring case.
    def like(column: Any, name: str) -> ColumnElement[bool]:
        value = bindparam(name, type_=String())
        if lite:
            return column.like(value, escape="\\")
        return func.lower(column).like(func.lower(value), escape="\\")

    # The name put together by the database: each row is then the list's tuple as it comes.
    query = select(
        Patient.id,
        (Patient.first_name + " " + Patient.last_name).label("name"),
        Patient.date_of_birth,
        Patient.contact_phone,
        Patient.guardian_name,
    ).where(Patient.is_active.is_(True))
    if shape == "born":
        query = query.where(Patient.date_of_birth == bindparam("born"))
    elif shape == "email":
        query = query.where(
            or_(like(Patient.email, "p"), like(Patient.contact_email, "p"), like(Patient.guardian_email, "p"))
        )
    elif shape == "phone":
        whole = bindparam("whole", type_=String())
        query = query.where(
            or_(
                Patient.contact_phone == whole,
                Patient.phone == whole,
                Patient.guardian_phone == whole,
                like(Patient.chart_number, "exact"),
            )
        )
    elif shape == "digits":
        digits = bindparam("digits", type_=String())
        query = query.where(
            or_(
                Patient.contact_phone.like(digits),
                Patient.phone.like(digits),
                like(Patient.chart_number, "exact"),
            )
        )
    elif shape == "last, first":
        query = query.where(like(Patient.last_name, "a"), like(Patient.first_name, "b"))
    elif shape == "two words":
        query = query.where(
            or_(
                like(Patient.first_name, "a") & like(Patient.last_name, "b"),
                like(Patient.last_name, "a") & like(Patient.first_name, "b"),
                # The guardian's full name as typed ("Maria Rivera").
                like(Patient.guardian_name, "p"),
            )
        )
    else:
        query = query.where(
            or_(
                like(Patient.last_name, "p"),
                like(Patient.first_name, "p"),
                like(Patient.preferred_name, "p"),
                like(Patient.guardian_name, "p"),
                like(Patient.chart_number, "exact"),
            )
        )
    # Sorted by an expression, not the (last, first) index: walking that index whole to skip a sort
    # is what SQLite would otherwise choose, instead of the search indexes.
    return query.order_by(Patient.last_name.concat(""), Patient.first_name, Patient.id).limit(limit)


@dataclass(frozen=True)
class VisitRow:
    appointment_id: int
    start: datetime
    location_name: str
    timezone: str
    type_name: str
    provider_name: str
    status: str
    location_id: int


def upcoming_visits(session: Session, patient_id: int, *, now: datetime, limit: int = 10) -> list[VisitRow]:
    from orca_desk.models.appointment import Appointment
    from orca_desk.models.clinic import AppointmentType, Location, Provider

    q = (
        select(
            Appointment.id,
            Appointment.start_at,
            Location.name,
            Location.timezone,
            AppointmentType.name,
            Provider.name,
            Appointment.status,
            Appointment.location_id,
        )
        .join(Location, Location.id == Appointment.location_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .join(Provider, Provider.id == Appointment.provider_id)
        .where(
            Appointment.patient_id == patient_id,
            Appointment.end_at > now,
            Appointment.status.in_(("scheduled", "confirmed", "arrived", "seated")),
        )
        .order_by(Appointment.start_at)
        .limit(limit)
    )
    return [VisitRow(*r) for r in session.execute(q)]


def split_name(text: str) -> tuple[str, str]:
    """First and last name from what was typed: "Rivera, Mila" (last first) or "Mila Rivera"."""
    text = " ".join(text.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    first, _, last = text.partition(" ")
    return first, last


def likely_duplicates(session: Session, data: PatientInput, *, region: str | None = None) -> list[PatientRow]:
    """Patients who are probably the one being created: the same name and date of birth, or the same
    first name at one of the same phone numbers (siblings share a parent's number, not a first name).
    Control characters are dropped from the names, as in ``search_patients`` (PostgreSQL refuses NUL)."""
    first, last = strip_control(data.first_name).strip(), strip_control(data.last_name).strip()
    region = region or clinic_country(session)
    phones = set()
    for raw in (data.phone, data.guardian_phone):
        try:
            number = normalise_phone(raw, region=region)
        except ValidationError:
            continue
        if number:
            phones.add(number)
    same_first = func.lower(Patient.first_name) == first.lower()
    matches = []
    if data.date_of_birth is not None:
        matches.append(
            same_first
            & (func.lower(Patient.last_name) == last.lower())
            & (Patient.date_of_birth == data.date_of_birth)
        )
    if phones:
        on_a_phone = or_(
            Patient.contact_phone.in_(phones), Patient.phone.in_(phones), Patient.guardian_phone.in_(phones)
        )
        matches.append(same_first & on_a_phone)
    if not first or not matches:
        return []
    query = (
        select(
            Patient.id,
            Patient.first_name,
            Patient.last_name,
            Patient.date_of_birth,
            Patient.contact_phone,
            Patient.guardian_name,
        )
        .where(Patient.is_active.is_(True), or_(*matches))
        .order_by(Patient.last_name, Patient.first_name)
        .limit(10)
    )
    # Core rows from the session's connection: the ORM's statement handling costs as much as the
    # indexed lookup itself while the receptionist types.
    return [
        PatientRow(id=r[0], name=f"{r[1]} {r[2]}", date_of_birth=r[3], contact_phone=r[4], guardian_name=r[5])
        for r in session.connection().execute(query).all()
    ]
