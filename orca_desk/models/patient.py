"""Patients and the responsible party who receives their messages."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import clinic  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base, UTCDateTime

# Columns the patient search matches by prefix (services/patients/patients.search_patients).
_NOCASE_SEARCHED = (
    "last_name",
    "first_name",
    "preferred_name",
    "guardian_name",
    "chart_number",
    "email",
    "contact_email",
    "guardian_email",
)


class Patient(Base):
    __tablename__ = "patient"
    __table_args__ = (
        Index("ix_patient_name", "last_name", "first_name"),
        Index("ix_patient_contact_phone", "contact_phone"),
        # Re-importing a practice's export matches its rows by their id in the old system.
        Index("ix_patient_external_id", "clinic_id", "external_id", unique=True),
        # The desk finds patients by date of birth, chart number and phone as often as by name.
        Index("ix_patient_date_of_birth", "date_of_birth"),
        Index("ix_patient_chart_number", "chart_number"),
        Index("ix_patient_phone", "phone"),
        Index("ix_patient_guardian_phone", "guardian_phone"),
        # SQLite answers "LIKE 'riv%'" from an index only when the index ignores case as LIKE does:
        # the h11_patient_card migration creates these "COLLATE NOCASE" (SQLite reflects them as
        # plain column indexes, so they are declared so here). PostgreSQL's are below the class.
        *(Index(f"ix_patient_{col}_nocase", col).ddl_if(dialect="sqlite") for col in _NOCASE_SEARCHED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    external_id: Mapped[str | None] = mapped_column(String(64))  # the id in the system it came from
    chart_number: Mapped[str | None] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")  # ISO 639-1
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str | None] = mapped_column(String(200))
    preferred_channel: Mapped[str] = mapped_column(String(10), default="sms")  # sms|email|phone
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the home location's zone
    home_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    treatment_stage: Mapped[str] = mapped_column(String(30), default="active")
    # Most patients are minors: messages go to the responsible party when one is set.
    guardian_name: Mapped[str | None] = mapped_column(String(120))
    guardian_relation: Mapped[str | None] = mapped_column(String(40))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    guardian_email: Mapped[str | None] = mapped_column(String(200))
    # ISO 639-1 of the guardian, who reads the messages when one is set; None: the patient's language.
    guardian_language: Mapped[str | None] = mapped_column(String(8))
    # The number/address messages actually go to; indexed for matching replies.
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_consent_source: Mapped[str | None] = mapped_column(String(60))
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    email_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(String(2000), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The patient's alerts in one line ("Allergy: latex · Call father only"), kept with
    # PatientAlert in the same transaction so the calendar shows them without another query.
    alert_summary: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Set when this record was merged into another (the survivor); the record stays for the audit.
    merged_into_id: Mapped[int | None] = mapped_column(Integer)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# PostgreSQL answers "lower(last_name) LIKE 'riv%'" from an index of the lowered value that
# compares bytes (text_pattern_ops): a prefix is then a range whatever the server's collation.
# Without them each keystroke of a search read every patient (20 ms for 20,000; a group has more).
for _col in _NOCASE_SEARCHED:
    Index(
        f"ix_patient_{_col}_lower",
        func.lower(Patient.__table__.c[_col]).label(f"lower_{_col}"),
        postgresql_ops={f"lower_{_col}": "text_pattern_ops"},
    ).ddl_if(dialect="postgresql")


class PatientAlert(Base):
    """Something staff must see before they call or treat the patient: an allergy, a medical
    condition, a contact rule ("call father only")."""

    __tablename__ = "patient_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # allergy|medical|contact|other
    text: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(60))


class ConsentEvent(Base):
    """One change of a patient's SMS or email consent: when, how and who recorded it.

    ``Patient.sms_consent*``/``email_consent*`` stay the current state; these rows are its history,
    written in the same transaction as the change.
    """

    __tablename__ = "consent_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    channel: Mapped[str] = mapped_column(String(5))  # sms|email
    granted: Mapped[bool] = mapped_column(Boolean)
    address: Mapped[str | None] = mapped_column(String(200))  # the number or address it covers
    source: Mapped[str] = mapped_column(String(60))  # how: "phone call", "intake form", …
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(60))
