"""What an offer says: the clinic's text templates, the email and the phone script, filled in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.openings import Opening
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.messaging.message_locale import (
    DEFAULT_LANGUAGE,
    MESSAGE_LANGUAGES,
    message_date,
    message_language,
    message_time,
    message_weekday,
)
from orca_desk.services.messaging.render import render, sms_segments
from orca_desk.services.waitlist.common import _names, _zones
from orca_desk.services.waitlist.settings import LINK_PURPOSE, WaitlistSettings

# The text is the clinic's editable template "waitlist.offer" (Settings → Messages), one
# segment as packaged (160 GSM-7 characters), so the hold and the cap are short there; the
# email and the phone script say them in full. The rule for a text over one segment (a long
# clinic name, location or link): the clinic's "waitlist.offer_short" template is sent instead
# (packaged: without "Reply YES or tap"; a YES still books), even when it too is longer.
SMS_TEMPLATE = "waitlist.offer"
SMS_TEMPLATE_SHORTER = "waitlist.offer_short"
EMAIL_SUBJECT = "An earlier visit for {patient}: {date} at {time}"
EMAIL_TEXT = (
    "Hello,\n\nA visit has opened up for {patient} on {date} at {time} with {provider} "
    "at {location}. We are holding it for you for {hold} from this message. This is "
    "offer {number} of {cap} we can make from the waitlist.\n\n{link_line}"
    "You can also call us at {phone}.\n\n{clinic}"
)
# The same email for Spanish-speaking families (the SMS is the clinic's "es" template).
EMAIL_SUBJECT_ES = "Una cita más temprano para {patient}: {date} a las {time}"
EMAIL_TEXT_ES = (
    "Hola:\n\nSe abrió una cita para {patient} el {date} a las {time} con {provider} "
    "en {location}. La reservamos para usted durante {hold} desde este mensaje. Es la "
    "oferta {number} de {cap} que podemos hacer desde la lista de espera.\n\n{link_line}"
    "También puede llamarnos al {phone}.\n\n{clinic}"
)
EMAIL_LINK_LINES = {
    "en": ("Book it: {link}\nPass: {no}\n\n", "Reply to this email to book it or pass.\n\n"),
    "es": (
        "Reservarla: {link}\nNo la quiero: {no}\n\n",
        "Responda a este correo para reservarla o rechazarla.\n\n",
    ),
}


def email_texts(language: str | None) -> tuple[str, str]:
    """(subject, text) of the offer email in ``language`` (English when it ships none)."""
    if message_language(language) == "es":
        return EMAIL_SUBJECT_ES, EMAIL_TEXT_ES
    return EMAIL_SUBJECT, EMAIL_TEXT


PHONE_SCRIPT = (
    'Call {phone_to}. "Hello, this is {clinic}. A visit has opened up for {patient} on '
    "{date} at {time} with {provider} at {location}. Would you like it? We can hold it "
    'for {hold}; this is offer {number} of {cap} from the waitlist." Record the answer '
    "with Record response."
)


def _offer_sms(words: dict[str, str], link: str, templates: tuple[str, str] | None = None) -> str:
    """The clinic's offer template filled in, or its shorter one when that is over one segment.

    ``templates``: the (offer, shorter) template bodies; default the packaged ones."""
    body, shorter = templates or _packaged_sms_templates()
    values = _template_values(words, link)
    text = _fill(body, values)
    if sms_segments(text).segments == 1:
        return text
    return _fill(shorter, values)


def _fill(body: str, values: dict[str, str]) -> str:
    # With no link (no gateway set up) the text must not end in a dangling space.
    return render(body, values).strip()


def _template_values(words: dict[str, str], link: str) -> dict[str, str]:
    """The message-template variables (render.VARIABLE_DESCRIPTIONS) of one offer."""
    extra = {
        k: words.get(k, "")
        for k in ("first_name", "guardian_name", "day", "location_address", "hold_minutes")
    }
    return {
        **extra,
        "patient_first_name": words["patient"],
        "date": words["date"],
        "time": words["time"],
        "location": words["location"],
        "clinic_name": words["clinic"],
        "clinic_phone": words["phone"],
        "link": link.strip(),
        "provider": words["provider"],
        "hold": words["hold_short"],
        "offer_count": f"{words['number']}/{words['cap']}",
        "unsubscribe_link": "",
        "reschedule_link": "",
    }


def _packaged_sms_templates() -> tuple[str, str]:
    return _packaged_sms_templates_in(DEFAULT_LANGUAGE)


def _packaged_sms_templates_in(language: str) -> tuple[str, str]:
    from orca_desk.services.messaging.message_templates import default_templates

    bodies = {(t.key, t.language): t.body for t in default_templates() if t.channel == "sms"}

    def body(key: str) -> str:
        return bodies.get((key, language)) or bodies[(key, DEFAULT_LANGUAGE)]

    return body(SMS_TEMPLATE), body(SMS_TEMPLATE_SHORTER)


def _clinic_sms_templates(session: Session, clinic_id: int | None) -> dict[str, tuple[str, str]]:
    """Per shipped language, the clinic's (offer, shorter offer) text templates."""
    if clinic_id is None:
        return {lang: _packaged_sms_templates_in(lang) for lang in MESSAGE_LANGUAGES}
    from orca_desk.services.messaging.message_templates import list_templates

    rows = {(t.key, t.language): t.body for t in list_templates(session, clinic_id) if t.channel == "sms"}

    def body(key: str, language: str) -> str:
        return rows.get((key, language)) or rows[(key, DEFAULT_LANGUAGE)]

    return {lang: (body(SMS_TEMPLATE, lang), body(SMS_TEMPLATE_SHORTER, lang)) for lang in MESSAGE_LANGUAGES}


def _hold_short(hold: timedelta) -> str:
    minutes = int(hold.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes} min"


def _hold_words(hold: timedelta, language: str = DEFAULT_LANGUAGE) -> str:
    minutes = int(hold.total_seconds() // 60)
    es = message_language(language) == "es"
    if minutes % 60 == 0:
        h = minutes // 60
        unit = ("hora" if es else "hour") + ("s" if h != 1 else "")
        return f"{h} {unit}"
    return f"{minutes} {'minutos' if es else 'minutes'}"


@dataclass
class _Context:
    """What offering needs about the clinic, loaded once per transaction."""

    names: dict[str, dict[int, str]]
    zones: dict[int, ZoneInfo]
    clinic_name: str
    clinic_phone: str
    sms_templates: dict[str, tuple[str, str]]  # per language, the clinic's (offer, shorter offer) texts
    addresses: dict[int, str]  # location id -> its street address
    hour_format: Literal[12, 24] = 12  # the clinic's clock
    country: str | None = None  # the clinic's: the order its families' dates are written in


def _context(session: Session) -> _Context:
    # Phone formatting (phonenumbers) loads with the first offer, not with the day's waitlist marks.
    from orca_desk.services.phones import dialled

    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    addresses = {
        i: a or n for i, a, n in session.execute(select(Location.id, Location.address, Location.name))
    }
    return _Context(
        _names(session),
        _zones(session),
        clinic.name if clinic else "Your orthodontist",
        dialled(clinic.phone, clinic.country) if clinic else "",
        _clinic_sms_templates(session, clinic.id if clinic else None),
        addresses,
        local_time.message_hour_format(session),
        clinic.country if clinic else None,
    )


def _words(
    o: Opening,
    p: Patient,
    ctx: _Context,
    settings: WaitlistSettings,
    number: int,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, str]:
    """The offer's values, dates and the hold in ``language`` (the family's; English for staff's script)."""
    local = o.start_at.astimezone(ctx.zones[o.location_id])
    return {
        "clinic": ctx.clinic_name,
        "patient": p.first_name,
        "date": message_date(local, language, ctx.country),
        "time": message_time(local, language, hour_format=ctx.hour_format, country=ctx.country),
        "location": ctx.names["location"].get(o.location_id, ""),
        "provider": ctx.names["provider"].get(o.provider_id, ""),
        "hold": _hold_words(settings.hold, language),
        "hold_short": _hold_short(settings.hold),
        "phone": ctx.clinic_phone,
        "number": str(number),
        "cap": str(settings.max_offers),
        "first_name": (p.guardian_name or "").split()[0] if p.guardian_name else p.first_name,
        "guardian_name": p.guardian_name or p.display_name,
        "day": message_weekday(local, language),
        "location_address": ctx.addresses.get(o.location_id, ""),
        "hold_minutes": str(int(settings.hold.total_seconds() // 60)),
    }


def _link(offer_id: int, expires: datetime, settings: WaitlistSettings, purpose: str = LINK_PURPOSE) -> str:
    if settings.secret is None:
        return ""
    from orca_desk.services.links.patient_links import link_for

    return link_for(purpose, offer_id, expires, secret=settings.secret, base_url=settings.base_url)
