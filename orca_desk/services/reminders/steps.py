"""A reminder step: the editor's input, offsets, the default sequences, the text each channel sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.models.reminders import ReminderStep
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.local_time import message_clock
from orca_desk.services.messaging.message_locale import DEFAULT_LANGUAGE, message_language
from orca_desk.services.messaging.message_templates import (
    BUILT_IN_CLINIC,
    SampleClinic,
    check_template,
    get_template,
    read_sample_clinic,
    sample_values,
)
from orca_desk.services.messaging.policy import MessagingPolicy
from orca_desk.services.messaging.render import SegmentInfo, render


@dataclass(frozen=True)
class StepInput:
    """One step as the editor gives it; empty texts mean "use the clinic's template"."""

    offset_minutes: int
    channels: tuple[str, ...]
    template_key: str = ""
    asks_for_confirmation: bool = False
    sms_body: str | None = None
    email_subject: str | None = None
    email_body: str | None = None


@dataclass(frozen=True)
class SequenceInput:
    name: str
    appointment_type_ids: tuple[int, ...] = ()
    is_active: bool = True
    is_default: bool = False
    steps: tuple[StepInput, ...] = ()


@dataclass(frozen=True)
class StepRow:
    id: int
    position: int
    offset_minutes: int
    channels: tuple[str, ...]
    template_key: str
    asks_for_confirmation: bool
    sms_body: str | None
    email_subject: str | None
    email_body: str | None

    @property
    def label(self) -> str:
        return offset_label(self.offset_minutes)

    def as_input(self) -> StepInput:
        return StepInput(
            self.offset_minutes,
            self.channels,
            self.template_key,
            self.asks_for_confirmation,
            self.sms_body,
            self.email_subject,
            self.email_body,
        )


@dataclass(frozen=True)
class SequenceRow:
    id: int
    name: str
    appointment_type_ids: tuple[int, ...]
    type_names: tuple[str, ...]
    is_active: bool
    is_default: bool
    steps: tuple[StepRow, ...]
    updated_at: datetime

    def as_input(self) -> SequenceInput:
        return SequenceInput(
            self.name,
            self.appointment_type_ids,
            self.is_active,
            self.is_default,
            tuple(s.as_input() for s in self.steps),
        )


def offset_label(minutes: int) -> str:
    """``7 days``, ``2 h``, ``1 day 3 h 30 min`` — how far before the visit."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)


def offset_minutes(days: int = 0, hours: int = 0, minutes: int = 0) -> int:
    return days * 24 * 60 + hours * 60 + minutes


DEFAULT_SEQUENCE = SequenceInput(
    name="Standard reminders",
    is_default=True,
    steps=(
        StepInput(offset_minutes(days=7), ("email",), "reminder.week"),
        StepInput(offset_minutes(days=2), ("sms",), "reminder.confirm", asks_for_confirmation=True),
        StepInput(offset_minutes(hours=2), ("sms",), "reminder.day_of"),
    ),
)
# Long visits (bonding, debond) get an extra heads-up the day before.
LONG_VISIT_SEQUENCE = SequenceInput(
    name="Long visits",
    steps=(
        StepInput(offset_minutes(days=7), ("email",), "reminder.week"),
        StepInput(offset_minutes(days=2), ("sms", "email"), "reminder.confirm", asks_for_confirmation=True),
        # A template, not a text of the step's own: each family reads it in its language.
        StepInput(offset_minutes(days=1), ("sms",), "reminder.day_before"),
        StepInput(offset_minutes(hours=2), ("sms",), "reminder.day_of"),
    ),
)


def step_texts(
    session: Session | None,
    clinic_id: int | None,
    step: StepInput | ReminderStep,
    channel: str,
    language: str | None = None,
) -> tuple[str | None, str]:
    """(subject, body) a step sends on ``channel``: its own text, else the clinic's template in
    ``language`` (English when that language has none)."""
    if channel == "sms" and step.sms_body:
        return None, step.sms_body
    if channel == "email" and step.email_body:
        return step.email_subject or "", step.email_body
    key = step.template_key
    if session is not None and clinic_id is not None and key:
        try:
            t = get_template(session, clinic_id, key, channel, language)
            return t.subject, t.body
        except NotFound:
            pass
    from orca_desk.services.messaging.message_templates import default_templates

    packaged = {(t.key, t.channel, t.language): t for t in default_templates()}
    shipped = packaged.get((key or "", channel, message_language(language))) or packaged.get(
        (key or "", channel, DEFAULT_LANGUAGE)
    )
    if shipped is not None:
        return shipped.subject, shipped.body
    # No template of that key on this channel: the confirm text of the other channel's family, in
    # the family's language (a Spanish family is not sent English when a step adds a channel).
    return _FALLBACK.get(message_language(language), _FALLBACK[DEFAULT_LANGUAGE])[channel]


# (subject, body) by language and channel: the step's text when no template has its key there.
_FALLBACK: dict[str, dict[str, tuple[str | None, str]]] = {
    "en": {
        "sms": (
            None,
            "{clinic_name}: reminder of {patient_first_name}'s visit {date} at {time} at {location}.",
        ),
        "email": (
            "{patient_first_name}'s visit on {date}",
            "Hi {first_name},\n\nA reminder of {patient_first_name}'s visit on {date} at {time} at "
            "{location}.\n\nPlease confirm or tell us if you need another time: {link}\n\n"
            "{clinic_name}\n{clinic_phone}",
        ),
    },
    # The shipped Spanish texts' words; the SMS keeps to the GSM alphabet (one segment's price).
    "es": {
        "sms": (
            None,
            "{clinic_name}: recordatorio de la cita de {patient_first_name} el {date} {time} en {location}.",
        ),
        "email": (
            "Cita de {patient_first_name} el {date}",
            "Hola {first_name}:\n\nLe recordamos la cita de {patient_first_name} el {date} a las {time} "
            "en {location}.\n\nConfirme o díganos si necesita otro horario: {link}\n\n"
            "{clinic_name}\n{clinic_phone}",
        ),
    },
}


@dataclass(frozen=True)
class StepPreview:
    channel: str
    subject: str
    text: str
    segments: SegmentInfo | None
    problems: tuple[str, ...]


def preview_step(
    session: Session | None,
    clinic_id: int | None,
    step: StepInput,
    policy: MessagingPolicy | None = None,
    *,
    base_url: str | None = None,
    clinic: SampleClinic | None = None,
) -> list[StepPreview]:
    """The message of each channel of ``step`` with sample values, SMS segments and problems
    (``base_url``: the clinic's link address, so the sample link is as long as a real one;
    ``clinic``: its words in the sample, read from ``session`` when not given)."""
    out = []
    # The sample visit in the clinic's date order and on its clock, as its families will read it.
    hour_format, country = message_clock(session) if session is not None else (None, None)
    if clinic is None:
        clinic = read_sample_clinic(session) if session is not None else BUILT_IN_CLINIC
    for channel in step.channels:
        # The sample family reads the clinic's language: its template, and dates in its words.
        subject, body = step_texts(session, clinic_id, step, channel, clinic.language)
        check = check_template(
            body,
            subject,
            channel,
            policy=policy,
            base_url=base_url,
            language=clinic.language,
            country=country,
            hour_format=hour_format,
            clinic=clinic,
        )
        problems = list(check.problems)
        problems.extend(_confirm_problems(step, channel, body))
        out.append(
            StepPreview(channel, check.subject_preview, check.preview, check.segments, tuple(problems))
        )
    return out


def _confirm_problems(step: StepInput, channel: str, body: str) -> list[str]:
    if not step.asks_for_confirmation:
        return []
    has_link = "{link}" in body
    if channel == "email" and not has_link:
        return [
            "This step asks to confirm, but its email has no {link}: an email cannot be answered "
            "with YES, so add the confirm link."
        ]
    if channel == "sms" and not has_link and "YES" not in body.upper():
        return ["This step asks to confirm, but its text neither asks to reply YES nor has a {link}."]
    return []


def sample_preview(
    step: StepInput, channel: str, session: Session | None = None, clinic_id: int | None = None
) -> str:
    """The step's text on ``channel`` with the editor's sample values ("" when it cannot render)."""
    hour_format, country = message_clock(session) if session is not None else (None, None)
    clinic = read_sample_clinic(session) if session is not None else BUILT_IN_CLINIC
    _, body = step_texts(session, clinic_id, step, channel, clinic.language)
    values = sample_values(language=clinic.language, country=country, hour_format=hour_format, clinic=clinic)
    try:
        return render(body, values)
    except ValidationError:
        return ""
