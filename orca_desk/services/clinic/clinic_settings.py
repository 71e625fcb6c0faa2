"""Clinic settings: typed, validated values in the database; provider secrets in the OS keyring."""

from __future__ import annotations

import contextlib
import ipaddress
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.db import CachedSelect
from orca_desk.models.clinic import Clinic
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.services.access import audit
from orca_desk.services.access.security import ADMIN, MANAGE_CAMPAIGNS, Actor
from orca_desk.services.errors import NotFound, PermissionDenied, ValidationError
from orca_desk.services.inputs import check_text, column_length
from orca_desk.services.messaging.policy import MessagingPolicy
from orca_desk.services.messaging.provider_settings_checks import provider_problems, url_problem
from orca_desk.services.messaging.providers import config as provider_env
from orca_desk.services.patients.patients import clinic_country, normalise_phone

# Managers and administrators hold this permission (receptionists do not).
SETTINGS_PERMISSION = MANAGE_CAMPAIGNS

PUBLIC_BASE_URL_ENV = "ORCA_DESK_PUBLIC_BASE_URL"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8765"

_MAX_BUDGET = 100
# The waitlist hold: at least the shortest hold an offer is made with (waitlist.min_hold),
# at most a day, and the number of openings one waitlist entry may be offered.
WAITLIST_HOLD_RANGE = (15, 24 * 60)  # minutes
WAITLIST_MAX_OFFERS_RANGE = (1, 10)


@dataclass(frozen=True)
class ClinicSettings:
    """Every non-secret setting the Settings screen edits, with its default."""

    clinic_name: str = ""
    clinic_phone: str = ""
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    daily_budget_per_number: int = 3
    weekly_budget_per_number: int = 8
    allow_procedure_names: bool = False
    sms_provider: str = "local"
    twilio_account_sid: str = ""
    twilio_from: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_inbound_numbers: str = ""  # comma-separated E.164: where replies arrive (a service)
    twilio_base_url: str = ""  # empty: the real Twilio API
    email_provider: str = "local"
    sendgrid_from: str = ""
    sendgrid_base_url: str = ""  # empty: the real SendGrid API
    email_rate_per_second: float = 1.0  # SendGrid's pace (ORCA_DESK_EMAIL_RATE wins)
    public_base_url: str = DEFAULT_PUBLIC_BASE_URL
    waitlist_hold_minutes: int = 120  # how long an offered opening is held for the family
    waitlist_max_offers: int = 3  # openings one waitlist entry may be offered
    backup_folder: str = ""  # the daily automatic backup of a local database goes here; "" = none
    time_format: str = ""  # "12h" or "24h" for every time shown; "" = the clinic country's custom

    def policy(self) -> MessagingPolicy:
        """The messaging policy these settings describe (consent for SMS is always required)."""
        return MessagingPolicy(
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
            daily_budget_per_number=self.daily_budget_per_number,
            weekly_budget_per_number=self.weekly_budget_per_number,
            allow_procedure_names=self.allow_procedure_names,
            max_offers_per_waitlist_entry=self.waitlist_max_offers,
        )

    @property
    def waitlist_hold(self) -> timedelta:
        return timedelta(minutes=self.waitlist_hold_minutes)


# Stored in the clinic row, not in clinic_setting.
_CLINIC_FIELDS = ("clinic_name", "clinic_phone")
_DEFAULTS = ClinicSettings()


def _serialise(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _parse(raw: str, default: Any) -> Any:
    """The stored text as the type of ``default``; a damaged value falls back to the default."""
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in ("true", "1", "yes")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            value = float(raw)
            return value if math.isfinite(value) else default
        if isinstance(default, time):
            return time.fromisoformat(raw)
    except ValueError:
        return default
    return raw


def load_settings(session: Session) -> ClinicSettings:
    """The clinic's settings; anything never saved has its default."""
    # Plain rows, the parse reused while they are unchanged: matching and the screens read the
    # settings on every load. (Pending changes are flushed first, as a query of the session would.)
    if session.autoflush:
        session.flush()
    conn = session.connection()
    found = (tuple(_STORED.rows(conn)), tuple(_CLINIC.rows(conn)))
    last = _PARSED.get("last")
    if last is not None and last[0] == found:
        return last[1]
    stored: dict[str, str] = dict(found[0])
    values: dict[str, Any] = {}
    for f in fields(ClinicSettings):
        if f.name in _CLINIC_FIELDS:
            continue
        if f.name in stored:
            values[f.name] = _parse(stored[f.name], getattr(_DEFAULTS, f.name))
    if found[1]:
        values["clinic_name"], values["clinic_phone"] = found[1][0]
    parsed = replace(_DEFAULTS, **values)
    _PARSED["last"] = (found, parsed)  # frozen: the same settings serve every reader
    return parsed


_STORED = CachedSelect(select(ClinicSetting.key, ClinicSetting.value))
_CLINIC = CachedSelect(select(Clinic.name, Clinic.phone).order_by(Clinic.id).limit(1))
# The rows last read and the settings parsed from them (one tuple: replaced whole).
_PARSED: dict[str, tuple[Any, ClinicSettings]] = {}


def messaging_policy(session: Session) -> MessagingPolicy:
    """The clinic's messaging policy (quiet hours, budgets, procedure names)."""
    return load_settings(session).policy()


# No setting's text is longer (URLs included); the clinic's name has its column's length.
_MAX_TEXT = 2000
_LABELS = {
    "clinic_name": "The clinic name",
    "clinic_phone": "The clinic phone",
    "public_base_url": "The public link address",
    "twilio_base_url": "The Twilio base URL",
    "sendgrid_base_url": "The SendGrid base URL",
    "sendgrid_from": "The SendGrid sender address",
    "twilio_from": "The Twilio 'from' number",
    "twilio_account_sid": "The Twilio account SID",
    "twilio_messaging_service_sid": "The messaging service SID",
    "backup_folder": "The backup folder",
}


def _label(name: str) -> str:
    return _LABELS.get(name, "The " + name.replace("_", " "))


def _shape_problems(s: ClinicSettings) -> list[tuple[str, str]]:
    """Values of the wrong type, over-long or with control characters (checked before anything else)."""
    out: list[tuple[str, str]] = []
    for f in fields(ClinicSettings):
        value, default, label = getattr(s, f.name), getattr(_DEFAULTS, f.name), _label(f.name)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                out.append((f.name, f"{label} must be yes or no, not {value!r:.40}."))
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                out.append((f.name, f"{label} must be a whole number, not {value!r:.40}."))
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                out.append((f.name, f"{label} must be a number, not {value!r:.40}."))
        elif isinstance(default, time):
            if not isinstance(value, time):
                out.append((f.name, f"{label} must be a time of day, not {value!r:.40}."))
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                out.append((f.name, f"{label} must be a number, not {value!r:.40}."))
        elif f.name == "clinic_phone" and isinstance(value, str):
            continue  # the phone check names what is wrong
        elif isinstance(default, str):
            limit = column_length(Clinic.name) if f.name == "clinic_name" else _MAX_TEXT
            try:
                check_text(value, field=f.name, label=label, max_length=limit)
            except ValidationError as exc:
                out.append((f.name, str(exc)))
    return out


def settings_problems(s: ClinicSettings, *, region: str = "US") -> list[tuple[str, str]]:
    """Every problem as (field, message a practice manager understands); empty when valid."""
    if not isinstance(s, ClinicSettings):
        return [("settings", "These are not the clinic's settings.")]
    out = _shape_problems(s)
    if out:
        return out
    if not s.clinic_name.strip():
        out.append(("clinic_name", "The clinic name is required: patients see it on every page."))
    if s.clinic_phone.strip():
        try:
            normalise_phone(s.clinic_phone, region=region, field="clinic_phone")
        except ValidationError as exc:
            out.append(("clinic_phone", f"Clinic phone: {exc}"))
    else:
        out.append(("clinic_phone", "The clinic phone is required: patients are told to call it."))
    if s.quiet_start == s.quiet_end:
        out.append(
            (
                "quiet_start",
                f"Quiet hours start and end at the same time "
                f"({s.quiet_start:%H:%M}); choose different times, "
                "e.g. 21:00 to 08:00.",
            )
        )
    for name, label in (("daily_budget_per_number", "daily"), ("weekly_budget_per_number", "weekly")):
        value = getattr(s, name)
        if value < 1:
            out.append(
                (name, f"The {label} budget per phone number must be at least 1 message (it is {value}).")
            )
        elif value > _MAX_BUDGET:
            out.append((name, f"The {label} budget per phone number is at most {_MAX_BUDGET} messages."))
    if s.daily_budget_per_number > s.weekly_budget_per_number >= 1:
        out.append(
            ("daily_budget_per_number", "The daily budget per phone number cannot exceed the weekly budget.")
        )
    out += provider_problems(s)
    problem = url_problem(s.public_base_url.strip(), "The public link address")
    if problem:
        out.append(("public_base_url", problem))
    low, high = WAITLIST_HOLD_RANGE
    if not low <= s.waitlist_hold_minutes <= high:
        out.append(
            (
                "waitlist_hold_minutes",
                f"The waitlist hold must be at least {low} minutes and at most {high // 60} hours "
                f"(it is {s.waitlist_hold_minutes} minutes): families need time to answer, and "
                "the slot should not wait longer than a day.",
            )
        )
    low, high = WAITLIST_MAX_OFFERS_RANGE
    if not low <= s.waitlist_max_offers <= high:
        out.append(
            (
                "waitlist_max_offers",
                f"The offers per waitlist entry must be at least {low} and at most {high} "
                f"(it is {s.waitlist_max_offers}).",
            )
        )
    if s.time_format not in ("", "12h", "24h"):
        out.append(("time_format", f"The time format must be 12-hour or 24-hour (it is {s.time_format!r})."))
    problem = backup_folder_problem(s.backup_folder)
    if problem:
        out.append(("backup_folder", problem))
    return out


def backup_folder_problem(value: str) -> str | None:
    """Why ``value`` cannot hold the daily backups (None: it can, or no folder is chosen)."""
    value = value.strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute():
        return (
            f"The backup folder must be a full path (e.g. D:\\Backups\\Orca or /home/clinic/backups), "
            f"not {value!r}."
        )
    if not path.is_dir():
        return f"The backup folder {value!r} does not exist; create it first or choose another."
    if not os.access(path, os.W_OK | os.X_OK):
        return f"The backup folder {value!r} cannot be written to by this computer's user."
    return None


def validate_settings(s: ClinicSettings, *, region: str = "US") -> None:
    """Raise ``ValidationError`` (``field`` = the first wrong field) listing every problem."""
    problems = settings_problems(s, region=region)
    if problems:
        raise ValidationError(" ".join(m for _, m in problems), field=problems[0][0])


def _require_permission(actor: Actor) -> None:
    if not (actor.can(SETTINGS_PERMISSION) or actor.can(ADMIN)):
        raise PermissionDenied(
            f"{actor.display_name or actor.username} may not change the clinic's settings; ask a manager."
        )


def save_settings(session: Session, actor: Actor, new: ClinicSettings, *, now: datetime) -> ClinicSettings:
    """Validate and store every setting (nothing is stored when one is wrong); audited."""
    _require_permission(actor)
    region = clinic_country(session)
    validate_settings(new, region=region)  # the type of every value first: strip() below needs text
    cleaned = replace(
        new,
        **{
            f.name: getattr(new, f.name).strip()
            for f in fields(ClinicSettings)
            if isinstance(getattr(new, f.name), str)
        },
    )
    validate_settings(cleaned, region=region)
    cleaned = replace(
        cleaned,
        clinic_phone=normalise_phone(cleaned.clinic_phone, region=region) or "",
        public_base_url=cleaned.public_base_url.rstrip("/"),
        backup_folder=(str(Path(cleaned.backup_folder).expanduser()) if cleaned.backup_folder else ""),
    )
    before = load_settings(session)
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1).with_for_update())
    if clinic is None:
        raise NotFound("There is no clinic in this database yet.")
    clinic.name, clinic.phone = cleaned.clinic_name, cleaned.clinic_phone
    stored = {row.key: row for row in session.scalars(select(ClinicSetting))}
    for f in fields(ClinicSettings):
        if f.name in _CLINIC_FIELDS:
            continue
        text = _serialise(getattr(cleaned, f.name))
        row = stored.get(f.name)
        if row is None:
            session.add(ClinicSetting(key=f.name, value=text, updated_at=now, updated_by=actor.username))
        elif row.value != text:
            row.value, row.updated_at, row.updated_by = text, now, actor.username
    session.flush()
    changed_before = {k: _serialise(v) for k, v in asdict(before).items() if v != getattr(cleaned, k)}
    changed_after = {k: _serialise(getattr(cleaned, k)) for k in changed_before}
    if changed_after:
        audit.record(
            session,
            actor,
            "update",
            "clinic_settings",
            clinic.id,
            now=now,
            before=changed_before,
            after=changed_after,
        )
    return cleaned


def public_base_url(
    session: Session | None = None,
    env: Mapping[str, str] | None = None,
    *,
    saved: ClinicSettings | None = None,
) -> str:
    """Where patient links point: ``ORCA_DESK_PUBLIC_BASE_URL``, else the setting (``saved``
    when the caller has already loaded the settings), else the default."""
    env = os.environ if env is None else env
    from_env = (env.get(PUBLIC_BASE_URL_ENV) or "").strip()
    if from_env:
        return from_env.rstrip("/")
    if saved is not None:
        return saved.public_base_url.rstrip("/")
    if session is not None:
        return load_settings(session).public_base_url.rstrip("/")
    return DEFAULT_PUBLIC_BASE_URL


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine itself (127.0.0.0/8, ::1, localhost)."""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def real_providers(provider_environment: Mapping[str, str]) -> list[str]:
    """The real (non-local) providers an ``ORCA_DESK_*`` mapping configures, e.g. ["Twilio"]."""
    out = []
    if (provider_environment.get(provider_env.SMS_PROVIDER) or "").strip().lower() == "twilio":
        out.append("Twilio")
    if (provider_environment.get(provider_env.EMAIL_PROVIDER) or "").strip().lower() == "sendgrid":
        out.append("SendGrid")
    return out


def loopback_link_warning(base_url: str, provider_environment: Mapping[str, str]) -> str | None:
    """A warning when real providers send messages whose links point at this machine itself.

    Families open the links on their own phones, where ``http://127.0.0.1`` is the phone;
    the links (and Twilio's status callbacks) only work at the gateway's public address.
    """
    real = real_providers(provider_environment)
    if not real or not is_loopback_url(base_url):
        return None
    return (
        f"Warning: messages go out through {' and '.join(real)}, but the public link address is "
        f"{base_url}, this computer itself: families cannot open those links. Set the public "
        f"address of the gateway in Settings (Patient links) or {PUBLIC_BASE_URL_ENV}."
    )


# --- Secrets (OS keyring, never the database) -------------------------------------------------

KEYRING_SERVICE = "Orca Desk"
# The secrets the Settings screen can store; each is named by its environment variable.
SECRET_NAMES: tuple[str, ...] = (provider_env.TWILIO_AUTH_TOKEN, provider_env.SENDGRID_API_KEY)
SecretSource = Literal["environment", "keyring", "missing"]


def keyring_usable() -> bool:
    """Whether an OS keyring is there; headless Linux and CI only have keyring's ``fail`` backend."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - keyring is a dependency
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    # A chainer with nothing in its chain is the fail backend in disguise.
    chain = getattr(backend, "backends", None)
    return not (chain is not None and not chain)


def keyring_name() -> str:
    """The keyring backend's name, for the Settings screen."""
    import keyring

    return str(getattr(keyring.get_keyring(), "name", type(keyring.get_keyring()).__name__))


def read_secret(name: str) -> str | None:
    """A secret from the OS keyring, or None (also when there is no keyring)."""
    if not keyring_usable():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except KeyringError:
        return None


def store_secret(name: str, value: str) -> None:
    """Put a secret in the OS keyring (an empty value deletes it); never in the database."""
    if name not in SECRET_NAMES and name != LINK_SECRET_KEY:
        raise ValidationError(f"Unknown secret {name!r}.", field="secret")
    if not keyring_usable():
        raise ValidationError(
            f"There is no OS keyring on this computer, so secrets cannot be saved here: set the "
            f"environment variable {name} instead.",
            field=name,
        )
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if value.strip():
            keyring.set_password(KEYRING_SERVICE, name, value.strip())
        else:
            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, name)
    except KeyringError as exc:
        raise ValidationError(f"The OS keyring refused to store {name}: {exc}", field=name) from exc


def store_secrets(secrets: Mapping[str, str]) -> list[str]:
    """Store each secret (``store_secret``); what the keyring refused, one message each (none: all
    stored). A form saves its settings first and then its secrets, so one refusal must not undo
    the settings."""
    problems = []
    for name, value in secrets.items():
        try:
            store_secret(name, value)
        except ValidationError as exc:
            problems.append(str(exc))
    return problems


def secret_source(name: str, env: Mapping[str, str] | None = None) -> SecretSource:
    """Where a secret would come from: the environment wins over the keyring."""
    env = os.environ if env is None else env
    if (env.get(name) or "").strip():
        return "environment"
    if read_secret(name):
        return "keyring"
    return "missing"


def provider_environment(
    settings: ClinicSettings,
    env: Mapping[str, str] | None = None,
    *,
    secret_reader: Callable[[str], str | None] = read_secret,
) -> dict[str, str]:
    """The ``ORCA_DESK_*`` mapping for ``providers.config.providers_from_env``.

    Settings fill the variables, secrets come from the keyring, and any variable set in the
    real environment wins over both (deployments configure by environment).
    """
    env = os.environ if env is None else env
    merged: dict[str, str] = {
        provider_env.SMS_PROVIDER: settings.sms_provider,
        provider_env.TWILIO_ACCOUNT_SID: settings.twilio_account_sid,
        provider_env.TWILIO_FROM: settings.twilio_from,
        provider_env.TWILIO_MESSAGING_SERVICE_SID: settings.twilio_messaging_service_sid,
        provider_env.TWILIO_INBOUND_NUMBERS: settings.twilio_inbound_numbers,
        provider_env.TWILIO_BASE_URL: settings.twilio_base_url,
        provider_env.EMAIL_PROVIDER: settings.email_provider,
        provider_env.SENDGRID_FROM: settings.sendgrid_from,
        provider_env.SENDGRID_BASE_URL: settings.sendgrid_base_url,
        provider_env.SENDGRID_FROM_NAME: settings.clinic_name.strip(),
        provider_env.EMAIL_RATE: _serialise(settings.email_rate_per_second),
    }
    for name in SECRET_NAMES:
        merged[name] = secret_reader(name) or ""
    for name in provider_env.ENV_VARIABLES:
        if (env.get(name) or "").strip():
            merged[name] = env[name].strip()
    return {k: v for k, v in merged.items() if v}


# The patient-link signing secret's keyring entry (services/links/patient_links.py manages it).
LINK_SECRET_KEY = "ORCA_DESK_LINK_SECRET"
