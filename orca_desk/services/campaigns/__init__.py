"""Re-engagement campaigns: audience by criteria, A/B variants with a hold-out, paced sending, results."""

from orca_desk.services.campaigns.attribution import refresh_attribution
from orca_desk.services.campaigns.audience import (
    AudienceCriteria,
    AudienceSummary,
    SampleRow,
    audience,
    audience_count,
)
from orca_desk.services.campaigns.drafts import (
    CampaignDetail,
    CampaignInput,
    campaign_problems,
    create_campaign,
    get_campaign,
)
from orca_desk.services.campaigns.launch import (
    cancel_campaign,
    launch_campaign,
    pause_campaign,
    resume_campaign,
    start_campaign,
)
from orca_desk.services.campaigns.results import (
    CampaignResults,
    CampaignRow,
    GroupStats,
    campaign_results,
    list_campaigns,
)
from orca_desk.services.campaigns.sending import CampaignTick, process_campaigns
from orca_desk.services.campaigns.variants import (
    VariantInput,
    assign_variant,
    campaign_templates,
    preview_message,
    variant_from_template,
)

__all__ = [
    "AudienceCriteria",
    "AudienceSummary",
    "CampaignDetail",
    "CampaignInput",
    "CampaignResults",
    "CampaignRow",
    "CampaignTick",
    "GroupStats",
    "SampleRow",
    "VariantInput",
    "assign_variant",
    "audience",
    "audience_count",
    "campaign_problems",
    "campaign_results",
    "campaign_templates",
    "cancel_campaign",
    "create_campaign",
    "get_campaign",
    "launch_campaign",
    "list_campaigns",
    "pause_campaign",
    "preview_message",
    "process_campaigns",
    "refresh_attribution",
    "resume_campaign",
    "start_campaign",
    "variant_from_template",
]
