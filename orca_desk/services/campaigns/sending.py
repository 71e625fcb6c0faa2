"""The campaign tick: start scheduled campaigns, queue the sends now due, follow the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from orca_desk.models.campaigns import Campaign, CampaignRecipient, CampaignVariant
from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.messaging import ContactState, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.campaigns.attribution import refresh_live_attribution
from orca_desk.services.campaigns.drafts import _variants
from orca_desk.services.campaigns.variants import variant_texts
from orca_desk.services.messaging.message_locale import recipient_language
from orca_desk.services.messaging.outbox import NewMessage, enqueue_many
from orca_desk.services.messaging.render import KNOWN_VARIABLES, render

PURPOSE = "campaign"
SOURCE = "campaign_recipient"
MESSAGE_LIFETIME = timedelta(days=2)  # a message the budget kept back this long is dropped
SENT_STATUSES = ("sent", "delivered")


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
        from orca_desk.services.links.patient_links import unsubscribe_link_for
        from orca_desk.services.reminders import load_settings

        if self._settings is None:
            self._settings = load_settings(session)
        if self._settings.secret is None:
            return "reply to this email with UNSUBSCRIBE"
        return unsubscribe_link_for(
            session, "email", address, secret=self._settings.secret, base_url=self._settings.base_url, now=now
        )


def _queue_due(session: Session, c: Campaign, now: datetime, batch: int, report: CampaignTick) -> int:
    """Queue up to ``batch`` of the campaign's sends now due (or skip them, with the reason)."""
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
        why = _skip_reason(p, v, channel, address, states.get((channel or "", address)))
        if why or p is None or v is None or channel is None:
            r.status, r.reason = "skipped", why or "cannot be sent"
            report.skipped += 1
            continue
        values = _render_values(p, clinic, locs.get(p.home_location_id or 0))
        if channel == "email":
            values["unsubscribe_link"] = links.unsubscribe(session, address, now)
        messages.append(_message(c, r, p, v, channel, address, values))
        queued.append(r)
    if messages:
        ids = enqueue_many(session, messages, now=now)
        for r, mid in zip(queued, ids, strict=True):
            r.status, r.outbox_message_id = "queued", mid
        report.queued += len(queued)
    session.flush()
    return len(due)


def _skip_reason(
    p: Patient | None,
    v: CampaignVariant | None,
    channel: str | None,
    address: str,
    state: ContactState | None,
) -> str:
    """Why this send cannot go now (empty when it can)."""
    return (
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


def _message(
    c: Campaign,
    r: CampaignRecipient,
    p: Patient,
    v: CampaignVariant,
    channel: str,
    address: str,
    values: dict[str, str],
) -> NewMessage:
    """The outbox message of one recipient: the variant's text for the channel, due at their time."""
    sms_body, email_subject, email_body = variant_texts(v, recipient_language(p))
    body = render(sms_body if channel == "sms" else email_body, values)
    subject = render(email_subject, values) if channel == "email" else None
    return NewMessage(
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
        report.attributed += refresh_live_attribution(session, now=now)
    return report
