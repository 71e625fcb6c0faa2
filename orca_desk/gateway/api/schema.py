"""Builders of the OpenAPI 3.1 document's parts: schemas, parameters and operations with their
problem+json answers; each resource module describes its paths with them, beside its routes."""

from __future__ import annotations

from typing import Any

from orca_desk.gateway.api.http import DEFAULT_LIMIT, MAX_LIMIT

Schema = dict[str, Any]
ERROR_CODES = {
    401: "No API key, or an unknown or revoked one",
    403: "The key lacks the scope",
    404: "No such record",
    405: "Method not allowed here",
    409: "Conflict: a stale version (If-Match), a collision, or a rule refused it; nothing changed",
    415: "The body is not application/json",
    422: "Invalid input; `errors` names the fields",
    428: "If-Match is required",
    429: "Rate limit: wait Retry-After seconds",
    503: "The database was busy; try again",
}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str, **more: Any) -> Schema:
    return {"type": [kind, "null"], **more}


def obj(props: dict[str, Schema], required: list[str] | None = None, *, closed: bool = False) -> Schema:
    schema: Schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


INT: Schema = {"type": "integer"}
STR: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
INSTANT: Schema = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601 with the location's offset",
}
DATE: Schema = {"type": "string", "format": "date"}


def page_of(item: str) -> Schema:
    return obj(
        {"items": {"type": "array", "items": ref(item)}, "next": nullable("string")}, ["items", "next"]
    )


def query(name: str, schema: Schema, description: str = "", *, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def path_id(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}


PAGING = [
    query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    query("cursor", STR, "the `next` of the previous page"),
]
IF_MATCH: Schema = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "schema": STR,
    "description": 'the ETag (version) you read, e.g. "3"',
}


def op(
    summary: str,
    scope: str,
    *,
    ok: int = 200,
    schema: Schema | None = None,
    params: list[Schema] | None = None,
    body: Schema | None = None,
    errors: tuple[int, ...] = (),
    etag: bool = False,
) -> Schema:
    """One operation; every error answer is application/problem+json."""
    success: Schema = {"description": "Success"}
    if schema is not None:
        success["content"] = {"application/json": {"schema": schema}}
    if etag:
        success["headers"] = {"ETag": {"schema": STR, "description": "the record's version"}}
    responses: Schema = {str(ok): success}
    for code in sorted({401, 403, 429, *errors}):
        responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    responses["default"] = {"$ref": "#/components/responses/Problem"}
    operation: Schema = {
        "summary": summary,
        "description": f"Scope: `{scope}`.",
        "x-scope": scope,
        "parameters": params or [],
        "responses": responses,
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


PROBLEM = obj(
    {
        "type": STR,
        "title": STR,
        "status": INT,
        "detail": STR,
        "instance": STR,
        "errors": {
            "type": "array",
            "items": obj({"field": STR, "message": STR}, ["field", "message"]),
        },
    },
    ["type", "title", "status", "detail"],
)
