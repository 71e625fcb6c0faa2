"""The ``--user NAME`` contract: data-changing commands sign in, check permissions, audit as that user."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from orca_desk.cli import main
from orca_desk.models.audit import AuditEvent
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.template import AppliedSlot
from orca_desk.services import schedule_templates
from orca_desk.services.access.security import create_staff_user
from orca_desk.services.provider_schedules import DayHours, set_week
from orca_desk.services.schedule_templates import SlotSpec
from tests.factories import make_world

PASSWORD = "front-desk-1"
MONDAY = date.today() + timedelta(days=14 - date.today().weekday())
FRIDAY = MONDAY + timedelta(days=4)


@pytest.fixture
def world(db, manager, clock, monkeypatch):
    """A clinic with a second manager (not the first), a receptionist and a clinician."""
    monkeypatch.delenv("ORCA_DESK_PASSWORD", raising=False)
    with db.write() as s:
        w = make_world(s)
        for username, role in (
            ("boss", "manager"),
            ("lena", "manager"),
            ("maria", "receptionist"),
            ("dr_ng", "clinician"),
        ):
            create_staff_user(s, w.clinic.id, username, username.title(), PASSWORD, role)
        set_week(
            s,
            manager,
            w.ortho.id,
            [DayHours(wd, w.location.id, 480, 1020) for wd in range(5)],
            effective_from=date(2026, 1, 1),
            now=clock.now(),
        )
        schedule_templates.create_template(
            s,
            manager,
            name="Standard week",
            kind="week",
            slots=[SlotSpec(540, 560, w.adjustment.id, weekday=wd) for wd in range(5)],
            now=clock.now(),
        )
        patient_id = w.patients[0].id
    return str(db.url), patient_id


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def send(url: str, patient_id: int, *extra: str) -> int:
    return main(
        [
            "message",
            "send",
            "--database-url",
            url,
            "--patient",
            str(patient_id),
            "--channel",
            "sms",
            "--text",
            "See you Tuesday",
            *extra,
        ]
    )


def apply(url: str, *extra: str) -> int:
    return main(
        [
            "templates",
            "apply",
            "Standard week",
            "--providers",
            "Chen",
            "--from",
            f"{MONDAY}",
            "--to",
            f"{FRIDAY}",
            "--database-url",
            url,
            *extra,
        ]
    )


def test_message_send_needs_a_user_and_audits_as_them(db, world, monkeypatch, capsys):
    url, patient_id = world
    assert send(url, patient_id) == 2
    err = capsys.readouterr().err
    assert err.startswith("orca-desk: error: ") and "--user NAME" in err and "ORCA_DESK_PASSWORD" in err
    monkeypatch.setenv("ORCA_DESK_PASSWORD", "not-the-password")
    assert send(url, patient_id, "--user", "maria") == 2
    assert capsys.readouterr().err.strip() == "orca-desk: error: Unknown username or wrong password."
    monkeypatch.setenv("ORCA_DESK_PASSWORD", PASSWORD)
    assert send(url, patient_id, "--user", "dr_ng") == 2
    assert "Dr_Ng may not send messages to patients." in capsys.readouterr().err
    assert count(db, OutboxMessage) == 0
    assert send(url, patient_id, "--user", "maria") == 0
    with db.read() as s:
        msg = s.scalars(select(OutboxMessage)).one()
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "outbox_message")).one()
    assert msg.created_by == "maria"
    assert (event.actor, event.entity, event.entity_id) == ("maria", "outbox_message", msg.id)
    assert event.user_id is not None


def test_password_prompt_when_the_variable_is_unset(db, world, monkeypatch, capsys):
    url, patient_id = world
    asked: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return PASSWORD

    monkeypatch.setattr("orca_desk.commands.common.getpass.getpass", fake_getpass)
    assert send(url, patient_id, "--user", "maria") == 0
    assert asked == ["Password for maria: "]

    def no_answer(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("orca_desk.commands.common.getpass.getpass", no_answer)
    assert send(url, patient_id, "--user", "maria") == 2
    assert "No password was given for maria" in capsys.readouterr().err


def test_templates_apply_audits_the_signed_in_manager_not_the_first(db, world, monkeypatch, capsys):
    url, _ = world
    assert apply(url, "--dry-run") == 0  # read-only: no sign-in
    assert "to create: 5" in capsys.readouterr().out
    assert apply(url) == 2
    assert "--user NAME" in capsys.readouterr().err
    monkeypatch.setenv("ORCA_DESK_PASSWORD", PASSWORD)
    assert apply(url, "--user", "maria") == 2
    assert "Maria may not manage schedule templates." in capsys.readouterr().err
    assert count(db, AppliedSlot) == 0
    assert apply(url, "--user", "lena") == 0
    assert count(db, AppliedSlot) == 5
    with db.read() as s:
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.entity == "template_application")))
    assert actors == {"lena"}


def test_waitlist_notify_needs_a_user(db, world, capsys):
    url, _ = world
    assert main(["waitlist", "notify", "1", "--database-url", url]) == 2
    assert "--user NAME" in capsys.readouterr().err


def test_read_only_commands_need_no_user(db, world, capsys):
    url, _ = world
    assert (
        main(
            [
                "availability",
                "--database-url",
                url,
                "--provider",
                "Chen",
                "--from",
                f"{MONDAY}",
                "--to",
                f"{MONDAY}",
            ]
        )
        == 0
    )
    assert main(["waitlist", "offers", "--database-url", url]) == 0
    assert main(["db", "current", "--database-url", url]) == 0
