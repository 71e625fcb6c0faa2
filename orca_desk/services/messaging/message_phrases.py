"""The desk's own sentences to families (keyword answers, thank-yous, merged reminders), in en and es."""

from __future__ import annotations

from orca_desk.services.messaging.message_locale import DEFAULT_LANGUAGE, message_language

# SMS texts keep to the GSM alphabet ("SI", "mas"): one accent outside it doubles the cost.
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "opt_out": "{clinic}: You're unsubscribed and will get no more texts from us. Reply START to "
        "resubscribe.",
        "opt_in": "{clinic}: You're subscribed to appointment texts again. Reply STOP to "
        "unsubscribe, HELP for help.",
        "help": "{clinic}: appointment messages. For help {phone}. Reply STOP to unsubscribe.",
        "help_phone": "call us at {phone}",
        "help_no_phone": "call the clinic",
        "thanks_confirm": "Thanks, confirmed: {what}. See you then!",
        "thanks_decline": "Thanks for letting us know you can't come ({what}). We will contact you "
        "to find a new time.",
        "thanks_callback": "We'll call you about {what}.",
        "visit_at": "{name} {date} at {time}",
        "the_visit": "the visit",
        "and": "and",
        "booked": "You're booked: {name} on {when}. See you then!",
        "merge": "Reminder: {body}.",
        "merge_ask": " Reply YES to confirm{which}, NO to cancel.",
        "merge_both": " both",
        "merge_all": " all",
        "merge_item": "{name} on {when}",
        "merge_place": " at {location}",
        "merge_email": "Hi {first_name},\n\n{text}\n\n",
        "merge_email_ask": "Please confirm or tell us if you need another time: {link}\n\n",
        "merge_email_end": "{clinic}\n{phone}\n\nNo longer want these emails? {unsubscribe}",
        "merge_subject": "{names}'s visits on {date}",
        "wl_too_late": "Sorry, the visit we offered {name} has just been taken by another family. You stay "
        "on our waitlist and we will let you know about the next one.",
        "wl_failed": "Sorry, we could not book that visit for {name} after all. You stay on our waitlist "
        "and we will let you know about the next opening.",
        "wl_declined": "Thanks for letting us know. {name} stays on our waitlist.",
        "wl_subject": "About the visit we offered",
        "visit_subject": "Your visit",
    },
    "es": {
        "opt_out": "{clinic}: Ya no recibira mas mensajes de texto nuestros. Responda START para "
        "volver a recibirlos.",
        "opt_in": "{clinic}: Volvera a recibir mensajes sobre sus citas. Responda ALTO para "
        "cancelarlos, AYUDA para ayuda.",
        "help": "{clinic}: mensajes sobre citas. Para ayuda {phone}. Responda ALTO para cancelarlos.",
        "help_phone": "llame al {phone}",
        "help_no_phone": "llame a la clinica",
        "thanks_confirm": "Gracias, confirmado: {what}. ¡Hasta pronto!",
        "thanks_decline": "Gracias por avisarnos que no puede venir ({what}). Le contactaremos para "
        "buscar un nuevo horario.",
        "thanks_callback": "Le llamaremos sobre {what}.",
        "visit_at": "{name} {date} {at} {time}",
        "the_visit": "la cita",
        "and": "y",
        "booked": "Cita reservada: {name} el {when}. ¡Hasta pronto!",
        "merge": "Recordatorio: {body}.",
        "merge_ask": " Responda SI para confirmar{which}, NO para cancelar.",
        "merge_both": " ambas",
        "merge_all": " todas",
        "merge_item": "{name} el {when}",
        "merge_place": " en {location}",
        "merge_email": "Hola {first_name}:\n\n{text}\n\n",
        "merge_email_ask": "Confirme o díganos si necesita otro horario: {link}\n\n",
        "merge_email_end": "{clinic}\n{phone}\n\n¿Ya no desea recibir estos correos? {unsubscribe}",
        "merge_subject": "Citas de {names} el {date}",
        "wl_too_late": "Lo sentimos, otra familia acaba de tomar la cita que ofrecimos para {name}. Sigue en "
        "nuestra lista de espera y le avisaremos de la siguiente.",
        "wl_failed": "Lo sentimos, al final no pudimos reservar esa cita para {name}. Sigue en nuestra lista "
        "de espera y le avisaremos del siguiente espacio.",
        "wl_declined": "Gracias por avisarnos. {name} sigue en nuestra lista de espera.",
        "wl_subject": "Sobre la cita que le ofrecimos",
        "visit_subject": "Su cita",
    },
}
assert all(set(words) == set(PHRASES[DEFAULT_LANGUAGE]) for words in PHRASES.values())


def phrase(language: str | None, key: str, **values: str) -> str:
    """The sentence ``key`` in ``language`` (English when it ships none) with ``values`` filled in."""
    text = PHRASES.get(message_language(language), PHRASES[DEFAULT_LANGUAGE])[key]
    # A Spanish time ends in a period ("3:30 p. m."): the sentence's own is not doubled.
    return text.format(**values).replace("m..", "m.") if values else text


def join_names(items: list[str], language: str | None) -> str:
    """ "A", "A and B", "A, B and C" ("y" in Spanish)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {phrase(language, 'and')} " + items[-1]
