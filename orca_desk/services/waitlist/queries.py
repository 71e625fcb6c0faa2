"""Lists of openings and offers for the waitlist screen, the calendar and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.clinic import Location
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.messaging.message_locale import staff_format
from orca_desk.services.waitlist.common import _left_text, _live_offer, _utc
from orca_desk.services.waitlist.rows import OfferedOpening, OfferRow, OpeningRow
from orca_desk.services.waitlist.wording import _context


def _patient_name(session: Session, patient_id: int) -> str:
    row = session.execute(
        select(Patient.first_name, Patient.last_name).where(Patient.id == patient_id)
    ).first()
    return f"{row[0]} {row[1]}" if row else f"Patient #{patient_id}"


@dataclass(frozen=True)
class _Shown:
    """How times are shown: each opening's location zone and the clinic's format."""

    zones: dict[int, ZoneInfo]  # opening id -> its location's zone
    style: str


def _shown(session: Session, offers: list[WaitlistOffer]) -> _Shown:
    ids = {x.opening_id for x in offers}
    zones = (
        {
            oid: local_time.zone(tz)
            for oid, tz in session.execute(
                select(Opening.id, Location.timezone)
                .join(Location, Location.id == Opening.location_id)
                .where(Opening.id.in_(ids))
            )
        }
        if ids
        else {}
    )
    return _Shown(zones, local_time.clinic_time_format(session))


def _shown_time(at: datetime, opening_id: int, now: datetime, shown: _Shown) -> str:
    return local_time.fmt_when(at, shown.zones.get(opening_id), shown.style, now=now)


def _offer_state(x: WaitlistOffer, now: datetime, shown: _Shown) -> tuple[str, str, int | None]:
    if x.response is None and not x.hold_released:
        if x.hold_started_at is None or x.hold_started_at > now:
            when = x.send_after if x.send_after > now else None
            if when is None:
                return "queued", "queued", None
            tz = shown.zones.get(x.opening_id)
            return "queued", f"queued until {local_time.fmt_when(when, tz, shown.style, now=now)}", None
        left = int((x.hold_expires_at - now).total_seconds()) if x.hold_expires_at else 0
        if left <= 0 and x.hold_expires_at is not None:
            # Ran out, and the tick that closes it has not run yet: say so, never "0m left".
            return "holding", f"hold expired {_shown_time(x.hold_expires_at, x.opening_id, now, shown)}", 0
        return "holding", f"holding · {_left_text(left)} left", max(0, left)
    if x.response == "accepted" and x.booked_appointment_id:
        return "accepted", "booked", None
    labels = {
        "accepted": "accepted, could not book",
        "declined": "declined",
        "expired": "hold expired",
        "no_response": "no response",
    }
    return x.response or "no_response", labels.get(x.response or "", "closed"), None


def _offer_row(x: WaitlistOffer, now: datetime, names: dict[int, str], shown: _Shown) -> OfferRow:
    state, text, left = _offer_state(x, now, shown)
    sent = (
        local_time.fmt_when(x.sent_at, shown.zones.get(x.opening_id), shown.style, now=now)
        if x.sent_at
        else ""
    )
    return OfferRow(
        x.id,
        x.opening_id,
        x.entry_id,
        x.patient_id,
        names.get(x.patient_id, ""),
        x.channel,
        x.to_address or "",
        state,
        text,
        x.sent_at,
        x.hold_expires_at,
        left,
        x.responded_at,
        x.response,
        x.booked_appointment_id,
        x.message,
        x.broadcast,
        sent,
    )


def list_offers(
    session: Session,
    *,
    now: datetime,
    opening_id: int | None = None,
    live_only: bool = False,
    channel: str | None = None,
    limit: int = 500,
) -> list[OfferRow]:
    now = _utc(now)
    query = (
        select(WaitlistOffer).order_by(WaitlistOffer.created_at.desc(), WaitlistOffer.id.desc()).limit(limit)
    )
    if opening_id is not None:
        query = query.where(WaitlistOffer.opening_id == opening_id)
    if live_only:
        query = query.where(_live_offer())
    if channel is not None:
        query = query.where(WaitlistOffer.channel == channel)
    offers = list(session.scalars(query))
    names = {
        pid: f"{f} {la}"
        for pid, f, la in session.execute(
            select(Patient.id, Patient.first_name, Patient.last_name).where(
                Patient.id.in_({x.patient_id for x in offers})
            )
        )
    }
    shown = _shown(session, offers)
    return [_offer_row(x, now, names, shown) for x in offers]


def _opening_label(o: Opening, live: list[OfferRow], now: datetime, shown: _Shown) -> str:
    if o.status == "offered" and live:
        holding = [r for r in live if r.state == "holding"]
        running = [r for r in holding if (r.seconds_left or 0) > 0]
        if running:
            left = min(r.seconds_left or 0 for r in running)
            return f"offered · {_left_text(left)} left"
        if holding:
            ended = max((r.hold_expires_at for r in holding if r.hold_expires_at), default=now)
            return f"offered · hold expired {_shown_time(ended, o.id, now, shown)}"
        return "offered · message queued"
    return {
        "open": "open · waiting for a match",
        "filled": "filled",
        "expired": "expired",
        "withdrawn": "withdrawn",
    }.get(o.status, o.status)


def list_openings(
    session: Session,
    *,
    now: datetime,
    include_closed: bool = False,
    location_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 300,
) -> list[OpeningRow]:
    """Openings (open and offered first, soonest first) with their offers."""
    now = _utc(now)
    query = select(Opening)
    if not include_closed:
        query = query.where(Opening.status.in_(("open", "offered")))
    if location_id is not None:
        query = query.where(Opening.location_id == location_id)
    if start is not None:
        query = query.where(Opening.end_at > start)
    if end is not None:
        query = query.where(Opening.start_at < end)
    openings = list(session.scalars(query.order_by(Opening.start_at).limit(limit)))
    if not openings:
        return []
    ctx = _context(session)
    offers = list(
        session.scalars(
            select(WaitlistOffer)
            .where(WaitlistOffer.opening_id.in_([o.id for o in openings]))
            .order_by(WaitlistOffer.id)
        )
    )
    names = (
        {
            pid: f"{f} {la}"
            for pid, f, la in session.execute(
                select(Patient.id, Patient.first_name, Patient.last_name).where(
                    Patient.id.in_({x.patient_id for x in offers})
                )
            )
        }
        if offers
        else {}
    )
    by_opening: dict[int, list[OfferRow]] = {}
    shown = _shown(session, offers)
    for x in offers:
        by_opening.setdefault(x.opening_id, []).append(_offer_row(x, now, names, shown))
    rows = []
    for o in openings:
        zone = ctx.zones[o.location_id]
        ls, le = o.start_at.astimezone(zone), o.end_at.astimezone(zone)
        when = f"{staff_format(ls, 'MMMEd')} {local_time.fmt_range(ls, le, zone, shown.style)}"
        mine = tuple(by_opening.get(o.id, []))
        live = [r for r in mine if r.state in ("queued", "holding")]
        rows.append(
            OpeningRow(
                o.id,
                o.location_id,
                ctx.names["location"].get(o.location_id, ""),
                o.chair_id,
                ctx.names["chair"].get(o.chair_id, ""),
                o.provider_id,
                ctx.names["provider"].get(o.provider_id, ""),
                o.start_at,
                o.end_at,
                when,
                o.source,
                o.status,
                o.mode,
                _opening_label(o, live, now, shown),
                mine,
            )
        )
    return rows


def offered_openings(
    session: Session, *, location_id: int, start: datetime, end: datetime, now: datetime
) -> list[OfferedOpening]:
    """Open and offered openings of a location in [start, end), for the calendar ("offered · 1h52m left")."""
    out = []
    for r in list_openings(session, now=now, location_id=location_id, start=start, end=end):
        holding = [x.seconds_left or 0 for x in r.offers if x.state == "holding"]
        label = r.label if r.status == "offered" else "opening · waitlist"
        out.append(
            OfferedOpening(
                r.id,
                r.chair_id,
                r.provider_id,
                r.start,
                r.end,
                r.status,
                label,
                min(holding) if holding else None,
            )
        )
    return out


def _taken_openings(session: Session, openings: Sequence[Opening]) -> set[int]:
    """Openings whose chair now holds an active appointment overlapping them (one query)."""
    lo = min(o.start_at for o in openings) - timedelta(hours=8)
    hi = max(o.end_at for o in openings)
    chairs = {o.chair_id for o in openings}
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    query = select(Appointment.chair_id, Appointment.start_at, Appointment.end_at).where(
        Appointment.chair_id.in_(chairs),
        Appointment.start_at < hi,
        Appointment.start_at > lo,
        Appointment.status.in_(ACTIVE_STATUSES),
    )
    for chair_id, s, e in session.execute(query):
        busy.setdefault(chair_id, []).append((s, e))
    return {
        o.id for o in openings if any(s < o.end_at and e > o.start_at for s, e in busy.get(o.chair_id, []))
    }
