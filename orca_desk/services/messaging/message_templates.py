"""Message templates: packaged defaults, the clinic's edits (validated), segment counts and previews."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.messaging import MessageTemplate
from orca_desk.paths import resources_dir
from orca_desk.services.access import audit
from orca_desk.services.access.security import ADMIN, Actor
from orca_desk.services.clinic.clinic import ClinicInfo, load_clinic
from orca_desk.services.clinic.clinic_settings import SETTINGS_PERMISSION
from orca_desk.services.errors import NotFound, PermissionDenied, ValidationError
from orca_desk.services.inputs import check_column_text, check_text
from orca_desk.services.links.link_tokens import make_short_token
from orca_desk.services.links.patient_links import (
    CONFIRM,
    DEFAULT_PUBLIC_BASE_URL,
    RESCHEDULE,
    UNSUBSCRIBE,
    short_link_path,
)
from orca_desk.services.local_time import default_time_format
from orca_desk.services.messaging.message_locale import (
    DEFAULT_LANGUAGE,
    MESSAGE_LANGUAGES,
    message_date,
    message_language,
    message_time,
    message_weekday,
)
from orca_desk.services.messaging.policy import MessagingPolicy, procedure_terms_found
from orca_desk.services.messaging.render import (
    CHANNELS,
    KNOWN_VARIABLES,
    SegmentInfo,
    non_gsm_characters,
    render,
    sms_segments,
    template_problems,
    template_variables,
)
from orca_desk.services.phones import dialled

TEMPLATES_FILE = "message_templates.json"
MAX_NAME = 120
# An email body longer than this is not a message the desk writes (nor a campaign).
_MAX_BODY = 20_000
MAX_SUBJECT = 200

# A sample link is signed like a real one (a short token for an id in the hundreds of
# thousands), so the editor's character and segment counts are what families will receive.
_SAMPLE_SECRET = b"orca-desk-sample-link-key"
_SAMPLE_EXPIRY = datetime(2026, 3, 10, 19, 30, tzinfo=UTC)


def sample_link(purpose: str, base_url: str = DEFAULT_PUBLIC_BASE_URL) -> str:
    """A link as long as a real one of ``purpose`` under ``base_url`` (the gateway's address)."""
    token = make_short_token(_SAMPLE_SECRET, purpose, 250_000, _SAMPLE_EXPIRY, nonce=b"\x00\x00\x00")
    return base_url.rstrip("/") + short_link_path(purpose, token)


# The sample visit: Tuesday 10 March, 3:30 PM.
_SAMPLE_VISIT = datetime(2026, 3, 10, 15, 30)


@dataclass(frozen=True)
class SampleClinic:
    """The clinic's own words in a preview (its name, number, first location, an orthodontist), so
    the sample, and its count of SMS segments, reads as its families' texts will."""

    name: str
    phone: str  # as families dial it
    location: str
    location_address: str
    provider: str
    language: str = DEFAULT_LANGUAGE  # the clinic's messages': the sample family reads it


# For a preview without a clinic (no database yet, a test).
BUILT_IN_CLINIC = SampleClinic(
    "Bright Smiles Orthodontics", "(617) 555-0100", "Northside", "120 Harbor St, Boston", "Dr. Chen"
)


def sample_clinic(clinic: ClinicInfo | None) -> SampleClinic:
    """``clinic``'s words for the preview, as a real message fills them in (reminders.rendering):
    its first location's address (else its name) and number (else the clinic's), dialled in its
    country, and its first orthodontist (else its first provider)."""
    if clinic is None or not clinic.locations:
        return BUILT_IN_CLINIC
    place = clinic.locations[0]
    doctors = [p.name for p in clinic.providers if p.role == "orthodontist"] or [
        p.name for p in clinic.providers
    ]
    return SampleClinic(
        clinic.name,
        dialled(place.phone or clinic.phone, clinic.country),
        place.name,
        place.address or place.name,
        doctors[0] if doctors else BUILT_IN_CLINIC.provider,
        message_language(clinic.language),
    )


def read_sample_clinic(session: Session) -> SampleClinic:
    """``sample_clinic`` of the clinic in the database (an editor's check, not a hot path)."""
    return sample_clinic(load_clinic(session))


def sample_values(
    base_url: str | None = None,
    language: str | None = None,
    country: str | None = None,
    hour_format: Literal[12, 24] | None = None,
    clinic: SampleClinic = BUILT_IN_CLINIC,
) -> Mapping[str, str]:
    """What the preview fills in, dates in ``language`` as written in the clinic's ``country`` and
    times on its clock (``hour_format``; default: the one usual there); the links use ``base_url``
    (default: the built-in address); ``clinic``'s name, number, place and orthodontist."""
    base = base_url or DEFAULT_PUBLIC_BASE_URL
    clock = hour_format or (24 if default_time_format(country or "US") == "24h" else 12)
    return MappingProxyType(
        {
            "first_name": "Emma",
            "patient_first_name": "Liam",
            "guardian_name": "Emma Carter",
            "date": message_date(_SAMPLE_VISIT, language, country),
            "time": message_time(_SAMPLE_VISIT, language, hour_format=clock, country=country),
            "day": message_weekday(_SAMPLE_VISIT, language),
            "location": clinic.location,
            "location_address": clinic.location_address,
            "clinic_name": clinic.name,
            "clinic_phone": clinic.phone,
            "link": sample_link(CONFIRM, base),
            "provider": clinic.provider,
            "hold_minutes": "120",
            "hold": "2h",
            "offer_count": "1/3",
            "unsubscribe_link": sample_link(UNSUBSCRIBE, base),
            "reschedule_link": sample_link(RESCHEDULE, base),
        }
    )


SAMPLE_VALUES = sample_values()
assert set(SAMPLE_VALUES) == KNOWN_VARIABLES


@dataclass(frozen=True)
class TemplateRow:
    """A template as the editor shows it; ``saved`` is False for a default never edited."""

    key: str
    channel: str
    name: str
    subject: str | None
    body: str
    saved: bool
    updated_at: datetime | None = None
    updated_by: str = "system"
    language: str = DEFAULT_LANGUAGE  # ISO 639-1


@dataclass(frozen=True)
class TemplateCheck:
    """Everything the editor shows while typing."""

    problems: tuple[str, ...]
    preview: str  # the body with sample values ("" when it cannot be rendered)
    subject_preview: str
    segments: SegmentInfo | None  # SMS only, of the preview
    non_gsm: tuple[tuple[str, int], ...]  # (character, 1-based position in the body), first of each


@cache
def _defaults() -> tuple[TemplateRow, ...]:
    data: dict[str, Any] = json.loads((resources_dir() / TEMPLATES_FILE).read_text(encoding="utf-8"))
    return tuple(
        TemplateRow(
            key=t["key"],
            channel=t["channel"],
            name=t["name"],
            subject=t.get("subject"),
            body=t["body"],
            saved=False,
            language=t.get("language", DEFAULT_LANGUAGE),
        )
        for t in data["templates"]
    )


def default_templates() -> list[TemplateRow]:
    """The packaged defaults (reminders, confirmation, waitlist offer, recovery) in every shipped language."""
    return list(_defaults())


def _row(t: MessageTemplate) -> TemplateRow:
    return TemplateRow(
        key=t.key,
        channel=t.channel,
        name=t.name,
        subject=t.subject,
        body=t.body,
        saved=True,
        updated_at=t.updated_at,
        updated_by=t.updated_by,
        language=t.language,
    )


def list_templates(session: Session, clinic_id: int, language: str | None = None) -> list[TemplateRow]:
    """The clinic's templates, with each default not yet saved filled in; by key, channel, then
    language (English first). ``language``: only that language's."""
    rows = {
        (t.key, t.channel, t.language): _row(t)
        for t in session.scalars(select(MessageTemplate).where(MessageTemplate.clinic_id == clinic_id))
    }
    for d in _defaults():
        rows.setdefault((d.key, d.channel, d.language), d)
    listed = [r for r in rows.values() if language is None or r.language == language]
    return sorted(listed, key=lambda r: (r.key, r.channel, r.language != DEFAULT_LANGUAGE, r.language))


def get_template(
    session: Session, clinic_id: int, key: str, channel: str, language: str | None = None
) -> TemplateRow:
    """The clinic's template for ``key`` on ``channel`` in ``language`` (its default when never
    edited); the English one when that language has none."""
    wanted = message_language(language)
    found: dict[str, TemplateRow] = {}
    for row in list_templates(session, clinic_id):
        if (row.key, row.channel) == (key, channel):
            found[row.language] = row
    chosen = found.get(wanted) or found.get(DEFAULT_LANGUAGE)
    if chosen is None:
        raise NotFound(f"There is no {channel} template {key!r}.")
    return chosen


def check_template(
    body: str,
    subject: str | None,
    channel: str,
    *,
    policy: MessagingPolicy | None = None,
    base_url: str | None = None,
    language: str | None = None,
    country: str | None = None,
    hour_format: Literal[12, 24] | None = None,
    clinic: SampleClinic = BUILT_IN_CLINIC,
) -> TemplateCheck:
    """Problems, a preview with sample values, SMS segments and non-GSM characters of a draft.

    ``base_url``: the clinic's public link address, so the sample links in the preview (and the
    segment count) are as long as the real ones; default the built-in address. ``country`` and
    ``hour_format``: the clinic's, whose date order and clock the sample visit is written in;
    ``clinic``: its name, number, place and orthodontist (``sample_clinic``).
    """
    policy = policy or MessagingPolicy()
    problems = list(template_problems(body, channel=channel))
    subject_text = (subject or "").strip()
    if channel == "email":
        if not subject_text:
            problems.append("An email needs a subject.")
        elif len(subject_text) > MAX_SUBJECT:
            problems.append(f"The subject is {len(subject_text)} characters; keep it under {MAX_SUBJECT}.")
        else:
            problems.extend(f"Subject: {p}" for p in template_problems(subject_text, channel=channel))
    terms = procedure_terms_found(f"{subject_text}\n{body}", policy)
    if terms:
        names = ", ".join(repr(t) for t in terms)
        problems.append(
            f"Mentions a procedure ({names}): messages carry the minimum of health "
            "information. Remove it, or allow procedure names in Settings."
        )
    values = sample_values(base_url, language, country, hour_format, clinic)
    preview = _preview(body, values)
    subject_preview = _preview(subject_text, values) if subject_text else ""
    segments = sms_segments(preview or body) if channel == "sms" else None
    positions = tuple((ch, body.index(ch) + 1) for ch in non_gsm_characters(body)) if channel == "sms" else ()
    return TemplateCheck(tuple(problems), preview, subject_preview, segments, positions)


def _preview(text: str, samples: Mapping[str, str]) -> str:
    """The text with sample values; an unknown variable stays as written ("" if braces are broken)."""
    values = dict(samples)
    values.update({v: f"{{{v}}}" for v in template_variables(text) if v not in values})
    try:
        return render(text, values)
    except ValidationError:
        return ""


def _require_permission(actor: Actor) -> None:
    if not (actor.can(SETTINGS_PERMISSION) or actor.can(ADMIN)):
        raise PermissionDenied(
            f"{actor.display_name or actor.username} may not change message templates; ask a manager."
        )


def save_template(
    session: Session,
    actor: Actor,
    clinic_id: int,
    *,
    key: str,
    channel: str,
    name: str,
    subject: str | None,
    body: str,
    now: datetime,
    policy: MessagingPolicy | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> TemplateRow:
    """Validate and store a template in ``language`` (unknown variable → an error naming it); audited."""
    _require_permission(actor)
    if channel not in CHANNELS:
        raise ValidationError(f"Unknown channel {channel!r}; use sms or email.", field="channel")
    if language not in MESSAGE_LANGUAGES:
        names = ", ".join(MESSAGE_LANGUAGES)
        raise ValidationError(f"Unknown language {language!r}; use one of {names}.", field="language")
    key, name = key.strip(), name.strip()
    if not key:
        raise ValidationError("A template needs a key, e.g. reminder.confirm.", field="key")
    if not name:
        raise ValidationError("Give the template a name staff recognise.", field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"The name is at most {MAX_NAME} characters.", field="name")
    check_column_text(key, MessageTemplate.key, field="key", label="The template key")
    check_column_text(name, MessageTemplate.name, field="name", label="The name")
    if channel == "email" and subject is not None:
        check_column_text(subject.strip(), MessageTemplate.subject, field="subject", label="The subject")
    check_text(body, field="body", label="The message", max_length=_MAX_BODY, multiline=True)
    check = check_template(body, subject, channel, policy=policy, language=language)
    if check.problems:
        raise ValidationError(" ".join(check.problems), field="body")
    subject_value = (subject or "").strip() or None if channel == "email" else None
    row = session.scalar(
        select(MessageTemplate)
        .where(
            MessageTemplate.clinic_id == clinic_id,
            MessageTemplate.key == key,
            MessageTemplate.channel == channel,
            MessageTemplate.language == language,
        )
        .with_for_update()
    )
    before = {"name": row.name, "subject": row.subject, "body": row.body} if row else None
    if row is None:
        row = MessageTemplate(
            clinic_id=clinic_id,
            key=key,
            channel=channel,
            language=language,
            name=name,
            subject=subject_value,
            body=body,
            updated_at=now,
            updated_by=actor.username,
        )
        session.add(row)
    else:
        row.name, row.subject, row.body = name, subject_value, body
        row.updated_at, row.updated_by = now, actor.username
    session.flush()
    audit.record(
        session,
        actor,
        "update" if before else "create",
        "message_template",
        row.id,
        now=now,
        before=before,
        after={"name": name, "subject": subject_value, "body": body},
    )
    return _row(row)


def seed_default_templates(session: Session, clinic_id: int, *, now: datetime) -> int:
    """Store every packaged default the clinic does not have yet; returns how many were added."""
    have = {
        (k, c, lang)
        for k, c, lang in session.execute(
            select(MessageTemplate.key, MessageTemplate.channel, MessageTemplate.language).where(
                MessageTemplate.clinic_id == clinic_id
            )
        )
    }
    added = 0
    for d in _defaults():
        if (d.key, d.channel, d.language) not in have:
            session.add(
                MessageTemplate(
                    clinic_id=clinic_id,
                    key=d.key,
                    channel=d.channel,
                    language=d.language,
                    name=d.name,
                    subject=d.subject,
                    body=d.body,
                    updated_at=now,
                    updated_by="system",
                )
            )
            added += 1
    session.flush()
    return added
