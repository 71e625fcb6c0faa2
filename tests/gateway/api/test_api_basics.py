"""Keys, scopes, problems, rate limits and the OpenAPI document of the clinic API."""

from __future__ import annotations

import pytest
import requests
from openapi_core import OpenAPI
from sqlalchemy import select

from orca_desk.gateway.api.auth import RateLimiter
from orca_desk.gateway.api.resources import routes
from orca_desk.models.audit import AuditEvent
from orca_desk.models.staff import StaffUser
from orca_desk.services.access import api_keys
from orca_desk.services.access.security import BOOK, MANAGE_WAITLIST, actor_for
from orca_desk.services.errors import PermissionDenied, ValidationError
from tests.gateway.api.conftest import ApiWorld


def test_the_document_is_served_and_valid_openapi_31(clinic_api: ApiWorld) -> None:
    resp = requests.get(f"{clinic_api.gateway.url}/api/v1/openapi.json", timeout=10)
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["openapi"].startswith("3.1")
    OpenAPI.from_dict(doc)  # validates the document itself


def test_every_route_is_documented_and_every_operation_routed(clinic_api: ApiWorld) -> None:
    doc = requests.get(f"{clinic_api.gateway.url}/api/v1/openapi.json", timeout=10).json()
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    routed = {(r.method, r.template) for r in routes()}
    assert documented == routed
    for r in routes():  # the scope the document names is the one enforced
        assert doc["paths"][r.template][r.method.lower()]["x-scope"] == r.scope


def test_no_key_is_401_problem_json(clinic_api: ApiWorld) -> None:
    resp = clinic_api.api.get(
        "/appointments", params={"date": "2026-03-04", "location": 1}, key=False, check_request=False
    )
    assert resp.status_code == 401
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.json()
    assert body["status"] == 401 and body["title"] and body["type"].startswith("https://")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_key_is_401_and_a_revoked_one_too(clinic_api: ApiWorld) -> None:
    params = {"date": "2026-03-04", "location": clinic_api.world.location.id}
    assert (
        clinic_api.api.get(
            "/appointments", params=params, key="orca_nothere_x", check_request=False
        ).status_code
        == 401
    )
    key = clinic_api.key(BOOK, name="to revoke")
    assert clinic_api.api.get("/appointments", params=params, key=key).status_code == 200
    with clinic_api.db.write() as s:
        actor = actor_for(s.get(StaffUser, clinic_api.admin_id))
        row = next(r for r in api_keys.list_keys(s) if r.name == "to revoke")
        api_keys.revoke_key(s, actor, row.id, now=clinic_api.clock.now())
    resp = clinic_api.api.get("/appointments", params=params, key=key, check_request=False)
    assert resp.status_code == 401
    assert "revoked" in resp.json()["detail"]


def test_missing_scope_is_403_naming_it(clinic_api: ApiWorld) -> None:
    key = clinic_api.key(MANAGE_WAITLIST)
    resp = clinic_api.api.get("/appointments", params={"date": "2026-03-04", "location": 1}, key=key)
    assert resp.status_code == 403
    assert resp.json()["errors"] == [{"field": "scope", "message": BOOK}]


def test_every_use_is_audited_with_method_path_and_status(clinic_api: ApiWorld) -> None:
    params = {"date": "2026-03-04", "location": clinic_api.world.location.id}
    clinic_api.api.get("/appointments", params=params)
    clinic_api.api.get("/appointments", params={"date": "nope", "location": 1}, check_request=False)
    with clinic_api.db.read() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "api_request").order_by(AuditEvent.id)
        ).all()
        assert [(e.after or {}).get("status") for e in events] == [200, 422]
        assert events[0].actor == "api:integration"
        assert events[0].after == {"method": "GET", "path": "/api/v1/appointments", "status": 200}
        assert api_keys.list_keys(s)[0].last_used_at is not None


def test_bad_query_is_422_naming_the_field(clinic_api: ApiWorld) -> None:
    resp = clinic_api.api.get(
        "/appointments", params={"date": "04/03/2026", "location": 1}, check_request=False
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "date"


def test_unknown_path_404_and_wrong_method_405(clinic_api: ApiWorld) -> None:
    assert clinic_api.api.get("/nothing", documented=False).status_code == 404
    resp = clinic_api.api.call("DELETE", "/appointments", documented=False)
    assert resp.status_code == 405
    assert set(resp.headers["Allow"].split(", ")) == {"GET", "POST"}


@pytest.fixture
def limiter() -> RateLimiter:
    return RateLimiter(burst=3, per_second=0.01)


def test_each_key_is_rate_limited_with_retry_after(clinic_api: ApiWorld) -> None:
    params = {"date": "2026-03-04", "location": clinic_api.world.location.id}
    codes = [clinic_api.api.get("/appointments", params=params).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = clinic_api.api.get("/appointments", params=params)
    assert int(last.headers["Retry-After"]) >= 1
    other = clinic_api.key(BOOK)  # another key has its own allowance
    assert clinic_api.api.get("/appointments", params=params, key=other).status_code == 200


def test_keys_are_stored_hashed_and_need_an_admin(db, clock, manager) -> None:
    from tests.factories import make_world

    with db.write() as s:
        w = make_world(s)
        admin = StaffUser(
            clinic_id=w.clinic.id, username="a", display_name="A", password_hash="x", role="admin"
        )
        s.add(admin)
        s.flush()
        with pytest.raises(PermissionDenied):
            api_keys.create_key(s, manager, "x", [BOOK], now=clock.now())
        with pytest.raises(ValidationError) as bad:
            api_keys.create_key(s, actor_for(admin), "x", ["booking:fly"], now=clock.now())
        assert bad.value.field == "scopes"
        with pytest.raises(ValidationError):
            api_keys.create_key(s, actor_for(admin), "x", ["admin"], now=clock.now())
        created = api_keys.create_key(s, actor_for(admin), "site", [BOOK], now=clock.now())
        secret = created.key.split("_", 2)[2]
        from orca_desk.models.api_key import ApiKey

        stored = s.get(ApiKey, created.row.id)
        assert secret not in stored.secret_hash and len(stored.secret_hash) == 64
        assert api_keys.check_key(s, created.key).id == created.row.id
        with pytest.raises(PermissionDenied):
            api_keys.check_key(s, created.key[:-1] + ("A" if created.key[-1] != "A" else "B"))
