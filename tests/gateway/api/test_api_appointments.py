"""Appointments and availability through the clinic API: book, list, move, cancel, If-Match, openings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from tests.gateway.api.conftest import ApiWorld

# NOW is Tue 2026-03-03 09:00 New York; Wednesday 10:00 local is 15:00 UTC.
WED_10 = "2026-03-04T10:00:00-05:00"


def _book(c: ApiWorld, start: str = WED_10, patient: int = 0, chair: int = 0) -> dict:
    w = c.world
    resp = c.api.post(
        "/appointments",
        {
            "patient_id": w.patients[patient].id,
            "provider_id": w.ortho.id,
            "chair_id": w.chairs[chair].id,
            "type_id": w.adjustment.id,
            "start": start,
        },
    )
    assert resp.status_code == 201, resp.text
    assert resp.headers["ETag"] == '"1"'
    return resp.json()


def test_book_then_list_the_day_in_local_time(clinic_api: ApiWorld) -> None:
    booked = _book(clinic_api)
    assert booked["start"] == "2026-03-04T10:00:00-05:00" and booked["end"] == "2026-03-04T10:20:00-05:00"
    assert booked["status"] == "scheduled"
    got = clinic_api.api.get(f"/appointments/{booked['id']}")
    assert got.json() == booked and got.headers["ETag"] == '"1"'
    day = clinic_api.api.get(
        "/appointments", params={"date": "2026-03-04", "location": clinic_api.world.location.id}
    )
    rows = day.json()["items"]
    assert [(r["id"], r["patient_name"], r["start"]) for r in rows] == [
        (booked["id"], "Kid0 Smith", "2026-03-04T10:00:00-05:00")
    ]
    other_day = clinic_api.api.get(
        "/appointments", params={"date": "2026-03-05", "location": clinic_api.world.location.id}
    )
    assert other_day.json() == {"items": [], "next": None}


def test_the_list_is_paginated_with_next(clinic_api: ApiWorld) -> None:
    ids = [_book(clinic_api, start=f"2026-03-04T{9 + i:02d}:00:00-05:00", patient=i)["id"] for i in range(3)]
    params = {"date": "2026-03-04", "location": clinic_api.world.location.id, "limit": 2}
    first = clinic_api.api.get("/appointments", params=params).json()
    assert [r["id"] for r in first["items"]] == ids[:2] and first["next"]
    second = clinic_api.api.get(first["next"].removeprefix("/api/v1")).json()
    assert [r["id"] for r in second["items"]] == ids[2:] and second["next"] is None


def test_a_collision_is_409_and_books_nothing(clinic_api: ApiWorld) -> None:
    _book(clinic_api)
    w = clinic_api.world
    resp = clinic_api.api.post(
        "/appointments",
        {
            "patient_id": w.patients[1].id,
            "provider_id": w.hygienist.id,
            "chair_id": w.chairs[0].id,
            "type_id": w.adjustment.id,
            "start": "2026-03-04T10:10:00-05:00",
        },
    )
    assert resp.status_code == 409
    assert resp.headers["Content-Type"] == "application/problem+json"
    with clinic_api.db.read() as s:
        assert len(s.scalars(select(Appointment)).all()) == 1


def test_outside_hours_is_409_and_bad_input_422_naming_the_field(clinic_api: ApiWorld) -> None:
    w = clinic_api.world
    body = {
        "patient_id": w.patients[0].id,
        "provider_id": w.ortho.id,
        "chair_id": w.chairs[0].id,
        "type_id": w.adjustment.id,
        "start": "2026-03-04T19:00:00-05:00",
    }
    late = clinic_api.api.post("/appointments", body)
    assert late.status_code == 409 and late.json()["errors"][0]["field"] == "start"
    naive = clinic_api.api.post(
        "/appointments", {**body, "start": "2026-03-04T10:00:00"}, check_request=False
    )
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "start"
    wrong = clinic_api.api.post("/appointments", {**body, "chair_id": "one"}, check_request=False)
    assert wrong.status_code == 422 and wrong.json()["errors"] == [
        {"field": "chair_id", "message": "chair_id must be a whole number."}
    ]
    missing = clinic_api.api.post(
        "/appointments", {k: v for k, v in body.items() if k != "type_id"}, check_request=False
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "type_id"
    with clinic_api.db.read() as s:
        assert s.scalars(select(Appointment)).all() == []


def test_move_needs_if_match_and_a_stale_version_is_409_changing_nothing(clinic_api: ApiWorld) -> None:
    booked = _book(clinic_api)
    path = f"/appointments/{booked['id']}/move"
    new = {"start": "2026-03-04T11:00:00-05:00"}
    assert clinic_api.api.post(path, new, check_request=False).status_code == 428
    moved = clinic_api.api.post(path, new, headers={"If-Match": '"1"'})
    assert moved.status_code == 200, moved.text
    assert moved.json()["start"] == "2026-03-04T11:00:00-05:00" and moved.headers["ETag"] == '"2"'
    stale = clinic_api.api.post(path, {"start": "2026-03-04T14:00:00-05:00"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "If-Match"
    with clinic_api.db.read() as s:
        appt = s.get(Appointment, booked["id"])
        assert appt.start_at == datetime.fromisoformat("2026-03-04T16:00:00+00:00") and appt.version == 2


def test_cancel_with_a_reason(clinic_api: ApiWorld) -> None:
    booked = _book(clinic_api)
    path = f"/appointments/{booked['id']}/cancel"
    no_reason = clinic_api.api.post(path, {"reason": " "}, headers={"If-Match": '"1"'})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    done = clinic_api.api.post(path, {"reason": "family moved"}, headers={"If-Match": '"1"'})
    assert done.status_code == 200
    assert done.json()["status"] == "cancelled" and done.json()["cancel_reason"] == "family moved"
    assert clinic_api.api.get("/appointments/999999").status_code == 404


def test_availability_is_find_next_opening(clinic_api: ApiWorld) -> None:
    w = clinic_api.world
    _book(clinic_api, start="2026-03-04T08:00:00-05:00")
    resp = clinic_api.api.get(
        "/availability",
        params={
            "type": w.adjustment.id,
            "provider": w.ortho.id,
            "from": "2026-03-04",
            "to": "2026-03-04",
            "limit": 3,
        },
    )
    assert resp.status_code == 200, resp.text
    items = resp.json()["items"]
    # Two chairs and Dr. Chen may see two at once: 08:00 still has room in the second chair.
    assert [i["start"] for i in items] == [
        "2026-03-04T08:00:00-05:00",
        "2026-03-04T08:05:00-05:00",
        "2026-03-04T08:10:00-05:00",
    ]
    assert items[0]["chair_id"] == w.chairs[1].id and items[1]["chair_id"] == w.chairs[1].id
    assert all(i["provider_id"] == w.ortho.id and i["type_id"] == w.adjustment.id for i in items)
    weekend = clinic_api.api.get(
        "/availability", params={"type": w.adjustment.id, "from": "2026-03-07", "to": "2026-03-08"}
    )
    assert weekend.json()["items"] == []
    bad = clinic_api.api.get("/availability", params={"type": 9999})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "type"
    backwards = clinic_api.api.get(
        "/availability", params={"type": w.adjustment.id, "from": "2026-03-09", "to": "2026-03-05"}
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to"
