"""``/booking/recurring``: create a series, get it, change it from an occurrence with a scope, cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from orca_desk.gateway.api.http import Request, Result, bad_field, etag, parse_clock
from orca_desk.gateway.api.routing import Route
from orca_desk.gateway.api.schema import IF_MATCH, INSTANT, INT, STR, nullable, obj, op, path_id, query, ref
from orca_desk.models.series import RecurringSeries
from orca_desk.services import local_time, series
from orca_desk.services.access.security import BOOK
from orca_desk.services.errors import NotFound, StaleEditError, ValidationError

SCOPES = ("this", "following", "all")
STALE = "Someone changed this series since you read it; read it again and retry."


def _series_row(req: Request, series_id: int) -> RecurringSeries:
    s = req.session.get(RecurringSeries, series_id)
    if s is None:
        raise NotFound(f"Series #{series_id} does not exist.")
    return s


def _detail(req: Request, series_id: int, status: int = 200) -> Result:
    d = series.load_series(req.session, series_id)
    version = _series_row(req, series_id).version

    def occ(o: series.SeriesOccurrenceRow) -> dict[str, Any]:
        return {
            "original_start": o.original_start.isoformat(),
            "start": o.start.isoformat() if o.start else None,
            "end": o.end.isoformat() if o.end else None,
            "state": o.state,
            "appointment_id": o.appointment_id,
            "version": o.version,
        }

    body = {
        "id": d.id,
        "version": version,
        "summary": d.summary,
        "rrule": d.rrule,
        "dtstart": d.dtstart.isoformat(),  # already in the series zone
        "timezone": d.zone,
        "minutes": d.minutes,
        "status": d.status,
        "patient_id": d.patient_id,
        "provider_id": d.provider_id,
        "chair_id": d.chair_id,
        "type_id": d.type_id,
        "parent_id": d.parent_id,
        "child_ids": list(d.child_ids),
        "occurrences": [occ(o) for o in d.occurrences],
    }
    headers = [etag(version)]
    if status == 201:
        headers.append(("Location", f"{req.path}/{d.id}"))
    return Result(body, status, headers)


def create(req: Request) -> Result:
    """All or nothing: an occurrence that cannot be booked refuses the series, naming its date."""
    dtstart = req.datetime_field("dtstart")
    assert dtstart is not None
    chair_id = req.field("chair_id", int)
    series_id = series.create_series(
        req.session,
        req.actor,
        patient_id=req.field("patient_id", int),
        provider_id=req.field("provider_id", int),
        chair_id=chair_id,
        type_id=req.field("type_id", int),
        rrule=req.field("rrule", str),
        # The rule repeats on the location's wall clock: read the start in its zone.
        dtstart=dtstart.astimezone(local_time.chair_zone(req.session, chair_id)),
        minutes=req.field("minutes", int, required=False),
        notes=req.field("notes", str, required=False, default=""),
        now=req.now,
    )
    return _detail(req, series_id, 201)


def get(req: Request) -> Result:
    return _detail(req, req.id("seriesId"))


def _check_version(req: Request, series_id: int) -> RecurringSeries:
    expected = req.if_match()
    s = _series_row(req, series_id)
    if s.version != expected:
        raise StaleEditError(STALE)
    return s


def _occurrence(req: Request, series_id: int, appointment_id: int | None) -> int:
    """The occurrence a scope counts from: the one named, else the first that has not started."""
    rows = series.load_series(req.session, series_id).occurrences
    if appointment_id is not None:
        if not any(o.appointment_id == appointment_id for o in rows):
            raise bad_field(
                "appointment_id", f"Appointment #{appointment_id} is not an occurrence of this series."
            )
        return appointment_id
    for o in rows:
        if o.appointment_id is not None and o.start is not None and o.start >= req.now:
            return o.appointment_id
    raise ValidationError("The series has no future occurrence to change.", field="appointment_id")


def _scope(raw: str | None) -> series.Scope:
    if raw not in SCOPES:
        raise bad_field("scope", f"scope must be one of {', '.join(SCOPES)}.")
    return cast(series.Scope, raw)


def update(req: Request) -> Result:
    series_id = req.id("seriesId")
    _check_version(req, series_id)
    scope = _scope(req.field("scope", str))
    start_time = req.field("start_time", str, required=False)
    change = series.SeriesChange(
        rrule=req.field("rrule", str, required=False),
        start_time=_time(start_time) if start_time is not None else None,
        minutes=req.field("minutes", int, required=False),
        provider_id=req.field("provider_id", int, required=False),
        chair_id=req.field("chair_id", int, required=False),
        type_id=req.field("type_id", int, required=False),
    )
    occurrence = _occurrence(req, series_id, req.field("appointment_id", int, required=False))
    new_id = series.modify_series(req.session, req.actor, occurrence, scope=scope, change=change, now=req.now)
    return _detail(req, new_id)


def _time(raw: str) -> Any:
    minute = parse_clock("start_time", raw)
    if minute >= 24 * 60:
        raise bad_field("start_time", "start_time must be before 24:00.")
    return datetime.min.replace(hour=minute // 60, minute=minute % 60).time()


def cancel(req: Request) -> Result:
    series_id = req.id("seriesId")
    _check_version(req, series_id)
    reason = req.arg("reason") or ""
    scope = _scope(req.arg("scope", "all"))
    occurrence = _occurrence(req, series_id, req.int_arg("appointment"))
    count = series.cancel_series(req.session, req.actor, occurrence, scope=scope, reason=reason, now=req.now)
    result = _detail(req, series_id)
    result.body["cancelled"] = count
    return result


ROUTES = [
    Route("POST", "/booking/recurring", create, BOOK, write=True),
    Route("GET", "/booking/recurring/{seriesId}", get, BOOK),
    Route("PUT", "/booking/recurring/{seriesId}", update, BOOK, write=True),
    Route("DELETE", "/booking/recurring/{seriesId}", cancel, BOOK, write=True),
]

_OCC = {
    "original_start": INSTANT,
    "start": nullable("string", format="date-time"),
    "end": nullable("string", format="date-time"),
    "state": STR,
    "appointment_id": nullable("integer"),
    "version": nullable("integer"),
}
_SERIES = {
    "id": INT,
    "version": INT,
    "summary": STR,
    "rrule": STR,
    "dtstart": INSTANT,
    "timezone": STR,
    "minutes": INT,
    "status": STR,
    "patient_id": INT,
    "provider_id": INT,
    "chair_id": INT,
    "type_id": INT,
    "parent_id": nullable("integer"),
    "child_ids": {"type": "array", "items": INT},
    "occurrences": {"type": "array", "items": obj(_OCC, list(_OCC), closed=True)},
}
SCHEMAS = {
    "Series": obj({**_SERIES, "cancelled": INT}, list(_SERIES), closed=True),
    "NewSeries": obj(
        {
            "patient_id": INT,
            "provider_id": INT,
            "chair_id": INT,
            "type_id": INT,
            "rrule": {"type": "string", "description": "RFC 5545, e.g. FREQ=WEEKLY;INTERVAL=6;COUNT=4"},
            "dtstart": INSTANT,
            "minutes": INT,
            "notes": STR,
        },
        ["patient_id", "provider_id", "chair_id", "type_id", "rrule", "dtstart"],
    ),
    "SeriesChange": obj(
        {
            "scope": {"type": "string", "enum": list(SCOPES)},
            "appointment_id": {"type": "integer", "description": "the occurrence the scope counts from"},
            "rrule": STR,
            "start_time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
            "minutes": INT,
            "provider_id": INT,
            "chair_id": INT,
            "type_id": INT,
        },
        ["scope"],
    ),
}
_ID = path_id("seriesId")
PATHS = {
    "/booking/recurring": {
        "post": op(
            "Create a series and book its occurrences (all or nothing)",
            BOOK,
            ok=201,
            schema=ref("Series"),
            body=ref("NewSeries"),
            errors=(404, 409, 415, 422),
            etag=True,
        )
    },
    "/booking/recurring/{seriesId}": {
        "get": op(
            "A series and its occurrences", BOOK, schema=ref("Series"), params=[_ID], errors=(404,), etag=True
        ),
        "put": op(
            "Change this occurrence, this and the following, or all future ones",
            BOOK,
            schema=ref("Series"),
            params=[_ID, IF_MATCH],
            body=ref("SeriesChange"),
            errors=(404, 409, 415, 422, 428),
            etag=True,
        ),
        "delete": op(
            "Cancel occurrences (scope all: every future one)",
            BOOK,
            schema=ref("Series"),
            params=[
                _ID,
                IF_MATCH,
                query("reason", STR, "why", required=True),
                query("scope", {"type": "string", "enum": list(SCOPES), "default": "all"}),
                query("appointment", INT, "the occurrence the scope counts from (default: the next one)"),
            ],
            errors=(404, 409, 422, 428),
            etag=True,
        ),
    },
}
