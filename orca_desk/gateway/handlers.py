"""What each patient link does: the registry's handler type and the built-in handlers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.gateway.family_words import pick_language, t, when_text
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Location
from orca_desk.models.messaging import ContactState
from orca_desk.models.openings import WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.errors import ConflictError, NotFound
from orca_desk.services.links.link_types import PATIENT_LINK, LinkHandler, LinkOutcome, LinkPrompt
from orca_desk.services.links.patient_links import (
    CALLBACK,
    CONFIRM,
    DECLINE,
    UNSUBSCRIBE,
    WAITLIST_ACCEPT,
    WAITLIST_DECLINE,
)
from orca_desk.services.messaging.message_locale import recipient_language
from orca_desk.services.patients.patients import clinic_country
from orca_desk.services.waitlist import links as waitlist_links

# --- Appointments: confirm, decline, request a call ---------------------------------------

_GONE = ("cancelled", "no_show")


@dataclass(frozen=True)
class _Visit:
    appointment: Appointment
    lang: str  # the family's: the guardian's language when one reads the messages, else the patient's
    about: str  # "Kid's appointment on Tue 3 Mar at 3:30 PM at Northside", in ``lang``


def appointment_language(session: Session, appointment_id: int) -> str:
    """The language the family of an appointment reads its link pages in (as its messages)."""
    return _family_language(_appointment_patient(session, appointment_id)) or "en"


def contact_language(session: Session, contact_id: int) -> str:
    """The language of the family an address belongs to (its first patient's), else English."""
    return _family_language(_contact_patient(session, contact_id)) or "en"


def link_language(session: Session, purpose: str, subject_id: int) -> str | None:
    """The language of a link's pages: the family's (an appointment's, an offer's, an address's);
    None when no family is known for it (its visit, offer or address is gone)."""
    if purpose in (CONFIRM, DECLINE, CALLBACK):
        return _family_language(_appointment_patient(session, subject_id))
    if purpose in (WAITLIST_ACCEPT, WAITLIST_DECLINE):
        offer = session.get(WaitlistOffer, subject_id)
        if offer is None or offer.patient_id is None:
            return None
        return pick_language(None, waitlist_links.offer_language(session, subject_id))
    if purpose == UNSUBSCRIBE:
        return _family_language(_contact_patient(session, subject_id))
    return None


def _family_language(patient: Patient | None) -> str | None:
    return pick_language(None, recipient_language(patient)) if patient is not None else None


def _appointment_patient(session: Session, appointment_id: int) -> Patient | None:
    appt = session.get(Appointment, appointment_id)
    return session.get(Patient, appt.patient_id) if appt is not None else None


def _contact_patient(session: Session, contact_id: int) -> Patient | None:
    state = session.get(ContactState, contact_id)
    if state is None:
        return None
    column = Patient.contact_email if state.channel == "email" else Patient.contact_phone
    return session.scalar(select(Patient).where(column == state.address).order_by(Patient.id).limit(1))


def _visit(session: Session, appointment_id: int, now: datetime, *, lock: bool) -> _Visit:
    query = select(Appointment).where(Appointment.id == appointment_id)
    appt = session.scalar(query.with_for_update() if lock else query)
    if appt is None:
        raise NotFound(t("en", "appt_missing"))
    lang = appointment_language(session, appointment_id)
    if appt.status in _GONE:
        raise ConflictError(t(lang, "appt_gone"))
    if appt.start_at <= now:
        raise ConflictError(t(lang, "appt_past"))
    patient = session.get(Patient, appt.patient_id)
    location = session.get(Location, appt.location_id)
    zone = ZoneInfo(location.timezone if location else "UTC")
    when = when_text(appt.start_at.astimezone(zone), lang, clinic_country(session, appt.clinic_id))
    first = patient.first_name if patient else ""
    about = t(lang, "about", name=first, when=when) if first else t(lang, "about_anon", when=when)
    if location is not None and location.name:
        about = t(lang, "about_place", about=about, place=location.name)
    return _Visit(appt, lang, about)


def _describe_confirm(session: Session, appointment_id: int, now: datetime) -> LinkPrompt:
    v = _visit(session, appointment_id, now, lock=False)
    return LinkPrompt(
        t(v.lang, "confirm_title"), t(v.lang, "confirm_text", about=v.about), t(v.lang, "confirm_button")
    )


def _confirm(session: Session, appointment_id: int, now: datetime) -> LinkOutcome:
    v = _visit(session, appointment_id, now, lock=True)
    if v.appointment.confirmation != "confirmed":
        # Through the confirmation service, so a link confirms exactly as the desk does (audit, tasks).
        from orca_desk.services import confirmations

        confirmations.confirm_appointment(session, PATIENT_LINK, appointment_id, now=now, via="link")
    return LinkOutcome(t(v.lang, "confirmed_title"), t(v.lang, "confirmed_text", about=v.about), "confirmed")


def _describe_decline(session: Session, appointment_id: int, now: datetime) -> LinkPrompt:
    v = _visit(session, appointment_id, now, lock=False)
    return LinkPrompt(
        t(v.lang, "decline_title"), t(v.lang, "decline_text", about=v.about), t(v.lang, "decline_button")
    )


def _decline(session: Session, appointment_id: int, now: datetime) -> LinkOutcome:
    v = _visit(session, appointment_id, now, lock=True)
    # Through the confirmation service: it flags "needs reschedule" for staff and, by setting,
    # releases the slot, as a decline at the desk would.
    from orca_desk.services import confirmations, reminders

    confirmations.decline_appointment(
        session,
        PATIENT_LINK,
        appointment_id,
        now=now,
        via="link",
        settings=reminders.load_settings(session, with_secret=False),
    )
    return LinkOutcome(t(v.lang, "declined_title"), t(v.lang, "declined_text", about=v.about), "declined")


def _describe_callback(session: Session, appointment_id: int, now: datetime) -> LinkPrompt:
    v = _visit(session, appointment_id, now, lock=False)
    return LinkPrompt(
        t(v.lang, "callback_title"), t(v.lang, "callback_text", about=v.about), t(v.lang, "callback_button")
    )


def _callback(session: Session, appointment_id: int, now: datetime) -> LinkOutcome:
    v = _visit(session, appointment_id, now, lock=True)
    from orca_desk.services import confirmations

    confirmations.request_callback(session, PATIENT_LINK, appointment_id, now=now, via="link")
    return LinkOutcome(t(v.lang, "called_title"), t(v.lang, "called_text", about=v.about), "callback")


CONFIRM_HANDLER = LinkHandler(_describe_confirm, _confirm)
DECLINE_HANDLER = LinkHandler(_describe_decline, _decline)
CALLBACK_HANDLER = LinkHandler(_describe_callback, _callback)


# --- Unsubscribe ---------------------------------------------------------------------------


def mask_address(channel: str, address: str) -> str:
    """``jane.doe@example.com`` → ``j•••@example.com``; ``+16175551234`` → ``•••1234``."""
    if channel == "email" and "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}•••@{domain}"
    return f"•••{address[-4:]}"


def unsubscribe_address(
    session: Session, channel: str, address: str, *, now: datetime, source: str = "unsubscribe link"
) -> None:
    """Stop messages of ``channel`` to ``address`` and revoke consent of every patient using it.

    Delegates to the messaging runtime's ``inbound.unsubscribe_address`` (the one opt-out rule
    for STOP replies, carrier refusals and links); the fallback below serves until it exists.
    """
    try:
        from orca_desk.services.messaging.inbound import unsubscribe_address as runtime_unsubscribe
    except ImportError:
        _unsubscribe_fallback(session, channel, address, now=now, source=source)
        return
    session.scalar(
        select(ContactState)
        .where(ContactState.channel == channel, ContactState.address == address)
        .with_for_update()
    )
    runtime_unsubscribe(session, channel, address, source=source, now=now)
    session.flush()


def _unsubscribe_fallback(
    session: Session, channel: str, address: str, *, now: datetime, source: str
) -> None:
    query = select(ContactState).where(ContactState.channel == channel, ContactState.address == address)
    state = session.scalar(query.with_for_update())
    if state is None:
        state = ContactState(channel=channel, address=address, updated_at=now)
        session.add(state)
    if not state.opted_out:
        state.opted_out, state.opted_out_at, state.opt_source = True, now, source
        state.updated_at = now
    column = Patient.contact_email if channel == "email" else Patient.contact_phone
    field = "email_consent" if channel == "email" else "sms_consent"
    for p in session.scalars(select(Patient).where(column == address).with_for_update()):
        if getattr(p, field):
            setattr(p, field, False)
            audit.record(
                session,
                PATIENT_LINK,
                "consent.revoke",
                "patient",
                p.id,
                now=now,
                before={field: True},
                after={field: False, "source": source},
            )
    session.flush()


def _contact(session: Session, contact_id: int) -> tuple[ContactState, str, str]:
    """The address, the family's language and how the pages name its messages there."""
    state = session.get(ContactState, contact_id)
    if state is None:
        raise NotFound(t("en", "address_missing"))
    lang = contact_language(session, contact_id)
    return state, lang, t(lang, "emails" if state.channel == "email" else "texts")


def _describe_unsubscribe(session: Session, contact_id: int, now: datetime) -> LinkPrompt:
    state, lang, what = _contact(session, contact_id)
    address = mask_address(state.channel, state.address)
    if state.opted_out:
        return LinkPrompt(
            t(lang, "unsubscribed_title"),
            t(lang, "no_longer_send", what=what, address=address),
            t(lang, "unsubscribe_again"),
        )
    return LinkPrompt(
        t(lang, "unsubscribe_title"),
        t(lang, "unsubscribe_text", what=what, address=address),
        t(lang, "unsubscribe_button"),
    )


def _unsubscribe(session: Session, contact_id: int, now: datetime) -> LinkOutcome:
    state, lang, what = _contact(session, contact_id)
    unsubscribe_address(session, state.channel, state.address, now=now)
    address = mask_address(state.channel, state.address)
    return LinkOutcome(
        t(lang, "unsubscribed_title"),
        t(lang, "will_no_longer_send", what=what, address=address),
        "unsubscribed",
    )


UNSUBSCRIBE_HANDLER = LinkHandler(_describe_unsubscribe, _unsubscribe, single_use=False)


def default_handlers() -> dict[str, LinkHandler]:
    """The built-in link purposes; features add theirs (e.g. ``WAITLIST_ACCEPT``) to this mapping."""
    return {
        CONFIRM: CONFIRM_HANDLER,
        DECLINE: DECLINE_HANDLER,
        CALLBACK: CALLBACK_HANDLER,
        UNSUBSCRIBE: UNSUBSCRIBE_HANDLER,
    }


def installed_handlers() -> dict[str, LinkHandler]:
    """The default handlers plus those of the features with links of their own (waitlist offers)."""
    return merged_handlers(waitlist_links.link_handlers())


def merged_handlers(*extra: Mapping[str, LinkHandler]) -> dict[str, LinkHandler]:
    """The default handlers overridden/extended by each mapping in turn."""
    out = default_handlers()
    for mapping in extra:
        out.update(mapping)
    return out
