"""Recurring appointment series: preview every occurrence, book, extend, modify, cancel, export."""

from __future__ import annotations

import importlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from types import ModuleType
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from orca_desk.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentType,
    Chair,
    Location,
    Patient,
    Provider,
    RecurringSeries,
    SeriesException,
)
from orca_desk.models.reminders import StaffTask
from orca_desk.services import audit, booking, local_time, recurrence
from orca_desk.services.booking import MAX_MINUTES, BookingRequest
from orca_desk.services.bulk import epoch_seconds_sql, instant_param, param_mark
from orca_desk.services.errors import NotFound, OrcaError, ValidationError
from orca_desk.services.intervals import over_capacity, subtract
from orca_desk.services.security import AUTOMATION, BOOK, Actor
from orca_desk.services.series_exceptions import add_exception, record_moved

__all__ = [
    "HORIZON",
    "MAX_OCCURRENCES",
    "SKIP_TASK",
    "Alternative",
    "ChangePlan",
    "ChangeRow",
    "ExportAppointment",
    "HorizonReport",
    "PreviewOccurrence",
    "Problem",
    "SeriesChange",
    "SeriesDetail",
    "SeriesExport",
    "SeriesOccurrenceRow",
    "SeriesPreview",
    "cancel_series",
    "create_series",
    "extend_horizons",
    "load_series",
    "modify_series",
    "plan_extensions",
    "preview_series",
    "preview_series_change",
    "series_for_export",
]

HORIZON = timedelta(days=365)  # never-ending series are booked this far ahead, then extended
MAX_OCCURRENCES = 520  # a finite series is booked whole; more than ten years weekly is a mistake
ALTERNATIVE_DAYS = 7  # an alternative is looked for within this many days either side
_MAX_LENGTH = timedelta(minutes=MAX_MINUTES)
_MAX_SECONDS = MAX_MINUTES * 60
_REPLACEABLE = ("scheduled", "confirmed")  # an occurrence in another state has happened or is final

Scope = Literal["this", "following", "all"]


class SlotChoice(Protocol):
    """An alternative time: :class:`Alternative` or the availability engine's ``Opening``."""

    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def provider_id(self) -> int: ...
    @property
    def chair_id(self) -> int: ...


Decision = Literal["book", "skip"] | SlotChoice


@dataclass(frozen=True)
class Problem:
    kind: str  # outside_hours | provider_off | blocked | chair_taken | patient_busy | provider_full
    message: str


@dataclass(frozen=True)
class Alternative:
    start: datetime  # aware, in the location's zone
    end: datetime
    provider_id: int
    chair_id: int
    location_id: int


@dataclass(frozen=True)
class PreviewOccurrence:
    index: int  # 1-based position in the series
    start: datetime  # aware, in the location's zone (the RECURRENCE-ID)
    end: datetime
    problems: tuple[Problem, ...] = ()
    alternative: Alternative | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SeriesPreview:
    rrule: str
    dtstart: datetime
    zone: str
    minutes: int
    summary: str
    occurrences: tuple[PreviewOccurrence, ...]
    never_ends: bool  # the list stops at the booking horizon; the scheduler books further

    @property
    def conflicts(self) -> tuple[PreviewOccurrence, ...]:
        return tuple(o for o in self.occurrences if o.problems)


@dataclass(frozen=True)
class SeriesChange:
    """What a modification changes; ``None`` keeps the series' current value."""

    rrule: str | None = None
    start_time: time | None = None  # new local time of day
    minutes: int | None = None
    provider_id: int | None = None
    chair_id: int | None = None
    type_id: int | None = None


@dataclass(frozen=True)
class HorizonReport:
    series: int
    booked: int
    skipped: tuple[tuple[int, datetime, str], ...]  # (series id, local start, why)


@dataclass(frozen=True)
class ExportAppointment:
    id: int
    start: datetime  # UTC
    end: datetime
    status: str
    patient_id: int
    provider_id: int
    chair_id: int
    location_id: int
    type_id: int


@dataclass(frozen=True)
class SeriesExport:
    series_id: int
    rrule: str
    dtstart_local: datetime  # aware, in ``zone``
    zone: str
    minutes: int
    exdates: tuple[datetime, ...]  # local, aware
    overrides: tuple[tuple[datetime, ExportAppointment], ...]  # (RECURRENCE-ID local, the row)
    patient_id: int
    provider_id: int
    chair_id: int
    location_id: int
    type_id: int
    status: str
    summary: str


@dataclass(frozen=True)
class SeriesOccurrenceRow:
    original_start: datetime  # local, aware
    start: datetime | None  # where it is now (local); None when removed or not booked yet
    end: datetime | None
    state: str  # booked | moved | removed | cancelled | completed | no-show | ... | later
    appointment_id: int | None
    version: int | None


@dataclass(frozen=True)
class SeriesDetail:
    id: int
    summary: str
    rrule: str
    dtstart: datetime
    zone: str
    minutes: int
    status: str
    patient_id: int
    patient_name: str
    provider_id: int
    provider_name: str
    chair_id: int
    chair_name: str
    type_id: int
    type_name: str
    parent_id: int | None
    child_ids: tuple[int, ...]
    occurrences: tuple[SeriesOccurrenceRow, ...]


# --- rule helpers ---------------------------------------------------------------------------


def _strip(rrule: str) -> str:
    raw = rrule.strip()
    return raw[6:] if raw.upper().startswith("RRULE:") else raw


def _parts(rrule: str) -> list[tuple[str, str]]:
    out = []
    for part in _strip(rrule).split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out.append((k.strip().upper(), v.strip().upper()))
    return out


def _with_end(rrule: str, *, count: int | None = None, until_utc: datetime | None = None) -> str:
    """The rule with its COUNT/UNTIL replaced (RFC 5545: a zoned DTSTART takes a UTC UNTIL)."""
    parts = [(k, v) for k, v in _parts(rrule) if k not in ("COUNT", "UNTIL")]
    if count is not None:
        parts.append(("COUNT", str(count)))
    if until_utc is not None:
        parts.append(("UNTIL", until_utc.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")))
    return ";".join(f"{k}={v}" for k, v in parts)


def _end_of(rrule: str, zone: ZoneInfo) -> tuple[str, int | None, date | None]:
    values = dict(_parts(rrule))
    if "COUNT" in values:
        return "count", int(values["COUNT"]), None
    if "UNTIL" in values:
        text = values["UNTIL"]
        d = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        if text.endswith("Z") and "T" in text:
            utc = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            d = utc.astimezone(zone).date()
        return "until", None, d
    return "never", None, None


def _dtstart(s: RecurringSeries) -> datetime:
    return datetime.combine(s.start_date, time(s.start_minute // 60, s.start_minute % 60),
                            tzinfo=ZoneInfo(s.timezone))


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)




def _label(dt: datetime, session: Session) -> str:
    """A local date and time ("Tue 14 Apr 2026, 3:45 PM") in the clinic's 12- or 24-hour format."""
    return local_time.fmt_datetime(dt, dt.tzinfo if isinstance(dt.tzinfo, ZoneInfo) else None,
                                   local_time.clinic_time_format(session))


def _expand(rrule: str, dtstart: datetime, *, until: datetime | None, new: bool = False) -> list[datetime]:
    """Every occurrence of a finite rule, or those up to ``until`` of a never-ending one.

    ``new``: the series is being created, so a finite rule longer than MAX_OCCURRENCES is refused.
    """
    finite = _end_of(rrule, ZoneInfo(str(dtstart.tzinfo)))[0] != "never"
    if finite:
        occs = recurrence.occurrences(rrule, dtstart, limit=MAX_OCCURRENCES + 1 if new else None)
        if new and len(occs) > MAX_OCCURRENCES:
            raise ValidationError(f"The series has more than {MAX_OCCURRENCES} occurrences; "
                                  "end it sooner or choose 'never' (booked a year ahead).",
                                  field="rrule")
        return occs
    assert until is not None
    occs = recurrence.occurrences(rrule, dtstart, until=until, limit=MAX_OCCURRENCES * 2 + 1 if new else None)
    if new and len(occs) > MAX_OCCURRENCES * 2:
        raise ValidationError(f"The series has more than {MAX_OCCURRENCES * 2} occurrences in its first "
                              "booking year; repeat less often.", field="rrule")
    return occs


_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


def _check_rule(rrule: str) -> str:
    """The rule without its ``RRULE:`` prefix, refused (field ``rrule``) when it is not a series rule.

    An appointment series repeats at most once a day, at the start time: a finer FREQ, or
    BYHOUR/BYMINUTE/BYSECOND (several times a day), would book hundreds of visits and make
    the preview expand millions of dates.
    """
    recurrence.validate(rrule)
    parts = _parts(rrule)
    for key, value in parts:
        if key == "FREQ" and value in _SUB_DAILY:
            raise ValidationError(f"FREQ={value}: a series repeats at most once a day; choose daily, "
                                  "weekly, monthly or yearly.", field="rrule")
        if key in _TIME_PARTS:
            raise ValidationError(f"{key}={value}: a series repeats at most once a day, at its start "
                                  "time; leave out BYHOUR, BYMINUTE and BYSECOND.", field="rrule")
    return _strip(rrule)


def _zone(dtstart: datetime) -> ZoneInfo:
    if not isinstance(dtstart.tzinfo, ZoneInfo):
        raise ValidationError("The series start needs a time zone (the location's).", field="dtstart")
    return dtstart.tzinfo


# --- conflict checks, in memory ---------------------------------------------------------------


_Slot = tuple[int, int, int, int]  # (start, end) as epoch seconds, appointment id, patient id


def _epoch(dt: datetime) -> int:
    return int(dt.timestamp())


@dataclass
class _Busy:
    """Active appointments of the chairs, patients and providers involved, loaded once.

    Kept as sorted epoch seconds: comparing aware datetimes across zones is slow.
    """

    names: dict[int, str] = field(default_factory=dict)  # patient id -> name
    chair_names: dict[int, str] = field(default_factory=dict)
    providers: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (name, max)
    by_chair: dict[int, list[_Slot]] = field(default_factory=lambda: defaultdict(list))
    by_patient: dict[int, list[_Slot]] = field(default_factory=lambda: defaultdict(list))
    by_provider: dict[int, list[_Slot]] = field(default_factory=lambda: defaultdict(list))
    seen: set[int] = field(default_factory=set)
    style: str = "12h"  # the clinic's time format for the problems' texts
    _next_virtual: int = -1

    def add(self, appt_id: int, chair_id: int, patient_id: int, provider_id: int,
            start: datetime, end: datetime) -> None:
        self.add_epoch(appt_id, chair_id, patient_id, provider_id, _epoch(start), _epoch(end))

    def add_epoch(self, appt_id: int, chair_id: int, patient_id: int, provider_id: int,
                  start: int, end: int) -> None:
        if appt_id in self.seen:
            return
        self.seen.add(appt_id)
        row = (start, end, appt_id, patient_id)
        for index, key in ((self.by_chair, chair_id), (self.by_patient, patient_id),
                           (self.by_provider, provider_id)):
            lst = index[key]
            if lst and lst[-1] > row:
                lst.insert(bisect_left(lst, row), row)
            else:
                lst.append(row)

    def add_planned(self, chair_id: int, patient_id: int, provider_id: int,
                    start: datetime, end: datetime) -> None:
        """A slot this batch is about to book, so later slots of the batch see it."""
        self._next_virtual -= 1
        self.add(self._next_virtual, chair_id, patient_id, provider_id, start, end)

    @staticmethod
    def _overlapping(rows: list[_Slot], start: int, end: int, ignore: frozenset[int]) -> list[_Slot]:
        lo = bisect_left(rows, (start - _MAX_SECONDS,))
        hi = bisect_left(rows, (end,))
        return [r for r in rows[lo:hi] if r[1] > start and r[2] not in ignore]

    def is_free(self, *, patient_id: int, provider_id: int, chair_id: int, start: datetime, end: datetime,
                ignore: frozenset[int] = frozenset()) -> bool:
        """``problems()`` without the messages, for searching many candidate times."""
        return self.is_free_epoch(patient_id=patient_id, provider_id=provider_id, chair_id=chair_id,
                                  start=_epoch(start), end=_epoch(end), ignore=ignore)

    def is_free_epoch(self, *, patient_id: int, provider_id: int, chair_id: int, start: int, end: int,
                      ignore: frozenset[int] = frozenset()) -> bool:
        s, e = start, end
        if self._overlapping(self.by_chair.get(chair_id, []), s, e, ignore) \
                or self._overlapping(self.by_patient.get(patient_id, []), s, e, ignore):
            return False
        return not self._provider_full(provider_id, s, e, ignore)

    def _provider_full(self, provider_id: int, s: int, e: int, ignore: frozenset[int]) -> bool:
        """Would one more appointment in [s, e) exceed the provider's concurrency limit?"""
        limit = self.providers.get(provider_id, ("", 1))[1]
        theirs = self._overlapping(self.by_provider.get(provider_id, []), s, e, ignore)
        if len(theirs) < limit:  # cheap and common: cannot be full
            return False
        clipped = [(max(r[0], s), min(r[1], e)) for r in theirs]
        return bool(over_capacity([*clipped, (s, e)], limit))

    def problems(self, *, patient_id: int, provider_id: int, chair_id: int, start: datetime,
                 end: datetime, zone: ZoneInfo, ignore: frozenset[int] = frozenset()) -> list[Problem]:
        s, e = _epoch(start), _epoch(end)
        out: list[Problem] = []

        def span(r: _Slot) -> str:
            start, end = datetime.fromtimestamp(r[0], zone), datetime.fromtimestamp(r[1], zone)
            return local_time.fmt_range(start, end, zone, self.style)

        taken = self._overlapping(self.by_chair.get(chair_id, []), s, e, ignore)
        if taken:
            r = taken[0]
            who = self.names.get(r[3], "another patient")
            out.append(Problem("chair_taken", f"{self.chair_names.get(chair_id, 'The chair')} is taken "
                                              f"{span(r)} by {who}."))
        mine = self._overlapping(self.by_patient.get(patient_id, []), s, e, ignore)
        if mine:
            out.append(Problem("patient_busy", f"{self.names.get(patient_id, 'The patient')} already "
                                               f"has an appointment {span(mine[0])}."))
        name, limit = self.providers.get(provider_id, ("The provider", 1))
        if self._provider_full(provider_id, s, e, ignore):
            out.append(Problem("provider_full", f"{name} already sees {limit} patient"
                                                f"{'s' if limit != 1 else ''} at once then."))
        return out


def _load_busy(session: Session, busy: _Busy, windows: Sequence[tuple[datetime, datetime]], *,
               chair_ids: Iterable[int] = (), patient_ids: Iterable[int] = (),
               provider_ids: Iterable[int] = (), location_ids: Iterable[int] = ()) -> None:
    """One query: active appointments of those chairs/patients/providers overlapping the windows.

    The windows are a ``VALUES`` table joined to the appointments, so each (key, window)
    pair is one index range, ``chair_id = ? AND start_at > ? AND start_at < ?``, and a
    two-year series reads only the rows near its 104 dates.
    """
    wanted = {"chair_id": sorted(set(chair_ids)), "patient_id": sorted(set(patient_ids)),
              "provider_id": sorted(set(provider_ids)), "location_id": sorted(set(location_ids))}
    keys = [(col, ids) for col, ids in wanted.items() if ids]
    merged = _merge_windows(windows)
    if not keys or not merged:
        return
    statuses = ", ".join(f"'{st}'" for st in ACTIVE_STATUSES)
    conn = session.connection()
    mark = param_mark(conn)
    # VALUES columns have no type on PostgreSQL; SQLite compares the stored text.
    stamp = mark if conn.dialect.name == "sqlite" else f"CAST({mark} AS TIMESTAMP WITH TIME ZONE)"
    start_s, end_s = epoch_seconds_sql(conn, "a.start_at"), epoch_seconds_sql(conn, "a.end_at")
    # Plain driver SQL, and a VALUES table rather than an OR of one term per (key, window):
    # SQLite takes ~50 ms to prepare an OR of 300 ranges (only its statement cache hid it),
    # and binding ~1,000 parameters through the expression layer costs more than the lookups.
    for chunk in range(0, len(merged), 2000):
        part = merged[chunk:chunk + 2000]
        params: list[object] = []
        for lo, hi in part:
            # start_at bounds the index range; end_at > lo drops rows that end before the window.
            params += [instant_param(conn, t) for t in (lo - _MAX_LENGTH, hi, lo)]
        # The ranges find ids only (index and end_at); the columns are read once per distinct row.
        hits = []
        for col, ids in keys:
            marks = ", ".join([mark] * len(ids))
            hits.append(f"SELECT a.id FROM w JOIN appointment a ON a.{col} IN ({marks}) "
                        "AND a.start_at > w.lo AND a.start_at < w.hi AND a.end_at > w.after")
            params += ids
        rows = ", ".join([f"({stamp}, {stamp}, {stamp})"] * len(part))
        sql = (f"WITH w(lo, hi, after) AS (VALUES {rows}), hit(id) AS ({' UNION '.join(hits)}) "
               f"SELECT a.id, a.chair_id, a.patient_id, a.provider_id, {start_s}, {end_s}, p.first_name, "
               f"p.last_name FROM hit JOIN appointment a ON a.id = hit.id "
               f"JOIN patient p ON p.id = a.patient_id WHERE a.status IN ({statuses})")
        for r in conn.exec_driver_sql(sql, tuple(params)):
            busy.add_epoch(r[0], r[1], r[2], r[3], int(r[4]), int(r[5]))
            busy.names[r[2]] = f"{r[6]} {r[7]}"
    _load_names(session, busy, (), wanted["chair_id"], wanted["provider_id"])


def _merge_windows(windows: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for s, e in sorted(windows):
        if out and s <= out[-1][1] + timedelta(hours=12):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _load_names(session: Session, busy: _Busy, patient_ids: Iterable[int], chair_ids: Iterable[int],
                provider_ids: Iterable[int]) -> None:
    pids = [p for p in set(patient_ids) if p not in busy.names]
    if pids:
        for pid, first, last in session.execute(
                select(Patient.id, Patient.first_name, Patient.last_name).where(Patient.id.in_(pids))):
            busy.names[pid] = f"{first} {last}"
    cids = [c for c in set(chair_ids) if c not in busy.chair_names]
    if cids:
        for cid, name in session.execute(select(Chair.id, Chair.name).where(Chair.id.in_(cids))):
            busy.chair_names[cid] = name
    prov = [p for p in set(provider_ids) if p not in busy.providers]
    if prov:
        for pid, name, limit in session.execute(
                select(Provider.id, Provider.name, Provider.max_concurrent).where(Provider.id.in_(prov))):
            busy.providers[pid] = (name, limit)


def _availability() -> ModuleType | None:
    """The availability engine (issue 3), when it is installed; preview falls back without it."""
    try:
        module = importlib.import_module("orca_desk.services.availability")
    except ImportError:
        return None
    return module if hasattr(module, "check_slot") and hasattr(module, "find_openings") else None


_HOUR_KINDS = ("outside_hours", "provider_off", "blocked")


class _Hours:
    """Working hours, holidays, time off and blocks of a whole window, loaded once from the engine.

    It only screens: an occurrence it flags is then checked by the engine's own
    ``hours_problems`` (or ``check_slot``), whose answer and wording are the ones shown.
    """

    def __init__(self, session: Session, engine: ModuleType | None, *, provider_id: int, location_id: int,
                 chair_id: int, first: date, last: date) -> None:
        self.engine = engine
        self.data = None
        self.provider_id, self.location_id, self.chair_id = provider_id, location_id, chair_id
        loader = getattr(engine, "load_schedule_data", None)
        if loader is not None:
            try:
                self.data = loader(session, provider_ids=[provider_id], location_ids=[location_id],
                                   first_day=first, last_day=last)
            except (AttributeError, TypeError):  # an engine without the window loader
                self.data = None

    def suspicious(self, start: datetime, end: datetime) -> bool:
        """Whether the slot may be outside working time (True when it cannot tell)."""
        if self.engine is None:
            return False
        data = self.data
        if data is None:
            return True
        day = start.date()
        if end.date() != day and end.time() != time(0):
            return True
        s = start.hour * 60 + start.minute
        e = end.hour * 60 + end.minute or 24 * 60
        try:
            if any(a < e and s < b for (a, b), _ in data.off_spans(self.provider_id, self.location_id, day)):
                return True
            for blk in data.all_blocks_on(self.location_id, day):
                applies = (blk.provider_id is None and blk.chair_id is None) \
                    or blk.provider_id == self.provider_id or blk.chair_id == self.chair_id
                if applies and blk.start_minute < e and s < blk.end_minute:
                    return True
            if self.provider_id in data.scheduled:
                hours = data.base_hours(self.provider_id, day).get(self.location_id, [])
                return not any(a <= s and e <= b for a, b in hours)
        except (AttributeError, TypeError, KeyError):
            return True
        return False

    def windows(self, day: date) -> list[tuple[int, int]] | None:
        """Local minutes the provider can see patients in this chair that day; None: unknown.

        Working hours at the location minus holidays, time off and the blocks that take
        the provider or the chair, from the engine's own schedule data (one load per preview).
        """
        data = self.data
        if data is None:
            return None
        try:
            off = [span for span, _ in data.off_spans(self.provider_id, self.location_id, day)]
            off += [(b.start_minute, b.end_minute) for b in data.all_blocks_on(self.location_id, day)
                    if (b.provider_id is None and b.chair_id is None) or b.provider_id == self.provider_id
                    or b.chair_id == self.chair_id]
            if self.provider_id not in data.scheduled:
                return None if not off else subtract([(7 * 60, 19 * 60)], off)
            return subtract(data.base_hours(self.provider_id, day).get(self.location_id, []), off)
        except (AttributeError, TypeError, KeyError):
            return None


def _hours_problems(session: Session, engine: ModuleType, *, provider_id: int, chair_id: int,
                    start: datetime, end: datetime) -> list[Problem]:
    """The engine's own verdict and wording for hours, time off, holidays and blocks."""
    checker = getattr(engine, "hours_problems", None)
    if checker is not None:
        found = checker(session, provider_id=provider_id, chair_id=chair_id, start=_utc(start), end=_utc(end))
    else:
        found = engine.check_slot(session, provider_id=provider_id, chair_id=chair_id, start=_utc(start),
                                  end=_utc(end))
    return [Problem(str(p.kind), str(p.message)) for p in found if p.kind in _HOUR_KINDS]


# --- preview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    patient_id: int
    provider_id: int
    chair_id: int
    location_id: int
    type_id: int
    minutes: int
    zone: ZoneInfo
    clinic_id: int
    patient_name: str
    chair_name: str
    provider: tuple[str, int]  # name, patients at once


def _plan(session: Session, *, patient_id: int, provider_id: int, chair_id: int, type_id: int,
          minutes: int | None) -> _Plan:
    # One row for the five lookups (five ORM gets were a sixth of a preview); each LEFT JOIN
    # is on its own id, so a missing chair, provider or type comes back as NULLs.
    row = session.execute(
        select(Patient.is_active, Patient.clinic_id, Patient.first_name, Patient.last_name,
               Chair.is_active, Chair.location_id, Chair.name,
               Provider.is_active, Provider.name, Provider.max_concurrent,
               AppointmentType.is_active, AppointmentType.default_minutes, Location.timezone)
        .select_from(Patient)
        .outerjoin(Chair, Chair.id == chair_id)
        .outerjoin(Location, Location.id == Chair.location_id)
        .outerjoin(Provider, Provider.id == provider_id)
        .outerjoin(AppointmentType, AppointmentType.id == type_id)
        .where(Patient.id == patient_id)).one_or_none()
    if row is None or not row[0]:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    (_, clinic_id, first, last, chair_active, location_id, chair_name, provider_active, provider_name,
     provider_limit, type_active, default_minutes, timezone) = row
    if not chair_active:  # None: no such chair
        raise NotFound(f"Chair #{chair_id} does not exist.")
    if not provider_active:
        raise NotFound(f"Provider #{provider_id} does not exist or is inactive.")
    if not type_active:
        raise NotFound(f"Appointment type #{type_id} does not exist.")
    length = minutes if minutes is not None else default_minutes
    if not 0 < length <= MAX_MINUTES:
        raise ValidationError(f"An appointment lasts 1 minute to {MAX_MINUTES // 60} hours.", field="minutes")
    assert timezone is not None
    return _Plan(patient_id, provider_id, chair_id, location_id, type_id, length, ZoneInfo(timezone),
                 clinic_id, f"{first} {last}", chair_name, (provider_name, provider_limit))


def preview_series(session: Session, *, patient_id: int, provider_id: int, chair_id: int, type_id: int,
                   rrule: str, dtstart: datetime, minutes: int | None = None,
                   horizon: datetime | None = None, now: datetime | None = None,
                   replacing: Iterable[int] = (),
                   progress: Callable[[int, int], None] | None = None) -> SeriesPreview:
    """Every occurrence of the rule with its conflicts and, for each conflict, the nearest alternative.

    ``dtstart`` is aware (it is read in the chair's location zone). A never-ending rule is
    listed up to ``horizon`` (default: a year after ``dtstart``). ``replacing`` names
    appointments that the change would replace, so they do not count as conflicts.
    Appointment conflicts are checked in memory against rows loaded in one query; hours,
    time off, holidays and blocks come from the availability engine when it is installed.
    ``progress(done, total)`` is called as the dates are checked; it may raise to stop the
    preview (the desk's Cancel).
    """
    plan = _plan(session, patient_id=patient_id, provider_id=provider_id, chair_id=chair_id,
                 type_id=type_id, minutes=minutes)
    _zone(dtstart)
    start = dtstart.astimezone(plan.zone)
    rule = _check_rule(rrule)
    occs = _expand(rule, start, until=horizon or start + HORIZON, new=True)
    return _preview(session, plan, rule, start, occs, now=now, ignore=frozenset(replacing), progress=progress)


def _preview(session: Session, plan: _Plan, rule: str, dtstart: datetime, occs: list[datetime], *,
             now: datetime | None, ignore: frozenset[int],
             progress: Callable[[int, int], None] | None = None) -> SeriesPreview:
    total = 2 * len(occs)
    report = progress or (lambda _done, _total: None)
    report(0, total)
    length = timedelta(minutes=plan.minutes)
    busy = _Busy(style=local_time.clinic_time_format(session))
    busy.names[plan.patient_id] = plan.patient_name
    busy.chair_names[plan.chair_id] = plan.chair_name
    busy.providers[plan.provider_id] = plan.provider
    keys = {"chair_ids": [plan.chair_id], "patient_ids": [plan.patient_id],
            "provider_ids": [plan.provider_id]}
    _load_busy(session, busy, [(o, o + length) for o in occs], **keys)
    engine = _availability()
    near = timedelta(days=ALTERNATIVE_DAYS + 1)
    hours = _Hours(session, engine, provider_id=plan.provider_id, location_id=plan.location_id,
                   chair_id=plan.chair_id, first=(occs[0] - near).date() if occs else dtstart.date(),
                   last=(occs[-1] + near).date() if occs else dtstart.date())
    found: list[list[Problem]] = []
    for n, occ in enumerate(occs):
        if n % 8 == 0:
            report(n, total)
        end = occ + length
        problems = busy.problems(patient_id=plan.patient_id, provider_id=plan.provider_id,
                                 chair_id=plan.chair_id, start=occ, end=end, zone=plan.zone, ignore=ignore)
        if engine is not None and hours.suspicious(occ, end):
            problems = _hours_problems(session, engine, provider_id=plan.provider_id, chair_id=plan.chair_id,
                                       start=occ, end=end) + problems
        if now is not None and occ < now:
            problems.insert(0, Problem("past", "That time is in the past."))
        found.append(problems)
    # Alternatives, in memory: first the same day of every conflicting date (one query for
    # all of them), then, for those with nothing free that day, the week either side.
    planned = sorted(_utc(o) for o in occs)
    period = _period_of(rule)
    alternatives: dict[int, Alternative | None] = {}
    report(len(occs), total)
    for reach in (0, ALTERNATIVE_DAYS):
        todo = [i for i, p in enumerate(found) if p and alternatives.get(i) is None]
        if not todo:
            break
        windows = [(datetime.combine(occs[i].date() - timedelta(days=reach), time(0), tzinfo=plan.zone),
                    datetime.combine(occs[i].date() + timedelta(days=reach + 1), time(0), tzinfo=plan.zone))
                   for i in todo]
        _load_busy(session, busy, windows, **keys)
        for k, i in enumerate(todo):
            report(len(occs) + (len(occs) * (k + (len(todo) if reach else 0))) // (2 * len(todo)), total)
            alt = _nearest_alternative(session, engine if reach else None, busy, hours, plan, occs[i],
                                       planned, now=now, ignore=ignore, reach=reach, period=period)
            alternatives[i] = alt
            if alt is not None:
                # Accepting every suggestion must work: later suggestions see this one as taken.
                busy.add_planned(alt.chair_id, plan.patient_id, alt.provider_id, alt.start, alt.end)
    report(total, total)
    rows = [PreviewOccurrence(i + 1, occ, occ + length, tuple(found[i]), alternatives.get(i))
            for i, occ in enumerate(occs)]
    return SeriesPreview(rrule=rule, dtstart=dtstart, zone=plan.zone.key, minutes=plan.minutes,
                         summary=recurrence.describe(rule, dtstart), occurrences=tuple(rows),
                         never_ends=_end_of(rule, plan.zone)[0] == "never")


def _period_of(rule: str) -> Callable[[date], object]:
    """The rule's period a date is in: its day (DAILY), WKST week (WEEKLY), month or year.

    An alternative stays in its occurrence's period, so a weekly series never gets two
    visits one week and none the next (nor a monthly one two in a month).
    """
    values = dict(_parts(rule))
    freq = values.get("FREQ", "WEEKLY")
    if freq == "DAILY":
        return lambda d: d
    if freq == "WEEKLY":
        wkst = _DAY_CODES.index(values["WKST"]) if values.get("WKST") in _DAY_CODES else 0
        return lambda d: d - timedelta(days=(d.weekday() - wkst) % 7)
    if freq == "MONTHLY":
        return lambda d: (d.year, d.month)
    return lambda d: d.year


_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _nearest_alternative(session: Session, engine: ModuleType | None, busy: _Busy, hours: _Hours, plan: _Plan,
                         occ: datetime, planned: list[datetime], *, now: datetime | None,
                         ignore: frozenset[int], reach: int = ALTERNATIVE_DAYS,
                         period: Callable[[date], object] | None = None) -> Alternative | None:
    """The free slot nearest to ``occ`` (same chair and provider) within ALTERNATIVE_DAYS.

    Free means what the engine means: working time at the location minus holidays, time
    off and blocks (its schedule data, loaded once) minus appointments (chair exclusive,
    patient exclusive, provider concurrency; ``busy`` also holds the suggestions already
    made for this series), on a 5-minute grid, not on another date of this series, and in
    the same ``period`` (week of a weekly rule, ...) as ``occ``. Only when nothing is free
    in memory is ``availability.find_openings`` asked.
    """
    own_period = period(occ.date()) if period is not None else None

    def in_period(day: date) -> bool:
        return period is None or period(day) == own_period

    length = timedelta(minutes=plan.minutes)
    own = _utc(occ)

    def clashes_with_series(start: datetime) -> bool:
        i = bisect_left(planned, start - length)
        return any(p != own and p < start + length for p in planned[i:i + 3] if p + length > start)

    base = occ.hour * 60 + occ.minute
    secs = plan.minutes * 60
    now_epoch = _epoch(now) if now is not None else None
    for day_offset in sorted(range(-reach, reach + 1), key=lambda d: (abs(d), d)):
        day = occ.date() + timedelta(days=day_offset)
        if not in_period(day):
            continue
        windows = hours.windows(day)
        if windows is None:  # hours unknown: a weekday (as the original) between 07:00 and 19:00
            if day.weekday() >= 5 and occ.weekday() < 5:
                continue
            windows = [(7 * 60, 19 * 60)]
        starts = [m for a, b in windows for m in range(a + (-a) % 5, b - plan.minutes + 1, 5)]
        # Epoch of this day's local midnight at the day's daytime offset: exact for clinic
        # hours (a DST change happens at night), and cheaper than a zoned datetime per minute.
        midnight = _epoch(datetime.combine(day, time(12), tzinfo=plan.zone)) - 12 * 3600
        for minute in sorted(starts, key=lambda m: (abs(m - base), m)):
            if day_offset == 0 and minute == base:
                continue
            s_epoch = midnight + minute * 60
            if (now_epoch is not None and s_epoch < now_epoch) or not busy.is_free_epoch(
                    patient_id=plan.patient_id, provider_id=plan.provider_id, chair_id=plan.chair_id,
                    start=s_epoch, end=s_epoch + secs, ignore=ignore):
                continue
            cand = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=plan.zone)
            if not clashes_with_series(_utc(cand)):
                return Alternative(cand, cand + length, plan.provider_id, plan.chair_id, plan.location_id)
    if engine is None:
        return None
    lo = occ - timedelta(days=ALTERNATIVE_DAYS)
    if now is not None:
        lo = max(lo, now)
    openings = engine.find_openings(
        session, minutes=plan.minutes, after=_utc(lo), provider_ids=[plan.provider_id],
        location_ids=[plan.location_id], horizon_days=2 * ALTERNATIVE_DAYS + 1, limit=200)
    best = sorted((o for o in openings if not clashes_with_series(_utc(o.start))
                   and abs(o.start - occ) <= timedelta(days=ALTERNATIVE_DAYS)
                   and in_period(o.start.astimezone(plan.zone).date())
                   and busy.is_free(patient_id=plan.patient_id, provider_id=o.provider_id,
                                    chair_id=o.chair_id, start=o.start, end=o.end, ignore=ignore)),
                  key=lambda o: (o.chair_id != plan.chair_id,
                                 abs(o.start.astimezone(plan.zone).date() - occ.date()), abs(o.start - occ)))
    if not best:
        return None
    o = best[0]
    return Alternative(o.start.astimezone(plan.zone), o.end.astimezone(plan.zone), o.provider_id, o.chair_id,
                       o.location_id)


# --- creating and booking -------------------------------------------------------------------


def _normalise(decisions: Mapping[datetime, Decision] | None) -> dict[datetime, Decision]:
    return {_utc(k): v for k, v in (decisions or {}).items()}


def _book_occurrences(session: Session, actor: Actor, series: RecurringSeries, occs: Sequence[datetime],
                      decisions: Mapping[datetime, Decision], *, now: datetime, strict: bool,
                      reuse: dict[tuple[datetime, datetime, int, int, int], Appointment] | None = None,
                      ) -> tuple[int, list[tuple[datetime, str]]]:
    """Book each occurrence as decided; ``strict`` raises naming the date, else skips and reports."""
    zone = ZoneInfo(series.timezone)
    length = timedelta(minutes=series.minutes)
    booked = 0
    skipped: list[tuple[datetime, str]] = []
    for occ in occs:
        key = _utc(occ)
        local = occ.astimezone(zone)
        decision = decisions.get(key, "book")
        if decision == "skip":
            add_exception(session, series.id, key, "removed", None, "skipped when booking", now)
            continue
        if isinstance(decision, str):
            start, minutes = key, series.minutes
            provider_id, chair_id = series.provider_id, series.chair_id
            override = False
        else:
            start, minutes = _utc(decision.start), int((decision.end - decision.start).total_seconds() // 60)
            provider_id, chair_id = decision.provider_id, decision.chair_id
            override = True
        existing = (reuse or {}).pop((start, start + length, chair_id, provider_id, series.type_id), None) \
            if not override else None
        if existing is not None:
            existing.series_id, existing.series_occurrence_start, existing.updated_at = series.id, key, now
            booked += 1
            continue
        req = BookingRequest(patient_id=series.patient_id, provider_id=provider_id, chair_id=chair_id,
                             type_id=series.type_id, start=start, minutes=minutes, series_id=series.id)
        try:
            if strict:
                appt = booking.book_appointment(session, actor, req, now=now)
            else:
                with session.begin_nested():
                    appt = booking.book_appointment(session, actor, req, now=now)
        except OrcaError as exc:
            if strict:
                raise type(exc)(f"{_label(local, session)}: {exc} Nothing was booked; skip that date or "
                                "choose the suggested time.") from None
            add_exception(session, series.id, key, "removed", None, str(exc)[:200], now)
            skipped.append((local, str(exc)))
            continue
        appt.series_occurrence_start = key
        if override:
            add_exception(session, series.id, key, "override", appt.id, "alternative time", now)
        booked += 1
    session.flush()
    return booked, skipped


def create_series(session: Session, actor: Actor, *, patient_id: int, provider_id: int, chair_id: int,
                  type_id: int, rrule: str, dtstart: datetime, minutes: int | None = None,
                  decisions: Mapping[datetime, Decision] | None = None, notes: str = "",
                  adopt_appointment_id: int | None = None, now: datetime) -> int:
    """Create the series and book its occurrences (a year ahead when it never ends); all or nothing.

    ``decisions`` maps an occurrence start (as in the preview) to "book", "skip" or an
    alternative slot. An occurrence that cannot be booked raises, naming its date, and
    nothing at all is written. ``adopt_appointment_id``: the appointment "Repeat…" was
    opened from; it becomes the occurrence at its time instead of being booked twice.
    """
    actor.require(BOOK)
    plan = _plan(session, patient_id=patient_id, provider_id=provider_id, chair_id=chair_id,
                 type_id=type_id, minutes=minutes)
    _zone(dtstart)
    start = dtstart.astimezone(plan.zone).replace(second=0, microsecond=0)
    if start < now - booking.PAST_GRACE:
        raise ValidationError("The series would start in the past.", field="dtstart")
    rule = _check_rule(rrule)
    horizon = now + HORIZON
    occs = _expand(rule, start, until=horizon, new=True)
    if not occs:
        raise ValidationError("The rule gives no dates at all; check the days and the end.", field="rrule")
    start = occs[0]  # DTSTART is the first occurrence (RFC 5545 asks them to agree)
    chosen = _normalise(decisions)
    if all(chosen.get(_utc(o)) == "skip" for o in occs):
        raise ValidationError("Every date is skipped; there is nothing to book.")
    end_kind, count, until_date = _end_of(rule, plan.zone)
    with session.begin_nested():
        series = RecurringSeries(
            clinic_id=plan.clinic_id,
            patient_id=patient_id, provider_id=provider_id, chair_id=chair_id,
            location_id=plan.location_id, type_id=type_id, rrule=rule, start_date=start.date(),
            start_minute=start.hour * 60 + start.minute, timezone=plan.zone.key, minutes=plan.minutes,
            end_kind=end_kind, count=count, until_date=until_date,
            materialised_until=horizon if end_kind == "never" else None,
            status="active", notes=notes, created_at=now, updated_at=now)
        session.add(series)
        session.flush()
        reuse: dict[tuple[datetime, datetime, int, int, int], Appointment] = {}
        if adopt_appointment_id is not None:
            own = session.get(Appointment, adopt_appointment_id)
            if own is not None and own.patient_id == patient_id and own.series_id is None:
                reuse[(own.start_at, own.end_at, own.chair_id, own.provider_id, own.type_id)] = own
        _book_occurrences(session, actor, series, occs, chosen, now=now, strict=True, reuse=reuse)
        audit.record(session, actor, "create", "series", series.id, now=now,
                     after={"rrule": rule, "dtstart": start.isoformat(), "occurrences": len(occs)})
    return series.id


# --- horizon extension (the scheduler's batch) ----------------------------------------------


@dataclass(frozen=True)
class _Extension:
    series_id: int
    occurrences: tuple[datetime, ...]
    problems: tuple[tuple[datetime, str], ...]


def plan_extensions(session: Session, *, now: datetime, horizon: timedelta = HORIZON) -> list[_Extension]:
    """Expand every never-ending active series up to ``now + horizon`` and check the new dates.

    A fixed number of queries for any number of series: the series, their existing
    occurrences and exceptions, and the appointments of the window (by location).
    """
    target = now + horizon
    series = list(session.scalars(select(RecurringSeries).where(
        RecurringSeries.status == "active", RecurringSeries.end_kind == "never",
        or_(RecurringSeries.materialised_until.is_(None), RecurringSeries.materialised_until < target))))
    if not series:
        return []
    ids = [s.id for s in series]
    lo = min((s.materialised_until or _dtstart(s)) for s in series)
    taken: set[tuple[int, datetime]] = set()
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for sid, start in session.execute(select(Appointment.series_id, Appointment.series_occurrence_start)
                                          .where(Appointment.series_id.in_(part),
                                                 Appointment.series_occurrence_start >= lo)):
            if sid is not None and start is not None:
                taken.add((sid, start))
        for sid, start in session.execute(select(SeriesException.series_id, SeriesException.original_start)
                                          .where(SeriesException.series_id.in_(part),
                                                 SeriesException.original_start >= lo)):
            taken.add((sid, start))
    new: list[tuple[RecurringSeries, list[datetime]]] = []
    for s in series:
        since = max(s.materialised_until or now, now)
        # Expanded from the window, not from DTSTART: a years-old series reads only its new dates.
        occs = [o for o in recurrence.occurrences_from(s.rrule, _dtstart(s), since=since, until=target)
                if (s.id, _utc(o)) not in taken]
        new.append((s, occs))
    busy = _Busy(style=local_time.clinic_time_format(session))
    windows = [(o, o + timedelta(minutes=s.minutes)) for s, occs in new for o in occs]
    _load_busy(session, busy, [(min(w[0] for w in windows), max(w[1] for w in windows))] if windows else [],
               location_ids={s.location_id for s, _ in new})
    _load_names(session, busy, {s.patient_id for s in series}, {s.chair_id for s in series},
                {s.provider_id for s in series})
    out = []
    for s, occs in new:
        zone = ZoneInfo(s.timezone)
        length = timedelta(minutes=s.minutes)
        problems: list[tuple[datetime, str]] = []
        for o in occs:
            found = busy.problems(patient_id=s.patient_id, provider_id=s.provider_id, chair_id=s.chair_id,
                                  start=o, end=o + length, zone=zone)
            if found:
                problems.append((o, " ".join(p.message for p in found)))
            else:
                busy.add_planned(s.chair_id, s.patient_id, s.provider_id, o, o + length)
        out.append(_Extension(s.id, tuple(occs), tuple(problems)))
    return out


def extend_horizons(session: Session, *, now: datetime, actor: Actor = AUTOMATION,
                    horizon: timedelta = HORIZON) -> HorizonReport:
    """Book never-ending series up to ``now + horizon``; idempotent (a second run books nothing).

    The scheduler has nobody to ask, so a date that collides is skipped (recorded as a
    removed occurrence with the reason) and listed in the report for the desk to follow up.
    """
    plans = plan_extensions(session, now=now, horizon=horizon)
    booked = 0
    skipped: list[tuple[int, datetime, str]] = []
    for ext in plans:
        series = session.get(RecurringSeries, ext.series_id)
        assert series is not None
        bad = {_utc(o): why for o, why in ext.problems}
        good = [o for o in ext.occurrences if _utc(o) not in bad]
        for o, why in ext.problems:
            add_exception(session, series.id, _utc(o), "removed", None, why[:200], now)
            skipped.append((series.id, o, why))
        n, late = _book_occurrences(session, actor, series, good, {}, now=now, strict=False)
        booked += n
        skipped += [(series.id, o, why) for o, why in late]
        for o, why in [*ext.problems, *late]:
            _skip_task(session, series, o, why, now)
        series.materialised_until = now + horizon
        series.updated_at = now
    session.flush()
    return HorizonReport(series=len(plans), booked=booked, skipped=tuple(skipped))


SKIP_TASK = "series_skip"  # StaffTask.kind of a date the scheduler could not book


def _skip_task(session: Session, series: RecurringSeries, start: datetime, why: str, now: datetime) -> None:
    """Put a skipped date in front of the desk: an open staff task naming the patient and the date."""
    patient = session.get(Patient, series.patient_id)
    name = patient.display_name if patient is not None else f"patient #{series.patient_id}"
    when = _label(start.astimezone(ZoneInfo(series.timezone)), session)
    reason = f"Find another time for {name}: series #{series.id} could not book {when}. {why.strip()}"
    session.add(StaffTask(clinic_id=series.clinic_id, kind=SKIP_TASK, appointment_id=None,
                          patient_id=series.patient_id, reason=reason[:300], status="open", attempts=[],
                          created_at=now, updated_at=now))


# --- reading --------------------------------------------------------------------------------


def _series(session: Session, series_id: int) -> RecurringSeries:
    s = session.get(RecurringSeries, series_id)
    if s is None:
        raise NotFound(f"Series #{series_id} does not exist.")
    return s


def _appointment(session: Session, appointment_id: int) -> tuple[Appointment, RecurringSeries]:
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        raise NotFound(f"Appointment #{appointment_id} does not exist.")
    if appt.series_id is None:
        raise ValidationError("That appointment is not part of a series.")
    return appt, _series(session, appt.series_id)


def _exceptions(session: Session, series_id: int) -> dict[datetime, SeriesException]:
    return {e.original_start: e for e in session.scalars(
        select(SeriesException).where(SeriesException.series_id == series_id))}


def _members(session: Session, series_id: int) -> list[Appointment]:
    return list(session.scalars(select(Appointment).where(Appointment.series_id == series_id)
                                .order_by(Appointment.start_at)))


def _shown_until(s: RecurringSeries, now: datetime | None) -> datetime:
    if s.materialised_until is not None:
        return s.materialised_until
    return (now or datetime.now(UTC)) + HORIZON  # finite series: _expand ignores it


def load_series(session: Session, series_id: int) -> SeriesDetail:
    """The series as the series dialog shows it: summary, every occurrence and its state."""
    s = _series(session, series_id)
    zone = ZoneInfo(s.timezone)
    dtstart = _dtstart(s)
    occs = _expand(s.rrule, dtstart, until=_shown_until(s, None))
    exceptions = _exceptions(session, s.id)
    members = {a.series_occurrence_start: a for a in _members(session, s.id)
               if a.series_occurrence_start is not None}
    horizon = s.materialised_until
    rows: list[SeriesOccurrenceRow] = []
    keys = sorted({_utc(o) for o in occs} | set(members) | set(exceptions))
    for key in keys:
        local = key.astimezone(zone)
        appt = members.get(key)
        exc = exceptions.get(key)
        if appt is not None:
            state = booking.STATUS_LABELS[appt.status]
            if appt.status in _REPLACEABLE:
                state = "moved" if exc is not None and exc.kind == "override" else "booked"
            rows.append(SeriesOccurrenceRow(local, appt.start_at.astimezone(zone),
                                            appt.end_at.astimezone(zone), state, appt.id, appt.version))
        elif exc is not None:
            rows.append(SeriesOccurrenceRow(local, None, None, "removed", None, None))
        else:
            later = horizon is not None and key >= horizon
            state = "later" if later else "not booked"
            rows.append(SeriesOccurrenceRow(local, None, None, state, None, None))
    patient = session.get(Patient, s.patient_id)
    provider = session.get(Provider, s.provider_id)
    chair = session.get(Chair, s.chair_id)
    atype = session.get(AppointmentType, s.type_id)
    children = tuple(session.scalars(select(RecurringSeries.id).where(RecurringSeries.parent_id == s.id)))
    return SeriesDetail(
        id=s.id, summary=recurrence.describe(s.rrule, dtstart), rrule=s.rrule, dtstart=dtstart,
        zone=s.timezone, minutes=s.minutes, status=s.status, patient_id=s.patient_id,
        patient_name=patient.display_name if patient else "?", provider_id=s.provider_id,
        provider_name=provider.name if provider else "?", chair_id=s.chair_id,
        chair_name=chair.name if chair else "?", type_id=s.type_id, type_name=atype.name if atype else "?",
        parent_id=s.parent_id, child_ids=children, occurrences=tuple(rows))


def series_for_export(session: Session, series_id: int) -> SeriesExport:
    """The series for iCal: RRULE and DTSTART (TZID), EXDATEs and RECURRENCE-ID overrides, local."""
    s = _series(session, series_id)
    zone = ZoneInfo(s.timezone)
    dtstart = _dtstart(s)
    occs = {_utc(o) for o in _expand(s.rrule, dtstart, until=_shown_until(s, None))}
    exceptions = _exceptions(session, s.id)
    members = {a.series_occurrence_start: a for a in _members(session, s.id)
               if a.series_occurrence_start is not None}
    exdates: list[datetime] = []
    overrides: list[tuple[datetime, ExportAppointment]] = []
    booked_until = s.materialised_until
    for key in sorted(occs | set(exceptions) | set(members)):
        appt = members.get(key)
        exc = exceptions.get(key)
        if appt is None or appt.status == "cancelled":
            materialised = booked_until is None or key < booked_until
            if key in occs and (exc is not None or appt is not None or materialised):
                exdates.append(key.astimezone(zone))
            continue
        moved = (exc is not None and exc.kind == "override") or appt.start_at != key \
            or appt.end_at - appt.start_at != timedelta(minutes=s.minutes) \
            or (appt.chair_id, appt.provider_id, appt.type_id) != (s.chair_id, s.provider_id, s.type_id)
        if moved or key not in occs:
            overrides.append((key.astimezone(zone), ExportAppointment(
                appt.id, appt.start_at, appt.end_at, appt.status, appt.patient_id, appt.provider_id,
                appt.chair_id, appt.location_id, appt.type_id)))
    return SeriesExport(
        series_id=s.id, rrule=s.rrule, dtstart_local=dtstart, zone=s.timezone, minutes=s.minutes,
        exdates=tuple(exdates), overrides=tuple(overrides), patient_id=s.patient_id,
        provider_id=s.provider_id, chair_id=s.chair_id, location_id=s.location_id, type_id=s.type_id,
        status=s.status, summary=recurrence.describe(s.rrule, dtstart))


# --- exceptions from the calendar -----------------------------------------------------------


# --- modify and cancel ----------------------------------------------------------------------


def _occurrences_before(s: RecurringSeries, at: datetime) -> int:
    return sum(1 for o in _expand(s.rrule, _dtstart(s), until=at) if _utc(o) < at)


def _replaceable(session: Session, s: RecurringSeries, at: datetime, now: datetime) -> list[Appointment]:
    """Unaltered, not yet started occurrences of ``s`` from ``at`` on."""
    exceptions = _exceptions(session, s.id)
    return [a for a in _members(session, s.id)
            if a.series_occurrence_start is not None and a.series_occurrence_start >= at
            and a.start_at >= now and a.status in _REPLACEABLE
            and a.series_occurrence_start not in exceptions]


def _end_before(s: RecurringSeries, at: datetime, now: datetime) -> None:
    """Give the rule an UNTIL just before ``at`` (COUNT becomes UNTIL: RFC 5545 allows one)."""
    last = at - timedelta(seconds=1)
    s.rrule = _with_end(s.rrule, until_utc=last)
    s.end_kind, s.count, s.until_date = "until", None, last.astimezone(ZoneInfo(s.timezone)).date()
    s.materialised_until = None
    s.updated_at = now


def _split_point(s: RecurringSeries, appt: Appointment, scope: Scope, now: datetime) -> datetime:
    if scope == "all":
        first_future = next((o for o in _expand(s.rrule, _dtstart(s), until=_shown_until(s, now))
                             if o >= now), None)
        if first_future is None:
            raise ValidationError("Every occurrence of this series has already started; nothing to change.")
        return _utc(first_future)
    at = appt.series_occurrence_start or appt.start_at
    if at < now:
        raise ValidationError("That occurrence has already started; past occurrences never change. "
                              "Choose a later one.")
    return at


def modify_series(session: Session, actor: Actor, appointment_id: int, *, scope: Scope,
                  change: SeriesChange, decisions: Mapping[datetime, Decision] | None = None,
                  expected_version: int | None = None, now: datetime) -> int:
    """Change one occurrence, this and the following ones, or all future ones; returns the series id.

    "this" moves the appointment and makes it an exception. "following" ends the rule
    before this occurrence and starts a new series (``parent_id``) with the change. "all"
    does the same from the first occurrence that has not started (in place when none has):
    past occurrences never change, moved ones stay where they are. All or nothing.
    """
    actor.require(BOOK)
    appt, s = _appointment(session, appointment_id)
    if scope == "this":
        original = appt.series_occurrence_start or appt.start_at
        zone = ZoneInfo(s.timezone)
        start = appt.start_at
        if change.start_time is not None:
            start = datetime.combine(appt.start_at.astimezone(zone).date(), change.start_time, tzinfo=zone)
        minutes = change.minutes or int((appt.end_at - appt.start_at).total_seconds() // 60)
        with session.begin_nested():
            moved = booking.move_appointment(session, actor, appt.id, start=start,
                                             end=start + timedelta(minutes=minutes), chair_id=change.chair_id,
                                             provider_id=change.provider_id,
                                             expected_version=expected_version, now=now)
            if change.type_id is not None:
                moved.type_id = change.type_id
            moved.series_occurrence_start = original
            record_moved(session, moved, now=now)
        return s.id
    if scope not in ("following", "all"):
        raise ValidationError(f"Unknown scope {scope!r}: choose this, following or all.")
    if change.rrule is not None:
        _check_rule(change.rrule)
    if scope == "all":
        with session.begin_nested():
            return _change_family(session, actor, s, change, _normalise(decisions), now)
    at = _split_point(s, appt, scope, now)
    with session.begin_nested():
        return _split(session, actor, s, at, change, _normalise(decisions), now)


def _family(session: Session, s: RecurringSeries) -> list[RecurringSeries]:
    """The whole series: its first part and every continuation split off with "this and following"."""
    root = s
    seen = {s.id}
    while root.parent_id is not None and root.parent_id not in seen:
        parent = session.get(RecurringSeries, root.parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        root = parent
    return sorted([root, *_descendants(session, root.id)], key=lambda x: (x.start_date, x.start_minute, x.id))


def _first_future(s: RecurringSeries, now: datetime) -> datetime | None:
    occs = _expand(s.rrule, _dtstart(s), until=_shown_until(s, now))
    return next((_utc(o) for o in occs if o >= now), None)


def _change_family(session: Session, actor: Actor, s: RecurringSeries, change: SeriesChange,
                   decisions: dict[datetime, Decision], now: datetime) -> int:
    """ "All": every part of the series (continuations included) from its first future occurrence.

    Each part keeps its own dates (a part ended by a split keeps its end) and whatever the
    change leaves as is; returns the id of the part that now holds ``s``'s future.
    """
    parts = [(part, at) for part in _family(session, s) if part.status != "cancelled"
             for at in [_first_future(part, now)] if at is not None]
    if not parts:
        raise ValidationError("Every occurrence of this series has already started; nothing to change.")
    result: int | None = None
    for i, (part, at) in enumerate(parts):
        part_change = change
        if change.rrule is not None and i < len(parts) - 1:
            # A part that a later part continues keeps its end, so the parts never overlap.
            kind, _count, _until = _end_of(part.rrule, ZoneInfo(part.timezone))
            until = _rule_until_utc(part.rrule, ZoneInfo(part.timezone)) if kind == "until" else None
            if until is not None:
                part_change = replace(change, rrule=_with_end(_strip(change.rrule), until_utc=until))
        target = _split(session, actor, part, at, part_change, decisions, now, exceptions_too=True)
        if result is None or part.id == s.id:
            result = target
    assert result is not None
    return result


def _rule_until_utc(rrule: str, zone: ZoneInfo) -> datetime | None:
    text = dict(_parts(rrule)).get("UNTIL")
    if text is None:
        return None
    if "T" in text:
        stamp = datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S")
        return stamp.replace(tzinfo=UTC) if text.endswith("Z") else stamp.replace(tzinfo=zone).astimezone(UTC)
    day = datetime.strptime(text, "%Y%m%d").date()
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)


def _split(session: Session, actor: Actor, old: RecurringSeries, at: datetime, change: SeriesChange,
           decisions: dict[datetime, Decision], now: datetime, *, exceptions_too: bool = False) -> int:
    zone = ZoneInfo(old.timezone)
    before = _occurrences_before(old, at)
    replaced = _replaceable(session, old, at, now)
    removed = {k for k, e in _exceptions(session, old.id).items() if k >= at and e.kind == "removed"}
    local_at = at.astimezone(zone)
    start_time = change.start_time or time(old.start_minute // 60, old.start_minute % 60)
    rule = _strip(change.rrule) if change.rrule is not None else old.rrule
    if change.rrule is None and old.end_kind == "count" and old.count is not None:
        rule = _with_end(rule, count=max(old.count - before, 1))
    snapshot = {"rrule": old.rrule, "start": _dtstart(old).isoformat(), "minutes": old.minutes,
                "provider_id": old.provider_id, "chair_id": old.chair_id, "type_id": old.type_id}
    if before == 0:
        target = old  # nothing of it has happened: change it in place
    else:
        _end_before(old, at, now)
        target = RecurringSeries(clinic_id=old.clinic_id, patient_id=old.patient_id, notes=old.notes,
                                 parent_id=old.id, status="active", created_at=now, updated_at=now,
                                 rrule="", start_date=local_at.date(), start_minute=0, timezone=old.timezone,
                                 minutes=old.minutes, end_kind="never", provider_id=old.provider_id,
                                 chair_id=old.chair_id, location_id=old.location_id, type_id=old.type_id)
        session.add(target)
    chair_id = change.chair_id or old.chair_id
    plan = _plan(session, patient_id=old.patient_id, provider_id=change.provider_id or old.provider_id,
                 chair_id=chair_id, type_id=change.type_id or old.type_id,
                 minutes=change.minutes or old.minutes)
    dtstart = datetime.combine(local_at.date(), start_time, tzinfo=zone)
    end_kind, count, until_date = _end_of(rule, zone)
    target.rrule, target.start_date = rule, dtstart.date()
    target.start_minute = start_time.hour * 60 + start_time.minute
    target.provider_id, target.chair_id = plan.provider_id, plan.chair_id
    target.location_id = plan.location_id
    target.type_id, target.minutes = plan.type_id, plan.minutes
    target.end_kind, target.count, target.until_date = end_kind, count, until_date
    target.materialised_until = now + HORIZON if end_kind == "never" else None
    target.status, target.updated_at = "active", now
    session.flush()
    every = _expand(rule, dtstart, until=now + HORIZON, new=True)
    if every and every[0] != dtstart:  # DTSTART is the first occurrence
        target.start_date, target.start_minute = every[0].date(), every[0].hour * 60 + every[0].minute
    occs = [o for o in every if o >= now]
    old_exceptions = _exceptions(session, old.id)
    overrides = {k: e for k, e in old_exceptions.items() if k >= at and e.kind == "override"}
    # Exceptions follow their date: a skipped date stays skipped, a moved occurrence stays
    # where it is and stands for that date's occurrence of the new rule.
    removed_days = {k.astimezone(zone).date() for k in removed}
    override_days = {k.astimezone(zone).date(): e for k, e in overrides.items()}
    kept: list[datetime] = []
    for o in occs:
        key = _utc(o)
        if o.date() in removed_days:
            decisions.setdefault(key, "skip")
        exc = override_days.get(o.date())
        if exc is not None:
            moved = session.get(Appointment, exc.appointment_id) if exc.appointment_id else None
            if moved is not None:
                moved.series_id, moved.series_occurrence_start = target.id, key
            exc.series_id, exc.original_start = target.id, key
            continue
        kept.append(o)
    occs = kept
    session.flush()
    if exceptions_too:  # "all" covers the moved occurrences as well; "following" leaves them be
        moved_ones = [e for e in overrides.values() if e.appointment_id]
        _apply_to_moved(session, actor, moved_ones, change, zone, now)
    length = timedelta(minutes=plan.minutes)
    reuse = {(a.start_at, a.end_at, a.chair_id, a.provider_id, a.type_id): a for a in replaced
             if a.end_at - a.start_at == length}
    planned = {(_utc(o), _utc(o) + length, plan.chair_id, plan.provider_id, plan.type_id) for o in occs}
    for a in replaced:
        slot = (a.start_at, a.end_at, a.chair_id, a.provider_id, a.type_id)
        if slot not in planned or reuse.get(slot) is not a:
            _release(session, actor, a, now)
            if reuse.get(slot) is a:
                del reuse[slot]
    if target is old:
        still = {o.date() for o in every}
        for k in removed:
            if k.astimezone(zone).date() not in still or k not in {_utc(o) for o in every}:
                session.delete(old_exceptions[k])  # re-created below for dates the rule still has
        session.flush()
    _book_occurrences(session, actor, target, occs, decisions, now=now, strict=True, reuse=reuse)
    for a in reuse.values():  # not claimed after all
        _release(session, actor, a, now)
    audit.record(session, actor, "modify", "series", old.id, now=now, before=snapshot,
                 after={"series_id": target.id, "rrule": rule, "start": dtstart.isoformat(),
                        "from": at.isoformat()})
    if target is not old and not _has_future(session, old, now):
        old.status = "ended"
    return target.id


def _apply_to_moved(session: Session, actor: Actor, moved: Sequence[SeriesException], change: SeriesChange,
                    zone: ZoneInfo, now: datetime) -> None:
    """A moved occurrence stays where it was moved to, but takes the new length, chair, provider and type."""
    if change.minutes is None and change.chair_id is None and change.provider_id is None \
            and change.type_id is None:
        return
    for exc in moved:
        appt = session.get(Appointment, exc.appointment_id) if exc.appointment_id else None
        if appt is None or appt.start_at < now or appt.status not in _REPLACEABLE:
            continue
        end = appt.start_at + timedelta(minutes=change.minutes) if change.minutes else appt.end_at
        try:
            with session.begin_nested():
                booking.move_appointment(session, actor, appt.id, start=appt.start_at, end=end,
                                         chair_id=change.chair_id, provider_id=change.provider_id, now=now)
        except OrcaError as exc_:
            raise type(exc_)(f"{_label(appt.start_at.astimezone(zone), session)} (moved earlier): {exc_} "
                             "Nothing was changed.") from None
        if change.type_id is not None:
            appt.type_id = change.type_id
    session.flush()


def _has_future(session: Session, s: RecurringSeries, now: datetime) -> bool:
    return any(a.start_at >= now and a.status in _REPLACEABLE for a in _members(session, s.id))


def _release(session: Session, actor: Actor, appt: Appointment, now: datetime,
             reason: str = "series changed") -> None:
    """Take an unaltered occurrence out of the book; the clinic changed it, so never a late cancel."""
    booking.cancel_appointment(session, actor, appt.id, reason=reason, now=now)
    appt.late_cancel = False


def _descendants(session: Session, series_id: int) -> list[RecurringSeries]:
    out: list[RecurringSeries] = []
    frontier = [series_id]
    while frontier:
        kids = list(session.scalars(select(RecurringSeries).where(RecurringSeries.parent_id.in_(frontier))))
        out += kids
        frontier = [k.id for k in kids]
    return out


def cancel_series(session: Session, actor: Actor, appointment_id: int, *, scope: Scope, reason: str,
                  expected_version: int | None = None, now: datetime) -> int:
    """Cancel one occurrence (EXDATE), this and the following ones, or the whole series' future.

    Occurrences that have started are never touched. Series continued by a split (its
    children) are cancelled with "following" and "all". Returns how many appointments
    were cancelled.
    """
    actor.require(BOOK)
    if not reason.strip():
        raise ValidationError("Give a reason for the cancellation.", field="reason")
    appt, s = _appointment(session, appointment_id)
    with session.begin_nested():
        if scope == "this":
            original = appt.series_occurrence_start or appt.start_at
            booking.cancel_appointment(session, actor, appt.id, reason=reason.strip(),
                                       expected_version=expected_version, now=now)
            add_exception(session, s.id, original, "removed", None, reason.strip()[:200], now)
            return 1
        if scope == "following":
            at = max(appt.series_occurrence_start or appt.start_at, now)
        elif scope == "all":
            at = now
        else:
            raise ValidationError(f"Unknown scope {scope!r}: choose this, following or all.")
        cancelled = 0
        for series in [s, *_descendants(session, s.id)]:
            for a in _members(session, series.id):
                original = a.series_occurrence_start or a.start_at
                if a.start_at >= now and a.status in _REPLACEABLE and (original >= at or a.start_at >= at):
                    booking.cancel_appointment(session, actor, a.id, reason=reason.strip(), now=now)
                    cancelled += 1
            first_future = next((o for o in _expand(series.rrule, _dtstart(series),
                                                    until=_shown_until(series, now)) if _utc(o) >= at), None)
            if first_future is not None and _occurrences_before(series, _utc(first_future)) > 0:
                _end_before(series, _utc(first_future), now)
                series.status = "ended" if scope == "following" else "cancelled"
            else:
                series.status = "cancelled"
                series.materialised_until = None
            series.updated_at = now
        audit.record(session, actor, f"cancel_{scope}", "series", s.id, now=now,
                     after={"from": at.isoformat(), "cancelled": cancelled, "reason": reason.strip()})
        session.flush()
        return cancelled


def series_of(session: Session, appointment_id: int) -> int | None:
    """The series an appointment belongs to, or None."""
    return session.scalar(select(Appointment.series_id).where(Appointment.id == appointment_id))


def preview_change(session: Session, appointment_id: int, *, scope: Scope, change: SeriesChange,
                   now: datetime) -> SeriesPreview:
    """What a "following"/"all" change would book, with conflicts (the occurrences it replaces are free)."""
    appt, s = _appointment(session, appointment_id)
    at = _split_point(s, appt, scope, now)
    zone = ZoneInfo(s.timezone)
    start_time = change.start_time or time(s.start_minute // 60, s.start_minute % 60)
    rule = _check_rule(change.rrule) if change.rrule is not None else s.rrule
    if change.rrule is None and s.end_kind == "count" and s.count is not None:
        rule = _with_end(rule, count=max(s.count - _occurrences_before(s, at), 1))
    dtstart = datetime.combine(at.astimezone(zone).date(), start_time, tzinfo=zone)
    return preview_series(session, patient_id=s.patient_id, provider_id=change.provider_id or s.provider_id,
                          chair_id=change.chair_id or s.chair_id, type_id=change.type_id or s.type_id,
                          rrule=rule, dtstart=dtstart, minutes=change.minutes or s.minutes,
                          horizon=now + HORIZON, now=now,
                          replacing=[a.id for a in _replaceable(session, s, at, now)])


# --- what a change would do -------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    """One occurrence a change touches: where it is now and where it would be (local times)."""

    original: datetime  # the occurrence's date in the rule (RECURRENCE-ID), local
    kind: str  # changed | booked | cancelled
    before_start: datetime | None
    before_end: datetime | None
    before_where: str  # "Chair 1 · Priya Shah"
    after_start: datetime | None
    after_end: datetime | None
    after_where: str


@dataclass(frozen=True)
class ChangePlan:
    rows: tuple[ChangeRow, ...]
    error: str | None  # the change cannot be made as asked (the first date that fails, and why)

    @property
    def summary(self) -> str:
        if self.error is not None:
            return self.error
        counts = {k: sum(1 for r in self.rows if r.kind == k) for k in ("changed", "booked", "cancelled")}
        words = {"changed": "change", "booked": "booked", "cancelled": "cancelled"}
        parts = [f"{n} occurrence{'s' if n != 1 else ''} {words[k]}" for k, n in counts.items() if n]
        return ", ".join(parts) if parts else "Nothing changes."


_Where = tuple[datetime, datetime, int, int, int]  # start, end, chair, provider, type


def _future_of(session: Session, series_ids: Iterable[int], now: datetime) -> dict[datetime, _Where]:
    rows = session.execute(select(Appointment.series_occurrence_start, Appointment.start_at,
                                  Appointment.end_at, Appointment.chair_id, Appointment.provider_id,
                                  Appointment.type_id)
                           .where(Appointment.series_id.in_(list(series_ids)),
                                  Appointment.status.in_(_REPLACEABLE), Appointment.start_at >= now))
    return {(key or start): (start, end, chair, provider, type_id)
            for key, start, end, chair, provider, type_id in rows}


def preview_series_change(session: Session, actor: Actor, appointment_id: int, *, scope: Scope,
                          change: SeriesChange, decisions: Mapping[datetime, Decision] | None = None,
                          now: datetime) -> ChangePlan:
    """What :func:`modify_series` would do, occurrence by occurrence, across the whole series; writes nothing.

    The change is made inside a savepoint, the future of every part of the series is read
    before and after, and the savepoint is rolled back. A change that cannot be made
    returns the reason (naming the date) as ``error``.
    """
    _appt, s = _appointment(session, appointment_id)
    zone = ZoneInfo(s.timezone)
    before = _future_of(session, [x.id for x in _family(session, s)], now)
    error: str | None = None
    after = before
    savepoint = session.begin_nested()
    try:
        modify_series(session, actor, appointment_id, scope=scope, change=change, decisions=decisions,
                      now=now)
        session.flush()
        after = _future_of(session, [x.id for x in _family(session, s)], now)
    except OrcaError as exc:
        error = str(exc)
    finally:
        savepoint.rollback()
    session.expire_all()
    chairs: dict[int, str] = {i: n for i, n in session.execute(select(Chair.id, Chair.name))}
    providers: dict[int, str] = {i: n for i, n in session.execute(select(Provider.id, Provider.name))}

    def where(w: _Where | None) -> str:
        return "" if w is None else f"{chairs.get(w[2], '?')} · {providers.get(w[3], '?')}"

    rows: list[ChangeRow] = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b == a:
            continue
        kind = "changed" if b is not None and a is not None else ("booked" if a is not None else "cancelled")
        rows.append(ChangeRow(key.astimezone(zone), kind,
                              b[0].astimezone(zone) if b else None, b[1].astimezone(zone) if b else None,
                              where(b), a[0].astimezone(zone) if a else None,
                              a[1].astimezone(zone) if a else None, where(a)))
    return ChangePlan(tuple(rows) if error is None else (), error)
