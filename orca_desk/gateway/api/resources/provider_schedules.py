"""``/booking/provider-schedules``: each provider's week (list, get, put with If-Match) and blocks."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import select

from orca_desk.gateway.api.http import (
    ApiError,
    Request,
    Result,
    bad_field,
    clock_text,
    iso,
    page,
    parse_clock,
    parse_day,
)
from orca_desk.gateway.api.routing import Route
from orca_desk.gateway.api.schema import (
    DATE,
    IF_MATCH,
    INSTANT,
    INT,
    PAGING,
    STR,
    nullable,
    obj,
    op,
    page_of,
    path_id,
    query,
    ref,
)
from orca_desk.models.clinic import Provider
from orca_desk.services import local_time
from orca_desk.services import provider_schedules as schedules
from orca_desk.services.access.security import MANAGE_SCHEDULES
from orca_desk.services.errors import NotFound


def _tag(periods: list[schedules.PeriodView]) -> str:
    """The schedule's entity tag: a digest of its periods (a schedule has no version column)."""
    text = repr(
        [
            (
                p.weekday,
                p.location_id,
                p.start_minute,
                p.end_minute,
                p.effective_from,
                p.effective_to,
                p.breaks,
            )
            for p in periods
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _day(d: schedules.DayHours) -> dict[str, Any]:
    return {
        "weekday": d.weekday,
        "location_id": d.location_id,
        "start": clock_text(d.start_minute),
        "end": clock_text(d.end_minute),
        "breaks": [
            {"start": clock_text(b.start_minute), "end": clock_text(b.end_minute), "label": b.label}
            for b in d.breaks
        ],
    }


def _schedule(req: Request, provider: Provider, on: date) -> Result:
    periods = schedules.list_periods(req.session, provider.id)
    body = {
        "provider_id": provider.id,
        "provider_name": provider.name,
        "on": on.isoformat(),
        "week": [_day(d) for d in schedules.week_on(req.session, provider.id, on)],
    }
    return Result(body, 200, [("ETag", f'"{_tag(periods)}"')])


def _provider(req: Request) -> Provider:
    provider = req.session.get(Provider, req.id("providerId"))
    if provider is None or not provider.is_active:
        raise NotFound(f"Provider #{req.id('providerId')} does not exist.")
    return provider


def _today(req: Request) -> date:
    return req.date_arg("on") or req.now.astimezone(local_time.location_zone(req.session, None)).date()


def list_all(req: Request) -> Result:
    on = _today(req)
    providers = req.session.scalars(
        select(Provider).where(Provider.is_active.is_(True)).order_by(Provider.name)
    ).all()
    return page(req, providers, lambda p: _schedule(req, p, on).body)


def get(req: Request) -> Result:
    return _schedule(req, _provider(req), _today(req))


def _days(req: Request) -> list[schedules.DayHours]:
    out = []
    for i, d in enumerate(req.field("week", list)):
        where = f"week[{i}]"
        if not isinstance(d, dict):
            raise bad_field(where, f"{where} must be an object.")
        for k in ("weekday", "location_id"):
            if not isinstance(d.get(k), int) or isinstance(d.get(k), bool):
                raise bad_field(f"{where}.{k}", f"{where}.{k} must be a whole number.")
        breaks = []
        for j, b in enumerate(d.get("breaks") or []):
            bw = f"{where}.breaks[{j}]"
            if not isinstance(b, dict):
                raise bad_field(bw, f"{bw} must be an object.")
            breaks.append(
                schedules.BreakInput(
                    parse_clock(f"{bw}.start", b.get("start")),
                    parse_clock(f"{bw}.end", b.get("end")),
                    str(b.get("label", "Lunch")),
                )
            )
        out.append(
            schedules.DayHours(
                d["weekday"],
                d["location_id"],
                parse_clock(f"{where}.start", d.get("start")),
                parse_clock(f"{where}.end", d.get("end")),
                tuple(breaks),
            )
        )
    return out


def put(req: Request) -> Result:
    """Make ``week`` the provider's week from ``effective_from``; appointments are never moved."""
    expected = req.if_match_tag()
    provider = _provider(req)
    if _tag(schedules.list_periods(req.session, provider.id)) != expected:
        raise ApiError(
            409,
            "Stale version",
            "Someone changed this schedule since you read it; read it again and retry.",
            kind="stale",
            errors=[("If-Match", "stale")],
        )
    first = parse_day("effective_from", req.field("effective_from", str))
    last_raw = req.field("effective_to", str, required=False)
    schedules.set_week(
        req.session,
        req.actor,
        provider.id,
        _days(req),
        effective_from=first,
        effective_to=parse_day("effective_to", last_raw) if last_raw else None,
        now=req.now,
    )
    return _schedule(req, provider, max(first, _today(req)))


def block(req: Request) -> Result:
    provider = _provider(req)
    location = req.field("location_id", int)
    start, end = req.datetime_field("start"), req.datetime_field("end")
    assert start is not None and end is not None
    block_id = schedules.create_block(
        req.session,
        req.actor,
        location_id=location,
        start=start,
        end=end,
        reason=req.field("reason", str),
        provider_id=provider.id,
        chair_id=req.field("chair_id", int, required=False),
        rrule=req.field("rrule", str, required=False),
        now=req.now,
    )
    zone = local_time.location_zone(req.session, location)
    return Result(
        {
            "id": block_id,
            "provider_id": provider.id,
            "location_id": location,
            "start": iso(start, zone),
            "end": iso(end, zone),
        },
        201,
    )


_S = MANAGE_SCHEDULES
ROUTES = [
    Route("GET", "/booking/provider-schedules", list_all, _S),
    Route("GET", "/booking/provider-schedules/{providerId}", get, _S),
    Route("PUT", "/booking/provider-schedules/{providerId}", put, _S, write=True),
    Route("POST", "/booking/provider-schedules/{providerId}/block", block, _S, write=True),
]

_CLOCK = {
    "type": "string",
    "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$",
    "description": "local HH:MM",
}
_BREAK = obj({"start": _CLOCK, "end": _CLOCK, "label": STR}, ["start", "end"])
_DAY = {
    "weekday": {"type": "integer", "minimum": 0, "maximum": 6},
    "location_id": INT,
    "start": _CLOCK,
    "end": _CLOCK,
    "breaks": {"type": "array", "items": _BREAK},
}
_SCHEDULE = {
    "provider_id": INT,
    "provider_name": STR,
    "on": DATE,
    "week": {"type": "array", "items": ref("WorkingDay")},
}
SCHEMAS = {
    "WorkingDay": obj(_DAY, ["weekday", "location_id", "start", "end"]),
    "ProviderSchedule": obj(_SCHEDULE, list(_SCHEDULE), closed=True),
    "ProviderSchedulePage": page_of("ProviderSchedule"),
    "ProviderWeek": obj(
        {
            "effective_from": DATE,
            "effective_to": nullable("string", format="date"),
            "week": {"type": "array", "items": ref("WorkingDay")},
        },
        ["effective_from", "week"],
    ),
    "NewBlock": obj(
        {"location_id": INT, "start": INSTANT, "end": INSTANT, "reason": STR, "chair_id": INT, "rrule": STR},
        ["location_id", "start", "end", "reason"],
    ),
    "Block": obj(
        {"id": INT, "provider_id": INT, "location_id": INT, "start": INSTANT, "end": INSTANT},
        ["id", "provider_id", "location_id", "start", "end"],
    ),
}
_ID = path_id("providerId")
_ON = query("on", DATE, "the week in force on this day (default: today)")
PATHS = {
    "/booking/provider-schedules": {
        "get": op(
            "Every active provider's week",
            _S,
            schema=ref("ProviderSchedulePage"),
            params=[_ON, *PAGING],
            errors=(422,),
        )
    },
    "/booking/provider-schedules/{providerId}": {
        "get": op(
            "A provider's week (the ETag guards a later PUT)",
            _S,
            schema=ref("ProviderSchedule"),
            params=[_ID, _ON],
            errors=(404, 422),
            etag=True,
        ),
        "put": op(
            "Set the week from effective_from (empty week: does not work); appointments are never moved",
            _S,
            schema=ref("ProviderSchedule"),
            params=[_ID, IF_MATCH],
            body=ref("ProviderWeek"),
            errors=(404, 409, 415, 422, 428),
            etag=True,
        ),
    },
    "/booking/provider-schedules/{providerId}/block": {
        "post": op(
            "Block the provider's time (within one local day; rrule repeats it)",
            _S,
            ok=201,
            schema=ref("Block"),
            params=[_ID],
            body=ref("NewBlock"),
            errors=(404, 409, 415, 422),
        )
    },
}
