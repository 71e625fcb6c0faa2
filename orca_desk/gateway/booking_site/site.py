"""/book as a WSGI app: choose, see live openings, hold a slot, verify the phone, confirm."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from babel.dates import format_time
from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.gateway.booking_site import render
from orca_desk.gateway.booking_site.limits import SlidingLimit
from orca_desk.gateway.booking_site.strings import ES_PROBLEMS, LANGUAGES, pick_language
from orca_desk.gateway.family_words import accepted_language
from orca_desk.gateway.pages import ClinicContact
from orca_desk.gateway.shared_answers import SharedAnswers
from orca_desk.models.clinic import AppointmentType, Clinic, Location, Provider
from orca_desk.services import local_time
from orca_desk.services import online_booking as ob
from orca_desk.services.clock import Clock
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.links.link_tokens import TokenError, make_token, verify_token
from orca_desk.services.messaging.message_locale import babel_locale, locale_date

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
BOOK_PREFIX = "/book"
SESSION_PURPOSE = "online_booking"
MAX_FORM = 16 * 1024
_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ),
]
_STATUS = {200: "200 OK", 404: "404 Not Found", 405: "405 Method Not Allowed", 409: "409 Conflict"}
_STATUS |= {410: "410 Gone", 422: "422 Unprocessable Content", 429: "429 Too Many Requests"}
_STATUS |= {500: "500 Internal Server Error"}

Answer = tuple[int, bytes]


class _Request:
    def __init__(self, environ: dict[str, Any]) -> None:
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = (environ.get("PATH_INFO") or "/").rstrip("/") or "/"
        self.query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.form: dict[str, str] = {}
        if self.method == "POST":
            try:
                length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_FORM)
            except ValueError:
                length = 0
            stream = environ.get("wsgi.input")
            raw = stream.read(length) if stream is not None and length > 0 else b""
            self.form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        self.ip = str(environ.get("REMOTE_ADDR", ""))
        asked, accept = (
            self.form.get("lang") or self.query.get("lang"),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        )
        self.lang = pick_language(asked, accept)
        # The family chose it (the page's language link, or their browser's), not the fallback.
        self.lang_chosen = asked in LANGUAGES or accepted_language(accept) is not None

    def int_value(self, name: str) -> int | None:
        raw = self.form.get(name) or self.query.get(name) or ""
        return int(raw) if raw.isdigit() and len(raw) < 10 else None


class SharedSearch:
    """The engine's openings kept ``ttl`` seconds, shared by the families asking the same question.
    Holds and template time are filtered fresh on every page, and a hold or a booking is checked
    again by the rules, so a stale list costs at most a "someone just took that time"."""

    def __init__(self, ttl: float = 10.0, size: int = 256) -> None:
        self._answers: SharedAnswers[list[Any]] = SharedAnswers(ttl, size)

    def search(
        self, session: Any, location_id: int, minutes: int, after: datetime, horizon_days: int, limit: int
    ) -> list[Any]:
        return self._answers.get(
            (location_id, minutes, after, horizon_days, limit),
            lambda: ob.engine_openings(session, location_id, minutes, after, horizon_days, limit),
        )


class BookingSite:
    """The family-facing booking pages; ``secret`` signs the session token carried in the forms."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        secret: bytes,
        codes_per_ip: int = 5,
        codes_per_phone: int = 3,
        window: timedelta = timedelta(minutes=10),
    ) -> None:
        self.db, self.clock, self.secret = db, clock, secret
        self.ip_limit = SlidingLimit(codes_per_ip, window)
        self.phone_limit = SlidingLimit(codes_per_phone, window)
        self.engine = SharedSearch()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        req = _Request(environ)
        try:
            code, body = self._route(req)
        except Exception:  # the family sees a polite page; the log has the traceback
            log.exception("booking page error on %s %s", req.method, req.path)
            ctx = self._context(req.lang)
            code, body = 500, render.message_page(ctx, ctx.t["closed_title"], ctx.t["closed_text"], "error")
        headers = [*_HEADERS, ("Content-Length", str(len(body)))]
        if code == 405:
            headers.append(("Allow", "GET, HEAD, POST"))
        start_response(_STATUS.get(code, f"{code} Error"), headers)
        return [b""] if req.method == "HEAD" else [body]

    def _route(self, req: _Request) -> Answer:
        if not req.lang_chosen:  # a browser naming no language the pages have: the clinic's
            req.lang = self._clinic_language()
        get = req.method in ("GET", "HEAD")
        routes = {
            (BOOK_PREFIX, True): self._choose,
            (BOOK_PREFIX + "/times", True): self._times,
            (BOOK_PREFIX + "/hold", False): self._hold,
            (BOOK_PREFIX + "/details", False): self._details,
            (BOOK_PREFIX + "/confirm", False): self._confirm,
        }
        handler = routes.get((req.path, get))
        if handler is not None:
            return handler(req)
        ctx = self._context(req.lang)
        if any(path == req.path for path, _ in routes):
            if get:  # a reload of a step that was a form post: start again, nothing lost but the hold
                return 200, render.message_page(ctx, ctx.t["title"], ctx.t["session_bad"], "warn")
            return 405, render.message_page(ctx, ctx.t["title"], ctx.t["session_bad"], "error")
        return 404, render.message_page(ctx, ctx.t["title"], ctx.t["session_bad"], "error")

    # ----- context ------------------------------------------------------------------------
    def _clinic_language(self) -> str:
        with self.db.read() as s:
            chosen = s.scalar(select(Clinic.language).order_by(Clinic.id).limit(1))
        return chosen if chosen in LANGUAGES else "en"

    def _context(self, lang: str, session: Session | None = None) -> render.PageContext:
        if session is None:
            with self.db.read() as s:
                return self._context(lang, s)
        clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
        contact = (
            ClinicContact(clinic.name, clinic.phone, (clinic.country or "US").upper())
            if clinic
            else ClinicContact("Your orthodontist", "")
        )
        colour = ob.load_settings(session).colour
        return render.PageContext(lang, LANGUAGES[lang], contact, colour)

    def _problem(self, ctx: render.PageContext, exc: ValidationError) -> str:
        if ctx.lang != "en" and exc.field in ES_PROBLEMS:
            return ES_PROBLEMS[exc.field]
        return str(exc)

    def _closed(self, ctx: render.PageContext) -> Answer:
        return 200, render.message_page(ctx, ctx.t["closed_title"], ctx.t["closed_text"], "warn")

    # ----- step 1: where and what ---------------------------------------------------------
    def _choose(self, req: _Request, message: str = "", code: int = 200) -> Answer:
        with self.db.read() as s:
            ctx = self._context(req.lang, s)
            settings = ob.load_settings(s)
            if not settings.open:
                return self._closed(ctx)
            locations = _names(s, Location, settings.location_ids)
            types = _names(s, AppointmentType, settings.type_ids)
            chosen = (req.int_value("location"), req.int_value("type"))
            return code, render.choose_page(ctx, locations, types, message=message, chosen=chosen)

    # ----- step 2: live openings ----------------------------------------------------------
    def _times(self, req: _Request, message: str = "", code: int = 200) -> Answer:
        location_id, type_id = req.int_value("location"), req.int_value("type")
        now = self.clock.now()
        with self.db.read() as s:
            ctx = self._context(req.lang, s)
            if location_id is None or type_id is None:
                field = "location" if location_id is None else "type"
                return self._choose(req, self._problem(ctx, ValidationError(ctx.t[field], field=field)), 422)
            try:
                openings = ob.offered_openings(
                    s, location_id=location_id, type_id=type_id, now=now, search=self.engine.search
                )
            except ob.OnlineBookingClosed:
                return self._closed(ctx)
            except ValidationError as exc:
                return self._choose(req, self._problem(ctx, exc), 422)
            loc, atype = s.get(Location, location_id), s.get(AppointmentType, type_id)
            assert loc is not None and atype is not None
            zone, style = ZoneInfo(loc.timezone), local_time.clinic_time_format(s)
            providers = dict(_names(s, Provider, {o.provider_id for o in openings}))
            days: list[tuple[str, list[tuple[str, str, str]]]] = []
            for o in openings:
                heading = _day(ctx, o.start.astimezone(zone))
                if not days or days[-1][0] != heading:
                    days.append((heading, []))
                key = ob.Slot(o.provider_id, o.chair_id, o.start).key
                days[-1][1].append((key, _time(ctx, o.start, zone, style), providers.get(o.provider_id, "")))
            page = render.times_page(
                ctx, location=(loc.id, loc.name), atype=(atype.id, atype.name), days=days, message=message
            )
            return code, page

    # ----- step 3: hold the slot, the family's details ------------------------------------
    def _hold(self, req: _Request) -> Answer:
        location_id, type_id = req.int_value("location"), req.int_value("type")
        now = self.clock.now()
        ctx = self._context(req.lang)
        if location_id is None or type_id is None:
            return self._choose(req, ctx.t["session_bad"], 422)
        try:
            slot = ob.Slot.parse(req.form.get("slot", ""))
            hold_id = self.db.run_write(
                lambda s: ob.hold_slot(s, location_id=location_id, type_id=type_id, slot=slot, now=now).id
            )
        except ob.OnlineBookingClosed:
            return self._closed(ctx)
        except ob.SlotTaken:
            return self._times(req, ctx.t["taken"], 409)
        except ValidationError as exc:
            return self._times(req, self._problem(ctx, exc), 422)
        return self._details_form(req, hold_id, {}, None, 200)

    def _session(self, req: _Request) -> int | None:
        try:
            return verify_token(
                self.secret, req.form.get("session", ""), SESSION_PURPOSE, self.clock.now()
            ).subject_id
        except TokenError:
            return None

    def _details_form(
        self, req: _Request, hold_id: int, values: dict[str, str], error: tuple[str, str] | None, code: int
    ) -> Answer:
        now = self.clock.now()
        with self.db.read() as s:
            ctx = self._context(req.lang, s)
            try:
                hold = ob.live_hold(s, hold_id, now)
            except (ob.SlotTaken, NotFound):
                return self._expired(req, hold_id)
            zone, style = local_time.location_zone(s, hold.location_id), local_time.clinic_time_format(s)
            when = _when(ctx, hold.start_at, zone, style)
            held = ctx.t["held"].format(when=when, until=_time(ctx, hold.expires_at, zone, style))
            token = make_token(self.secret, SESSION_PURPOSE, hold.id, hold.expires_at + timedelta(minutes=30))
            return code, render.details_page(ctx, session=token, held=held, values=values, error=error)

    def _expired(self, req: _Request, hold_id: int | None) -> Answer:
        """The hold ran out (or was used): back to the live openings of the same choice."""
        if hold_id is not None:
            with self.db.read() as s:
                hold = ob.live_hold_row(s, hold_id)
            if hold is not None:
                req.query.update(location=str(hold.location_id), type=str(hold.type_id))
                return self._times(req, self._context(req.lang).t["expired"], 410)
        ctx = self._context(req.lang)
        return 410, render.message_page(ctx, ctx.t["title"], ctx.t["session_bad"], "warn")

    def _details(self, req: _Request) -> Answer:
        hold_id = self._session(req)
        if hold_id is None:
            return self._expired(req, None)
        now = self.clock.now()
        ctx = self._context(req.lang)
        values = {k: req.form.get(k, "")[:200] for k in ("first_name", "last_name", "date_of_birth")}
        values |= {k: req.form.get(k, "")[:200] for k in ("guardian_name", "phone", "email", "sms_consent")}
        try:
            # A number written as the family dials it is read in the clinic's country: a London
            # family's "07911 123456" is +447911123456, not a wrong American number.
            details = ob.parse_details(
                values,
                today=now.date(),
                region=ctx.clinic.country,
                # The language the family read the page in is their messages'; else the clinic's.
                language=req.lang if req.lang_chosen else "",
            )
        except ValidationError as exc:
            return self._details_form(req, hold_id, values, (exc.field or "", self._problem(ctx, exc)), 422)
        if not self.ip_limit.allow(req.ip, now):
            return self._details_form(req, hold_id, values, ("phone", ctx.t["rate_ip"]), 429)
        if not self.phone_limit.allow(details.phone, now):
            return self._details_form(req, hold_id, values, ("phone", ctx.t["rate_phone"]), 429)
        try:
            self.db.run_write(
                lambda s: ob.send_code(s, hold_id, details, now=now, clinic_name=ctx.clinic.name)
            )
        except (ob.SlotTaken, NotFound):
            return self._expired(req, hold_id)
        except ValidationError as exc:
            return self._details_form(
                req, hold_id, values, (exc.field or "phone", self._problem(ctx, exc)), 422
            )
        token = req.form.get("session", "")
        return 200, render.code_page(ctx, session=token, phone=_masked(details.phone))

    # ----- step 4: the code books ---------------------------------------------------------
    def _confirm(self, req: _Request) -> Answer:
        hold_id = self._session(req)
        if hold_id is None:
            return self._expired(req, None)
        now = self.clock.now()
        ctx = self._context(req.lang)
        token = req.form.get("session", "")
        try:
            result = self.db.run_write(
                lambda s: ob.confirm(s, hold_id, req.form.get("code", "")[:20], now=now)
            )
        except ob.SlotTaken as exc:
            with self.db.read() as s:
                hold = ob.live_hold_row(s, hold_id)
            if hold is not None and hold.status == "booked" and hold.appointment_id is not None:
                # A second tap of Confirm (or Back and resend): the booking stands; say so again.
                return 200, self._done(ctx, ob.Confirmation(hold.appointment_id))
            if hold is not None and "booked" in str(exc):
                req.query.update(location=str(hold.location_id), type=str(hold.type_id))
                return self._times(req, ctx.t["taken"], 409)
            return self._expired(req, hold_id)
        except NotFound:
            return self._expired(req, None)
        except ValidationError as exc:
            return 422, render.code_page(ctx, session=token, phone="", message=self._problem(ctx, exc))
        if result.appointment_id is None:
            with self.db.read() as s:
                hold = ob.live_hold_row(s, hold_id)
            phone = _masked(hold.phone or "") if hold else ""
            text = result.problem or ""
            if ctx.lang == "es":
                text = ES_PROBLEMS["code"]
            return 422, render.code_page(ctx, session=token, phone=phone, message=text)
        return 200, self._done(ctx, result)

    def _done(self, ctx: render.PageContext, result: ob.Confirmation) -> bytes:
        with self.db.read() as s:
            view = ob.booked_view(s, result.appointment_id or 0)
            zone, style = local_time.location_zone(s, view.location_id), local_time.clinic_time_format(s)
        when = _when(ctx, view.start, zone, style)
        text = ctx.t["done_text"].format(
            type=view.type_name, name=view.first_name, when=when, location=view.location_name
        )
        extra = render.note("ok", ctx.t["done_review"]) if result.review else ""
        return render.message_page(ctx, ctx.t["done_title"], text, "ok", extra=extra)


def _names(session: Session, model: Any, ids: Iterable[int]) -> list[tuple[int, str]]:
    wanted = list(ids)
    if not wanted:
        return []
    rows = session.execute(select(model.id, model.name).where(model.id.in_(wanted))).all()
    order = {i: n for n, i in enumerate(wanted)}
    return sorted(((r[0], r[1]) for r in rows), key=lambda r: order.get(r[0], 0))


def _day(ctx: render.PageContext, local: datetime) -> str:
    """The weekday, day and month as CLDR writes them in the clinic's country: "Tuesday, March 3",
    "Tuesday 3 March" (GB), "martes, 3 de marzo"."""
    return locale_date(local, "MMMMEEEEd", babel_locale(ctx.lang, ctx.clinic.country))


def _when(ctx: render.PageContext, start: datetime, zone: Any, style: str) -> str:
    return f"{_day(ctx, start.astimezone(zone))}, {_time(ctx, start, zone, style)}"


def _time(ctx: render.PageContext, when: datetime, zone: Any, style: str) -> str:
    """A time on the clinic's clock in the page's language: "3:30 PM", "3:30 pm" (GB), "3:30 p. m.",
    "15:30"."""
    pattern = "HH:mm" if style == "24h" else "h:mm a"
    local = when.astimezone(zone).replace(tzinfo=None)
    return format_time(local, pattern, locale=babel_locale(ctx.lang, ctx.clinic.country)).replace(
        "\u202f", " "
    )


def _masked(phone: str) -> str:
    """The number the code went to, all but its last 4 digits hidden."""
    return f"••••\u00a0{phone[-4:]}" if len(phone) >= 4 else phone
