"""``/booking/campaigns``: list, create a draft, launch, and the results per variant and control."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from orca_desk.gateway.api.http import Request, Result, bad_field, iso, page
from orca_desk.gateway.api.routing import Route
from orca_desk.gateway.api.schema import (
    BOOL,
    INSTANT,
    INT,
    PAGING,
    STR,
    nullable,
    obj,
    op,
    page_of,
    path_id,
    ref,
)
from orca_desk.models.clinic import Clinic
from orca_desk.services import local_time
from orca_desk.services.access.security import MANAGE_CAMPAIGNS, VIEW_ANALYTICS
from orca_desk.services.campaigns.audience import AudienceCriteria
from orca_desk.services.campaigns.drafts import create_campaign, get_campaign
from orca_desk.services.campaigns.launch import launch_campaign
from orca_desk.services.campaigns.results import campaign_results, list_campaigns
from orca_desk.services.campaigns.rows import CampaignInput, CampaignRow
from orca_desk.services.campaigns.variants import VariantInput
from orca_desk.services.errors import NotFound

_CRITERIA_INTS = ("not_seen_days", "age_min", "age_max", "recently_contacted_days")
_CRITERIA_LISTS = ("treatment_stages", "appointment_type_ids", "location_ids")


def _zone(req: Request) -> Any:
    return local_time.location_zone(req.session, None)


def _row(req: Request, r: CampaignRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "status": r.status,
        "channels": list(r.channels),
        "audience": r.audience,
        "start_at": iso(r.start_at, _zone(req)),
        "recipients": r.recipients,
        "sent": r.sent,
        "rebooked": r.rebooked,
        "variants": list(r.variants),
        "holdout_percent": r.holdout_percent,
    }


def _detail(req: Request, campaign_id: int, status: int = 200) -> Result:
    d = get_campaign(req.session, campaign_id)
    zone = _zone(req)
    body = {
        "id": d.id,
        "name": d.name,
        "status": d.status,
        "criteria": d.criteria.to_json(),
        "channels": list(d.channels),
        "start_at": iso(d.start_at, zone),
        "send_rate_per_hour": d.send_rate_per_hour,
        "attribution_days": d.attribution_days,
        "holdout_percent": d.holdout_percent,
        "variants": [
            {
                "name": v.name,
                "weight": v.weight,
                "sms_body": v.sms_body,
                "email_subject": v.email_subject,
                "email_body": v.email_body,
            }
            for v in d.variants
        ],
        "launched_at": iso(d.launched_at, zone),
        "next_send_at": iso(d.next_send_at, zone),
    }
    headers = [("Location", f"{req.path}/{d.id}")] if status == 201 else []
    return Result(body, status, headers)


def list_all(req: Request) -> Result:
    rows = list_campaigns(req.session)
    return page(req, rows, lambda r: _row(req, r))


def _criteria(req: Request) -> AudienceCriteria:
    raw = req.field("criteria", dict, required=False, default={})
    for k in _CRITERIA_INTS:
        if raw.get(k) is not None and (not isinstance(raw[k], int) or isinstance(raw[k], bool)):
            raise bad_field(f"criteria.{k}", f"criteria.{k} must be a whole number.")
    for k in _CRITERIA_LISTS:
        if k in raw and not isinstance(raw[k], list):
            raise bad_field(f"criteria.{k}", f"criteria.{k} must be a list.")
    return AudienceCriteria.from_json(raw)


def _variants(req: Request) -> tuple[VariantInput, ...]:
    out = []
    for i, v in enumerate(req.field("variants", list)):
        where = f"variants[{i}]"
        if not isinstance(v, dict) or not isinstance(v.get("name"), str):
            raise bad_field(where, f"{where} must be an object with a name.")
        weight = v.get("weight", 1)
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            raise bad_field(f"{where}.weight", f"{where}.weight must be a whole number of at least 1.")
        out.append(
            VariantInput(
                name=v["name"],
                weight=weight,
                template_key=v.get("template_key"),
                sms_body=str(v.get("sms_body", "")),
                email_subject=str(v.get("email_subject", "")),
                email_body=str(v.get("email_body", "")),
            )
        )
    return tuple(out)


def create(req: Request) -> Result:
    """A draft: validated, nothing is sent until it is launched."""
    clinic_id = req.session.scalar(select(Clinic.id).order_by(Clinic.id).limit(1))
    if clinic_id is None:
        raise NotFound("There is no clinic yet.")
    channels = req.field("channels", list)
    if not all(isinstance(c, str) for c in channels):
        raise bad_field("channels", "channels must list sms and/or email.")
    start = req.datetime_field("start_at", required=False) or req.now
    data = CampaignInput(
        name=req.field("name", str),
        criteria=_criteria(req),
        channels=tuple(channels),
        variants=_variants(req),
        start_at=start,
        send_rate_per_hour=req.field("send_rate_per_hour", int, required=False, default=200),
        attribution_days=req.field("attribution_days", int, required=False, default=30),
        holdout_percent=req.field("holdout_percent", int, required=False, default=10),
        seed=req.field("seed", str, required=False),
    )
    c = create_campaign(req.session, req.actor, clinic_id, data, now=req.now)
    return _detail(req, c.id, 201)


def launch(req: Request) -> Result:
    launch_campaign(req.session, req.actor, req.id("campaignId"), now=req.now)
    return _detail(req, req.id("campaignId"))


def stats(req: Request) -> Result:
    r = campaign_results(req.session, req.actor, req.id("campaignId"), now=req.now)
    fields = (
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
    return Result(
        {
            "campaign_id": r.campaign_id,
            "name": r.name,
            "status": r.status,
            "attribution_days": r.attribution_days,
            "groups": [
                {
                    "name": g.name,
                    "variant_id": g.variant_id,
                    **{f: getattr(g, f) for f in fields},
                    "rebook_rate": round(g.rebook_rate, 4),
                }
                for g in r.groups
            ],
            "comparisons": [
                {"name": c.name, "baseline": c.baseline, "test": c.test, "z": c.z, "p": c.p}
                for c in r.comparisons
            ],
            "excluded": r.excluded,
            "excluded_reasons": [{"reason": k, "count": n} for k, n in r.excluded_reasons],
        }
    )


_C = MANAGE_CAMPAIGNS
ROUTES = [
    Route("GET", "/booking/campaigns", list_all, _C),
    Route("POST", "/booking/campaigns", create, _C, write=True),
    Route("POST", "/booking/campaigns/{campaignId}/launch", launch, _C, write=True),
    Route("GET", "/booking/campaigns/{campaignId}/stats", stats, VIEW_ANALYTICS),
]

_INTS = {"type": "array", "items": INT}
_CRITERIA = obj(
    {
        "not_seen_days": nullable("integer"),
        "no_future_appointment": BOOL,
        "treatment_stages": {"type": "array", "items": STR},
        "appointment_type_ids": _INTS,
        "location_ids": _INTS,
        "age_min": nullable("integer"),
        "age_max": nullable("integer"),
        "recently_contacted_days": INT,
    }
)
_VARIANT = {
    "name": STR,
    "weight": {"type": "integer", "minimum": 1},
    "sms_body": STR,
    "email_subject": STR,
    "email_body": STR,
}
_ROW = {
    "id": INT,
    "name": STR,
    "status": STR,
    "channels": {"type": "array", "items": STR},
    "audience": STR,
    "start_at": INSTANT,
    "recipients": INT,
    "sent": INT,
    "rebooked": INT,
    "variants": {"type": "array", "items": STR},
    "holdout_percent": INT,
}
_DETAIL = {
    "id": INT,
    "name": STR,
    "status": STR,
    "criteria": _CRITERIA,
    "channels": {"type": "array", "items": STR},
    "start_at": INSTANT,
    "send_rate_per_hour": INT,
    "attribution_days": INT,
    "holdout_percent": INT,
    "variants": {"type": "array", "items": obj(_VARIANT, list(_VARIANT))},
    "launched_at": nullable("string", format="date-time"),
    "next_send_at": nullable("string", format="date-time"),
}
_GROUP_COUNTS = (
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
_GROUP = {
    "name": STR,
    "variant_id": nullable("integer"),
    **{f: INT for f in _GROUP_COUNTS},
    "rebook_rate": {"type": "number"},
}
SCHEMAS = {
    "Campaign": obj(_ROW, list(_ROW), closed=True),
    "CampaignPage": page_of("Campaign"),
    "CampaignDetail": obj(_DETAIL, list(_DETAIL), closed=True),
    "NewCampaign": obj(
        {
            "name": STR,
            "criteria": _CRITERIA,
            "channels": {"type": "array", "items": {"type": "string", "enum": ["sms", "email"]}},
            "variants": {"type": "array", "items": obj({**_VARIANT, "template_key": STR}, ["name"])},
            "start_at": INSTANT,
            "send_rate_per_hour": INT,
            "attribution_days": INT,
            "holdout_percent": {"type": "integer", "minimum": 0, "maximum": 50},
            "seed": STR,
        },
        ["name", "channels", "variants"],
    ),
    "CampaignStats": obj(
        {
            "campaign_id": INT,
            "name": STR,
            "status": STR,
            "attribution_days": INT,
            "groups": {"type": "array", "items": obj(_GROUP, list(_GROUP))},
            "comparisons": {
                "type": "array",
                "items": obj(
                    {
                        "name": STR,
                        "baseline": STR,
                        "test": STR,
                        "z": nullable("number"),
                        "p": nullable("number"),
                    },
                    ["name", "baseline", "test", "z", "p"],
                ),
            },
            "excluded": INT,
            "excluded_reasons": {
                "type": "array",
                "items": obj({"reason": STR, "count": INT}, ["reason", "count"]),
            },
        },
        ["campaign_id", "name", "status", "groups", "comparisons", "excluded", "excluded_reasons"],
    ),
}
_ID = path_id("campaignId")
PATHS = {
    "/booking/campaigns": {
        "get": op(
            "Campaigns, newest first, with headline counts",
            _C,
            schema=ref("CampaignPage"),
            params=PAGING,
            errors=(422,),
        ),
        "post": op(
            "Save a draft campaign (nothing is sent until it is launched)",
            _C,
            ok=201,
            schema=ref("CampaignDetail"),
            body=ref("NewCampaign"),
            errors=(415, 422),
        ),
    },
    "/booking/campaigns/{campaignId}/launch": {
        "post": op(
            "Take the audience now, split it and schedule the sends",
            _C,
            schema=ref("CampaignDetail"),
            params=[_ID],
            errors=(404, 409, 422),
        )
    },
    "/booking/campaigns/{campaignId}/stats": {
        "get": op(
            "Results per variant and the control group, with the significance test",
            VIEW_ANALYTICS,
            schema=ref("CampaignStats"),
            params=[_ID],
            errors=(404,),
        )
    },
}
