"""Campaign attribution: the first booking each recipient made within the window after their message."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.campaigns import Campaign, CampaignRecipient
from orca_desk.services.bulk import chunks
from orca_desk.services.campaigns.drafts import _get

# Attribution keeps being refreshed this long after the window closed (a desk switched off for a while).
ATTRIBUTION_GRACE = timedelta(days=30)


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


def refresh_live_attribution(session: Session, *, now: datetime) -> int:
    """Refresh the attribution of every campaign whose window (plus the grace) is still open;
    returns how many recipients were newly attributed."""
    attributed = 0
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
            attributed += refresh_attribution(session, cid, now=now)
    return attributed
