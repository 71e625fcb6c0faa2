"""Small helpers every waitlist module shares: aware UTC, zones, JSON columns, live offers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Chair, Location, Provider
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.services.errors import NotFound, ValidationError


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


def _live_offer() -> Any:
    return and_(WaitlistOffer.response.is_(None), WaitlistOffer.hold_released.is_(False))


def _names(session: Session, *, chairs: bool = True) -> dict[str, dict[int, str]]:
    names: dict[str, dict[int, str]] = {
        "provider": {i: n for i, n in session.execute(select(Provider.id, Provider.name))},
        "location": {i: n for i, n in session.execute(select(Location.id, Location.name))},
        "type": {i: n for i, n in session.execute(select(AppointmentType.id, AppointmentType.name))},
        "chair": {},
    }
    if chairs:
        names["chair"] = {i: n for i, n in session.execute(select(Chair.id, Chair.name))}
    return names


def _zones(session: Session) -> dict[int, ZoneInfo]:
    return {lid: ZoneInfo(tz) for lid, tz in session.execute(select(Location.id, Location.timezone))}


def _get_opening(session: Session, opening_id: int, *, lock: bool = False) -> Opening:
    query = select(Opening).where(Opening.id == opening_id)
    if lock:
        query = query.with_for_update()
    o = session.scalar(query)
    if o is None:
        raise NotFound(f"Opening #{opening_id} does not exist.")
    return o
