"""The real gateway (waitress on 127.0.0.1) with /book over a clinic open for online booking."""

from __future__ import annotations

import re

from orca_desk.db import Database
from orca_desk.gateway.app import make_app
from orca_desk.gateway.server import RunningGateway, serve_in_thread
from orca_desk.services.clock import FrozenClock

SECRET = b"test-secret-0123456789abcdef"


def serve(db: Database, clock: FrozenClock) -> RunningGateway:
    app = make_app(db, clock, secret=SECRET, public_base_url="http://127.0.0.1:8765", api=False)
    return serve_in_thread(app, threads=8)


def field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} in {html[:2000]}"
    return found.group(1)


def slots(html: str) -> list[str]:
    return re.findall(r'name="slot" value="([0-9.]+)"', html)
