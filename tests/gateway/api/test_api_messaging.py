"""Reminder sequences and campaigns through the clinic API."""

from __future__ import annotations

from datetime import timedelta

from tests.gateway.api.conftest import ApiWorld


def _sequence(c: ApiWorld, name: str = "Short visits") -> dict:
    resp = c.api.post(
        "/booking/reminder-sequences",
        {
            "name": name,
            "appointment_type_ids": [c.world.adjustment.id],
            "steps": [
                {"offset_minutes": 2880, "channels": ["sms", "email"]},
                {"offset_minutes": 120, "channels": ["sms"]},
            ],
        },
    )
    assert resp.status_code == 201, resp.text
    return resp.json() | {"etag": resp.headers["ETag"]}


def test_reminder_sequences_create_list_update_retire(clinic_api: ApiWorld) -> None:
    made = _sequence(clinic_api)
    assert [s["offset_minutes"] for s in made["steps"]] == [2880, 120] and made["steps"][0]["label"]
    listed = clinic_api.api.get("/booking/reminder-sequences").json()["items"]
    assert [s["name"] for s in listed] == ["Short visits"]
    path = f"/booking/reminder-sequences/{made['id']}"
    body = {
        "name": "Short visits",
        "appointment_type_ids": [],
        "steps": [{"offset_minutes": 1440, "channels": ["sms"]}],
    }
    assert clinic_api.api.put(path, body, check_request=False).status_code == 428
    clinic_api.clock.advance(timedelta(minutes=1))  # a later save is a new entity tag
    done = clinic_api.api.put(path, body, headers={"If-Match": made["etag"]})
    assert done.status_code == 200, done.text
    assert [s["offset_minutes"] for s in done.json()["steps"]] == [1440]
    stale = clinic_api.api.put(path, {**body, "name": "Other"}, headers={"If-Match": made["etag"]})
    assert stale.status_code == 409
    bad = clinic_api.api.post(
        "/booking/reminder-sequences",
        {"name": "X", "steps": [{"offset_minutes": 60, "channels": ["fax"]}]},
        check_request=False,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "steps[0].channels"
    retired = clinic_api.api.call("DELETE", path)
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    assert clinic_api.api.get("/booking/reminder-sequences").json()["items"] == []
    assert (
        len(clinic_api.api.get("/booking/reminder-sequences", params={"retired": "true"}).json()["items"])
        == 1
    )


def test_campaign_create_list_launch_and_stats(clinic_api: ApiWorld) -> None:
    created = clinic_api.api.post(
        "/booking/campaigns",
        {
            "name": "Come back",
            "channels": ["sms"],
            "criteria": {"no_future_appointment": True},
            "variants": [
                {"name": "A", "sms_body": "Hi {first_name}, time for a check-up. Call {clinic_phone}."}
            ],
            "holdout_percent": 0,
            "start_at": "2026-03-03T10:00:00-05:00",
        },
    )
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert campaign["status"] == "draft" and campaign["start_at"] == "2026-03-03T10:00:00-05:00"
    listed = clinic_api.api.get("/booking/campaigns").json()["items"]
    assert [c["name"] for c in listed] == ["Come back"]
    launched = clinic_api.api.post(f"/booking/campaigns/{campaign['id']}/launch")
    assert launched.status_code == 200, launched.text
    assert launched.json()["status"] != "draft" and launched.json()["launched_at"]
    again = clinic_api.api.post(f"/booking/campaigns/{campaign['id']}/launch")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "status"
    stats = clinic_api.api.get(f"/booking/campaigns/{campaign['id']}/stats")
    assert stats.status_code == 200, stats.text
    assert stats.json()["groups"][0]["name"] == "A"
    empty = clinic_api.api.post("/booking/campaigns", {"name": "", "channels": ["sms"], "variants": []})
    assert empty.status_code == 422
    assert clinic_api.api.get("/booking/campaigns/999/stats").status_code == 404
