"""``/booking/reminder-sequences``: list, create, update (If-Match) and retire reminder sequences."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from orca_desk.gateway.api.http import ApiError, Request, Result, bad_field, page
from orca_desk.gateway.api.routing import Route
from orca_desk.gateway.api.schema import (
    BOOL,
    IF_MATCH,
    INT,
    PAGING,
    STR,
    Schema,
    nullable,
    obj,
    op,
    page_of,
    path_id,
    ref,
)
from orca_desk.models.clinic import Clinic
from orca_desk.services import reminders
from orca_desk.services.access.security import MANAGE_CAMPAIGNS
from orca_desk.services.errors import NotFound

CHANNELS = ("sms", "email")


def _clinic_id(req: Request) -> int:
    clinic_id = req.session.scalar(select(Clinic.id).order_by(Clinic.id).limit(1))
    if clinic_id is None:
        raise NotFound("There is no clinic yet.")
    return clinic_id


def _tag(r: Any) -> str:
    """A sequence's entity tag: when it was last saved (sequences have no version column)."""
    return hashlib.sha256(r.updated_at.isoformat().encode()).hexdigest()[:16]


def _json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "appointment_type_ids": list(r.appointment_type_ids),
        "is_active": r.is_active,
        "is_default": r.is_default,
        "steps": [
            {
                "offset_minutes": s.offset_minutes,
                "label": s.label,
                "channels": list(s.channels),
                "template_key": s.template_key,
                "asks_for_confirmation": s.asks_for_confirmation,
                "sms_body": s.sms_body,
                "email_subject": s.email_subject,
                "email_body": s.email_body,
            }
            for s in r.steps
        ],
    }


def _find(req: Request, sequence_id: int) -> Any:
    row = next(
        (r for r in reminders.list_sequences(req.session, _clinic_id(req)) if r.id == sequence_id), None
    )
    if row is None:
        raise NotFound(f"There is no reminder sequence #{sequence_id}.")
    return row


def _one(req: Request, sequence_id: int, status: int = 200) -> Result:
    row = _find(req, sequence_id)
    return Result(_json(row), status, [("ETag", f'"{_tag(row)}"')])


def _steps(req: Request) -> tuple[Any, ...]:
    out = []
    for i, s in enumerate(req.field("steps", list)):
        where = f"steps[{i}]"
        if not isinstance(s, dict):
            raise bad_field(where, f"{where} must be an object.")
        offset, channels = s.get("offset_minutes"), s.get("channels")
        if not isinstance(offset, int) or isinstance(offset, bool):
            raise bad_field(
                f"{where}.offset_minutes", f"{where}.offset_minutes must be a whole number of minutes."
            )
        if not isinstance(channels, list) or not channels or any(c not in CHANNELS for c in channels):
            raise bad_field(f"{where}.channels", f"{where}.channels must list sms and/or email.")
        texts = {k: s.get(k) for k in ("sms_body", "email_subject", "email_body")}
        if any(v is not None and not isinstance(v, str) for v in texts.values()):
            raise bad_field(where, f"The texts of {where} must be strings.")
        out.append(
            reminders.StepInput(
                offset,
                tuple(channels),
                str(s.get("template_key") or ""),
                bool(s.get("asks_for_confirmation", False)),
                **texts,
            )
        )
    return tuple(out)


def _input(req: Request) -> Any:
    types = req.field("appointment_type_ids", list, required=False, default=[])
    if not all(isinstance(t, int) and not isinstance(t, bool) for t in types):
        raise bad_field("appointment_type_ids", "appointment_type_ids must be a list of whole numbers.")
    return reminders.SequenceInput(
        name=req.field("name", str),
        appointment_type_ids=tuple(types),
        is_active=req.field("is_active", bool, required=False, default=True),
        is_default=req.field("is_default", bool, required=False, default=False),
        steps=_steps(req),
    )


def list_all(req: Request) -> Result:
    rows = reminders.list_sequences(req.session, _clinic_id(req))
    if req.arg("retired") != "true":
        rows = [r for r in rows if r.is_active]
    return page(req, rows, _json)


def create(req: Request) -> Result:
    new_id = reminders.save_sequence(req.session, req.actor, _clinic_id(req), _input(req), now=req.now)
    result = _one(req, new_id, 201)
    result.headers.append(("Location", f"{req.path}/{new_id}"))
    return result


def update(req: Request) -> Result:
    sequence_id = req.id("sequenceId")
    expected = req.if_match_tag()
    if _tag(_find(req, sequence_id)) != expected:
        raise ApiError(
            409,
            "Stale version",
            "Someone changed this sequence since you read it; read it again and retry.",
            kind="stale",
            errors=[("If-Match", "stale")],
        )
    reminders.save_sequence(
        req.session, req.actor, _clinic_id(req), _input(req), now=req.now, sequence_id=sequence_id
    )
    return _one(req, sequence_id)


def retire(req: Request) -> Result:
    """Retired, not deleted: its history stays for analytics; pending steps are re-planned."""
    reminders.delete_sequence(req.session, req.actor, req.id("sequenceId"), now=req.now)
    return _one(req, req.id("sequenceId"))


_M = MANAGE_CAMPAIGNS
ROUTES = [
    Route("GET", "/booking/reminder-sequences", list_all, _M),
    Route("POST", "/booking/reminder-sequences", create, _M, write=True),
    Route("PUT", "/booking/reminder-sequences/{sequenceId}", update, _M, write=True),
    Route("DELETE", "/booking/reminder-sequences/{sequenceId}", retire, _M, write=True),
]

_STEP_IN: dict[str, Schema] = {
    "offset_minutes": {"type": "integer", "description": "minutes before the visit (negative: after)"},
    "channels": {"type": "array", "items": {"type": "string", "enum": list(CHANNELS)}, "minItems": 1},
    "template_key": STR,
    "asks_for_confirmation": BOOL,
    "sms_body": nullable("string"),
    "email_subject": nullable("string"),
    "email_body": nullable("string"),
}
_STEP: dict[str, Schema] = {**_STEP_IN, "label": STR}
_SEQ: dict[str, Schema] = {
    "id": INT,
    "name": STR,
    "appointment_type_ids": {"type": "array", "items": INT},
    "is_active": BOOL,
    "is_default": BOOL,
    "steps": {"type": "array", "items": obj(_STEP, list(_STEP), closed=True)},
}
SCHEMAS = {
    "ReminderSequence": obj(_SEQ, list(_SEQ), closed=True),
    "ReminderSequencePage": page_of("ReminderSequence"),
    "ReminderSequenceInput": obj(
        {
            "name": STR,
            "appointment_type_ids": {"type": "array", "items": INT},
            "is_active": BOOL,
            "is_default": BOOL,
            "steps": {"type": "array", "items": obj(_STEP_IN, ["offset_minutes", "channels"])},
        },
        ["name", "steps"],
    ),
}
_ID = path_id("sequenceId")
PATHS = {
    "/booking/reminder-sequences": {
        "get": op(
            "Reminder sequences (active; retired=true for all)",
            _M,
            schema=ref("ReminderSequencePage"),
            params=[
                {"name": "retired", "in": "query", "schema": {"type": "string", "enum": ["true", "false"]}},
                *PAGING,
            ],
            errors=(422,),
        ),
        "post": op(
            "Create a sequence (every problem named); future visits are re-planned",
            _M,
            ok=201,
            schema=ref("ReminderSequence"),
            body=ref("ReminderSequenceInput"),
            errors=(415, 422),
            etag=True,
        ),
    },
    "/booking/reminder-sequences/{sequenceId}": {
        "put": op(
            "Replace a sequence (If-Match: its ETag)",
            _M,
            schema=ref("ReminderSequence"),
            params=[_ID, IF_MATCH],
            body=ref("ReminderSequenceInput"),
            errors=(404, 409, 415, 422, 428),
            etag=True,
        ),
        "delete": op(
            "Retire a sequence (kept for analytics)",
            _M,
            schema=ref("ReminderSequence"),
            params=[_ID],
            errors=(404, 422),
            etag=True,
        ),
    },
}
