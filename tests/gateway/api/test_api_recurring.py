"""Recurring series through the clinic API: create, get, change with a scope (If-Match), cancel."""

from __future__ import annotations

from tests.gateway.api.conftest import ApiWorld


def _create(c: ApiWorld) -> dict:
    w = c.world
    resp = c.api.post(
        "/booking/recurring",
        {
            "patient_id": w.patients[0].id,
            "provider_id": w.ortho.id,
            "chair_id": w.chairs[0].id,
            "type_id": w.adjustment.id,
            "rrule": "FREQ=WEEKLY;COUNT=3",
            "dtstart": "2026-03-04T10:00:00-05:00",
        },
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_create_and_get_a_series(clinic_api: ApiWorld) -> None:
    made = _create(clinic_api)
    starts = [o["start"] for o in made["occurrences"]]
    # 10:00 wall clock in New York on each side of the DST change (8 March).
    assert starts == ["2026-03-04T10:00:00-05:00", "2026-03-11T10:00:00-04:00", "2026-03-18T10:00:00-04:00"]
    got = clinic_api.api.get(f"/booking/recurring/{made['id']}")
    assert got.json() == made and got.headers["ETag"] == f'"{made["version"]}"'
    bad = clinic_api.api.post("/booking/recurring", {**_body(clinic_api), "rrule": "FREQ=HOURLY"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rrule"


def _body(c: ApiWorld) -> dict:
    w = c.world
    return {
        "patient_id": w.patients[1].id,
        "provider_id": w.ortho.id,
        "chair_id": w.chairs[1].id,
        "type_id": w.adjustment.id,
        "rrule": "FREQ=WEEKLY;COUNT=2",
        "dtstart": "2026-03-04T11:00:00-05:00",
    }


def test_change_following_with_if_match_and_stale_409(clinic_api: ApiWorld) -> None:
    made = _create(clinic_api)
    path = f"/booking/recurring/{made['id']}"
    second = made["occurrences"][1]["appointment_id"]
    tag = {"If-Match": f'"{made["version"]}"'}
    change = {"scope": "following", "appointment_id": second, "start_time": "14:00"}
    assert clinic_api.api.put(path, change, check_request=False).status_code == 428
    done = clinic_api.api.put(path, change, headers=tag)
    assert done.status_code == 200, done.text
    new = done.json()
    assert [o["start"] for o in new["occurrences"] if o["start"]] == [
        "2026-03-11T14:00:00-04:00",
        "2026-03-18T14:00:00-04:00",
    ]
    stale = clinic_api.api.put(path, {"scope": "all", "start_time": "08:00"}, headers=tag)
    assert stale.status_code == 409
    wrong = clinic_api.api.put(path, {"scope": "some"}, headers={"If-Match": '"99"'}, check_request=False)
    assert wrong.status_code == 409  # the version is checked first


def test_cancel_every_future_occurrence(clinic_api: ApiWorld) -> None:
    made = _create(clinic_api)
    path = f"/booking/recurring/{made['id']}"
    tag = {"If-Match": f'"{made["version"]}"'}
    no_reason = clinic_api.api.call("DELETE", path, params={"reason": " "}, headers=tag)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason", no_reason.text
    done = clinic_api.api.call("DELETE", path, params={"reason": "moving away", "scope": "all"}, headers=tag)
    assert done.status_code == 200, done.text
    assert done.json()["cancelled"] == 3
