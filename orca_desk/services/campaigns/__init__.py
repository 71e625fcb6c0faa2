"""Re-engagement campaigns: audience by criteria, A/B variants with a hold-out, paced sending, results."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from orca_desk.models import (
    Appointment,
    Clinic,
    ContactState,
    InboundMessage,
    Location,
    OutboxEvent,
    OutboxMessage,
    Patient,
)
from orca_desk.models.campaigns import Campaign, CampaignRecipient, CampaignVariant
from orca_desk.services import audit
from orca_desk.services.bulk import chunks
from orca_desk.services.campaigns.stats import Comparison, compare
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.message_templates import get_template, list_templates
from orca_desk.services.messaging.outbox import NewMessage, enqueue_many
from orca_desk.services.messaging.render import CHANNELS, KNOWN_VARIABLES, render, template_problems
from orca_desk.services.security import MANAGE_CAMPAIGNS, VIEW_ANALYTICS, Actor

PURPOSE = "campaign"
SOURCE = "campaign_recipient"
UPCOMING = ("scheduled", "confirmed")
# What a campaign message may say: no appointment exists yet, so no date, time or provider.
CAMPAIGN_VARIABLES = frozenset(
    {
        "first_name",
        "patient_first_name",
        "guardian_name",
        "location",
        "location_address",
        "clinic_name",
        "clinic_phone",
        "link",
        "unsubscribe_link",
    }
)
TEMPLATE_PREFIX = "campaign."
# Purposes that count as "contacted recently" (reminders about a booked visit do not).
OUTREACH_PURPOSES = ("campaign", "recovery")
MESSAGE_LIFETIME = timedelta(days=2)  # a message the budget kept back this long is dropped
SENT_STATUSES = ("sent", "delivered")
# Attribution keeps being refreshed this long after the window closed (a desk switched off for a while).
ATTRIBUTION_GRACE = timedelta(days=30)


# --- Audience -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceCriteria:
    """Who a campaign is for; empty fields do not narrow the audience."""

    not_seen_days: int | None = None  # last completed visit at least this many days ago
    no_future_appointment: bool = True
    treatment_stages: tuple[str, ...] = ()
    appointment_type_ids: tuple[int, ...] = ()  # has had a visit of one of these types
    location_ids: tuple[int, ...] = ()  # home location
    age_min: int | None = None
    age_max: int | None = None
    recently_contacted_days: int = 14  # exclude patients sent outreach within this many days

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for k in ("treatment_stages", "appointment_type_ids", "location_ids"):
            data[k] = list(data[k])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AudienceCriteria:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for k in ("treatment_stages", "appointment_type_ids", "location_ids"):
            if k in known:
                known[k] = tuple(known[k])
        return cls(**known)

    def problems(self) -> list[str]:
        out = []
        if self.not_seen_days is not None and self.not_seen_days < 0:
            out.append("'Not seen for' cannot be negative.")
        for name, v in (("minimum age", self.age_min), ("maximum age", self.age_max)):
            if v is not None and not 0 <= v <= 120:
                out.append(f"The {name} must be between 0 and 120.")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            out.append("The minimum age is above the maximum age.")
        if self.recently_contacted_days < 0:
            out.append("'Recently contacted' cannot be negative.")
        return out

    def describe(self) -> str:
        parts = []
        if self.not_seen_days is not None:
            parts.append(f"not seen for {self.not_seen_days} days")
        if self.no_future_appointment:
            parts.append("no future appointment")
        if self.treatment_stages:
            parts.append("stage " + "/".join(self.treatment_stages))
        if self.appointment_type_ids:
            parts.append(f"{len(self.appointment_type_ids)} visit type(s)")
        if self.location_ids:
            parts.append(f"{len(self.location_ids)} location(s)")
        if self.age_min is not None or self.age_max is not None:
            parts.append(
                f"age {self.age_min if self.age_min is not None else 0}–"
                f"{self.age_max if self.age_max is not None else '∞'}"
            )
        return ", ".join(parts) or "every active patient"


def _birth_bounds(c: AudienceCriteria, today: date) -> tuple[date | None, date | None]:
    """Age in whole years between min and max ⇔ date of birth in (latest_dob, earliest_dob]."""

    def years_before(n: int) -> date:
        try:
            return today.replace(year=today.year - n)
        except ValueError:  # 29 February
            return today.replace(year=today.year - n, day=28)

    born_on_or_before = years_before(c.age_min) if c.age_min is not None else None
    born_after = years_before(c.age_max + 1) if c.age_max is not None else None
    return born_on_or_before, born_after


def _audience_select(c: AudienceCriteria, channels: Sequence[str], now: datetime, today: date) -> Any:
    """One query: the patients matching the criteria, with flags for each exclusion."""
    conds: list[Any] = [Patient.is_active.is_(True)]
    if c.treatment_stages:
        conds.append(Patient.treatment_stage.in_(c.treatment_stages))
    if c.location_ids:
        conds.append(Patient.home_location_id.in_(c.location_ids))
    earliest, latest = _birth_bounds(c, today)
    if earliest is not None:
        conds.append(Patient.date_of_birth <= earliest)
    if latest is not None:
        conds.append(Patient.date_of_birth > latest)
    a = Appointment
    if c.not_seen_days is not None:
        cutoff = now - timedelta(days=c.not_seen_days)
        conds.append(exists().where(a.patient_id == Patient.id, a.status == "completed", a.start_at < cutoff))
        conds.append(
            ~exists().where(
                a.patient_id == Patient.id, a.start_at >= cutoff, a.start_at < now, a.status == "completed"
            )
        )
    if c.no_future_appointment:
        conds.append(~exists().where(a.patient_id == Patient.id, a.start_at >= now, a.status.in_(UPCOMING)))
    if c.appointment_type_ids:
        conds.append(
            exists().where(
                a.patient_id == Patient.id, a.type_id.in_(c.appointment_type_ids), a.status == "completed"
            )
        )
    cs = ContactState
    sms_blocked = exists().where(
        cs.channel == "sms",
        cs.address == Patient.contact_phone,
        or_(cs.opted_out.is_(True), cs.undeliverable.is_(True)),
    )
    email_blocked = exists().where(
        cs.channel == "email",
        cs.address == Patient.contact_email,
        or_(cs.opted_out.is_(True), cs.undeliverable.is_(True)),
    )
    opted = exists().where(
        cs.address.in_([Patient.contact_phone, Patient.contact_email]), cs.opted_out.is_(True)
    )
    sms_ok = (
        and_(Patient.contact_phone.is_not(None), Patient.sms_consent.is_(True), ~sms_blocked)
        if "sms" in channels
        else None
    )
    email_ok = (
        and_(Patient.contact_email.is_not(None), Patient.email_consent.is_(True), ~email_blocked)
        if "email" in channels
        else None
    )
    since = now - timedelta(days=c.recently_contacted_days)
    o = OutboxMessage
    recent = (
        exists().where(
            o.patient_id == Patient.id,
            o.purpose.in_(OUTREACH_PURPOSES),
            o.created_at >= since,
            o.status.not_in(("cancelled", "failed", "undeliverable")),
        )
        if c.recently_contacted_days > 0
        else None
    )

    def flag(expr: Any) -> Any:
        from sqlalchemy import false

        return case((expr, 1), else_=0) if expr is not None else false()

    return select(Patient.id, flag(sms_ok), flag(email_ok), flag(opted), flag(recent)).where(*conds)


@dataclass(frozen=True)
class SampleRow:
    patient_id: int
    name: str
    age: int | None
    stage: str
    location: str
    last_visit: str


@dataclass(frozen=True)
class AudienceSummary:
    """The live count the wizard shows, why others were left out, and a few names."""

    eligible: int
    matched: int
    opted_out: int
    unreachable: int
    recently_contacted: int
    sample: tuple[SampleRow, ...] = ()
    patient_ids: tuple[int, ...] = field(default=(), repr=False)

    def describe(self) -> str:
        left = []
        if self.opted_out:
            left.append(f"{self.opted_out} opted out")
        if self.unreachable:
            left.append(f"{self.unreachable} without consent or address")
        if self.recently_contacted:
            left.append(f"{self.recently_contacted} contacted recently")
        tail = f" ({self.matched} match; left out: {', '.join(left)})" if left else ""
        return f"{self.eligible} patient{'s' if self.eligible != 1 else ''}{tail}"


def _clinic_today(session: Session, now: datetime) -> date:
    tz = session.scalar(select(Location.timezone).order_by(Location.id).limit(1))
    try:
        return now.astimezone(ZoneInfo(tz or "UTC")).date()
    except (KeyError, ValueError):
        return now.date()


def _check_channels(channels: Sequence[str]) -> None:
    if not channels:
        raise ValidationError("Choose at least one channel (SMS or email).", field="channels")
    for ch in channels:
        if ch not in CHANNELS:
            raise ValidationError(f"Unknown channel {ch!r}; use sms or email.", field="channels")


def _classify(rows: Iterable[Any]) -> tuple[list[int], int, int, int, int]:
    eligible: list[int] = []
    matched = opted = unreachable = recent = 0
    for pid, sms_ok, email_ok, opted_flag, recent_flag in rows:
        matched += 1
        if not (sms_ok or email_ok):
            if opted_flag:
                opted += 1
            else:
                unreachable += 1
        elif recent_flag:
            recent += 1
        else:
            eligible.append(pid)
    return eligible, matched, opted, unreachable, recent


def audience(
    session: Session,
    criteria: AudienceCriteria,
    channels: Sequence[str],
    *,
    now: datetime,
    sample_size: int = 8,
) -> AudienceSummary:
    """Who the campaign would reach now: eligible patients, exclusions by reason, a sample."""
    problems = criteria.problems()
    if problems:
        raise ValidationError(" ".join(problems), field="criteria")
    _check_channels(channels)
    today = _clinic_today(session, now)
    rows = session.execute(_audience_select(criteria, channels, now, today)).all()
    eligible, matched, opted, unreachable, recent = _classify(rows)
    sample = _sample(session, eligible, sample_size, now, today) if sample_size else ()
    return AudienceSummary(len(eligible), matched, opted, unreachable, recent, sample, tuple(eligible))


def audience_count(
    session: Session, criteria: AudienceCriteria, channels: Sequence[str], *, now: datetime
) -> int:
    """How many patients the campaign would reach now (the wizard's live count)."""
    return audience(session, criteria, channels, now=now, sample_size=0).eligible


def _sample(
    session: Session, ids: Sequence[int], size: int, now: datetime, today: date
) -> tuple[SampleRow, ...]:
    if not ids:
        return ()
    step = max(1, len(ids) // size)
    picked = list(ids[::step][:size])
    patients = list(session.scalars(select(Patient).where(Patient.id.in_(picked)).order_by(Patient.id)))
    locs = dict(session.execute(select(Location.id, Location.name)).all())
    last = dict(
        session.execute(
            select(Appointment.patient_id, func.max(Appointment.start_at))
            .where(
                Appointment.patient_id.in_(picked),
                Appointment.status == "completed",
                Appointment.start_at < now,
            )
            .group_by(Appointment.patient_id)
        ).all()
    )
    out = []
    for p in patients:
        age = None
        if p.date_of_birth is not None:
            dob = p.date_of_birth
            age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        when = last.get(p.id)
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        out.append(
            SampleRow(
                p.id,
                p.display_name,
                age,
                p.treatment_stage,
                locs.get(p.home_location_id or 0, ""),
                f"{when:%d %b %Y}" if when is not None else "never",
            )
        )
    return tuple(out)


# --- Variants and the split -----------------------------------------------------------------


@dataclass(frozen=True)
class VariantInput:
    name: str
    weight: int = 1
    template_key: str | None = None  # a "campaign.*" template of the library; its texts are copied
    sms_body: str = ""
    email_subject: str = ""
    email_body: str = ""


def _unit(seed: str, patient_id: int, salt: str) -> float:
    """A number in [0, 1) fixed by the campaign's seed and the patient (stable across runs)."""
    digest = hashlib.sha256(f"{seed}:{salt}:{patient_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def assign_variant(seed: str, patient_id: int, weights: Sequence[int], holdout_percent: int) -> int | None:
    """The index of the patient's variant, or None for the hold-out control group.

    The hold-out and the variant come from independent hashes, so changing the hold-out does
    not reshuffle who gets which message.
    """
    if _unit(seed, patient_id, "holdout") * 100.0 < holdout_percent:
        return None
    total = sum(weights)
    if total <= 0:
        raise ValidationError("The variants' split adds up to nothing.", field="weight")
    point = _unit(seed, patient_id, "variant") * total
    running = 0.0
    for i, w in enumerate(weights):
        running += w
        if point < running:
            return i
    return len(weights) - 1


def campaign_templates(session: Session, clinic_id: int) -> list[tuple[str, str]]:
    """The library's campaign templates as (key, name), for the wizard."""
    seen: dict[str, str] = {}
    for t in list_templates(session, clinic_id):
        if t.key.startswith(TEMPLATE_PREFIX):
            seen.setdefault(t.key, t.name)
    return sorted(seen.items())


def variant_from_template(
    session: Session, clinic_id: int, name: str, key: str, weight: int = 1
) -> VariantInput:
    """A variant whose texts are the library template ``key`` (SMS and email where they exist)."""
    sms = email = None
    with contextlib.suppress(NotFound):
        sms = get_template(session, clinic_id, key, "sms")
    with contextlib.suppress(NotFound):
        email = get_template(session, clinic_id, key, "email")
    if sms is None and email is None:
        raise NotFound(f"There is no template {key!r} in the library.")
    return VariantInput(
        name=name,
        weight=weight,
        template_key=key,
        sms_body=sms.body if sms else "",
        email_subject=(email.subject or "") if email else "",
        email_body=email.body if email else "",
    )


def _variant_problems(v: VariantInput, channels: Sequence[str]) -> list[str]:
    out: list[str] = []
    label = f"Variant {v.name or '?'}"
    if not v.name.strip():
        out.append("Every variant needs a name (A, B…).")
    if v.weight < 1:
        out.append(f"{label}: the split weight must be at least 1.")
    texts = []
    if "sms" in channels:
        texts.append(("SMS", v.sms_body, "sms"))
    if "email" in channels:
        texts.append(("email subject", v.email_subject, "email"))
        texts.append(("email", v.email_body, "email"))
    for what, text, channel in texts:
        if not text.strip():
            out.append(f"{label}: the {what} text is empty.")
            continue
        for p in template_problems(text, channel=channel, allowed=CAMPAIGN_VARIABLES):
            out.append(f"{label} ({what}): {p}")
    return out


# --- Campaigns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInput:
    name: str
    criteria: AudienceCriteria
    channels: tuple[str, ...]
    variants: tuple[VariantInput, ...]
    start_at: datetime
    send_rate_per_hour: int = 200
    attribution_days: int = 30
    holdout_percent: int = 10
    seed: str | None = None


def campaign_problems(data: CampaignInput) -> list[str]:
    """Everything wrong with a campaign draft, each naming what to fix."""
    out: list[str] = []
    if not data.name.strip():
        out.append("Give the campaign a name.")
    out.extend(data.criteria.problems())
    if not data.channels:
        out.append("Choose at least one channel (SMS or email).")
    out.extend(f"Unknown channel {c!r}." for c in data.channels if c not in CHANNELS)
    if not data.variants:
        out.append("A campaign needs at least one message variant.")
    names = [v.name.strip() for v in data.variants]
    if len(set(names)) != len(names):
        out.append("Two variants have the same name.")
    for v in data.variants:
        out.extend(_variant_problems(v, data.channels))
    if data.start_at.tzinfo is None:
        out.append("The start time needs a time zone.")
    if not 1 <= data.send_rate_per_hour <= 10_000:
        out.append("The send rate must be between 1 and 10,000 messages an hour.")
    if not 1 <= data.attribution_days <= 365:
        out.append("The attribution window must be between 1 and 365 days.")
    if not 0 <= data.holdout_percent <= 50:
        out.append("The hold-out group must be between 0 % and 50 %.")
    return out


def create_campaign(
    session: Session, actor: Actor, clinic_id: int, data: CampaignInput, *, now: datetime
) -> Campaign:
    """Save a draft campaign (validated; nothing is sent until it is launched)."""
    actor.require(MANAGE_CAMPAIGNS)
    problems = campaign_problems(data)
    if problems:
        raise ValidationError(" ".join(problems), field="campaign")
    c = Campaign(
        clinic_id=clinic_id,
        name=data.name.strip(),
        status="draft",
        criteria=data.criteria.to_json(),
        channels=list(data.channels),
        start_at=data.start_at,
        send_rate_per_hour=data.send_rate_per_hour,
        attribution_days=data.attribution_days,
        holdout_percent=data.holdout_percent,
        seed=data.seed or secrets.token_hex(8),
        created_at=now,
        created_by=actor.username,
        updated_at=now,
    )
    session.add(c)
    session.flush()
    session.add_all(
        [
            CampaignVariant(
                campaign_id=c.id,
                position=i,
                name=v.name.strip(),
                template_key=v.template_key,
                sms_body=v.sms_body,
                email_subject=v.email_subject,
                email_body=v.email_body,
                weight=v.weight,
            )
            for i, v in enumerate(data.variants)
        ]
    )
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "campaign",
        c.id,
        now=now,
        after={"name": c.name, "criteria": c.criteria, "channels": c.channels},
    )
    return c


def _get(session: Session, campaign_id: int, *, lock: bool = False) -> Campaign:
    q = select(Campaign).where(Campaign.id == campaign_id)
    if lock:
        q = q.with_for_update()
    c = session.scalar(q)
    if c is None:
        raise NotFound(f"There is no campaign #{campaign_id}.")
    return c


def _variants(session: Session, campaign_id: int) -> list[CampaignVariant]:
    return list(
        session.scalars(
            select(CampaignVariant)
            .where(CampaignVariant.campaign_id == campaign_id)
            .order_by(CampaignVariant.position)
        )
    )


def _interval(c: Campaign) -> timedelta:
    return timedelta(seconds=3600.0 / max(1, c.send_rate_per_hour))


def _channel_for(p: Any, channels: Sequence[str], sms_ok: bool, email_ok: bool) -> str | None:
    usable = [ch for ch in channels if (ch == "sms" and sms_ok) or (ch == "email" and email_ok)]
    if not usable:
        return None
    preferred = "email" if p == "email" else "sms"
    return preferred if preferred in usable else usable[0]


def launch_campaign(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> Campaign:
    """Take the audience now, split it (hold-out first, then variants by weight) and schedule every
    send at the campaign's rate from its start; the tick job queues each message when it is due."""
    actor.require(MANAGE_CAMPAIGNS)
    c = _get(session, campaign_id, lock=True)
    if c.status != "draft":
        raise ValidationError(f"This campaign is {c.status}; only a draft can be launched.", field="status")
    variants = _variants(session, c.id)
    if not variants:
        raise ValidationError("The campaign has no message variant.", field="variants")
    criteria = AudienceCriteria.from_json(c.criteria)
    today = _clinic_today(session, now)
    rows = session.execute(_audience_select(criteria, c.channels, now, today)).all()
    eligible_ids = set(_classify(rows)[0])
    preferred = (
        dict(
            session.execute(
                select(Patient.id, Patient.preferred_channel).where(Patient.is_active.is_(True))
            ).all()
        )
        if rows
        else {}
    )
    start = max(c.start_at, now)
    step = _interval(c)
    weights = [v.weight for v in variants]
    out: list[dict[str, Any]] = []
    sendable = 0
    for pid, sms_ok, email_ok, opted, _recent in sorted(rows, key=lambda r: _unit(c.seed, r[0], "order")):
        base = {
            "campaign_id": c.id,
            "patient_id": pid,
            "assigned_at": now,
            "attempt": 0,
            "outbox_message_id": None,
            "sent_at": None,
            "rebooked_appointment_id": None,
            "rebooked_at": None,
        }
        if pid not in eligible_ids:
            reason = (
                ("opted out" if opted else "no consent or address for the chosen channels")
                if not (sms_ok or email_ok)
                else "contacted recently"
            )
            out.append(
                {
                    **base,
                    "variant_id": None,
                    "status": "excluded",
                    "reason": reason,
                    "channel": None,
                    "due_at": start,
                }
            )
            continue
        index = assign_variant(c.seed, pid, weights, c.holdout_percent)
        due = start + step * sendable  # the control is spread the same way: when it would have gone
        sendable += 1
        channel = _channel_for(preferred.get(pid), c.channels, bool(sms_ok), bool(email_ok))
        if index is None:
            out.append(
                {
                    **base,
                    "variant_id": None,
                    "status": "control",
                    "reason": "hold-out (gets nothing)",
                    "channel": channel,
                    "due_at": due,
                }
            )
        else:
            out.append(
                {
                    **base,
                    "variant_id": variants[index].id,
                    "status": "pending",
                    "reason": "",
                    "channel": channel,
                    "due_at": due,
                }
            )
    if not sendable:
        raise ValidationError(
            "Nobody in the audience can be reached now; widen the criteria.", field="criteria"
        )
    for i in range(0, len(out), 2000):
        session.execute(insert(CampaignRecipient), out[i : i + 2000])
    c.status = "running" if c.start_at <= now else "scheduled"
    c.launched_at, c.updated_at = now, now
    audit.record(
        session,
        actor,
        "launch",
        "campaign",
        c.id,
        now=now,
        after={"recipients": sendable, "excluded": len(out) - sendable, "status": c.status},
    )
    return c


def _cancel_queued(session: Session, c: Campaign, now: datetime, why: str) -> int:
    """Cancel the campaign's messages still waiting in the outbox; returns how many."""
    rows = session.execute(
        select(CampaignRecipient.id, OutboxMessage.id)
        .join(OutboxMessage, OutboxMessage.id == CampaignRecipient.outbox_message_id)
        .where(
            CampaignRecipient.campaign_id == c.id,
            CampaignRecipient.status == "queued",
            OutboxMessage.status.in_(("queued", "deferred")),
        )
    ).all()
    if not rows:
        return 0
    msg_ids = [m for _, m in rows]
    for chunk in chunks(msg_ids):
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk), OutboxMessage.status.in_(("queued", "deferred")))
            .values(status="cancelled", error_code="campaign", error=why[:500]),
            execution_options={"synchronize_session": False},
        )
        session.execute(
            insert(OutboxEvent),
            [{"message_id": m, "at": now, "status": "cancelled", "detail": why} for m in chunk],
        )
    return len(rows)


def pause_campaign(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> Campaign:
    """Stop sending: nothing more is queued, and messages waiting in the outbox are withdrawn
    (their recipients go back to pending, to be sent on resume)."""
    actor.require(MANAGE_CAMPAIGNS)
    c = _get(session, campaign_id, lock=True)
    if c.status not in ("running", "scheduled"):
        raise ValidationError(
            f"This campaign is {c.status}; only a running or scheduled one can be paused.", field="status"
        )
    withdrawn = (
        session.execute(
            select(CampaignRecipient.id)
            .join(OutboxMessage, OutboxMessage.id == CampaignRecipient.outbox_message_id)
            .where(
                CampaignRecipient.campaign_id == c.id,
                CampaignRecipient.status == "queued",
                OutboxMessage.status.in_(("queued", "deferred")),
            )
        )
        .scalars()
        .all()
    )
    _cancel_queued(session, c, now, "campaign paused")
    for chunk in chunks(withdrawn):
        session.execute(
            update(CampaignRecipient)
            .where(CampaignRecipient.id.in_(chunk))
            .values(status="pending", outbox_message_id=None, attempt=CampaignRecipient.attempt + 1),
            execution_options={"synchronize_session": False},
        )
    before = c.status
    c.status, c.updated_at = "paused", now
    audit.record(
        session,
        actor,
        "pause",
        "campaign",
        c.id,
        now=now,
        before={"status": before},
        after={"status": "paused", "withdrawn": len(withdrawn)},
    )
    return c


def resume_campaign(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> Campaign:
    """Carry on where it stopped: the pending sends are spread again at the rate from now."""
    actor.require(MANAGE_CAMPAIGNS)
    c = _get(session, campaign_id, lock=True)
    if c.status != "paused":
        raise ValidationError(
            f"This campaign is {c.status}; only a paused one can be resumed.", field="status"
        )
    pending = (
        session.execute(
            select(CampaignRecipient.id)
            .where(CampaignRecipient.campaign_id == c.id, CampaignRecipient.status == "pending")
            .order_by(CampaignRecipient.due_at, CampaignRecipient.id)
        )
        .scalars()
        .all()
    )
    start, step = max(now, c.start_at), _interval(c)
    if pending:
        session.execute(
            update(CampaignRecipient),
            [{"id": rid, "due_at": start + step * i} for i, rid in enumerate(pending)],
        )
    c.status, c.updated_at = ("running" if c.start_at <= now else "scheduled"), now
    audit.record(session, actor, "resume", "campaign", c.id, now=now, after={"pending": len(pending)})
    return c


def cancel_campaign(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> Campaign:
    """Stop for good: pending recipients are never sent, queued messages are cancelled."""
    actor.require(MANAGE_CAMPAIGNS)
    c = _get(session, campaign_id, lock=True)
    if c.status in ("completed", "cancelled"):
        raise ValidationError(f"This campaign is already {c.status}.", field="status")
    cancelled = _cancel_queued(session, c, now, "campaign cancelled")
    session.execute(
        update(CampaignRecipient)
        .where(
            CampaignRecipient.campaign_id == c.id,
            or_(
                CampaignRecipient.status == "pending",
                and_(
                    CampaignRecipient.status == "queued",
                    CampaignRecipient.outbox_message_id.in_(
                        select(OutboxMessage.id).where(
                            OutboxMessage.status == "cancelled", OutboxMessage.error_code == "campaign"
                        )
                    ),
                ),
            ),
        )
        .values(status="skipped", reason="campaign cancelled"),
        execution_options={"synchronize_session": False},
    )
    before = c.status
    c.status, c.finished_at, c.updated_at = "cancelled", now, now
    audit.record(
        session,
        actor,
        "cancel",
        "campaign",
        c.id,
        now=now,
        before={"status": before},
        after={"status": "cancelled", "messages_cancelled": cancelled},
    )
    return c


# --- The tick -------------------------------------------------------------------------------


@dataclass
class CampaignTick:
    started: int = 0
    queued: int = 0
    skipped: int = 0
    sent: int = 0
    failed: int = 0
    completed: int = 0
    attributed: int = 0


def _render_values(p: Patient, clinic: Clinic, loc: Location | None) -> dict[str, str]:
    phone = (loc.phone if loc else "") or clinic.phone
    values = {k: "" for k in KNOWN_VARIABLES}
    values.update(
        {
            "first_name": (p.guardian_name or "").split()[0] if p.guardian_name else p.first_name,
            "patient_first_name": p.first_name,
            "guardian_name": p.guardian_name or p.display_name,
            "location": loc.name if loc else clinic.name,
            "location_address": (loc.address or loc.name) if loc else "",
            "clinic_name": clinic.name,
            "clinic_phone": phone,
            "link": f"(call {phone})" if phone else "",
            "unsubscribe_link": "reply to this email with UNSUBSCRIBE",
        }
    )
    return values


class _Links:
    """Email unsubscribe links, with the link settings loaded once per batch (and only if needed)."""

    def __init__(self) -> None:
        self._settings: Any = None

    def unsubscribe(self, session: Session, address: str, now: datetime) -> str:
        from orca_desk.services.patient_links import unsubscribe_link_for
        from orca_desk.services.reminders import load_settings

        if self._settings is None:
            self._settings = load_settings(session)
        if self._settings.secret is None:
            return "reply to this email with UNSUBSCRIBE"
        return unsubscribe_link_for(
            session, "email", address, secret=self._settings.secret, base_url=self._settings.base_url, now=now
        )


def _queue_due(session: Session, c: Campaign, now: datetime, batch: int, report: CampaignTick) -> int:
    due = list(
        session.scalars(
            select(CampaignRecipient)
            .where(
                CampaignRecipient.campaign_id == c.id,
                CampaignRecipient.status == "pending",
                CampaignRecipient.due_at <= now,
            )
            .order_by(CampaignRecipient.due_at, CampaignRecipient.id)
            .limit(batch)
        )
    )
    if not due:
        return 0
    variants = {v.id: v for v in _variants(session, c.id)}
    clinic = session.get(Clinic, c.clinic_id)
    assert clinic is not None
    patients = {
        p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_([r.patient_id for r in due])))
    }
    locs = {loc.id: loc for loc in session.scalars(select(Location))}
    addresses = {a for p in patients.values() for a in (p.contact_phone, p.contact_email) if a}
    states = (
        {
            (s.channel, s.address): s
            for s in session.scalars(select(ContactState).where(ContactState.address.in_(addresses)))
        }
        if addresses
        else {}
    )
    messages: list[NewMessage] = []
    queued: list[CampaignRecipient] = []
    links = _Links()
    for r in due:
        p, v = patients.get(r.patient_id), variants.get(r.variant_id or 0)
        channel = r.channel
        address = ((p.contact_phone if channel == "sms" else p.contact_email) or "") if p else ""
        state = states.get((channel or "", address))
        why = (
            "the patient is no longer active"
            if p is None or not p.is_active
            else "no channel"
            if channel is None or v is None
            else "no address"
            if not address
            else "opted out since launch"
            if state is not None and state.opted_out
            else "cannot receive messages"
            if state is not None and state.undeliverable
            else "no SMS consent"
            if channel == "sms" and not p.sms_consent
            else "no email consent"
            if channel == "email" and not p.email_consent
            else ""
        )
        if why or p is None or v is None or channel is None:
            r.status, r.reason = "skipped", why or "cannot be sent"
            report.skipped += 1
            continue
        values = _render_values(p, clinic, locs.get(p.home_location_id or 0))
        if channel == "email":
            values["unsubscribe_link"] = links.unsubscribe(session, address, now)
        body = render(v.sms_body if channel == "sms" else v.email_body, values)
        subject = render(v.email_subject, values) if channel == "email" else None
        messages.append(
            NewMessage(
                clinic_id=c.clinic_id,
                channel=channel,
                to_address=address,
                body=body,
                purpose=PURPOSE,
                dedupe_key=f"campaign:{c.id}:{r.patient_id}:{r.attempt}",
                patient_id=p.id,
                source_type=SOURCE,
                source_id=r.id,
                subject=subject,
                send_after=r.due_at,
                not_after=r.due_at + MESSAGE_LIFETIME,
                created_by=f"campaign {c.id}",
            )
        )
        queued.append(r)
    if messages:
        ids = enqueue_many(session, messages, now=now)
        for r, mid in zip(queued, ids, strict=True):
            r.status, r.outbox_message_id = "queued", mid
        report.queued += len(queued)
    session.flush()
    return len(due)


def _sync(session: Session, now: datetime, report: CampaignTick) -> None:
    """Follow the outbox: a sent message makes its recipient sent; a refused one, skipped."""
    rows = session.execute(
        select(CampaignRecipient.id, OutboxMessage.status, OutboxMessage.sent_at, OutboxMessage.error)
        .join(OutboxMessage, OutboxMessage.id == CampaignRecipient.outbox_message_id)
        .where(
            CampaignRecipient.status == "queued",
            OutboxMessage.status.in_(("sent", "delivered", "failed", "undeliverable", "cancelled")),
        )
    ).all()
    updates = []
    for rid, status, sent_at, error in rows:
        if status in SENT_STATUSES:
            updates.append({"id": rid, "status": "sent", "sent_at": sent_at or now})
            report.sent += 1
        else:
            updates.append(
                {"id": rid, "status": "skipped", "reason": (f"{status}: {error or ''}").strip(": ")[:200]}
            )
            report.failed += 1
    for i in range(0, len(updates), 500):
        chunk = updates[i : i + 500]
        for keys in ({"id", "status", "sent_at"}, {"id", "status", "reason"}):
            part = [u for u in chunk if set(u) == keys]
            if part:
                session.execute(update(CampaignRecipient), part)


def _reference_time(r_status: str, sent_at: datetime | None, due_at: datetime) -> datetime | None:
    if r_status == "sent" and sent_at is not None:
        return sent_at
    return due_at


def refresh_attribution(session: Session, campaign_id: int, *, now: datetime) -> int:
    """Record the first booking each recipient made after their message (control: after the time it
    would have gone) and within the attribution window; returns how many were newly attributed."""
    c = _get(session, campaign_id)
    window = timedelta(days=c.attribution_days)
    recipients = session.execute(
        select(
            CampaignRecipient.id,
            CampaignRecipient.patient_id,
            CampaignRecipient.status,
            CampaignRecipient.sent_at,
            CampaignRecipient.due_at,
        ).where(
            CampaignRecipient.campaign_id == c.id,
            CampaignRecipient.rebooked_at.is_(None),
            CampaignRecipient.status.in_(("sent", "control", "skipped", "queued")),
            CampaignRecipient.due_at <= now,
        )
    ).all()
    if not recipients:
        return 0
    refs: dict[int, tuple[int | None, datetime | None]] = {
        pid: (rid, _reference_time(st, sent, due)) for rid, pid, st, sent, due in recipients
    }
    earliest = min(ref for _, ref in refs.values() if ref is not None)  # every ref is set here
    pids = list(refs)
    found: list[dict[str, Any]] = []
    for chunk in chunks(pids):
        for appt_id, pid, created in session.execute(
            select(Appointment.id, Appointment.patient_id, Appointment.created_at)
            .where(
                Appointment.patient_id.in_(chunk),
                Appointment.created_at > earliest,
                Appointment.status != "cancelled",
            )
            .order_by(Appointment.created_at)
        ):
            rid, ref = refs[pid]
            if ref is None or rid is None or created <= ref or created > ref + window:
                continue
            found.append({"id": rid, "rebooked_appointment_id": appt_id, "rebooked_at": created})
            refs[pid] = (None, None)  # the first booking counts
    if found:
        session.execute(update(CampaignRecipient), found)
    return len(found)


def _maybe_complete(session: Session, c: Campaign, now: datetime) -> bool:
    left = session.scalar(
        select(func.count())
        .select_from(CampaignRecipient)
        .where(CampaignRecipient.campaign_id == c.id, CampaignRecipient.status.in_(("pending", "queued")))
    )
    if left:
        return False
    c.status, c.finished_at, c.updated_at = "completed", now, now
    return True


def process_campaigns(db: Any, *, now: datetime, batch: int = 500) -> CampaignTick:
    """Start scheduled campaigns, queue the sends now due, follow the outbox, attribute bookings.

    Idempotent: a recipient is queued in the same transaction as its outbox row (keyed by
    campaign, patient and attempt), so a rerun or a crashed run sends nothing twice.
    """
    report = CampaignTick()
    with db.write() as session:
        for c in session.scalars(
            select(Campaign).where(Campaign.status == "scheduled", Campaign.start_at <= now)
        ):
            c.status, c.updated_at = "running", now
            report.started += 1
        _sync(session, now, report)
    with db.read() as session:
        running = list(session.scalars(select(Campaign.id).where(Campaign.status == "running")))
    for cid in running:
        for _ in range(10_000):
            with db.write() as session:
                c = session.get(Campaign, cid)
                if c is None or c.status != "running" or not _queue_due(session, c, now, batch, report):
                    break
    with db.write() as session:
        _sync(session, now, report)
        for c in session.scalars(select(Campaign).where(Campaign.status == "running")):
            if _maybe_complete(session, c, now):
                report.completed += 1
        live = session.scalars(
            select(Campaign.id).where(
                or_(
                    Campaign.status.in_(("running", "paused")),
                    and_(
                        Campaign.status.in_(("completed", "cancelled")),
                        Campaign.finished_at.is_not(None),
                        Campaign.finished_at >= now - timedelta(days=365),
                    ),
                )
            )
        ).all()
        for cid in live:
            c = session.get(Campaign, cid)
            if c is not None and (
                c.finished_at is None
                or c.finished_at + timedelta(days=c.attribution_days) + ATTRIBUTION_GRACE >= now
            ):
                report.attributed += refresh_attribution(session, cid, now=now)
    return report


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    status: str
    channels: tuple[str, ...]
    audience: str
    start_at: datetime
    recipients: int
    sent: int
    rebooked: int
    variants: tuple[str, ...]
    holdout_percent: int


@dataclass(frozen=True)
class GroupStats:
    """One arm of the test: a variant, or the control group (variant_id None)."""

    name: str
    variant_id: int | None
    assigned: int  # in the arm and due by now (intention to treat)
    pending: int
    queued: int
    sent: int
    delivered: int
    skipped: int
    responses: int
    rebooked: int
    opt_outs: int

    @property
    def rebook_rate(self) -> float:
        return self.rebooked / self.assigned if self.assigned else 0.0


@dataclass(frozen=True)
class CampaignResults:
    campaign_id: int
    name: str
    status: str
    attribution_days: int
    groups: tuple[GroupStats, ...]
    comparisons: tuple[Comparison, ...]  # each variant against the control (or A against B)
    excluded: int
    excluded_reasons: tuple[tuple[str, int], ...]

    @property
    def totals(self) -> GroupStats:
        arms = [g for g in self.groups if g.variant_id is not None]
        return GroupStats(
            "All variants",
            -1,
            *(
                sum(getattr(g, f) for g in arms)
                for f in (
                    "assigned",
                    "pending",
                    "queued",
                    "sent",
                    "delivered",
                    "skipped",
                    "responses",
                    "rebooked",
                    "opt_outs",
                )
            ),
        )

    def summary(self) -> str:
        """The plain verdict: the best comparison's, or why there is none yet."""
        # Hold-out patients are "assigned" once their turn passes, though they get nothing;
        # until a variant's message has actually gone out there is nothing to compare.
        if not any(g.sent or g.queued for g in self.groups if g.variant_id is not None):
            return (
                "No results yet: nothing has gone out."
                if self.status != "draft"
                else "Not launched yet: results appear as messages go out."
            )
        if not self.comparisons:
            return "No comparison yet: add a hold-out group or a second variant."
        lines = []
        for cmp in self.comparisons:
            lift = f"{cmp.lift_points:+.1f} points"
            lines.append(
                f"{cmp.name} vs {cmp.baseline}: {cmp.rate:.1%} vs {cmp.baseline_rate:.1%} "
                f"({lift}) — {cmp.verdict}"
            )
        return "\n".join(lines)


def list_campaigns(session: Session) -> list[CampaignRow]:
    """Every campaign, newest first, with its headline counts."""
    counts: dict[int, dict[str, int]] = {}
    for cid, status, n, rebooked in session.execute(
        select(
            CampaignRecipient.campaign_id,
            CampaignRecipient.status,
            func.count(),
            func.count(CampaignRecipient.rebooked_at),
        ).group_by(CampaignRecipient.campaign_id, CampaignRecipient.status)
    ):
        d = counts.setdefault(cid, {})
        d[status] = int(n)
        d["rebooked"] = d.get("rebooked", 0) + (int(rebooked) if status != "excluded" else 0)
    names: dict[int, list[str]] = {}
    for cid, name in session.execute(
        select(CampaignVariant.campaign_id, CampaignVariant.name).order_by(CampaignVariant.position)
    ):
        names.setdefault(cid, []).append(name)
    out = []
    for c in session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())):
        d = counts.get(c.id, {})
        out.append(
            CampaignRow(
                c.id,
                c.name,
                c.status,
                tuple(c.channels),
                AudienceCriteria.from_json(c.criteria).describe(),
                c.start_at,
                sum(v for k, v in d.items() if k not in ("excluded", "rebooked")),
                d.get("sent", 0),
                d.get("rebooked", 0),
                tuple(names.get(c.id, [])),
                c.holdout_percent,
            )
        )
    return out


def campaign_results(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> CampaignResults:
    """Per variant and control: sent, delivered, responses, re-bookings, opt-outs; lift and significance."""
    actor.require(VIEW_ANALYTICS)
    c = _get(session, campaign_id)
    variants = _variants(session, c.id)
    arms: dict[int | None, dict[str, int]] = {v.id: {} for v in variants}
    if c.holdout_percent:
        arms[None] = {}
    r = CampaignRecipient
    for vid, status, due, n, rebooked in session.execute(
        select(r.variant_id, r.status, r.due_at <= now, func.count(), func.count(r.rebooked_at))
        .where(r.campaign_id == c.id, r.status != "excluded")
        .group_by(r.variant_id, r.status, r.due_at <= now)
    ):
        d = arms.setdefault(vid, {})
        d[status] = d.get(status, 0) + int(n)
        if due and status != "pending":
            d["assigned"] = d.get("assigned", 0) + int(n)
            d["rebooked"] = d.get("rebooked", 0) + int(rebooked)
    o = OutboxMessage
    for vid, delivered in session.execute(
        select(r.variant_id, func.count())
        .join(o, o.id == r.outbox_message_id)
        .where(r.campaign_id == c.id, o.status == "delivered")
        .group_by(r.variant_id)
    ):
        arms.setdefault(vid, {})["delivered"] = int(delivered)
    window = timedelta(days=c.attribution_days)
    sent_rows = session.execute(
        select(r.variant_id, r.patient_id, r.sent_at, o.to_address, o.channel)
        .join(o, o.id == r.outbox_message_id)
        .where(r.campaign_id == c.id, r.status == "sent")
    ).all()
    if sent_rows:
        addresses = {row.to_address for row in sent_rows}
        replies: dict[str, list[datetime]] = {}
        for addr, at in session.execute(
            select(InboundMessage.from_address, InboundMessage.received_at).where(
                InboundMessage.from_address.in_(addresses)
            )
        ):
            replies.setdefault(addr, []).append(at)
        opt = {
            (s.channel, s.address): s.opted_out_at
            for s in session.scalars(
                select(ContactState).where(
                    ContactState.address.in_(addresses), ContactState.opted_out.is_(True)
                )
            )
        }
        for row in sent_rows:
            d = arms.setdefault(row.variant_id, {})
            start, end = row.sent_at, row.sent_at + window
            if any(start <= at <= end for at in replies.get(row.to_address, [])):
                d["responses"] = d.get("responses", 0) + 1
            opted_at = opt.get((row.channel, row.to_address))
            if opted_at is not None and start <= opted_at <= end:
                d["opt_outs"] = d.get("opt_outs", 0) + 1
    names = {v.id: v.name for v in variants}
    groups = []
    for vid, d in arms.items():
        groups.append(
            GroupStats(
                names.get(vid, "?") if vid is not None else "Control (hold-out)",
                vid,
                d.get("assigned", 0),
                d.get("pending", 0),
                d.get("queued", 0),
                d.get("sent", 0),
                d.get("delivered", 0),
                d.get("skipped", 0),
                d.get("responses", 0),
                d.get("rebooked", 0),
                d.get("opt_outs", 0),
            )
        )
    order = {v.id: i for i, v in enumerate(variants)}
    groups.sort(key=lambda g: (g.variant_id is None, order.get(g.variant_id or 0, 0)))
    control = next((g for g in groups if g.variant_id is None), None)
    tested = [g for g in groups if g.variant_id is not None]
    comparisons: list[Comparison] = []
    if control is not None:
        comparisons = [
            compare(g.name, g.rebooked, g.assigned, "control", control.rebooked, control.assigned)
            for g in tested
        ]
    elif len(tested) >= 2:
        base = tested[0]
        comparisons = [
            compare(g.name, g.rebooked, g.assigned, base.name, base.rebooked, base.assigned)
            for g in tested[1:]
        ]
    reasons = session.execute(
        select(r.reason, func.count())
        .where(r.campaign_id == c.id, r.status == "excluded")
        .group_by(r.reason)
        .order_by(func.count().desc())
    ).all()
    return CampaignResults(
        c.id,
        c.name,
        c.status,
        c.attribution_days,
        tuple(groups),
        tuple(comparisons),
        sum(int(n) for _, n in reasons),
        tuple((str(k), int(n)) for k, n in reasons),
    )


@dataclass(frozen=True)
class CampaignDetail:
    id: int
    name: str
    status: str
    criteria: AudienceCriteria
    channels: tuple[str, ...]
    start_at: datetime
    send_rate_per_hour: int
    attribution_days: int
    holdout_percent: int
    seed: str
    variants: tuple[VariantInput, ...]
    launched_at: datetime | None
    finished_at: datetime | None
    next_send_at: datetime | None
    last_send_at: datetime | None


def get_campaign(session: Session, campaign_id: int) -> CampaignDetail:
    c = _get(session, campaign_id)
    r = CampaignRecipient
    nxt, last = session.execute(
        select(func.min(r.due_at), func.max(r.due_at)).where(r.campaign_id == c.id, r.status == "pending")
    ).one()
    return CampaignDetail(
        c.id,
        c.name,
        c.status,
        AudienceCriteria.from_json(c.criteria),
        tuple(c.channels),
        c.start_at,
        c.send_rate_per_hour,
        c.attribution_days,
        c.holdout_percent,
        c.seed,
        tuple(
            VariantInput(v.name, v.weight, v.template_key, v.sms_body, v.email_subject, v.email_body)
            for v in _variants(session, c.id)
        ),
        c.launched_at,
        c.finished_at,
        _as_utc(nxt),
        _as_utc(last),
    )


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def preview_message(v: VariantInput, channel: str, *, clinic_name: str = "Bright Smiles Orthodontics") -> str:
    """The variant's text with sample values (for the wizard)."""
    from orca_desk.services.message_templates import SAMPLE_VALUES

    values = dict(SAMPLE_VALUES)
    values["clinic_name"] = clinic_name
    text = v.sms_body if channel == "sms" else f"{v.email_subject}\n\n{v.email_body}"
    try:
        return render(text, values)
    except ValidationError as exc:
        return f"(cannot preview: {exc})"


# --- Demo -----------------------------------------------------------------------------------


def seed_demo(session: Session, clinic_id: int, *, now: datetime) -> int | None:
    """A finished A/B test with a hold-out (results written as if sent) and a draft, for the demo."""
    from orca_desk.services.security import ROLE_PERMISSIONS

    actor = Actor(
        username="demo", role="manager", display_name="Demo", permissions=ROLE_PERMISSIONS["manager"]
    )
    start = now - timedelta(days=24)
    variants = []
    for name, key in (("A", "check_due"), ("B", "we_miss_you")):
        variants.append(variant_from_template(session, clinic_id, name, f"{TEMPLATE_PREFIX}{key}"))
    data = CampaignInput(
        "Retention check-in (spring)",
        AudienceCriteria(treatment_stages=("retention",), no_future_appointment=False),
        ("sms", "email"),
        tuple(variants),
        start,
        send_rate_per_hour=120,
        attribution_days=21,
        holdout_percent=10,
        seed="demo-spring",
    )
    c = create_campaign(session, actor, clinic_id, data, now=start)
    try:
        launch_campaign(session, actor, c.id, now=start)
    except ValidationError:
        return None
    # Pretend it ran: every variant recipient was sent at their time; some families booked again.
    rates: dict[int | None, float] = {None: 0.10}
    for i, v in enumerate(_variants(session, c.id)):
        rates[v.id] = (0.22, 0.31)[i % 2]
    for r in session.scalars(
        select(CampaignRecipient).where(
            CampaignRecipient.campaign_id == c.id, CampaignRecipient.status.in_(("pending", "control"))
        )
    ):
        if r.status == "pending":
            r.status, r.sent_at = "sent", r.due_at
        if _unit("demo-outcome", r.patient_id, "rebook") < rates.get(r.variant_id, 0.1):
            r.rebooked_at = r.due_at + timedelta(days=1 + r.patient_id % 9)
    c.status, c.finished_at = "completed", start + timedelta(days=1)
    create_campaign(
        session,
        actor,
        clinic_id,
        CampaignInput(
            "Active patients overdue (draft)",
            AudienceCriteria(not_seen_days=21, treatment_stages=("active",)),
            ("sms",),
            (variants[0],),
            now + timedelta(days=1),
            holdout_percent=10,
        ),
        now=now,
    )
    return c.id
