"""Provider schedules through the clinic API: the week (If-Match on its digest) and blocks."""

from __future__ import annotations

from sqlalchemy import select

from orca_desk.models.schedule import ScheduleBlock
from tests.gateway.api.conftest import ApiWorld


def test_list_and_get_a_providers_week(clinic_api: ApiWorld) -> None:
    w = clinic_api.world
    listed = clinic_api.api.get("/booking/provider-schedules").json()["items"]
    assert [s["provider_name"] for s in listed] == ["Dr. Chen", "Priya Shah"]
    one = clinic_api.api.get(f"/booking/provider-schedules/{w.ortho.id}")
    assert one.status_code == 200 and one.headers["ETag"]
    week = one.json()["week"]
    assert [d["weekday"] for d in week] == [0, 1, 2, 3, 4]
    assert week[0]["start"] == "08:00" and week[0]["end"] == "17:00"
    assert clinic_api.api.get("/booking/provider-schedules/9999").status_code == 404


def test_put_sets_the_week_and_a_stale_tag_is_409(clinic_api: ApiWorld) -> None:
    w = clinic_api.world
    path = f"/booking/provider-schedules/{w.ortho.id}"
    tag = clinic_api.api.get(path).headers["ETag"]
    week = {
        "effective_from": "2026-03-09",
        "week": [
            {
                "weekday": 0,
                "location_id": w.location.id,
                "start": "09:00",
                "end": "15:00",
                "breaks": [{"start": "12:00", "end": "12:30", "label": "Lunch"}],
            }
        ],
    }
    assert clinic_api.api.put(path, week, check_request=False).status_code == 428
    done = clinic_api.api.put(path, week, headers={"If-Match": tag})
    assert done.status_code == 200, done.text
    assert done.json()["on"] == "2026-03-09"
    assert [(d["weekday"], d["start"], d["breaks"][0]["end"]) for d in done.json()["week"]] == [
        (0, "09:00", "12:30")
    ]
    assert done.headers["ETag"] != tag
    stale = clinic_api.api.put(path, {**week, "week": []}, headers={"If-Match": tag})
    assert stale.status_code == 409
    now_week = clinic_api.api.get(path, params={"on": "2026-03-09"}).json()["week"]
    assert len(now_week) == 1  # the stale write changed nothing
    bad = clinic_api.api.put(
        path,
        {**week, "week": [{**week["week"][0], "end": "25:00"}]},
        headers={"If-Match": done.headers["ETag"]},
        check_request=False,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "week[0].end"


def test_block_time(clinic_api: ApiWorld) -> None:
    w = clinic_api.world
    path = f"/booking/provider-schedules/{w.ortho.id}/block"
    body = {
        "location_id": w.location.id,
        "start": "2026-03-05T13:00:00-05:00",
        "end": "2026-03-05T14:00:00-05:00",
        "reason": "Study club",
    }
    made = clinic_api.api.post(path, body)
    assert made.status_code == 201, made.text
    assert made.json()["start"] == "2026-03-05T13:00:00-05:00"
    no_reason = clinic_api.api.post(path, {**body, "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    with clinic_api.db.read() as s:
        blocks = s.scalars(select(ScheduleBlock)).all()
        assert [(b.provider_id, b.start_minute, b.reason) for b in blocks] == [
            (w.ortho.id, 13 * 60, "Study club")
        ]
    # Availability honours the block: the first 20-minute opening after 12:50 is when it ends.
    openings = clinic_api.api.get(
        "/availability",
        params={
            "type": w.adjustment.id,
            "provider": w.ortho.id,
            "from": "2026-03-05T12:50:00-05:00",
            "to": "2026-03-05",
            "limit": 5,
        },
    ).json()["items"]
    assert openings[0]["start"] == "2026-03-05T14:00:00-05:00"  # 12:50 for 20 minutes would overlap it
