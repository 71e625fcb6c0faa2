"""The one messaging policy: quiet hours, consent, contact budgets, reply keywords, merging."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.message_locale import message_date, message_time, message_when
from orca_desk.services.messaging.message_phrases import join_names, phrase
from orca_desk.services.messaging.render import DEFAULT_PROCEDURE_TERMS, phi_safe


@dataclass(frozen=True)
class MessagingPolicy:
    """Clinic messaging settings.

    Quiet hours are ``[quiet_start, quiet_end)`` in the patient's local time; the window
    wraps midnight when ``quiet_start > quiet_end`` and is disabled when they are equal.
    Budgets count messages to one phone number, because siblings share a parent's phone.
    """

    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    sms_requires_consent: bool = True
    daily_budget_per_number: int = 3
    weekly_budget_per_number: int = 8
    allow_procedure_names: bool = False
    procedure_terms: tuple[str, ...] = DEFAULT_PROCEDURE_TERMS
    max_offers_per_waitlist_entry: int = 3

    def __post_init__(self) -> None:
        if self.quiet_start.tzinfo is not None or self.quiet_end.tzinfo is not None:
            raise ValidationError(
                "Quiet hours are wall-clock times in the patient's zone; give them without a timezone.",
                field="quiet_start",
            )
        if self.daily_budget_per_number < 0 or self.weekly_budget_per_number < 0:
            raise ValidationError("Message budgets cannot be negative.", field="budget")
        if self.daily_budget_per_number > self.weekly_budget_per_number:
            raise ValidationError(
                "The daily budget per number cannot exceed the weekly budget.",
                field="daily_budget_per_number",
            )
        if self.max_offers_per_waitlist_entry < 0:
            raise ValidationError(
                "The offer limit per waitlist entry cannot be negative.",
                field="max_offers_per_waitlist_entry",
            )


def _require_aware(at: datetime, name: str = "at") -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationError(f"{name} must be a timezone-aware datetime.", field=name)


# --- Quiet hours --------------------------------------------------------------------------


def _wall_in_quiet(wall: time, policy: MessagingPolicy) -> bool:
    start, end = policy.quiet_start, policy.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def in_quiet_hours(at: datetime, zone: ZoneInfo, policy: MessagingPolicy) -> bool:
    """Whether ``at`` falls inside the quiet window on the wall clock of ``zone``."""
    _require_aware(at)
    local = at.astimezone(zone)
    return _wall_in_quiet(local.time().replace(tzinfo=None), policy)


def _naive_wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


def _first_instant_at_or_after(day: date, wall: time, zone: ZoneInfo, not_before: datetime) -> datetime:
    """The earliest instant >= ``not_before`` whose local wall time on ``day`` is ``wall``.

    If the wall time is skipped by a DST gap, the instant the gap ends (the first valid
    wall time after it). If it happens twice, the first occurrence not before
    ``not_before`` — normally the earlier one.
    """
    target = datetime.combine(day, wall)
    early = target.replace(tzinfo=zone, fold=0).astimezone(UTC)
    late = target.replace(tzinfo=zone, fold=1).astimezone(UTC)
    exists = _naive_wall(early, zone) == target
    if exists:
        for candidate in sorted({early, late}):
            if candidate >= not_before and _naive_wall(candidate, zone) == target:
                return candidate
        return max(early, late)
    # In a gap zoneinfo maps fold=1 before the transition and fold=0 after it; binary
    # search the seconds between them for the transition, where local time jumps past
    # ``wall``. This works for any gap length (e.g. Samoa skipping a whole day in 2011).
    lo, hi = min(early, late), max(early, late)
    lo_s, hi_s = int(lo.timestamp()), int(hi.timestamp())
    while lo_s < hi_s:
        mid = (lo_s + hi_s) // 2
        if _naive_wall(datetime.fromtimestamp(mid, UTC), zone) >= target:
            hi_s = mid
        else:
            lo_s = mid + 1
    return max(datetime.fromtimestamp(lo_s, UTC), not_before)


def next_allowed_send(at: datetime, zone: ZoneInfo, policy: MessagingPolicy) -> datetime:
    """``at`` itself if it is outside quiet hours, else the first instant they end.

    Returned as UTC when deferred, unchanged otherwise. Never earlier than ``at`` and
    never inside quiet hours.
    """
    _require_aware(at)
    current = at
    # One step is enough for any sane window; the loop only guards windows so short that
    # a DST gap throws the end past the next start.
    for _ in range(4):
        if not in_quiet_hours(current, zone, policy):
            return current
        local = current.astimezone(zone)
        day = local.date()
        if policy.quiet_start > policy.quiet_end and local.time() >= policy.quiet_start:
            day += timedelta(days=1)
        current = _first_instant_at_or_after(day, policy.quiet_end, zone, current.astimezone(UTC))
    raise ValidationError(
        "The quiet hours leave no time to send; check the quiet-hours setting.",
        field="quiet_start",
    )


# --- Consent and limits -------------------------------------------------------------------


def sms_allowed(consent: bool, opted_out: bool, policy: MessagingPolicy) -> tuple[bool, str]:
    """Whether an SMS may go to a number, with the reason to show staff."""
    if opted_out:
        # An opt-out is honoured even with consent on file: the carrier blocks the number
        # anyway, and the law treats STOP as revoking consent.
        return False, "This number replied STOP; no texts until the family texts START."
    if policy.sms_requires_consent and not consent:
        return False, "No SMS consent is recorded for this number."
    if not consent:
        return True, "SMS consent is not required by the clinic's policy."
    return True, "SMS consent is recorded."


def offer_allowed(offers_already_sent: int, policy: MessagingPolicy) -> bool:
    """Whether a waitlist entry may be offered another opening."""
    return offers_already_sent < policy.max_offers_per_waitlist_entry


def procedure_terms_found(text: str, policy: MessagingPolicy) -> list[str]:
    """Procedure names in ``text`` the clinic forbids (empty if allowed or none found)."""
    if policy.allow_procedure_names:
        return []
    return phi_safe(text, policy.procedure_terms)


ROLLING_WEEK = timedelta(days=7)


def budget_allows(
    sent_times: Sequence[datetime], at: datetime, zone: ZoneInfo, policy: MessagingPolicy
) -> bool:
    """Whether one more message may go to a phone number at ``at``.

    ``sent_times`` are the messages already sent to that number (all patients sharing
    it). The daily budget counts the local calendar day in ``zone``; the weekly budget
    is a rolling 7 days (168 hours) before ``at``, not an ISO week, so a family cannot
    get a full week's budget on Sunday and another on Monday. Times after ``at`` are
    ignored: they had not been sent at ``at``.
    """
    _require_aware(at)
    at_utc = at.astimezone(UTC)
    today = at.astimezone(zone).date()
    day_count = week_count = 0
    for sent in sent_times:
        _require_aware(sent, "sent_times")
        # Compare in UTC: aware datetimes sharing a tzinfo compare by wall time, which is
        # wrong across a DST fold.
        sent_utc = sent.astimezone(UTC)
        if sent_utc > at_utc:
            continue
        if sent_utc > at_utc - ROLLING_WEEK:
            week_count += 1
        if sent_utc.astimezone(zone).date() == today:
            day_count += 1
    return day_count < policy.daily_budget_per_number and week_count < policy.weekly_budget_per_number


# --- Inbound replies ----------------------------------------------------------------------

ReplyKind = Literal["opt_out", "opt_in", "help", "confirm", "decline", "callback", "needs_review", "other"]

# Carrier / CTIA opt-out words (and the FCC's 2024 revocation list, which adds REVOKE and
# "OPT OUT"). CANCEL is one of them: carriers and providers such as Twilio block the
# number on their side when it arrives alone, whatever we decide. Treating it as "cancel
# my appointment" would leave us believing the number still reachable while every later
# text is dropped, so it is an opt-out here too, and templates must ask for NO instead.
OPT_OUT_WORDS: frozenset[str] = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
# Spanish-speaking families answer in Spanish. US carriers filter only the English words, but the
# FCC counts a revocation "by any reasonable means", so these stop our texts too: ALTO and PARAR
# are the words Spanish opt-out notices teach ("Responda ALTO para cancelar"), with their kin.
# CANCELAR stays a question for staff: alone it may mean the visit, not the texts.
SPANISH_OPT_OUT_WORDS: frozenset[str] = frozenset({"ALTO", "PARAR", "PARE", "DETENER", "BAJA", "DESUSCRIBIR"})
# YES is an opt-in word for some carriers too, but here it confirms an appointment; the
# inbound handler decides what a YES from an opted-out number means.
OPT_IN_WORDS: frozenset[str] = frozenset({"START", "UNSTOP"})
HELP_WORDS: frozenset[str] = frozenset({"HELP", "INFO", "AYUDA"})
# SÍ arrives as SI too: accents are folded before matching.
CONFIRM_WORDS: frozenset[str] = frozenset(
    {"YES", "Y", "C", "CONFIRM", "CONFIRMED", "1", "SI", "CONFIRMO", "CONFIRMADO", "CONFIRMAR"}
)
DECLINE_WORDS: frozenset[str] = frozenset({"NO", "N", "2"})

# Words that may follow YES/NO without changing the answer ("Yes please", "No, thank you",
# "Sí, gracias"). Anything else ("yes but 4pm?", "yes for Ava") goes to staff as "other".
_CONFIRM_HEADS = frozenset(
    {"YES", "Y", "CONFIRM", "CONFIRMED", "YEP", "YEAH", "SI", "CONFIRMO", "CONFIRMADO"}
)
_SPANISH_COURTESY = frozenset(
    {"GRACIAS", "MUCHAS", "POR", "FAVOR", "OK", "VALE", "CLARO", "ALLI", "ESTAREMOS"}
)
_CONFIRM_TAIL = frozenset(
    {
        "YES",
        "PLEASE",
        "PLS",
        "THANKS",
        "THANK",
        "YOU",
        "TY",
        "THX",
        "CONFIRM",
        "CONFIRMED",
        "WE",
        "I",
        "WILL",
        "BE",
        "THERE",
        "SEE",
        "SOON",
        "OK",
        "OKAY",
        "SI",
        "CONFIRMO",
        "CONFIRMADO",
        *_SPANISH_COURTESY,
    }
)
_DECLINE_HEADS = frozenset({"NO", "N"})
_DECLINE_TAIL = frozenset(
    {"NO", "THANKS", "THANK", "YOU", "TY", "THX", "SORRY", "GRACIAS", "MUCHAS", "LO", "SIENTO", "PODEMOS"}
)

_LIKELY_OPT_OUT = [
    re.compile(p)
    for p in (
        r"^stop\b",
        r"\b(?:please|pls|plz)\s+stop\b",
        r"\bstop\s+(?:all\s+)?(?:the\s+|these\s+|your\s+)?"
        r"(?:text\w*|sending|send|messag\w*|contact\w*|remind\w*|sms|spam\w*|emails?)\b",
        r"\b(?:don'?t|do\s+not|never)\s+(?:\w+\s+)?(?:text|message|contact|sms|email|call)\b",
        r"\bno\s+more\s+(?:texts?|messages?|reminders?|sms|emails?)\b",
        r"\bremove\s+(?:me|us|my\s+number|this\s+number|our\s+number)\b",
        r"\btake\s+(?:me|us|my\s+number|this\s+number)\s+off\b",
        r"\bunsubscribe\b",
        r"\bstopall\b",
        r"\bopt\s*-?\s*(?:me\s+|us\s+)?out\b",
        r"\bwrong\s+number\b",
        # The same in Spanish (accents folded): "no me envien mas mensajes", "ya no mas textos".
        r"\bno\s+(?:me\s+|nos\s+)?(?:envien|manden|escriban|contacten)\b",
        r"\bno\s+mas\s+(?:mensajes|textos|recordatorios|correos)\b",
        r"\b(?:dar(?:me|nos)?|darse)\s+de\s+baja\b",
        r"\b(?:quitar|quiten|borren|eliminen)(?:me|nos)?\s+(?:de\s+la\s+lista|mi\s+numero|el\s+numero)\b",
        r"\bnumero\s+equivocado\b",
        r"^cancelar$",
    )
]
_CALLBACK = [
    re.compile(p)
    for p in (
        r"\bcall\s+(?:me|us)\b",
        r"\b(?:please|pls|plz)\s+call\b",
        r"\bcall\s+back\b",
        r"\bgive\s+(?:me|us)\s+a\s+(?:call|ring)\b",
        r"\b(?:can|could|would)\s+(?:you|someone|somebody)\s+(?:please\s+)?call\b",
        r"\bllam(?:enme|ame|eme|enos|anme)\b",
        r"\b(?:me|nos)\s+(?:pueden|puede|podrian)\s+llamar\b",
    )
]


@dataclass(frozen=True)
class Reply:
    """What an inbound SMS means.

    ``keyword`` is the matched single word (e.g. ``"STOP"``) for keyword replies;
    ``likely_opt_out`` marks a plain-language request to stop that staff must confirm
    (it is never acted on automatically); ``reason`` explains the decision to staff.
    """

    kind: ReplyKind
    keyword: str | None = None
    likely_opt_out: bool = False
    reason: str = ""


def _normalize(body: str) -> str:
    text = unicodedata.normalize("NFKC", body)
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def _fold_accents(text: str) -> str:
    """SÍ → SI, envíen → envien: families type with and without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _single_word(text: str) -> str | None:
    core = re.sub(r"^[\W_]+|[\W_]+$", "", text).upper()
    # "Opt out" / "opt-out" is the FCC's spelling of OPTOUT.
    if re.fullmatch(r"OPT[\s\-]*OUT", core):
        return "OPTOUT"
    return core if re.fullmatch(r"[A-Z0-9]+", core) else None


def classify_reply(body: str) -> Reply:
    """Classify an inbound SMS.

    Carrier keywords count only when they are the whole message (any case, surrounding
    spaces or punctuation ignored), as carriers match them. Plain-language requests to
    stop are ``needs_review`` with ``likely_opt_out=True``: staff confirm them, because
    "stop" in a sentence is not always an opt-out.
    """
    text = _fold_accents(_normalize(body))
    if not text:
        return Reply("other", reason="Empty message.")
    text = text.replace("¡", " ").replace("¿", " ").strip() or text
    word = _single_word(text)
    if word is not None:
        if word in OPT_OUT_WORDS:
            return Reply("opt_out", word, reason=f"Carrier opt-out keyword {word}.")
        if word in SPANISH_OPT_OUT_WORDS:
            return Reply("opt_out", word, reason=f"Spanish opt-out word {word}.")
        if word in OPT_IN_WORDS:
            return Reply("opt_in", word, reason=f"Carrier opt-in keyword {word}.")
        if word in HELP_WORDS:
            return Reply("help", word, reason=f"Carrier help keyword {word}.")
        if word in CONFIRM_WORDS:
            return Reply("confirm", word, reason=f"Confirmation keyword {word}.")
        if word in DECLINE_WORDS:
            return Reply("decline", word, reason=f"Decline keyword {word}.")
    lower = text.lower()
    if any(p.search(lower) for p in _LIKELY_OPT_OUT):
        return Reply(
            "needs_review",
            likely_opt_out=True,
            reason="Looks like a request to stop messages; confirm with the family "
            "before opting the number out.",
        )
    if any(p.search(lower) for p in _CALLBACK):
        return Reply("callback", reason="Asks for a phone call.")
    tokens = [t.strip("'") for t in re.findall(r"[A-Z0-9']+", text.upper())]
    tokens = [t for t in tokens if t]
    if tokens:
        head, tail = tokens[0], tokens[1:]
        if head in _CONFIRM_HEADS and all(t in _CONFIRM_TAIL for t in tail):
            return Reply("confirm", head, reason="Confirms, with courtesy words only.")
        if head in _DECLINE_HEADS and all(t in _DECLINE_TAIL for t in tail):
            return Reply("decline", head, reason="Declines, with courtesy words only.")
    return Reply("other", reason="Free text; goes to the Messages inbox for staff.")


# --- Family merging -----------------------------------------------------------------------


class FamilyItem(NamedTuple):
    """One pending message for a shared number: whose appointment, when (local), where."""

    patient_first_name: str
    starts_at: datetime
    location: str


def format_date(when: datetime | date, language: str | None = None, country: str | None = None) -> str:
    """``Tue, Mar 3`` (``language`` "es": ``mar, 3 mar``; ``country`` "GB": ``Tue 3 Mar``), through
    Babel, never the C locale Qt sets."""
    return message_date(when, language, country)


def format_time(
    when: datetime | time,
    *,
    hour_format: Literal[12, 24] = 12,
    language: str | None = None,
    country: str | None = None,
) -> str:
    """``3:30 PM`` (12-hour) or ``15:30`` (24-hour); Spanish ``3:30 p. m.``; British ``3:30 pm``."""
    return message_time(when, language, hour_format=hour_format, country=country)


def merge_family_messages(
    items: Sequence[tuple[str, datetime, str]],
    *,
    hour_format: Literal[12, 24] = 12,
    language: str | None = None,
    country: str | None = None,
    ask: bool = True,
) -> str:
    """One reminder SMS for several appointments going to the same number, in ``language`` with
    dates as written in the clinic's ``country`` (``ask``: ending with the YES/NO question).

    ``starts_at`` is taken as the wall time to show (the location's local time). The text
    names no procedure, only first names, times and places.
    """
    if not items:
        raise ValidationError("There is nothing to merge.", field="items")
    family = sorted((FamilyItem(*item) for item in items), key=lambda i: i.starts_at)
    for item in family:
        if not item.patient_first_name.strip() or not item.location.strip():
            raise ValidationError("Each merged message needs a first name and a location.", field="items")
    locations = {item.location.strip() for item in family}
    same_place = len(locations) == 1

    def describe(item: FamilyItem) -> str:
        when = message_when(item.starts_at, language, hour_format=hour_format, country=country)
        text = phrase(language, "merge_item", name=item.patient_first_name.strip(), when=when)
        return text if same_place else text + phrase(language, "merge_place", location=item.location.strip())

    body = join_names([describe(item) for item in family], language)
    if same_place:
        body += phrase(language, "merge_place", location=family[0].location.strip())
    text = phrase(language, "merge", body=body)
    if not ask:
        return text
    which = {1: "", 2: phrase(language, "merge_both")}.get(len(family), phrase(language, "merge_all"))
    return text + phrase(language, "merge_ask", which=which)
