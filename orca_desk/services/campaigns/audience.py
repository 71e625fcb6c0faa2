"""Campaign audiences: who matches the criteria, who is left out and why, and a sample."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Location
from orca_desk.models.messaging import ContactState, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.message_locale import staff_format
from orca_desk.services.messaging.render import CHANNELS

UPCOMING = ("scheduled", "confirmed")
# Purposes that count as "contacted recently" (reminders about a booked visit do not).
OUTREACH_PURPOSES = ("campaign", "recovery")


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
                staff_format(when, "yMMMd") if when is not None else "never",
            )
        )
    return tuple(out)
