"""Campaign figures: the wizard's live audience count over 20,000 patients; launching 5,000 recipients."""

from __future__ import annotations

import time

from sqlalchemy import func, inspect, select

from benchmarks.harness import ANCHOR, BenchContext, Row, count_queries, median_seconds, ms
from orca_desk.migrate import upgrade
from orca_desk.models.campaigns import CampaignRecipient
from orca_desk.models.clinic import Clinic
from orca_desk.models.patient import Patient
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.campaigns.audience import AudienceCriteria, audience, audience_count
from orca_desk.services.campaigns.drafts import create_campaign
from orca_desk.services.campaigns.launch import launch_campaign
from orca_desk.services.campaigns.rows import CampaignInput
from orca_desk.services.campaigns.variants import VariantInput

MANAGER = Actor(username="bench", role="manager", permissions=ROLE_PERMISSIONS["manager"])
RETENTION_9_MONTHS = AudienceCriteria(not_seen_days=270, treatment_stages=("retention",))
VARIANTS = (
    VariantInput(
        "A",
        1,
        "campaign.we_miss_you",
        "{clinic_name}: we miss {patient_first_name}!",
        "We miss {patient_first_name}",
        "Hi {first_name}, call {clinic_phone}.",
    ),
    VariantInput(
        "B",
        1,
        "campaign.check_due",
        "{clinic_name}: {patient_first_name} is due for a check.",
        "A check is due",
        "Hi {first_name}, {patient_first_name} is due for a check.",
    ),
)


def run(bench: BenchContext) -> list[Row]:
    if "campaign" not in inspect(bench.db.engine).get_table_names():
        upgrade(bench.db)  # the cached database predates the campaign tables
    rows: list[Row] = []
    now = ANCHOR
    channels = ("sms", "email")
    with bench.db.read_sessions() as s:  # everything below is rolled back: the cache stays as it was
        patients = s.scalar(select(func.count()).select_from(Patient)) or 0

        def count() -> int:
            return audience_count(s, RETENTION_9_MONTHS, channels, now=now)

        with count_queries(bench.db) as statements:
            n = count()
        t = median_seconds(count, repeat=9, warmup=1)
        rows.append(
            Row(
                f"campaign audience count over {patients:,} patients ({n:,} match, {len(statements)} "
                "queries)",
                "≤ 200 ms",
                ms(t),
                t <= 0.200,
            )
        )
        # An audience of about 5,000: every patient in an age band (the band widened until it is).
        wide = AudienceCriteria(no_future_appointment=False)
        summary = audience(s, wide, channels, now=now)
        clinic_id = s.scalar(select(Clinic.id).limit(1))
        assert clinic_id is not None
        target = 5_000
        holdout = 10
        criteria = wide
        for age_max in range(10, 120):
            trial = AudienceCriteria(no_future_appointment=False, age_max=age_max)
            if audience_count(s, trial, channels, now=now) >= target:
                criteria = trial
                break
        c = create_campaign(
            s,
            MANAGER,
            clinic_id,
            CampaignInput(
                "Bench",
                criteria,
                channels,
                VARIANTS,
                now,
                send_rate_per_hour=500,
                holdout_percent=holdout,
                seed="bench",
            ),
            now=now,
        )
        s.flush()
        started = time.perf_counter()
        launch_campaign(s, MANAGER, c.id, now=now)
        s.flush()
        t = time.perf_counter() - started
        queued = s.scalar(
            select(func.count())
            .select_from(CampaignRecipient)
            .where(
                CampaignRecipient.campaign_id == c.id, CampaignRecipient.status.in_(("pending", "control"))
            )
        )
        rows.append(
            Row(
                f"launch a campaign: {queued:,} recipients split and scheduled "
                f"(audience {criteria.describe()}; {summary.eligible:,} reachable in all)",
                "≤ 2 s",
                ms(t),
                t <= 2.0,
            )
        )
        s.rollback()
    return rows
