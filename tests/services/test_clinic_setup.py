"""Clinic setup from a file: create from empty, idempotent re-runs, updates of only what changed,
dry runs, one-time passwords, permissions, and every refusal naming its line and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from orca_desk.models.audit import AuditEvent
from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider, ProviderChair
from orca_desk.models.messaging import MessageTemplate
from orca_desk.models.recovery import RecoverySequence
from orca_desk.models.reminders import ReminderSequence
from orca_desk.models.staff import StaffUser
from orca_desk.paths import resources_dir
from orca_desk.services import provider_schedules
from orca_desk.services.access.security import actor_for, authenticate
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.clinic_setup import SetupInvalid, apply_setup, setup_problems
from orca_desk.services.errors import PermissionDenied
from orca_desk.services.setup_file.reading import describe_problems, parse_setup

EXAMPLE = (resources_dir() / "examples" / "clinic.toml").read_text(encoding="utf-8")
ALL_MODELS = (
    Clinic,
    Location,
    Chair,
    AppointmentType,
    Provider,
    ProviderChair,
    StaffUser,
    AuditEvent,
    ReminderSequence,
    RecoverySequence,
    MessageTemplate,
)


def counts(session):
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in ALL_MODELS}


def adjustment_minutes(session):
    return session.scalar(select(AppointmentType.default_minutes).where(AppointmentType.name == "Adjustment"))


def admin_actor(session):
    return actor_for(session.scalar(select(StaffUser).where(StaffUser.username == "admin")))


def run(db, text, clock, *, as_admin=False, dry_run=False):
    setup = parse_setup(text)
    with db.write() as s:
        actor = admin_actor(s) if as_admin else None
        return apply_setup(s, setup, actor=actor, now=clock.now(), dry_run=dry_run)


def test_the_example_sets_up_a_two_location_practice_from_empty(db, clock):
    result = run(db, EXAMPLE, clock)
    assert result.changed and not result.dry_run
    with db.read() as s:
        clinic = s.scalar(select(Clinic))
        assert (clinic.name, clinic.phone, clinic.country, clinic.language) == (
            "Harbour Orthodontics",
            "+16175550142",
            "US",
            "en",
        )
        locs = {loc.name: loc for loc in s.scalars(select(Location))}
        assert set(locs) == {"Harbour Street", "Quincy"} and locs["Quincy"].phone == "+16175550144"
        chairs = s.execute(
            select(Location.name, Chair.name, Chair.room)
            .join(Location)
            .order_by(Chair.location_id, Chair.sort_order)
        ).all()
        assert chairs[3] == ("Harbour Street", "Consult room", "Office") and len(chairs) == 6
        costa = s.scalar(select(Provider).where(Provider.name == "Dr. Ana Costa"))
        assert (costa.role, costa.colour, costa.max_concurrent) == ("orthodontist", "#3b6fd4", 3)
        usual = s.scalars(
            select(Chair.name)
            .join(ProviderChair)
            .where(ProviderChair.provider_id == costa.id)
            .order_by(ProviderChair.sort_order)
        ).all()
        assert usual == ["Chair 1", "Chair 2", "Chair 3"]
        week = provider_schedules.week_on(s, costa.id, clock.now().date())
        assert [(d.weekday, d.location_id, d.start_minute, d.end_minute) for d in week] == [
            (0, locs["Harbour Street"].id, 480, 1020),
            (1, locs["Harbour Street"].id, 480, 1020),
            (2, locs["Quincy"].id, 540, 900),
            (3, locs["Harbour Street"].id, 480, 1020),
            (4, locs["Quincy"].id, 540, 900),
        ]
        assert [(b.start_minute, b.end_minute) for b in week[0].breaks] == [(720, 780)]
        assert week[2].breaks == ()
        types = {t.name: t.default_minutes for t in s.scalars(select(AppointmentType))}
        assert types == {"Consult": 60, "Bonding": 90, "Adjustment": 20, "Retainer check": 15}
        staff = {u.username: (u.role, u.must_change_password) for u in s.scalars(select(StaffUser))}
        assert staff == {"admin": ("admin", True), "dana": ("manager", True), "maria": ("receptionist", True)}
        settings = clinic_settings.load_settings(s)
        assert (settings.quiet_start.hour, settings.quiet_end.hour, settings.sms_provider) == (21, 8, "local")
        # The defaults every new clinic gets: reminder (with confirmation), recovery, templates.
        c = counts(s)
        assert c["ReminderSequence"] == 2 and c["RecoverySequence"] == 1 and c["MessageTemplate"] > 10
        assert result.defaults is not None and result.defaults.reminder_sequences == 2
        # Audited as the first-run setup.
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == "setup")) > 10
    # Each new user has the one-time password returned once (and it works exactly once, see below).
    passwords = {u.username: u.one_time_password for u in result.new_users}
    assert set(passwords) == {"admin", "dana", "maria"} and all(len(p) >= 12 for p in passwords.values())
    with db.read() as s:
        assert authenticate(s, "maria", passwords["maria"]).role == "receptionist"


def test_re_running_an_unchanged_file_changes_nothing(db, clock):
    run(db, EXAMPLE, clock)
    with db.read() as s:
        before = counts(s)
    clock.advance(timedelta(days=1))
    again = run(db, EXAMPLE, clock, as_admin=True)
    assert again.changes == () and again.new_users == () and again.defaults is None
    with db.read() as s:
        assert counts(s) == before


def test_a_changed_file_updates_only_what_changed(db, clock):
    run(db, EXAMPLE, clock)
    with db.read() as s:
        ids = {p.name: p.id for p in s.scalars(select(Provider))}
        hash_before = s.scalar(select(StaffUser.password_hash).where(StaffUser.username == "maria"))
        audits = s.scalar(select(func.count()).select_from(AuditEvent))
    changed = (
        EXAMPLE.replace('colour = "#2f9e8f"', 'colour = "#2F9E90"')
        .replace('  start = "08:30"\n  end = "16:30"', '  start = "08:30"\n  end = "17:00"')
        .replace(
            '{ name = "Chair 2", room = "Main" },',
            '{ name = "Chair 2", room = "Main" },\n  { name = "Chair 3", room = "Annex" },',
        )
        .replace('role = "receptionist"', 'role = "treatment_coordinator"')
    )
    clock.advance(timedelta(days=1))
    result = run(db, changed, clock, as_admin=True)
    shown = [str(c) for c in result.changes]
    assert shown[0] == 'create chair "Quincy/Chair 3"'
    assert shown[1] == 'update provider "Jordan Lee": colour "#2f9e8f" → "#2f9e90"'
    assert shown[2].startswith('update working hours "Jordan Lee": mon tue wed thu fri 08:30-16:30 at Quincy')
    assert shown[2].endswith("→ mon tue wed thu fri 08:30-17:00 at Quincy (break 12:00-12:30)")
    assert shown[3] == 'update staff user "maria": role "receptionist" → "treatment_coordinator"'
    assert len(shown) == 4 and result.new_users == ()
    with db.read() as s:
        assert {p.name: p.id for p in s.scalars(select(Provider))} == ids
        lee = ids["Jordan Lee"]
        today = clock.now().date()
        assert {d.end_minute for d in provider_schedules.week_on(s, lee, today)} == {17 * 60}
        # Yesterday keeps the hours that were in force then.
        yesterday = provider_schedules.week_on(s, lee, today - timedelta(days=1))
        assert {d.end_minute for d in yesterday} == {16 * 60 + 30}
        maria = s.scalar(select(StaffUser).where(StaffUser.username == "maria"))
        assert maria.password_hash == hash_before and maria.role == "treatment_coordinator"
        new_audits = s.scalars(select(AuditEvent).where(AuditEvent.id > audits)).all()
        assert {a.actor for a in new_audits} == {"admin"}
        assert {(a.entity, a.action) for a in new_audits} >= {
            ("chair", "setup.create"),
            ("provider", "setup.update"),
            ("staff_user", "setup.update"),
        }


def test_a_dry_run_reports_everything_and_writes_nothing(db, clock):
    with db.read() as s:
        empty = counts(s)
    dry = run(db, EXAMPLE, clock, dry_run=True)
    assert dry.dry_run and len(dry.changes) > 20 and dry.defaults is not None
    with db.read() as s:
        assert counts(s) == empty
    run(db, EXAMPLE, clock)
    with db.read() as s:
        after_setup = counts(s)
    dry = run(db, EXAMPLE.replace("minutes = 20", "minutes = 25"), clock, as_admin=True, dry_run=True)
    assert [str(c) for c in dry.changes] == ['update appointment type "Adjustment": minutes 20 → 25']
    with db.read() as s:
        assert counts(s) == after_setup
        assert adjustment_minutes(s) == 20


def _line_of(text: str, needle: str | tuple[str, int]) -> int:
    """The line holding ``needle`` (which must be unique), or its Nth occurrence."""
    wanted, nth = needle if isinstance(needle, tuple) else (needle, None)
    hits = [n for n, line in enumerate(text.splitlines(), 1) if wanted in line]
    assert nth is not None or len(hits) == 1, needle
    return hits[nth or 0]


BAD = [
    # (replace this, with this, the line holding this, "field: message")
    (
        'days = ["mon", "tue", "wed", "thu", "fri"]',
        'days = ["mon", "mnd"]',
        'days = ["mon", "mnd"]',
        'providers[1].hours[0].days: "mnd" is not a weekday (mon…sun)',
    ),
    (
        'timezone = "America/New_York"     # IANA time zone',
        'timezone = "America/Bostn"',
        "America/Bostn",
        'locations[0].timezone: "America/Bostn" is not an IANA time zone',
    ),
    ('phone = "617-555-0144"', 'phone = "555-01"', '"555-01"', 'locations[1].phone: "555-01" is not'),
    ('colour = "#e53935"', 'colour = "red"', '"red"', 'appointment_types[1].colour: "red" is not a colour'),
    ("minutes = 15", "minutes = 7", "minutes = 7", "appointment_types[3].minutes: 7 is not a length"),
    (
        "minutes = 15",
        'minutes = "15"',
        'minutes = "15"',
        'appointment_types[3].minutes: must be a whole number, not "15"',
    ),
    ('role = "manager"', 'role = "boss"', '"boss"', 'staff[1].role: "boss" is not a role (receptionist,'),
    (
        'breaks = ["12:00-12:30"]',
        'breaks = ["07:00-07:30"]',
        "07:00-07:30",
        "providers[1].hours[0].breaks[0]: the break 07:00-07:30 is outside the hours 08:30-16:30",
    ),
    (
        '  location = "Quincy"\n  days = ["wed", "fri"]',
        '  location = "Quincey"\n  days = ["wed", "fri"]',
        '"Quincey"',
        'providers[0].hours[1].location: there is no location "Quincey"',
    ),
    (
        'chairs = ["Quincy/Chair 1"]',
        'chairs = ["Quincy/Chair 9"]',
        "Chair 9",
        'providers[1].chairs[0]: there is no chair "Chair 9" at "Quincy"',
    ),
    (
        'chairs = ["Quincy/Chair 1"]',
        'chairs = ["Chair 1"]',
        'chairs = ["Chair 1"]',
        'providers[1].chairs[0]: "Chair 1" is at Harbour Street, Quincy: write "Harbour Street/Chair 1"',
    ),
    (
        "max_concurrent = 3 ",
        "max_concurrent = 0 ",
        "max_concurrent = 0",
        "providers[0].max_concurrent: 0 patients at once: choose 1 to 10",
    ),
    ('  start = "09:00"', '  start = "9h"', '"9h"', 'providers[0].hours[1].start: "9h" is not a time'),
    (
        'days = ["wed", "fri"]',
        'days = ["thu", "fri"]',
        'start = "09:00"',
        "providers[0].hours[1].start: thu 09:00-15:00 overlaps 08:00-17:00 of providers[0].hours[0]",
    ),
    (
        '{ name = "Chair 2", room = "Main" }',
        '{ name = "Chair 1", room = "Main" }',
        ('{ name = "Chair 1", room = "Main" }', 1),
        'locations[1].chairs[1].name: the chair "Chair 1" is listed twice (also at locations[1].chairs[0])',
    ),
    ('country = "US"', 'country = "USA"', '"USA"', 'clinic.country: "USA" is not a country code'),
    ('name = "Dana Brooks"', 'nmae = "Dana Brooks"', "nmae", 'staff[1].nmae: unknown key "nmae"'),
    ('username = "maria"\n', "", '[[staff]]\nname = "Maria', "staff[2].username: username is required"),
    (
        'role = "admin"  ',
        'role = "manager"',
        ("[[staff]]", 0),
        'staff: a new clinic needs at least one staff user with the role "admin"',
    ),
    ('quiet_end = "08:00"', "quiet_end = 08:00", "quiet_end = 08:00", "not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "at", "expected"), BAD, ids=[b[3].split(":")[0] for b in BAD])
def test_a_bad_file_is_refused_whole_naming_line_and_field(db, clock, old, new, at, expected):
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    with pytest.raises(SetupInvalid) as caught:
        run(db, text, clock)
    lines = describe_problems("clinic.toml", text, caught.value.problems)
    if isinstance(at, str) and "\n" in at:
        first = at.split("\n")[1]
        line = _line_of(text, first) - 1
    else:
        line = _line_of(text, at)
    assert any(msg.startswith(f"clinic.toml line {line}: {expected}") for msg in lines), lines
    with db.read() as s:
        assert all(n == 0 for n in counts(s).values())


def test_every_problem_is_reported_at_once(db, clock):
    text = EXAMPLE.replace('colour = "#e53935"', 'colour = "red"').replace('role = "manager"', 'role = "x"')
    with pytest.raises(SetupInvalid) as caught:
        run(db, text, clock)
    assert [p.field for p in caught.value.problems] == ["appointment_types[1].colour", "staff[1].role"]


def test_an_existing_clinic_needs_an_administrator(db, clock, receptionist):
    run(db, EXAMPLE, clock)
    setup = parse_setup(EXAMPLE)
    with pytest.raises(PermissionDenied, match="--user NAME"), db.write() as s:
        apply_setup(s, setup, actor=None, now=clock.now())
    with pytest.raises(PermissionDenied, match="an administrator may"), db.write() as s:
        apply_setup(s, setup, actor=receptionist, now=clock.now())


def test_the_last_administrator_cannot_be_demoted(db, clock):
    run(db, EXAMPLE, clock)
    with pytest.raises(SetupInvalid, match="without an active administrator"):
        run(db, EXAMPLE.replace('role = "admin"  ', 'role = "manager"'), clock, as_admin=True)
    with db.read() as s:
        assert s.scalar(select(StaffUser.role).where(StaffUser.username == "admin")) == "admin"


def test_references_may_name_locations_already_in_the_database(db, clock):
    run(db, EXAMPLE, clock)
    only_provider = EXAMPLE.split("[[locations]]")[0] + "[[providers]]" + EXAMPLE.split("[[providers]]")[2]
    setup = parse_setup(only_provider.split("[[staff]]")[0])
    with db.read() as s:
        assert setup_problems(s, setup) == []
    assert "providers[0].hours[0].location" in {p.field for p in setup_problems(None, setup)}


def test_setup_on_postgresql(pg_db, clock):
    first = run(pg_db, EXAMPLE, clock)
    assert first.changed
    assert run(pg_db, EXAMPLE, clock, as_admin=True).changes == ()
    dry = run(pg_db, EXAMPLE.replace("minutes = 20", "minutes = 25"), clock, as_admin=True, dry_run=True)
    assert len(dry.changes) == 1
    with pg_db.read() as s:
        assert adjustment_minutes(s) == 20
        assert s.scalar(select(func.count()).select_from(Chair)) == 6


def test_a_provider_without_hours_or_chairs_in_the_file_keeps_them(db, clock):
    run(db, EXAMPLE, clock)
    lee_block = EXAMPLE[EXAMPLE.index('chairs = ["Quincy/Chair 1"]') : EXAMPLE.index("[[staff]]")]
    result = run(db, EXAMPLE.replace(lee_block, ""), clock, as_admin=True)
    assert result.changes == ()
    with db.read() as s:
        lee = s.scalar(select(Provider.id).where(Provider.name == "Jordan Lee"))
        assert len(provider_schedules.week_on(s, lee, clock.now().date())) == 5
        assert (
            s.scalar(select(func.count()).select_from(ProviderChair).where(ProviderChair.provider_id == lee))
            == 1
        )


def test_the_readme_shows_the_example_file_whole():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"```toml\n{EXAMPLE}```" in readme
