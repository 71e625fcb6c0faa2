"""Requests, results and RFC 9457 problems of the clinic API; JSON in and out, times with offsets."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from orca_desk.services.access.security import Actor

PROBLEM_TYPE = "https://orca-desk.example/problems/"
MAX_LIMIT, DEFAULT_LIMIT = 200, 50


class ApiError(Exception):
    """An answer other than success: status, a short title, the detail and the fields at fault."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        errors: Sequence[tuple[str, str]] = (),
        kind: str | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.errors = list(errors)
        self.kind = kind or title.lower().replace(" ", "-")
        self.headers = list(headers)


def bad_field(name: str, message: str) -> ApiError:
    return ApiError(422, "Invalid request", message, errors=[(name, message)], kind="invalid")


def problem_body(err: ApiError, instance: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + err.kind,
        "title": err.title,
        "status": err.status,
        "detail": err.detail,
        "instance": instance,
    }
    if err.errors:
        body["errors"] = [{"field": f, "message": m} for f, m in err.errors]
    return body


@dataclass
class Result:
    """A success: the JSON body (None for 204), its status and extra headers (ETag, Location)."""

    body: Any
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)


def etag(version: int) -> tuple[str, str]:
    return ("ETag", f'"{version}"')


@dataclass
class Request:
    """One API call as a resource handler sees it (the session is opened by the dispatcher)."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    actor: Actor
    now: datetime
    session: Session = field(repr=False, default=None)  # type: ignore[assignment]

    # ----- query parameters ----------------------------------------------------------------
    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def int_arg(self, name: str, default: int | None = None, *, required: bool = False) -> int | None:
        raw = self.arg(name)
        if raw is None or raw == "":
            if required:
                raise bad_field(name, f"The query parameter {name} is required.")
            return default
        try:
            return int(raw)
        except ValueError:
            raise bad_field(name, f"{name} must be a whole number, not {raw!r}.") from None

    def date_arg(self, name: str, *, required: bool = False) -> date | None:
        raw = self.arg(name)
        if not raw:
            if required:
                raise bad_field(name, f"The query parameter {name} is required (YYYY-MM-DD).")
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise bad_field(name, f"{name} must be a date in the form YYYY-MM-DD, not {raw!r}.") from None

    def id(self, name: str) -> int:
        return int(self.params[name])  # the route's pattern admits digits only

    # ----- the JSON body -------------------------------------------------------------------
    def json(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise bad_field("body", "The request body must be a JSON object.")
        return self.body

    def field(
        self, name: str, kind: type | tuple[type, ...], *, required: bool = True, default: Any = None
    ) -> Any:
        data = self.json()
        if name not in data or data[name] is None:
            if required:
                raise bad_field(name, f"{name} is required.")
            return default
        value = data[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            what = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise bad_field(name, f"{name} must be a {_JSON_NAMES.get(what, what)}.")
        return value

    def datetime_field(self, name: str, *, required: bool = True) -> datetime | None:
        raw = self.field(name, str, required=required)
        return None if raw is None else parse_instant(name, raw)

    def if_match_tag(self) -> str:
        """The entity tag of ``If-Match`` (quotes and W/ removed); 428 when there is none."""
        raw = self.headers.get("if-match", "").strip()
        if not raw:
            self.if_match()
        return raw.removeprefix("W/").strip('"')

    def if_match(self) -> int:
        """The version the client read (``If-Match: "3"``); writes to versioned records need it."""
        raw = self.headers.get("if-match", "").strip()
        if not raw:
            raise ApiError(
                428,
                "If-Match required",
                "Send If-Match with the version (ETag) you read, so a change made since is not overwritten.",
                errors=[("If-Match", "missing")],
            )
        text = raw.removeprefix("W/").strip('"')
        if not text.isdigit():
            raise bad_field("If-Match", f'If-Match must be the record\'s ETag, like "3", not {raw!r}.')
        return int(text)


_JSON_NAMES = {
    "str": "string",
    "int": "whole number",
    "bool": "boolean",
    "dict": "JSON object",
    "list": "list",
}


def parse_instant(name: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise bad_field(name, f"{name} must be an ISO 8601 date-time, not {raw!r}.") from None
    if value.tzinfo is None:
        raise bad_field(name, f"{name} needs the offset of its time zone (like 2026-03-04T09:30:00-05:00).")
    return value


def iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """An instant as ISO 8601 in the location's zone, with its offset."""
    return None if moment is None else moment.astimezone(zone).isoformat()


# ----- pagination -------------------------------------------------------------------------


def page(req: Request, items: Sequence[Any], serialise: Callable[[Any], Any]) -> Result:
    """``{"items": [...], "next": url|null}``: ``limit`` (1–200) items after the ``cursor``."""
    limit = req.int_arg("limit", DEFAULT_LIMIT)
    assert limit is not None
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_field("limit", f"limit must be between 1 and {MAX_LIMIT}.")
    start = _offset(req.arg("cursor"))
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    nxt = None
    if more:
        pairs = [(k, v) for k, vs in req.query.items() if k != "cursor" for v in vs]
        nxt = f"{req.path}?{urlencode([*pairs, ('cursor', _cursor(start + limit))])}"
    return Result({"items": [serialise(x) for x in chunk], "next": nxt})


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise bad_field("cursor", "cursor is not one this API gave out; start again without it.") from None
    if offset < 0:
        raise bad_field("cursor", "cursor is not one this API gave out; start again without it.")
    return offset


def parse_clock(name: str, raw: Any) -> int:
    """A wall-clock time ``HH:MM`` (``24:00`` ends a day) as minutes after local midnight."""
    if isinstance(raw, str) and len(raw) == 5 and raw[2] == ":" and raw[:2].isdigit() and raw[3:].isdigit():
        hours, minutes = int(raw[:2]), int(raw[3:])
        if (hours < 24 and minutes < 60) or (hours == 24 and minutes == 0):
            return hours * 60 + minutes
    raise bad_field(name, f"{name} must be a wall-clock time HH:MM, not {raw!r}.")


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_day(name: str, raw: Any) -> date:
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise bad_field(name, f"{name} must be a date YYYY-MM-DD, not {raw!r}.")
