"""The waitlist tick: start and expire holds, expire openings, open template slots, offer the next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.waitlist.closing import (
    _cancel_message,
    _entry_back,
    _expire_offer,
    _release_live,
    _reopen_if_idle,
)
from orca_desk.services.waitlist.common import _live_offer, _utc
from orca_desk.services.waitlist.holds import _start_hold
from orca_desk.services.waitlist.matching import _channel_for, _opted_out
from orca_desk.services.waitlist.offers import _enqueue, _mark_offered, _plan_offer, offer_openings
from orca_desk.services.waitlist.openings import _create_opening
from orca_desk.services.waitlist.rows import TickReport
from orca_desk.services.waitlist.settings import (
    BUDGET_DEFERRED,
    DEAD_SEND_STATES,
    LIVE_SEND_STATES,
    WaitlistSettings,
    default_settings,
)
from orca_desk.services.waitlist.wording import _context


def process_waitlist(db: Any, *, now: datetime, settings: WaitlistSettings | None = None) -> TickReport:
    """The automation tick: start holds at send, expire holds, expire openings, offer the next.

    Idempotent: each step acts only on rows whose state says it is due, in its own
    transaction, so a second run at the same instant (or after a crash) changes nothing.
    """
    now = _utc(now)
    report = TickReport()
    with db.write() as session:
        settings = settings or default_settings(session)
        _start_holds(session, now, settings, report)
    with db.write() as session:
        _expire_holds(session, now, report)
    with db.write() as session:
        for o in session.scalars(
            select(Opening).where(
                Opening.status.in_(("open", "offered")), Opening.start_at <= now + settings.min_lead
            )
        ):
            o.status, o.next_check_at, o.updated_at = "expired", None, now
            _release_live(session, o, now, settings, response="no_response", tell=False)
            report.openings_expired += 1
    with db.write() as session:
        report.template_openings = _template_openings(session, now, settings)
    with db.write() as session:
        due = list(
            session.scalars(
                select(Opening)
                .where(
                    Opening.status == "open",
                    Opening.next_check_at <= now,
                    Opening.start_at > now + settings.min_lead,
                )
                .order_by(Opening.start_at)
                .limit(2000)
            )
        )
        report.offers_made += len(offer_openings(session, due, now=now, settings=settings))
    return report


def _template_openings(session: Session, now: datetime, settings: WaitlistSettings) -> int:
    """Unbooked applied template slots inside the look-ahead become openings (once each)."""
    try:
        from orca_desk.services.template_engine.reading import open_template_slots
    except ImportError:  # pragma: no cover - templates not installed
        return 0
    start, end = now + settings.min_lead + settings.min_hold, now + settings.template_lookahead
    locations = list(session.scalars(select(Location.id)))
    slots = [
        x
        for x in open_template_slots(session, location_ids=locations, start=start, end=end)
        if x.chair_id is not None and x.start >= start
    ]
    if not slots:
        return 0
    known = {
        (chair, at)
        for chair, at in session.execute(
            select(Opening.chair_id, Opening.start_at).where(
                Opening.source == "template_slot", Opening.start_at >= start, Opening.start_at < end
            )
        )
    }
    # A slot freed by a cancellation already has its opening (the booking seam wrote it).
    live: dict[int, list[tuple[datetime, datetime]]] = {}
    for chair, a, b in session.execute(
        select(Opening.chair_id, Opening.start_at, Opening.end_at).where(
            Opening.status.in_(("open", "offered")), Opening.start_at < end, Opening.end_at > start
        )
    ):
        live.setdefault(chair, []).append((a, b))
    clinic_of = {lid: cid for lid, cid in session.execute(select(Location.id, Location.clinic_id))}
    made = 0
    for x in slots:
        if (
            x.chair_id is None
            or (x.chair_id, x.start) in known
            or any(a < x.end and b > x.start for a, b in live.get(x.chair_id, []))
        ):
            continue
        known.add((x.chair_id, x.start))
        _create_opening(
            session,
            clinic_id=clinic_of[x.location_id],
            location_id=x.location_id,
            chair_id=x.chair_id,
            provider_id=x.provider_id,
            type_id=x.type_id,
            start=x.start,
            end=x.end,
            source="template_slot",
            source_appointment_id=None,
            now=now,
            note=f"Template {x.template_name}",
        )
        made += 1
    return made


def _start_holds(session: Session, now: datetime, settings: WaitlistSettings, report: TickReport) -> None:
    """Catch up: holds of texts sent without one (normally started with the send itself), and
    offers whose text will not go out in time."""
    rows = session.execute(
        select(WaitlistOffer, OutboxMessage.status, OutboxMessage.sent_at, OutboxMessage.error_code)
        .join(OutboxMessage, OutboxMessage.id == WaitlistOffer.outbox_message_id)
        .where(WaitlistOffer.hold_started_at.is_(None), _live_offer())
    ).all()
    for offer, status, sent_at, error_code in rows:
        o = session.get(Opening, offer.opening_id)
        assert o is not None
        cap = o.start_at - settings.min_lead
        if status in LIVE_SEND_STATES and sent_at is not None:
            _start_hold(offer, o, sent_at, settings)
            report.holds_started += 1
        elif status == "deferred" and error_code == BUDGET_DEFERRED:
            report.offers_made += _replace_budget_deferred(session, offer, o, now, settings)
        elif status in DEAD_SEND_STATES or now >= cap:
            offer.hold_released = True
            offer.response = "no_response"
            offer.responded_via = "system"
            offer.outcome = f"The message never went out ({status})."
            _entry_back(session, offer, now, refund=True)
            _reopen_if_idle(session, o, now)
            report.never_sent += 1


def _replace_budget_deferred(
    session: Session, offer: WaitlistOffer, o: Opening, now: datetime, settings: WaitlistSettings
) -> int:
    """A text deferred because the family's number had its texts for today (sent meanwhile by
    another feature) would leave the opening held by an offer nobody sees until tomorrow.
    It is withdrawn (not counted against the entry) and the same family is offered it by
    email when they have it; else the opening goes back to open and this tick offers it to
    the next in line. Returns the offers made here (0 or 1)."""
    assert offer.outbox_message_id is not None
    _cancel_message(session, offer.outbox_message_id, now)
    offer.hold_released, offer.response, offer.responded_via = True, "no_response", "system"
    offer.outcome = "Their number had had its texts for today; the opening was offered again."
    _entry_back(session, offer, now, refund=True)
    p = session.get(Patient, offer.patient_id)
    entry = session.get(WaitlistEntry, offer.entry_id)
    if (
        p is not None
        and entry is not None
        and entry.status in ("active", "notified")
        and o.status == "offered"
        and entry.notification_count < settings.max_offers
    ):
        opted = _opted_out(session, [p]) | {("sms", offer.to_address or "")}
        if _channel_for(p, opted, settings.policy)[0] == "email":
            result = _plan_offer(
                session,
                o,
                entry,
                p,
                now=now,
                settings=settings,
                ctx=_context(session),
                opted=opted,
                broadcast=offer.broadcast,
                created_by="automation",
            )
            if not isinstance(result, str):
                offer.outcome = "Their number had had its texts for today; offered by email instead."
                _mark_offered(session, o, entry, now)
                _enqueue(session, [result], now, settings)
                return 1
    _reopen_if_idle(session, o, now)
    return 0


def _expire_holds(session: Session, now: datetime, report: TickReport) -> None:
    due = select(WaitlistOffer).where(_live_offer(), WaitlistOffer.hold_expires_at <= now)
    for offer in session.scalars(due.order_by(WaitlistOffer.hold_expires_at)):
        o = session.get(Opening, offer.opening_id)
        assert o is not None
        _expire_offer(session, offer, o, now)
        report.holds_expired += 1
