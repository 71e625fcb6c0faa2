"""Builds the SMS and email providers from ``ORCA_DESK_*`` environment variables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from orca_desk.services.messaging.providers.base import Provider, ProviderError
from orca_desk.services.messaging.providers.local import LocalProvider

# Twilio's and SendGrid's clients (and with them ``requests`` and ``urllib3``) load when one is
# built: Settings and every screen that reads the clinic's settings only need the names below.

# The variable names are a contract with deployment docs and Settings; do not rename.
SMS_PROVIDER = "ORCA_DESK_SMS_PROVIDER"
TWILIO_ACCOUNT_SID = "ORCA_DESK_TWILIO_ACCOUNT_SID"
TWILIO_AUTH_TOKEN = "ORCA_DESK_TWILIO_AUTH_TOKEN"
TWILIO_FROM = "ORCA_DESK_TWILIO_FROM"
TWILIO_MESSAGING_SERVICE_SID = "ORCA_DESK_TWILIO_MESSAGING_SERVICE_SID"
TWILIO_BASE_URL = "ORCA_DESK_TWILIO_BASE_URL"
# The numbers replies arrive at, comma-separated (a Messaging Service without a From number;
# unset: the account's SMS numbers are listed through the API).
TWILIO_INBOUND_NUMBERS = "ORCA_DESK_TWILIO_INBOUND_NUMBERS"
EMAIL_PROVIDER = "ORCA_DESK_EMAIL_PROVIDER"
SENDGRID_API_KEY = "ORCA_DESK_SENDGRID_API_KEY"
SENDGRID_FROM = "ORCA_DESK_SENDGRID_FROM"
SENDGRID_BASE_URL = "ORCA_DESK_SENDGRID_BASE_URL"
# The sender's display name (default: the clinic's name, from Settings).
SENDGRID_FROM_NAME = "ORCA_DESK_SENDGRID_FROM_NAME"
# Emails per second through SendGrid (default 1; Settings → Email provider).
EMAIL_RATE = "ORCA_DESK_EMAIL_RATE"
DEFAULT_EMAIL_RATE = 1.0
# SMS per second through Twilio (default 1: a long code's limit; a short code or a
# messaging service may allow more).
SMS_RATE = "ORCA_DESK_SMS_RATE"
DEFAULT_SMS_RATE = 1.0

ENV_VARIABLES: tuple[str, ...] = (
    SMS_PROVIDER,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_FROM,
    TWILIO_MESSAGING_SERVICE_SID,
    TWILIO_BASE_URL,
    TWILIO_INBOUND_NUMBERS,
    EMAIL_PROVIDER,
    SENDGRID_API_KEY,
    SENDGRID_FROM,
    SENDGRID_BASE_URL,
    SMS_RATE,
    SENDGRID_FROM_NAME,
    EMAIL_RATE,
)

_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _require(env: Mapping[str, str], name: str, why: str) -> str:
    value = _get(env, name)
    if not value:
        raise ProviderError(f"{name} is not set ({why})", variable=name)
    return value


def _base_url(env: Mapping[str, str], name: str, default: str) -> str:
    value = _get(env, name) or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProviderError(f"{name} must be an http(s) URL, not {value!r}", variable=name)
    return value


def _rate(env: Mapping[str, str], name: str, default: float) -> float:
    raw = _get(env, name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ProviderError(f"{name} must be a number, not {raw!r}", variable=name) from None
    if not value > 0 or value == float("inf"):
        raise ProviderError(f"{name} must be positive, not {raw!r}", variable=name)
    return value


def _choice(env: Mapping[str, str], name: str) -> str:
    value = (_get(env, name) or "local").lower()
    return value


def sms_provider_from_env(env: Mapping[str, str]) -> Provider:
    kind = _choice(env, SMS_PROVIDER)
    rate = _rate(env, SMS_RATE, DEFAULT_SMS_RATE)  # checked for local too: a typo is told at once
    if kind == "local":
        return LocalProvider("sms")
    if kind != "twilio":
        raise ProviderError(
            f"{SMS_PROVIDER} must be 'twilio' or 'local', not {kind!r}", variable=SMS_PROVIDER
        )
    sid = _require(env, TWILIO_ACCOUNT_SID, "the Twilio account SID, AC…")
    if not _ACCOUNT_SID.match(sid):
        raise ProviderError(
            f"{TWILIO_ACCOUNT_SID} must be 'AC' and 32 hex digits", variable=TWILIO_ACCOUNT_SID
        )
    token = _require(env, TWILIO_AUTH_TOKEN, "the Twilio auth token")
    from_number = _get(env, TWILIO_FROM) or None
    service_sid = _get(env, TWILIO_MESSAGING_SERVICE_SID) or None
    if from_number is None and service_sid is None:
        raise ProviderError(
            f"{TWILIO_FROM} is not set (or set {TWILIO_MESSAGING_SERVICE_SID})",
            variable=TWILIO_FROM,
        )
    if from_number is not None and not _E164.match(from_number):
        raise ProviderError(
            f"{TWILIO_FROM} must be an E.164 number such as +15551234567",
            variable=TWILIO_FROM,
        )
    if service_sid is not None and not _SERVICE_SID.match(service_sid):
        raise ProviderError(
            f"{TWILIO_MESSAGING_SERVICE_SID} must be 'MG' and 32 hex digits",
            variable=TWILIO_MESSAGING_SERVICE_SID,
        )
    from orca_desk.services.messaging.providers.twilio import DEFAULT_BASE_URL, TwilioProvider

    inbound = [n.strip() for n in _get(env, TWILIO_INBOUND_NUMBERS).split(",") if n.strip()]
    bad = [n for n in inbound if not _E164.match(n)]
    if bad:
        raise ProviderError(
            f"{TWILIO_INBOUND_NUMBERS} must list E.164 numbers such as +15551234567, "
            f"separated by commas; not {', '.join(bad)}",
            variable=TWILIO_INBOUND_NUMBERS,
        )
    return TwilioProvider(
        account_sid=sid,
        auth_token=token,
        from_number=from_number,
        messaging_service_sid=service_sid,
        base_url=_base_url(env, TWILIO_BASE_URL, DEFAULT_BASE_URL),
        rate_per_second=rate,
        inbound_numbers=inbound,
    )


def email_provider_from_env(env: Mapping[str, str]) -> Provider:
    kind = _choice(env, EMAIL_PROVIDER)
    rate = _rate(env, EMAIL_RATE, DEFAULT_EMAIL_RATE)  # checked for local too
    if kind == "local":
        return LocalProvider("email")
    if kind != "sendgrid":
        raise ProviderError(
            f"{EMAIL_PROVIDER} must be 'sendgrid' or 'local', not {kind!r}",
            variable=EMAIL_PROVIDER,
        )
    key = _require(env, SENDGRID_API_KEY, "the SendGrid API key")
    sender = _require(env, SENDGRID_FROM, "the clinic's sender address")
    if not _EMAIL.match(sender):
        raise ProviderError(
            f"{SENDGRID_FROM} must be an email address, not {sender!r}", variable=SENDGRID_FROM
        )
    from orca_desk.services.messaging.providers.sendgrid import DEFAULT_BASE_URL, SendGridProvider

    return SendGridProvider(
        api_key=key,
        from_email=sender,
        base_url=_base_url(env, SENDGRID_BASE_URL, DEFAULT_BASE_URL),
        rate_per_second=rate,
        from_name=_get(env, SENDGRID_FROM_NAME)[:100] or None,
    )


def providers_from_env(env: Mapping[str, str]) -> tuple[Provider, Provider]:
    """(sms, email) providers; ``local`` unless told otherwise. Raises ProviderError."""
    return sms_provider_from_env(env), email_provider_from_env(env)
