"""The family pages' words in English and Spanish, and dates in the family's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from orca_desk.services.messaging.message_locale import babel_locale, locale_date
from orca_desk.services.messaging.policy import format_date, format_time

LANGUAGES = ("en", "es")


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "change_title": "Change {name}'s visit",
        "change_title_anon": "Change your visit",
        "now_booked": "Booked for {when}",
        "at_place": "at {place}",
        "pick_time": "Pick a new time",
        "move_button": "Move to this time",
        "no_openings": "There are no open times online in the next {weeks} weeks. Please call us.",
        "too_soon": "This visit is too soon to move online. Please call us to change it.",
        "cancel_title": "Cancel instead",
        "reason": "Reason",
        "reason_cant_make_it": "We can't make it",
        "reason_unwell": "The patient is unwell",
        "reason_schedule": "A schedule conflict",
        "reason_other": "Something else",
        "note": "Anything to add (optional)",
        "cancel_button": "Cancel this visit",
        "moved_title": "Done: the visit is moved",
        "moved_text": "{name}'s visit is now on {when} at {place}. See you then!",
        "cancelled_title": "The visit is cancelled",
        "cancelled_text": "We cancelled the visit on {when}. Call us when you would like a new time.",
        "taken_retry": "Sorry, that time was just taken. Here are the times open now.",
        "choose_time": "Choose one of the times shown.",
        "need_note": "Tell us briefly why you are cancelling.",
        "expired_title": "This link has expired",
        "expired_text": "The time to use this link has passed. Please call us and we will gladly help.",
        "invalid_title": "This link is not valid",
        "invalid_text": "It may have been copied incompletely. "
        "Please open it again from the message, or call us.",
        "used_title": "This link was already used",
        "used_text": "It was used on {when}. If something is not right, please call us.",
        "gone_title": "This visit can't be changed online",
        "questions": "Questions? Call {clinic} at {phone}",
        "offer_title": "A visit has opened up",
        "offer_for": "For {name}: {when} with {provider} at {place}.",
        "offer_open": "Still free: held for you for {left}.",
        "offer_booked": "You booked this visit. See you then!",
        "offer_taken": "Sorry, another family has just taken this time. You stay on our waitlist.",
        "offer_expired": "The hold on this time has ended. You stay on our waitlist.",
        "offer_closed": "This offer has closed. You stay on our waitlist.",
        "offer_pending": "This offer is not open yet.",
        "offer_button": "Book this visit",
        "live": "This page updates by itself.",
        "minutes": "{n} min",
        "hours": "{h} h {m} min",
        "language_switch": "En español",
    },
    "es": {
        "change_title": "Cambiar la cita de {name}",
        "change_title_anon": "Cambiar su cita",
        "now_booked": "Reservada para el {when}",
        "at_place": "en {place}",
        "pick_time": "Elija un nuevo horario",
        "move_button": "Cambiar a este horario",
        "no_openings": "No hay horarios libres en línea en las próximas {weeks} semanas. "
        "Llámenos, por favor.",
        "too_soon": "Esta cita es demasiado pronto para cambiarla en línea. Llámenos, por favor.",
        "cancel_title": "O cancelar",
        "reason": "Motivo",
        "reason_cant_make_it": "No podemos asistir",
        "reason_unwell": "El paciente está enfermo",
        "reason_schedule": "Un conflicto de horario",
        "reason_other": "Otro motivo",
        "note": "Algo más (opcional)",
        "cancel_button": "Cancelar esta cita",
        "moved_title": "Listo: la cita cambió",
        "moved_text": "La cita de {name} es ahora el {when} en {place}. ¡Hasta pronto!",
        "cancelled_title": "La cita está cancelada",
        "cancelled_text": "Cancelamos la cita del {when}. Llámenos cuando quiera un nuevo horario.",
        "taken_retry": "Lo sentimos, ese horario se acaba de ocupar. Estos son los horarios libres ahora.",
        "choose_time": "Elija uno de los horarios que se muestran.",
        "need_note": "Cuéntenos brevemente por qué cancela.",
        "expired_title": "Este enlace venció",
        "expired_text": "Ya pasó el plazo para usar este enlace. Llámenos y con gusto le ayudamos.",
        "invalid_title": "Este enlace no es válido",
        "invalid_text": "Puede que se haya copiado incompleto. Ábralo de nuevo desde el mensaje o llámenos.",
        "used_title": "Este enlace ya se usó",
        "used_text": "Se usó el {when}. Si algo no está bien, llámenos, por favor.",
        "gone_title": "Esta cita no se puede cambiar en línea",
        "questions": "¿Preguntas? Llame a {clinic} al {phone}",
        "offer_title": "Se abrió un horario",
        "offer_for": "Para {name}: {when} con {provider} en {place}.",
        "offer_open": "Todavía libre: lo guardamos para usted {left} más.",
        "offer_booked": "Usted reservó esta cita. ¡Hasta pronto!",
        "offer_taken": "Lo sentimos, otra familia acaba de tomar este horario. "
        "Sigue en nuestra lista de espera.",
        "offer_expired": "La reserva de este horario terminó. Sigue en nuestra lista de espera.",
        "offer_closed": "Esta oferta está cerrada. Sigue en nuestra lista de espera.",
        "offer_pending": "Esta oferta todavía no está abierta.",
        "offer_button": "Reservar esta cita",
        "live": "Esta página se actualiza sola.",
        "minutes": "{n} min",
        "hours": "{h} h {m} min",
        "language_switch": "In English",
    },
}

# The confirm, decline and call-me link pages (and what any used link says).
_LINK_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "about": "{name}'s appointment on {when}",
        "about_anon": "the appointment on {when}",
        "about_place": "{about} at {place}",
        "confirm_title": "Confirm your appointment",
        "confirm_text": "Please confirm {about}.",
        "confirm_button": "Yes, confirm",
        "confirmed_title": "Thank you — you're confirmed",
        "confirmed_text": "We look forward to seeing you: {about}.",
        "decline_title": "Can't make it?",
        "decline_text": "Let us know you can't come to {about}. We will contact you to find a new time.",
        "decline_button": "I can't come",
        "declined_title": "Thanks for letting us know",
        "declined_text": "We noted that you can't come to {about}. We will call you to find a new time.",
        "callback_title": "Would you like a call?",
        "callback_text": "Ask us to call you about {about}.",
        "callback_button": "Please call me",
        "called_title": "We'll call you",
        "called_text": "Our front desk will call you about {about}.",
        "appt_missing": "We could not find this appointment; please call us.",
        "appt_gone": "This appointment was cancelled, so there is nothing to confirm; "
        "please call us to book another.",
        "appt_past": "This appointment time has already passed; please call us if you need a new one.",
        "not_found": "Not found",
        "cant_online": "This can't be done online",
        "reschedule_aside": "Need another time? Pick a new time or cancel online",
        "link_used_text": "It was used on {when}{detail}. Nothing more is needed; "
        "if something is not right, please call us.",
        "outcome_confirmed": "the appointment was confirmed",
        "outcome_declined": "you told us you can't come",
        "outcome_callback": "you asked us to call you",
        "outcome_booked": "the appointment was booked",
        "outcome_unsubscribed": "you were unsubscribed",
        "address_missing": "We could not find this address in our records.",
        "emails": "emails",
        "texts": "text messages",
        "unsubscribed_title": "You're unsubscribed",
        "no_longer_send": "We no longer send {what} to {address}.",
        "will_no_longer_send": "We will no longer send {what} to {address}.",
        "unsubscribe_again": "Unsubscribe again",
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_text": "Stop {what} to {address}? You can still call us at any time.",
        "unsubscribe_button": "Unsubscribe",
    },
    "es": {
        "about": "la cita de {name} el {when}",
        "about_anon": "la cita del {when}",
        "about_place": "{about} en {place}",
        "confirm_title": "Confirme su cita",
        "confirm_text": "Confirme, por favor, {about}.",
        "confirm_button": "Sí, confirmar",
        "confirmed_title": "Gracias: la cita está confirmada",
        "confirmed_text": "Le esperamos: {about}.",
        "decline_title": "¿No puede venir?",
        "decline_text": "Avísenos que no puede venir a {about}. "
        "Nos pondremos en contacto para buscar otro horario.",
        "decline_button": "No puedo ir",
        "declined_title": "Gracias por avisarnos",
        "declined_text": "Anotamos que no puede venir a {about}. Le llamaremos para buscar otro horario.",
        "callback_title": "¿Quiere que le llamemos?",
        "callback_text": "Pídanos que le llamemos sobre {about}.",
        "callback_button": "Llámenme, por favor",
        "called_title": "Le llamaremos",
        "called_text": "Nuestra recepción le llamará sobre {about}.",
        "appt_missing": "No encontramos esta cita; llámenos, por favor.",
        "appt_gone": "Esta cita se canceló, así que no hay nada que confirmar; llámenos para reservar otra.",
        "appt_past": "La hora de esta cita ya pasó; llámenos si necesita una nueva.",
        "not_found": "No encontrado",
        "cant_online": "Esto no se puede hacer en línea",
        "reschedule_aside": "¿Necesita otro horario? Elija uno nuevo o cancele en línea",
        "link_used_text": "Se usó el {when}{detail}. No hace falta nada más; "
        "si algo no está bien, llámenos, por favor.",
        "outcome_confirmed": "la cita quedó confirmada",
        "outcome_declined": "nos dijo que no puede venir",
        "outcome_callback": "nos pidió que le llamemos",
        "outcome_booked": "la cita quedó reservada",
        "outcome_unsubscribed": "se dio de baja",
        "address_missing": "No encontramos esta dirección en nuestros registros.",
        "emails": "correos electrónicos",
        "texts": "mensajes de texto",
        "unsubscribed_title": "Se dio de baja",
        "no_longer_send": "Ya no enviamos {what} a {address}.",
        "will_no_longer_send": "Ya no enviaremos {what} a {address}.",
        "unsubscribe_again": "Darse de baja de nuevo",
        "unsubscribe_title": "Darse de baja",
        "unsubscribe_text": "¿Dejar de recibir {what} en {address}? Puede llamarnos cuando quiera.",
        "unsubscribe_button": "Darme de baja",
    },
}
for _lang, _words in _LINK_WORDS.items():
    WORDS[_lang].update(_words)

# The gateway's own pages, said before any family is known (a link not ours, a calendar feed).
_GATEWAY_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "page_missing_title": "Page not found",
        "page_missing_text": "This link is not one of ours, or it was copied incompletely. "
        "Please open it again from the message.",
        "unknown_link_title": "Link not recognised",
        "unknown_link_text": "This kind of link is not available. Please call us.",
        "went_wrong_title": "Something went wrong",
        "went_wrong_text": "We could not complete this just now. Please try again in a minute, or call us.",
        "not_allowed_title": "Not allowed",
        "only_links": "This address only opens links.",
        "feed_read_only": "A calendar feed is read only.",
        "links_title": "Patient links",
        "links_text": "This address serves the links in our messages. "
        "Open the link you received to continue.",
        "feeds_off_title": "Calendar feeds are not available",
        "feeds_off_text": "Calendar export is not installed on this server.",
        "feed_expired_title": "This calendar link has expired",
        "feed_expired_text": "Ask the clinic for a new one.",
        "feed_missing_title": "Calendar not found",
        "feed_invalid_text": "This calendar link is not valid.",
        "feed_gone_text": "This calendar is no longer available.",
    },
    "es": {
        "page_missing_title": "Página no encontrada",
        "page_missing_text": "Este enlace no es nuestro o se copió incompleto. "
        "Ábralo de nuevo desde el mensaje.",
        "unknown_link_title": "Enlace no reconocido",
        "unknown_link_text": "Este tipo de enlace no está disponible. Llámenos, por favor.",
        "went_wrong_title": "Algo salió mal",
        "went_wrong_text": "No pudimos completarlo en este momento. "
        "Inténtelo de nuevo en un minuto o llámenos.",
        "not_allowed_title": "No permitido",
        "only_links": "Esta dirección solo abre enlaces.",
        "feed_read_only": "Un calendario suscrito es de solo lectura.",
        "links_title": "Enlaces para pacientes",
        "links_text": "Esta dirección atiende los enlaces de nuestros mensajes. "
        "Abra el enlace que recibió para continuar.",
        "feeds_off_title": "Los calendarios no están disponibles",
        "feeds_off_text": "La exportación de calendarios no está instalada en este servidor.",
        "feed_expired_title": "Este enlace de calendario venció",
        "feed_expired_text": "Pida uno nuevo a la clínica.",
        "feed_missing_title": "Calendario no encontrado",
        "feed_invalid_text": "Este enlace de calendario no es válido.",
        "feed_gone_text": "Este calendario ya no está disponible.",
    },
}
for _lang, _words in _GATEWAY_WORDS.items():
    WORDS[_lang].update(_words)


def accepted_language(header: str) -> str | None:
    """The first language of an Accept-Language header (by weight, then order) the pages speak."""
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if weight > 0:
            wanted.append((-weight, i, tag.strip().lower()[:2]))
    return next((code for _, _, code in sorted(wanted) if code in LANGUAGES), None)


@dataclass(frozen=True)
class Asked:
    """The languages a request asks for: ``?lang=`` and the browser's Accept-Language."""

    query: str | None = None
    accept: str = ""

    @classmethod
    def of(cls, environ: Mapping[str, Any]) -> Asked:
        values = parse_qs(str(environ.get("QUERY_STRING", ""))).get("lang")
        return cls(values[0] if values else None, str(environ.get("HTTP_ACCEPT_LANGUAGE", "")))

    def language(self, family: str | None, clinic: str | None = None) -> str:
        """``?lang=``, then the family's language when one is known; on a page no family is known
        for (a link expired, not valid or not ours), the browser's language, then the clinic's;
        else English."""
        if family:
            return pick_language(self.query, family)
        return pick_language(self.query, accepted_language(self.accept) or clinic)


def pick_language(query_lang: str | None, patient_lang: str | None) -> str:
    """``?lang=`` when it names a language the pages speak, else the patient's, else English."""
    for candidate in (query_lang, patient_lang):
        code = (candidate or "").strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def t(lang: str, key: str, **values: str) -> str:
    text = WORDS.get(lang, WORDS["en"]).get(key) or WORDS["en"][key]
    return text.format(**values) if values else text


def day_text(local: datetime, lang: str, country: str | None = None) -> str:
    """``Tue, Mar 3`` / ``Tue 3 Mar`` (GB) / ``mar, 3 mar`` (CLDR's names, and the order of the
    clinic's ``country``)."""
    return _date(local, lang, "MMMEd", country)


def long_day_text(local: datetime, lang: str, country: str | None = None) -> str:
    """A day heading: ``Tuesday, Mar 3`` / ``Tuesday 3 Mar`` (GB) / ``martes, 3 mar``."""
    return _date(local, lang, "MMMEEEEd", country)


def _date(local: datetime, lang: str, skeleton: str, country: str | None) -> str:
    return locale_date(local, skeleton, babel_locale(lang, country)).replace("\u202f", " ")


def when_text(local: datetime, lang: str, country: str | None = None) -> str:
    """``Tue, Mar 3 at 3:30 PM`` / ``Tue 3 Mar at 3:30 pm`` (GB) / ``mar, 3 mar a las 15:30``."""
    if lang == "es":
        return f"{day_text(local, lang, country)} a las {format_time(local, hour_format=24, country=country)}"
    return f"{format_date(local, country=country)} at {format_time(local, country=country)}"


def time_text(local: datetime, lang: str, country: str | None = None) -> str:
    return format_time(local, hour_format=24 if lang == "es" else 12, country=country)


def left_text(seconds: int, lang: str) -> str:
    minutes = max(0, (seconds + 59) // 60)
    h, m = divmod(minutes, 60)
    return t(lang, "hours", h=str(h), m=f"{m:02d}") if h else t(lang, "minutes", n=str(m))
