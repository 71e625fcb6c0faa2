"""Family pages on the gateway: /r/<token> (move or cancel a visit) and a waitlist offer's live state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.gateway.family_pages import (
    OFFER_SCRIPT_HASH,
    Brand,
    load_brand,
    message_page,
    offer_page,
    offer_status_text,
    reschedule_page,
)
from orca_desk.gateway.family_words import Asked, t, when_text
from orca_desk.gateway.shared_answers import SharedAnswers
from orca_desk.models.messaging import LinkTokenUse
from orca_desk.models.patient import Patient
from orca_desk.services.clock import Clock
from orca_desk.services.errors import ConflictError, NotFound, ValidationError
from orca_desk.services.links import reschedule_links as rl
from orca_desk.services.links.link_tokens import TokenClaims, TokenExpired, TokenInvalid, verify_short_token
from orca_desk.services.links.patient_links import RESCHEDULE
from orca_desk.services.waitlist.offer_status import offer_status

MAX_FORM = 8 * 1024
_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
_OFFER_CSP = _CSP + f"; script-src '{OFFER_SCRIPT_HASH}'; connect-src 'self'"
_HEADERS = [
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
]


@dataclass(frozen=True)
class FamilyResponse:
    code: int
    body: bytes
    headers: list[tuple[str, str]]


def _html(code: int, body: bytes, csp: str = _CSP) -> FamilyResponse:
    return FamilyResponse(
        code,
        body,
        [("Content-Type", "text/html; charset=utf-8"), *_HEADERS, ("Content-Security-Policy", csp)],
    )


def _json(code: int, data: dict[str, Any]) -> FamilyResponse:
    body = json.dumps(data).encode("utf-8")
    return FamilyResponse(code, body, [("Content-Type", "application/json"), *_HEADERS])


def _form(environ: dict[str, Any]) -> dict[str, str]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    raw = stream.read(min(length, MAX_FORM)) if stream is not None and length > 0 else b""
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}


def claim_link(
    session: Session, claims: TokenClaims, now: datetime
) -> tuple[LinkTokenUse | None, LinkTokenUse | None]:
    """Record the nonce (single use): (our use, None), or (None, the earlier use) when another click won."""
    used = session.get(LinkTokenUse, claims.nonce)
    if used is not None:
        return None, used
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


class OpeningsCache:
    """Openings searches kept ``ttl`` seconds: fifty families opening links for one orthodontist
    share one search. A move is checked again by the booking rules, so staleness costs at most a
    "just taken" and a fresh list (which bypasses the cache)."""

    def __init__(self, ttl: float = 10.0, size: int = 512) -> None:
        self._answers: SharedAnswers[list[rl.Opening]] = SharedAnswers(ttl, size)

    def search(
        self, session: Session, provider_id: int, location_id: int, minutes: int, after: datetime, days: int
    ) -> list[rl.Opening]:
        return self._answers.get(
            (provider_id, location_id, minutes, after, days),
            lambda: rl.search_openings(session, provider_id, location_id, minutes, after, days),
        )

    def forget(self, provider_id: int) -> None:
        self._answers.forget(lambda key: key[0] == provider_id)


class FamilyPages:
    """The pages a family opens from a reminder or an offer; the gateway app routes to them."""

    def __init__(self, db: Database, clock: Clock, secret: bytes) -> None:
        self.db, self.clock, self.secret = db, clock, secret
        self.openings = OpeningsCache()

    # ----- /r/<token> ---------------------------------------------------------------------
    def reschedule(self, method: str, token: str, environ: dict[str, Any]) -> FamilyResponse:
        now = self.clock.now()
        asked = Asked.of(environ)
        try:
            claims = verify_short_token(self.secret, token, RESCHEDULE, now)
        except (TokenExpired, TokenInvalid) as exc:
            return self._link_problem(exc, asked)
        if method == "POST":
            return self._act(claims, _form(environ), now, asked)
        with self.db.read() as session:
            return self._show(session, claims, now, asked)

    def _link_problem(self, exc: Exception, asked: Asked) -> FamilyResponse:
        with self.db.read() as session:
            brand = load_brand(session)
        lang = asked.language(None, brand.language)  # no family is known for a link not ours
        if isinstance(exc, TokenExpired):
            return _html(
                410, message_page(brand, lang, t(lang, "expired_title"), t(lang, "expired_text"), "warn")
            )
        return _html(
            400, message_page(brand, lang, t(lang, "invalid_title"), t(lang, "invalid_text"), "error")
        )

    def _show(
        self,
        session: Session,
        claims: TokenClaims,
        now: datetime,
        asked: Asked,
        *,
        message: str = "",
        code: int = 200,
        fresh: bool = False,
    ) -> FamilyResponse:
        brand = load_brand(session)
        used = session.get(LinkTokenUse, claims.nonce)
        try:
            visit = rl.load_visit(session, claims.subject_id, now)
        except (NotFound, ConflictError) as exc:
            lang = asked.language(self._language_of(session, claims.subject_id), brand.language)
            if used is not None:
                return self._used(brand, lang, used)
            return _html(404 if isinstance(exc, NotFound) else 409, self._gone(brand, lang, str(exc)))
        lang = asked.language(visit.language, brand.language)
        if used is not None:
            return self._used(brand, lang, used, visit)
        rules = rl.load_rules(session)
        can_move = not rl.too_late(visit, now, rules)
        if fresh:
            self.openings.forget(visit.provider_id)
        openings = (
            rl.openings_for(session, visit, now, rules=rules, search=self.openings.search) if can_move else []
        )
        body = reschedule_page(
            brand,
            lang,
            visit,
            openings,
            can_move=can_move,
            weeks=max(1, rules.horizon_days // 7),
            message=message,
        )
        return _html(code, body)

    def _language_of(self, session: Session, appointment_id: int) -> str | None:
        from orca_desk.models.appointment import Appointment

        patient_id = session.scalar(select(Appointment.patient_id).where(Appointment.id == appointment_id))
        return (
            session.scalar(select(Patient.language).where(Patient.id == patient_id)) if patient_id else None
        )

    def _gone(self, brand: Brand, lang: str, text: str) -> bytes:
        # The service's sentence is English; a Spanish page keeps its own title and the phone.
        return message_page(
            brand, lang, t(lang, "gone_title"), text if lang == "en" else t(lang, "too_soon"), "warn"
        )

    def _used(
        self, brand: Brand, lang: str, used: LinkTokenUse, visit: rl.Visit | None = None
    ) -> FamilyResponse:
        zone_when = used.used_at.astimezone(visit.zone) if visit is not None else used.used_at
        text = t(lang, "used_text", when=when_text(zone_when, lang, brand.country))
        return _html(409, message_page(brand, lang, t(lang, "used_title"), text, "warn"))

    def _act(self, claims: TokenClaims, form: dict[str, str], now: datetime, asked: Asked) -> FamilyResponse:
        action = form.get("action", "")

        def work(session: Session) -> FamilyResponse:
            use, used = claim_link(session, claims, now)
            if use is None:
                assert used is not None
                brand = load_brand(session)
                lang = asked.language(self._language_of(session, claims.subject_id), brand.language)
                return self._used(brand, lang, used)
            brand = load_brand(session)
            if action == "move":
                visit = rl.move_visit(session, claims.subject_id, form.get("slot", ""), now=now)
                use.outcome = "rescheduled"
                lang = asked.language(visit.language)
                title = t(lang, "moved_title")
                text = t(
                    lang,
                    "moved_text",
                    name=visit.first_name,
                    when=when_text(visit.local_start, lang, brand.country),
                    place=visit.location,
                )
            elif action == "cancel":
                visit = rl.cancel_visit(
                    session, claims.subject_id, form.get("reason", ""), form.get("note", ""), now=now
                )
                use.outcome = "cancelled"
                lang = asked.language(visit.language)
                title = t(lang, "cancelled_title")
                text = t(lang, "cancelled_text", when=when_text(visit.local_start, lang, brand.country))
            else:
                raise ValidationError("Choose a new time or cancel.", field="action")
            self.openings.forget(visit.provider_id)
            return _html(200, message_page(brand, lang, title, text, "ok", phone=visit.location_phone))

        try:
            # Any refusal rolls the whole unit back, the link's use included: the family may try again.
            return self.db.run_write(work)
        except rl.VisitGone:
            with self.db.read() as session:
                return self._show(session, claims, now, asked)
        except (ConflictError, ValidationError) as exc:
            with self.db.read() as session:
                family = self._language_of(session, claims.subject_id)
                lang = asked.language(family, load_brand(session).language)
                message = self._refusal_words(exc, lang)
                code = 409 if isinstance(exc, ConflictError) else 400
                return self._show(session, claims, now, asked, message=message, code=code, fresh=True)
        except NotFound as exc:
            with self.db.read() as session:
                brand = load_brand(session)
                return _html(404, self._gone(brand, asked.language(None, brand.language), str(exc)))

    @staticmethod
    def _refusal_words(exc: Exception, lang: str) -> str:
        if isinstance(exc, ConflictError):
            return t(lang, "taken_retry")
        field = getattr(exc, "field", None)
        if field == "slot":
            return t(lang, "choose_time")
        if field == "note":
            return t(lang, "need_note")
        return str(exc) if lang == "en" else t(lang, "choose_time")

    # ----- the waitlist offer's page and its live status ------------------------------------
    def offer_outcome(self, claims: TokenClaims, environ: dict[str, Any], code: int) -> FamilyResponse | None:
        """After a family answered an offer: the outcome in Spanish for a Spanish-speaking family
        (None for English: the handler's own page says it)."""
        now = self.clock.now()
        with self.db.read() as session:
            try:
                status = offer_status(session, claims.subject_id, now)
            except NotFound:
                return None
            lang = Asked.of(environ).language(status.language)
            if lang == "en":
                return None
            kind = "ok" if status.state == "booked" else "warn"
            body = message_page(
                load_brand(session), lang, t(lang, "offer_title"), offer_status_text(lang, status), kind
            )
            return _html(code, body)

    def offer(
        self, claims: TokenClaims, environ: dict[str, Any], *, status_url: str, as_json: bool
    ) -> FamilyResponse:
        """GET of an offer link (``as_json``: the small status the page polls)."""
        now = self.clock.now()
        asked = Asked.of(environ)
        with self.db.read() as session:
            try:
                status = offer_status(session, claims.subject_id, now)
            except NotFound as exc:
                if as_json:
                    return _json(404, {"state": "gone", "seconds_left": None, "text": str(exc)})
                brand = load_brand(session)
                lang = asked.language(None, brand.language)
                return _html(404, message_page(brand, lang, t(lang, "offer_title"), str(exc), "error"))
            lang = asked.language(status.language)
            if as_json:
                data = {
                    "state": status.state,
                    "seconds_left": status.seconds_left,
                    "text": offer_status_text(lang, status),
                }
                return _json(200, data)
            url = status_url + (f"?lang={lang}" if asked.query else "")
            return _html(200, offer_page(load_brand(session), lang, status, status_url=url), _OFFER_CSP)
