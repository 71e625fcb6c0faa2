"""Fake Twilio + SendGrid server on loopback that checks each request against the OpenAPI specs."""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPECS_ENV = "ORCA_DESK_PROVIDER_SPECS"
TWILIO_SPEC = "twilio_api_v2010.json"
SENDGRID_SPEC = "sendgrid_mail_v3.json"
# Hosts the specs declare in ``servers``; requests are presented to the validator as if
# addressed there, so path matching works whatever loopback port we listen on.
TWILIO_HOST = "https://api.twilio.com"
SENDGRID_HOST = "https://api.sendgrid.com"

DEFAULT_ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"
DEFAULT_AUTH_TOKEN = "fake-twilio-auth-token"
DEFAULT_API_KEY = "SG.fake-sendgrid-api-key"
DEFAULT_CLINIC_NUMBER = "+15005550006"

MAX_BODY = 1600
_E164 = re.compile(r"^(whatsapp:)?\+[1-9]\d{6,14}$")
_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")
_MESSAGE = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>[^/]+)\.json$")
_NUMBERS = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/IncomingPhoneNumbers\.json$")
_MAIL_SEND = "/v3/mail/send"

Behaviour = Literal["opted_out", "invalid", "landline", "undelivered", "failed"]
_BEHAVIOURS: frozenset[str] = frozenset({"opted_out", "invalid", "landline", "undelivered", "failed"})


def default_specs_dir() -> Path:
    """``$ORCA_DESK_PROVIDER_SPECS``, else the copies kept in ``tests/provider_specs``."""
    configured = os.environ.get(SPECS_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "provider_specs"


# -- spec loading ----------------------------------------------------------------------


def _rfc2822(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return True


def _any_string(value: Any) -> bool:
    return isinstance(value, str)


def _identity(value: Any) -> Any:
    return value


# Twilio's spec uses formats of its own; without these the validator refuses to check
# any value that carries them. ``phone-number`` stays loose on purpose: Twilio answers a
# bad number with error 21211, which the fake emulates as a business rule.
_TWILIO_FORMATS: dict[str, Callable[[Any], bool]] = {
    "phone-number": _any_string,
    "date-time-rfc-2822": _rfc2822,
    "uri-map": lambda v: isinstance(v, dict),
    "http-method": _any_string,
    "iso-country-code": _any_string,
    "currency": _any_string,
    "phone-number-capabilities": lambda v: isinstance(v, dict),
    "endpoint": _any_string,
    "twiml": _any_string,
    "ice-server": _any_string,
}

_SPEC_CACHE: dict[Path, OpenAPI] = {}
_SPEC_LOCK = threading.Lock()


def load_spec(path: Path) -> OpenAPI:
    """The parsed spec at ``path``, built once per process.

    The spec document itself is not re-validated (it is the providers' published file and
    checking 1.8 MB of it costs seconds); requests are validated against it in full.
    """
    resolved = path.resolve()
    with _SPEC_LOCK:
        cached = _SPEC_CACHE.get(resolved)
        if cached is not None:
            return cached
        if not resolved.is_file():
            raise FileNotFoundError(
                f"provider spec not found: {resolved} (set {SPECS_ENV} or pass specs_dir)"
            )
        document = json.loads(resolved.read_text(encoding="utf-8"))
        config = Config(
            spec_validator_cls=None,
            extra_format_validators=dict(_TWILIO_FORMATS),
            extra_format_unmarshallers={name: _identity for name in _TWILIO_FORMATS},
        )
        spec = OpenAPI.from_dict(document, config=config)
        _SPEC_CACHE[resolved] = spec
        return spec


class _SpecRequest:
    """An HTTP request in the shape openapi-core validates (its ``Request`` protocol)."""

    def __init__(
        self,
        host_url: str,
        path: str,
        method: str,
        query: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        self.host_url = host_url
        self.path = path
        self.method = method.lower()
        self.body: bytes | None = body or None
        self.content_type = (headers.get("Content-Type") or "application/octet-stream").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(list(headers.items())),
            cookie=ImmutableMultiDict(),
        )


class _SpecResponse:
    """A reply in the shape openapi-core validates (its ``Response`` protocol)."""

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.content_type = headers.get("Content-Type", "application/json").lower()
        self.data: bytes | None = body or None


def _describe_errors(errors: Iterable[Exception]) -> str:
    """Readable validator errors, including the schema messages behind each one."""
    parts: list[str] = []
    for error in errors:
        text = str(error) or type(error).__name__
        cause = error.__cause__
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            details = "; ".join(getattr(e, "message", str(e)) for e in schema_errors)
            text = f"{text}: {details}"
        elif cause is not None:
            text = f"{text}: {cause}"
        parts.append(text)
    return " | ".join(parts)


# -- records ---------------------------------------------------------------------------


@dataclass
class RequestRecord:
    """One request as it arrived; ``at`` is ``time.monotonic()`` before the body was read."""

    method: str
    path: str
    at: float
    received: datetime
    status: int | None = None


@dataclass(frozen=True)
class SmsRecord:
    sid: str
    to: str
    from_: str | None
    body: str
    messaging_service_sid: str | None
    status_callback: str | None
    params: dict[str, str]
    received: datetime


@dataclass(frozen=True)
class EmailRecord:
    message_id: str
    to: list[str]
    from_: str | None
    subject: str | None
    content: dict[str, str]
    headers: dict[str, str]
    custom_args: dict[str, str]
    payload: dict[str, Any]
    received: datetime


@dataclass(frozen=True)
class Rejection:
    """A request refused for its content (spec or business rule), with the reason."""

    api: Literal["twilio", "sendgrid"]
    method: str
    path: str
    status: int
    code: int | None
    reason: str
    received: datetime


@dataclass
class _Message:
    sid: str
    to: str
    from_: str | None
    body: str
    direction: str
    status: str
    messaging_service_sid: str | None
    date_created: datetime
    date_sent: datetime | None
    date_updated: datetime
    seq: int
    final_status: str = "delivered"
    error_code: int | None = None
    error_message: str | None = None


@dataclass
class _Fault:
    kind: Literal["fail", "delay", "drop"]
    remaining: int
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


_TWILIO_ERRORS: dict[int, str] = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service is unavailable. Please try again",
    # Generic code for schema violations: the real API answers a code per parameter.
    20001: "Invalid parameter",
    21211: "Invalid 'To' Phone Number",
    21602: "Message body is required.",
    21603: "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
}
_BEHAVIOUR_ERRORS: dict[str, int] = {"opted_out": 21610, "invalid": 21211, "landline": 21614}
_STATUS_TO_TWILIO_CODE = {429: 20429, 500: 20500, 502: 20500, 503: 20503, 504: 20500}


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")


def _twilio_error(status: int, code: int, message: str | None = None) -> _Reply:
    body = {
        "code": code,
        "message": message or _TWILIO_ERRORS.get(code, "Error"),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return _Reply(status, _json_bytes(body), {"Content-Type": "application/json"})


def _sendgrid_error(status: int, message: str, field_name: str | None = None) -> _Reply:
    body = {"errors": [{"message": message, "field": field_name, "help": None}]}
    return _Reply(status, _json_bytes(body), {"Content-Type": "application/json"})


def _rfc2822_str(dt: datetime | None) -> str | None:
    return format_datetime(dt.astimezone(UTC), usegmt=True) if dt is not None else None


def _date_filter(value: str) -> date | None:
    """Twilio filters on the GMT date, whatever time of day the value carries."""
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).astimezone(UTC).date()
    except (TypeError, ValueError):
        return None


# -- server ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle on, keep-alive replies would wait
    # for the client's delayed ACK (~40 ms each).
    disable_nagle_algorithm = True
    server: _HttpServer

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test) or closed its pool; nothing to answer.
            return

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        arrived = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items()}
        reply = self.server.fake.handle(self.command, self.path, headers, body, arrived)
        if reply is None:
            # Accepted and recorded, but never answered: the client sees a timeout or a
            # closed connection, the classic "did it go out?" case.
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        # Tests and demos read the records, not an access log on stderr.
        return


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeProviderServer) -> None:
        self.fake = fake
        super().__init__(address, _Handler)


class FakeProviderServer:
    """Twilio Messages + SendGrid mail/send on 127.0.0.1, with fault injection.

    Use as a context manager (or ``start()``/``stop()``). Every request is validated
    against the official OpenAPI document; what was sent, refused and when is recorded.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        specs_dir: Path | str | None = None,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        api_key: str = DEFAULT_API_KEY,
        clinic_number: str = DEFAULT_CLINIC_NUMBER,
        validate_responses: bool = False,
        drop_stall_seconds: float = 5.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.specs_dir = Path(specs_dir) if specs_dir is not None else default_specs_dir()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.api_key = api_key
        self.clinic_number = clinic_number
        self.validate_responses = validate_responses
        self.drop_stall_seconds = drop_stall_seconds
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.RLock()
        # openapi-core builds caches lazily; one validation at a time keeps that safe.
        self._validate_lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._twilio: OpenAPI | None = None
        self._sendgrid: OpenAPI | None = None
        self.spec_load_seconds = 0.0
        self._reset_state()

    def _reset_state(self) -> None:
        self.sent_sms: list[SmsRecord] = []
        self.sent_email: list[EmailRecord] = []
        self.rejected: list[Rejection] = []
        self.requests: list[RequestRecord] = []
        self.response_errors: list[str] = []
        self._messages: dict[str, _Message] = {}
        self._faults: list[_Fault] = []
        self._behaviours: dict[str, str] = {}
        # The account's phone numbers (IncomingPhoneNumbers): (E.164, can take SMS).
        self._numbers: list[tuple[str, bool]] = [(self.clinic_number, True)]
        self._seq = 0
        self._generation = getattr(self, "_generation", 0) + 1

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeProviderServer:
        if self._httpd is not None:
            return self
        started = time.perf_counter()
        self._twilio = load_spec(self.specs_dir / TWILIO_SPEC)
        self._sendgrid = load_spec(self.specs_dir / SENDGRID_SPEC)
        self.spec_load_seconds = time.perf_counter() - started
        self._stop.clear()
        self._httpd = _HttpServer((self.host, self._requested_port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-provider-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # releases stalled and delayed handlers
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fake provider server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def twilio_base_url(self) -> str:
        return self.base_url

    @property
    def sendgrid_base_url(self) -> str:
        return self.base_url

    def env(self) -> dict[str, str]:
        """``ORCA_DESK_*`` settings that point the app's providers at this server."""
        return {
            "ORCA_DESK_SMS_PROVIDER": "twilio",
            "ORCA_DESK_TWILIO_ACCOUNT_SID": self.account_sid,
            "ORCA_DESK_TWILIO_AUTH_TOKEN": self.auth_token,
            "ORCA_DESK_TWILIO_FROM": self.clinic_number,
            "ORCA_DESK_TWILIO_BASE_URL": self.twilio_base_url,
            "ORCA_DESK_EMAIL_PROVIDER": "sendgrid",
            "ORCA_DESK_SENDGRID_API_KEY": self.api_key,
            "ORCA_DESK_SENDGRID_FROM": "desk@clinic.example",
            "ORCA_DESK_SENDGRID_BASE_URL": self.sendgrid_base_url,
        }

    # -- test controls --------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every record, message, fault and recipient behaviour."""
        with self._lock:
            self._reset_state()

    def fail_next(self, n: int, status: int = 503, retry_after: float | None = None) -> None:
        """Answer the next ``n`` requests with ``status`` (429/500/503...) without acting."""
        with self._lock:
            self._faults.append(_Fault("fail", n, status=status, retry_after=retry_after))

    def delay_next(self, n: int, seconds: float) -> None:
        """Hold the next ``n`` requests ``seconds`` before handling them normally."""
        with self._lock:
            self._faults.append(_Fault("delay", n, seconds=seconds))

    def drop_after_accept_next(self, n: int, stall_seconds: float | None = None) -> None:
        """Handle the next ``n`` requests fully, then never answer them.

        The connection stalls ``stall_seconds`` (default ``drop_stall_seconds``) and is
        closed; a client read timeout shorter than that sees a timeout.
        """
        seconds = self.drop_stall_seconds if stall_seconds is None else stall_seconds
        with self._lock:
            self._faults.append(_Fault("drop", n, seconds=seconds))

    def set_recipient_behaviour(self, number: str, behaviour: Behaviour | None) -> None:
        """How sends to ``number`` end: refused (opted_out/invalid/landline) or not delivered."""
        with self._lock:
            if behaviour is None:
                self._behaviours.pop(number, None)
                return
            if behaviour not in _BEHAVIOURS:
                raise ValueError(f"unknown behaviour {behaviour!r}")
            self._behaviours[number] = behaviour

    def set_incoming_numbers(self, numbers: Iterable[str], *, sms: bool = True) -> None:
        """The phone numbers the account owns (listed by ``IncomingPhoneNumbers.json``)."""
        with self._lock:
            self._numbers = [(n, sms) for n in numbers]

    def add_inbound(
        self,
        from_: str,
        to: str | None = None,
        body: str = "",
        at: datetime | None = None,
        messaging_service_sid: str | None = None,
    ) -> str:
        """A reply from a patient to the clinic number; returns its SID. A number in a
        Messaging Service stamps its replies with the service's SID."""
        when = (at or self._clock()).astimezone(UTC)
        with self._lock:
            message = self._new_message(
                to=to or self.clinic_number,
                from_=from_,
                body=body,
                direction="inbound",
                status="received",
                messaging_service_sid=messaging_service_sid,
                when=when,
            )
            return message.sid

    def message_status(self, sid: str) -> str | None:
        with self._lock:
            message = self._messages.get(sid)
            return message.status if message else None

    def request_times(self, method: str = "POST", path_suffix: str = "/Messages.json") -> list[float]:
        """Monotonic arrival times of matching requests, for rate-limit checks."""
        with self._lock:
            return [r.at for r in self.requests if r.method == method and r.path.endswith(path_suffix)]

    # -- request handling -----------------------------------------------------------------

    def _pop_fault(self) -> _Fault | None:
        with self._lock:
            while self._faults and self._faults[0].remaining <= 0:
                self._faults.pop(0)
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.remaining -= 1
            return fault

    def handle(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes, arrived: float
    ) -> _Reply | None:
        """Answer one request; None means "close without answering"."""
        split = urlsplit(raw_path)
        path = split.path
        query = parse_qsl(split.query, keep_blank_values=True)
        record = RequestRecord(method, path, arrived, self._clock())
        with self._lock:
            self.requests.append(record)
            generation = self._generation
        api: Literal["twilio", "sendgrid"] = "sendgrid" if path.startswith("/v3/") else "twilio"
        fault = self._pop_fault()
        drop: _Fault | None = None
        if fault is not None and fault.kind == "fail":
            reply = self._fault_reply(api, fault)
            record.status = reply.status
            return reply
        if fault is not None and fault.kind == "delay":
            self._stop.wait(fault.seconds)
            with self._lock:
                if generation != self._generation:
                    # reset() ran meanwhile (the next test began): acting now would leak
                    # this request into records that belong to someone else.
                    return None
        if fault is not None and fault.kind == "drop":
            drop = fault
        try:
            if api == "sendgrid":
                reply = self._handle_sendgrid(method, path, query, headers, body)
            else:
                reply = self._handle_twilio(method, path, query, headers, body)
        except Exception as exc:  # a bug in the fake must show up as a 500, not a hang
            reply = _twilio_error(500, 20500, f"fake provider error: {exc!r}")
        record.status = reply.status
        if drop is not None:
            self._stop.wait(drop.seconds)
            return None
        return reply

    def _fault_reply(self, api: str, fault: _Fault) -> _Reply:
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = f"{fault.retry_after:g}"
        if api == "sendgrid":
            reply = _sendgrid_error(fault.status, "injected failure")
        else:
            code = _STATUS_TO_TWILIO_CODE.get(fault.status, 20500)
            reply = _twilio_error(fault.status, code)
        return _Reply(reply.status, reply.body, {**reply.headers, **headers})

    def _validate(
        self,
        spec: OpenAPI | None,
        host_url: str,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> str | None:
        """None when the request matches the spec, else why not."""
        assert spec is not None, "server not started"
        request = _SpecRequest(host_url, path, method, query, headers, body)
        with self._validate_lock:
            result = spec.unmarshal_request(request)
        if not result.errors:
            return None
        return _describe_errors(result.errors)

    def _check_response(
        self,
        spec: OpenAPI | None,
        host_url: str,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
        reply: _Reply,
    ) -> None:
        # Only successes are checked: the specs leave most error statuses undocumented.
        if not self.validate_responses or spec is None or reply.status >= 300:
            return
        request = _SpecRequest(host_url, path, method, query, headers, body)
        response = _SpecResponse(reply.status, reply.headers, reply.body)
        with self._validate_lock:
            result = spec.unmarshal_response(request, response)
        if result.errors:
            with self._lock:
                self.response_errors.append(
                    f"{method} {path} -> {reply.status}: {_describe_errors(result.errors)}"
                )

    def _reject(
        self, api: Literal["twilio", "sendgrid"], method: str, path: str, reply: _Reply, reason: str
    ) -> _Reply:
        code: int | None = None
        try:
            data = json.loads(reply.body)
            code = data.get("code") if isinstance(data, dict) else None
        except ValueError:
            code = None
        with self._lock:
            self.rejected.append(Rejection(api, method, path, reply.status, code, reason, self._clock()))
        return reply

    # -- Twilio ---------------------------------------------------------------------------

    def _twilio_authorized(self, headers: Mapping[str, str], account: str) -> bool:
        value = headers.get("Authorization") or ""
        if not value.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(value[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return (
            secrets.compare_digest(user, self.account_sid)
            and secrets.compare_digest(password, self.auth_token)
            and account == self.account_sid
        )

    def _handle_twilio(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        list_match = _MESSAGES.match(path)
        one_match = _MESSAGE.match(path)
        numbers_match = _NUMBERS.match(path) if method == "GET" else None
        if numbers_match:
            return self._handle_numbers(numbers_match.group("account"), path, query, headers, body)
        if not (list_match or one_match) or method not in ("GET", "POST"):
            return _twilio_error(404, 20404, f"The requested resource {path} was not found")
        account = (list_match or one_match).group("account")  # type: ignore[union-attr]
        if not self._twilio_authorized(headers, account):
            reply = _twilio_error(401, 20003)
            reply.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return self._reject("twilio", method, path, reply, "bad credentials")
        problem = self._validate(self._twilio, TWILIO_HOST, method, path, query, headers, body)
        if problem is not None:
            code = 21604 if "'To' is a required property" in problem else 20001
            reply = _twilio_error(400, code, f"{_TWILIO_ERRORS[code]}: {problem}")
            return self._reject("twilio", method, path, reply, problem)
        if list_match and method == "POST":
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            reply = self._create_message(path, form)
        elif list_match:
            reply = self._list_messages(path, dict(query))
        else:
            assert one_match is not None
            if method != "GET":
                return _twilio_error(404, 20404, "The fake only reads single messages")
            reply = self._fetch_message(one_match.group("sid"))
        self._check_response(self._twilio, TWILIO_HOST, method, path, query, headers, body, reply)
        return reply

    def _handle_numbers(
        self,
        account: str,
        path: str,
        query: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        """GET IncomingPhoneNumbers.json: the account's numbers, one page (validated both ways)."""
        if not self._twilio_authorized(headers, account):
            reply = _twilio_error(401, 20003)
            reply.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return self._reject("twilio", "GET", path, reply, "bad credentials")
        problem = self._validate(self._twilio, TWILIO_HOST, "GET", path, query, headers, body)
        if problem is not None:
            reply = _twilio_error(400, 20001, f"{_TWILIO_ERRORS[20001]}: {problem}")
            return self._reject("twilio", "GET", path, reply, problem)
        params = dict(query)
        page_size = int(params.get("PageSize") or 50)
        now = _rfc2822_str(self._clock())
        with self._lock:
            numbers = [
                (n, sms)
                for n, sms in self._numbers
                if "PhoneNumber" not in params or params["PhoneNumber"] == n
            ]
        resources = [
            {
                "account_sid": self.account_sid,
                "api_version": "2010-04-01",
                "beta": False,
                "capabilities": {"mms": sms, "sms": sms, "voice": True, "fax": False},
                "date_created": now,
                "date_updated": now,
                "friendly_name": n,
                "phone_number": n,
                "origin": "twilio",
                "sid": "PN" + f"{i:032x}",
                "sms_method": "POST",
                "status": "in-use",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers/PN{i:032x}.json",
            }
            for i, (n, sms) in enumerate(numbers[:page_size], start=1)
        ]
        uri = f"{path}?PageSize={page_size}&Page=0"
        data = {
            "incoming_phone_numbers": resources,
            "end": max(0, len(resources) - 1),
            "first_page_uri": uri,
            "next_page_uri": None,
            "page": 0,
            "page_size": page_size,
            "previous_page_uri": None,
            "start": 0,
            "uri": uri,
        }
        reply = _Reply(200, _json_bytes(data), {"Content-Type": "application/json"})
        self._check_response(self._twilio, TWILIO_HOST, "GET", path, query, headers, body, reply)
        return reply

    def _new_message(
        self,
        *,
        to: str,
        from_: str | None,
        body: str,
        direction: str,
        status: str,
        messaging_service_sid: str | None,
        when: datetime,
    ) -> _Message:
        self._seq += 1
        message = _Message(
            sid="SM" + secrets.token_hex(16),
            to=to,
            from_=from_,
            body=body,
            direction=direction,
            status=status,
            messaging_service_sid=messaging_service_sid,
            date_created=when,
            date_sent=when,
            date_updated=when,
            seq=self._seq,
        )
        self._messages[message.sid] = message
        return message

    def _resource(self, m: _Message) -> dict[str, Any]:
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{m.sid}.json"
        segments = 1 if len(m.body) <= 160 else math.ceil(len(m.body) / 153)
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": m.body,
            "date_created": _rfc2822_str(m.date_created),
            "date_sent": _rfc2822_str(m.date_sent),
            "date_updated": _rfc2822_str(m.date_updated),
            "direction": m.direction,
            "error_code": m.error_code,
            "error_message": m.error_message,
            "from": m.from_,
            "messaging_service_sid": m.messaging_service_sid,
            "num_media": "0",
            "num_segments": str(segments),
            "price": None,
            "price_unit": "USD",
            "sid": m.sid,
            "status": m.status,
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": m.to,
            "uri": uri,
        }

    def _create_message(self, path: str, form: dict[str, str]) -> _Reply:
        to = form.get("To", "")
        from_ = form.get("From") or None
        service = form.get("MessagingServiceSid") or None
        body = form.get("Body", "")
        code: int | None = None
        if not from_ and not service:
            code = 21603
        elif not body and not form.get("MediaUrl") and not form.get("ContentSid"):
            code = 21602
        elif len(body) > MAX_BODY:
            code = 21617
        elif not _E164.match(to):
            code = 21211
        else:
            with self._lock:
                behaviour = self._behaviours.get(to)
            if behaviour in _BEHAVIOUR_ERRORS:
                code = _BEHAVIOUR_ERRORS[behaviour]  # type: ignore[index]
        if code is not None:
            reply = _twilio_error(400, code)
            return self._reject("twilio", "POST", path, reply, f"{code}: {_TWILIO_ERRORS[code]}")
        with self._lock:
            behaviour = self._behaviours.get(to)
            message = self._new_message(
                to=to,
                from_=from_,
                body=body,
                direction="outbound-api",
                # A Messaging Service first accepts, then picks a sender and queues.
                status="accepted" if service and not from_ else "queued",
                messaging_service_sid=service,
                when=self._clock(),
            )
            if behaviour in ("undelivered", "failed"):
                message.final_status = behaviour
            self.sent_sms.append(
                SmsRecord(
                    sid=message.sid,
                    to=to,
                    from_=from_,
                    body=body,
                    messaging_service_sid=service,
                    status_callback=form.get("StatusCallback"),
                    params=dict(form),
                    received=message.date_created,
                )
            )
            resource = self._resource(message)
        return _Reply(201, _json_bytes(resource), {"Content-Type": "application/json"})

    def _advance(self, m: _Message) -> None:
        """One step along the life of an outbound message per status poll."""
        if m.direction == "inbound":
            return
        steps = {"accepted": "queued", "queued": "sent", "sent": m.final_status}
        nxt = steps.get(m.status)
        if nxt is None:
            return
        m.status = nxt
        m.date_updated = self._clock()
        if nxt == "undelivered":
            m.error_code, m.error_message = 30003, "Unreachable destination handset"
        elif nxt == "failed":
            m.error_code, m.error_message = 30008, "Unknown error"

    def _fetch_message(self, sid: str) -> _Reply:
        with self._lock:
            message = self._messages.get(sid)
            if message is None:
                return _twilio_error(404, 20404, f"The requested resource {sid} was not found")
            resource = self._resource(message)
            self._advance(message)
        return _Reply(200, _json_bytes(resource), {"Content-Type": "application/json"})

    def _list_messages(self, path: str, params: dict[str, str]) -> _Reply:
        page_size = int(params.get("PageSize") or 50)
        page = int(params.get("Page") or 0)
        token = params.get("PageToken") or ""
        offset = int(token[2:]) if token.startswith("PA") and token[2:].isdigit() else 0
        on = _date_filter(params["DateSent"]) if "DateSent" in params else None
        after = _date_filter(params["DateSent>"]) if "DateSent>" in params else None
        before = _date_filter(params["DateSent<"]) if "DateSent<" in params else None
        with self._lock:
            rows = []
            for m in self._messages.values():
                sent_day = (m.date_sent or m.date_created).date()
                if "To" in params and m.to != params["To"]:
                    continue
                if "From" in params and m.from_ != params["From"]:
                    continue
                if on is not None and sent_day != on:
                    continue
                if after is not None and sent_day < after:
                    continue
                if before is not None and sent_day > before:
                    continue
                rows.append(m)
            rows.sort(key=lambda m: (m.date_sent or m.date_created, m.seq), reverse=True)
            chunk = rows[offset : offset + page_size]
            resources = [self._resource(m) for m in chunk]
        filters = {
            k: v for k, v in params.items() if k in ("To", "From", "DateSent", "DateSent>", "DateSent<")
        }

        def page_uri(p: int, start: int) -> str:
            q = {**filters, "PageSize": str(page_size), "Page": str(p)}
            if start:
                q["PageToken"] = f"PA{start}"
            return f"{path}?{urlencode(q)}"

        next_start = offset + page_size
        has_next = next_start < len(rows)
        data = {
            "messages": resources,
            "end": offset + len(chunk) - 1 if chunk else offset,
            "first_page_uri": page_uri(0, 0),
            "next_page_uri": page_uri(page + 1, next_start) if has_next else None,
            "page": page,
            "page_size": page_size,
            "previous_page_uri": page_uri(page - 1, max(0, offset - page_size)) if page else None,
            "start": offset,
            "uri": page_uri(page, offset),
        }
        return _Reply(200, _json_bytes(data), {"Content-Type": "application/json"})

    # -- SendGrid -------------------------------------------------------------------------

    def _handle_sendgrid(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        if path != _MAIL_SEND or method != "POST":
            return _sendgrid_error(404, f"{method} {path} is not served by the fake")
        expected = f"Bearer {self.api_key}"
        if not secrets.compare_digest((headers.get("Authorization") or "").encode(), expected.encode()):
            reply = _sendgrid_error(401, "The provided authorization grant is invalid, expired, or revoked")
            return self._reject("sendgrid", method, path, reply, "bad API key")
        problem = self._validate(self._sendgrid, SENDGRID_HOST, method, path, query, headers, body)
        if problem is not None:
            reply = _sendgrid_error(400, problem)
            return self._reject("sendgrid", method, path, reply, problem)
        payload = json.loads(body)
        reason, field_name = self._mail_problem(payload)
        if reason is not None:
            reply = _sendgrid_error(400, reason, field_name)
            return self._reject("sendgrid", method, path, reply, reason)
        message_id = secrets.token_urlsafe(16)
        personalizations = payload.get("personalizations") or []
        custom_args: dict[str, str] = {}
        recipients: list[str] = []
        for p in personalizations:
            custom_args.update({str(k): str(v) for k, v in (p.get("custom_args") or {}).items()})
            recipients.extend(str(t.get("email")) for t in p.get("to") or [])
        with self._lock:
            self.sent_email.append(
                EmailRecord(
                    message_id=message_id,
                    to=recipients,
                    from_=(payload.get("from") or {}).get("email"),
                    subject=payload.get("subject"),
                    content={str(c.get("type")): str(c.get("value")) for c in payload.get("content") or []},
                    headers=dict(payload.get("headers") or {}),
                    custom_args=custom_args,
                    payload=payload,
                    received=self._clock(),
                )
            )
        return _Reply(202, b"", {"X-Message-Id": message_id})

    @staticmethod
    def _mail_problem(payload: dict[str, Any]) -> tuple[str | None, str | None]:
        """Rules of mail/send that the schema does not express."""
        personalizations = payload.get("personalizations")
        if not personalizations:
            return (
                "The personalizations field is required and must have at least one personalization.",
                "personalizations",
            )
        if not (payload.get("from") or {}).get("email"):
            return "The from object must be provided for every email send.", "from"
        if not payload.get("subject") and not all(p.get("subject") for p in personalizations):
            return "The subject is required.", "subject"
        if not payload.get("content") and not payload.get("template_id"):
            return (
                "Unless a valid template_id is provided, the content parameter is required.",
                "content",
            )
        for i, attachment in enumerate(payload.get("attachments") or []):
            try:
                base64.b64decode(str(attachment.get("content") or ""), validate=True)
            except ValueError:
                return (
                    "The attachment content must be base64 encoded.",
                    f"attachments.{i}.content",
                )
        return None, None


def main(argv: list[str] | None = None) -> int:
    """Run the fake server in the foreground for demos."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8999)
    parser.add_argument("--specs-dir", type=Path, default=None)
    parser.add_argument("--opted-out", action="append", default=[], metavar="NUMBER")
    args = parser.parse_args(argv)
    server = FakeProviderServer(args.host, args.port, specs_dir=args.specs_dir)
    with server:
        for number in args.opted_out:
            server.set_recipient_behaviour(number, "opted_out")
        print(
            f"fake Twilio + SendGrid on {server.base_url} (specs loaded in "
            f"{server.spec_load_seconds:.2f}s); point Orca Desk at it with:"
        )
        for key, value in server.env().items():
            print(f"  export {key}={value}")
        try:
            while True:
                time.sleep(1.0)
        except KeyboardInterrupt:
            print(
                f"stopped: {len(server.sent_sms)} SMS, {len(server.sent_email)} emails, "
                f"{len(server.rejected)} rejected"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
