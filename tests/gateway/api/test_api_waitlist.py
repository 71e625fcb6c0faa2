"""The waitlist through the clinic API: entries, matches, notify, offers, responses, conversion."""

from __future__ import annotations

from sqlalchemy import select

from orca_desk.models.openings import Opening
from orca_desk.services.access.security import BOOK, MANAGE_WAITLIST
from tests.gateway.api.conftest import ApiWorld
from tests.gateway.api.test_api_appointments import _book


def _opening(c: ApiWorld) -> int:
    """Book Kid0 on Wednesday and cancel: the freed time becomes a waitlist opening."""
    booked = _book(c)
    resp = c.api.post(f"/appointments/{booked['id']}/cancel", {"reason": "sick"}, headers={"If-Match": '"1"'})
    assert resp.status_code == 200
    with c.db.read() as s:
        return s.scalars(select(Opening.id)).one()


def _add(c: ApiWorld, patient: int, **more) -> dict:
    w = c.world
    resp = c.api.post(
        "/booking/waitlist", {"patient_id": w.patients[patient].id, "type_id": w.adjustment.id, **more}
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_entries_are_added_listed_and_paginated(clinic_api: ApiWorld) -> None:
    first = _add(clinic_api, 1, priority=1, reason="wants mornings")
    second = _add(clinic_api, 2, days_of_week=[2, 3])
    assert first["status"] == "active" and first["reason"] == "wants mornings"
    assert second["days_of_week"] == [2, 3]
    page = clinic_api.api.get("/booking/waitlist", params={"limit": 1}).json()
    assert [e["id"] for e in page["items"]] == [first["id"]] and page["next"]
    rest = clinic_api.api.get(page["next"].removeprefix("/api/v1")).json()
    assert [e["id"] for e in rest["items"]] == [second["id"]] and rest["next"] is None
    bad = clinic_api.api.post(
        "/booking/waitlist", {"patient_id": 1, "type_id": 1, "days_of_week": ["mon"]}, check_request=False
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "days_of_week"
    assert clinic_api.api.get("/booking/waitlist", params={"status": "lost"}).status_code == 422


def test_match_notify_list_and_record_a_response(clinic_api: ApiWorld) -> None:
    entry = _add(clinic_api, 1)
    opening = _opening(clinic_api)
    matches = clinic_api.api.get(f"/booking/waitlist/match/{opening}").json()["items"]
    assert [m["entry_id"] for m in matches] == [entry["id"]]
    assert matches[0]["reason"]
    assert clinic_api.api.get("/booking/waitlist/match/99999").status_code == 404
    offered = clinic_api.api.post(f"/booking/waitlist/{entry['id']}/notify", {"opening_id": opening})
    assert offered.status_code == 200, offered.text
    offer = offered.json()
    assert offer["opening_id"] == opening and offer["entry_id"] == entry["id"]
    listed = clinic_api.api.get("/booking/waitlist/notifications", params={"opening": opening}).json()[
        "items"
    ]
    assert [o["id"] for o in listed] == [offer["id"]]
    path = f"/booking/waitlist/notifications/{offer['id']}/response"
    wrong = clinic_api.api.put(path, {"response": "maybe"}, check_request=False)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "response"
    declined = clinic_api.api.put(path, {"response": "declined"})
    assert declined.status_code == 200, declined.text
    again = clinic_api.api.put(path, {"response": "declined"})
    assert again.status_code == 409
    after = clinic_api.api.get("/booking/waitlist/notifications", params={"opening": opening}).json()["items"]
    assert after[0]["response"] == "declined"


def test_conversion_needs_the_analytics_scope(clinic_api: ApiWorld) -> None:
    resp = clinic_api.api.get(
        "/booking/waitlist/analytics/conversion", params={"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["offers_sent"] == 0 and body["conversion"] == 0 and body["from"] == "2026-03-01"
    waitlist_only = clinic_api.key(MANAGE_WAITLIST, BOOK)
    denied = clinic_api.api.get("/booking/waitlist/analytics/conversion", key=waitlist_only)
    assert denied.status_code == 403
    backwards = clinic_api.api.get(
        "/booking/waitlist/analytics/conversion", params={"from": "2026-03-09", "to": "2026-03-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to"
