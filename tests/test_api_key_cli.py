"""``orca-desk api-key create|list|revoke``: the key printed once, stored hashed, revoked at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from orca_desk.cli import main
from orca_desk.db import Database
from orca_desk.models.api_key import ApiKey
from orca_desk.models.audit import AuditEvent
from orca_desk.models.staff import StaffUser
from orca_desk.services.access.security import hash_password
from tests.factories import make_world


@pytest.fixture
def url(db: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    with db.write() as s:
        w = make_world(s)
        for name, role in (("boss", "admin"), ("maria", "receptionist")):
            s.add(
                StaffUser(
                    clinic_id=w.clinic.id,
                    username=name,
                    display_name=name.title(),
                    password_hash=hash_password("secret-secret"),
                    role=role,
                )
            )
    monkeypatch.setenv("ORCA_DESK_PASSWORD", "secret-secret")
    return str(db.engine.url)


def test_create_prints_the_key_once_list_and_revoke(url, db, capsys) -> None:
    args = ["api-key", "create", "--database-url", url, "--name", "Website", "--user", "boss"]
    assert main([*args, "--scopes", "booking:book,booking:manage_waitlist"]) == 0
    out = capsys.readouterr().out
    key = out.splitlines()[0]
    assert key.startswith("orca_") and "not shown again" in out
    with db.read() as s:
        row = s.scalars(select(ApiKey)).one()
        assert row.scopes == ["booking:book", "booking:manage_waitlist"]
        assert key.split("_", 2)[2] not in row.secret_hash
        assert s.scalars(select(AuditEvent.action)).all() == ["create_api_key"]
    assert main(["api-key", "list", "--database-url", url]) == 0
    listed = capsys.readouterr().out
    assert "Website" in listed and "active" in listed and key not in listed
    assert main(["api-key", "revoke", "--database-url", url, str(row.id), "--user", "boss"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["api-key", "list", "--database-url", url, "--active"]) == 0
    assert "No active API keys." in capsys.readouterr().out


def test_refusals_name_the_problem_and_change_nothing(url, db, capsys) -> None:
    base = ["api-key", "create", "--database-url", url, "--name", "X"]
    assert main([*base, "--scopes", "booking:fly", "--user", "boss"]) == 2
    assert "Unknown scope booking:fly" in capsys.readouterr().err
    assert main([*base, "--scopes", "booking:book", "--user", "maria"]) == 2
    assert "may not administer" in capsys.readouterr().err
    assert main([*base, "--scopes", "booking:book"]) == 2
    assert "--user" in capsys.readouterr().err
    assert main(["api-key", "revoke", "--database-url", url, "99", "--user", "boss"]) == 2
    assert "no API key #99" in capsys.readouterr().err
    with db.read() as s:
        assert s.scalars(select(ApiKey)).all() == []
