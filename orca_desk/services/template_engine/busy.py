"""Busy time a new template slot must not meet: booked appointments and applied slots, as lanes."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES
from orca_desk.services.availability import epoch_minute, from_epoch
from orca_desk.services.bulk import epoch_seconds_sql, fetch_tuples, instant_param, param_mark
from orca_desk.services.intervals import Interval, normalize
from orca_desk.services.template_engine.plans import _MAX_APPOINTMENT_MIN

_Lane = tuple[list[int], list[int]]  # starts and ends of normalized busy intervals


def _lanes(raw: dict[int, list[Interval]]) -> dict[int, _Lane]:
    """Busy intervals per key, normalized and split into start and end lists for ``_meets``."""
    out = {}
    for key, ivs in raw.items():
        merged = normalize(ivs)
        out[key] = ([a for a, _ in merged], [b for _, b in merged])
    return out


def _meets(lane: _Lane | None, s: int, e: int) -> bool:
    """Whether [s, e) meets the lane's intervals (O(log n))."""
    if lane is None:
        return False
    starts, ends = lane
    i = bisect_left(starts, e) - 1
    return i >= 0 and ends[i] > s


@dataclass(frozen=True)
class BusyLanes:
    """Appointments and applied slots near the planned days, per provider and per chair."""

    appts_by_provider: dict[int, _Lane]
    appts_by_chair: dict[int, _Lane]
    applied_by_provider: dict[int, _Lane]
    applied_by_chair: dict[int, _Lane]
    # A slot in a chair meets the provider's chairless slots; chair lanes of one provider may overlap.
    applied_chairless: dict[int, _Lane]

    def conflict(
        self, pid: int, chair: int | None, max_concurrent: int, s_em: int, e_em: int
    ) -> tuple[str, str]:
        """("applied" or "existing", why) when [s_em, e_em) meets busy time, else ("create", "")."""
        provider_applied = self.applied_by_provider.get(pid)
        provider_chairless = self.applied_chairless.get(pid)
        if (chair is not None and _meets(self.applied_by_chair.get(chair), s_em, e_em)) or _meets(
            provider_applied if chair is None else provider_chairless, s_em, e_em
        ):
            return "applied", "A template slot is already applied there"
        if chair is not None and _meets(self.appts_by_chair.get(chair), s_em, e_em):
            return "existing", "An appointment is already booked in the chair then"
        if (chair is None or max_concurrent <= 1) and _meets(self.appts_by_provider.get(pid), s_em, e_em):
            return "existing", "The provider already has an appointment then"
        return "create", ""


def load_busy_lanes(
    session: Session, days: Sequence[date], zone: ZoneInfo, pids: Sequence[int], chair_ids: Sequence[int]
) -> BusyLanes:
    """Busy time from the day before the first day to the day after the last (two queries)."""
    lo = epoch_minute(datetime.combine(days[0], datetime.min.time(), tzinfo=zone)) - 24 * 60
    hi = epoch_minute(datetime.combine(days[-1], datetime.min.time(), tzinfo=zone)) + 48 * 60
    lo_dt, hi_dt = from_epoch(lo), from_epoch(hi)
    active = ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)
    appt_by_provider, appt_by_chair, _ = _load_intervals(
        session,
        "appointment",
        lo_dt,
        hi_dt,
        pids,
        chair_ids,
        longest=timedelta(minutes=_MAX_APPOINTMENT_MIN),
        condition=f"status IN ({active})",
    )
    # An applied slot lies within one local day: at most 25 hours (the day clocks fall back).
    applied_by_provider, applied_by_chair, applied_chairless = _load_intervals(
        session,
        "applied_slot",
        lo_dt,
        hi_dt,
        pids,
        chair_ids,
        longest=timedelta(hours=25),
        condition="status <> 'removed'",
    )
    return BusyLanes(
        _lanes(appt_by_provider),
        _lanes(appt_by_chair),
        _lanes(applied_by_provider),
        _lanes(applied_by_chair),
        _lanes(applied_chairless),
    )


_ByKey = dict[int, list[Interval]]


def _load_intervals(
    session: Session,
    table: str,
    lo: datetime,
    hi: datetime,
    provider_ids: Sequence[int],
    chair_ids: Sequence[int],
    *,
    longest: timedelta,
    condition: str,
) -> tuple[_ByKey, _ByKey, _ByKey]:
    """Epoch-minute intervals of rows overlapping [lo, hi) per provider, per chair and per provider
    for rows without a chair (one query).

    Driver SQL read as plain tuples, the database computing the epoch minutes: a year's
    plan reads ~50,000 appointments and, on a re-apply, ~40,000 applied slots, for which
    Row objects and datetimes would cost more than the query. ``longest``: no row lasts
    longer, which bounds ``start_at`` from below so the (key, start_at) indexes stay in range.
    """
    conn = session.connection()
    mark = param_mark(conn)
    who = f"provider_id IN ({', '.join([mark] * len(provider_ids))})"
    if chair_ids:
        who = f"({who} OR chair_id IN ({', '.join([mark] * len(chair_ids))}))"
    start_s, end_s = epoch_seconds_sql(conn, "start_at"), epoch_seconds_sql(conn, "end_at")
    # Integer division: ends round up to the minute, starts down.
    rows = fetch_tuples(
        session,
        f"SELECT provider_id, chair_id, {start_s} / 60, ({end_s} + 59) / 60 "
        f"FROM {table} WHERE start_at < {mark} AND start_at > {mark} "
        f"AND end_at > {mark} AND {who} AND {condition}",
        [
            instant_param(conn, hi),
            instant_param(conn, lo - longest),
            instant_param(conn, lo),
            *provider_ids,
            *chair_ids,
        ],
    )
    by_p: dict[int, list[Interval]] = defaultdict(list)
    by_c: dict[int, list[Interval]] = defaultdict(list)
    by_free: dict[int, list[Interval]] = defaultdict(list)
    pset, cset = set(provider_ids), set(chair_ids)
    for pid, cid, s, e in rows:
        iv = (s, e)
        if pid in pset:
            by_p[pid].append(iv)
            if cid is None:
                by_free[pid].append(iv)
        if cid in cset:
            by_c[cid].append(iv)
    return by_p, by_c, by_free
