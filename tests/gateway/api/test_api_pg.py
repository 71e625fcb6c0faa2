"""The clinic API on PostgreSQL: booking races, stale writes and the key's audit trail."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from tests.gateway.api.conftest import ApiWorld


def test_two_integrations_racing_for_one_chair_book_it_once(pg_clinic_api: ApiWorld) -> None:
    c = pg_clinic_api
    w = c.world
    other = c.key("booking:book", name="phone system")
    results: list[int] = []

    def book(key: str, patient: int) -> None:
        body = {
            "patient_id": w.patients[patient].id,
            "provider_id": w.hygienist.id if patient else w.ortho.id,
            "chair_id": w.chairs[0].id,
            "type_id": w.adjustment.id,
            "start": "2026-03-04T10:00:00-05:00",
        }
        results.append(c.api.post("/appointments", body, key=key).status_code)

    threads = [threading.Thread(target=book, args=(k, i)) for i, k in enumerate((c.api.key, other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [201, 409]
    with c.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1


def test_stale_move_changes_nothing_and_every_call_is_audited(pg_clinic_api: ApiWorld) -> None:
    c = pg_clinic_api
    w = c.world
    body = {
        "patient_id": w.patients[0].id,
        "provider_id": w.ortho.id,
        "chair_id": w.chairs[0].id,
        "type_id": w.adjustment.id,
        "start": "2026-03-04T10:00:00-05:00",
    }
    booked = c.api.post("/appointments", body).json()
    path = f"/appointments/{booked['id']}/move"
    assert (
        c.api.post(path, {"start": "2026-03-04T11:00:00-05:00"}, headers={"If-Match": '"1"'}).status_code
        == 200
    )
    stale = c.api.post(path, {"start": "2026-03-04T12:00:00-05:00"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert c.api.get(f"/appointments/{booked['id']}").json()["start"] == "2026-03-04T11:00:00-05:00"
    with c.db.read() as s:
        statuses = s.scalars(
            select(AuditEvent.after).where(AuditEvent.action == "api_request").order_by(AuditEvent.id)
        ).all()
    assert [a["status"] for a in statuses] == [201, 200, 409, 200]
