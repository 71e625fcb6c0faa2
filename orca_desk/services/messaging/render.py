"""Message templates: variables, validation, rendering, SMS segment counting and PHI checks."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, TypeAlias

from orca_desk.services.errors import ValidationError

VARIABLE_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "first_name": "First name of the person reading the message "
        "(the parent for a child patient, else the patient)",
        "patient_first_name": "First name of the patient the appointment is for",
        "guardian_name": "Full name of the responsible party (parent or guardian)",
        "date": "Appointment date in the location's zone, e.g. Tue 3 Mar",
        "time": "Appointment start time in the location's zone, e.g. 3:30 PM",
        "day": "Weekday of the appointment, e.g. Tuesday",
        "location": "Name of the clinic location",
        "location_address": "Street address of the clinic location",
        "clinic_name": "Name of the practice",
        "clinic_phone": "Phone number of the practice or location",
        "link": "Patient link (confirm, book or reschedule); carries no patient data",
        "provider": "Provider name, e.g. Dr. Chen",
        "hold_minutes": "How long an offered opening is held, in minutes",
        "hold": "How long an offered opening is held, short: 2h or 45 min",
        "offer_count": "Which waitlist offer this is of the most a family gets, e.g. 1/3",
        "unsubscribe_link": "Email unsubscribe link (email only; SMS opts out with STOP)",
        "reschedule_link": "Link where the family picks another time or cancels the visit",
    }
)
KNOWN_VARIABLES: frozenset[str] = frozenset(VARIABLE_DESCRIPTIONS)

CHANNELS: frozenset[str] = frozenset({"sms", "email"})

# A clinic setting overrides this; "bond" alone is left out because it is also a surname,
# and "records" because "our records show" is everyday wording.
DEFAULT_PROCEDURE_TERMS: tuple[str, ...] = (
    "bonding",
    "debond",
    "debonding",
    "deband",
    "debanding",
    "extraction",
    "expander",
    "palatal expander",
    "retainer",
    "surgery",
    "aligner",
    "invisalign",
    "x-ray",
    "impressions",
    "elastics",
    "bracket",
)


@dataclass(frozen=True)
class _Variable:
    name: str
    column: int  # 1-based, as a person counts characters in the editor


_Part: TypeAlias = str | _Variable


def _tokenize(text: str) -> tuple[list[_Part], list[str]]:
    """Split a template into literal text and variables; also return brace problems."""
    parts: list[_Part] = []
    problems: list[str] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "{":
            if text.startswith("{{", i):
                buf.append("{")
                i += 2
                continue
            close = text.find("}", i + 1)
            nested = text.find("{", i + 1)
            if close == -1 or (nested != -1 and nested < close):
                problems.append(
                    f"Unbalanced braces: the '{{' at character {i + 1} is never closed "
                    "(write {{ for a literal brace)."
                )
                # Keep scanning as if it were literal so every problem is reported at once.
                buf.append("{")
                i += 1
                continue
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(_Variable(text[i + 1 : close], i + 1))
            i = close + 1
        elif ch == "}":
            if text.startswith("}}", i):
                buf.append("}")
                i += 2
                continue
            problems.append(
                f"Unbalanced braces: the '}}' at character {i + 1} has no opening '{{' "
                "(write }} for a literal brace)."
            )
            buf.append("}")
            i += 1
        else:
            buf.append(ch)
            i += 1
    if buf:
        parts.append("".join(buf))
    return parts, problems


def template_variables(text: str) -> frozenset[str]:
    """Names of the variables a template uses (malformed braces are ignored here)."""
    parts, _ = _tokenize(text)
    return frozenset(p.name for p in parts if isinstance(p, _Variable))


def escape_braces(text: str) -> str:
    """Make literal text safe to embed in a template (``{`` → ``{{``, ``}`` → ``}}``)."""
    return text.replace("{", "{{").replace("}", "}}")


def _unknown_variable_message(name: str, allowed: frozenset[str]) -> str:
    guess = difflib.get_close_matches(name.strip().lower(), sorted(allowed), n=1, cutoff=0.6)
    if guess:
        return f"Unknown variable {{{name}}} — did you mean {{{guess[0]}}}?"
    known = ", ".join(f"{{{v}}}" for v in sorted(allowed))
    return f"Unknown variable {{{name}}}. Known variables: {known}."


# Carriers treat CANCEL as an opt-out (see policy.classify_reply), so "reply CANCEL to
# cancel" silently unsubscribes the family instead of cancelling the appointment.
_REPLY_CANCEL = re.compile(r"\b(?:reply|text|respond)\s+(?:with\s+)?[\"'“‘]?cancel\b", re.I)


def template_problems(text: str, *, channel: str, allowed: frozenset[str] = KNOWN_VARIABLES) -> list[str]:
    """Every problem with a template, each a sentence a practice manager understands."""
    if channel not in CHANNELS:
        return [f"Unknown channel {channel!r} (expected one of: {', '.join(sorted(CHANNELS))})."]
    if not text.strip():
        return ["The message is empty."]
    parts, problems = _tokenize(text)
    seen: set[str] = set()
    for part in parts:
        if not isinstance(part, _Variable) or part.name in seen:
            continue
        seen.add(part.name)
        if part.name == "":
            problems.append(
                f"Empty braces {{}} at character {part.column}: put a variable name inside, "
                "e.g. {first_name}."
            )
        elif part.name not in allowed:
            problems.append(_unknown_variable_message(part.name, allowed))
        elif channel == "sms" and part.name == "unsubscribe_link":
            problems.append("{unsubscribe_link} is for email; SMS recipients opt out by replying STOP.")
    if channel == "sms" and _REPLY_CANCEL.search(text):
        problems.append(
            "Don't ask families to reply CANCEL: carriers treat CANCEL as an opt-out from all "
            "texts. Ask them to reply NO instead."
        )
    return problems


def validate_template(text: str, *, channel: str, allowed: frozenset[str] = KNOWN_VARIABLES) -> None:
    """Raise ``ValidationError`` listing every problem with the template; return if it is fine."""
    problems = template_problems(text, channel=channel, allowed=allowed)
    if problems:
        raise ValidationError(" ".join(problems), field="text")


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill a template's variables; ``{{``/``}}`` give literal braces.

    Values are inserted verbatim and never re-parsed, so a name containing braces
    cannot inject variables.
    """
    parts, problems = _tokenize(text)
    if problems:
        raise ValidationError(" ".join(problems), field="text")
    missing: list[str] = []
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = values.get(part.name)
        if not isinstance(value, str):
            # Rendering "None" into a patient's SMS is worse than refusing to send.
            if part.name not in missing:
                missing.append(part.name)
            continue
        out.append(value)
    if missing:
        names = ", ".join(f"{{{m}}}" for m in missing)
        raise ValidationError(f"No value for {names}.", field="values")
    return "".join(out)


# --- SMS segments -----------------------------------------------------------------------

# GSM 03.38 default alphabet, 0x00–0x7F in order, without ESC (0x1B), which is not a
# character a person can type. 0x09 is the capital Ç as in the 3GPP table; a lowercase ç
# is counted as non-GSM so the estimate errs towards more segments, never fewer.
GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# Extension table: each costs an ESC plus the character, i.e. two septets.
GSM7_EXTENSION: frozenset[str] = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_MULTI = 160, 153  # a multipart message loses 7 septets to its header
UCS2_SINGLE, UCS2_MULTI = 70, 67


@dataclass(frozen=True)
class SegmentInfo:
    """How an SMS will be sent.

    ``characters`` counts code points as the user sees them typed; ``units`` counts
    septets (GSM-7) or UTF-16 code units (UCS-2); ``per_segment`` is the capacity that
    applies (160/70 for a single message, 153/67 once it is split).
    """

    encoding: Literal["GSM-7", "UCS-2"]
    segments: int
    characters: int
    units: int
    per_segment: int


def non_gsm_characters(text: str) -> list[str]:
    """Characters that force UCS-2, each once, in order of first appearance."""
    found: dict[str, None] = {}
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION:
            found.setdefault(ch)
    return list(found)


def _pack(sizes: list[int], capacity: int) -> int:
    # A two-unit character (GSM escape pair, UTF-16 surrogate pair) is never split across
    # segments, so a segment may end one unit short; plain division would under-count.
    segments, used = 1, 0
    for size in sizes:
        if used + size > capacity:
            segments += 1
            used = 0
        used += size
    return segments


def sms_segments(text: str) -> SegmentInfo:
    """Encoding and segment count of ``text`` as an SMS (empty text is 0 segments)."""
    encoding: Literal["GSM-7", "UCS-2"]
    if non_gsm_characters(text):
        encoding, single, multi = "UCS-2", UCS2_SINGLE, UCS2_MULTI
        sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    else:
        encoding, single, multi = "GSM-7", GSM7_SINGLE, GSM7_MULTI
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    units = sum(sizes)
    if units == 0:
        segments, per_segment = 0, single
    elif units <= single:
        segments, per_segment = 1, single
    else:
        segments, per_segment = _pack(sizes, multi), multi
    return SegmentInfo(encoding, segments, len(text), units, per_segment)


# --- Minimum necessary health information ----------------------------------------------


def _term_pattern(term: str) -> re.Pattern[str]:
    words = term.split()
    body = r"\s+".join(re.escape(w) for w in words)
    # Plurals ("extractions", "retainers") name the same procedure.
    return re.compile(rf"(?<!\w){body}(?:e?s)?(?!\w)", re.IGNORECASE)


def phi_safe(text: str, forbidden_terms: Iterable[str]) -> list[str]:
    """Forbidden procedure terms found in ``text`` (whole words, any case, plurals too).

    An empty list means the text is safe. Terms are returned as listed in
    ``forbidden_terms``, once each, in the order they first appear in the text.
    """
    spans: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for term in forbidden_terms:
        key = " ".join(term.lower().split())
        if not key or key in seen:
            continue
        seen.add(key)
        spans.extend((m.start(), m.end(), term) for m in _term_pattern(term).finditer(text))
    # Longest match wins where terms overlap, so "palatal expander" is not also "expander".
    found: list[str] = []
    claimed_until = -1
    for start, end, term in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < claimed_until:
            continue
        claimed_until = end
        if term not in found:
            found.append(term)
    return found
