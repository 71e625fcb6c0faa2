"""Clinic settings: defaults, validation, nothing stored when wrong, secrets never in the database."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from datetime import UTC, datetime, time

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from sqlalchemy import func, select

from orca_desk.models.audit import AuditEvent
from orca_desk.models.clinic import Clinic
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.services.clinic import clinic_settings as cs
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.links import patient_links
from tests.factories import make_world


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring for tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def seeded(db):
    with db.write() as s:
        make_world(s)
    return db


def test_defaults_come_from_the_clinic_and_the_policy(seeded):
    with seeded.read() as s:
        settings = cs.load_settings(s)
    assert (settings.clinic_name, settings.clinic_phone) == ("Test Ortho", "+16175550100")
    assert (settings.quiet_start, settings.quiet_end) == (time(21), time(8))
    assert settings.public_base_url == "http://127.0.0.1:8765"
    policy = settings.policy()
    assert policy.daily_budget_per_number == 3 and not policy.allow_procedure_names
    assert (settings.waitlist_hold_minutes, settings.waitlist_max_offers) == (120, 3)
    assert policy.max_offers_per_waitlist_entry == 3


def test_waitlist_hold_and_offer_cap_are_saved_and_reach_the_waitlist(seeded, clock, manager):
    from datetime import timedelta

    from orca_desk.services.waitlist.settings import default_settings

    with seeded.write() as s:
        cs.save_settings(
            s,
            manager,
            replace(cs.load_settings(s), waitlist_hold_minutes=45, waitlist_max_offers=5),
            now=clock.now(),
        )
    with seeded.read() as s:
        got = cs.load_settings(s)
        assert (got.waitlist_hold_minutes, got.waitlist_max_offers) == (45, 5)
        assert got.policy().max_offers_per_waitlist_entry == 5
        settings = default_settings(s, with_secret=False)
    assert settings.hold == timedelta(minutes=45) and settings.max_offers == 5


def test_save_and_load_round_trip_with_audit(seeded, clock, manager):
    with seeded.write() as s:
        new = replace(
            cs.load_settings(s),
            quiet_start=time(20, 30),
            quiet_end=time(7, 45),
            daily_budget_per_number=2,
            allow_procedure_names=True,
            clinic_phone="617-555-0199",
            sms_provider="twilio",
            twilio_account_sid="AC" + "a" * 32,
            twilio_from="+16175550111",
            public_base_url="https://links.example.com/",
        )
        cs.save_settings(s, manager, new, now=clock.now())
    with seeded.read() as s:
        got = cs.load_settings(s)
        assert got.quiet_start == time(20, 30) and got.daily_budget_per_number == 2
        assert got.allow_procedure_names and got.sms_provider == "twilio"
        assert got.clinic_phone == "+16175550199"  # stored in E.164
        assert got.public_base_url == "https://links.example.com"
        assert cs.public_base_url(s, env={}) == "https://links.example.com"
        assert (
            cs.public_base_url(s, env={cs.PUBLIC_BASE_URL_ENV: "https://x.example/"}) == "https://x.example"
        )
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"quiet_start": time(21), "quiet_end": time(21)}, "quiet_start", "same time (21:00)"),
        ({"daily_budget_per_number": 0}, "daily_budget_per_number", "at least 1 message"),
        ({"weekly_budget_per_number": 0}, "weekly_budget_per_number", "weekly budget"),
        (
            {"daily_budget_per_number": 9, "weekly_budget_per_number": 4},
            "daily_budget_per_number",
            "cannot exceed",
        ),
        (
            {"sms_provider": "twilio", "twilio_account_sid": "AC" + "0" * 32, "twilio_from": "617 555 0100"},
            "twilio_from",
            "E.164",
        ),
        (
            {"sms_provider": "twilio", "twilio_account_sid": "nope", "twilio_from": "+16175550100"},
            "twilio_account_sid",
            "account SID",
        ),
        (
            {"sms_provider": "twilio", "twilio_account_sid": "AC" + "0" * 32},
            "twilio_from",
            "messaging service",
        ),
        ({"email_provider": "sendgrid", "sendgrid_from": "frontdesk"}, "sendgrid_from", "sender address"),
        ({"public_base_url": "links.example.com"}, "public_base_url", "http"),
        ({"clinic_name": "  "}, "clinic_name", "clinic name is required"),
        ({"clinic_phone": "12"}, "clinic_phone", "phone"),
        ({"waitlist_hold_minutes": 5}, "waitlist_hold_minutes", "waitlist hold"),
        ({"waitlist_hold_minutes": 25 * 60}, "waitlist_hold_minutes", "at most 24 hours"),
        ({"waitlist_max_offers": 0}, "waitlist_max_offers", "offers per waitlist entry"),
        ({"waitlist_max_offers": 11}, "waitlist_max_offers", "at most 10"),
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_saved(seeded, clock, manager, change, field, words):
    with seeded.read() as s:
        bad = replace(cs.load_settings(s), **change)
    with pytest.raises(ValidationError) as err, seeded.write() as s:
        cs.save_settings(s, manager, bad, now=clock.now())
    assert err.value.field == field and words in str(err.value)
    with seeded.read() as s:
        assert s.scalar(select(func.count()).select_from(ClinicSetting)) == 0
        assert s.scalar(select(Clinic.name)) == "Test Ortho"


def test_a_receptionist_may_not_change_settings(seeded, clock, receptionist):
    with pytest.raises(PermissionDenied, match="ask a manager"), seeded.write() as s:
        cs.save_settings(s, receptionist, cs.load_settings(s), now=clock.now())


def test_secrets_go_to_the_keyring_never_the_database(seeded, clock, manager, memory_keyring):
    assert cs.keyring_usable()
    cs.store_secret("ORCA_DESK_TWILIO_AUTH_TOKEN", "tok-123")
    assert memory_keyring.store[("Orca Desk", "ORCA_DESK_TWILIO_AUTH_TOKEN")] == "tok-123"
    assert cs.secret_source("ORCA_DESK_TWILIO_AUTH_TOKEN", env={}) == "keyring"
    assert (
        cs.secret_source("ORCA_DESK_TWILIO_AUTH_TOKEN", env={"ORCA_DESK_TWILIO_AUTH_TOKEN": "e"})
        == "environment"
    )
    with seeded.write() as s:
        settings = replace(
            cs.load_settings(s),
            sms_provider="twilio",
            twilio_account_sid="AC" + "b" * 32,
            twilio_from="+16175550111",
        )
        cs.save_settings(s, manager, settings, now=clock.now())
        values = " ".join(s.scalars(select(ClinicSetting.value)))
    assert "tok-123" not in values
    env = cs.provider_environment(settings, env={"ORCA_DESK_TWILIO_FROM": "+16175550999"})
    assert env["ORCA_DESK_TWILIO_AUTH_TOKEN"] == "tok-123"
    assert env["ORCA_DESK_TWILIO_FROM"] == "+16175550999"  # the environment wins
    assert env["ORCA_DESK_SMS_PROVIDER"] == "twilio"
    cs.store_secret("ORCA_DESK_TWILIO_AUTH_TOKEN", "")
    assert cs.secret_source("ORCA_DESK_TWILIO_AUTH_TOKEN", env={}) == "missing"


def test_without_a_keyring_secrets_cannot_be_stored(no_keyring):
    assert not cs.keyring_usable()
    assert cs.read_secret("ORCA_DESK_SENDGRID_API_KEY") is None
    with pytest.raises(ValidationError, match="environment variable ORCA_DESK_SENDGRID_API_KEY"):
        cs.store_secret("ORCA_DESK_SENDGRID_API_KEY", "SG.x")


def test_secrets_stored_together_report_each_refusal(memory_keyring):
    assert cs.store_secrets({}) == []
    problems = cs.store_secrets({"ORCA_DESK_TWILIO_AUTH_TOKEN": "t", "NOT_A_SECRET": "x"})
    assert problems == ["Unknown secret 'NOT_A_SECRET'."]
    assert memory_keyring.store[("Orca Desk", "ORCA_DESK_TWILIO_AUTH_TOKEN")] == "t"


def test_link_secret_file_is_private_and_stable(tmp_path, no_keyring):
    first = patient_links.link_secret(env={}, data_dir=tmp_path)
    assert len(first) >= 32
    path = tmp_path / "link-secret"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert patient_links.link_secret(env={}, data_dir=tmp_path) == first
    assert "readable only by you" in patient_links.link_secret_location(env={}, data_dir=tmp_path)
    assert patient_links.link_secret(env={"ORCA_DESK_LINK_SECRET": "x" * 20}) == b"x" * 20
    with pytest.raises(ValidationError, match="at least 16"):
        patient_links.link_secret(env={"ORCA_DESK_LINK_SECRET": "short"})


def test_link_secret_lives_in_the_keyring_when_there_is_one(tmp_path, memory_keyring):
    secret = patient_links.link_secret(env={}, data_dir=tmp_path)
    assert memory_keyring.store[("Orca Desk", "ORCA_DESK_LINK_SECRET")].encode() == secret
    assert not (tmp_path / "link-secret").exists()
    assert patient_links.link_secret(env={}, data_dir=tmp_path) == secret


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"clinic_phone": "abc"}, "clinic_phone", "not a phone number"),
        ({"clinic_phone": "1" * 500}, "clinic_phone", "not a phone number"),
        ({"clinic_name": "N" * 121}, "clinic_name", "at most 120"),
        ({"clinic_name": "Ortho\x00"}, "clinic_name", "control characters"),
        ({"public_base_url": "https://x.example/" + "p" * 3000}, "public_base_url", "at most 2000"),
        ({"sendgrid_from": "a\x00@example.com", "email_provider": "sendgrid"}, "sendgrid_from", "control"),
        ({"daily_budget_per_number": "3"}, "daily_budget_per_number", "whole number"),
        ({"weekly_budget_per_number": True}, "weekly_budget_per_number", "whole number"),
        ({"quiet_start": "21:00"}, "quiet_start", "time of day"),
        ({"allow_procedure_names": "yes"}, "allow_procedure_names", "yes or no"),
        ({"clinic_name": None}, "clinic_name", "must be text"),
        ({"sms_provider": "x" * 5000}, "sms_provider", "at most"),
    ],
)
def test_malformed_settings_are_refused_naming_the_field(seeded, clock, manager, change, field, words):
    with seeded.read() as s:
        bad = replace(cs.load_settings(s), **change)
    with pytest.raises(ValidationError, match=words) as err, seeded.write() as s:
        cs.save_settings(s, manager, bad, now=clock.now())
    assert err.value.field == field
    with seeded.read() as s:
        assert s.scalar(select(func.count()).select_from(ClinicSetting)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0
        assert s.scalar(select(Clinic.name)) == "Test Ortho"


def test_email_rate_is_a_validated_setting_and_the_clinic_names_the_sender(db, manager, clock):
    with db.write() as s:
        make_world(s)
        base = replace(cs.load_settings(s), clinic_name="Smile Ortho", clinic_phone="+16175550100")
        assert base.email_rate_per_second == 1.0  # SendGrid's old fixed pace is the default
        for bad in (0.0, -1.0, 1000.0):
            with pytest.raises(ValidationError, match="Emails per second") as raised:
                cs.save_settings(s, manager, replace(base, email_rate_per_second=bad), now=clock.now())
            assert raised.value.field == "email_rate_per_second"
        cs.save_settings(s, manager, replace(base, email_rate_per_second=5.0), now=clock.now())
    with db.read() as s:
        saved = cs.load_settings(s)
    assert saved.email_rate_per_second == 5.0
    env = cs.provider_environment(saved, env={}, secret_reader=lambda _n: None)
    assert env["ORCA_DESK_EMAIL_RATE"] == "5.0"
    assert env["ORCA_DESK_SENDGRID_FROM_NAME"] == "Smile Ortho"
    env = cs.provider_environment(saved, env={"ORCA_DESK_EMAIL_RATE": "2"}, secret_reader=lambda _n: None)
    assert env["ORCA_DESK_EMAIL_RATE"] == "2"  # the environment wins


def test_a_messaging_services_inbound_numbers_can_be_saved_in_settings(db, manager, clock):
    with db.write() as s:
        make_world(s)
        base = replace(
            cs.load_settings(s),
            sms_provider="twilio",
            twilio_account_sid="AC" + "a" * 32,
            twilio_messaging_service_sid="MG" + "b" * 32,
        )
        with pytest.raises(ValidationError, match="reply numbers") as raised:
            cs.save_settings(s, manager, replace(base, twilio_inbound_numbers="+1617, abc"), now=clock.now())
        assert raised.value.field == "twilio_inbound_numbers"
        cs.save_settings(
            s, manager, replace(base, twilio_inbound_numbers="+16175550100, +16175550101"), now=clock.now()
        )
    with db.read() as s:
        saved = cs.load_settings(s)
    env = cs.provider_environment(saved, env={}, secret_reader=lambda _n: None)
    assert env["ORCA_DESK_TWILIO_INBOUND_NUMBERS"] == "+16175550100, +16175550101"


def test_loading_sees_the_sessions_pending_changes_and_each_new_value(db):
    stamp = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    with db.write() as s:
        make_world(s)
        assert cs.load_settings(s).waitlist_max_offers == 3
        s.add(ClinicSetting(key="waitlist_max_offers", value="5", updated_at=stamp))
        # Not flushed yet: loading flushes it first, as a query of the session would.
        assert cs.load_settings(s).waitlist_max_offers == 5
    with db.write() as s:
        s.get(ClinicSetting, "waitlist_max_offers").value = "7"
        s.get(Clinic, s.scalars(select(Clinic.id)).first()).name = "Renamed"
        loaded = cs.load_settings(s)
    assert (loaded.waitlist_max_offers, loaded.clinic_name) == (7, "Renamed")
    with db.read() as s:
        assert cs.load_settings(s) is cs.load_settings(s)  # unchanged rows: the same parsed settings
