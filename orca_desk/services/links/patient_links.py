"""Patient links: the URLs in messages (signed tokens, no patient data) and their signing secret."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orca_desk.config import default_data_dir
from orca_desk.models.messaging import ContactState
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.errors import ValidationError
from orca_desk.services.links.link_tokens import (
    MIN_SECRET_BYTES,
    SHORT_EPOCH,
    SHORT_EXPIRY_LIMIT,
    make_short_token,
    make_token,
)

LINK_SECRET_ENV = "ORCA_DESK_LINK_SECRET"
PUBLIC_BASE_URL_ENV = clinic_settings.PUBLIC_BASE_URL_ENV
DEFAULT_PUBLIC_BASE_URL = clinic_settings.DEFAULT_PUBLIC_BASE_URL
LINK_SECRET_FILE = "link-secret"

# Link purposes. A feature that serves another purpose registers a handler for it in the
# gateway (orca_desk.gateway.make_app(handlers=…)).
CONFIRM = "confirm"
DECLINE = "decline"
CALLBACK = "callback"
WAITLIST_ACCEPT = "waitlist_accept"
WAITLIST_DECLINE = "waitlist_decline"
UNSUBSCRIBE = "unsubscribe"
RESCHEDULE = "reschedule"  # /r/<token>: the family moves or cancels the visit (gateway family pages)
ICAL = "ical"

# The short form of a link, /<letter>/<short token>, keeps a reminder or an offer within one
# SMS segment. One letter per purpose; the purpose is under the token's MAC, so a
# token never works under another letter. Purposes without a letter (the iCal feeds, a
# feature's own) keep the long form /l/<purpose>/<token>, which the gateway also still serves
# for links sent before the short form existed.
SHORT_LETTERS: Mapping[str, str] = MappingProxyType(
    {
        CONFIRM: "c",
        DECLINE: "d",
        CALLBACK: "b",
        WAITLIST_ACCEPT: "o",
        WAITLIST_DECLINE: "p",
        UNSUBSCRIBE: "u",
        RESCHEDULE: "r",
    }
)
SHORT_PURPOSES: Mapping[str, str] = MappingProxyType({v: k for k, v in SHORT_LETTERS.items()})

UNSUBSCRIBE_VALIDITY = timedelta(days=400)
ICAL_VALIDITY = timedelta(days=3 * 365)


def link_path(purpose: str, token: str) -> str:
    """The path part of a long-form link (iCal feeds end in .ics so calendar apps recognise them)."""
    if purpose == ICAL:
        return f"/ical/{token}.ics"
    return f"/l/{purpose}/{token}"


def short_link_path(purpose: str, token: str) -> str:
    """The path part of a short link, ``/o/<token>`` for an offer (``purpose`` must have a letter)."""
    return f"/{SHORT_LETTERS[purpose]}/{token}"


def link_for(purpose: str, subject_id: int, expires_at: datetime, *, secret: bytes, base_url: str) -> str:
    """A patient link for ``purpose`` about record ``subject_id`` (an appointment, an offer…).

    The URL carries a signed token with the record's id, the expiry and a random nonce (the
    purpose is signed with it); nothing about the patient. Purposes in ``SHORT_LETTERS`` get
    the short form (``https://host/c/`` + 24 characters for ids under two million) unless the
    expiry is beyond what it can carry. For waitlist offers ``expires_at`` is the end of the
    hold; for confirmations, the visit's start.
    """
    if purpose in SHORT_LETTERS and SHORT_EPOCH <= expires_at <= SHORT_EXPIRY_LIMIT:
        token = make_short_token(secret, purpose, subject_id, expires_at)
        return base_url.rstrip("/") + short_link_path(purpose, token)
    token = make_token(secret, purpose, subject_id, expires_at)
    return base_url.rstrip("/") + link_path(purpose, token)


def unsubscribe_link_for(
    session: Session, channel: str, address: str, *, secret: bytes, base_url: str, now: datetime
) -> str:
    """An unsubscribe link for one email address or phone number (the link names its contact row)."""
    if channel not in ("sms", "email"):
        raise ValidationError(f"Unknown channel {channel!r}.", field="channel")
    address = address.strip().lower() if channel == "email" else address.strip()
    if not address:
        raise ValidationError("An unsubscribe link needs an address.", field="address")
    state = contact_state_for(session, channel, address, now=now)
    return link_for(UNSUBSCRIBE, state.id, now + UNSUBSCRIBE_VALIDITY, secret=secret, base_url=base_url)


def contact_state_for(session: Session, channel: str, address: str, *, now: datetime) -> ContactState:
    """The contact row of an address, created when missing (safe when two desks race)."""
    query = select(ContactState).where(ContactState.channel == channel, ContactState.address == address)
    state = session.scalar(query)
    if state is not None:
        return state
    try:
        with session.begin_nested():
            state = ContactState(channel=channel, address=address, opted_out=False, updated_at=now)
            session.add(state)
    except IntegrityError:
        state = session.scalar(query)
        assert state is not None
    return state


def ical_feed_link(provider_id: int, *, secret: bytes, base_url: str, now: datetime) -> str:
    """The secret iCal feed URL of one provider's appointments (valid three years; reusable)."""
    return link_for(ICAL, provider_id, now + ICAL_VALIDITY, secret=secret, base_url=base_url)


@dataclass(frozen=True)
class IcalFeed:
    """One provider's secret calendar feed, for the Settings screen."""

    provider_id: int
    provider_name: str
    url: str


def ical_feed_links(session: Session, *, secret: bytes, base_url: str, now: datetime) -> list[IcalFeed]:
    """Every active provider's feed URL, by name (each call signs fresh links; older ones stay valid)."""
    from orca_desk.models.clinic import Provider

    rows = session.execute(
        select(Provider.id, Provider.name)
        .where(Provider.is_active.is_(True))
        .order_by(Provider.name, Provider.id)
    )
    return [
        IcalFeed(id_, name, ical_feed_link(id_, secret=secret, base_url=base_url, now=now))
        for id_, name in rows
    ]


def public_base_url(session: Session | None = None, env: Mapping[str, str] | None = None) -> str:
    """``ORCA_DESK_PUBLIC_BASE_URL``, else the clinic setting, else http://127.0.0.1:8765."""
    return clinic_settings.public_base_url(session, env)


# --- The signing secret --------------------------------------------------------------------


def _secret_file(data_dir: Path | None) -> Path:
    return (data_dir or default_data_dir()) / LINK_SECRET_FILE


def _env_secret(env: Mapping[str, str]) -> bytes | None:
    raw = (env.get(LINK_SECRET_ENV) or "").strip()
    if not raw:
        return None
    secret = raw.encode("utf-8")
    if len(secret) < MIN_SECRET_BYTES:
        raise ValidationError(
            f"{LINK_SECRET_ENV} must be at least {MIN_SECRET_BYTES} characters "
            "(32 random characters are better).",
            field=LINK_SECRET_ENV,
        )
    return secret


def _file_secret(path: Path) -> bytes:
    """Read the secret file, creating it (mode 0600, atomically) when it does not exist yet."""
    try:
        return _read_or_create_secret(path)
    except OSError as exc:  # a read-only home or data folder
        raise ValidationError(
            f"Cannot keep the link-signing secret in {path}: {(exc.strerror or str(exc)).lower()}. "
            f"Set {LINK_SECRET_ENV} (the same value on every desk, worker and gateway of this "
            "database) or make that folder writable.",
            field=LINK_SECRET_ENV,
        ) from None


def _read_or_create_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="ascii").strip()
        if len(text) < 2 * MIN_SECRET_BYTES:
            raise ValidationError(
                f"The link secret file {path} is damaged; delete it to make a new "
                "one (links already sent stop working)."
            ) from None
        return text.encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32))
    with contextlib.suppress(OSError):  # Windows ignores POSIX modes; its ACLs keep it per-user
        os.chmod(path, 0o600)
    return path.read_text(encoding="ascii").strip().encode("ascii")


def link_secret(env: Mapping[str, str] | None = None, *, data_dir: Path | None = None) -> bytes:
    """The key that signs patient links, never stored in the database.

    ``ORCA_DESK_LINK_SECRET`` when set (every desk, worker and gateway that shares a database
    must use the same value); else the one in the OS keyring, generated there the first
    time; where there is no keyring (headless Linux, CI), a file in the user data
    directory readable only by its owner (0600), generated the first time.
    """
    env = os.environ if env is None else env
    from_env = _env_secret(env)
    if from_env is not None:
        return from_env
    if clinic_settings.keyring_usable():
        stored = clinic_settings.read_secret(clinic_settings.LINK_SECRET_KEY)
        if stored:
            return stored.encode("ascii")
        try:
            clinic_settings.store_secret(clinic_settings.LINK_SECRET_KEY, secrets.token_hex(32))
            stored = clinic_settings.read_secret(clinic_settings.LINK_SECRET_KEY)
        except ValidationError:
            stored = None
        if stored:
            return stored.encode("ascii")
    return _file_secret(_secret_file(data_dir))


def link_secret_location(env: Mapping[str, str] | None = None, *, data_dir: Path | None = None) -> str:
    """Where the link secret comes from, in a sentence for the Settings screen."""
    env = os.environ if env is None else env
    if (env.get(LINK_SECRET_ENV) or "").strip():
        return f"from the environment variable {LINK_SECRET_ENV}"
    if clinic_settings.keyring_usable():
        return f"in the OS keyring ({clinic_settings.keyring_name()}), entry {LINK_SECRET_ENV!r}"
    return (
        f"in the file {_secret_file(data_dir)} (readable only by you; there is no OS keyring "
        "on this computer)"
    )
