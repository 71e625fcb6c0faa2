"""Schedule templates through the clinic API: create, versions with If-Match, archive, apply (dry run)."""

from __future__ import annotations

from sqlalchemy import func, select

from orca_desk.models.template import AppliedSlot
from tests.gateway.api.conftest import ApiWorld


def _create(c: ApiWorld) -> dict:
    resp = c.api.post(
        "/booking/templates",
        {
            "name": "Ortho week",
            "kind": "week",
            "slots": [
                {"start": "08:00", "end": "08:20", "type_id": c.world.adjustment.id, "weekday": 2},
                {"start": "12:00", "end": "13:00", "weekday": 2, "blocked": True, "reason": "Lunch"},
            ],
        },
    )
    assert resp.status_code == 201, resp.text
    assert resp.headers["ETag"] == '"1"'
    return resp.json()


def test_create_get_list_and_archive(clinic_api: ApiWorld) -> None:
    made = _create(clinic_api)
    assert made["version"] == 1 and made["slot_count"] == 2
    assert made["slots"][0]["start"] == "08:00" and made["slots"][1]["reason"] == "Lunch"
    assert clinic_api.api.get(f"/booking/templates/{made['id']}").json() == made
    listed = clinic_api.api.get("/booking/templates").json()["items"]
    assert [t["name"] for t in listed] == ["Ortho week"]
    archived = clinic_api.api.call("DELETE", f"/booking/templates/{made['id']}")
    assert archived.status_code == 200 and archived.json()["is_active"] is False
    assert clinic_api.api.get("/booking/templates").json()["items"] == []
    assert len(clinic_api.api.get("/booking/templates", params={"archived": "true"}).json()["items"]) == 1


def test_update_is_a_new_version_and_a_stale_one_is_409(clinic_api: ApiWorld) -> None:
    made = _create(clinic_api)
    path = f"/booking/templates/{made['id']}"
    slots = [{"start": "09:00", "end": "09:30", "type_id": clinic_api.world.adjustment.id, "weekday": 3}]
    assert clinic_api.api.put(path, {"slots": slots}, check_request=False).status_code == 428
    saved = clinic_api.api.put(path, {"slots": slots, "note": "Thursdays"}, headers={"If-Match": '"1"'})
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 2 and saved.headers["ETag"] == '"2"'
    stale = clinic_api.api.put(path, {"slots": []}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert clinic_api.api.get(path).json()["slot_count"] == 1  # nothing changed
    v1 = clinic_api.api.get(path, params={"version": 1}).json()
    assert v1["slot_count"] == 2
    bad = clinic_api.api.put(
        path, {"slots": [{"start": "9:00", "end": "09:30"}]}, headers={"If-Match": '"2"'}, check_request=False
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "slots[0].start"


def test_apply_dry_run_plans_then_applies(clinic_api: ApiWorld) -> None:
    made = _create(clinic_api)
    body = {"provider_ids": [clinic_api.world.ortho.id], "start_day": "2026-03-04", "end_day": "2026-03-11"}
    plan = clinic_api.api.post(f"/booking/templates/{made['id']}/apply", {**body, "dry_run": True})
    assert plan.status_code == 200, plan.text
    assert plan.json()["counts"]["create"] == 4  # two Wednesdays, two slots each
    with clinic_api.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AppliedSlot)) == 0
    done = clinic_api.api.post(f"/booking/templates/{made['id']}/apply", body)
    assert done.status_code == 200, done.text
    assert done.json()["created"] == 4
    with clinic_api.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AppliedSlot)) == 4
    too_long = clinic_api.api.post(
        f"/booking/templates/{made['id']}/apply", {**body, "end_day": "2026-12-31"}
    )
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "end_day"
