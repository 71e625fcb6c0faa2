"""Every word of /book, one dict per language (English and Spanish)."""

from __future__ import annotations

from orca_desk.gateway.family_words import accepted_language

EN: dict[str, str] = {
    "title": "Book a visit",
    "intro": "Choose where and what for, then pick a time that suits you.",
    "location": "Location",
    "type": "Visit type",
    "see_times": "See open times",
    "times_title": "Choose a time",
    "times_intro": "{type} at {location}. Times are shown in the clinic's local time.",
    "no_times": "There are no open times online in the next weeks. Please call us and we will find one.",
    "change": "Change location or visit type",
    "taken": "Sorry, someone else just took that time. Here are the times still open.",
    "held": "We're holding {when} for you until {until}. Finish within 5 minutes to keep it.",
    "details_title": "Patient details",
    "first_name": "Patient's first name",
    "last_name": "Patient's last name",
    "date_of_birth": "Patient's date of birth",
    "guardian_name": "Parent or guardian's name (if the patient is under 18)",
    "phone": "Mobile phone number",
    "phone_help": "We'll text a 6-digit code to this number to check it.",
    "email": "Email (optional)",
    "sms_consent": "Text me reminders about appointments at {clinic}.",
    "send_code": "Text me the code",
    "code_title": "Enter the code",
    "code_intro": "We texted a 6-digit code to {phone}. It expires in 5 minutes.",
    "code": "6-digit code",
    "confirm": "Confirm the booking",
    "done_title": "You're booked",
    "done_text": "{type} for {name} on {when} at {location}. We'll text a reminder before the visit.",
    "done_review": "Our team will check the patient's record before the visit.",
    "closed_title": "Online booking is closed",
    "closed_text": "Online booking is not available right now. Please call us and we'll gladly help.",
    "expired": "The 5 minutes to finish booking that time have passed. Please choose a time again.",
    "session_bad": "This booking page has expired. Please start again.",
    "rate_ip": "Too many codes were asked for from this device. Please wait 10 minutes or call us.",
    "rate_phone": "We've sent several codes to this number already. Please wait 10 minutes or call us.",
    "error_in": "Please check: {field}",
    "start_again": "Start again",
    "step": "Step {n} of 4",
    "lang_other": "Español",
    "call": "Questions? Call {clinic} at",
    "error_title": "Please check the form",
    "with": "with {provider}",
}

ES: dict[str, str] = {
    "title": "Reservar una cita",
    "intro": "Elija el lugar y el motivo; luego escoja la hora que le convenga.",
    "location": "Sede",
    "type": "Tipo de cita",
    "see_times": "Ver horarios libres",
    "times_title": "Elija una hora",
    "times_intro": "{type} en {location}. Las horas son las locales de la clínica.",
    "no_times": "No hay horarios libres en línea en las próximas semanas. Llámenos y le buscaremos uno.",
    "change": "Cambiar sede o tipo de cita",
    "taken": "Lo sentimos, otra persona acaba de tomar esa hora. Estos son los horarios que siguen libres.",
    "held": "Le reservamos {when} hasta las {until}. Termine en 5 minutos para no perderla.",
    "details_title": "Datos del paciente",
    "first_name": "Nombre del paciente",
    "last_name": "Apellido del paciente",
    "date_of_birth": "Fecha de nacimiento del paciente",
    "guardian_name": "Nombre del padre, madre o tutor (si el paciente es menor de 18)",
    "phone": "Número de celular",
    "phone_help": "Le enviaremos un código de 6 dígitos por SMS para comprobarlo.",
    "email": "Correo electrónico (opcional)",
    "sms_consent": "Deseo recibir recordatorios de citas de {clinic} por SMS.",
    "send_code": "Enviarme el código",
    "code_title": "Escriba el código",
    "code_intro": "Enviamos un código de 6 dígitos al {phone}. Vence en 5 minutos.",
    "code": "Código de 6 dígitos",
    "confirm": "Confirmar la cita",
    "done_title": "Su cita está reservada",
    "done_text": "{type} para {name} el {when} en {location}. Le enviaremos un recordatorio antes.",
    "done_review": "Nuestro equipo revisará la ficha del paciente antes de la cita.",
    "closed_title": "Las reservas en línea están cerradas",
    "closed_text": "Las reservas en línea no están disponibles ahora. Llámenos y con gusto le ayudamos.",
    "expired": "Pasaron los 5 minutos para terminar la reserva de esa hora. Elija una hora de nuevo.",
    "session_bad": "Esta página de reserva venció. Empiece de nuevo, por favor.",
    "rate_ip": "Se pidieron demasiados códigos desde este dispositivo. Espere 10 minutos o llámenos.",
    "rate_phone": "Ya enviamos varios códigos a este número. Espere 10 minutos o llámenos.",
    "error_in": "Revise: {field}",
    "start_again": "Empezar de nuevo",
    "step": "Paso {n} de 4",
    "lang_other": "English",
    "call": "¿Preguntas? Llame a {clinic} al",
    "error_title": "Revise el formulario",
    "with": "con {provider}",
}

LANGUAGES: dict[str, dict[str, str]] = {"en": EN, "es": ES}

# The service's messages, for the Spanish page (the English ones are the services' own words).
ES_PROBLEMS: dict[str, str] = {
    "first_name": "Escriba el nombre del paciente.",
    "last_name": "Escriba el apellido del paciente.",
    "date_of_birth": "Escriba la fecha de nacimiento (AAAA-MM-DD) y revísela.",
    "guardian_name": "Revise el nombre del padre, madre o tutor.",
    "phone": "Escriba un número de celular válido.",
    "email": "Revise el correo electrónico.",
    "code": "El código no es correcto.",
    "location": "Elija una de las sedes.",
    "type": "Elija uno de los tipos de cita.",
    "slot": "Elija una de las horas.",
}


def pick_language(query_lang: str | None, accept_language: str) -> str:
    """``?lang=`` first, then the browser's Accept-Language (by its order and weights), else English."""
    if query_lang in LANGUAGES:
        return query_lang
    return accepted_language(accept_language) or "en"
