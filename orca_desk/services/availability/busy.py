"""Active appointments of a window as epoch-minute intervals, read as plain integer tuples."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, cast, func, select
from sqlalchemy.orm import Session

from orca_desk.models import (
    ACTIVE_STATUSES,
    Appointment,
)
from orca_desk.services.intervals import (
    Interval,
)

# The longest appointment booking allows (booking.MAX_MINUTES; not imported, booking imports
# this module). It bounds the start_at range so SQLite stays inside the window's index range.
_MAX_APPOINTMENT = timedelta(hours=8)


@dataclass
class _Busy:
    """Active appointments of a window as epoch-minute intervals, grouped three ways."""

    by_provider: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    by_chair: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    by_patient: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))

    def add(self, provider_id: int, chair_id: int, patient_id: int, start: int, end: int) -> None:
        iv = (start, end)
        self.by_provider[provider_id].append(iv)
        self.by_chair[chair_id].append(iv)
        self.by_patient[patient_id].append(iv)


def _epoch_sql(session: Session, column: Any, *, up: bool = False) -> Any:
    """The column as epoch minutes computed by the database: thousands of rows then cost no
    datetime objects in Python (the instants are minute-aligned; ``up`` rounds an end up)."""
    if session.get_bind().dialect.name == "sqlite":
        seconds = cast(func.strftime("%s", column), BigInteger)
    else:
        seconds = cast(func.extract("epoch", column), BigInteger)
    return (seconds + 59).self_group().op("/")(60) if up else seconds.op("/")(60)


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
    cols = (
        Appointment.provider_id,
        Appointment.chair_id,
        Appointment.patient_id,
        _epoch_sql(session, Appointment.start_at),
        _epoch_sql(session, Appointment.end_at, up=True),
    )
    window = and_(
        Appointment.start_at < hi,
        Appointment.start_at > lo - _MAX_APPOINTMENT,
        Appointment.end_at > lo,
        Appointment.status.in_(ACTIVE_STATUSES),
    )
    if ignore_appointment_id is not None:
        window = and_(window, Appointment.id != ignore_appointment_id)
    seen_patient_rows = patient_id is None
    if location_ids:
        # fetchall: one driver call for thousands of rows, not one per row.
        for r in conn.execute(select(*cols).where(window, Appointment.location_id.in_(location_ids))).all():
            busy.add(*r)
    if provider_ids:
        q = select(*cols).where(window, Appointment.provider_id.in_(provider_ids))
        if location_ids:
            q = q.where(Appointment.location_id.not_in(location_ids))
        for r in conn.execute(q).all():
            busy.add(*r)
    if not seen_patient_rows:
        q = select(*cols).where(window, Appointment.patient_id == patient_id)
        if location_ids:
            q = q.where(Appointment.location_id.not_in(location_ids))
        if provider_ids:
            q = q.where(Appointment.provider_id.not_in(provider_ids))
        for r in conn.execute(q).all():
            busy.add(*r)
    return busy
