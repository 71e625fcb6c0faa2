"""Campaign message variants: texts from the template library, their checks, previews, the A/B split."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.message_locale import DEFAULT_LANGUAGE, MESSAGE_LANGUAGES
from orca_desk.services.messaging.message_templates import (
    BUILT_IN_CLINIC,
    SampleClinic,
    get_template,
    list_templates,
    sample_values,
)
from orca_desk.services.messaging.render import render, template_problems

# What a campaign message may say: no appointment exists yet, so no date, time or provider.
CAMPAIGN_VARIABLES = frozenset(
    {
        "first_name",
        "patient_first_name",
        "guardian_name",
        "location",
        "location_address",
        "clinic_name",
        "clinic_phone",
        "link",
        "unsubscribe_link",
    }
)
TEMPLATE_PREFIX = "campaign."


@dataclass(frozen=True)
class VariantInput:
    name: str
    weight: int = 1
    template_key: str | None = None  # a "campaign.*" template of the library; its texts are copied
    sms_body: str = ""
    email_subject: str = ""
    email_body: str = ""


def _unit(seed: str, patient_id: int, salt: str) -> float:
    """A number in [0, 1) fixed by the campaign's seed and the patient (stable across runs)."""
    digest = hashlib.sha256(f"{seed}:{salt}:{patient_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def assign_variant(seed: str, patient_id: int, weights: Sequence[int], holdout_percent: int) -> int | None:
    """The index of the patient's variant, or None for the hold-out control group.

    The hold-out and the variant come from independent hashes, so changing the hold-out does
    not reshuffle who gets which message.
    """
    if _unit(seed, patient_id, "holdout") * 100.0 < holdout_percent:
        return None
    total = sum(weights)
    if total <= 0:
        raise ValidationError("The variants' split adds up to nothing.", field="weight")
    point = _unit(seed, patient_id, "variant") * total
    running = 0.0
    for i, w in enumerate(weights):
        running += w
        if point < running:
            return i
    return len(weights) - 1


def campaign_templates(session: Session, clinic_id: int) -> list[tuple[str, str]]:
    """The library's campaign templates as (key, name), for the wizard."""
    seen: dict[str, str] = {}
    for t in list_templates(session, clinic_id):
        if t.key.startswith(TEMPLATE_PREFIX):
            seen.setdefault(t.key, t.name)
    return sorted(seen.items())


def variant_from_template(
    session: Session, clinic_id: int, name: str, key: str, weight: int = 1
) -> VariantInput:
    """A variant whose texts are the library template ``key`` (SMS and email where they exist)."""
    sms = email = None
    with contextlib.suppress(NotFound):
        sms = get_template(session, clinic_id, key, "sms")
    with contextlib.suppress(NotFound):
        email = get_template(session, clinic_id, key, "email")
    if sms is None and email is None:
        raise NotFound(f"There is no template {key!r} in the library.")
    return VariantInput(
        name=name,
        weight=weight,
        template_key=key,
        sms_body=sms.body if sms else "",
        email_subject=(email.subject or "") if email else "",
        email_body=email.body if email else "",
    )


def variant_translations(session: Session, clinic_id: int, v: VariantInput) -> dict[str, dict[str, str]]:
    """The variant's texts in the other shipped languages: those of its library template, when the
    variant still says what that template says in English (an edited text goes to everyone as is)."""
    if not v.template_key:
        return {}
    rows = {
        (t.channel, t.language): t
        for t in list_templates(session, clinic_id)
        if t.key == v.template_key and t.language in MESSAGE_LANGUAGES
    }
    english_sms, english_email = rows.get(("sms", DEFAULT_LANGUAGE)), rows.get(("email", DEFAULT_LANGUAGE))
    if (english_sms.body if english_sms else "") != v.sms_body or (
        (english_email.subject or "", english_email.body) if english_email else ("", "")
    ) != (v.email_subject, v.email_body):
        return {}
    out: dict[str, dict[str, str]] = {}
    for language in MESSAGE_LANGUAGES:
        sms, email = rows.get(("sms", language)), rows.get(("email", language))
        if language == DEFAULT_LANGUAGE or (sms is None and email is None):
            continue
        out[language] = {
            "sms_body": sms.body if sms else v.sms_body,
            "email_subject": (email.subject or "") if email else v.email_subject,
            "email_body": email.body if email else v.email_body,
        }
    return out


def variant_texts(v: Any, language: str) -> tuple[str, str, str]:
    """(sms body, email subject, email body) a variant row sends to a family speaking ``language``."""
    other = (v.translations or {}).get(language) or {}
    return (
        other.get("sms_body") or v.sms_body,
        other.get("email_subject") or v.email_subject,
        other.get("email_body") or v.email_body,
    )


def _variant_problems(v: VariantInput, channels: Sequence[str]) -> list[str]:
    out: list[str] = []
    label = f"Variant {v.name or '?'}"
    if not v.name.strip():
        out.append("Every variant needs a name (A, B…).")
    if v.weight < 1:
        out.append(f"{label}: the split weight must be at least 1.")
    texts = []
    if "sms" in channels:
        texts.append(("SMS", v.sms_body, "sms"))
    if "email" in channels:
        texts.append(("email subject", v.email_subject, "email"))
        texts.append(("email", v.email_body, "email"))
    for what, text, channel in texts:
        if not text.strip():
            out.append(f"{label}: the {what} text is empty.")
            continue
        for p in template_problems(text, channel=channel, allowed=CAMPAIGN_VARIABLES):
            out.append(f"{label} ({what}): {p}")
    return out


def preview_message(v: VariantInput, channel: str, *, clinic: SampleClinic = BUILT_IN_CLINIC) -> str:
    """The variant's text with sample values and ``clinic``'s words (for the wizard)."""
    values = sample_values(language=clinic.language, clinic=clinic)
    text = v.sms_body if channel == "sms" else f"{v.email_subject}\n\n{v.email_body}"
    try:
        return render(text, values)
    except ValidationError as exc:
        return f"(cannot preview: {exc})"
