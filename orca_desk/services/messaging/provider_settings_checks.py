"""The checks of the clinic's message providers (Twilio, SendGrid) and link addresses in its settings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from orca_desk.services.clinic.clinic_settings import ClinicSettings

SMS_PROVIDERS = ("local", "twilio")
EMAIL_PROVIDERS = ("local", "sendgrid")

_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMAIL_RATE_RANGE = (0.1, 100.0)  # per second


def url_problem(value: str, label: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{label} must start with http:// or https:// and name a host, not {value!r}."
    if parts.query or parts.fragment:
        return f"{label} cannot contain '?' or '#': {value!r}."
    return None


def provider_problems(s: ClinicSettings) -> list[tuple[str, str]]:
    """The SMS and email providers' settings, as (field, message) like ``settings_problems``."""
    out: list[tuple[str, str]] = []
    if s.sms_provider not in SMS_PROVIDERS:
        out.append(("sms_provider", f"SMS provider must be local or twilio, not {s.sms_provider!r}."))
    if s.sms_provider == "twilio":
        if not _ACCOUNT_SID.match(s.twilio_account_sid.strip()):
            out.append(
                (
                    "twilio_account_sid",
                    "The Twilio account SID is 'AC' followed by 32 hex digits (see the Twilio console).",
                )
            )
        sender, service = s.twilio_from.strip(), s.twilio_messaging_service_sid.strip()
        if not sender and not service:
            out.append(
                (
                    "twilio_from",
                    "Give the clinic's Twilio number (E.164, e.g. +15551234567) or a messaging service SID.",
                )
            )
        if sender and not _E164.match(sender):
            out.append(
                (
                    "twilio_from",
                    f"The Twilio 'from' number {sender!r} is not in E.164 form; write it like +15551234567.",
                )
            )
        if service and not _SERVICE_SID.match(service):
            out.append(
                ("twilio_messaging_service_sid", "A messaging service SID is 'MG' followed by 32 hex digits.")
            )
        bad = [
            n.strip() for n in s.twilio_inbound_numbers.split(",") if n.strip() and not _E164.match(n.strip())
        ]
        if bad:
            out.append(
                (
                    "twilio_inbound_numbers",
                    f"The reply numbers must be E.164 numbers separated by commas, like "
                    f"+15551234567; not {', '.join(bad)}.",
                )
            )
    if s.twilio_base_url.strip():
        problem = url_problem(s.twilio_base_url.strip(), "The Twilio base URL")
        if problem:
            out.append(("twilio_base_url", problem))
    if s.email_provider not in EMAIL_PROVIDERS:
        out.append(("email_provider", f"Email provider must be local or sendgrid, not {s.email_provider!r}."))
    if s.email_provider == "sendgrid" and not _EMAIL.match(s.sendgrid_from.strip()):
        out.append(
            ("sendgrid_from", "Give the clinic's sender address for SendGrid, e.g. frontdesk@yourclinic.com.")
        )
    if s.sendgrid_base_url.strip():
        problem = url_problem(s.sendgrid_base_url.strip(), "The SendGrid base URL")
        if problem:
            out.append(("sendgrid_base_url", problem))
    low, high = _EMAIL_RATE_RANGE
    if not low <= s.email_rate_per_second <= high:
        out.append(
            (
                "email_rate_per_second",
                f"Emails per second must be between {low:g} and "
                f"{high:g} (it is {s.email_rate_per_second:g}).",
            )
        )
    return out
