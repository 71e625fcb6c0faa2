"""Matching: which active entries fit an opening, their score, why, and how they would be told."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import String, bindparam, func, literal, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session

from orca_desk.db import CachedSelect
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Clinic, Location, Provider
from orca_desk.models.messaging import ContactState
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services import local_time
from orca_desk.services.messaging.message_locale import STAFF_WEEKDAYS_SHORT
from orca_desk.services.messaging.policy import MessagingPolicy, sms_allowed
from orca_desk.services.waitlist.common import (
    _as_date,
    _as_dt,
    _as_list,
    _get_opening,
    _live_offer,
    _utc,
)
from orca_desk.services.waitlist.rows import PRIORITY_LABELS, MatchRow
from orca_desk.services.waitlist.settings import WaitlistSettings

WEEKDAY_ABBR = STAFF_WEEKDAYS_SHORT
PRIORITY_POINTS = {1: 50.0, 2: 35.0, 3: 20.0, 4: 10.0, 5: 0.0}


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
    return _Slot(
        o.id,
        o.provider_id,
        o.location_id,
        o.type_id,
        int((o.end_at - o.start_at).total_seconds() // 60),
        local.date(),
        local.weekday(),
        local.hour * 60 + local.minute,
        exclude_patient,
    )


_CANDIDATE_COLUMNS = (
    WaitlistEntry.id,
    WaitlistEntry.patient_id,
    WaitlistEntry.type_id,
    WaitlistEntry.duration_minutes,
    type_coerce(WaitlistEntry.provider_ids, String),
    type_coerce(WaitlistEntry.location_ids, String),
    type_coerce(WaitlistEntry.days_of_week, String),
    type_coerce(WaitlistEntry.time_windows, String),
    type_coerce(WaitlistEntry.earliest_date, String),
    type_coerce(WaitlistEntry.latest_date, String),
    WaitlistEntry.priority,
    WaitlistEntry.reason,
    WaitlistEntry.notification_count,
    type_coerce(WaitlistEntry.created_at, String),
)


def _load_candidates(
    session: Session,
    clinic_id: int,
    max_offers: int,
    now: datetime,
    extra: Iterable[Any] = (),
    *,
    exclude_busy: bool = True,
) -> list[_Candidate]:
    """Active entries with offers left (and, by default, no live offer), in one query of raw columns."""
    query = select(*_CANDIDATE_COLUMNS).where(
        WaitlistEntry.clinic_id == clinic_id,
        WaitlistEntry.status == "active",
        WaitlistEntry.notification_count < max_offers,
        *extra,
    )
    if exclude_busy:
        query = query.where(WaitlistEntry.patient_id.not_in(_busy_patients_query()))
    out: list[_Candidate] = []
    for r in session.execute(query):
        created = _as_dt(r[13])
        windows = tuple((int(w[0]), int(w[1])) for w in _as_list(r[7]))
        c = _Candidate(
            r[0],
            r[1],
            r[2],
            r[3],
            frozenset(_as_list(r[4])),
            frozenset(_as_list(r[5])),
            frozenset(_as_list(r[6])),
            windows,
            _as_date(r[8]),
            _as_date(r[9]),
            r[10] or 3,
            r[11] or "",
            r[12],
            created,
        )
        days = max(0, (now - created).days)
        c.base = PRIORITY_POINTS.get(c.priority, 20.0) + min(days, 120) * 0.25
        c.best = (
            c.base
            + 12.0 * bool(c.providers)
            + 4.0 * bool(c.locations)
            + 4.0 * bool(c.days)
            + 8.0 * bool(c.windows)
            + 6.0
        )
        out.append(c)
    return out


def _busy_patients_query() -> Any:
    return select(WaitlistOffer.patient_id).where(_live_offer())


# Parsed candidates per (database, clinic), reused while the waitlist is unchanged (newest id,
# latest update) and within the hour of ``now`` they were ranked for. Live offers
# are excluded at match time, never cached.
_CACHE: dict[tuple[str, int, int], tuple[tuple[Any, ...], datetime, _Matcher]] = {}


_STATE = CachedSelect(
    select(
        select(func.max(WaitlistEntry.id)).scalar_subquery(),
        select(func.max(WaitlistEntry.updated_at)).scalar_subquery(),
    )
)


def _matcher_for(session: Session, clinic_id: int, max_offers: int, now: datetime) -> _Matcher:
    bind = session.get_bind()
    key = (str(bind.engine.url), id(bind.engine), clinic_id)
    # Two index lookups: every change of an entry (status, offers used, preferences) sets its
    # updated_at and an addition raises the newest id. (Entries are never deleted, only
    # removed; offering re-reads the entry rows and skips any that vanished.)
    (state,) = _STATE.rows(session.connection())
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
        start = s.local_start
        end = start + c.duration
        for a, b in c.windows:  # noqa: SIM110 - any() and its generator cost a third of a scan
            if a <= start and end <= b:
                return True
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
    return ", ".join(
        f"{local_time.fmt_minute(w[0], style)}–{local_time.fmt_minute(w[1], style)}" for w in windows
    )


@lru_cache(maxsize=1024)  # entries share a few dozen day and window preferences
def _prefers(days: frozenset[int], windows: tuple[tuple[int, int], ...], style: str) -> str:
    """ "prefers Mon/Wed mornings", or "" for an entry without day or window preferences."""
    day_text = "/".join(WEEKDAY_ABBR[d] for d in sorted(days)) if days and len(days) < 5 else ""
    window_text = _window_word(windows, style) if windows else ""
    if day_text and window_text:
        return f"prefers {day_text} {window_text}"
    if day_text or window_text:
        return f"prefers {day_text or window_text}"
    return ""


def _reason(c: _Candidate, s: _Slot, now: datetime, names: dict[str, dict[int, str]], style: str) -> str:
    parts: list[str] = []
    prefers = _prefers(c.days, c.windows, style) if c.days or c.windows else ""
    if prefers:
        parts.append(prefers)
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
        self._by_place: dict[tuple[int, int, int], list[_Candidate]] = {}
        self._by_length: dict[tuple[int, int, int, int], list[_Candidate]] = {}

    def _place(self, weekday: int, location_id: int, provider_id: int, minutes: int) -> list[_Candidate]:
        """The candidates who take this weekday at this location with this provider and need no
        more than ``minutes`` (built once per triple, then per length, same order): the scan then
        meets only entries that can fit."""
        key = (weekday, location_id, provider_id, minutes)
        found = self._by_length.get(key)
        if found is None:
            place = self._by_place.get(key[:3])
            if place is None:
                place = self._by_place[key[:3]] = [
                    c
                    for c in self.candidates
                    if (not c.days or weekday in c.days)
                    and (not c.locations or location_id in c.locations)
                    and (not c.providers or provider_id in c.providers)
                ]
            found = self._by_length[key] = [c for c in place if c.duration <= minutes]
        return found

    def top(
        self,
        s: _Slot,
        k: int,
        *,
        skip_entries: set[int] | frozenset[int] = frozenset(),
        skip_patients: set[int] | frozenset[int] = frozenset(),
    ) -> list[tuple[float, _Candidate]]:
        # A min-heap of the best k so far; candidates come in order of the best score they could
        # reach, so once that cannot beat the k-th best, no later candidate can either.
        heap: list[tuple[float, int, int]] = []  # (score, -rank, rank): ties go to the earlier rank
        pool = self._place(s.weekday, s.location_id, s.provider_id, s.minutes)
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


def _channel_for(p: Patient, opted_out: set[tuple[str, str]], policy: MessagingPolicy) -> tuple[str, str]:
    """The channel and address an offer goes to: SMS only with opt-in, else email, else a phone call."""
    email = p.contact_email or ""
    return _pick_channel(
        _Reach(
            p.contact_phone or "",
            email,
            p.guardian_phone or "",
            p.phone or "",
            p.sms_consent,
            p.email_consent,
            p.preferred_channel,
            ("sms", p.contact_phone or "") in opted_out,
            ("email", email.lower()) in opted_out or ("email", email) in opted_out,
        ),
        policy,
    )


class _Reach(NamedTuple):
    """What choosing a channel needs of a patient, the opt-outs already looked up."""

    contact_phone: str
    contact_email: str
    guardian_phone: str
    phone: str
    sms_consent: bool
    email_consent: bool
    preferred_channel: str
    sms_out: bool
    email_out: bool


_CHANNEL_ORDER = {"sms": ("sms", "email", "phone"), "email": ("email", "sms", "phone")}


def _pick_channel(r: _Reach, policy: MessagingPolicy) -> tuple[str, str]:
    sms_ok = bool(r.contact_phone) and sms_allowed(r.sms_consent, r.sms_out, policy)[0]
    email_ok = bool(r.contact_email) and r.email_consent and not r.email_out
    phone = r.contact_phone or r.guardian_phone or r.phone
    for ch in _CHANNEL_ORDER.get(r.preferred_channel, ("phone",)):
        if ch == "sms" and sms_ok:
            return "sms", r.contact_phone
        if ch == "email" and email_ok:
            return "email", r.contact_email
        if ch == "phone":
            return "phone", phone
    return "phone", phone


def _opted_out(session: Session, patients: Iterable[Patient]) -> set[tuple[str, str]]:
    # Email opt-outs are stored in lower case, whatever case the family's address was typed in.
    addresses = {
        a for p in patients for a in (p.contact_phone, p.contact_email, (p.contact_email or "").lower()) if a
    }
    if not addresses:
        return set()
    rows = session.execute(
        select(ContactState.channel, ContactState.address).where(
            ContactState.address.in_(addresses),
            or_(ContactState.opted_out.is_(True), ContactState.undeliverable.is_(True)),
        )
    ).all()
    return {(ch, addr) for ch, addr in rows}


def match_opening(
    session: Session,
    opening_id: int,
    *,
    now: datetime,
    limit: int = 20,
    settings: WaitlistSettings | None = None,
) -> list[MatchRow]:
    """The active entries that fit the opening, best first, each with why it matched.

    The active entries are loaded in one query of raw columns and parsed once (reused
    while they are unchanged); fit and score are computed in memory, scanning candidates
    in order of their opening-independent score and stopping when no later one can beat
    the ``limit``-th. Entries already offered this opening, and patients with a live
    offer, are left out.
    """
    now = _utc(now)
    settings, chosen_style = _settings_and_style(session, settings)
    o = _get_opening(session, opening_id)
    conn = session.connection()
    # The zone, the patient of the cancelled visit and the clinic's country in one statement;
    # what was offered already and who holds a live offer in another.
    ((tz, source_patient, country),) = _OPENING_PLACE.rows(
        conn, {"location": o.location_id, "source": o.source_appointment_id}
    )
    style = (
        chosen_style if chosen_style in local_time.TIME_FORMATS else local_time.default_time_format(country)
    )
    s = _slot_of(o, ZoneInfo(tz), source_patient)
    already: set[int] = set()
    busy: set[int] = set()
    for key, is_entry in _OFFERED.rows(conn, {"opening": o.id}):
        (already if is_entry else busy).add(key)
    best = _matcher_for(session, o.clinic_id, settings.max_offers, now).top(
        s, limit, skip_entries=already, skip_patients=busy
    )
    return _match_rows(session, best, s, now, settings.policy, style)


def _settings_and_style(session: Session, settings: WaitlistSettings | None) -> tuple[WaitlistSettings, str]:
    """The settings (``settings``, else the clinic's) and the time style chosen in them ("" when
    none is: the clinic's country decides), from one reading of the clinic's settings."""
    from orca_desk.services.clinic import clinic_settings  # clinic settings import messaging

    saved = clinic_settings.load_settings(session)
    if settings is None:  # as default_settings(with_secret=False) makes them
        settings = WaitlistSettings(
            hold=saved.waitlist_hold,
            policy=saved.policy(),
            base_url=clinic_settings.public_base_url(saved=saved),
        )
    return settings, saved.time_format


def _opted_out_sql(channel: str, *addresses: Any) -> Any:
    return (
        select(ContactState.id)
        .where(
            ContactState.channel == channel,
            ContactState.address.in_(addresses),
            or_(ContactState.opted_out.is_(True), ContactState.undeliverable.is_(True)),
        )
        .exists()
    )


# The patients of the rows as columns, with their addresses' opt-outs looked up alongside.
_PATIENT_COLUMNS = (
    Patient.id,
    Patient.first_name,
    Patient.last_name,
    func.coalesce(Patient.contact_phone, ""),
    func.coalesce(Patient.contact_email, ""),
    func.coalesce(Patient.guardian_phone, ""),
    func.coalesce(Patient.phone, ""),
    Patient.sms_consent,
    Patient.email_consent,
    Patient.preferred_channel,
    _opted_out_sql("sms", Patient.contact_phone),
    _opted_out_sql("email", Patient.contact_email, func.lower(Patient.contact_email)),
)


# Built once, their values bound at each match: composing them cost more than running them.
_PATIENTS = CachedSelect(select(*_PATIENT_COLUMNS).where(Patient.id.in_(bindparam("ids", expanding=True))))
# The opening's zone, the patient of the visit it came from and the clinic's country.
_OPENING_PLACE = CachedSelect(
    select(
        Location.timezone,
        select(Appointment.patient_id).where(Appointment.id == bindparam("source")).scalar_subquery(),
        select(Clinic.country).order_by(Clinic.id).limit(1).scalar_subquery(),
    ).where(Location.id == bindparam("location"))
)
# (entry id, True) for each offer of this opening, (patient id, False) for each live offer.
_OFFERED = CachedSelect(
    union_all(
        select(WaitlistOffer.entry_id, literal(True)).where(WaitlistOffer.opening_id == bindparam("opening")),
        select(WaitlistOffer.patient_id, literal(False)).where(_live_offer()),
    )
)
_NAMES = CachedSelect(
    union_all(
        select(literal("provider"), Provider.id, Provider.name).where(Provider.id == bindparam("provider")),
        select(literal("location"), Location.id, Location.name).where(Location.id == bindparam("location")),
        select(literal("type"), AppointmentType.id, AppointmentType.name).where(
            AppointmentType.id.in_(bindparam("types", expanding=True))
        ),
    )
)


def _names_for(session: Session, s: _Slot, type_ids: Iterable[int]) -> dict[str, dict[int, str]]:
    """The provider and location of the opening and the entries' visit types, in one statement."""
    names: dict[str, dict[int, str]] = {"provider": {}, "location": {}, "type": {}}
    params = {"provider": s.provider_id, "location": s.location_id, "types": sorted(set(type_ids))}
    for kind, key, name in _NAMES.rows(session.connection(), params):
        names[kind][key] = name
    return names


def _match_rows(
    session: Session,
    best: list[tuple[float, _Candidate]],
    s: _Slot,
    now: datetime,
    policy: MessagingPolicy,
    style: str,
) -> list[MatchRow]:
    if not best:
        return []
    names = _names_for(session, s, (c.type_id for _, c in best))
    patients = {
        r[0]: (f"{r[1]} {r[2]}", _Reach(*r[3:]))
        for r in _PATIENTS.rows(session.connection(), {"ids": [c.patient_id for _, c in best]})
    }
    rows = []
    for score, c in best:
        name, reach = patients[c.patient_id]
        rows.append(
            MatchRow(
                c.entry_id,
                c.patient_id,
                name,
                names["type"].get(c.type_id, "?"),
                c.duration,
                c.priority,
                max(0, (now - c.created_at).days),
                c.count,
                round(score, 1),
                _reason(c, s, now, names, style),
                _pick_channel(reach, policy)[0],
            )
        )
    return rows
