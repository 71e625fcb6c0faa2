"""Orca Desk's own ids in exported files (``orca:42``), so an export imports back onto the same rows."""

from __future__ import annotations

OWN_ID_PREFIX = "orca:"


def own_id(primary_key: int) -> str:
    return f"{OWN_ID_PREFIX}{primary_key}"


def parse_own_id(text: str | None) -> int | None:
    """The primary key an ``orca:N`` id names; None for any other id (another system's)."""
    if not text or not text.startswith(OWN_ID_PREFIX):
        return None
    digits = text[len(OWN_ID_PREFIX) :]
    return int(digits) if digits.isdigit() else None
