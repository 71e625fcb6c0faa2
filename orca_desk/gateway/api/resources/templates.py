"""``/booking/templates``: list, create, get, update (a new version, If-Match), archive, apply (dry run)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from orca_desk.gateway.api.http import (
    Request,
    Result,
    bad_field,
    clock_text,
    etag,
    page,
    parse_clock,
    parse_day,
)
from orca_desk.gateway.api.routing import Route
from orca_desk.gateway.api.schema import (
    BOOL,
    DATE,
    IF_MATCH,
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
from orca_desk.services import schedule_templates as templates
from orca_desk.services.access.security import MANAGE_TEMPLATES
from orca_desk.services.template_engine.applying import apply_template
from orca_desk.services.template_engine.planning import plan_application
from orca_desk.services.template_engine.plans import ApplyParams

MAX_APPLY_DAYS = 92  # one request, one transaction; longer ranges: the desk's chunked apply
MAX_PLAN_ROWS = 500


def _row(r: templates.TemplateRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "description": r.description,
        "kind": r.kind,
        "is_active": r.is_active,
        "is_default": r.is_default,
        "version": r.version,
        "rotation": list(r.rotation),
        "chair_count": r.chair_count,
        "slot_count": r.slot_count,
    }


def _slot(s: templates.SlotSpec) -> dict[str, Any]:
    return {
        "start": clock_text(s.start),
        "end": clock_text(s.end),
        "type_id": s.type_id,
        "weekday": s.weekday,
        "week": s.week,
        "chair_index": s.chair_index,
        "blocked": s.blocked,
        "reason": s.reason,
    }


def _detail(d: templates.TemplateDetail, status: int = 200) -> Result:
    body = {
        **_row(d.template),
        "version": d.version.number,  # the one shown; the ETag is the newest, which an update replaces
        "slot_count": len(d.slots),
        "version_note": d.version.note,
        "slots": [_slot(s) for s in d.slots],
    }
    return Result(body, status, [etag(d.template.version)])


def _slots(req: Request) -> list[templates.SlotSpec]:
    raw = req.field("slots", list, required=False, default=[])
    out = []
    for i, s in enumerate(raw):
        where = f"slots[{i}]"
        if not isinstance(s, dict):
            raise bad_field(where, f"{where} must be an object.")
        ints = {k: s.get(k) for k in ("type_id", "weekday", "week", "chair_index")}
        for k, v in ints.items():
            if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                raise bad_field(f"{where}.{k}", f"{where}.{k} must be a whole number.")
        out.append(
            templates.SlotSpec(
                start=parse_clock(f"{where}.start", s.get("start")),
                end=parse_clock(f"{where}.end", s.get("end")),
                type_id=ints["type_id"],
                weekday=ints["weekday"],
                week=ints["week"] or 0,
                chair_index=ints["chair_index"] or 0,
                blocked=bool(s.get("blocked", False)),
                reason=str(s.get("reason", "")),
            )
        )
    return out


def _rotation(req: Request) -> list[str] | None:
    value = req.field("rotation", list, required=False)
    if value is not None and not all(isinstance(w, str) for w in value):
        raise bad_field("rotation", 'rotation must be a list of week names, like ["A", "B"].')
    return value


def list_all(req: Request) -> Result:
    rows = templates.list_templates(req.session, include_inactive=req.arg("archived") == "true")
    return page(req, rows, _row)


def create(req: Request) -> Result:
    detail = templates.create_template(
        req.session,
        req.actor,
        name=req.field("name", str),
        kind=req.field("kind", str, required=False, default="week"),
        description=req.field("description", str, required=False, default=""),
        slots=_slots(req),
        rotation=_rotation(req) or ["A"],
        chair_count=req.field("chair_count", int, required=False, default=1),
        is_default=req.field("is_default", bool, required=False, default=False),
        now=req.now,
    )
    result = _detail(detail, 201)
    result.headers.append(("Location", f"{req.path}/{detail.template.id}"))
    return result


def get(req: Request) -> Result:
    return _detail(templates.get_template(req.session, req.id("templateId"), version=req.int_arg("version")))


def update(req: Request) -> Result:
    """The slots (and rotation, chairs) become a new immutable version of the template."""
    expected = req.if_match()
    template_id = req.id("templateId")
    templates.save_template(
        req.session,
        req.actor,
        template_id,
        slots=_slots(req),
        rotation=_rotation(req),
        chair_count=req.field("chair_count", int, required=False),
        note=req.field("note", str, required=False, default=""),
        expected_version=expected,
        now=req.now,
    )
    name, description = req.field("name", str, required=False), req.field("description", str, required=False)
    if name is not None or description is not None:
        templates.update_template(
            req.session, req.actor, template_id, name=name, description=description, now=req.now
        )
    return _detail(templates.get_template(req.session, template_id))


def archive(req: Request) -> Result:
    row = templates.update_template(
        req.session, req.actor, req.id("templateId"), is_active=False, now=req.now
    )
    return Result(_row(row))


def _params(req: Request) -> ApplyParams:
    first, last = (
        parse_day("start_day", req.field("start_day", str)),
        parse_day("end_day", req.field("end_day", str)),
    )
    if last < first:
        raise bad_field("end_day", "end_day is before start_day.")
    if (last - first).days + 1 > MAX_APPLY_DAYS:
        raise bad_field("end_day", f"Apply at most {MAX_APPLY_DAYS} days per request.")
    lists = {}
    for name in ("provider_ids", "weekdays", "chair_ids"):
        value = req.field(name, list, required=name == "provider_ids", default=None)
        if value is not None and not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise bad_field(name, f"{name} must be a list of whole numbers.")
        lists[name] = value
    if not lists["provider_ids"]:
        raise bad_field("provider_ids", "Name at least one provider.")
    rotation_start = req.field("rotation_start", str, required=False)
    more: dict[str, Any] = {}
    if lists["weekdays"] is not None:
        more["weekdays"] = tuple(lists["weekdays"])
    return ApplyParams(
        template_id=req.id("templateId"),
        provider_ids=tuple(lists["provider_ids"]),
        start_day=first,
        end_day=last,
        chair_ids=tuple(lists["chair_ids"] or ()),
        location_id=req.field("location_id", int, required=False),
        version=req.field("version", int, required=False),
        rotation_start=parse_day("rotation_start", rotation_start) if rotation_start else None,
        **more,
    )


def apply(req: Request) -> Result:
    params = _params(req)
    if req.field("dry_run", bool, required=False, default=False):
        plan = plan_application(req.session, params, now=req.now)
        rows = plan.by_date_provider()
        return Result(
            {
                "dry_run": True,
                "version": plan.version_number,
                "counts": plan.counts,
                "summary": plan.summary(),
                "days": [
                    {**asdict(r), "day": r.day.isoformat(), "reasons": list(r.reasons)}
                    for r in rows[:MAX_PLAN_ROWS]
                ],
            }
        )
    result = apply_template(req.session, req.actor, params, now=req.now)
    return Result(
        {
            "dry_run": False,
            "application_id": result.application_id,
            "created": result.created,
            "counts": result.counts,
            "days_done": result.days_done,
        }
    )


_T = MANAGE_TEMPLATES
ROUTES = [
    Route("GET", "/booking/templates", list_all, _T),
    Route("POST", "/booking/templates", create, _T, write=True),
    Route("GET", "/booking/templates/{templateId}", get, _T),
    Route("PUT", "/booking/templates/{templateId}", update, _T, write=True),
    Route("DELETE", "/booking/templates/{templateId}", archive, _T, write=True),
    Route("POST", "/booking/templates/{templateId}/apply", apply, _T, write=True),
]

_CLOCK = {
    "type": "string",
    "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$",
    "description": "local HH:MM",
}
_SLOT = {
    "start": _CLOCK,
    "end": _CLOCK,
    "type_id": nullable("integer"),
    "weekday": nullable("integer", minimum=0, maximum=6),
    "week": INT,
    "chair_index": INT,
    "blocked": BOOL,
    "reason": STR,
}
_ROW = {
    "id": INT,
    "name": STR,
    "description": STR,
    "kind": {"type": "string", "enum": ["day", "week"]},
    "is_active": BOOL,
    "is_default": BOOL,
    "version": INT,
    "rotation": {"type": "array", "items": STR},
    "chair_count": INT,
    "slot_count": INT,
}
_COUNTS = obj(
    {k: INT for k in ("create", "existing", "off", "applied")}, ["create", "existing", "off", "applied"]
)
_DAY = {
    "day": DATE,
    "provider_id": INT,
    "provider_name": STR,
    "create": INT,
    "existing": INT,
    "off": INT,
    "applied": INT,
    "reasons": {"type": "array", "items": STR},
}
SCHEMAS = {
    "TemplateSlot": obj(_SLOT, ["start", "end"]),
    "Template": obj(_ROW, list(_ROW), closed=True),
    "TemplatePage": page_of("Template"),
    "TemplateDetail": obj(
        {**_ROW, "version_note": STR, "slots": {"type": "array", "items": ref("TemplateSlot")}},
        [*_ROW, "slots"],
        closed=True,
    ),
    "NewTemplate": obj(
        {
            "name": STR,
            "kind": {"type": "string", "enum": ["day", "week"]},
            "description": STR,
            "slots": {"type": "array", "items": ref("TemplateSlot")},
            "rotation": {"type": "array", "items": STR},
            "chair_count": INT,
            "is_default": BOOL,
        },
        ["name"],
    ),
    "TemplateVersionInput": obj(
        {
            "slots": {"type": "array", "items": ref("TemplateSlot")},
            "rotation": {"type": "array", "items": STR},
            "chair_count": INT,
            "note": STR,
            "name": STR,
            "description": STR,
        },
        ["slots"],
    ),
    "TemplateApply": obj(
        {
            "provider_ids": {"type": "array", "items": INT, "minItems": 1},
            "start_day": DATE,
            "end_day": DATE,
            "weekdays": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6}},
            "chair_ids": {"type": "array", "items": INT},
            "location_id": INT,
            "version": INT,
            "rotation_start": DATE,
            "dry_run": BOOL,
        },
        ["provider_ids", "start_day", "end_day"],
    ),
    "TemplateApplyResult": obj(
        {
            "dry_run": BOOL,
            "version": INT,
            "counts": _COUNTS,
            "summary": STR,
            "days": {"type": "array", "items": obj(_DAY, list(_DAY))},
            "application_id": nullable("integer"),
            "created": INT,
            "days_done": INT,
        },
        ["dry_run", "counts"],
    ),
}
_ID = path_id("templateId")
PATHS = {
    "/booking/templates": {
        "get": op(
            "Schedule templates",
            _T,
            schema=ref("TemplatePage"),
            params=[
                query("archived", {"type": "string", "enum": ["true", "false"]}, "include archived"),
                *PAGING,
            ],
            errors=(422,),
        ),
        "post": op(
            "Create a template (version 1)",
            _T,
            ok=201,
            schema=ref("TemplateDetail"),
            body=ref("NewTemplate"),
            errors=(409, 415, 422),
            etag=True,
        ),
    },
    "/booking/templates/{templateId}": {
        "get": op(
            "A template with the slots of its newest (or a given) version",
            _T,
            schema=ref("TemplateDetail"),
            params=[_ID, query("version", INT, "a version number")],
            errors=(404, 422),
            etag=True,
        ),
        "put": op(
            "Save the slots as a new version (If-Match: the version you edited)",
            _T,
            schema=ref("TemplateDetail"),
            params=[_ID, IF_MATCH],
            body=ref("TemplateVersionInput"),
            errors=(404, 409, 415, 422, 428),
            etag=True,
        ),
        "delete": op("Archive the template", _T, schema=ref("Template"), params=[_ID], errors=(404,)),
    },
    "/booking/templates/{templateId}/apply": {
        "post": op(
            f"Apply to providers and dates (at most {MAX_APPLY_DAYS} days); dry_run plans only",
            _T,
            schema=ref("TemplateApplyResult"),
            params=[_ID],
            body=ref("TemplateApply"),
            errors=(404, 409, 415, 422),
        )
    },
}
