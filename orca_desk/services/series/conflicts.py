"""Checking occurrences for conflicts in memory: busy chairs, patients and providers, and working hours."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import ModuleType
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES
from orca_desk.models.clinic import Chair, Provider
from orca_desk.models.patient import Patient
from orca_desk.services import availability, local_time
from orca_desk.services.booking.statuses import MAX_MINUTES
from orca_desk.services.bulk import epoch_seconds_sql, instant_param, param_mark
from orca_desk.services.intervals import over_capacity, subtract
from orca_desk.services.series.rules import _utc

_MAX_LENGTH = timedelta(minutes=MAX_MINUTES)
_MAX_SECONDS = MAX_MINUTES * 60


@dataclass(frozen=True)
class Problem:
    kind: str  # outside_hours | provider_off | blocked | chair_taken | patient_busy | provider_full
    message: str


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

    def add(
        self, appt_id: int, chair_id: int, patient_id: int, provider_id: int, start: datetime, end: datetime
    ) -> None:
        self.add_epoch(appt_id, chair_id, patient_id, provider_id, _epoch(start), _epoch(end))

    def add_epoch(
        self, appt_id: int, chair_id: int, patient_id: int, provider_id: int, start: int, end: int
    ) -> None:
        if appt_id in self.seen:
            return
        self.seen.add(appt_id)
        row = (start, end, appt_id, patient_id)
        for index, key in (
            (self.by_chair, chair_id),
            (self.by_patient, patient_id),
            (self.by_provider, provider_id),
        ):
            lst = index[key]
            if lst and lst[-1] > row:
                lst.insert(bisect_left(lst, row), row)
            else:
                lst.append(row)

    def add_planned(
        self, chair_id: int, patient_id: int, provider_id: int, start: datetime, end: datetime
    ) -> None:
        """A slot this batch is about to book, so later slots of the batch see it."""
        self._next_virtual -= 1
        self.add(self._next_virtual, chair_id, patient_id, provider_id, start, end)

    @staticmethod
    def _overlapping(rows: list[_Slot], start: int, end: int, ignore: frozenset[int]) -> list[_Slot]:
        lo = bisect_left(rows, (start - _MAX_SECONDS,))
        hi = bisect_left(rows, (end,))
        return [r for r in rows[lo:hi] if r[1] > start and r[2] not in ignore]

    def is_free(
        self,
        *,
        patient_id: int,
        provider_id: int,
        chair_id: int,
        start: datetime,
        end: datetime,
        ignore: frozenset[int] = frozenset(),
    ) -> bool:
        """``problems()`` without the messages, for searching many candidate times."""
        return self.is_free_epoch(
            patient_id=patient_id,
            provider_id=provider_id,
            chair_id=chair_id,
            start=_epoch(start),
            end=_epoch(end),
            ignore=ignore,
        )

    def is_free_epoch(
        self,
        *,
        patient_id: int,
        provider_id: int,
        chair_id: int,
        start: int,
        end: int,
        ignore: frozenset[int] = frozenset(),
    ) -> bool:
        s, e = start, end
        if self._overlapping(self.by_chair.get(chair_id, []), s, e, ignore) or self._overlapping(
            self.by_patient.get(patient_id, []), s, e, ignore
        ):
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

    def problems(
        self,
        *,
        patient_id: int,
        provider_id: int,
        chair_id: int,
        start: datetime,
        end: datetime,
        zone: ZoneInfo,
        ignore: frozenset[int] = frozenset(),
    ) -> list[Problem]:
        s, e = _epoch(start), _epoch(end)
        out: list[Problem] = []

        def span(r: _Slot) -> str:
            start, end = datetime.fromtimestamp(r[0], zone), datetime.fromtimestamp(r[1], zone)
            return local_time.fmt_range(start, end, zone, self.style)

        taken = self._overlapping(self.by_chair.get(chair_id, []), s, e, ignore)
        if taken:
            r = taken[0]
            who = self.names.get(r[3], "another patient")
            out.append(
                Problem(
                    "chair_taken",
                    f"{self.chair_names.get(chair_id, 'The chair')} is taken {span(r)} by {who}.",
                )
            )
        mine = self._overlapping(self.by_patient.get(patient_id, []), s, e, ignore)
        if mine:
            out.append(
                Problem(
                    "patient_busy",
                    f"{self.names.get(patient_id, 'The patient')} already "
                    f"has an appointment {span(mine[0])}.",
                )
            )
        name, limit = self.providers.get(provider_id, ("The provider", 1))
        if self._provider_full(provider_id, s, e, ignore):
            out.append(
                Problem(
                    "provider_full",
                    f"{name} already sees {limit} patient{'s' if limit != 1 else ''} at once then.",
                )
            )
        return out


def _load_busy(
    session: Session,
    busy: _Busy,
    windows: Sequence[tuple[datetime, datetime]],
    *,
    chair_ids: Iterable[int] = (),
    patient_ids: Iterable[int] = (),
    provider_ids: Iterable[int] = (),
    location_ids: Iterable[int] = (),
) -> None:
    """One query: active appointments of those chairs/patients/providers overlapping the windows.

    The windows are a ``VALUES`` table joined to the appointments, so each (key, window)
    pair is one index range, ``chair_id = ? AND start_at > ? AND start_at < ?``, and a
    two-year series reads only the rows near its 104 dates.
    """
    wanted = {
        "chair_id": sorted(set(chair_ids)),
        "patient_id": sorted(set(patient_ids)),
        "provider_id": sorted(set(provider_ids)),
        "location_id": sorted(set(location_ids)),
    }
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
        part = merged[chunk : chunk + 2000]
        params: list[object] = []
        for lo, hi in part:
            # start_at bounds the index range; end_at > lo drops rows that end before the window.
            params += [instant_param(conn, t) for t in (lo - _MAX_LENGTH, hi, lo)]
        # The ranges find ids only (index and end_at); the columns are read once per distinct row.
        hits = []
        for col, ids in keys:
            marks = ", ".join([mark] * len(ids))
            hits.append(
                f"SELECT a.id FROM w JOIN appointment a ON a.{col} IN ({marks}) "
                "AND a.start_at > w.lo AND a.start_at < w.hi AND a.end_at > w.after"
            )
            params += ids
        rows = ", ".join([f"({stamp}, {stamp}, {stamp})"] * len(part))
        sql = (
            f"WITH w(lo, hi, after) AS (VALUES {rows}), hit(id) AS ({' UNION '.join(hits)}) "
            f"SELECT a.id, a.chair_id, a.patient_id, a.provider_id, {start_s}, {end_s}, p.first_name, "
            f"p.last_name FROM hit JOIN appointment a ON a.id = hit.id "
            f"JOIN patient p ON p.id = a.patient_id WHERE a.status IN ({statuses})"
        )
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


def _load_names(
    session: Session,
    busy: _Busy,
    patient_ids: Iterable[int],
    chair_ids: Iterable[int],
    provider_ids: Iterable[int],
) -> None:
    pids = [p for p in set(patient_ids) if p not in busy.names]
    if pids:
        for pid, first, last in session.execute(
            select(Patient.id, Patient.first_name, Patient.last_name).where(Patient.id.in_(pids))
        ):
            busy.names[pid] = f"{first} {last}"
    cids = [c for c in set(chair_ids) if c not in busy.chair_names]
    if cids:
        for cid, name in session.execute(select(Chair.id, Chair.name).where(Chair.id.in_(cids))):
            busy.chair_names[cid] = name
    prov = [p for p in set(provider_ids) if p not in busy.providers]
    if prov:
        for pid, name, limit in session.execute(
            select(Provider.id, Provider.name, Provider.max_concurrent).where(Provider.id.in_(prov))
        ):
            busy.providers[pid] = (name, limit)


def _availability() -> ModuleType:
    """The availability engine: working hours, days off and blocks of the series' provider."""
    return availability


_HOUR_KINDS = ("outside_hours", "provider_off", "blocked")


class _Hours:
    """Working hours, holidays, time off and blocks of a whole window, loaded once from the engine.

    It only screens: an occurrence it flags is then checked by the engine's own
    ``hours_problems`` (or ``check_slot``), whose answer and wording are the ones shown.
    """

    def __init__(
        self,
        session: Session,
        engine: ModuleType,
        *,
        provider_id: int,
        location_id: int,
        chair_id: int,
        first: date,
        last: date,
    ) -> None:
        self.engine = engine
        self.provider_id, self.location_id, self.chair_id = provider_id, location_id, chair_id
        self.data = availability.load_schedule_data(
            session, provider_ids=[provider_id], location_ids=[location_id], first_day=first, last_day=last
        )

    def suspicious(self, start: datetime, end: datetime) -> bool:
        """Whether the slot may be outside working time (True when it cannot tell)."""
        data = self.data
        day = start.date()
        if end.date() != day and end.time() != time(0):
            return True
        s = start.hour * 60 + start.minute
        e = end.hour * 60 + end.minute or 24 * 60
        try:
            if any(a < e and s < b for (a, b), _ in data.off_spans(self.provider_id, self.location_id, day)):
                return True
            for blk in data.all_blocks_on(self.location_id, day):
                applies = (
                    (blk.provider_id is None and blk.chair_id is None)
                    or blk.provider_id == self.provider_id
                    or blk.chair_id == self.chair_id
                )
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
            off += [
                (b.start_minute, b.end_minute)
                for b in data.all_blocks_on(self.location_id, day)
                if (b.provider_id is None and b.chair_id is None)
                or b.provider_id == self.provider_id
                or b.chair_id == self.chair_id
            ]
            if self.provider_id not in data.scheduled:
                return None if not off else subtract([(7 * 60, 19 * 60)], off)
            return subtract(data.base_hours(self.provider_id, day).get(self.location_id, []), off)
        except (AttributeError, TypeError, KeyError):
            return None


def _hours_problems(
    session: Session, engine: ModuleType, *, provider_id: int, chair_id: int, start: datetime, end: datetime
) -> list[Problem]:
    """The engine's own verdict and wording for hours, time off, holidays and blocks."""
    checker = getattr(engine, "hours_problems", None)
    if checker is not None:
        found = checker(session, provider_id=provider_id, chair_id=chair_id, start=_utc(start), end=_utc(end))
    else:
        found = engine.check_slot(
            session, provider_id=provider_id, chair_id=chair_id, start=_utc(start), end=_utc(end)
        )
    return [Problem(str(p.kind), str(p.message)) for p in found if p.kind in _HOUR_KINDS]
