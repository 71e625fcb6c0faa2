"""Making offers: the best matches of due openings (or a chosen entry) get an offer and a message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services import local_time
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_WAITLIST, Actor
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.message_locale import DEFAULT_LANGUAGE, message_language, recipient_language
from orca_desk.services.messaging.policy import budget_allows, next_allowed_send
from orca_desk.services.phones import dialled
from orca_desk.services.waitlist.closing import _withdraw
from orca_desk.services.waitlist.common import _get_opening, _live_offer, _utc, _zone, _zones
from orca_desk.services.waitlist.matching import (
    _busy_patients,
    _Candidate,
    _channel_for,
    _fits,
    _load_candidates,
    _Matcher,
    _matcher_for,
    _opted_out,
    _score,
    _Slot,
    _slot_of,
)
from orca_desk.services.waitlist.queries import _offer_row, _patient_name, _shown, _taken_openings
from orca_desk.services.waitlist.rows import OfferRow
from orca_desk.services.waitlist.settings import DECLINE_PURPOSE, PURPOSE, WaitlistSettings, default_settings
from orca_desk.services.waitlist.wording import (
    EMAIL_LINK_LINES,
    PHONE_SCRIPT,
    _Context,
    _context,
    _link,
    _offer_sms,
    _words,
    email_texts,
)


@dataclass
class _Planned:
    offer: WaitlistOffer
    patient: Patient
    subject: str | None
    not_after: datetime
    words: dict[str, str]
    sms_templates: tuple[str, str] | None = None  # the clinic's; None: the packaged ones
    language: str = DEFAULT_LANGUAGE


def _texts_sent(session: Session, numbers: Iterable[str], now: datetime) -> dict[str, list[datetime]]:
    """When texts that count against each number's budget went out (the last 8 days), read as
    dispatch reads them when it judges a send."""
    from orca_desk.services.messaging.inbound import BUDGET_EXEMPT

    sent: dict[str, list[datetime]] = {n: [] for n in numbers if n}
    since = now - timedelta(days=8)
    for chunk in chunks(list(sent)):
        for address, sent_at, claimed_at in session.execute(
            select(OutboxMessage.to_address, OutboxMessage.sent_at, OutboxMessage.claimed_at).where(
                OutboxMessage.to_address.in_(chunk),
                OutboxMessage.channel == "sms",
                OutboxMessage.merged_into_id.is_(None),
                OutboxMessage.purpose.not_in(BUDGET_EXEMPT),
                OutboxMessage.status.in_(("sending", "sent", "delivered")),
                or_(OutboxMessage.sent_at >= since, OutboxMessage.claimed_at >= since),
            )
        ):
            when = sent_at or claimed_at
            if when is not None:
                sent[address].append(when)
    return sent


def _plan_offer(
    session: Session,
    o: Opening,
    entry: WaitlistEntry,
    p: Patient,
    *,
    now: datetime,
    settings: WaitlistSettings,
    ctx: _Context,
    opted: set[tuple[str, str]],
    broadcast: bool,
    created_by: str,
    sent: dict[str, list[datetime]] | None = None,
    phone_fallback: bool = False,
) -> _Planned | str:
    """Build one offer (not yet messaged), or say why it cannot be made.

    A family whose number has used its texts for the day (the clinic's budget) is offered by
    email when they have it; else not now (the opening goes to the next in line), because a
    text deferred to tomorrow would hold the opening with nobody told (``phone_fallback``,
    staff offering this entry by hand: a call for staff instead). ``sent``: the numbers'
    sent texts (``_texts_sent``), read here when not given."""
    entry_id = entry.id
    last_send = o.start_at - settings.min_lead - settings.min_hold
    zone = _zone(p.timezone, ctx.zones.get(p.home_location_id or o.location_id, ctx.zones[o.location_id]))
    channel, address = _channel_for(p, opted, settings.policy)
    send_at = next_allowed_send(now, zone, settings.policy)
    if send_at > last_send:
        return (
            f"{p.display_name} cannot be told in time: the first time outside quiet hours is "
            f"{local_time.fmt_day_time(send_at, zone, local_time.clinic_time_format(session))}."
        )
    if channel == "sms":
        if sent is None or address not in sent:
            sent = _texts_sent(session, [address], now)
        if not budget_allows(sent[address], send_at, zone, settings.policy):
            channel, address = _channel_for(p, opted | {("sms", address)}, settings.policy)
            if channel != "email" and not phone_fallback:
                return (
                    f"{p.display_name}'s number has had its texts for today and there is no email "
                    "address to offer it by."
                )
    language = recipient_language(p) if channel != "phone" else DEFAULT_LANGUAGE
    w = _words(o, p, ctx, settings, (entry.notification_count or 0) + 1, language)
    offer = WaitlistOffer(
        clinic_id=o.clinic_id,
        opening_id=o.id,
        entry_id=entry_id,
        patient_id=p.id,
        channel=channel,
        to_address=address or None,
        message="",
        broadcast=broadcast,
        created_by=created_by,
        created_at=now,
        send_after=send_at,
        hold_released=False,
        outcome="",
    )
    session.add(offer)
    not_after = o.start_at - settings.min_lead
    if channel == "phone":
        number = dialled(address, ctx.country) or "the family (no number on file!)"
        offer.message = PHONE_SCRIPT.format(**w, phone_to=number)
        offer.hold_started_at = send_at  # staff call during opening hours; the hold runs from then
        offer.hold_expires_at = min(send_at + settings.hold, not_after)
    return _Planned(offer, p, None, not_after, w, ctx.sms_templates[language], language)


def _compose(planned: list[_Planned], settings: WaitlistSettings) -> None:
    """Write each message (after the flush that gave the offers their ids, which the links carry)."""
    for pl in planned:
        offer, w = pl.offer, pl.words
        link = _link(offer.id, pl.not_after, settings)  # the hold window itself is checked in the database
        if offer.channel == "sms":
            offer.message = _offer_sms(w, link, pl.sms_templates)
        elif offer.channel == "email":
            subject, text = email_texts(pl.language)
            pl.subject = subject.format(**w)
            no = _link(offer.id, pl.not_after, settings, DECLINE_PURPOSE)
            with_link, without = EMAIL_LINK_LINES[message_language(pl.language)]
            offer.message = text.format(
                **w, link_line=with_link.format(link=link, no=no) if link else without
            )


def _mark_offered(session: Session, o: Opening, entry: WaitlistEntry, now: datetime) -> None:
    entry.status = "notified"
    entry.notification_count = (entry.notification_count or 0) + 1
    entry.updated_at = now
    o.status = "offered"
    o.next_check_at = None
    o.updated_at = now


def _enqueue(session: Session, planned: list[_Planned], now: datetime, settings: WaitlistSettings) -> None:
    """Write the planned offers (one flush), their messages, and queue them in bulk."""
    from orca_desk.services.messaging.outbox import NewMessage, enqueue_many

    session.flush()
    _compose(planned, settings)

    msgs = [p for p in planned if p.offer.channel in ("sms", "email")]
    if not msgs:
        return
    ids = enqueue_many(
        session,
        [
            NewMessage(
                clinic_id=p.offer.clinic_id,
                channel=p.offer.channel,
                to_address=p.offer.to_address or "",
                body=p.offer.message,
                purpose=PURPOSE,
                dedupe_key=f"waitlist-offer:{p.offer.id}",
                patient_id=p.patient.id,
                source_type=PURPOSE,
                source_id=p.offer.id,
                subject=p.subject,
                send_after=p.offer.send_after,
                not_after=p.not_after,
            )
            for p in msgs
        ],
        now=now,
    )
    for p, mid in zip(msgs, ids, strict=True):
        p.offer.outbox_message_id = mid


def offer_openings(
    session: Session,
    openings: Sequence[Opening],
    *,
    now: datetime,
    settings: WaitlistSettings,
    created_by: str = "automation",
    size: int | None = None,
) -> list[WaitlistOffer]:
    """Offer each opening to its best match (top N in broadcast mode), several openings at once.

    The candidates are loaded once; a patient gets at most one live offer across all of
    them, and an entry is never offered the same opening twice. Openings whose chair has
    been booked meanwhile are withdrawn; openings nobody matches wait ``settings.recheck``.
    """
    now = _utc(now)
    if not openings:
        return []
    clinic_ids = {o.clinic_id for o in openings}
    if len(clinic_ids) != 1:
        return [
            x
            for cid in sorted(clinic_ids)
            for x in offer_openings(
                session,
                [o for o in openings if o.clinic_id == cid],
                now=now,
                settings=settings,
                created_by=created_by,
                size=size,
            )
        ]
    ctx = _context(session)
    matcher = _matcher_for(session, openings[0].clinic_id, settings.max_offers, now)
    offered_before: dict[int, set[int]] = {}
    for oid, eid in session.execute(
        select(WaitlistOffer.opening_id, WaitlistOffer.entry_id).where(
            WaitlistOffer.opening_id.in_([o.id for o in openings])
        )
    ):
        offered_before.setdefault(oid, set()).add(eid)
    busy_patients = _busy_patients(session)
    chosen = _choose(
        session, openings, ctx, matcher, offered_before, busy_patients, now=now, settings=settings, size=size
    )
    if not chosen:
        return []
    batch = _Batch(session, ctx, now=now, settings=settings, created_by=created_by)
    batch.load([c for choice in chosen for c in choice.picks])
    for choice in chosen:
        _offer_choice(batch, matcher, choice, offered_before.get(choice.opening.id, set()), busy_patients)
    _enqueue(session, batch.planned, now, settings)
    return [p.offer for p in batch.planned]


@dataclass
class _Choice:
    """An opening to offer now, as matching sees it, how many to offer it to, and its best matches."""

    opening: Opening
    slot: _Slot
    want: int
    picks: list[_Candidate]


def _choose(
    session: Session,
    openings: Sequence[Opening],
    ctx: _Context,
    matcher: _Matcher,
    offered_before: dict[int, set[int]],
    busy_patients: set[int],
    *,
    now: datetime,
    settings: WaitlistSettings,
    size: int | None,
) -> list[_Choice]:
    """The best matches of each opening, soonest first, one opening per patient (``busy_patients``
    grows with each pick); an opening whose chair was booked meanwhile is withdrawn, one
    nobody matches is looked at again after ``settings.recheck``."""
    taken = _taken_openings(session, openings)
    source_patients = dict(
        session.execute(
            select(Appointment.id, Appointment.patient_id).where(
                Appointment.id.in_([o.source_appointment_id for o in openings if o.source_appointment_id])
            )
        ).all()
    )
    chosen: list[_Choice] = []
    for o in sorted(openings, key=lambda x: (x.start_at, x.id)):
        if o.id in taken:
            _withdraw(session, o, "The chair has been booked meanwhile.", now, settings)
            continue
        s = _slot_of(o, ctx.zones[o.location_id], source_patients.get(o.source_appointment_id or -1))
        k = (size or o.broadcast_size or settings.broadcast_size) if o.mode == "broadcast" else 1
        best = matcher.top(s, k, skip_entries=offered_before.get(o.id, set()), skip_patients=busy_patients)
        if not best:
            o.next_check_at = now + settings.recheck
            o.updated_at = now
            continue
        picks = [c for _, c in best]
        busy_patients.update(c.patient_id for c in picks)
        chosen.append(_Choice(o, s, k, picks))
    return chosen


class _Batch:
    """The offers of one round: the candidates' patients, entries, opt-outs and their numbers'
    sent texts (loaded as candidates come up), and the offers planned so far."""

    def __init__(
        self, session: Session, ctx: _Context, *, now: datetime, settings: WaitlistSettings, created_by: str
    ) -> None:
        self.session, self.ctx, self.now, self.settings, self.created_by = (
            session,
            ctx,
            now,
            settings,
            created_by,
        )
        self.patients: dict[int, Patient] = {}
        self.entries: dict[int, WaitlistEntry] = {}
        self.opted: set[tuple[str, str]] = set()
        self.sent: dict[str, list[datetime]] = {}
        self.planned: list[_Planned] = []
        self.planned_patients: set[int] = set()

    def load(self, cands: Sequence[_Candidate]) -> None:
        """The candidates' patients and entries, their opt-outs and their numbers' texts."""
        session = self.session
        new_ids = {c.patient_id for c in cands} - self.patients.keys()
        new_patients = (
            list(session.scalars(select(Patient).where(Patient.id.in_(new_ids)))) if new_ids else []
        )
        self.patients.update((p.id, p) for p in new_patients)
        new_entries = {c.entry_id for c in cands} - self.entries.keys()
        if new_entries:
            self.entries.update(
                (e.id, e)
                for e in session.scalars(select(WaitlistEntry).where(WaitlistEntry.id.in_(new_entries)))
            )
        self.opted.update(_opted_out(session, new_patients))
        self.sent.update(
            _texts_sent(
                session,
                {
                    p.contact_phone
                    for p in new_patients
                    if p.contact_phone and p.contact_phone not in self.sent
                },
                self.now,
            )
        )

    def plan(self, o: Opening, cands: Sequence[_Candidate], need: int) -> int:
        """Plan offers of ``o`` to up to ``need`` of ``cands`` (in order); returns how many."""
        made = 0
        for c in cands:
            if made >= need:
                break
            if c.entry_id not in self.entries or c.patient_id in self.planned_patients:
                continue
            result = _plan_offer(
                self.session,
                o,
                self.entries[c.entry_id],
                self.patients[c.patient_id],
                now=self.now,
                settings=self.settings,
                ctx=self.ctx,
                opted=self.opted,
                broadcast=o.mode == "broadcast",
                created_by=self.created_by,
                sent=self.sent,
            )
            if isinstance(result, str):
                continue
            self.planned.append(result)
            self.planned_patients.add(c.patient_id)
            if result.offer.channel == "sms" and result.offer.to_address:
                # Siblings share a parent's number: this text counts for the next offer to it.
                self.sent.setdefault(result.offer.to_address, []).append(result.offer.send_after)
            _mark_offered(self.session, o, self.entries[c.entry_id], self.now)
            made += 1
        return made


def _offer_choice(
    batch: _Batch, matcher: _Matcher, choice: _Choice, offered_before: set[int], busy_patients: set[int]
) -> None:
    """Offer one chosen opening to its picks, or, when they cannot be told now, the next in line."""
    o, s, k = choice.opening, choice.slot, choice.want
    made = batch.plan(o, choice.picks, k)
    # Rare: the best match cannot be told now (no time outside quiet hours; their number
    # has had its texts today and there is no email): the next in line, a few rounds.
    tried = {c.entry_id for c in choice.picks}
    for _ in range(3):
        if made >= k:
            break
        more = [
            c
            for _, c in matcher.top(
                s,
                10,
                skip_entries=offered_before | tried,
                skip_patients=busy_patients | batch.planned_patients,
            )
        ]
        if not more:
            break
        batch.load(more)
        made += batch.plan(o, more, k - made)
        tried.update(c.entry_id for c in more)
    if not made:
        o.next_check_at = batch.now + batch.settings.recheck


def offer_opening(
    session: Session,
    actor: Actor,
    opening_id: int,
    *,
    now: datetime,
    entry_id: int | None = None,
    broadcast: bool = False,
    size: int | None = None,
    settings: WaitlistSettings | None = None,
) -> list[OfferRow]:
    """Staff: notify now — the best match, a chosen entry, or (broadcast) the top N at once.

    The usual rules still apply: at most the offer limit per entry, one live offer per
    patient, quiet hours (the message waits and the hold starts when it goes out).
    """
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    settings = settings or default_settings(session)
    o = _get_opening(session, opening_id, lock=True)
    if o.status not in ("open", "offered"):
        raise ValidationError(f"This opening is {o.status}; it cannot be offered any more.")
    if o.start_at - settings.min_lead - settings.min_hold < now:
        raise ValidationError("This opening starts too soon to offer it to the waitlist.")
    if broadcast:
        o.mode = "broadcast"
        if size:
            o.broadcast_size = size
    if entry_id is None:
        offers = offer_openings(
            session, [o], now=now, settings=settings, created_by=actor.username, size=size
        )
        if not offers:
            raise ValidationError(
                "Nobody on the waitlist can be offered this opening now "
                "(no match, or their offers are used up)."
            )
    else:
        offers = [
            _offer_to_entry(session, o, entry_id, now=now, settings=settings, created_by=actor.username)
        ]
    audit.record(
        session,
        actor,
        "offer",
        "opening",
        o.id,
        now=now,
        after={"entries": [x.entry_id for x in offers], "broadcast": broadcast},
    )
    shown = _shown(session, offers)
    return [_offer_row(x, now, {x.patient_id: _patient_name(session, x.patient_id)}, shown) for x in offers]


def _offer_to_entry(
    session: Session, o: Opening, entry_id: int, *, now: datetime, settings: WaitlistSettings, created_by: str
) -> WaitlistOffer:
    entry = session.scalar(select(WaitlistEntry).where(WaitlistEntry.id == entry_id).with_for_update())
    if entry is None:
        raise NotFound(f"Waitlist entry #{entry_id} does not exist.")
    p = session.get(Patient, entry.patient_id)
    assert p is not None
    if entry.status not in ("active", "notified"):
        raise ValidationError(f"{p.display_name}'s waitlist entry is {entry.status}.")
    if entry.notification_count >= settings.max_offers:
        raise ValidationError(
            f"{p.display_name} has already been offered {entry.notification_count} "
            f"openings, the most allowed ({settings.max_offers})."
        )
    live = session.scalar(
        select(func.count()).select_from(WaitlistOffer).where(WaitlistOffer.patient_id == p.id, _live_offer())
    )
    if live:
        raise ValidationError(f"{p.display_name} already has an offer waiting for an answer.")
    if session.scalar(
        select(func.count())
        .select_from(WaitlistOffer)
        .where(WaitlistOffer.opening_id == o.id, WaitlistOffer.entry_id == entry.id)
    ):
        raise ValidationError(f"{p.display_name} has already been offered this opening.")
    if entry.duration_minutes > (o.end_at - o.start_at).total_seconds() / 60:
        raise ValidationError(
            f"{p.display_name} needs {entry.duration_minutes} minutes; the opening is shorter."
        )
    ctx = _context(session)
    result = _plan_offer(
        session,
        o,
        entry,
        p,
        now=now,
        settings=settings,
        ctx=ctx,
        opted=_opted_out(session, [p]),
        broadcast=o.mode == "broadcast",
        created_by=created_by,
        phone_fallback=True,
    )
    if isinstance(result, str):
        raise ValidationError(result)
    _mark_offered(session, o, entry, now)
    _enqueue(session, [result], now, settings)
    return result.offer


def notify_entry(
    session: Session,
    actor: Actor,
    entry_id: int,
    *,
    now: datetime,
    opening_id: int | None = None,
    settings: WaitlistSettings | None = None,
) -> OfferRow:
    """Staff: notify this entry now, of ``opening_id`` or of the best open opening that fits it."""
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    settings = settings or default_settings(session)
    if opening_id is None:
        opening_id = _best_opening_for(session, entry_id, now=now, settings=settings)
    rows = offer_opening(session, actor, opening_id, now=now, entry_id=entry_id, settings=settings)
    return rows[0]


def _best_opening_for(session: Session, entry_id: int, *, now: datetime, settings: WaitlistSettings) -> int:
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise NotFound(f"Waitlist entry #{entry_id} does not exist.")
    cands = _load_candidates(
        session, entry.clinic_id, settings.max_offers + 1, now, [WaitlistEntry.id == entry_id]
    )
    if not cands:
        raise ValidationError(
            "This entry cannot be offered anything now (not active, or it already has an offer waiting)."
        )
    zones = _zones(session)
    c = cands[0]
    soon = now + settings.min_lead + settings.min_hold
    best: tuple[float, int] | None = None
    for o in session.scalars(
        select(Opening)
        .where(Opening.status.in_(("open", "offered")), Opening.start_at > soon)
        .order_by(Opening.start_at)
    ):
        s = _slot_of(o, zones[o.location_id], None)
        if _fits(c, s) and (best is None or _score(c, s) > best[0]):
            best = (_score(c, s), o.id)
    if best is None:
        raise ValidationError("No open opening fits this entry's preferences.")
    return best[1]
