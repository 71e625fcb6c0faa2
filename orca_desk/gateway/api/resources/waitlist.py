"""``/booking/waitlist``: entries, matches of an opening, notify, the offers sent, responses, conversion."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from orca_desk.gateway.api.http import ApiError, Request, Result, bad_field, iso, page
from orca_desk.gateway.api.routing import Route
from orca_desk.gateway.api.schema import (
    DATE,
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
from orca_desk.models.openings import Opening
from orca_desk.services import local_time
from orca_desk.services.access.security import MANAGE_WAITLIST, VIEW_ANALYTICS
from orca_desk.services.waitlist.analytics import offer_analytics
from orca_desk.services.waitlist.entries import add_entry, list_entries
from orca_desk.services.waitlist.matching import match_opening
from orca_desk.services.waitlist.offers import notify_entry
from orca_desk.services.waitlist.queries import list_offers
from orca_desk.services.waitlist.responses import record_response
from orca_desk.services.waitlist.rows import EntryInput

ENTRY_STATUSES = ("active", "notified", "booked", "removed", "expired")
RESPONSES = ("accepted", "declined", "no_response")


def _entry(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "patient_id": r.patient_id,
        "patient_name": r.patient_name,
        "type_id": r.type_id,
        "duration_minutes": r.duration_minutes,
        "priority": r.priority,
        "status": r.status,
        "notification_count": r.notification_count,
        "days_waiting": r.days_waiting,
        "preferences": r.preferences,
        "reason": r.reason,
        "provider_ids": list(r.provider_ids),
        "location_ids": list(r.location_ids),
        "days_of_week": list(r.days_of_week),
        "earliest_date": r.earliest_date.isoformat() if r.earliest_date else None,
        "latest_date": r.latest_date.isoformat() if r.latest_date else None,
    }


def entries(req: Request) -> Result:
    wanted = [s for s in (req.arg("status") or "active,notified").split(",") if s]
    unknown = [s for s in wanted if s not in ENTRY_STATUSES]
    if unknown:
        raise bad_field("status", f"Unknown status {', '.join(unknown)}; use {', '.join(ENTRY_STATUSES)}.")
    rows = list_entries(req.session, now=req.now, statuses=wanted)
    return page(req, rows, _entry)


def add(req: Request) -> Result:
    earliest, latest = (
        req.field("earliest_date", str, required=False),
        req.field("latest_date", str, required=False),
    )
    data = EntryInput(
        patient_id=req.field("patient_id", int),
        type_id=req.field("type_id", int),
        duration_minutes=req.field("duration_minutes", int, required=False),
        provider_ids=_ints(req, "provider_ids"),
        location_ids=_ints(req, "location_ids"),
        days_of_week=_ints(req, "days_of_week"),
        earliest_date=_date(earliest, "earliest_date"),
        latest_date=_date(latest, "latest_date"),
        priority=req.field("priority", int, required=False, default=3),
        reason=req.field("reason", str, required=False, default=""),
    )
    entry_id = add_entry(req.session, req.actor, data, now=req.now)
    row = next(r for r in list_entries(req.session, now=req.now, statuses=ENTRY_STATUSES) if r.id == entry_id)
    return Result(_entry(row), 201, [("Location", f"{req.path}/{entry_id}")])


def _ints(req: Request, name: str) -> list[int]:
    values = req.field(name, list, required=False, default=[])
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise bad_field(name, f"{name} must be a list of whole numbers.")
    return values


def _date(raw: str | None, name: str) -> Any:
    if raw is None:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise bad_field(name, f"{name} must be a date in the form YYYY-MM-DD.") from None


def match(req: Request) -> Result:
    limit = req.int_arg("limit", 20)
    assert limit is not None
    if not 1 <= limit <= 100:
        raise bad_field("limit", "limit must be between 1 and 100.")
    rows = match_opening(req.session, req.id("openingId"), now=req.now, limit=limit)
    return Result({"items": [asdict(r) for r in rows], "next": None})


def notify(req: Request) -> Result:
    opening = req.field("opening_id", int, required=False)
    row = notify_entry(req.session, req.actor, req.id("entryId"), now=req.now, opening_id=opening)
    return Result(_offer(req, row, {}))


def _offer(req: Request, r: Any, zones: dict[int, ZoneInfo]) -> dict[str, Any]:
    if r.opening_id not in zones:
        opening = req.session.get(Opening, r.opening_id)
        zones[r.opening_id] = local_time.location_zone(req.session, opening.location_id if opening else None)
    zone = zones[r.opening_id]
    return {
        "id": r.id,
        "opening_id": r.opening_id,
        "entry_id": r.entry_id,
        "patient_id": r.patient_id,
        "patient_name": r.patient_name,
        "channel": r.channel,
        "state": r.state,
        "state_text": r.state_text,
        "sent_at": iso(r.sent_at, zone),
        "hold_expires_at": iso(r.hold_expires_at, zone),
        "seconds_left": r.seconds_left,
        "responded_at": iso(r.responded_at, zone),
        "response": r.response,
        "booked_appointment_id": r.booked_appointment_id,
    }


def notifications(req: Request) -> Result:
    rows = list_offers(
        req.session, now=req.now, opening_id=req.int_arg("opening"), live_only=req.arg("live") == "true"
    )
    zones: dict[int, ZoneInfo] = {}
    return page(req, rows, lambda r: _offer(req, r, zones))


def respond(req: Request) -> Result:
    answer = req.field("response", str)
    if answer not in RESPONSES:
        raise bad_field("response", f"response must be one of {', '.join(RESPONSES)}.")
    result = record_response(req.session, req.actor, req.id("offerId"), answer, now=req.now)
    if not result.ok:
        raise ApiError(
            409, "Offer closed", result.message, kind="offer-closed", errors=[("response", result.message)]
        )
    return Result(
        {
            "offer_id": result.offer_id,
            "message": result.message,
            "appointment_id": result.appointment_id,
        }
    )


def conversion(req: Request) -> Result:
    zone = local_time.location_zone(req.session, req.int_arg("location"))
    first = req.date_arg("from") or (req.now.astimezone(zone).date() - timedelta(days=30))
    last = req.date_arg("to") or req.now.astimezone(zone).date()
    if last < first:
        raise bad_field("to", "to is before from.")
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    a = offer_analytics(
        req.session,
        req.actor,
        start=start,
        end=end,
        location_id=req.int_arg("location"),
        provider_id=req.int_arg("provider"),
    )
    return Result(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "offers_sent": a.offers_sent,
            "booked": a.booked,
            "conversion": round(a.conversion, 4),
            "median_minutes_to_respond": a.median_minutes_to_respond,
            "openings": a.openings,
            "filled": a.filled,
            "channels": [
                {
                    "channel": c.channel,
                    "sent": c.sent,
                    "accepted": c.accepted,
                    "declined": c.declined,
                    "expired": c.expired,
                    "booked": c.booked,
                    "conversion": round(c.conversion, 4),
                }
                for c in a.channels
            ],
        }
    )


ROUTES = [
    Route("GET", "/booking/waitlist", entries, MANAGE_WAITLIST),
    Route("POST", "/booking/waitlist", add, MANAGE_WAITLIST, write=True),
    Route("GET", "/booking/waitlist/match/{openingId}", match, MANAGE_WAITLIST),
    Route("POST", "/booking/waitlist/{entryId}/notify", notify, MANAGE_WAITLIST, write=True),
    Route("GET", "/booking/waitlist/notifications", notifications, MANAGE_WAITLIST),
    Route("PUT", "/booking/waitlist/notifications/{offerId}/response", respond, MANAGE_WAITLIST, write=True),
    Route("GET", "/booking/waitlist/analytics/conversion", conversion, VIEW_ANALYTICS),
]

_INTS = {"type": "array", "items": INT}
_ENTRY = {
    "id": INT,
    "patient_id": INT,
    "patient_name": STR,
    "type_id": INT,
    "duration_minutes": INT,
    "priority": INT,
    "status": STR,
    "notification_count": INT,
    "days_waiting": INT,
    "preferences": STR,
    "reason": STR,
    "provider_ids": _INTS,
    "location_ids": _INTS,
    "days_of_week": _INTS,
    "earliest_date": nullable("string", format="date"),
    "latest_date": nullable("string", format="date"),
}
_OFFER = {
    "id": INT,
    "opening_id": INT,
    "entry_id": INT,
    "patient_id": INT,
    "patient_name": STR,
    "channel": {"type": "string", "enum": ["sms", "email", "phone"]},
    "state": STR,
    "state_text": STR,
    "sent_at": nullable("string", format="date-time"),
    "hold_expires_at": nullable("string", format="date-time"),
    "seconds_left": nullable("integer"),
    "responded_at": nullable("string", format="date-time"),
    "response": nullable("string"),
    "booked_appointment_id": nullable("integer"),
}
_MATCH = {
    "entry_id": INT,
    "patient_id": INT,
    "patient_name": STR,
    "type_name": STR,
    "duration_minutes": INT,
    "priority": INT,
    "days_waiting": INT,
    "notification_count": INT,
    "score": {"type": "number"},
    "reason": STR,
    "channel": STR,
}
_COUNTS = {"sent": INT, "accepted": INT, "declined": INT, "expired": INT, "booked": INT}
SCHEMAS = {
    "WaitlistEntry": obj(_ENTRY, list(_ENTRY), closed=True),
    "WaitlistEntryPage": page_of("WaitlistEntry"),
    "NewWaitlistEntry": obj(
        {
            "patient_id": INT,
            "type_id": INT,
            "duration_minutes": INT,
            "provider_ids": _INTS,
            "location_ids": _INTS,
            "days_of_week": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6}},
            "earliest_date": DATE,
            "latest_date": DATE,
            "priority": {"type": "integer", "minimum": 1, "maximum": 5},
            "reason": STR,
        },
        ["patient_id", "type_id"],
    ),
    "WaitlistMatch": obj(_MATCH, list(_MATCH), closed=True),
    "WaitlistMatchList": obj(
        {"items": {"type": "array", "items": ref("WaitlistMatch")}, "next": {"type": "null"}}
    ),
    "WaitlistOffer": obj(_OFFER, list(_OFFER), closed=True),
    "WaitlistOfferPage": page_of("WaitlistOffer"),
    "OfferResponse": obj({"response": {"type": "string", "enum": list(RESPONSES)}}, ["response"]),
    "OfferResult": obj(
        {"offer_id": nullable("integer"), "message": STR, "appointment_id": nullable("integer")},
        ["offer_id", "message", "appointment_id"],
    ),
    "WaitlistConversion": obj(
        {
            "from": DATE,
            "to": DATE,
            "offers_sent": INT,
            "booked": INT,
            "conversion": {"type": "number"},
            "median_minutes_to_respond": nullable("number"),
            "openings": INT,
            "filled": INT,
            "channels": {
                "type": "array",
                "items": obj(
                    {"channel": STR, **_COUNTS, "conversion": {"type": "number"}}, ["channel", *_COUNTS]
                ),
            },
        },
        ["from", "to", "offers_sent", "booked", "conversion", "openings", "filled", "channels"],
    ),
}
_W = MANAGE_WAITLIST
PATHS = {
    "/booking/waitlist": {
        "get": op(
            "Waitlist entries, most urgent first",
            _W,
            schema=ref("WaitlistEntryPage"),
            params=[query("status", STR, f"comma-separated: {', '.join(ENTRY_STATUSES)}"), *PAGING],
            errors=(422,),
        ),
        "post": op(
            "Add an entry",
            _W,
            ok=201,
            schema=ref("WaitlistEntry"),
            body=ref("NewWaitlistEntry"),
            errors=(404, 409, 415, 422),
        ),
    },
    "/booking/waitlist/match/{openingId}": {
        "get": op(
            "The entries that fit an opening, best first, with why",
            _W,
            schema=ref("WaitlistMatchList"),
            params=[path_id("openingId"), query("limit", {"type": "integer", "minimum": 1, "maximum": 100})],
            errors=(404, 422),
        )
    },
    "/booking/waitlist/{entryId}/notify": {
        "post": op(
            "Offer the entry an opening now (the best that fits, or opening_id)",
            _W,
            schema=ref("WaitlistOffer"),
            params=[path_id("entryId")],
            body=obj({"opening_id": INT}),
            errors=(404, 409, 415, 422),
        )
    },
    "/booking/waitlist/notifications": {
        "get": op(
            "Offers sent, newest first",
            _W,
            schema=ref("WaitlistOfferPage"),
            params=[
                query("opening", INT, "only this opening's"),
                query("live", {"type": "string", "enum": ["true", "false"]}, "only live offers"),
                *PAGING,
            ],
            errors=(422,),
        )
    },
    "/booking/waitlist/notifications/{offerId}/response": {
        "put": op(
            "Record the family's answer (accepted books the slot)",
            _W,
            schema=ref("OfferResult"),
            params=[path_id("offerId")],
            body=ref("OfferResponse"),
            errors=(404, 409, 415, 422),
        )
    },
    "/booking/waitlist/analytics/conversion": {
        "get": op(
            "Offer conversion over openings created in a range of local days",
            VIEW_ANALYTICS,
            schema=ref("WaitlistConversion"),
            params=[
                query("from", DATE, "default: 30 days ago"),
                query("to", DATE, "default: today"),
                query("location", INT),
                query("provider", INT),
            ],
            errors=(422,),
        )
    },
}
