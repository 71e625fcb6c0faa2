"""What the Campaigns screen and wizard show and send (rows, results, a draft's input), without the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orca_desk.services.campaigns.audience import AudienceCriteria
    from orca_desk.services.campaigns.stats import Comparison
    from orca_desk.services.campaigns.variants import VariantInput


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
