"""The clinic API over real HTTP (waitress on 127.0.0.1), every call checked against its OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from orca_desk.db import Database
from orca_desk.gateway.api.app import ClinicApi
from orca_desk.gateway.api.auth import RateLimiter
from orca_desk.gateway.app import make_app
from orca_desk.gateway.server import RunningGateway, serve_in_thread
from orca_desk.models.schedule import SchedulePeriod
from orca_desk.models.staff import StaffUser
from orca_desk.services.access import api_keys
from orca_desk.services.access.security import ADMIN, ALL_PERMISSIONS, actor_for, hash_password
from orca_desk.services.clock import FrozenClock
from tests.factories import World, make_world

SECRET = b"test-secret-0123456789abcdef"


class Api:
    """requests against the running gateway; each request and answer is validated against the
    document the server serves (``check_request=False`` for calls meant to be refused)."""

    def __init__(self, base: str, key: str | None) -> None:
        self.base, self.key = base, key
        document = requests.get(f"{base}/api/v1/openapi.json", timeout=10).json()
        document["servers"] = [{"url": f"{base}/api/v1"}]
        # problem+json is JSON too (openapi-core knows only application/json by name).
        config = Config(
            spec_validator_cls=None,  # the document itself is checked once, in test_api_basics
            extra_media_type_deserializers={"application/problem+json": json.loads},
        )
        self.spec = OpenAPI.from_dict(document, config=config)
        self.http = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        key: str | bool | None = True,
        check_request: bool = True,
        documented: bool = True,
    ) -> requests.Response:
        h = dict(headers or {})
        use = self.key if key is True else key or None
        if use:
            h["Authorization"] = f"Bearer {use}"
        resp = self.http.request(
            method, f"{self.base}/api/v1{path}", json=body, params=params, headers=h, timeout=20
        )
        if not documented:  # a path or method the document has not: still a problem+json
            assert resp.headers["Content-Type"] == "application/problem+json"
            return resp
        req = RequestsOpenAPIRequest(resp.request)
        if check_request:
            self.spec.validate_request(req)
        self.spec.validate_response(req, RequestsOpenAPIResponse(resp))
        return resp

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.call("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> requests.Response:
        return self.call("POST", path, body=json if json is not None else {}, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> requests.Response:
        return self.call("PUT", path, body=json if json is not None else {}, **kw)


@dataclass
class ApiWorld:
    api: Api
    world: World
    db: Database
    clock: FrozenClock
    admin_id: int
    gateway: RunningGateway

    def key(self, *scopes: str, name: str = "other") -> str:
        with self.db.write() as s:
            actor = actor_for(s.get(StaffUser, self.admin_id))
            return api_keys.create_key(s, actor, name, list(scopes), now=self.clock.now()).key


def working_week(world: World, start: int = 8 * 60, end: int = 17 * 60) -> list[SchedulePeriod]:
    return [
        SchedulePeriod(
            provider_id=p.id,
            location_id=world.location.id,
            weekday=d,
            start_minute=start,
            end_minute=end,
            effective_from=date(2026, 1, 1),
        )
        for p in (world.ortho, world.hygienist)
        for d in range(5)
    ]


@pytest.fixture
def limiter() -> RateLimiter:
    return RateLimiter(burst=1000, per_second=100)


def _serve(db: Database, clock: FrozenClock, limiter: RateLimiter) -> Iterator[ApiWorld]:
    with db.write() as s:
        world = make_world(s, chairs=2, patients=3)
        s.add_all(working_week(world))
        admin = StaffUser(
            clinic_id=world.clinic.id,
            username="admin",
            display_name="Admin",
            password_hash=hash_password("secret-secret"),
            role="admin",
        )
        s.add(admin)
        s.flush()
        created = api_keys.create_key(
            s, actor_for(admin), "integration", sorted(ALL_PERMISSIONS - {ADMIN}), now=clock.now()
        )
        admin_id = admin.id
    app = make_app(db, clock, secret=SECRET, api=ClinicApi(db, clock, limiter=limiter))
    running = serve_in_thread(app, threads=4)
    api = Api(running.url, created.key)
    try:
        yield ApiWorld(api, world, db, clock, admin_id, running)
    finally:
        api.http.close()  # a kept-alive connection would hold a worker until the channel times out
        running.stop()


@pytest.fixture
def clinic_api(db: Database, clock: FrozenClock, limiter: RateLimiter) -> Iterator[ApiWorld]:
    yield from _serve(db, clock, limiter)


@pytest.fixture
def pg_clinic_api(pg_db: Database, clock: FrozenClock, limiter: RateLimiter) -> Iterator[ApiWorld]:
    yield from _serve(pg_db, clock, limiter)
