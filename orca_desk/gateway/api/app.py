"""The clinic API as a WSGI app: authenticate the key, limit its rate, route, run, answer JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.gateway.api import API_PREFIX
from orca_desk.gateway.api.auth import RateLimiter, authenticate
from orca_desk.gateway.api.http import ApiError, Request, Result, problem_body
from orca_desk.gateway.api.routing import Route, Router
from orca_desk.services.access import api_keys
from orca_desk.services.clock import Clock
from orca_desk.services.errors import (
    BusyError,
    ConflictError,
    NotFound,
    OrcaError,
    OutsideHoursError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024
StartResponse = Callable[..., Any]
_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_COMMON_HEADERS = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]


def default_routes() -> list[Route]:
    from orca_desk.gateway.api import resources

    return resources.routes()


def service_problem(exc: OrcaError) -> ApiError:
    """The HTTP answer to a service's refusal; the service's sentence is the detail."""
    text = str(exc)
    if isinstance(exc, ValidationError):
        field = exc.field or "body"
        return ApiError(422, "Invalid request", text, errors=[(field, text)], kind="invalid")
    if isinstance(exc, StaleEditError):
        return ApiError(409, "Stale version", text, kind="stale", errors=[("If-Match", text)])
    if isinstance(exc, OutsideHoursError):
        return ApiError(409, "Outside working hours", text, kind="outside-hours", errors=[("start", text)])
    if isinstance(exc, ConflictError):
        return ApiError(409, "Conflict", text, kind="conflict")
    if isinstance(exc, NotFound):
        return ApiError(404, "Not found", text, kind="not-found")
    if isinstance(exc, PermissionDenied):
        return ApiError(403, "Forbidden", text, kind="forbidden")
    if isinstance(exc, BusyError):
        return ApiError(503, "Busy", text, kind="busy", headers=[("Retry-After", "1")])
    return ApiError(409, "Refused", text, kind="refused")


class ClinicApi:
    """WSGI app for paths under ``/api/v1``; the gateway hands it those requests."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        routes: Sequence[Route] | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.db, self.clock = db, clock
        self.router = Router(default_routes() if routes is None else routes)
        self.limiter = limiter or RateLimiter()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/") or "/"
        extra: list[tuple[str, str]] = []
        try:
            result = self._handle(method, path, environ)
            status = result.status
            body = b"" if result.body is None else _dumps(result.body)
            extra = result.headers
            ctype = "application/json"
        except ApiError as err:
            status, body, ctype, extra = (
                err.status,
                _dumps(problem_body(err, path)),
                "application/problem+json",
                err.headers,
            )
        except Exception:
            log.exception("API error on %s %s", method, path)
            failure = ApiError(
                500, "Internal error", "The server could not complete this; nothing more is known here."
            )
            status, body, ctype = 500, _dumps(problem_body(failure, path)), "application/problem+json"
        headers = [*_COMMON_HEADERS, *extra, ("Content-Length", str(len(body)))]
        if body:
            headers.append(("Content-Type", ctype))
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [b""] if method == "HEAD" else [body]

    # ----- one call -----------------------------------------------------------------------
    def _handle(self, method: str, path: str, environ: dict[str, Any]) -> Result:
        sub = path[len(API_PREFIX) :] or "/"
        if sub == "/openapi.json" and method in ("GET", "HEAD"):
            from orca_desk.gateway.api.spec import document

            return Result(document())
        headers = _headers(environ)
        key = authenticate(self.db, headers)
        status = 500
        try:
            self.limiter.take(key.id)
            result = self._dispatch(method, sub, path, environ, headers, api_keys.key_actor(key))
            status = result.status
            return result
        except ApiError as err:
            status = err.status
            raise
        finally:
            self._audit(key.id, method, path, status)

    def _dispatch(
        self, method: str, sub: str, path: str, environ: dict[str, Any], headers: dict[str, str], actor: Any
    ) -> Result:
        route, params, allowed = self.router.find("GET" if method == "HEAD" else method, sub)
        if route is None:
            if allowed:
                raise ApiError(
                    405,
                    "Method not allowed",
                    f"{path} takes {', '.join(allowed)}.",
                    headers=[("Allow", ", ".join(allowed))],
                )
            raise ApiError(404, "Not found", f"There is no resource at {path}.", kind="not-found")
        if route.scope not in actor.permissions:
            raise ApiError(
                403,
                "Forbidden",
                f"This API key lacks the scope {route.scope}.",
                kind="missing-scope",
                errors=[("scope", route.scope)],
            )
        req = Request(
            method=method,
            path=path,
            params=params,
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            body=_body(environ, headers) if method in ("POST", "PUT", "PATCH") else None,
            headers=headers,
            actor=actor,
            now=self.clock.now(),
        )

        def run(session: Session) -> Result:
            return route.handler(replace(req, session=session))

        try:
            if route.write:
                return self.db.run_write(run)
            with self.db.read() as session:
                return run(session)
        except OrcaError as exc:  # the write rolled back: nothing changed
            raise service_problem(exc) from None

    def _audit(self, key_id: int, method: str, path: str, status: int) -> None:
        try:
            with self.db.write() as session:
                api_keys.record_use(
                    session,
                    key_id,
                    now=self.clock.now(),
                    request={"method": method, "path": path, "status": status},
                )
        except Exception:  # the answer stands; the log says the audit row is missing
            log.exception("could not audit API key #%s on %s %s", key_id, method, path)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    out = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        out["content-type"] = environ["CONTENT_TYPE"]
    return out


def _body(environ: dict[str, Any], headers: dict[str, str]) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise ApiError(413, "Body too large", f"A request body may have at most {MAX_BODY // 1024} KiB.")
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw:
        return {}
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise ApiError(
            415,
            "Unsupported media type",
            "Send the body as application/json.",
            errors=[("Content-Type", ctype)],
        )
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            422,
            "Invalid JSON",
            f"The body is not valid JSON: {exc}.",
            errors=[("body", str(exc))],
            kind="invalid",
        ) from None
