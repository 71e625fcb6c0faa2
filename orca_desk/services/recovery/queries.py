"""The recovery case list staff work from, the patients most at risk first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Location, Provider
from orca_desk.models.patient import Patient
from orca_desk.models.recovery import LIVE_CASE_STATUSES, RecoveryCase
from orca_desk.services import local_time
from orca_desk.services.analytics.at_risk import RiskScore, score_patients
from orca_desk.services.patients.patients import clinic_country
from orca_desk.services.phones import format_phone
from orca_desk.services.recovery.rendering import _local_text
from orca_desk.services.recovery.rows import CAUSE_LABELS, CaseRow, HistoryRow


def list_cases(
    session: Session, *, now: datetime, statuses: Sequence[str] = LIVE_CASE_STATUSES, limit: int = 500
) -> list[CaseRow]:
    """Cases in these statuses, the patients most at risk first (then the oldest)."""
    cases = list(
        session.scalars(
            select(RecoveryCase)
            .where(RecoveryCase.status.in_(statuses))
            .order_by(RecoveryCase.opened_at)
            .limit(limit)
        )
    )
    if not cases:
        return []
    pids = sorted({c.patient_id for c in cases})
    risks = score_patients(session, pids, now=now)
    patients = {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(pids)))}
    providers = dict(session.execute(select(Provider.id, Provider.name)).all())
    locations = dict(session.execute(select(Location.id, Location.name)).all())
    types = dict(session.execute(select(AppointmentType.id, AppointmentType.name)).all())
    rows = []
    style = local_time.clinic_time_format(session)
    country = clinic_country(session)
    for c in cases:
        p = patients[c.patient_id]
        responsible = p.guardian_name or p.display_name
        if p.guardian_name and p.guardian_relation:
            responsible += f" ({p.guardian_relation})"
        rows.append(
            CaseRow(
                c.id,
                c.patient_id,
                p.display_name,
                responsible,
                format_phone(number, country) if (number := p.contact_phone or p.phone) else "",
                c.cause_kind,
                CAUSE_LABELS[c.cause_kind],
                _local_text(session, c.location_id, c.missed_start_at, style),
                providers.get(c.provider_id, ""),
                locations.get(c.location_id, ""),
                types.get(c.type_id, ""),
                c.status,
                c.opened_at,
                c.next_step_at,
                c.next_step_label,
                risks.get(c.patient_id, RiskScore(c.patient_id, 0, ())),
                tuple(
                    HistoryRow(datetime.fromisoformat(h["at"]), h["event"], h["detail"], h.get("by", ""))
                    for h in (c.history or [])
                ),
            )
        )
    rows.sort(key=lambda r: (-r.risk.score, r.opened_at, r.id))
    return rows
