"""Online booking settings: on or off, which locations and types, how far ahead and how soon."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Location
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, MANAGE_CAMPAIGNS, Actor
from orca_desk.services.errors import ValidationError

SETTING_KEY = "online_booking"
HORIZON_RANGE = (1, 180)  # days
NOTICE_RANGE = (0, 14 * 24)  # hours
DEFAULT_COLOUR = "#2f6fb3"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG AA for the white button text on the clinic's colour


@dataclass(frozen=True)
class OnlineBookingSettings:
    """``enabled`` opens /book; ``paused`` is the desk's "turn it off now" switch over it."""

    enabled: bool = False
    paused: bool = False
    location_ids: tuple[int, ...] = ()
    type_ids: tuple[int, ...] = ()  # the allow-list of appointment types families may book
    horizon_days: int = 28
    min_notice_hours: int = 24
    colour: str = DEFAULT_COLOUR  # the clinic's colour on the pages (white text must read on it)

    @property
    def open(self) -> bool:
        return self.enabled and not self.paused and bool(self.location_ids) and bool(self.type_ids)

    def earliest(self, now: datetime) -> datetime:
        return now + timedelta(hours=self.min_notice_hours)


def load_settings(session: Session) -> OnlineBookingSettings:
    row = session.get(ClinicSetting, SETTING_KEY)
    if row is None:
        return OnlineBookingSettings()
    try:
        raw = json.loads(row.value)
        return OnlineBookingSettings(
            enabled=bool(raw.get("enabled", False)),
            paused=bool(raw.get("paused", False)),
            location_ids=tuple(int(i) for i in raw.get("location_ids", ())),
            type_ids=tuple(int(i) for i in raw.get("type_ids", ())),
            horizon_days=int(raw.get("horizon_days", 28)),
            min_notice_hours=int(raw.get("min_notice_hours", 24)),
            colour=str(raw.get("colour", DEFAULT_COLOUR))
            if _HEX.match(str(raw.get("colour", "")))
            else DEFAULT_COLOUR,
        )
    except (ValueError, TypeError, AttributeError):
        return OnlineBookingSettings()  # an unreadable value keeps online booking closed


def check_settings(session: Session, value: OnlineBookingSettings) -> None:
    """Raise ValidationError naming the first bad field; nothing is written."""
    lo, hi = HORIZON_RANGE
    if not lo <= value.horizon_days <= hi:
        raise ValidationError(f"The booking horizon must be {lo} to {hi} days.", field="horizon_days")
    lo, hi = NOTICE_RANGE
    if not lo <= value.min_notice_hours <= hi:
        raise ValidationError(f"The minimum notice must be {lo} to {hi} hours.", field="min_notice_hours")
    if not _HEX.match(value.colour):
        raise ValidationError("The colour must look like #2f6fb3.", field="colour")
    if contrast_with_white(value.colour) < MIN_CONTRAST:
        raise ValidationError(
            f"White text is hard to read on {value.colour}: choose a darker colour.", field="colour"
        )
    for loc_id in value.location_ids:
        if session.get(Location, loc_id) is None:
            raise ValidationError(f"There is no location #{loc_id}.", field="location_ids")
    for type_id in value.type_ids:
        atype = session.get(AppointmentType, type_id)
        if atype is None or not atype.is_active:
            raise ValidationError(f"There is no active appointment type #{type_id}.", field="type_ids")
    if value.enabled and not value.location_ids:
        raise ValidationError("Choose at least one location for online booking.", field="location_ids")
    if value.enabled and not value.type_ids:
        raise ValidationError("Choose at least one appointment type families may book.", field="type_ids")


def save_settings(
    session: Session, actor: Actor, value: OnlineBookingSettings, *, now: datetime
) -> OnlineBookingSettings:
    actor.require(MANAGE_CAMPAIGNS)
    check_settings(session, value)
    return _write(session, actor, value, now=now)


def _write(
    session: Session, actor: Actor, value: OnlineBookingSettings, *, now: datetime
) -> OnlineBookingSettings:
    before = load_settings(session)
    value = replace(
        value, location_ids=tuple(sorted(value.location_ids)), type_ids=tuple(sorted(value.type_ids))
    )
    data = asdict(value)
    text = json.dumps(data, sort_keys=True)
    row = session.get(ClinicSetting, SETTING_KEY)
    if row is None:
        session.add(
            ClinicSetting(key=SETTING_KEY, value=text, updated_at=now, updated_by=actor.username[:60])
        )
    else:
        row.value, row.updated_at, row.updated_by = text, now, actor.username[:60]
    audit.record(session, actor, "update", "clinic_setting", 0, now=now, before=asdict(before), after=data)
    session.flush()
    return load_settings(session)


def set_paused(session: Session, actor: Actor, paused: bool, *, now: datetime) -> OnlineBookingSettings:
    """The desk's switch: anyone who books may stop online booking at once (a manager resumes it),
    keeping every other choice."""
    actor.require(BOOK if paused else MANAGE_CAMPAIGNS)
    return _write(session, actor, replace(load_settings(session), paused=paused), now=now)


def booking_choices(session: Session) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The locations and the active appointment types Settings offers for online booking."""
    locations = session.execute(select(Location.id, Location.name).order_by(Location.name)).all()
    types = session.execute(
        select(AppointmentType.id, AppointmentType.name)
        .where(AppointmentType.is_active.is_(True))
        .order_by(AppointmentType.name)
    ).all()
    return [(r[0], r[1]) for r in locations], [(r[0], r[1]) for r in types]


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of white on ``colour`` (#rrggbb)."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)
