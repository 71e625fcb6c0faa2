"""The appointment card and the calendar's hover quick card: one visit's facts in a few queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select, true
from sqlalchemy.orm import Session

from orca_desk.models import (
    Appointment,
    AppointmentType,
    AuditEvent,
    Chair,
    Clinic,
    ConfirmationRequest,
    InboundMessage,
    Location,
    OutboxMessage,
    Patient,
    PatientAlert,
    Provider,
    RecurringSeries,
)
from orca_desk.services import audit, local_time
from orca_desk.services.booking import STATUS_LABELS
from orca_desk.services.clinic_settings import messaging_policy
from orca_desk.services.confirmations import format_phone
from orca_desk.services.errors import ConflictError, NotFound
from orca_desk.services.inputs import check_column_text
from orca_desk.services.messaging.inbox_queries import send_staff_message
from orca_desk.services.patient_card.rows import ALERT_KINDS
from orca_desk.services.security import BOOK, Actor

# Statuses of a visit that happened (last visit) and of one still to come (next visit).
_ATTENDED = ("arrived", "seated", "completed")
_UPCOMING = ("scheduled", "confirmed", "arrived", "seated")
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


def age_on(born: date | None, day: date) -> int | None:
    """Whole years from ``born`` to ``day`` (None without a date of birth)."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class HistoryRow:
    at: datetime  # UTC
    actor: str
    action: str
    label: str  # "Cancelled (sick)", "Moved from Tue 3 Mar 2026, 9:00 AM"


@dataclass(frozen=True)
class ConfirmationRow:
    at: datetime  # when the request was made
    channel: str
    to_address: str
    status: str  # open | answered | expired | …
    answer: str  # confirm | decline | callback | ""
    answered_via: str
    answered_at: datetime | None


@dataclass(frozen=True)
class MessageRow:
    at: datetime
    direction: str  # out | in
    channel: str
    address: str
    purpose: str  # outbox purpose, or the kind of reply
    text: str
    status: str


@dataclass(frozen=True)
class SeriesRow:
    id: int
    summary: str  # "Every 6 weeks on Tuesday, 8 times"
    status: str


@dataclass(frozen=True)
class AppointmentCard:
    """Everything the appointment card shows; times are UTC (``zone`` and ``time_format`` show them)."""

    id: int
    version: int
    patient_id: int
    patient_name: str
    preferred_name: str
    date_of_birth: date | None
    age: int | None
    chart_number: str
    phone: str  # formatted for dialling from the clinic's country
    guardian_name: str
    guardian_relation: str
    guardian_phone: str
    guardian_email: str
    contact_phone: str
    contact_email: str
    sms_consent: bool
    alerts: tuple[str, ...]
    location_id: int
    location_name: str
    location_address: str
    location_phone: str  # formatted; the clinic's number when the location has none
    clinic_name: str
    zone: ZoneInfo
    chair_name: str
    provider_name: str
    type_name: str
    start: datetime
    end: datetime
    status: str
    confirmation: str
    cancel_reason: str
    late_cancel: bool
    notes: str
    series: SeriesRow | None
    history: tuple[HistoryRow, ...]  # oldest first
    confirmations: tuple[ConfirmationRow, ...]  # newest first
    messages: tuple[MessageRow, ...]  # newest first
    time_format: str
    country: str

    @property
    def when(self) -> str:
        """ "Tue 3 Mar 2026, 9:00 AM–9:20 AM" at the location."""
        return (
            f"{local_time.fmt_date(self.start, self.zone)}, "
            f"{local_time.fmt_range(self.start, self.end, self.zone, self.time_format)}"
        )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


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
    a, p, location_name, tz_name, chair_name, provider_name, type_name, country = row[:8]
    location_address, location_phone, clinic_name, clinic_phone = row[8:]
    zone = local_time.zone(tz_name)
    style = local_time.clinic_time_format(session)
    country = country or "US"
    alerts = tuple(
        f"{ALERT_KINDS.get(k, 'Note')}: {t}"
        for k, t in session.execute(
            select(PatientAlert.kind, PatientAlert.text)
            .where(PatientAlert.patient_id == p.id)
            .order_by(PatientAlert.id)
        )
    )
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
    confirmations = tuple(
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
            .where(ConfirmationRequest.appointment_id == a.id)
            .order_by(ConfirmationRequest.created_at.desc(), ConfirmationRequest.id.desc())
        )
    )
    sent = session.execute(
        select(
            OutboxMessage.created_at,
            OutboxMessage.channel,
            OutboxMessage.to_address,
            OutboxMessage.purpose,
            OutboxMessage.body,
            OutboxMessage.status,
        )
        .where(OutboxMessage.appointment_id == a.id)
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
                    InboundMessage.from_address.in_(sorted(addresses)), InboundMessage.appointment_id == a.id
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
    messages = tuple(sorted(out + replies, key=lambda m: m.at, reverse=True)[:_MESSAGES])
    series = None
    if a.series_id is not None:
        s = session.get(RecurringSeries, a.series_id)
        if s is not None:
            from orca_desk.services import recurrence

            local_start = datetime.combine(
                s.start_date, datetime.min.time(), tzinfo=local_time.zone(s.timezone)
            )
            try:
                summary = recurrence.describe(s.rrule, local_start)
            except ValueError:
                summary = s.rrule
            series = SeriesRow(s.id, summary, s.status)
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


# --- texting the family and the printed card ----------------------------------------------------


def suggested_text(card: AppointmentCard) -> str:
    """A starting point for a one-off text about the visit (staff edit it before sending)."""
    first = card.preferred_name or card.patient_name.split(" ")[0]
    when = (
        f"{local_time.fmt_date(card.start, card.zone)} at "
        f"{local_time.fmt_time(card.start, card.zone, card.time_format)}"
    )
    call = f" or call {card.location_phone}" if card.location_phone else ""
    return (
        f"{card.clinic_name}: {first}'s {card.type_name.lower()} visit is on {when} at "
        f"{card.location_name}. Reply here{call} if you need to change it."
    )


def text_family(session: Session, actor: Actor, appointment_id: int, body: str, *, now: datetime) -> int:
    """Queue a one-off text about this visit to the patient's contact (their responsible party when
    set); refused now, with the reason, without consent, after STOP or to a refused number."""
    patient_id = session.scalar(select(Appointment.patient_id).where(Appointment.id == appointment_id))
    if patient_id is None:
        raise NotFound(f"Appointment #{appointment_id} does not exist (another desk may have removed it).")
    return send_staff_message(
        session,
        actor,
        patient_id=patient_id,
        channel="sms",
        body=body,
        now=now,
        appointment_id=appointment_id,
        policy=messaging_policy(session),
    )


CARD_PAGE = (419.53, 297.64)  # A6 landscape: a card for the fridge door


def render_card_pdf(card: AppointmentCard, out: BinaryIO) -> None:
    """The family's appointment card: who, when (the location's local time), where, how to change it."""
    from reportlab.pdfgen.canvas import Canvas

    from orca_desk.services.printing import BOLD, FONT, INK, MUTED, RULE, _fit

    width, height = CARD_PAGE
    margin = 24.0
    inner = width - 2 * margin
    c = Canvas(out, pagesize=CARD_PAGE)
    c.setTitle(f"Appointment card: {card.patient_name}")
    c.setAuthor(card.clinic_name)
    y = height - margin - 14
    c.setFillColorRGB(*INK)
    c.setFont(BOLD, 14)
    c.drawString(margin, y, _fit(card.clinic_name, BOLD, 14, inner))
    if card.location_phone:
        c.setFont(FONT, 9)
        c.setFillColorRGB(*MUTED)
        c.drawRightString(width - margin, y, card.location_phone)
    y -= 10
    c.setStrokeColorRGB(*RULE)
    c.setLineWidth(0.8)
    c.line(margin, y, width - margin, y)
    y -= 22
    c.setFillColorRGB(*MUTED)
    c.setFont(FONT, 10)
    c.drawString(margin, y, "Appointment for")
    y -= 18
    c.setFillColorRGB(*INK)
    c.setFont(BOLD, 15)
    c.drawString(margin, y, _fit(card.patient_name, BOLD, 15, inner))
    y -= 34
    c.setFont(BOLD, 20)
    c.drawString(margin, y, _fit(local_time.fmt_date(card.start, card.zone), BOLD, 20, inner))
    y -= 26
    c.setFont(BOLD, 20)
    c.drawString(margin, y, local_time.fmt_time(card.start, card.zone, card.time_format))
    minutes = int((card.end - card.start).total_seconds() // 60)
    y -= 18
    c.setFont(FONT, 11)
    c.setFillColorRGB(*MUTED)
    c.drawString(
        margin, y, _fit(f"{card.type_name} · {minutes} minutes · with {card.provider_name}", FONT, 11, inner)
    )
    y -= 26
    c.setFillColorRGB(*INK)
    c.setFont(BOLD, 11)
    c.drawString(margin, y, _fit(card.location_name, BOLD, 11, inner))
    if card.location_address:
        y -= 14
        c.setFont(FONT, 10)
        c.drawString(margin, y, _fit(card.location_address.replace("\n", ", "), FONT, 10, inner))
    c.setFont(FONT, 8.5)
    c.setFillColorRGB(*MUTED)
    call = f"call {card.location_phone}" if card.location_phone else "call us"
    c.drawString(
        margin,
        margin,
        _fit(f"Need to change or cancel? Please {call} at least a day ahead.", FONT, 8.5, inner),
    )
    c.showPage()
    c.save()


# --- the hover quick card ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuickVisit:
    start: datetime  # UTC
    zone: ZoneInfo
    type_name: str


@dataclass(frozen=True)
class QuickCard:
    """What hovering an appointment shows about its patient."""

    patient_id: int
    date_of_birth: date | None
    guardian_name: str
    guardian_relation: str
    phone: str  # the contact number, formatted for dialling
    last_visit: QuickVisit | None
    next_visit: QuickVisit | None
    time_format: str

    def age_on(self, day: date) -> int | None:
        return age_on(self.date_of_birth, day)


def _visit_query(patient_id: int, *, before: datetime | None = None, after: datetime | None = None):  # type: ignore[no-untyped-def]
    q = (
        select(Appointment.start_at, Location.timezone, AppointmentType.name)
        .join(Location, Location.id == Appointment.location_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .where(Appointment.patient_id == patient_id)
    )
    if after is not None:
        return (
            q.where(Appointment.start_at > after, Appointment.status.in_(_UPCOMING))
            .order_by(Appointment.start_at)
            .limit(1)
        )
    return (
        q.where(Appointment.start_at < before, Appointment.status.in_(_ATTENDED))
        .order_by(Appointment.start_at.desc())
        .limit(1)
    )


def load_quick_card(
    session: Session, patient_id: int, *, visit_start: datetime, now: datetime, time_format: str, country: str
) -> QuickCard:
    """One round trip (indexed by patient): the patient's row, the last visit they came to before
    the one at ``visit_start``, and the next one booked after it (and after ``now``)."""
    last = _visit_query(patient_id, before=min(visit_start, now)).subquery()
    nxt = _visit_query(patient_id, after=max(visit_start, now)).subquery()
    row = session.execute(
        select(
            Patient.date_of_birth,
            Patient.guardian_name,
            Patient.guardian_relation,
            Patient.contact_phone,
            Patient.phone,
            last.c.start_at,
            last.c.timezone,
            last.c.name,
            nxt.c.start_at,
            nxt.c.timezone,
            nxt.c.name,
        )
        .select_from(Patient)
        .outerjoin(last, true())
        .outerjoin(nxt, true())
        .where(Patient.id == patient_id)
    ).first()
    if row is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    phone = row[3] or row[4] or ""

    def visit(start: datetime | None, tz: str | None, name: str | None) -> QuickVisit | None:
        return None if start is None else QuickVisit(start, local_time.zone(tz), name or "")

    return QuickCard(
        patient_id,
        row[0],
        row[1] or "",
        row[2] or "",
        format_phone(phone, country) if phone else "",
        visit(row[5], row[6], row[7]),
        visit(row[8], row[9], row[10]),
        time_format,
    )


def quick_card_rows(card: QuickCard, today: date) -> list[tuple[str, str]]:
    """Who the patient is and how to reach them, as (label, value) rows in local time."""
    rows = []
    age = card.age_on(today)
    if age is not None:
        rows.append(("Age", str(age)))
    if card.guardian_name:
        relation = f" ({card.guardian_relation})" if card.guardian_relation else ""
        rows.append(("Guardian", f"{card.guardian_name}{relation}"))
    if card.phone:
        rows.append(("Phone", card.phone))
    for label, v in (("Last visit", card.last_visit), ("Next visit", card.next_visit)):
        when = local_time.fmt_datetime(v.start, v.zone, card.time_format) if v else ""
        rows.append((label, f"{when} · {v.type_name}" if v else "none"))
    return rows


def quick_card_text(
    card: QuickCard, *, name: str, when: str, what: str, status: str, alerts: str, today: date
) -> str:
    """The quick card as plain lines: the visit the pointer is on, then the patient's rows."""
    lines = [name, when, what, status] + ([f"⚠ {alerts}"] if alerts else [])
    return "\n".join(lines + [f"{label}: {value}" for label, value in quick_card_rows(card, today)])


__all__ = [
    "AppointmentCard",
    "ConfirmationRow",
    "HistoryRow",
    "MessageRow",
    "QuickCard",
    "QuickVisit",
    "SeriesRow",
    "age_on",
    "load_appointment_card",
    "load_quick_card",
    "quick_card_rows",
    "quick_card_text",
    "render_card_pdf",
    "save_notes",
    "suggested_text",
    "text_family",
]
