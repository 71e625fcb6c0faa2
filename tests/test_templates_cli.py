"""``orca-desk templates apply``: dry-run summary, apply, and clear errors (exit 2, nothing written)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from orca_desk.cli import main
from orca_desk.models.template import AppliedSlot
from orca_desk.services import schedule_templates
from orca_desk.services.access.security import create_staff_user
from orca_desk.services.provider_schedules import DayHours, set_week
from orca_desk.services.schedule_templates import SlotSpec
from tests.factories import book, make_world

# The command reads the real clock, so the week applied is always in the future.
MONDAY = date.today() + timedelta(days=14 - date.today().weekday())
FRIDAY = MONDAY + timedelta(days=4)


@pytest.fixture(autouse=True)
def signed_in(monkeypatch):
    monkeypatch.setenv("ORCA_DESK_PASSWORD", "manager-pass")


def add_manager(session, clinic_id: int) -> None:
    create_staff_user(session, clinic_id, "lena", "Lena", "manager-pass", "manager")


@pytest.fixture
def url(db, manager, clock):
    with db.write() as s:
        w = make_world(s)
        add_manager(s, w.clinic.id)
        set_week(
            s,
            manager,
            w.ortho.id,
            [DayHours(wd, w.location.id, 480, 1020) for wd in range(5)],
            effective_from=date(2026, 1, 1),
            now=clock.now(),
        )
        slots = [SlotSpec(540, 560, w.adjustment.id, weekday=wd) for wd in range(5)]
        slots += [SlotSpec(600, 690, w.bonding.id, weekday=wd) for wd in range(5)]
        schedule_templates.create_template(
            s, manager, name="Standard week", kind="week", slots=slots, now=clock.now()
        )
    return str(db.url)


def slots(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AppliedSlot)) or 0


def run(url: str, *args: str) -> int:
    return main(["templates", "apply", *args, "--database-url", url, "--user", "lena"])


def test_dry_run_then_apply_then_idempotent(db, url, capsys):
    assert (
        run(
            url,
            "Standard week",
            "--providers",
            "Chen",
            "--from",
            f"{MONDAY}",
            "--to",
            f"{FRIDAY}",
            "--dry-run",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "to create: 10\nskipped-existing: 0\nskipped-off: 0" in out
    assert slots(db) == 0
    assert (
        run(url, "standard week", "--providers", "Dr. Chen", "--from", f"{MONDAY}", "--to", f"{FRIDAY}") == 0
    )
    assert "created: 10" in capsys.readouterr().out
    assert slots(db) == 10
    assert run(url, "Standard week", "--providers", "Chen", "--from", f"{MONDAY}", "--to", f"{FRIDAY}") == 0
    out = capsys.readouterr().out
    assert "created: 0" in out and "already-applied: 10" in out
    assert slots(db) == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("Nope", "--providers", "Chen", "--from", f"{MONDAY}", "--to", f"{FRIDAY}"),
            "No template named 'Nope'; templates: Standard week.",
        ),
        (
            ("Standard week", "--providers", "Chen,Dr. Who", "--from", f"{MONDAY}", "--to", f"{FRIDAY}"),
            "No provider named 'Dr. Who'",
        ),
        (
            ("Standard week", "--providers", "Chen", "--from", "2020-01-06", "--to", "2020-01-10"),
            "Mon, Jan 6, 2020 is in the past",
        ),
        (
            ("Standard week", "--providers", "Chen", "--from", f"{FRIDAY}", "--to", f"{MONDAY}"),
            f"--to {MONDAY} is before --from {FRIDAY}",
        ),
        (
            ("Standard week", "--providers", "Chen", "--from", "next week", "--to", f"{FRIDAY}"),
            "--from 'next week' is not a date",
        ),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(db, url, capsys, args, message):
    assert run(url, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("orca-desk: error: ") and message in err
    assert slots(db) == 0


@pytest.fixture
def two_lane_url(db, manager, clock):
    """A two-chair template, and Dr. Chen's recent visits in chairs 2 and 3."""
    from datetime import UTC, datetime

    with db.write() as s:
        w = make_world(s)
        add_manager(s, w.clinic.id)
        set_week(
            s,
            manager,
            w.ortho.id,
            [DayHours(wd, w.location.id, 480, 1020) for wd in range(5)],
            effective_from=date(2026, 1, 1),
            now=clock.now(),
        )
        slots = [
            SlotSpec(540, 560, w.adjustment.id, weekday=wd, chair_index=lane)
            for wd in range(5)
            for lane in (0, 1)
        ]
        schedule_templates.create_template(
            s, manager, name="Two chairs", kind="week", slots=slots, chair_count=2, now=clock.now()
        )
        now = datetime.now(UTC)
        soon = now.replace(hour=15, minute=0, second=0, microsecond=0) + timedelta(days=1)
        for k, chair in enumerate((2, 1, 2)):  # chair 3 twice, chair 2 once
            book(
                s,
                manager,
                w,
                start=soon + timedelta(days=k),
                now=now,
                patient=k,
                chair=chair,
                override_hours=True,
            )
        chair_ids = [c.id for c in w.chairs]
    return str(db.url), chair_ids


def test_two_lane_template_defaults_to_the_providers_usual_chairs(db, two_lane_url, capsys):
    url, chair_ids = two_lane_url
    assert run(url, "Two chairs", "--providers", "Chen", "--from", f"{MONDAY}", "--to", f"{FRIDAY}") == 0
    assert "created: 10" in capsys.readouterr().out
    with db.read() as s:
        used = set(s.scalars(select(AppliedSlot.chair_id)))
    assert used == {chair_ids[1], chair_ids[2]}  # the chairs Dr. Chen uses, not chair 1


def test_chairs_option_names_the_lanes(db, two_lane_url, capsys):
    url, chair_ids = two_lane_url
    assert (
        run(
            url,
            "Two chairs",
            "--providers",
            "Chen",
            "--chairs",
            "Chair 1,Northside/Chair 3",
            "--from",
            f"{MONDAY}",
            "--to",
            f"{FRIDAY}",
        )
        == 0
    )
    with db.read() as s:
        assert set(s.scalars(select(AppliedSlot.chair_id))) == {chair_ids[0], chair_ids[2]}
    assert (
        run(
            url,
            "Two chairs",
            "--providers",
            "Chen",
            "--chairs",
            "Chair 9",
            "--from",
            f"{MONDAY}",
            "--to",
            f"{FRIDAY}",
        )
        == 2
    )
    assert "No chair named 'Chair 9'" in capsys.readouterr().err
