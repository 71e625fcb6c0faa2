"""The patient-link WSGI app: verify the signed token, use it once, run the purpose's handler."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.gateway.api import API_PREFIX
from orca_desk.gateway.family import FamilyPages, FamilyResponse
from orca_desk.gateway.family_words import WORDS, Asked, accepted_language, t, when_text
from orca_desk.gateway.handlers import LinkHandler, LinkOutcome, default_handlers, link_language
from orca_desk.gateway.pages import ClinicContact, page
from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.messaging import LinkTokenUse
from orca_desk.services.clock import Clock
from orca_desk.services.errors import NotFound, OrcaError
from orca_desk.services.links.link_tokens import (
    TokenClaims,
    TokenExpired,
    TokenInvalid,
    verify_short_token,
    verify_token,
)
from orca_desk.services.links.patient_links import (
    CONFIRM,
    DECLINE,
    DEFAULT_PUBLIC_BASE_URL,
    ICAL,
    RESCHEDULE,
    SHORT_LETTERS,
    SHORT_PURPOSES,
    WAITLIST_ACCEPT,
    link_for,
)
from orca_desk.services.messaging.dispatch import apply_status_callback
from orca_desk.services.messaging.providers.twilio import signature_valid
from orca_desk.services.patients.patients import clinic_country
from orca_desk.services.phrasebook import say  # a service handler's English, in the family's language
from orca_desk.services.waitlist.links import describe_accept

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# (session, provider_id, now) -> the .ics bytes of that provider's rolling window.
IcalFeed = Callable[[Session, int, datetime], bytes]

ICAL_DAYS_BEFORE, ICAL_DAYS_AFTER = 14, 180
MAX_BODY = 64 * 1024
_LINK = re.compile(r"^/l/([a-z][a-z0-9_]{0,31})/([A-Za-z0-9_-]{1,256})/?$")
_SHORT_LINK = re.compile(r"^/([a-z])/([A-Za-z0-9_-]{1,256})/?$")  # /o/<token>: patient_links.SHORT_LETTERS
_RESCHEDULE = re.compile(r"^/r/([A-Za-z0-9_-]{1,256})/?$")  # the family pages (gateway/family.py)
_ICAL = re.compile(r"^/ical/([A-Za-z0-9_-]{1,256})\.ics$")
TWILIO_STATUS_PATH = "/twilio/status"  # the SMS StatusCallback (services/messaging/dispatch.outgoing)
_PAGE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    # The token in the URL is the capability: never leak it to another site.
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ),
]
_STATUS = {
    200: "200 OK",
    204: "204 No Content",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    409: "409 Conflict",
    410: "410 Gone",
    500: "500 Internal Server Error",
}


def default_ical_feed() -> IcalFeed | None:
    """A provider's appointments from 14 days ago to 180 days ahead (initials only), if iCal export
    is installed; None otherwise (the feed route then answers 404)."""
    try:
        from orca_desk.services.exporting import ical_export
    except ImportError:
        return None

    def feed(session: Session, provider_id: int, now: datetime) -> bytes:
        today = now.date()
        return ical_export.export_ical(
            session,
            start=today - timedelta(days=ICAL_DAYS_BEFORE),
            end=today + timedelta(days=ICAL_DAYS_AFTER),
            provider_id=provider_id,
            privacy="initials",
            now=now,
        ).data

    return feed


class _Response:
    def __init__(self, code: int, body: bytes, headers: list[tuple[str, str]] | None = None) -> None:
        self.code, self.body = code, body
        self.headers = headers if headers is not None else list(_PAGE_HEADERS)


class GatewayApp:
    """A WSGI application; build it with :func:`make_app`."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        secret: bytes,
        handlers: Mapping[str, LinkHandler],
        public_base_url: str,
        ical_feed: IcalFeed | None,
        twilio_auth_token: str | None = None,
        api: WsgiApp | None = None,
        booking: WsgiApp | None = None,
    ) -> None:
        self.db, self.clock, self.secret = db, clock, secret
        self.api = api
        self.booking = booking
        self.handlers = dict(handlers)
        self.public_base_url = public_base_url.rstrip("/")
        self.ical_feed = ical_feed
        self.twilio_auth_token = twilio_auth_token or None
        self.family = FamilyPages(db, clock, secret)

    # ----- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/") or "/"
        if self.api is not None and (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            return self.api(environ, start_response)
        if self.booking is not None and (path == "/book" or path.startswith("/book/")):
            return self.booking(environ, start_response)
        try:
            response = self._route(method, path, environ)
        except Exception:  # the patient sees a polite page; the log has the traceback
            log.exception("gateway error on %s %s", method, path)
            response = self._said(500, "went_wrong", "error", environ)
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        if response.code == 405:
            headers.append(("Allow", "GET, HEAD, POST"))
        start_response(_STATUS.get(response.code, f"{response.code} Error"), headers)
        return [b""] if method == "HEAD" else [response.body]

    def _route(self, method: str, path: str, environ: dict[str, Any]) -> _Response:
        if method not in ("GET", "HEAD", "POST"):
            return self._said(405, "not_allowed", "error", environ, text="only_links")
        if path == TWILIO_STATUS_PATH:
            return self._twilio_status(method, environ)
        m = _RESCHEDULE.match(path)
        if m:
            return _family(self.family.reschedule(method, m.group(1), environ))
        if method != "POST" and path.endswith("/status"):
            return self._offer_status(path[: -len("/status")], environ)
        if method == "POST":
            _drain(environ)
        if path in ("/", "/healthz"):
            if path == "/healthz":
                return _Response(200, b"ok\n", [("Content-Type", "text/plain; charset=utf-8")])
            return self._said(200, "links", "ok", environ)
        m = _ICAL.match(path)
        if m:
            if method == "POST":
                return self._said(405, "not_allowed", "error", environ, text="feed_read_only")
            return self._ical(m.group(1), environ)
        verify = verify_token
        m = _LINK.match(path)
        purpose: str | None = None
        if m:
            purpose, token = m.group(1), m.group(2)
        elif (m := _SHORT_LINK.match(path)) is not None:
            purpose, token, verify = SHORT_PURPOSES.get(m.group(1)), m.group(2), verify_short_token
            if purpose is None:
                return self._said(404, "unknown_link", "error", environ)
        if purpose is None:
            return self._said(404, "page_missing", "error", environ)
        handler = self.handlers.get(purpose)
        if handler is None:
            return self._said(404, "unknown_link", "error", environ)
        now = self.clock.now()
        try:
            claims = verify(self.secret, token, purpose, now)
        except TokenExpired:
            return self._said(410, "expired", "warn", environ)
        except TokenInvalid:
            return self._said(400, "invalid", "error", environ)
        lang = self._language(claims) or self._visitor_language(environ)
        if method == "POST":
            done = self._perform(handler, claims, now, lang)
            if handler.describe is describe_accept:  # the outcome in the family's language
                spoken = self.family.offer_outcome(claims, environ, done.code)
                return done if spoken is None else _family(spoken)
            return done
        if handler.describe is describe_accept and not self._used(claims):
            return _family(
                self.family.offer(claims, environ, status_url=path.rstrip("/") + "/status", as_json=False)
            )
        return self._prompt(handler, claims, now, lang)

    def _language(self, claims: TokenClaims) -> str | None:
        """The family's language for the pages of a link; None when no family is known for it."""
        with self.db.read() as session:
            return link_language(session, claims.purpose, claims.subject_id)

    def _used(self, claims: TokenClaims) -> bool:
        with self.db.read() as session:
            return session.get(LinkTokenUse, claims.nonce) is not None

    def _offer_status(self, link_path: str, environ: dict[str, Any]) -> _Response:
        """GET <offer link>/status: the small JSON the offer page polls (state, hold left)."""
        letter = SHORT_LETTERS[WAITLIST_ACCEPT]
        m = re.fullmatch(
            rf"/{letter}/([A-Za-z0-9_-]{{1,256}})|/l/{WAITLIST_ACCEPT}/([A-Za-z0-9_-]{{1,256}})", link_path
        )
        if m is None:
            return _plain(404, "no such status\n")
        verify = verify_short_token if m.group(1) else verify_token
        try:
            claims = verify(self.secret, m.group(1) or m.group(2), WAITLIST_ACCEPT, self.clock.now())
        except TokenExpired:
            return _family(
                FamilyResponse(410, b'{"state": "expired"}', [("Content-Type", "application/json")])
            )
        except TokenInvalid:
            return _plain(400, "invalid link\n")
        return _family(self.family.offer(claims, environ, status_url=link_path + "/status", as_json=True))

    # ----- the two steps: ask (GET), act (POST) -------------------------------------------
    def _prompt(self, handler: LinkHandler, claims: TokenClaims, now: datetime, lang: str) -> _Response:
        # GET never changes anything: link previewers and mail scanners open links too.
        with self.db.read() as session:
            if handler.single_use:
                used = session.get(LinkTokenUse, claims.nonce)
                if used is not None:
                    return self._already_used(session, used, lang)
            try:
                prompt = handler.describe(session, claims.subject_id, now)
            except NotFound as exc:
                return self._page(
                    404, t(lang, "not_found"), say(str(exc), lang), "error", session=session, lang=lang
                )
            except OrcaError as exc:
                return self._page(
                    409, t(lang, "cant_online"), say(str(exc), lang), "warn", session=session, lang=lang
                )
            return self._page(
                200,
                say(prompt.title, lang),
                say(prompt.text, lang),
                "ask",
                button=say(prompt.button, lang),
                session=session,
                aside=self._reschedule_aside(claims, lang),
                lang=lang,
            )

    def _reschedule_aside(self, claims: TokenClaims, lang: str) -> tuple[str, str] | None:
        """A confirm or decline page also offers the family's reschedule page (an SMS has room
        for one link only): a fresh /r/ token for the same visit, valid as long as this link."""
        if claims.purpose not in (CONFIRM, DECLINE):
            return None
        path = link_for(RESCHEDULE, claims.subject_id, claims.expires_at, secret=self.secret, base_url="")
        return path, t(lang, "reschedule_aside")

    def _perform(self, handler: LinkHandler, claims: TokenClaims, now: datetime, lang: str) -> _Response:
        def work(session: Session) -> _Response:
            use: LinkTokenUse | None = None
            if handler.single_use:
                used = session.get(LinkTokenUse, claims.nonce)
                if used is None:
                    use, used = self._claim(session, claims, now)
                if used is not None:
                    return self._already_used(session, used, lang)
            outcome: LinkOutcome = handler.perform(session, claims.subject_id, now)
            if use is not None:
                use.outcome = outcome.code[:40]
            title, text = say(outcome.title, lang), say(outcome.text, lang)
            return self._page(200, title, text, "ok", session=session, lang=lang)

        try:
            # A deadlock with a desk's change runs again by itself (nothing was written).
            return self.db.run_write(work)
        except NotFound as exc:  # the transaction rolled back: the link is still unused
            return self._page(404, t(lang, "not_found"), say(str(exc), lang), "error", lang=lang)
        except OrcaError as exc:
            return self._page(409, t(lang, "cant_online"), say(str(exc), lang), "warn", lang=lang)

    def _claim(
        self, session: Session, claims: TokenClaims, now: datetime
    ) -> tuple[LinkTokenUse | None, LinkTokenUse | None]:
        """Record the nonce; (our use, None), or (None, the earlier use) when another click won.

        The nonce is the primary key, so of concurrent clicks exactly one insert succeeds; on
        PostgreSQL the others wait for its commit and then fail, on SQLite writes are serial.
        """
        use = LinkTokenUse(
            nonce=claims.nonce,
            purpose=claims.purpose,
            subject_id=claims.subject_id,
            used_at=now,
            outcome="pending",
        )
        try:
            with session.begin_nested():
                session.add(use)
        except IntegrityError:
            return None, session.scalar(select(LinkTokenUse).where(LinkTokenUse.nonce == claims.nonce))
        return use, None

    def _already_used(self, session: Session, used: LinkTokenUse, lang: str = "en") -> _Response:
        local = used.used_at.astimezone(_clinic_zone(session))
        what = t(lang, f"outcome_{used.outcome}") if f"outcome_{used.outcome}" in WORDS["en"] else ""
        detail = f" ({what})" if what else ""
        return self._page(
            409,
            t(lang, "used_title"),
            t(lang, "link_used_text", when=when_text(local, lang, clinic_country(session)), detail=detail),
            "warn",
            session=session,
            lang=lang,
        )

    def _ical(self, token: str, environ: dict[str, Any]) -> _Response:
        if self.ical_feed is None:
            return self._said(404, "feeds_off", "error", environ)
        now = self.clock.now()
        try:
            claims = verify_token(self.secret, token, ICAL, now)
        except TokenExpired:
            return self._said(410, "feed_expired", "warn", environ)
        except TokenInvalid:
            return self._said(404, "feed_missing", "error", environ, text="feed_invalid_text")
        with self.db.read() as session:
            try:
                data = self.ical_feed(session, claims.subject_id, now)
            except (NotFound, OrcaError):
                return self._said(404, "feed_missing", "error", environ, text="feed_gone_text")
        return _Response(
            200,
            data,
            [
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Cache-Control", "private, max-age=300"),
                ("Referrer-Policy", "no-referrer"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )

    # ----- Twilio status callbacks ----------------------------------------------------------
    def _twilio_status(self, method: str, environ: dict[str, Any]) -> _Response:
        """POST /twilio/status?outbox_id=N: a delivery report Twilio pushes for one SMS.

        The request must carry Twilio's signature of the public URL it called
        (``public_base_url`` + path + query) and its form, checked with the auth token. Without
        a token nothing can be checked, so every callback is refused (fail closed): a forged
        "undelivered" would otherwise block a family's texts. Delivery reports then come from
        polling (``poll_delivery``).
        """
        if method != "POST":
            return _plain(405, "POST only\n")
        form = parse_qsl(_read_body(environ).decode("utf-8", "replace"), keep_blank_values=True)
        query = environ.get("QUERY_STRING", "")
        if self.twilio_auth_token is None:
            log.warning("status callback refused: no Twilio auth token to check its signature")
            return _plain(403, "refused: no Twilio auth token is configured to check the signature\n")
        url = f"{self.public_base_url}{TWILIO_STATUS_PATH}" + (f"?{query}" if query else "")
        signature = environ.get("HTTP_X_TWILIO_SIGNATURE", "")
        if not signature or not signature_valid(self.twilio_auth_token, url, form, signature):
            log.warning("status callback refused: bad or missing X-Twilio-Signature")
            return _plain(403, "signature does not match\n")
        fields = dict(form)
        outbox_id = dict(parse_qsl(query)).get("outbox_id", "")
        sid, status = fields.get("MessageSid", ""), fields.get("MessageStatus", "")
        if not outbox_id.isdigit() or not sid or not status:
            return _plain(400, "outbox_id, MessageSid and MessageStatus are required\n")
        with self.db.write() as session:
            done = apply_status_callback(
                session,
                int(outbox_id),
                sid,
                status.lower(),
                error_code=fields.get("ErrorCode") or None,
                now=self.clock.now(),
            )
        log.info("status callback #%s %s %s: %s", outbox_id, sid, status, done)
        if done == "unknown message":
            return _plain(404, "no such message\n")
        return _Response(204, b"", [("Cache-Control", "no-store")])

    # ----- pages --------------------------------------------------------------------------
    def _said(
        self, code: int, words: str, kind: str, environ: dict[str, Any], *, text: str | None = None
    ) -> _Response:
        """A page of the gateway's own words (``words``_title and ``words``_text, or ``text``) in
        the language of a visitor no family is known for."""
        lang = self._visitor_language(environ)
        return self._page(code, t(lang, f"{words}_title"), t(lang, text or f"{words}_text"), kind, lang=lang)

    def _visitor_language(self, environ: dict[str, Any]) -> str:
        """?lang=, the browser's Accept-Language, the clinic's language, English."""
        asked = Asked.of(environ)
        if asked.query or accepted_language(asked.accept):
            return asked.language(None)
        try:
            with self.db.read() as session:
                clinic = session.scalar(select(Clinic.language).order_by(Clinic.id).limit(1))
        except Exception:  # a page must render even when the database is down
            log.exception("could not read the clinic's language")
            clinic = None
        return asked.language(None, clinic)

    def _page(
        self,
        code: int,
        title: str,
        text: str,
        kind: str,
        *,
        button: str | None = None,
        session: Session | None = None,
        aside: tuple[str, str] | None = None,
        lang: str = "en",
    ) -> _Response:
        clinic = self._clinic(session)
        html = page(clinic, title=title, text=text, kind=kind, button=button, aside=aside, lang=lang)
        return _Response(code, html)

    def _clinic(self, session: Session | None) -> ClinicContact:
        try:
            if session is None:
                with self.db.read() as s:
                    return _clinic_contact(s)
            return _clinic_contact(session)
        except Exception:  # a page must render even when the database is down
            log.exception("could not read the clinic's name")
            return ClinicContact("Your orthodontist", "")


def _clinic_contact(session: Session) -> ClinicContact:
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    if clinic is None:
        return ClinicContact("Your orthodontist", "")
    return ClinicContact(clinic.name, clinic.phone, clinic.country or "US")


def _clinic_zone(session: Session) -> ZoneInfo:
    tz = session.scalar(select(Location.timezone).order_by(Location.id).limit(1))
    return ZoneInfo(tz or "UTC")


def _family(r: FamilyResponse) -> _Response:
    return _Response(r.code, r.body, list(r.headers))


def _plain(code: int, text: str) -> _Response:
    return _Response(
        code,
        text.encode("utf-8"),
        [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
    )


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream is None or length <= 0:
        return b""
    return bytes(stream.read(min(length, MAX_BODY)))


def _drain(environ: dict[str, Any]) -> None:
    """Read (and ignore) a form body: the token in the URL is all the POST needs."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream is not None and length > 0:
        stream.read(min(length, MAX_BODY))


def make_app(
    db: Database,
    clock: Clock,
    *,
    secret: bytes,
    handlers: Mapping[str, LinkHandler] | None = None,
    public_base_url: str = DEFAULT_PUBLIC_BASE_URL,
    ical_feed: IcalFeed | bool | None = True,
    twilio_auth_token: str | None = None,
    api: WsgiApp | bool = True,
    booking: WsgiApp | bool = True,
) -> GatewayApp:
    """The gateway WSGI app.

    ``handlers`` maps a link purpose to its :class:`LinkHandler` (default: confirm, decline,
    callback, unsubscribe; the waitlist feature adds ``waitlist_accept``). ``ical_feed``:
    True for iCal export when installed, False/None for no feeds, or a function of your own.
    ``twilio_auth_token``: checks the signature of Twilio's status callbacks (POST
    /twilio/status); without it they are all refused (403). ``api``: the clinic API under
    ``/api/v1`` (True: the default one; False: none; or a WSGI app of your own). ``booking``: the
    families' online booking pages under ``/book``, the same way.
    """
    feed: IcalFeed | None
    if ical_feed is True:
        feed = default_ical_feed()
    elif ical_feed is False or ical_feed is None:
        feed = None
    else:
        feed = ical_feed
    return GatewayApp(
        db,
        clock,
        secret=secret,
        handlers=default_handlers() if handlers is None else handlers,
        public_base_url=public_base_url,
        ical_feed=feed,
        twilio_auth_token=twilio_auth_token,
        api=_clinic_api(db, clock) if api is True else (api or None),
        booking=_booking_site(db, clock, secret) if booking is True else (booking or None),
    )


def _clinic_api(db: Database, clock: Clock) -> WsgiApp:
    from orca_desk.gateway.api.app import ClinicApi

    return ClinicApi(db, clock)


def _booking_site(db: Database, clock: Clock, secret: bytes) -> WsgiApp:
    from orca_desk.gateway.booking_site import BookingSite

    return BookingSite(db, clock, secret=secret)
