"""The messaging policy at send time: whether each due message goes now, waits, or is dropped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location
from orca_desk.models.messaging import ContactState, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.messaging.dispatch.common import MERGEABLE, zone_named
from orca_desk.services.messaging.inbound import BUDGET_EXEMPT, KEYWORD_REPLY
from orca_desk.services.messaging.outbox import EMAIL_CONSENT_EXEMPT, TEST_PURPOSE, VERIFICATION_PURPOSE
from orca_desk.services.messaging.policy import (
    MessagingPolicy,
    budget_allows,
    next_allowed_send,
    sms_allowed,
)

Verdict = tuple[str, str, str, datetime | None]  # action, code, reason, defer until


class Judge:
    """The policy at send time for one claim transaction, with per-batch caches."""

    def __init__(
        self, session: Session, policy: MessagingPolicy, now: datetime, batch: Sequence[Any]
    ) -> None:
        self.s, self.policy, self.now = session, policy, now
        self._zones: dict[int | None, ZoneInfo] = {}
        self._default_zone: ZoneInfo | None = None
        self._style: str | None = None
        self._sent: dict[str, list[datetime]] = {}
        self._merging: set[tuple[str, str] | None] = set()
        # One query each for the batch's patients, contact states and budgets, as plain rows
        # of the columns the rules read (no ORM objects: this runs for every batch).
        patient_ids = {m.patient_id for m in batch if m.patient_id is not None}
        self._patients: dict[int, Any] = (
            {
                p.id: p
                for p in session.execute(
                    select(
                        Patient.id,
                        Patient.timezone,
                        Patient.home_location_id,
                        Patient.sms_consent,
                        Patient.email_consent,
                    ).where(Patient.id.in_(patient_ids))
                )
            }
            if patient_ids
            else {}
        )
        addresses = {m.to_address for m in batch}
        self._states: dict[tuple[str, str], Any] = {
            (c.channel, c.address): c
            for c in session.execute(
                select(
                    ContactState.channel,
                    ContactState.address,
                    ContactState.opted_out,
                    ContactState.undeliverable,
                    ContactState.last_error_code,
                    ContactState.last_error,
                ).where(ContactState.address.in_(addresses))
            )
        }
        self._prefetch_sent(addresses)
        # Every location's zone of the batch's clinics (a handful of rows) in one query.
        clinic_ids = {m.clinic_id for m in batch}
        self._locations: dict[int, tuple[int, str]] = {
            id_: (clinic_id, tz)
            for id_, clinic_id, tz in session.execute(
                select(Location.id, Location.clinic_id, Location.timezone)
                .where(Location.clinic_id.in_(clinic_ids))
                .order_by(Location.id)
            )
        }
        # Texts to a number with no patient attached (a reply to a stranger): consent by number.
        loose = {m.to_address for m in batch if m.patient_id is None and m.channel == "sms"}
        self._consenting: set[str] = (
            set(
                session.scalars(
                    select(Patient.contact_phone).where(
                        Patient.contact_phone.in_(loose), Patient.sms_consent.is_(True)
                    )
                )
            )
            if loose
            else set()
        )
        loose_email = {m.to_address for m in batch if m.patient_id is None and m.channel == "email"}
        self._email_consenting: set[str] = (
            set(
                session.scalars(
                    select(Patient.contact_email).where(
                        Patient.contact_email.in_(loose_email), Patient.email_consent.is_(True)
                    )
                )
            )
            if loose_email
            else set()
        )

    def zone(self, m: OutboxMessage) -> ZoneInfo:
        if m.patient_id not in self._zones:
            patient = self._patients.get(m.patient_id) if m.patient_id else None
            zone: ZoneInfo | None = None
            if patient is not None and patient.timezone:
                zone = zone_named(patient.timezone)
            if zone is None and patient is not None and patient.home_location_id:
                loc = self._locations.get(patient.home_location_id)
                if loc is None:
                    tz = self.s.scalar(
                        select(Location.timezone).where(Location.id == patient.home_location_id)
                    )
                    zone = zone_named(tz) if tz else None
                else:
                    zone = zone_named(loc[1])
            self._zones[m.patient_id] = zone or self.clinic_zone(m.clinic_id)
        return self._zones[m.patient_id]

    def time_style(self) -> str:
        """The clinic's 12- or 24-hour format for the history lines staff read (looked up once)."""
        if self._style is None:
            self._style = local_time.clinic_time_format(self.s)
        return self._style

    def clinic_zone(self, clinic_id: int) -> ZoneInfo:
        if self._default_zone is None:
            tz = next((tz for cid, tz in self._locations.values() if cid == clinic_id), None)
            self._default_zone = (zone_named(tz) if tz else None) or ZoneInfo("UTC")
        return self._default_zone

    def _prefetch_sent(self, addresses: set[str]) -> None:
        since = self.now - timedelta(days=8)
        for address in addresses:
            self._sent.setdefault(address, [])
        rows = self.s.execute(
            select(OutboxMessage.to_address, OutboxMessage.sent_at, OutboxMessage.claimed_at).where(
                OutboxMessage.to_address.in_(addresses),
                OutboxMessage.merged_into_id.is_(None),
                OutboxMessage.purpose.not_in(BUDGET_EXEMPT),
                OutboxMessage.status.in_(("sending", "sent", "delivered")),
                or_(OutboxMessage.sent_at >= since, OutboxMessage.claimed_at >= since),
            )
        ).all()
        for address, sent_at, claimed_at in rows:
            when = sent_at or claimed_at
            if when is not None:
                self._sent[address].append(when)

    def sent_times(self, address: str) -> list[datetime]:
        return self._sent.setdefault(address, [])

    def consent(self, m: OutboxMessage) -> bool:
        if m.patient_id is not None:
            patient = self._patients.get(m.patient_id)
            return bool(patient and patient.sms_consent)
        return m.to_address in self._consenting

    def email_consent(self, m: OutboxMessage) -> bool:
        if m.purpose in EMAIL_CONSENT_EXEMPT:
            return True
        if m.patient_id is not None:
            patient = self._patients.get(m.patient_id)
            return bool(patient and patient.email_consent)
        return m.to_address in self._email_consenting

    def judge(self, m: OutboxMessage) -> Verdict:
        now = self.now
        if m.not_after is not None and m.not_after <= now:
            return "cancel", "expired", "no longer relevant (its deadline passed)", None
        state = self._states.get((m.channel, m.to_address))
        if state is not None and state.undeliverable:
            return (
                "undeliverable",
                state.last_error_code or "undeliverable",
                f"{m.to_address} cannot receive messages ({state.last_error or 'refused'})",
                None,
            )
        if m.purpose in (KEYWORD_REPLY, VERIFICATION_PURPOSE):
            return "send", "", "", None
        if m.channel == "sms":
            # A test from Settings: the person testing vouches for the number they typed.
            consent = m.purpose == TEST_PURPOSE or self.consent(m)
            ok, reason = sms_allowed(consent, bool(state and state.opted_out), self.policy)
            if not ok:
                code = "opted_out" if state is not None and state.opted_out else "no_consent"
                return "fail", code, reason, None
        elif state is not None and state.opted_out:
            return "fail", "opted_out", f"{m.to_address} unsubscribed from emails", None
        elif not self.email_consent(m):
            return "fail", "no_consent", "no email consent is recorded for this family", None
        zone = self.zone(m)
        allowed = next_allowed_send(now, zone, self.policy)
        if allowed > now:
            return self._defer(m, allowed, "quiet_hours", "quiet hours in the recipient's zone")
        if (
            m.channel == "sms"
            and m.purpose not in BUDGET_EXEMPT
            and self._merge_key(m) not in self._merging
            and not budget_allows(self.sent_times(m.to_address), now, zone, self.policy)
        ):
            local = now.astimezone(zone)
            tomorrow = datetime.combine(local.date() + timedelta(days=1), self._day_start(), tzinfo=zone)
            until = next_allowed_send(tomorrow.astimezone(UTC), zone, self.policy)
            return self._defer(m, until, "budget", "contact budget for this number is used up")
        return "send", "", "", None

    def _day_start(self) -> wall_time:
        p = self.policy
        return p.quiet_end if p.quiet_start != p.quiet_end else wall_time(0)

    def _defer(self, m: OutboxMessage, until: datetime, code: str, reason: str) -> Verdict:
        if m.not_after is not None and until >= m.not_after:
            return "cancel", "expired", f"{reason}; it would be too late by then", None
        return "defer", code, reason, until

    @staticmethod
    def _merge_key(m: OutboxMessage) -> tuple[str, str] | None:
        mergeable = m.channel == "sms" and m.purpose in MERGEABLE and m.appointment_id is not None
        return (m.to_address, m.purpose) if mergeable else None

    def counted(self, m: OutboxMessage) -> None:
        """Count a message about to go against its number's budget (merged ones count once)."""
        key = self._merge_key(m)
        if key is not None:
            if key in self._merging:
                return
            self._merging.add(key)
        if m.channel == "sms" and m.purpose not in BUDGET_EXEMPT:
            self.sent_times(m.to_address).append(self.now)
