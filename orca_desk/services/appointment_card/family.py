"""What the family gets from the card: a one-off text about the visit and the printed card."""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.services import local_time
from orca_desk.services.access.security import Actor
from orca_desk.services.appointment_card.rows import AppointmentCard
from orca_desk.services.clinic.clinic_settings import messaging_policy
from orca_desk.services.errors import NotFound
from orca_desk.services.messaging.inbox_queries import send_staff_message


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

    from orca_desk.services.printing.style import BOLD, FONT, INK, MUTED, RULE, fit_text

    width, height = CARD_PAGE
    margin = 24.0
    inner = width - 2 * margin
    c = Canvas(out, pagesize=CARD_PAGE)
    c.setTitle(f"Appointment card: {card.patient_name}")
    c.setAuthor(card.clinic_name)
    y = height - margin - 14
    c.setFillColorRGB(*INK)
    c.setFont(BOLD, 14)
    c.drawString(margin, y, fit_text(card.clinic_name, BOLD, 14, inner))
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
    c.drawString(margin, y, fit_text(card.patient_name, BOLD, 15, inner))
    y -= 34
    c.setFont(BOLD, 20)
    c.drawString(margin, y, fit_text(local_time.fmt_date(card.start, card.zone), BOLD, 20, inner))
    y -= 26
    c.setFont(BOLD, 20)
    c.drawString(margin, y, local_time.fmt_time(card.start, card.zone, card.time_format))
    minutes = int((card.end - card.start).total_seconds() // 60)
    y -= 18
    c.setFont(FONT, 11)
    c.setFillColorRGB(*MUTED)
    c.drawString(
        margin,
        y,
        fit_text(f"{card.type_name} · {minutes} minutes · with {card.provider_name}", FONT, 11, inner),
    )
    y -= 26
    c.setFillColorRGB(*INK)
    c.setFont(BOLD, 11)
    c.drawString(margin, y, fit_text(card.location_name, BOLD, 11, inner))
    if card.location_address:
        y -= 14
        c.setFont(FONT, 10)
        c.drawString(margin, y, fit_text(card.location_address.replace("\n", ", "), FONT, 10, inner))
    c.setFont(FONT, 8.5)
    c.setFillColorRGB(*MUTED)
    call = f"call {card.location_phone}" if card.location_phone else "call us"
    c.drawString(
        margin,
        margin,
        fit_text(f"Need to change or cancel? Please {call} at least a day ahead.", FONT, 8.5, inner),
    )
    c.showPage()
    c.save()
