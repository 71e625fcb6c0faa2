"""``/availability``: the next openings, from the same engine as the desk's Find next opening."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from orca_desk.gateway.api.http import Request, Result, bad_field, iso, parse_instant
from orca_desk.gateway.api.routing import Route
from orca_desk.gateway.api.schema import INSTANT, INT, obj, op, query, ref
from orca_desk.models.clinic import AppointmentType, Location
from orca_desk.services import local_time
from orca_desk.services.access.security import BOOK
from orca_desk.services.availability import Opening, find_openings

MAX_DAYS, DEFAULT_DAYS, MAX_OPENINGS = 180, 28, 100


def _bound(req: Request, name: str, zone: Any, *, end: bool) -> datetime | None:
    """A date (the start, or for ``to`` the end, of that local day) or an instant with offset."""
    raw = req.arg(name)
    if not raw:
        return None
    if len(raw) == 10:
        day = req.date_arg(name)
        assert day is not None
        moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=zone)
        return moment
    return parse_instant(name, raw)


def openings(req: Request) -> Result:
    type_id = req.int_arg("type", required=True)
    atype = req.session.get(AppointmentType, type_id)
    if atype is None or not atype.is_active:
        raise bad_field("type", f"There is no appointment type #{type_id}.")
    location = req.int_arg("location")
    if location is not None and req.session.get(Location, location) is None:
        raise bad_field("location", f"There is no location #{location}.")
    provider = req.int_arg("provider")
    zone = local_time.location_zone(req.session, location)
    start = _bound(req, "from", zone, end=False) or req.now
    start = max(start, req.now)
    stop = _bound(req, "to", zone, end=True) or start + timedelta(days=DEFAULT_DAYS)
    if stop <= start:
        raise bad_field("to", "to must be after from (and after now).")
    days = (stop - start).days + (1 if (stop - start) % timedelta(days=1) else 0)
    if days > MAX_DAYS:
        raise bad_field("to", f"Search at most {MAX_DAYS} days at a time.")
    limit = req.int_arg("limit", 20)
    assert limit is not None
    if not 1 <= limit <= MAX_OPENINGS:
        raise bad_field("limit", f"limit must be between 1 and {MAX_OPENINGS}.")
    found = find_openings(
        req.session,
        minutes=atype.default_minutes,
        after=start,
        provider_ids=[provider] if provider is not None else None,
        location_ids=[location] if location is not None else None,
        horizon_days=days,
        limit=limit,
        spread=req.arg("spread") == "true",
    )
    zones: dict[int, Any] = {}

    def row(o: Opening) -> dict[str, Any]:
        z = zones.get(o.location_id) or zones.setdefault(
            o.location_id, local_time.location_zone(req.session, o.location_id)
        )
        return {
            "start": iso(o.start, z),
            "end": iso(o.end, z),
            "provider_id": o.provider_id,
            "chair_id": o.chair_id,
            "location_id": o.location_id,
            "type_id": atype.id,
        }

    return Result({"items": [row(o) for o in found if o.start < stop], "next": None})


ROUTES = [Route("GET", "/availability", openings, BOOK)]

SCHEMAS = {
    "Opening": obj(
        {
            "start": INSTANT,
            "end": INSTANT,
            "provider_id": INT,
            "chair_id": INT,
            "location_id": INT,
            "type_id": INT,
        },
        ["start", "end", "provider_id", "chair_id", "location_id", "type_id"],
        closed=True,
    ),
    "OpeningList": obj(
        {"items": {"type": "array", "items": ref("Opening")}, "next": {"type": "null"}}, ["items"]
    ),
}
_WHEN = {"type": "string", "description": "YYYY-MM-DD (a local day) or a date-time with offset"}
PATHS = {
    "/availability": {
        "get": op(
            "The next openings for an appointment type (Find next opening)",
            BOOK,
            schema=ref("OpeningList"),
            params=[
                query("type", INT, "appointment type id (its length is searched)", required=True),
                query("provider", INT, "only this provider"),
                query("location", INT, "only this location"),
                query("from", _WHEN, "default: now"),
                query("to", _WHEN, f"default: {DEFAULT_DAYS} days after from; at most {MAX_DAYS} days"),
                query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_OPENINGS, "default": 20}),
                query(
                    "spread",
                    {"type": "string", "enum": ["true", "false"]},
                    "one per provider and part of day",
                ),
            ],
            errors=(422,),
        )
    }
}
