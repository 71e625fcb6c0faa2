"""Active appointments of a window as epoch-minute intervals, read as plain integer tuples."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import BigInteger, and_, bindparam, cast, func, select
from sqlalchemy.orm import Session

from orca_desk.db import CachedSelect
from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.services.booking.statuses import MAX_MINUTES
from orca_desk.services.intervals import Interval

# The longest appointment booking allows bounds the start_at range, so SQLite stays inside the
# window's index range.
_MAX_APPOINTMENT = timedelta(minutes=MAX_MINUTES)


@dataclass
class _Busy:
    """Active appointments of a window as epoch-minute intervals, by provider and chair, and
    the one patient's (when a patient was asked about); each list is sorted by start."""

    by_provider: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    by_chair: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    by_patient: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))

    def add_rows(self, rows: Sequence[Any], patient_id: int | None) -> None:
        # One tight loop over the fetched tuples: a window holds thousands of appointments.
        by_provider, by_chair = self.by_provider, self.by_chair
        if patient_id is None:
            for provider, chair, _patient, start, end in rows:
                iv = (start, end)
                by_provider[provider].append(iv)
                by_chair[chair].append(iv)
            return
        mine = self.by_patient[patient_id]
        for provider, chair, patient, start, end in rows:
            iv = (start, end)
            by_provider[provider].append(iv)
            by_chair[chair].append(iv)
            if patient == patient_id:
                mine.append(iv)


def _epoch_sql(dialect: str, column: Any, *, up: bool = False) -> Any:
    """The column as epoch minutes computed by the database: thousands of rows then cost no
    datetime objects in Python (the instants are minute-aligned; ``up`` rounds an end up)."""
    if dialect == "sqlite":
        seconds = cast(func.strftime("%s", column), BigInteger)
    else:
        seconds = cast(func.extract("epoch", column), BigInteger)
    return (seconds + 59).self_group().op("/")(60) if up else seconds.op("/")(60)


# Built once per dialect and shape, their values bound at each load: composing them on every
# search cost more than running them.
_STATEMENTS: dict[tuple[str, str, bool, bool, bool], CachedSelect] = {}


def _busy_statement(
    dialect: str, kind: str, ignore: bool, not_locations: bool, not_providers: bool
) -> CachedSelect:
    key = (dialect, kind, ignore, not_locations, not_providers)
    statement = _STATEMENTS.get(key)
    if statement is not None:
        return statement
    window = and_(
        Appointment.start_at < bindparam("hi"),
        Appointment.start_at > bindparam("earliest"),
        Appointment.end_at > bindparam("lo"),
        Appointment.status.in_(ACTIVE_STATUSES),
    )
    q = select(
        Appointment.provider_id,
        Appointment.chair_id,
        Appointment.patient_id,
        _epoch_sql(dialect, Appointment.start_at),
        _epoch_sql(dialect, Appointment.end_at, up=True),
    ).where(window)
    if ignore:
        q = q.where(Appointment.id != bindparam("ignore"))
    if kind == "locations":
        q = q.where(Appointment.location_id.in_(bindparam("locations", expanding=True)))
    elif kind == "providers":
        q = q.where(Appointment.provider_id.in_(bindparam("providers", expanding=True)))
    else:
        q = q.where(Appointment.patient_id == bindparam("patient"))
    if not_locations:
        q = q.where(Appointment.location_id.not_in(bindparam("locations", expanding=True)))
    if not_providers:
        q = q.where(Appointment.provider_id.not_in(bindparam("providers", expanding=True)))
    found = _STATEMENTS[key] = CachedSelect(q)
    return found


def _load_busy(
    session: Session,
    lo: datetime,
    hi: datetime,
    *,
    location_ids: Sequence[int],
    provider_ids: Sequence[int],
    patient_id: int | None = None,
    ignore_appointment_id: int | None = None,
) -> _Busy:
    """Appointments overlapping [lo, hi): at the locations, of the providers elsewhere, of the patient.

    Two or three queries rather than one OR: each keeps to one (key, start_at) index range.
    """
    busy = _Busy()
    # Core execution: plain integer tuples, none of the ORM's per-row bookkeeping.
    conn = session.connection()
    dialect = conn.dialect.name
    ignore = ignore_appointment_id is not None
    params: dict[str, Any] = {
        "hi": hi,
        "earliest": lo - _MAX_APPOINTMENT,
        "lo": lo,
        "locations": list(location_ids),
        "providers": list(provider_ids),
        "patient": patient_id,
        "ignore": ignore_appointment_id,
    }
    here = bool(location_ids)
    # fetchall: one driver call for thousands of rows, not one per row.
    rows: list[tuple[Any, ...]] = []
    if here:
        rows += _busy_statement(dialect, "locations", ignore, False, False).rows(conn, params)
    if provider_ids:
        rows += _busy_statement(dialect, "providers", ignore, here, False).rows(conn, params)
    if patient_id is not None:
        rows += _busy_statement(dialect, "patient", ignore, here, bool(provider_ids)).rows(conn, params)
    # One sort of the rows (a few runs already in order: the index's) and every list is in order.
    rows.sort(key=_START)
    busy.add_rows(rows, patient_id)
    return busy


_START = itemgetter(3)
