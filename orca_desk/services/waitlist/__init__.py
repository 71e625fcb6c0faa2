"""Waitlist opening offers: detect openings, match entries, offer with a hold, escalate, book.

Everything durable is a row with a due time. An ``Opening`` is written in the same
transaction as its cause (``after_appointment_change``, called from the booking seam) or
by staff (``announce_opening``). ``process_waitlist`` (the automation tick) then:

1. catches up the hold of each offer whose message the dispatcher has actually sent
   (``hold_started_at = OutboxMessage.sent_at``). The hold normally starts in the very
   transaction that records the send (``message_effects.after_sent`` →
   ``start_holds_of_sent``), so the link and a YES work at once; a reply or a link click
   also catches it up. A message deferred by quiet hours starts its hold later, never at
   queue time; one deferred by the number's budget is replaced (email, or the next in line);
2. expires holds that have passed (also those that passed while the app was down) and
   re-opens their opening, so the next match is offered;
3. expires openings too close to their start (default 30 min);
4. offers every open opening that is due to the best match (or the top N in broadcast
   mode), never offering one patient two slots at once.

Each step changes rows only when their state says it is due, so running a tick twice,
or after a crash, escalates once. Rules of the seed: hold 2 h and at most 3 offers per
entry by default (Settings: ``waitlist_hold_minutes``, ``waitlist_max_offers``; both told in
the offer), no message in quiet hours (patient's zone, the clinic's policy, follow-ups too),
SMS only with opt-in and within the number's budget (else email, else a phone task for
staff; a number out of texts with no email lets the next in line have the opening), the
booking link works only during the hold, the entry is NOTIFIED during the hold.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, func, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from orca_desk.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentType,
    Chair,
    Clinic,
    ContactState,
    Location,
    OutboxMessage,
    Patient,
    Provider,
    WaitlistEntry,
)
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.services import audit, local_time
from orca_desk.services.availability import check_slot, hhmm
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import (
    ConflictError,
    NotFound,
    OrcaError,
    ValidationError,
)
from orca_desk.services.messaging.policy import (
    MessagingPolicy,
    budget_allows,
    classify_reply,
    format_date,
    format_time,
    next_allowed_send,
    sms_allowed,
)
from orca_desk.services.messaging.render import render, sms_segments
from orca_desk.services.security import AUTOMATION, BOOK, MANAGE_WAITLIST, Actor

__all__ = [
    "EntryInput",
    "EntryRow",
    "MatchRow",
    "OfferResult",
    "OfferRow",
    "OfferedOpening",
    "OpeningRow",
    "TickReport",
    "WaitlistReplyHandler",
    "WaitlistSettings",
    "accept_offer",
    "add_entry",
    "after_appointment_change",
    "announce_opening",
    "close_opening",
    "decline_offer",
    "handle_inbound",
    "list_entries",
    "list_offers",
    "list_openings",
    "match_opening",
    "notify_entry",
    "offer_opening",
    "offer_openings",
    "offered_openings",
    "process_waitlist",
    "record_response",
    "remove_entry",
    "update_entry",
]

PURPOSE = "waitlist_offer"
LINK_PURPOSE = "waitlist_accept"  # patient_links.WAITLIST_ACCEPT
DECLINE_PURPOSE = "waitlist_decline"
LIVE_SEND_STATES = ("sent", "delivered")
BUDGET_DEFERRED = "budget"  # dispatch's error code of a text deferred by the number's budget
DEAD_SEND_STATES = ("failed", "undeliverable", "cancelled")
WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PRIORITY_LABELS = {1: "urgent", 2: "high priority", 3: "normal", 4: "low priority", 5: "whenever"}
PRIORITY_POINTS = {1: 50.0, 2: 35.0, 3: 20.0, 4: 10.0, 5: 0.0}
# The most an opening-specific preference match can add to a candidate's score (see _score).
MAX_BONUS = 12.0 + 4.0 + 4.0 + 8.0 + 6.0


@dataclass(frozen=True)
class WaitlistSettings:
    """How offers behave. ``secret`` signs the booking links (None: reply-only messages)."""

    hold: timedelta = timedelta(hours=2)
    min_lead: timedelta = timedelta(minutes=30)  # an opening closer than this to its start is not offered
    min_hold: timedelta = timedelta(minutes=15)  # don't offer when less than this hold would remain
    broadcast_size: int = 3
    recheck: timedelta = timedelta(minutes=15)  # an opening nobody matches is looked at again after this
    template_lookahead: timedelta = timedelta(hours=48)  # unbooked template slots this soon become openings
    policy: MessagingPolicy = field(default_factory=MessagingPolicy)
    base_url: str = "http://127.0.0.1:8765"
    secret: bytes | None = None

    @property
    def max_offers(self) -> int:
        return self.policy.max_offers_per_waitlist_entry


def default_settings(session: Session, *, with_secret: bool = True) -> WaitlistSettings:
    """The clinic's settings: its hold and offer cap, messaging policy (quiet hours, budgets),
    public link address and (``with_secret``) the link secret. Follow-up texts need no link,
    so they are written ``with_secret=False``, without touching the secret's store."""
    from orca_desk.services import clinic_settings, patient_links

    saved = clinic_settings.load_settings(session)
    return WaitlistSettings(hold=saved.waitlist_hold, policy=saved.policy(),
                            base_url=clinic_settings.public_base_url(saved=saved),
                            secret=patient_links.link_secret() if with_secret else None)


def _settings_or_clinic(session: Session, settings: WaitlistSettings | None) -> WaitlistSettings:
    """``settings`` when given, else the clinic's (never the built-in defaults: a follow-up
    text must wait for the clinic's quiet hours, not 21:00–08:00)."""
    return settings if settings is not None else default_settings(session, with_secret=False)


# ----- rows for views and the CLI -----------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    entry_id: int
    patient_id: int
    patient_name: str
    type_name: str
    duration_minutes: int
    priority: int
    days_waiting: int
    notification_count: int
    score: float
    reason: str
    channel: str  # how they would be told: sms | email | phone


@dataclass(frozen=True)
class OfferRow:
    id: int
    opening_id: int
    entry_id: int
    patient_id: int
    patient_name: str
    channel: str
    to_address: str
    state: str  # queued | holding | accepted | declined | no_response | expired
    state_text: str  # "holding · 1h52m left", "queued until 08:00", "booked"
    sent_at: datetime | None
    hold_expires_at: datetime | None
    seconds_left: int | None
    responded_at: datetime | None
    response: str | None
    booked_appointment_id: int | None
    message: str
    broadcast: bool
    sent_text: str = ""  # when the offer went out, in the opening's local time ("" = not yet)


@dataclass(frozen=True)
class OpeningRow:
    id: int
    location_id: int
    location_name: str
    chair_id: int
    chair_name: str
    provider_id: int
    provider_name: str
    start: datetime
    end: datetime
    local_text: str  # "Tue 3 Mar 3:30 PM–3:50 PM"
    source: str
    status: str
    mode: str
    label: str  # "offered · 1h52m left", "open", "filled"
    offers: tuple[OfferRow, ...]


@dataclass(frozen=True)
class OfferedOpening:
    """An opening as the calendar draws it: where, when, and its timer."""

    opening_id: int
    chair_id: int
    provider_id: int
    start: datetime
    end: datetime
    status: str  # open | offered
    label: str  # "offered · 1h52m left" / "opening · waitlist"
    seconds_left: int | None


@dataclass(frozen=True)
class EntryRow:
    id: int
    patient_id: int
    patient_name: str
    type_id: int
    type_name: str
    duration_minutes: int
    priority: int
    status: str
    notification_count: int
    max_offers: int
    days_waiting: int
    preferences: str
    reason: str
    provider_ids: tuple[int, ...]
    location_ids: tuple[int, ...]
    days_of_week: tuple[int, ...]
    time_windows: tuple[tuple[int, int], ...]
    earliest_date: date | None
    latest_date: date | None


@dataclass(frozen=True)
class EntryInput:
    patient_id: int
    type_id: int
    duration_minutes: int | None = None  # None: the type's default
    provider_ids: Sequence[int] = ()
    location_ids: Sequence[int] = ()
    days_of_week: Sequence[int] = ()
    time_windows: Sequence[tuple[int, int]] = ()
    earliest_date: date | None = None
    latest_date: date | None = None
    priority: int = 3
    reason: str = ""


@dataclass(frozen=True)
class OfferResult:
    ok: bool
    message: str  # what to tell the patient or staff
    offer_id: int | None = None
    appointment_id: int | None = None


@dataclass
class TickReport:
    holds_started: int = 0
    never_sent: int = 0
    holds_expired: int = 0
    openings_expired: int = 0
    template_openings: int = 0
    offers_made: int = 0
    notes: list[str] = field(default_factory=list)


# ----- small helpers ------------------------------------------------------------------------


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValidationError("A time without a time zone was given.", field="now")
    return dt.astimezone(UTC)


def _left_text(seconds: int) -> str:
    minutes = max(0, (seconds + 59) // 60)
    h, m = divmod(minutes, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m"


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return fallback


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return list(json.loads(value)) if value else []
    return list(value)


def _as_date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _as_dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _member_pattern(column: Any, value: int) -> Any:
    """SQL: the JSON int list ``column`` is empty or holds ``value`` (a pre-filter on its text)."""
    text = func.replace(cast(column, String), " ", "")
    return or_(text == "[]", text.like(f"[{value}]"), text.like(f"[{value},%"),
               text.like(f"%,{value},%"), text.like(f"%,{value}]"))


def _live_offer() -> Any:
    return and_(WaitlistOffer.response.is_(None), WaitlistOffer.hold_released.is_(False))


# ----- matching -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    entry_id: int
    patient_id: int
    type_id: int
    duration: int
    providers: frozenset[int]
    locations: frozenset[int]
    days: frozenset[int]
    windows: tuple[tuple[int, int], ...]
    earliest: date | None
    latest: date | None
    priority: int
    reason: str
    count: int
    created_at: datetime
    base: float = 0.0  # priority and days waiting: the same for every opening
    best: float = 0.0  # base plus every preference bonus it could earn: no opening scores it higher


@dataclass(frozen=True)
class _Slot:
    """An opening as matching sees it: local date, weekday and minutes in the location's zone."""

    opening_id: int
    provider_id: int
    location_id: int
    type_id: int | None
    minutes: int
    local_day: date
    weekday: int
    local_start: int
    exclude_patient: int | None


def _slot_of(o: Opening, zone: ZoneInfo, exclude_patient: int | None) -> _Slot:
    local = o.start_at.astimezone(zone)
    return _Slot(o.id, o.provider_id, o.location_id, o.type_id,
                 int((o.end_at - o.start_at).total_seconds() // 60), local.date(), local.weekday(),
                 local.hour * 60 + local.minute, exclude_patient)


_CANDIDATE_COLUMNS = (
    WaitlistEntry.id, WaitlistEntry.patient_id, WaitlistEntry.type_id, WaitlistEntry.duration_minutes,
    type_coerce(WaitlistEntry.provider_ids, String), type_coerce(WaitlistEntry.location_ids, String),
    type_coerce(WaitlistEntry.days_of_week, String), type_coerce(WaitlistEntry.time_windows, String),
    type_coerce(WaitlistEntry.earliest_date, String), type_coerce(WaitlistEntry.latest_date, String),
    WaitlistEntry.priority, WaitlistEntry.reason, WaitlistEntry.notification_count,
    type_coerce(WaitlistEntry.created_at, String),
)


def _load_candidates(session: Session, clinic_id: int, max_offers: int, now: datetime,
                     extra: Iterable[Any] = (), *, exclude_busy: bool = True) -> list[_Candidate]:
    """Active entries with offers left (and, by default, no live offer), in one query of raw columns."""
    query = select(*_CANDIDATE_COLUMNS).where(
        WaitlistEntry.clinic_id == clinic_id, WaitlistEntry.status == "active",
        WaitlistEntry.notification_count < max_offers, *extra)
    if exclude_busy:
        query = query.where(WaitlistEntry.patient_id.not_in(_busy_patients_query()))
    out: list[_Candidate] = []
    for r in session.execute(query):
        created = _as_dt(r[13])
        windows = tuple((int(w[0]), int(w[1])) for w in _as_list(r[7]))
        c = _Candidate(r[0], r[1], r[2], r[3], frozenset(_as_list(r[4])), frozenset(_as_list(r[5])),
                       frozenset(_as_list(r[6])), windows, _as_date(r[8]), _as_date(r[9]), r[10] or 3,
                       r[11] or "", r[12], created)
        days = max(0, (now - created).days)
        c.base = PRIORITY_POINTS.get(c.priority, 20.0) + min(days, 120) * 0.25
        c.best = c.base + 12.0 * bool(c.providers) + 4.0 * bool(c.locations) + 4.0 * bool(c.days) \
            + 8.0 * bool(c.windows) + 6.0
        out.append(c)
    return out


def _busy_patients_query() -> Any:
    return select(WaitlistOffer.patient_id).where(_live_offer())


# Parsed candidates per (database, clinic), reused while the waitlist is unchanged (newest id,
# latest update) and within the hour of ``now`` they were ranked for. Live offers
# are excluded at match time, never cached.
_CACHE: dict[tuple[str, int, int], tuple[tuple[Any, ...], datetime, _Matcher]] = {}


def _matcher_for(session: Session, clinic_id: int, max_offers: int, now: datetime) -> _Matcher:
    bind = session.get_bind()
    key = (str(bind.engine.url), id(bind.engine), clinic_id)
    # Two index lookups: every change of an entry (status, offers used, preferences) sets its
    # updated_at and an addition raises the newest id. (Entries are never deleted, only
    # removed; offering re-reads the entry rows and skips any that vanished.)
    state = session.execute(select(select(func.max(WaitlistEntry.id)).scalar_subquery(),
                                   select(func.max(WaitlistEntry.updated_at)).scalar_subquery())).one()
    fingerprint = (*state, max_offers)
    hour = now.replace(minute=0, second=0, microsecond=0)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == fingerprint and cached[1] == hour:
        return cached[2]
    matcher = _Matcher(_load_candidates(session, clinic_id, max_offers, hour, exclude_busy=False))
    _CACHE[key] = (fingerprint, hour, matcher)
    return matcher


def _busy_patients(session: Session) -> set[int]:
    return set(session.scalars(_busy_patients_query()))


def _fits(c: _Candidate, s: _Slot) -> bool:
    if c.duration > s.minutes or c.patient_id == s.exclude_patient:
        return False
    if c.providers and s.provider_id not in c.providers:
        return False
    if c.locations and s.location_id not in c.locations:
        return False
    if c.days and s.weekday not in c.days:
        return False
    if c.earliest is not None and s.local_day < c.earliest:
        return False
    if c.latest is not None and s.local_day > c.latest:
        return False
    if c.windows:
        end = s.local_start + c.duration
        if not any(a <= s.local_start and end <= b for a, b in c.windows):
            return False
    return True


def _score(c: _Candidate, s: _Slot) -> float:
    score = c.base
    if c.providers:
        score += 12.0
    if c.locations:
        score += 4.0
    if c.days:
        score += 4.0
    if c.windows:
        score += 8.0
    if s.type_id is not None and c.type_id == s.type_id:
        score += 6.0
    return score - min(s.minutes - c.duration, 60) * 0.1


def _window_word(windows: tuple[tuple[int, int], ...], style: str) -> str:
    if all(b <= 12 * 60 for _, b in windows):
        return "mornings"
    if all(a >= 12 * 60 and b <= 17 * 60 + 30 for a, b in windows):
        return "afternoons"
    if all(a >= 12 * 60 for a, _ in windows):
        return "after " + local_time.fmt_minute(min(a for a, _ in windows), style)
    return _windows_text(windows, style)


def _windows_text(windows: Iterable[Sequence[int]], style: str) -> str:
    return ", ".join(f"{local_time.fmt_minute(w[0], style)}–{local_time.fmt_minute(w[1], style)}"
                     for w in windows)


def _reason(c: _Candidate, s: _Slot, now: datetime, names: dict[str, dict[int, str]], style: str) -> str:
    parts: list[str] = []
    days = "/".join(WEEKDAY_ABBR[d] for d in sorted(c.days)) if c.days and len(c.days) < 5 else ""
    windows = _window_word(c.windows, style) if c.windows else ""
    if days and windows:
        parts.append(f"prefers {days} {windows}")
    elif days:
        parts.append(f"prefers {days}")
    elif windows:
        parts.append(f"prefers {windows}")
    if c.providers:
        parts.append(f"asked for {names['provider'].get(s.provider_id, 'this provider')}")
    if c.locations:
        parts.append(f"prefers {names['location'].get(s.location_id, 'this location')}")
    waited = max(0, (now - c.created_at).days)
    parts.append(f"waiting {waited} day{'s' if waited != 1 else ''}")
    if c.priority <= 2:
        label = PRIORITY_LABELS[c.priority]
        parts.append(f"{label}: {c.reason}" if c.reason else label)
    if s.type_id is not None and c.type_id == s.type_id:
        parts.append("same visit type")
    if c.duration < s.minutes:
        parts.append(f"needs {c.duration} of {s.minutes} min")
    if c.count:
        parts.append(f"{c.count} offer{'s' if c.count != 1 else ''} so far")
    return " · ".join(parts)


class _Matcher:
    """Candidates sorted by the best score they could reach, scanned with a bound per opening."""

    def __init__(self, candidates: list[_Candidate]) -> None:
        self.candidates = sorted(candidates, key=lambda c: (-c.best, c.created_at, c.entry_id))
        self._by_place: dict[tuple[int, int], list[_Candidate]] = {}

    def _place(self, weekday: int, location_id: int) -> list[_Candidate]:
        """The candidates who take this weekday at this location (built once per pair, same order)."""
        key = (weekday, location_id)
        found = self._by_place.get(key)
        if found is None:
            found = self._by_place[key] = [
                c for c in self.candidates if (not c.days or weekday in c.days)
                and (not c.locations or location_id in c.locations)]
        return found

    def top(self, s: _Slot, k: int, *, skip_entries: set[int] | frozenset[int] = frozenset(),
            skip_patients: set[int] | frozenset[int] = frozenset()) -> list[tuple[float, _Candidate]]:
        # A min-heap of the best k so far; candidates come in order of the best score they could
        # reach, so once that cannot beat the k-th best, no later candidate can either.
        heap: list[tuple[float, int, int]] = []  # (score, -rank, rank): ties go to the earlier rank
        pool = self._place(s.weekday, s.location_id)
        for rank, c in enumerate(pool):
            if len(heap) >= k and c.best < heap[0][0]:
                break
            if c.entry_id in skip_entries or c.patient_id in skip_patients or not _fits(c, s):
                continue
            item = (_score(c, s), -rank, rank)
            if len(heap) < k:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
        best = sorted(heap, reverse=True)
        return [(score, pool[i]) for score, _, i in best]


def _names(session: Session, *, chairs: bool = True) -> dict[str, dict[int, str]]:
    names: dict[str, dict[int, str]] = {
        "provider": {i: n for i, n in session.execute(select(Provider.id, Provider.name))},
        "location": {i: n for i, n in session.execute(select(Location.id, Location.name))},
        "type": {i: n for i, n in session.execute(select(AppointmentType.id, AppointmentType.name))},
        "chair": {}}
    if chairs:
        names["chair"] = {i: n for i, n in session.execute(select(Chair.id, Chair.name))}
    return names


def _zones(session: Session) -> dict[int, ZoneInfo]:
    return {lid: ZoneInfo(tz) for lid, tz in session.execute(select(Location.id, Location.timezone))}


def _source_patient(session: Session, o: Opening) -> int | None:
    if o.source_appointment_id is None:
        return None
    return session.scalar(select(Appointment.patient_id).where(Appointment.id == o.source_appointment_id))


def _get_opening(session: Session, opening_id: int, *, lock: bool = False) -> Opening:
    query = select(Opening).where(Opening.id == opening_id)
    if lock:
        query = query.with_for_update()
    o = session.scalar(query)
    if o is None:
        raise NotFound(f"Opening #{opening_id} does not exist.")
    return o


def _channel_for(p: Patient, opted_out: set[tuple[str, str]], policy: MessagingPolicy) -> tuple[str, str]:
    """The channel and address an offer goes to: SMS only with opt-in, else email, else a phone call."""
    sms_ok = bool(p.contact_phone) and sms_allowed(p.sms_consent, ("sms", p.contact_phone or "") in opted_out,
                                                   policy)[0]
    email_ok = bool(p.contact_email) and p.email_consent \
        and ("email", (p.contact_email or "").lower()) not in opted_out \
        and ("email", p.contact_email or "") not in opted_out
    phone = p.contact_phone or p.guardian_phone or p.phone or ""
    order = {"sms": ("sms", "email", "phone"), "email": ("email", "sms", "phone")}.get(
        p.preferred_channel, ("phone",))
    for ch in order:
        if ch == "sms" and sms_ok:
            return "sms", p.contact_phone or ""
        if ch == "email" and email_ok:
            return "email", p.contact_email or ""
        if ch == "phone":
            return "phone", phone
    return "phone", phone


def _opted_out(session: Session, patients: Iterable[Patient]) -> set[tuple[str, str]]:
    addresses = {a for p in patients for a in (p.contact_phone, p.contact_email) if a}
    if not addresses:
        return set()
    rows = session.execute(select(ContactState.channel, ContactState.address).where(
        ContactState.address.in_(addresses),
        or_(ContactState.opted_out.is_(True), ContactState.undeliverable.is_(True)))).all()
    return {(ch, addr) for ch, addr in rows}


def match_opening(session: Session, opening_id: int, *, now: datetime, limit: int = 20,
                  settings: WaitlistSettings | None = None) -> list[MatchRow]:
    """The active entries that fit the opening, best first, each with why it matched.

    The active entries are loaded in one query of raw columns and parsed once (reused
    while they are unchanged); fit and score are computed in memory, scanning candidates
    in order of their opening-independent score and stopping when no later one can beat
    the ``limit``-th. Entries already offered this opening, and patients with a live
    offer, are left out.
    """
    now = _utc(now)
    settings = _settings_or_clinic(session, settings)
    o = _get_opening(session, opening_id)
    zones = _zones(session)
    s = _slot_of(o, zones[o.location_id], _source_patient(session, o))
    already = set(session.scalars(select(WaitlistOffer.entry_id).where(WaitlistOffer.opening_id == o.id)))
    best = _matcher_for(session, o.clinic_id, settings.max_offers, now).top(
        s, limit, skip_entries=already, skip_patients=_busy_patients(session))
    return _match_rows(session, best, s, now, settings)


def _match_rows(session: Session, best: list[tuple[float, _Candidate]], s: _Slot, now: datetime,
                settings: WaitlistSettings) -> list[MatchRow]:
    if not best:
        return []
    names = _names(session, chairs=False)
    patients = {p.id: p for p in session.scalars(select(Patient).where(
        Patient.id.in_([c.patient_id for _, c in best])))}
    opted = _opted_out(session, patients.values())
    rows = []
    style = local_time.clinic_time_format(session)
    for score, c in best:
        p = patients[c.patient_id]
        rows.append(MatchRow(c.entry_id, c.patient_id, p.display_name, names["type"].get(c.type_id, "?"),
                             c.duration, c.priority, max(0, (now - c.created_at).days), c.count,
                             round(score, 1), _reason(c, s, now, names, style),
                             _channel_for(p, opted, settings.policy)[0]))
    return rows


# ----- making offers ------------------------------------------------------------------------

# The text is the clinic's editable template "waitlist.offer" (Settings → Messages), one
# segment as packaged (160 GSM-7 characters), so the hold and the cap are short there; the
# email and the phone script say them in full. The rule for a text over one segment (a long
# clinic name, location or link): the clinic's "waitlist.offer_short" template is sent instead
# (packaged: without "Reply YES or tap"; a YES still books), even when it too is longer.
SMS_TEMPLATE = "waitlist.offer"
SMS_TEMPLATE_SHORTER = "waitlist.offer_short"
EMAIL_SUBJECT = "An earlier visit for {patient}: {date} at {time}"
EMAIL_TEXT = ("Hello,\n\nA visit has opened up for {patient} on {date} at {time} with {provider} "
              "at {location}. We are holding it for you for {hold} from this message. This is "
              "offer {number} of {cap} we can make from the waitlist.\n\n{link_line}"
              "You can also call us at {phone}.\n\n{clinic}")
PHONE_SCRIPT = ("Call {phone_to}. \"Hello, this is {clinic}. A visit has opened up for {patient} on "
                "{date} at {time} with {provider} at {location}. Would you like it? We can hold it "
                "for {hold}; this is offer {number} of {cap} from the waitlist.\" Record the answer "
                "with Record response.")


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
    extra = {k: words.get(k, "") for k in ("first_name", "guardian_name", "day", "location_address",
                                             "hold_minutes")}
    return {**extra, "patient_first_name": words["patient"], "date": words["date"], "time": words["time"],
            "location": words["location"], "clinic_name": words["clinic"], "clinic_phone": words["phone"],
            "link": link.strip(), "provider": words["provider"], "hold": words["hold_short"],
            "offer_count": f"{words['number']}/{words['cap']}", "unsubscribe_link": ""}


def _packaged_sms_templates() -> tuple[str, str]:
    from orca_desk.services.message_templates import default_templates

    bodies = {t.key: t.body for t in default_templates() if t.channel == "sms"}
    return bodies[SMS_TEMPLATE], bodies[SMS_TEMPLATE_SHORTER]


def _clinic_sms_templates(session: Session, clinic_id: int | None) -> tuple[str, str]:
    if clinic_id is None:
        return _packaged_sms_templates()
    from orca_desk.services.message_templates import get_template

    return (get_template(session, clinic_id, SMS_TEMPLATE, "sms").body,
            get_template(session, clinic_id, SMS_TEMPLATE_SHORTER, "sms").body)


def _hold_short(hold: timedelta) -> str:
    minutes = int(hold.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes} min"


def _hold_words(hold: timedelta) -> str:
    minutes = int(hold.total_seconds() // 60)
    if minutes % 60 == 0:
        h = minutes // 60
        return f"{h} hour{'s' if h != 1 else ''}"
    return f"{minutes} minutes"


@dataclass
class _Context:
    """What offering needs about the clinic, loaded once per transaction."""

    names: dict[str, dict[int, str]]
    zones: dict[int, ZoneInfo]
    clinic_name: str
    clinic_phone: str
    sms_templates: tuple[str, str]  # the clinic's (offer, shorter offer) text templates
    addresses: dict[int, str]  # location id -> its street address


def _context(session: Session) -> _Context:
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    addresses = {i: a or n for i, a, n in session.execute(
        select(Location.id, Location.address, Location.name))}
    return _Context(_names(session), _zones(session), clinic.name if clinic else "Your orthodontist",
                    clinic.phone if clinic else "",
                    _clinic_sms_templates(session, clinic.id if clinic else None), addresses)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _words(o: Opening, p: Patient, ctx: _Context, settings: WaitlistSettings,
           number: int) -> dict[str, str]:
    local = o.start_at.astimezone(ctx.zones[o.location_id])
    return {"clinic": ctx.clinic_name, "patient": p.first_name, "date": format_date(local),
            "time": format_time(local), "location": ctx.names["location"].get(o.location_id, ""),
            "provider": ctx.names["provider"].get(o.provider_id, ""), "hold": _hold_words(settings.hold),
            "hold_short": _hold_short(settings.hold),
            "phone": ctx.clinic_phone, "number": str(number), "cap": str(settings.max_offers),
            "first_name": (p.guardian_name or "").split()[0] if p.guardian_name else p.first_name,
            "guardian_name": p.guardian_name or p.display_name, "day": _WEEKDAYS[local.weekday()],
            "location_address": ctx.addresses.get(o.location_id, ""),
            "hold_minutes": str(int(settings.hold.total_seconds() // 60))}


def _link(offer_id: int, expires: datetime, settings: WaitlistSettings, purpose: str = LINK_PURPOSE) -> str:
    if settings.secret is None:
        return ""
    from orca_desk.services.patient_links import link_for

    return link_for(purpose, offer_id, expires, secret=settings.secret, base_url=settings.base_url)


@dataclass
class _Planned:
    offer: WaitlistOffer
    patient: Patient
    subject: str | None
    not_after: datetime
    words: dict[str, str]
    sms_templates: tuple[str, str] | None = None  # the clinic's; None: the packaged ones


def _texts_sent(session: Session, numbers: Iterable[str], now: datetime) -> dict[str, list[datetime]]:
    """When texts that count against each number's budget went out (the last 8 days), read as
    dispatch reads them when it judges a send."""
    from orca_desk.services.messaging.inbound import BUDGET_EXEMPT

    sent: dict[str, list[datetime]] = {n: [] for n in numbers if n}
    since = now - timedelta(days=8)
    for chunk in chunks(list(sent)):
        for address, sent_at, claimed_at in session.execute(select(
                OutboxMessage.to_address, OutboxMessage.sent_at, OutboxMessage.claimed_at).where(
                OutboxMessage.to_address.in_(chunk), OutboxMessage.channel == "sms",
                OutboxMessage.merged_into_id.is_(None), OutboxMessage.purpose.not_in(BUDGET_EXEMPT),
                OutboxMessage.status.in_(("sending", "sent", "delivered")),
                or_(OutboxMessage.sent_at >= since, OutboxMessage.claimed_at >= since))):
            when = sent_at or claimed_at
            if when is not None:
                sent[address].append(when)
    return sent


def _plan_offer(session: Session, o: Opening, entry: WaitlistEntry, p: Patient, *, now: datetime,
                settings: WaitlistSettings, ctx: _Context, opted: set[tuple[str, str]], broadcast: bool,
                created_by: str, sent: dict[str, list[datetime]] | None = None,
                phone_fallback: bool = False) -> _Planned | str:
    """Build one offer (not yet messaged), or say why it cannot be made.

    A family whose number has used its texts for the day (the clinic's budget) is offered by
    email when they have it; else not now (the opening goes to the next in line), because a
    text deferred to tomorrow would hold the opening with nobody told (``phone_fallback``,
    staff offering this entry by hand: a call for staff instead). ``sent``: the numbers'
    sent texts (``_texts_sent``), read here when not given."""
    entry_id = entry.id
    last_send = o.start_at - settings.min_lead - settings.min_hold
    zone = _zone(p.timezone, ctx.zones.get(p.home_location_id or o.location_id, ctx.zones[o.location_id]))
    channel, address = _channel_for(p, opted, settings.policy)
    send_at = next_allowed_send(now, zone, settings.policy)
    if send_at > last_send:
        return (f"{p.display_name} cannot be told in time: the first time outside quiet hours is "
                f"{local_time.fmt_day_time(send_at, zone, local_time.clinic_time_format(session))}.")
    if channel == "sms":
        if sent is None or address not in sent:
            sent = _texts_sent(session, [address], now)
        if not budget_allows(sent[address], send_at, zone, settings.policy):
            channel, address = _channel_for(p, opted | {("sms", address)}, settings.policy)
            if channel != "email" and not phone_fallback:
                return (f"{p.display_name}'s number has had its texts for today and there is no email "
                        "address to offer it by.")
    w = _words(o, p, ctx, settings, (entry.notification_count or 0) + 1)
    offer = WaitlistOffer(clinic_id=o.clinic_id, opening_id=o.id, entry_id=entry_id, patient_id=p.id,
                          channel=channel, to_address=address or None, message="", broadcast=broadcast,
                          created_by=created_by, created_at=now, send_after=send_at,
                          hold_released=False, outcome="")
    session.add(offer)
    not_after = o.start_at - settings.min_lead
    if channel == "phone":
        offer.message = PHONE_SCRIPT.format(**w, phone_to=address or "the family (no number on file!)")
        offer.hold_started_at = send_at  # staff call during opening hours; the hold runs from then
        offer.hold_expires_at = min(send_at + settings.hold, not_after)
    return _Planned(offer, p, None, not_after, w, ctx.sms_templates)


def _compose(planned: list[_Planned], settings: WaitlistSettings) -> None:
    """Write each message (after the flush that gave the offers their ids, which the links carry)."""
    for pl in planned:
        offer, w = pl.offer, pl.words
        link = _link(offer.id, pl.not_after, settings)  # the hold window itself is checked in the database
        if offer.channel == "sms":
            offer.message = _offer_sms(w, link, pl.sms_templates)
        elif offer.channel == "email":
            pl.subject = EMAIL_SUBJECT.format(**w)
            no = _link(offer.id, pl.not_after, settings, DECLINE_PURPOSE)
            offer.message = EMAIL_TEXT.format(**w, link_line=f"Book it: {link}\nPass: {no}\n\n" if link else
                                              "Reply to this email to book it or pass.\n\n")


def _mark_offered(session: Session, o: Opening, entry: WaitlistEntry, now: datetime) -> None:
    entry.status = "notified"
    entry.notification_count = (entry.notification_count or 0) + 1
    entry.updated_at = now
    o.status = "offered"
    o.next_check_at = None
    o.updated_at = now


def _enqueue(session: Session, planned: list[_Planned], now: datetime, settings: WaitlistSettings) -> None:
    """Write the planned offers (one flush), their messages, and queue them in bulk."""
    from orca_desk.services.messaging.outbox import NewMessage, enqueue_many

    session.flush()
    _compose(planned, settings)

    msgs = [p for p in planned if p.offer.channel in ("sms", "email")]
    if not msgs:
        return
    ids = enqueue_many(session, [
        NewMessage(clinic_id=p.offer.clinic_id, channel=p.offer.channel, to_address=p.offer.to_address or "",
                   body=p.offer.message, purpose=PURPOSE, dedupe_key=f"waitlist-offer:{p.offer.id}",
                   patient_id=p.patient.id, source_type=PURPOSE, source_id=p.offer.id, subject=p.subject,
                   send_after=p.offer.send_after, not_after=p.not_after) for p in msgs], now=now)
    for p, mid in zip(msgs, ids, strict=True):
        p.offer.outbox_message_id = mid


def _tell(session: Session, offer: WaitlistOffer, body: str, key: str, now: datetime,
          settings: WaitlistSettings | None) -> None:
    """A short follow-up to the family on the offer's channel (none for phone offers), held
    back by the clinic's quiet hours (``settings`` None: the clinic's saved policy)."""
    if offer.channel not in ("sms", "email") or not offer.to_address:
        return
    settings = _settings_or_clinic(session, settings)
    from orca_desk.services.messaging.outbox import enqueue

    p = session.get(Patient, offer.patient_id)
    zone = _zone(p.timezone if p else None, ZoneInfo("UTC"))
    if p is not None and p.timezone is None:
        o = session.get(Opening, offer.opening_id)
        if o is not None:
            zone = ZoneInfo(session.scalar(select(Location.timezone).where(Location.id == o.location_id))
                            or "UTC")
    enqueue(session, clinic_id=offer.clinic_id, channel=offer.channel, to_address=offer.to_address,
            body=body, purpose=PURPOSE, dedupe_key=f"waitlist-offer:{offer.id}:{key}", now=now,
            patient_id=offer.patient_id, source_type=PURPOSE, source_id=offer.id,
            subject="About the visit we offered" if offer.channel == "email" else None,
            send_after=next_allowed_send(now, zone, settings.policy))


def offer_openings(session: Session, openings: Sequence[Opening], *, now: datetime,
                   settings: WaitlistSettings, created_by: str = "automation",
                   size: int | None = None) -> list[WaitlistOffer]:
    """Offer each opening to its best match (top N in broadcast mode), several openings at once.

    The candidates are loaded once; a patient gets at most one live offer across all of
    them, and an entry is never offered the same opening twice. Openings whose chair has
    been booked meanwhile are withdrawn; openings nobody matches wait ``settings.recheck``.
    """
    now = _utc(now)
    if not openings:
        return []
    ctx = _context(session)
    taken = _taken_openings(session, openings)
    clinic_ids = {o.clinic_id for o in openings}
    if len(clinic_ids) != 1:
        return [x for cid in sorted(clinic_ids) for x in offer_openings(
            session, [o for o in openings if o.clinic_id == cid], now=now, settings=settings,
            created_by=created_by, size=size)]
    matcher = _matcher_for(session, openings[0].clinic_id, settings.max_offers, now)
    offered_before: dict[int, set[int]] = {}
    for oid, eid in session.execute(select(WaitlistOffer.opening_id, WaitlistOffer.entry_id).where(
            WaitlistOffer.opening_id.in_([o.id for o in openings]))):
        offered_before.setdefault(oid, set()).add(eid)
    source_patients = dict(session.execute(select(Appointment.id, Appointment.patient_id).where(
        Appointment.id.in_([o.source_appointment_id for o in openings if o.source_appointment_id]))).all())
    busy_patients = _busy_patients(session)
    chosen: list[tuple[Opening, _Slot, int, list[_Candidate]]] = []
    for o in sorted(openings, key=lambda x: (x.start_at, x.id)):
        if o.id in taken:
            _withdraw(session, o, "The chair has been booked meanwhile.", now, settings)
            continue
        s = _slot_of(o, ctx.zones[o.location_id], source_patients.get(o.source_appointment_id or -1))
        k = (size or o.broadcast_size or settings.broadcast_size) if o.mode == "broadcast" else 1
        best = matcher.top(s, k, skip_entries=offered_before.get(o.id, set()), skip_patients=busy_patients)
        if not best:
            o.next_check_at = now + settings.recheck
            o.updated_at = now
            continue
        picks = [c for _, c in best]
        busy_patients.update(c.patient_id for c in picks)
        chosen.append((o, s, k, picks))
    if not chosen:
        return []
    patients: dict[int, Patient] = {}
    entries: dict[int, WaitlistEntry] = {}
    opted: set[tuple[str, str]] = set()
    sent: dict[str, list[datetime]] = {}

    def load(cands: Sequence[_Candidate]) -> None:
        """The candidates' patients and entries, their opt-outs and their numbers' texts."""
        new_ids = {c.patient_id for c in cands} - patients.keys()
        new_patients = list(session.scalars(select(Patient).where(Patient.id.in_(new_ids)))) \
            if new_ids else []
        patients.update((p.id, p) for p in new_patients)
        new_entries = {c.entry_id for c in cands} - entries.keys()
        if new_entries:
            entries.update((e.id, e) for e in session.scalars(
                select(WaitlistEntry).where(WaitlistEntry.id.in_(new_entries))))
        opted.update(_opted_out(session, new_patients))
        sent.update(_texts_sent(session, {p.contact_phone for p in new_patients
                                          if p.contact_phone and p.contact_phone not in sent}, now))

    planned: list[_Planned] = []
    planned_patients: set[int] = set()

    def plan(o: Opening, cands: Sequence[_Candidate], need: int) -> int:
        made = 0
        for c in cands:
            if made >= need:
                break
            if c.entry_id not in entries or c.patient_id in planned_patients:
                continue
            result = _plan_offer(session, o, entries[c.entry_id], patients[c.patient_id], now=now,
                                 settings=settings, ctx=ctx, opted=opted, broadcast=o.mode == "broadcast",
                                 created_by=created_by, sent=sent)
            if isinstance(result, str):
                continue
            planned.append(result)
            planned_patients.add(c.patient_id)
            if result.offer.channel == "sms" and result.offer.to_address:
                # Siblings share a parent's number: this text counts for the next offer to it.
                sent.setdefault(result.offer.to_address, []).append(result.offer.send_after)
            _mark_offered(session, o, entries[c.entry_id], now)
            made += 1
        return made

    load([c for *_, picks in chosen for c in picks])
    for o, s, k, picks in chosen:
        made = plan(o, picks, k)
        # Rare: the best match cannot be told now (no time outside quiet hours; their number
        # has had its texts today and there is no email): the next in line, a few rounds.
        tried = {c.entry_id for c in picks}
        for _ in range(3):
            if made >= k:
                break
            more = [c for _, c in matcher.top(s, 10, skip_entries=offered_before.get(o.id, set()) | tried,
                                              skip_patients=busy_patients | planned_patients)]
            if not more:
                break
            load(more)
            made += plan(o, more, k - made)
            tried.update(c.entry_id for c in more)
        if not made:
            o.next_check_at = now + settings.recheck
    _enqueue(session, planned, now, settings)
    return [p.offer for p in planned]


def _taken_openings(session: Session, openings: Sequence[Opening]) -> set[int]:
    """Openings whose chair now holds an active appointment overlapping them (one query)."""
    lo = min(o.start_at for o in openings) - timedelta(hours=8)
    hi = max(o.end_at for o in openings)
    chairs = {o.chair_id for o in openings}
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    query = select(Appointment.chair_id, Appointment.start_at, Appointment.end_at).where(
        Appointment.chair_id.in_(chairs), Appointment.start_at < hi, Appointment.start_at > lo,
        Appointment.status.in_(ACTIVE_STATUSES))
    for chair_id, s, e in session.execute(query):
        busy.setdefault(chair_id, []).append((s, e))
    return {o.id for o in openings
            if any(s < o.end_at and e > o.start_at for s, e in busy.get(o.chair_id, []))}


def offer_opening(session: Session, actor: Actor, opening_id: int, *, now: datetime,
                  entry_id: int | None = None, broadcast: bool = False, size: int | None = None,
                  settings: WaitlistSettings | None = None) -> list[OfferRow]:
    """Staff: notify now — the best match, a chosen entry, or (broadcast) the top N at once.

    The seed's rules still apply: at most the offer limit per entry, one live offer per
    patient, quiet hours (the message waits and the hold starts when it goes out).
    """
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    settings = settings or default_settings(session)
    o = _get_opening(session, opening_id, lock=True)
    if o.status not in ("open", "offered"):
        raise ValidationError(f"This opening is {o.status}; it cannot be offered any more.")
    if o.start_at - settings.min_lead - settings.min_hold < now:
        raise ValidationError("This opening starts too soon to offer it to the waitlist.")
    if broadcast:
        o.mode = "broadcast"
        if size:
            o.broadcast_size = size
    if entry_id is None:
        offers = offer_openings(session, [o], now=now, settings=settings, created_by=actor.username,
                                size=size)
        if not offers:
            raise ValidationError("Nobody on the waitlist can be offered this opening now "
                                  "(no match, or their offers are used up).")
    else:
        offers = [_offer_to_entry(session, o, entry_id, now=now, settings=settings,
                                  created_by=actor.username)]
    audit.record(session, actor, "offer", "opening", o.id, now=now,
                 after={"entries": [x.entry_id for x in offers], "broadcast": broadcast})
    shown = _shown(session, offers)
    return [_offer_row(x, now, {x.patient_id: _patient_name(session, x.patient_id)}, shown) for x in offers]


def _offer_to_entry(session: Session, o: Opening, entry_id: int, *, now: datetime,
                    settings: WaitlistSettings, created_by: str) -> WaitlistOffer:
    entry = session.scalar(select(WaitlistEntry).where(WaitlistEntry.id == entry_id).with_for_update())
    if entry is None:
        raise NotFound(f"Waitlist entry #{entry_id} does not exist.")
    p = session.get(Patient, entry.patient_id)
    assert p is not None
    if entry.status not in ("active", "notified"):
        raise ValidationError(f"{p.display_name}'s waitlist entry is {entry.status}.")
    if entry.notification_count >= settings.max_offers:
        raise ValidationError(f"{p.display_name} has already been offered {entry.notification_count} "
                              f"openings, the most allowed ({settings.max_offers}).")
    live = session.scalar(select(func.count()).select_from(WaitlistOffer).where(
        WaitlistOffer.patient_id == p.id, _live_offer()))
    if live:
        raise ValidationError(f"{p.display_name} already has an offer waiting for an answer.")
    if session.scalar(select(func.count()).select_from(WaitlistOffer).where(
            WaitlistOffer.opening_id == o.id, WaitlistOffer.entry_id == entry.id)):
        raise ValidationError(f"{p.display_name} has already been offered this opening.")
    if entry.duration_minutes > (o.end_at - o.start_at).total_seconds() / 60:
        raise ValidationError(f"{p.display_name} needs {entry.duration_minutes} minutes; the opening "
                              "is shorter.")
    ctx = _context(session)
    result = _plan_offer(session, o, entry, p, now=now, settings=settings, ctx=ctx,
                         opted=_opted_out(session, [p]), broadcast=o.mode == "broadcast",
                         created_by=created_by, phone_fallback=True)
    if isinstance(result, str):
        raise ValidationError(result)
    _mark_offered(session, o, entry, now)
    _enqueue(session, [result], now, settings)
    return result.offer


def notify_entry(session: Session, actor: Actor, entry_id: int, *, now: datetime,
                 opening_id: int | None = None, settings: WaitlistSettings | None = None) -> OfferRow:
    """Staff: notify this entry now, of ``opening_id`` or of the best open opening that fits it."""
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    settings = settings or default_settings(session)
    if opening_id is None:
        opening_id = _best_opening_for(session, entry_id, now=now, settings=settings)
    rows = offer_opening(session, actor, opening_id, now=now, entry_id=entry_id, settings=settings)
    return rows[0]


def _best_opening_for(session: Session, entry_id: int, *, now: datetime, settings: WaitlistSettings) -> int:
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise NotFound(f"Waitlist entry #{entry_id} does not exist.")
    cands = _load_candidates(session, entry.clinic_id, settings.max_offers + 1, now,
                             [WaitlistEntry.id == entry_id])
    if not cands:
        raise ValidationError("This entry cannot be offered anything now (not active, or it already "
                              "has an offer waiting).")
    zones = _zones(session)
    c = cands[0]
    soon = now + settings.min_lead + settings.min_hold
    best: tuple[float, int] | None = None
    for o in session.scalars(select(Opening).where(Opening.status.in_(("open", "offered")),
                                                   Opening.start_at > soon).order_by(Opening.start_at)):
        s = _slot_of(o, zones[o.location_id], None)
        if _fits(c, s) and (best is None or _score(c, s) > best[0]):
            best = (_score(c, s), o.id)
    if best is None:
        raise ValidationError("No open opening fits this entry's preferences.")
    return best[1]


# ----- detecting openings -------------------------------------------------------------------


def _create_opening(session: Session, *, clinic_id: int, location_id: int, chair_id: int, provider_id: int,
                    type_id: int | None, start: datetime, end: datetime, source: str,
                    source_appointment_id: int | None, now: datetime, created_by: str = "automation",
                    mode: str = "sequential", note: str = "") -> Opening:
    o = Opening(clinic_id=clinic_id, location_id=location_id, chair_id=chair_id, provider_id=provider_id,
                type_id=type_id, start_at=start, end_at=end, source=source,
                source_appointment_id=source_appointment_id, status="open", mode=mode, broadcast_size=3,
                next_check_at=now, note=note, created_by=created_by, created_at=now, updated_at=now)
    session.add(o)
    session.flush()
    return o


def after_appointment_change(session: Session, change: Any, *, now: datetime,
                             min_lead: timedelta = WaitlistSettings.min_lead) -> Opening | None:
    """The booking seam: a cancellation, a no-show or a move away frees a slot → an Opening row.

    Runs inside the booking transaction (a rollback takes the opening with it). A booking
    or a restore that takes a slot back withdraws the openings it overlaps.
    """
    a = change.appointment
    kind = change.kind
    if kind in ("booked", "restored", "moved"):
        _withdraw_overlapping(session, a.chair_id, a.start_at, a.end_at, now)
    if kind in ("cancelled", "no_show"):
        start, end, chair_id, provider_id = a.start_at, a.end_at, a.chair_id, a.provider_id
    elif kind == "moved" and change.before:
        b = change.before
        start = datetime.fromisoformat(b["start"])
        end = datetime.fromisoformat(b["end"])
        chair_id, provider_id = int(b["chair_id"]), int(b["provider_id"])
        if chair_id == a.chair_id and start < a.end_at and end > a.start_at:
            # Moved within its own chair: only the uncovered part is free (the larger piece).
            pieces = [(start, min(end, a.start_at)), (max(start, a.end_at), end)]
            start, end = max(pieces, key=lambda iv: iv[1] - iv[0])
            if end <= start:
                return None
    else:
        return None
    if start - min_lead <= now or end - start < timedelta(minutes=10):
        return None
    location_id = session.scalar(select(Chair.location_id).where(Chair.id == chair_id))
    if location_id is None:
        return None
    source = {"cancelled": "cancellation", "no_show": "no_show", "moved": "moved"}[kind]
    return _create_opening(session, clinic_id=a.clinic_id, location_id=location_id, chair_id=chair_id,
                           provider_id=provider_id, type_id=a.type_id, start=start, end=end, source=source,
                           source_appointment_id=a.id, now=now)


def _withdraw_overlapping(session: Session, chair_id: int, start: datetime, end: datetime,
                          now: datetime) -> None:
    for o in session.scalars(select(Opening).where(
            Opening.chair_id == chair_id, Opening.status.in_(("open", "offered")),
            Opening.start_at < end, Opening.end_at > start)):
        _withdraw(session, o, "The slot has been booked.", now, None)


def _withdraw(session: Session, o: Opening, why: str, now: datetime,
              settings: WaitlistSettings | None) -> None:
    o.status = "withdrawn"
    o.note = why[:300]
    o.updated_at = now
    o.next_check_at = None
    _release_live(session, o, now, settings, response="no_response", tell=True)


def _release_live(session: Session, o: Opening, now: datetime, settings: WaitlistSettings | None, *,
                  response: str, tell: bool, keep: int | None = None) -> None:
    """End every live offer of the opening (except ``keep``); tell the families politely
    (``settings`` None: the clinic's, read only when someone is told)."""
    live = select(WaitlistOffer).where(WaitlistOffer.opening_id == o.id, _live_offer())
    for offer in session.scalars(live):
        if offer.id == keep:
            continue
        sent = offer.hold_started_at is not None
        offer.hold_released = True
        offer.response = response
        offer.responded_at = None
        offer.responded_via = "system"
        offer.outcome = "The slot was taken or withdrawn before an answer."
        _entry_back(session, offer, now, refund=not sent)
        if offer.outbox_message_id is not None and not sent:
            _cancel_message(session, offer.outbox_message_id, now)
        elif tell and sent:
            p = session.get(Patient, offer.patient_id)
            _tell(session, offer, f"Sorry, the visit we offered {p.first_name if p else 'you'} has just been "
                  "taken. You stay on our waitlist and we will let you know about the next one.",
                  "taken", now, settings)


def _cancel_message(session: Session, message_id: int, now: datetime) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                OutboxMessage.status.in_(("queued", "deferred")))
                    .values(status="cancelled", error="The waitlist offer ended before it was sent."))


def _entry_back(session: Session, offer: WaitlistOffer, now: datetime, *, refund: bool) -> None:
    """The entry leaves NOTIFIED (back to active) once none of its offers is live."""
    entry = session.get(WaitlistEntry, offer.entry_id)
    if entry is None:
        return
    if refund and entry.notification_count > 0:
        entry.notification_count -= 1  # they were never told: it does not count
    if entry.status == "notified":
        session.flush()
        live = session.scalar(select(func.count()).select_from(WaitlistOffer).where(
            WaitlistOffer.entry_id == entry.id, _live_offer()))
        if not live:
            entry.status = "active"
    entry.updated_at = now


def announce_opening(session: Session, actor: Actor, *, location_id: int, chair_id: int, provider_id: int,
                     start: datetime, end: datetime, now: datetime, mode: str = "sequential",
                     note: str = "") -> Opening:
    """Staff announce free time as an opening (calendar → "Offer to waitlist")."""
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    if mode not in ("sequential", "broadcast"):
        raise ValidationError(f"Unknown mode {mode!r}; use sequential or broadcast.", field="mode")
    if end <= start:
        raise ValidationError("The opening must end after it starts.", field="end")
    if start <= now:
        raise ValidationError("That time has already started.", field="start")
    chair = session.get(Chair, chair_id)
    if chair is None or chair.location_id != location_id:
        raise NotFound(f"Chair #{chair_id} is not at location #{location_id}.")
    problems = [p for p in check_slot(session, provider_id=provider_id, chair_id=chair_id, start=start,
                                      end=end) if p.kind != "provider_full"]
    if problems:
        raise ConflictError("That time cannot be offered: " + " ".join(p.message for p in problems))
    clinic_id = session.scalar(select(Location.clinic_id).where(Location.id == location_id))
    assert clinic_id is not None
    o = _create_opening(session, clinic_id=clinic_id, location_id=location_id, chair_id=chair_id,
                        provider_id=provider_id, type_id=None, start=start, end=end, source="manual",
                        source_appointment_id=None, now=now, created_by=actor.username, mode=mode, note=note)
    audit.record(session, actor, "announce", "opening", o.id, now=now,
                 after={"start": start.isoformat(), "end": end.isoformat(), "chair_id": chair_id})
    return o


def close_opening(session: Session, actor: Actor, opening_id: int, *, now: datetime) -> None:
    """Staff withdraw an opening (its live offers end and the families are told)."""
    actor.require(MANAGE_WAITLIST)
    o = _get_opening(session, opening_id, lock=True)
    if o.status in ("open", "offered"):
        _withdraw(session, o, f"Withdrawn by {actor.display_name or actor.username}.", _utc(now), None)


# ----- responses ----------------------------------------------------------------------------


def _lock_offer(session: Session, offer_id: int, now: datetime) -> tuple[WaitlistOffer, Opening]:
    offer = session.scalar(select(WaitlistOffer).where(WaitlistOffer.id == offer_id))
    if offer is None:
        raise NotFound(f"Offer #{offer_id} does not exist.")
    # Lock the opening first: every acceptance of one opening queues here (PostgreSQL); SQLite
    # writers are serialised by BEGIN IMMEDIATE.
    o = _get_opening(session, offer.opening_id, lock=True)
    session.refresh(offer, with_for_update=True)
    if offer.hold_started_at is None and offer.outbox_message_id is not None:
        # Its text went out but the hold was not started with the send: start it now.
        start_holds_of_sent(session, [(offer.outbox_message_id, offer.id)], now=now)
    return offer, o


def hold_window(session: Session, offer: WaitlistOffer) -> tuple[datetime | None, datetime | None]:
    """(start, end) of the offer's hold as a link page shows it: the stored hold, or, for a text
    recorded sent whose hold was not started with the send, the hold it starts (read only)."""
    if offer.hold_started_at is not None or offer.outbox_message_id is None or offer.response is not None \
            or offer.hold_released:
        return offer.hold_started_at, offer.hold_expires_at
    m = session.get(OutboxMessage, offer.outbox_message_id)
    o = session.get(Opening, offer.opening_id)
    if m is None or o is None or m.status not in LIVE_SEND_STATES or m.sent_at is None:
        return None, None
    settings = default_settings(session, with_secret=False)
    return m.sent_at, min(m.sent_at + settings.hold, o.start_at - settings.min_lead)


def _hold_problem(offer: WaitlistOffer, now: datetime,
                  window: tuple[datetime | None, datetime | None] | None = None) -> str | None:
    if offer.response is not None or offer.hold_released:
        return "This offer has already closed."
    started, expires = window if window is not None else (offer.hold_started_at, offer.hold_expires_at)
    if started is None or started > now:
        return "This offer has not been sent yet."
    if expires is not None and now >= expires:
        return "The time to answer this offer has passed."
    return None


def accept_offer(session: Session, offer_id: int, *, now: datetime, via: str = "sms",
                 actor: Actor = AUTOMATION, settings: WaitlistSettings | None = None) -> OfferResult:
    """Book the offered slot for the entry (re-checked for conflicts) and close the entry.

    Works only during the hold (staff may record an acceptance after it). When the slot
    can no longer be booked the family is told politely and the opening is offered again.
    Exactly one acceptance of an opening books it, however many arrive at once.
    """
    now = _utc(now)
    settings = _settings_or_clinic(session, settings)
    offer, o = _lock_offer(session, offer_id, now)
    p = session.get(Patient, offer.patient_id)
    first = p.first_name if p else "your child"
    problem = _hold_problem(offer, now)
    if problem and not (via == "staff" and offer.response is None and not offer.hold_released):
        if offer.response is None and offer.hold_expires_at is not None and now >= offer.hold_expires_at:
            _expire_offer(session, offer, o, now)
        return OfferResult(False, f"Sorry, {problem[0].lower()}{problem[1:]} We will let you know about "
                           "the next opening.", offer.id)
    offer.responded_at = now
    offer.responded_via = via
    _cancel_unsent(session, offer, now)
    if o.status != "offered":
        offer.response, offer.hold_released = "accepted", True
        offer.outcome = "Too late: the slot was already taken."
        _entry_back(session, offer, now, refund=False)
        text = (f"Sorry, the visit we offered {first} has just been taken by another family. You stay on "
                "our waitlist and we will let you know about the next one.")
        _tell(session, offer, text, "too-late", now, settings)
        return OfferResult(False, text, offer.id)
    entry = session.get(WaitlistEntry, offer.entry_id)
    assert entry is not None
    from orca_desk.services.booking import BookingRequest, book_appointment

    try:
        with session.begin_nested():
            o.status = "filled"  # before booking, so the booking seam does not withdraw it
            appt = book_appointment(session, actor if actor.can(BOOK) else AUTOMATION, BookingRequest(
                patient_id=offer.patient_id, provider_id=o.provider_id, chair_id=o.chair_id,
                type_id=entry.type_id, start=o.start_at, minutes=entry.duration_minutes,
                notes="Booked from the waitlist"), now=now)
    except OrcaError as exc:
        o.status = "offered"
        offer.response, offer.hold_released = "accepted", True
        offer.outcome = f"Could not book: {exc}"[:300]
        _entry_back(session, offer, now, refund=False)
        still_free = not _taken_openings(session, [o])
        if still_free:
            _reopen_if_idle(session, o, now)  # the next match is offered on the next tick
        else:
            _withdraw(session, o, "The slot could not be booked any more.", now, settings)
        text = (f"Sorry, we could not book that visit for {first} after all. You stay on our waitlist and "
                "we will let you know about the next opening.")
        _tell(session, offer, text, "failed", now, settings)
        return OfferResult(False, text, offer.id)
    offer.response, offer.hold_released = "accepted", True
    offer.booked_appointment_id = appt.id
    offer.outcome = "Booked."
    entry.status = "booked"
    entry.updated_at = now
    o.filled_at, o.filled_appointment_id, o.updated_at = now, appt.id, now
    _release_live(session, o, now, settings, response="no_response", tell=True, keep=offer.id)
    audit.record(session, actor, "waitlist_accept", "waitlist_offer", offer.id, now=now,
                 after={"appointment_id": appt.id, "via": via})
    local = o.start_at.astimezone(ZoneInfo(session.scalar(
        select(Location.timezone).where(Location.id == o.location_id)) or "UTC"))
    text = f"You're booked: {first} on {format_date(local)} at {format_time(local)}. See you then!"
    _tell(session, offer, text, "booked", now, settings)
    return OfferResult(True, text, offer.id, appt.id)


def decline_offer(session: Session, offer_id: int, *, now: datetime, via: str = "sms",
                  actor: Actor = AUTOMATION, settings: WaitlistSettings | None = None) -> OfferResult:
    """The family passes: the entry stays on the list and the next match is offered at once."""
    now = _utc(now)
    settings = _settings_or_clinic(session, settings)
    offer, o = _lock_offer(session, offer_id, now)
    if offer.response is not None or offer.hold_released:
        return OfferResult(False, "This offer has already closed.", offer.id)
    offer.response, offer.hold_released = "declined", True
    offer.responded_at, offer.responded_via = now, via
    _cancel_unsent(session, offer, now)
    offer.outcome = "Declined."
    _entry_back(session, offer, now, refund=False)
    _reopen_if_idle(session, o, now)
    audit.record(session, actor, "waitlist_decline", "waitlist_offer", offer.id, now=now, after={"via": via})
    p = session.get(Patient, offer.patient_id)
    text = f"Thanks for letting us know. {p.first_name if p else 'You'} stays on our waitlist."
    if via != "staff":
        _tell(session, offer, text, "declined", now, settings)
    return OfferResult(True, text, offer.id)


def record_response(session: Session, actor: Actor, offer_id: int, response: str, *, now: datetime,
                    settings: WaitlistSettings | None = None) -> OfferResult:
    """Staff enter the family's answer (a phone call, the front desk): accepted, declined, no_response."""
    actor.require(MANAGE_WAITLIST)
    if response == "accepted":
        actor.require(BOOK)
        return accept_offer(session, offer_id, now=now, via="staff", actor=actor, settings=settings)
    if response == "declined":
        return decline_offer(session, offer_id, now=now, via="staff", actor=actor, settings=settings)
    if response == "no_response":
        now = _utc(now)
        offer, o = _lock_offer(session, offer_id, now)
        if offer.response is not None or offer.hold_released:
            return OfferResult(False, "This offer has already closed.", offer.id)
        offer.response, offer.hold_released = "no_response", True
        offer.responded_at, offer.responded_via = now, "staff"
        _cancel_unsent(session, offer, now)
        offer.outcome = "No answer (recorded by staff)."
        _entry_back(session, offer, now, refund=False)
        _reopen_if_idle(session, o, now)
        audit.record(session, actor, "waitlist_no_response", "waitlist_offer", offer.id, now=now)
        return OfferResult(True, "Recorded: no answer. The next match will be offered.", offer.id)
    raise ValidationError(f"Unknown response {response!r}; use accepted, declined or no_response.",
                          field="response")


def _cancel_unsent(session: Session, offer: WaitlistOffer, now: datetime) -> None:
    """An offer answered (by staff) before its message went out: the message must not go out."""
    if offer.outbox_message_id is not None and offer.hold_started_at is None:
        _cancel_message(session, offer.outbox_message_id, now)


def _reopen_if_idle(session: Session, o: Opening, now: datetime) -> None:
    """An offered opening with no live offer left goes back to open, due now (escalation)."""
    session.flush()
    if o.status != "offered":
        return
    live = session.scalar(select(func.count()).select_from(WaitlistOffer).where(
        WaitlistOffer.opening_id == o.id, _live_offer()))
    if not live:
        o.status, o.next_check_at, o.updated_at = "open", now, now


def _expire_offer(session: Session, offer: WaitlistOffer, o: Opening, now: datetime) -> None:
    offer.response, offer.hold_released = "expired", True
    offer.outcome = "No answer within the hold."
    _entry_back(session, offer, now, refund=False)
    _reopen_if_idle(session, o, now)


# ----- SMS replies and patient links --------------------------------------------------------


def _answerable_offers(now: datetime) -> Any:
    """SMS offers that went out and that a YES/NO may still answer (live, or a hold ended < 1 day ago)."""
    return select(WaitlistOffer).where(
        WaitlistOffer.channel == "sms", WaitlistOffer.sent_at.is_not(None),
        or_(_live_offer(), WaitlistOffer.hold_expires_at > _utc(now) - timedelta(days=1)))


@dataclass
class _PreparedOffers:
    """The senders of a batch of replies who have a waitlist offer a reply may concern
    (``prepare_inbound``), and the replies to give staff if no later handler takes them.

    Holds of texts already sent are started first (``_catch_up_holds``), and replies only
    close offers, so a sender without one when the batch starts has none during the batch;
    a sender with one is looked up as before.
    """

    inbound_ids: set[int]
    senders: set[str]
    for_staff: list[Any] = field(default_factory=list)


_PREPARED = "orca_desk.waitlist.prepared_inbound"


def _catch_up_holds(session: Session, addresses: Sequence[str], now: datetime) -> None:
    """Start the holds of offers to these numbers whose text is recorded sent but whose hold
    has not started (dispatch starts it with the send; this covers a send recorded without
    it), so a reply is answered whatever the waitlist tick's timing."""
    messages: list[tuple[int, int]] = []
    for chunk in chunks(list(addresses)):
        messages.extend((mid, oid) for oid, mid in session.execute(
            select(WaitlistOffer.id, WaitlistOffer.outbox_message_id)
            .join(OutboxMessage, OutboxMessage.id == WaitlistOffer.outbox_message_id)
            .where(WaitlistOffer.to_address.in_(chunk), WaitlistOffer.hold_started_at.is_(None),
                   _live_offer(), OutboxMessage.status.in_(LIVE_SEND_STATES))) if mid is not None)
    if messages:
        start_holds_of_sent(session, messages, now=now)


def prepare_inbound(session: Session, inbounds: Sequence[Any], now: datetime) -> None:
    """Read, for a batch of replies, which senders have a waitlist offer (one query per 900)."""
    addresses = list(dict.fromkeys(i.from_address for i in inbounds if i.from_address))
    _catch_up_holds(session, addresses, now)
    senders: set[str] = set()
    for chunk in chunks(addresses):
        senders.update(session.scalars(select(WaitlistOffer.to_address).where(
            WaitlistOffer.channel == "sms", WaitlistOffer.to_address.in_(chunk),
            or_(_live_offer(), WaitlistOffer.hold_expires_at > now - timedelta(days=1))).distinct()))
    session.info[_PREPARED] = _PreparedOffers({i.id for i in inbounds}, senders)


def _for_staff(session: Session, inbound: Any) -> None:
    """A YES/NO about an offer that cannot be applied: staff see it flagged unless a later
    handler (a visit confirmation) understands it."""
    prepared: _PreparedOffers | None = session.info.get(_PREPARED)
    if prepared is not None:
        prepared.for_staff.append(inbound)
    else:
        inbound.needs_review = True


def handle_inbound(session: Session, inbound: Any, now: datetime,
                   settings: WaitlistSettings | None = None) -> bool:
    """Inbound chain handler: a YES/NO from a number whose newest sent text is an offer.

    A reply to an offer whose text is in doubt (claimed, the provider's answer not recorded),
    or to an offer the family already answered, is put in front of staff (``needs_review``).
    """
    kind = classify_reply(inbound.body or "").kind
    if kind not in ("confirm", "decline"):
        return False
    sender = inbound.from_address
    prepared: _PreparedOffers | None = session.info.get(_PREPARED)
    if prepared is not None and inbound.id in prepared.inbound_ids:
        prepared.inbound_ids.discard(inbound.id)  # a reply is handled once
        if sender not in prepared.senders:
            return False  # no offer to this number that a reply could concern
    else:
        _catch_up_holds(session, [sender], now)
    offer = session.scalar(_answerable_offers(now).where(WaitlistOffer.to_address == sender)
                           .order_by(WaitlistOffer.sent_at.desc(), WaitlistOffer.id.desc()).limit(1))
    if offer is None:
        in_doubt = session.scalar(select(func.count()).select_from(WaitlistOffer).join(
            OutboxMessage, OutboxMessage.id == WaitlistOffer.outbox_message_id).where(
            WaitlistOffer.to_address == sender, WaitlistOffer.channel == "sms", _live_offer(),
            OutboxMessage.status == "sending"))
        if in_doubt:
            _for_staff(session, inbound)
        return False
    newest = session.scalar(select(OutboxMessage.purpose).where(
        OutboxMessage.to_address == sender, OutboxMessage.channel == "sms",
        OutboxMessage.sent_at.is_not(None),
        OutboxMessage.sent_at > offer.sent_at).order_by(OutboxMessage.sent_at.desc()).limit(1))
    if newest is not None and newest != PURPOSE:
        return False  # a later reminder or confirmation is what this answers
    if offer.response is not None and offer.responded_via != "system" and offer.response != "expired":
        if kind == "confirm" and offer.response == "accepted" and offer.booked_appointment_id:
            inbound.handled_by, inbound.patient_id = PURPOSE, offer.patient_id
            return True  # a second YES to a visit already booked: nothing more to do
        _for_staff(session, inbound)  # they passed and now say YES, or booked and now say NO
        return False
    settings = _settings_or_clinic(session, settings)
    if kind == "confirm":
        result = accept_offer(session, offer.id, now=now, via="sms", settings=settings)
        if not result.ok:
            _tell(session, offer, result.message, f"reply-{inbound.id}", now, settings)
    else:
        decline_offer(session, offer.id, now=now, via="sms", settings=settings)
    inbound.handled_by = PURPOSE
    inbound.patient_id = offer.patient_id
    return True


class WaitlistReplyHandler:
    """The inbound-chain handler object (``handle(session, inbound, now) -> bool``)."""

    name = PURPOSE

    def __init__(self, settings: WaitlistSettings | None = None) -> None:
        self.settings = settings

    def prepare(self, session: Session, inbounds: Sequence[Any], now: datetime) -> None:
        prepare_inbound(session, inbounds, now)

    def handle(self, session: Session, inbound: Any, now: datetime) -> bool:
        return handle_inbound(session, inbound, now, self.settings)

    def finish(self, session: Session, now: datetime) -> None:
        prepared: _PreparedOffers | None = session.info.pop(_PREPARED, None)
        for inbound in prepared.for_staff if prepared is not None else ():
            if inbound.handled_by is None:
                inbound.needs_review = True


# ----- the tick job -------------------------------------------------------------------------


def process_waitlist(db: Any, *, now: datetime, settings: WaitlistSettings | None = None) -> TickReport:
    """The automation tick: start holds at send, expire holds, expire openings, offer the next.

    Idempotent: each step acts only on rows whose state says it is due, in its own
    transaction, so a second run at the same instant (or after a crash) changes nothing.
    """
    now = _utc(now)
    report = TickReport()
    with db.write() as session:
        settings = settings or default_settings(session)
        _start_holds(session, now, settings, report)
    with db.write() as session:
        _expire_holds(session, now, report)
    with db.write() as session:
        for o in session.scalars(select(Opening).where(Opening.status.in_(("open", "offered")),
                                                       Opening.start_at <= now + settings.min_lead)):
            o.status, o.next_check_at, o.updated_at = "expired", None, now
            _release_live(session, o, now, settings, response="no_response", tell=False)
            report.openings_expired += 1
    with db.write() as session:
        report.template_openings = _template_openings(session, now, settings)
    with db.write() as session:
        due = list(session.scalars(select(Opening).where(
            Opening.status == "open", Opening.next_check_at <= now,
            Opening.start_at > now + settings.min_lead).order_by(Opening.start_at).limit(2000)))
        report.offers_made += len(offer_openings(session, due, now=now, settings=settings))
    return report


def _template_openings(session: Session, now: datetime, settings: WaitlistSettings) -> int:
    """Unbooked applied template slots inside the look-ahead become openings (once each)."""
    try:
        from orca_desk.services.template_engine import open_template_slots
    except ImportError:  # pragma: no cover - templates not installed
        return 0
    start, end = now + settings.min_lead + settings.min_hold, now + settings.template_lookahead
    locations = list(session.scalars(select(Location.id)))
    slots = [x for x in open_template_slots(session, location_ids=locations, start=start, end=end)
             if x.chair_id is not None and x.start >= start]
    if not slots:
        return 0
    known = {(chair, at) for chair, at in session.execute(select(Opening.chair_id, Opening.start_at).where(
        Opening.source == "template_slot", Opening.start_at >= start, Opening.start_at < end))}
    # A slot freed by a cancellation already has its opening (the booking seam wrote it).
    live: dict[int, list[tuple[datetime, datetime]]] = {}
    for chair, a, b in session.execute(select(Opening.chair_id, Opening.start_at, Opening.end_at).where(
            Opening.status.in_(("open", "offered")), Opening.start_at < end, Opening.end_at > start)):
        live.setdefault(chair, []).append((a, b))
    clinic_of = {lid: cid for lid, cid in session.execute(select(Location.id, Location.clinic_id))}
    made = 0
    for x in slots:
        if x.chair_id is None or (x.chair_id, x.start) in known or any(
                a < x.end and b > x.start for a, b in live.get(x.chair_id, [])):
            continue
        known.add((x.chair_id, x.start))
        _create_opening(session, clinic_id=clinic_of[x.location_id], location_id=x.location_id,
                        chair_id=x.chair_id, provider_id=x.provider_id, type_id=x.type_id, start=x.start,
                        end=x.end, source="template_slot", source_appointment_id=None, now=now,
                        note=f"Template {x.template_name}")
        made += 1
    return made


def _start_hold(offer: WaitlistOffer, o: Opening, sent_at: datetime, settings: WaitlistSettings) -> None:
    """The hold runs from the instant the provider accepted the text (never from queueing)."""
    offer.sent_at = sent_at
    offer.hold_started_at = sent_at
    offer.hold_expires_at = min(sent_at + settings.hold, o.start_at - settings.min_lead)


def start_holds_of_sent(session: Session, messages: Sequence[tuple[int, int]], *, now: datetime,
                        settings: WaitlistSettings | None = None) -> int:
    """Start the hold of each offer whose text the provider has accepted, in the caller's
    transaction (``message_effects.after_sent``: the one recording the send; a reply or a
    link from the family). ``messages``: (message id, offer id: its ``source_id``);
    follow-up texts about an offer are skipped (the offer's own message id must match).
    Returns how many holds started."""
    started = 0
    for message_id, offer_id in messages:
        offer = session.get(WaitlistOffer, offer_id)
        if offer is None or offer.outbox_message_id != message_id or offer.hold_started_at is not None \
                or offer.response is not None or offer.hold_released:
            continue
        m = session.get(OutboxMessage, message_id)
        if m is None or m.status not in LIVE_SEND_STATES or m.sent_at is None:
            continue
        o = session.get(Opening, offer.opening_id)
        assert o is not None
        settings = _settings_or_clinic(session, settings)
        _start_hold(offer, o, m.sent_at, settings)
        started += 1
    return started


def _start_holds(session: Session, now: datetime, settings: WaitlistSettings, report: TickReport) -> None:
    """Catch up: holds of texts sent without one (normally started with the send itself), and
    offers whose text will not go out in time."""
    rows = session.execute(select(WaitlistOffer, OutboxMessage.status, OutboxMessage.sent_at,
                                  OutboxMessage.error_code)
                           .join(OutboxMessage, OutboxMessage.id == WaitlistOffer.outbox_message_id)
                           .where(WaitlistOffer.hold_started_at.is_(None), _live_offer())).all()
    for offer, status, sent_at, error_code in rows:
        o = session.get(Opening, offer.opening_id)
        assert o is not None
        cap = o.start_at - settings.min_lead
        if status in LIVE_SEND_STATES and sent_at is not None:
            _start_hold(offer, o, sent_at, settings)
            report.holds_started += 1
        elif status == "deferred" and error_code == BUDGET_DEFERRED:
            report.offers_made += _replace_budget_deferred(session, offer, o, now, settings)
        elif status in DEAD_SEND_STATES or now >= cap:
            offer.hold_released = True
            offer.response = "no_response"
            offer.responded_via = "system"
            offer.outcome = f"The message never went out ({status})."
            _entry_back(session, offer, now, refund=True)
            _reopen_if_idle(session, o, now)
            report.never_sent += 1


def _replace_budget_deferred(session: Session, offer: WaitlistOffer, o: Opening, now: datetime,
                             settings: WaitlistSettings) -> int:
    """A text deferred because the family's number had its texts for today (sent meanwhile by
    another feature) would leave the opening held by an offer nobody sees until tomorrow.
    It is withdrawn (not counted against the entry) and the same family is offered it by
    email when they have it; else the opening goes back to open and this tick offers it to
    the next in line. Returns the offers made here (0 or 1)."""
    assert offer.outbox_message_id is not None
    _cancel_message(session, offer.outbox_message_id, now)
    offer.hold_released, offer.response, offer.responded_via = True, "no_response", "system"
    offer.outcome = "Their number had had its texts for today; the opening was offered again."
    _entry_back(session, offer, now, refund=True)
    p = session.get(Patient, offer.patient_id)
    entry = session.get(WaitlistEntry, offer.entry_id)
    if p is not None and entry is not None and entry.status in ("active", "notified") \
            and o.status == "offered" and entry.notification_count < settings.max_offers:
        opted = _opted_out(session, [p]) | {("sms", offer.to_address or "")}
        if _channel_for(p, opted, settings.policy)[0] == "email":
            result = _plan_offer(session, o, entry, p, now=now, settings=settings, ctx=_context(session),
                                 opted=opted, broadcast=offer.broadcast, created_by="automation")
            if not isinstance(result, str):
                offer.outcome = "Their number had had its texts for today; offered by email instead."
                _mark_offered(session, o, entry, now)
                _enqueue(session, [result], now, settings)
                return 1
    _reopen_if_idle(session, o, now)
    return 0


def _expire_holds(session: Session, now: datetime, report: TickReport) -> None:
    due = select(WaitlistOffer).where(_live_offer(), WaitlistOffer.hold_expires_at <= now)
    for offer in session.scalars(due.order_by(WaitlistOffer.hold_expires_at)):
        o = session.get(Opening, offer.opening_id)
        assert o is not None
        _expire_offer(session, offer, o, now)
        report.holds_expired += 1


# ----- lists for the screen and the CLI -----------------------------------------------------


def _patient_name(session: Session, patient_id: int) -> str:
    row = session.execute(select(Patient.first_name, Patient.last_name)
                          .where(Patient.id == patient_id)).first()
    return f"{row[0]} {row[1]}" if row else f"Patient #{patient_id}"


@dataclass(frozen=True)
class _Shown:
    """How times are shown: each opening's location zone and the clinic's format."""

    zones: dict[int, ZoneInfo]  # opening id -> its location's zone
    style: str


def _shown(session: Session, offers: list[WaitlistOffer]) -> _Shown:
    ids = {x.opening_id for x in offers}
    zones = {oid: local_time.zone(tz) for oid, tz in session.execute(
        select(Opening.id, Location.timezone).join(Location, Location.id == Opening.location_id)
        .where(Opening.id.in_(ids)))} if ids else {}
    return _Shown(zones, local_time.clinic_time_format(session))


def _shown_time(at: datetime, opening_id: int, now: datetime, shown: _Shown) -> str:
    return local_time.fmt_when(at, shown.zones.get(opening_id), shown.style, now=now)


def _offer_state(x: WaitlistOffer, now: datetime, shown: _Shown) -> tuple[str, str, int | None]:
    if x.response is None and not x.hold_released:
        if x.hold_started_at is None or x.hold_started_at > now:
            when = x.send_after if x.send_after > now else None
            if when is None:
                return "queued", "queued", None
            tz = shown.zones.get(x.opening_id)
            return "queued", f"queued until {local_time.fmt_when(when, tz, shown.style, now=now)}", None
        left = int((x.hold_expires_at - now).total_seconds()) if x.hold_expires_at else 0
        if left <= 0 and x.hold_expires_at is not None:
            # Ran out, and the tick that closes it has not run yet: say so, never "0m left".
            return "holding", f"hold expired {_shown_time(x.hold_expires_at, x.opening_id, now, shown)}", 0
        return "holding", f"holding · {_left_text(left)} left", max(0, left)
    if x.response == "accepted" and x.booked_appointment_id:
        return "accepted", "booked", None
    labels = {"accepted": "accepted, could not book", "declined": "declined", "expired": "hold expired",
              "no_response": "no response"}
    return x.response or "no_response", labels.get(x.response or "", "closed"), None


def _offer_row(x: WaitlistOffer, now: datetime, names: dict[int, str], shown: _Shown) -> OfferRow:
    state, text, left = _offer_state(x, now, shown)
    sent = (local_time.fmt_when(x.sent_at, shown.zones.get(x.opening_id), shown.style, now=now)
            if x.sent_at else "")
    return OfferRow(x.id, x.opening_id, x.entry_id, x.patient_id, names.get(x.patient_id, ""), x.channel,
                    x.to_address or "", state, text, x.sent_at, x.hold_expires_at, left, x.responded_at,
                    x.response, x.booked_appointment_id, x.message, x.broadcast, sent)


def list_offers(session: Session, *, now: datetime, opening_id: int | None = None, live_only: bool = False,
                channel: str | None = None, limit: int = 500) -> list[OfferRow]:
    now = _utc(now)
    query = select(WaitlistOffer).order_by(WaitlistOffer.created_at.desc(),
                                           WaitlistOffer.id.desc()).limit(limit)
    if opening_id is not None:
        query = query.where(WaitlistOffer.opening_id == opening_id)
    if live_only:
        query = query.where(_live_offer())
    if channel is not None:
        query = query.where(WaitlistOffer.channel == channel)
    offers = list(session.scalars(query))
    names = {pid: f"{f} {la}" for pid, f, la in session.execute(
        select(Patient.id, Patient.first_name, Patient.last_name)
        .where(Patient.id.in_({x.patient_id for x in offers})))}
    shown = _shown(session, offers)
    return [_offer_row(x, now, names, shown) for x in offers]


def _opening_label(o: Opening, live: list[OfferRow], now: datetime, shown: _Shown) -> str:
    if o.status == "offered" and live:
        holding = [r for r in live if r.state == "holding"]
        running = [r for r in holding if (r.seconds_left or 0) > 0]
        if running:
            left = min(r.seconds_left or 0 for r in running)
            return f"offered · {_left_text(left)} left"
        if holding:
            ended = max((r.hold_expires_at for r in holding if r.hold_expires_at), default=now)
            return f"offered · hold expired {_shown_time(ended, o.id, now, shown)}"
        return "offered · message queued"
    return {"open": "open · waiting for a match", "filled": "filled", "expired": "expired",
            "withdrawn": "withdrawn"}.get(o.status, o.status)


def list_openings(session: Session, *, now: datetime, include_closed: bool = False,
                  location_id: int | None = None, start: datetime | None = None,
                  end: datetime | None = None, limit: int = 300) -> list[OpeningRow]:
    """Openings (open and offered first, soonest first) with their offers."""
    now = _utc(now)
    query = select(Opening)
    if not include_closed:
        query = query.where(Opening.status.in_(("open", "offered")))
    if location_id is not None:
        query = query.where(Opening.location_id == location_id)
    if start is not None:
        query = query.where(Opening.end_at > start)
    if end is not None:
        query = query.where(Opening.start_at < end)
    openings = list(session.scalars(query.order_by(Opening.start_at).limit(limit)))
    if not openings:
        return []
    ctx = _context(session)
    offers = list(session.scalars(select(WaitlistOffer).where(
        WaitlistOffer.opening_id.in_([o.id for o in openings])).order_by(WaitlistOffer.id)))
    names = {pid: f"{f} {la}" for pid, f, la in session.execute(
        select(Patient.id, Patient.first_name, Patient.last_name)
        .where(Patient.id.in_({x.patient_id for x in offers})))} if offers else {}
    by_opening: dict[int, list[OfferRow]] = {}
    shown = _shown(session, offers)
    for x in offers:
        by_opening.setdefault(x.opening_id, []).append(_offer_row(x, now, names, shown))
    rows = []
    for o in openings:
        zone = ctx.zones[o.location_id]
        ls, le = o.start_at.astimezone(zone), o.end_at.astimezone(zone)
        when = f"{format_date(ls)} {local_time.fmt_range(ls, le, zone, shown.style)}"
        mine = tuple(by_opening.get(o.id, []))
        live = [r for r in mine if r.state in ("queued", "holding")]
        rows.append(OpeningRow(o.id, o.location_id, ctx.names["location"].get(o.location_id, ""), o.chair_id,
                               ctx.names["chair"].get(o.chair_id, ""), o.provider_id,
                               ctx.names["provider"].get(o.provider_id, ""), o.start_at, o.end_at,
                               when, o.source, o.status, o.mode, _opening_label(o, live, now, shown), mine))
    return rows


def offered_openings(session: Session, *, location_id: int, start: datetime, end: datetime,
                     now: datetime) -> list[OfferedOpening]:
    """Open and offered openings of a location in [start, end), for the calendar ("offered · 1h52m left")."""
    out = []
    for r in list_openings(session, now=now, location_id=location_id, start=start, end=end):
        holding = [x.seconds_left or 0 for x in r.offers if x.state == "holding"]
        label = r.label if r.status == "offered" else "opening · waitlist"
        out.append(OfferedOpening(r.id, r.chair_id, r.provider_id, r.start, r.end, r.status, label,
                                  min(holding) if holding else None))
    return out


def _prefs_text(e: WaitlistEntry, names: dict[str, dict[int, str]], style: str) -> str:
    parts = []
    if e.days_of_week:
        parts.append("/".join(WEEKDAY_ABBR[d] for d in sorted(e.days_of_week)))
    if e.time_windows:
        parts.append(_windows_text(e.time_windows, style))
    if e.provider_ids:
        parts.append(", ".join(names["provider"].get(i, f"#{i}") for i in e.provider_ids))
    if e.location_ids:
        parts.append(", ".join(names["location"].get(i, f"#{i}") for i in e.location_ids))
    if e.latest_date:
        parts.append(f"by {e.latest_date:%d %b}")
    return " · ".join(parts) or "any time"


def list_entries(session: Session, *, now: datetime, statuses: Sequence[str] = ("active", "notified"),
                 settings: WaitlistSettings | None = None, limit: int = 2000) -> list[EntryRow]:
    """Waitlist entries (most urgent, then longest waiting, first)."""
    now = _utc(now)
    max_offers = _settings_or_clinic(session, settings).max_offers
    names = _names(session)
    style = local_time.clinic_time_format(session)
    rows = session.execute(select(WaitlistEntry, Patient.first_name, Patient.last_name)
                           .join(Patient, Patient.id == WaitlistEntry.patient_id)
                           .where(WaitlistEntry.status.in_(list(statuses)))
                           .order_by(WaitlistEntry.priority, WaitlistEntry.created_at).limit(limit)).all()
    return [EntryRow(e.id, e.patient_id, f"{f} {la}", e.type_id, names["type"].get(e.type_id, "?"),
                     e.duration_minutes, e.priority, e.status, e.notification_count, max_offers,
                     max(0, (now - e.created_at).days), _prefs_text(e, names, style), e.reason,
                     tuple(e.provider_ids or ()), tuple(e.location_ids or ()), tuple(e.days_of_week or ()),
                     tuple((int(a), int(b)) for a, b in (e.time_windows or ())), e.earliest_date,
                     e.latest_date)
            for e, f, la in rows]


def _validate_entry(session: Session, data: EntryInput) -> tuple[int, int]:
    patient = session.get(Patient, data.patient_id)
    if patient is None or not patient.is_active:
        raise NotFound(f"Patient #{data.patient_id} does not exist.")
    atype = session.get(AppointmentType, data.type_id)
    if atype is None:
        raise NotFound(f"Appointment type #{data.type_id} does not exist.")
    minutes = data.duration_minutes or atype.default_minutes
    if not 5 <= minutes <= 8 * 60:
        raise ValidationError("The length must be between 5 minutes and 8 hours.", field="duration_minutes")
    if not 1 <= data.priority <= 5:
        raise ValidationError("Priority is 1 (urgent) to 5 (low).", field="priority")
    if any(d not in range(7) for d in data.days_of_week):
        raise ValidationError("Days of the week are 0 (Monday) to 6 (Sunday).", field="days_of_week")
    for a, b in data.time_windows:
        if not 0 <= a < b <= 24 * 60:
            raise ValidationError(f"The time window {hhmm(a)}–{hhmm(b)} is not valid.", field="time_windows")
    if data.earliest_date and data.latest_date and data.latest_date < data.earliest_date:
        raise ValidationError("The latest date is before the earliest date.", field="latest_date")
    return patient.clinic_id, minutes


def _apply_entry(e: WaitlistEntry, data: EntryInput, minutes: int, now: datetime) -> None:
    e.type_id, e.duration_minutes = data.type_id, minutes
    e.provider_ids = sorted(set(data.provider_ids))
    e.location_ids = sorted(set(data.location_ids))
    e.days_of_week = sorted(set(data.days_of_week))
    e.time_windows = [[int(a), int(b)] for a, b in sorted(data.time_windows)]
    e.earliest_date, e.latest_date = data.earliest_date, data.latest_date
    e.priority, e.reason, e.updated_at = data.priority, data.reason.strip()[:200], now


def add_entry(session: Session, actor: Actor, data: EntryInput, *, now: datetime) -> int:
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    clinic_id, minutes = _validate_entry(session, data)
    e = WaitlistEntry(clinic_id=clinic_id, patient_id=data.patient_id, status="active", notification_count=0,
                      created_at=now)
    _apply_entry(e, data, minutes, now)
    session.add(e)
    session.flush()
    audit.record(session, actor, "add", "waitlist_entry", e.id, now=now,
                 after={"patient_id": data.patient_id})
    return e.id


def update_entry(session: Session, actor: Actor, entry_id: int, data: EntryInput, *, now: datetime) -> None:
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    e = session.get(WaitlistEntry, entry_id)
    if e is None:
        raise NotFound(f"Waitlist entry #{entry_id} does not exist.")
    _, minutes = _validate_entry(session, replace(data, patient_id=e.patient_id))
    _apply_entry(e, data, minutes, now)
    audit.record(session, actor, "edit", "waitlist_entry", e.id, now=now)


def remove_entry(session: Session, actor: Actor, entry_id: int, *, now: datetime) -> None:
    """Take an entry off the list; a live offer of it ends (its opening goes to the next match)."""
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    e = session.get(WaitlistEntry, entry_id)
    if e is None:
        raise NotFound(f"Waitlist entry #{entry_id} does not exist.")
    for offer in session.scalars(select(WaitlistOffer).where(WaitlistOffer.entry_id == e.id, _live_offer())):
        offer.response, offer.hold_released, offer.responded_via = "no_response", True, "staff"
        offer.outcome = "The entry was removed from the waitlist."
        if offer.outbox_message_id and offer.hold_started_at is None:
            _cancel_message(session, offer.outbox_message_id, now)
        o = session.get(Opening, offer.opening_id)
        if o is not None:
            _reopen_if_idle(session, o, now)
    e.status, e.updated_at = "removed", now
    audit.record(session, actor, "remove", "waitlist_entry", e.id, now=now)


