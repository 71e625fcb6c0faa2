"""The OpenAPI 3.1 document of the clinic API (served at /api/v1/openapi.json): each resource
module's paths and schemas, with the shared problems, responses and security."""

from __future__ import annotations

import copy
import functools

from orca_desk.gateway.api import resources
from orca_desk.gateway.api.schema import ERROR_CODES, PROBLEM, Schema, ref


@functools.cache
def _document() -> Schema:
    paths: Schema = {}
    schemas: Schema = {"Problem": PROBLEM}
    for module in resources.modules():
        paths.update(module.PATHS)
        schemas.update(module.SCHEMAS)
    problem = {"application/problem+json": {"schema": ref("Problem")}}
    responses: Schema = {
        f"E{code}": {"description": text, "content": problem} for code, text in ERROR_CODES.items()
    }
    responses["Problem"] = {"description": "Any other error", "content": problem}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Orca Desk clinic API",
            "version": "1.0.0",
            "description": "Scheduling for integrations, over the rules the desk uses. Authenticate with "
            "`Authorization: Bearer <key>` (`orca-desk api-key create`); each operation names its scope.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"apiKey": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
    }


def document() -> Schema:
    """The document (a copy: callers may change theirs)."""
    return copy.deepcopy(_document())
