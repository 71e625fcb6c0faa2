"""``/appointments``: a location's day, book, get, move and cancel (If-Match on changes)."""

from __future__ import annotations

from typing import Any

from orca_desk.gateway.api.http import Request, Result, bad_field, etag, iso, page
from orca_desk.gateway.api.routing import Route
from orca_desk.gateway.api.schema import (
    BOOL,
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
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Location
from orca_desk.services import local_time
from orca_desk.services.access.security import BOOK
from orca_desk.services.booking import booking
from orca_desk.services.calendar.calendar_data import load_appointments
from orca_desk.services.calendar.local_days import local_day_bounds
from orca_desk.services.errors import NotFound


def _json(req: Request, a: Appointment) -> dict[str, Any]:
    zone = local_time.location_zone(req.session, a.location_id)
    return {
        "id": a.id,
        "version": a.version,
        "patient_id": a.patient_id,
        "provider_id": a.provider_id,
        "chair_id": a.chair_id,
        "location_id": a.location_id,
        "type_id": a.type_id,
        "start": iso(a.start_at, zone),
        "end": iso(a.end_at, zone),
        "status": a.status,
        "confirmation": a.confirmation,
        "notes": a.notes,
        "series_id": a.series_id,
        "cancel_reason": a.cancel_reason,
    }


def _one(req: Request, a: Appointment, status: int = 200) -> Result:
    headers = [etag(a.version)]
    if status == 201:
        headers.append(("Location", f"{req.path.rstrip('/')}/{a.id}"))
    return Result(_json(req, a), status, headers)


def list_day(req: Request) -> Result:
    day = req.date_arg("date", required=True)
    location = req.int_arg("location", required=True)
    assert day is not None and location is not None
    if req.session.get(Location, location) is None:
        raise NotFound(f"There is no location #{location}.")
    zone = local_time.location_zone(req.session, location)
    start, end = local_day_bounds(day, zone)
    rows = load_appointments(
        req.session, [location], start, end, include_cancelled=req.arg("cancelled") == "true"
    )

    def row(r: Any) -> dict[str, Any]:
        return {
            "id": r.id,
            "version": r.version,
            "patient_id": r.patient_id,
            "patient_name": r.patient_name,
            "provider_id": r.provider_id,
            "provider_name": r.provider_name,
            "chair_id": r.chair_id,
            "location_id": r.location_id,
            "type_id": r.type_id,
            "type_name": r.type_name,
            "start": iso(r.start, zone),
            "end": iso(r.end, zone),
            "status": r.status,
            "confirmation": r.confirmation,
            "series_id": r.series_id,
        }

    return page(req, rows, row)


def book(req: Request) -> Result:
    start = req.datetime_field("start")
    assert start is not None
    minutes = req.field("minutes", int, required=False)
    appt = booking.book_appointment(
        req.session,
        req.actor,
        booking.BookingRequest(
            patient_id=req.field("patient_id", int),
            provider_id=req.field("provider_id", int),
            chair_id=req.field("chair_id", int),
            type_id=req.field("type_id", int),
            start=start,
            minutes=minutes,
            notes=req.field("notes", str, required=False, default=""),
            override_hours=req.field("override_hours", bool, required=False, default=False),
        ),
        now=req.now,
    )
    return _one(req, appt, 201)


def _get(req: Request) -> Appointment:
    appt = req.session.get(Appointment, req.id("appointmentId"))
    if appt is None:
        raise NotFound(f"Appointment #{req.id('appointmentId')} does not exist.")
    return appt


def get(req: Request) -> Result:
    return _one(req, _get(req))


def move(req: Request) -> Result:
    version = req.if_match()
    start = req.datetime_field("start")
    assert start is not None
    end = req.datetime_field("end", required=False)
    if end is not None and end <= start:
        raise bad_field("end", "end must be after start.")
    appt = booking.move_appointment(
        req.session,
        req.actor,
        req.id("appointmentId"),
        start=start,
        end=end,
        chair_id=req.field("chair_id", int, required=False),
        provider_id=req.field("provider_id", int, required=False),
        expected_version=version,
        override_hours=req.field("override_hours", bool, required=False, default=False),
        now=req.now,
    )
    return _one(req, appt)


def cancel(req: Request) -> Result:
    version = req.if_match()
    appt = booking.cancel_appointment(
        req.session,
        req.actor,
        req.id("appointmentId"),
        reason=req.field("reason", str),
        expected_version=version,
        now=req.now,
    )
    return _one(req, appt)


ROUTES = [
    Route("GET", "/appointments", list_day, BOOK),
    Route("POST", "/appointments", book, BOOK, write=True),
    Route("GET", "/appointments/{appointmentId}", get, BOOK),
    Route("POST", "/appointments/{appointmentId}/move", move, BOOK, write=True),
    Route("POST", "/appointments/{appointmentId}/cancel", cancel, BOOK, write=True),
]

_APPOINTMENT = {
    "id": INT,
    "version": INT,
    "patient_id": INT,
    "provider_id": INT,
    "chair_id": INT,
    "location_id": INT,
    "type_id": INT,
    "start": INSTANT,
    "end": INSTANT,
    "status": STR,
    "confirmation": STR,
    "series_id": nullable("integer"),
}
SCHEMAS = {
    "Appointment": obj(
        {**_APPOINTMENT, "notes": STR, "cancel_reason": nullable("string")}, list(_APPOINTMENT), closed=True
    ),
    "AppointmentRow": obj(
        {**_APPOINTMENT, "patient_name": STR, "provider_name": STR, "type_name": STR},
        list(_APPOINTMENT),
        closed=True,
    ),
    "AppointmentPage": page_of("AppointmentRow"),
    "NewAppointment": obj(
        {
            "patient_id": INT,
            "provider_id": INT,
            "chair_id": INT,
            "type_id": INT,
            "start": INSTANT,
            "minutes": {"type": "integer", "description": "default: the type's length"},
            "notes": STR,
            "override_hours": {
                **BOOL,
                "description": "book outside working hours (scope booking:override_hours)",
            },
        },
        ["patient_id", "provider_id", "chair_id", "type_id", "start"],
    ),
    "AppointmentMove": obj(
        {"start": INSTANT, "end": INSTANT, "chair_id": INT, "provider_id": INT, "override_hours": BOOL},
        ["start"],
    ),
    "AppointmentCancel": obj({"reason": STR}, ["reason"]),
}
_ID = path_id("appointmentId")
PATHS = {
    "/appointments": {
        "get": op(
            "A location's appointments on a local day",
            BOOK,
            schema=ref("AppointmentPage"),
            params=[
                query("date", DATE, "the local day", required=True),
                query("location", INT, "location id", required=True),
                query("cancelled", {"type": "string", "enum": ["true", "false"]}, "include cancelled ones"),
                *PAGING,
            ],
            errors=(404, 422),
        ),
        "post": op(
            "Book an appointment",
            BOOK,
            ok=201,
            schema=ref("Appointment"),
            body=ref("NewAppointment"),
            errors=(404, 409, 415, 422),
            etag=True,
        ),
    },
    "/appointments/{appointmentId}": {
        "get": op("One appointment", BOOK, schema=ref("Appointment"), params=[_ID], errors=(404,), etag=True)
    },
    "/appointments/{appointmentId}/move": {
        "post": op(
            "Move or resize (keeps the length unless end is given)",
            BOOK,
            schema=ref("Appointment"),
            params=[_ID, IF_MATCH],
            body=ref("AppointmentMove"),
            errors=(404, 409, 415, 422, 428),
            etag=True,
        )
    },
    "/appointments/{appointmentId}/cancel": {
        "post": op(
            "Cancel with a reason",
            BOOK,
            schema=ref("Appointment"),
            params=[_ID, IF_MATCH],
            body=ref("AppointmentCancel"),
            errors=(404, 409, 415, 422, 428),
            etag=True,
        )
    },
}
