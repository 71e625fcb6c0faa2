"""What an email carries besides its text: one-click unsubscribe and the visit as an ``.ics`` file.

Built when the email is sent (``DispatchOptions.email_extras``), from the outbox row and what it
is about, so the calendar file always shows the slot as it is then:

- every non-transactional email (offers, campaigns, recovery, staff's own emails) carries the
  RFC 8058 one-click ``List-Unsubscribe`` headers, and an unsubscribe link at the bottom unless
  its text already has one;
- a waitlist offer carries the offered slot (``STATUS:TENTATIVE``), its "You're booked" follow-up
  and a confirmation request carry the appointment (``STATUS:CONFIRMED``), as ``visit.ics``.

The calendar file is an iCalendar ``METHOD:PUBLISH`` object (RFC 5545/5546) that Apple
Calendar, Google Calendar and Outlook all import: UTC times (no VTIMEZONE needed), a stable UID
per visit (a later file about the same visit updates it, SEQUENCE counts the changes), DTSTAMP,
ORGANIZER, CRLF line ends and folded long lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.messaging.providers.base import Attachment, ProviderError

# Emails a family receives because the clinic chose to write, not because they asked for
# something: they carry List-Unsubscribe (and need email consent, see outbox).
NON_TRANSACTIONAL: frozenset[str] = frozenset({"manual", "campaign", "recovery", "waitlist_offer"})
CONFIRMATION_PURPOSES: frozenset[str] = frozenset({"confirmation_request"})
WAITLIST_PURPOSE = "waitlist_offer"
UNSUBSCRIBE_PATH = "/l/unsubscribe/"
ICS_FILENAME = "visit.ics"
ICS_TYPE = "text/calendar"
PRODID = "-//Orca Desk//Orca Desk//EN"


@dataclass(frozen=True)
class EmailExtras:
    unsubscribe_url: str | None = None
    unsubscribe_footer: bool = True
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class CalendarSlot:
    """A visit as the family's calendar should show it."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str
    confirmed: bool
    sequence: int = 0


def calendar_file(
    slot: CalendarSlot, *, organizer_name: str, organizer_email: str | None, now: datetime
) -> bytes:
    """One VEVENT in a ``METHOD:PUBLISH`` calendar, as bytes (CRLF, folded at 75 octets)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", slot.uid)
    event.add("dtstamp", now)
    event.add("dtstart", slot.start)
    event.add("dtend", slot.end)
    event.add("sequence", slot.sequence)
    event.add("summary", slot.summary)
    if slot.location:
        event.add("location", slot.location)
    event.add("description", slot.description)
    event.add("status", "CONFIRMED" if slot.confirmed else "TENTATIVE")
    event.add("transp", "OPAQUE")
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        organizer.params["cn"] = vText(organizer_name)
        event["organizer"] = organizer
    cal.add_component(event)
    return bytes(cal.to_ical())


def _clinic(session: Session, clinic_id: int) -> Clinic | None:
    return session.get(Clinic, clinic_id) or session.scalar(select(Clinic).order_by(Clinic.id).limit(1))


def _where(session: Session, location_id: int) -> str:
    loc = session.get(Location, location_id)
    if loc is None:
        return ""
    return f"{loc.name}, {loc.address}" if loc.address else loc.name


def _appointment_slot(session: Session, appointment_id: int, clinic: Clinic) -> CalendarSlot | None:
    appt = session.get(Appointment, appointment_id)
    if appt is None or appt.status in ("cancelled", "no_show"):
        return None
    patient = session.get(Patient, appt.patient_id)
    who = f"{patient.first_name}'s visit" if patient else "Visit"
    phone = f" Call {clinic.phone} to change it." if clinic.phone else ""
    return CalendarSlot(
        uid=f"appointment-{appt.id}@orca-desk",
        start=appt.start_at,
        end=appt.end_at,
        summary=f"{who} at {clinic.name}",
        location=_where(session, appt.location_id),
        description=f"Booked at {clinic.name}.{phone}",
        confirmed=True,
        sequence=max(0, (appt.version or 1) - 1),
    )


def _offer_slot(session: Session, m: OutboxMessage, clinic: Clinic) -> CalendarSlot | None:
    offer = session.get(WaitlistOffer, m.source_id) if m.source_id is not None else None
    if offer is None:
        return None
    if m.dedupe_key == f"waitlist-offer:{offer.id}:booked":
        if offer.booked_appointment_id is None:
            return None
        return _appointment_slot(session, offer.booked_appointment_id, clinic)
    if m.dedupe_key != f"waitlist-offer:{offer.id}":
        return None  # a follow-up that books nothing (passed, expired, taken)
    opening = session.get(Opening, offer.opening_id)
    if opening is None:
        return None
    patient = session.get(Patient, offer.patient_id)
    who = f"{patient.first_name}'s visit" if patient else "Visit"
    return CalendarSlot(
        uid=f"waitlist-offer-{offer.id}@orca-desk",
        start=opening.start_at,
        end=opening.end_at,
        summary=f"Offered: {who} at {clinic.name}",
        location=_where(session, opening.location_id),
        description="Offered, not booked yet: use the link in our email to book it or pass.",
        confirmed=False,
    )


def calendar_slot(session: Session, m: OutboxMessage) -> CalendarSlot | None:
    """The visit an email is about, when it is an offer or a confirmation (else None)."""
    if m.channel != "email":
        return None
    clinic = _clinic(session, m.clinic_id)
    if clinic is None:
        return None
    if m.purpose == WAITLIST_PURPOSE and m.source_type == WAITLIST_PURPOSE:
        return _offer_slot(session, m, clinic)
    if m.purpose in CONFIRMATION_PURPOSES and m.appointment_id is not None:
        return _appointment_slot(session, m.appointment_id, clinic)
    return None


def email_extras(
    session: Session,
    message_id: int,
    *,
    secret: bytes | None,
    base_url: str,
    now: datetime,
    sender: str | None = None,
) -> EmailExtras:
    """The unsubscribe link and attachments of outbox email ``message_id`` (nothing for SMS)."""
    m = session.get(OutboxMessage, message_id)
    if m is None or m.channel != "email":
        return EmailExtras()
    unsubscribe: str | None = None
    if m.purpose in NON_TRANSACTIONAL and secret is not None:
        from orca_desk.services.links.patient_links import unsubscribe_link_for

        unsubscribe = unsubscribe_link_for(
            session, "email", m.to_address, secret=secret, base_url=base_url, now=now
        )
    attachments: tuple[Attachment, ...] = ()
    slot = calendar_slot(session, m)
    if slot is not None:
        clinic = _clinic(session, m.clinic_id)
        name = clinic.name if clinic else "Orca Desk"
        organizer = (clinic.email if clinic and clinic.email else None) or sender
        attachments = (
            Attachment(
                ICS_FILENAME,
                ICS_TYPE,
                calendar_file(slot, organizer_name=name, organizer_email=organizer, now=now),
            ),
        )
    return EmailExtras(
        unsubscribe_url=unsubscribe,
        unsubscribe_footer=not _has_unsubscribe_link(m.body, unsubscribe),
        attachments=attachments,
    )


def _has_unsubscribe_link(body: str, link: str | None) -> bool:
    """Whether the text already carries an unsubscribe link: the long form, or the short
    ``/u/<token>`` form under the same address as this message's own link."""
    if UNSUBSCRIBE_PATH in body:
        return True
    return link is not None and link.rsplit("/", 1)[0] + "/" in body


class EmailExtrasBuilder:
    """``DispatchOptions.email_extras`` of the runtime: each email's extras, in a short
    transaction of its own (an unsubscribe link may create the address's contact row)."""

    def __init__(
        self,
        db: Database,
        *,
        secret: bytes | None,
        now: Callable[[], datetime],
        base_url: Callable[[], str | None],
        sender: str | None = None,
    ) -> None:
        """``base_url``: the public link address as the runtime knows it now (it follows Settings)."""
        self.db, self.secret, self.now, self.sender = db, secret, now, sender
        self.base_url = base_url

    def __call__(self, message_id: int) -> EmailExtras:
        try:
            with self.db.write() as session:
                base = self.base_url() or clinic_settings.public_base_url(session)
                return email_extras(
                    session, message_id, secret=self.secret, base_url=base, now=self.now(), sender=self.sender
                )
        except Exception as exc:
            # Sent without its unsubscribe headers or calendar file it would be wrong: the
            # dispatcher defers it (a ProviderError is "not sent, try later").
            raise ProviderError(f"could not prepare the email: {exc}") from exc
