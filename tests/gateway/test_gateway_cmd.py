"""``orca-desk gateway`` at start: it says when Twilio's status callbacks are refused and why, and
warns when real providers send links that point at this machine itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from orca_desk.db import Database


def start_lines(db: Database, **extra: str) -> str:
    """What the gateway prints on stderr until it listens (then it is stopped)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCA_DESK_")}
    env.update(
        {
            "ORCA_DESK_DATABASE_URL": str(db.url),
            "ORCA_DESK_LINK_SECRET": "test-secret-0123456789abcdef",
            **extra,
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "orca_desk", "gateway", "--port", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "gateway listening" in line:  # the last line it prints at start
                break
    finally:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return "".join(lines)


TWILIO = {
    "ORCA_DESK_SMS_PROVIDER": "twilio",
    "ORCA_DESK_TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "ORCA_DESK_TWILIO_FROM": "+15005550006",
}


def test_gateway_says_callbacks_are_refused_without_a_token_and_warns_of_loopback_links(db):
    out = start_lines(db, **TWILIO)
    assert "gateway listening" in out
    assert (
        "Twilio status callbacks at http://127.0.0.1:8765/twilio/status (REFUSED: no Twilio auth token" in out
    )
    assert "ORCA_DESK_TWILIO_AUTH_TOKEN" in out
    assert (
        "the public link address is http://127.0.0.1:8765, this computer itself: families "
        "cannot open those links" in out
    )


def test_gateway_with_a_token_and_a_public_address_has_nothing_to_warn(db):
    out = start_lines(
        db,
        **TWILIO,
        ORCA_DESK_TWILIO_AUTH_TOKEN="secret-token",
        ORCA_DESK_PUBLIC_BASE_URL="https://links.clinic.example",
    )
    assert "(signature checked)" in out
    assert "REFUSED" not in out and "this computer itself" not in out


def test_local_providers_on_loopback_are_fine(db):
    out = start_lines(db)
    assert "gateway listening" in out and "this computer itself" not in out
