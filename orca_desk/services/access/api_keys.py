"""Clinic API keys: create (the key is shown once), list, revoke, and check a presented key.

A key reads ``orca_<prefix>_<secret>``: the prefix finds the row, and only the SHA-256 of the
secret is stored, so a copy of the database does not hold usable keys. A key's scopes are
permission names (``services.access.security``); the API acts as an :class:`Actor` holding exactly them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.api_key import ApiKey
from orca_desk.models.clinic import Clinic
from orca_desk.services.access import audit
from orca_desk.services.access.security import ADMIN, ALL_PERMISSIONS, Actor
from orca_desk.services.errors import NotFound, PermissionDenied, ValidationError

KEY_PREFIX = "orca"
MAX_NAME = 80
# What a key may be granted: any permission but administering the clinic (keys are made by admins).
SCOPES = ALL_PERMISSIONS - {ADMIN}


@dataclass(frozen=True)
class ApiKeyRow:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class CreatedKey:
    row: ApiKeyRow
    key: str  # shown once; only its hash is kept


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _row(k: ApiKey) -> ApiKeyRow:
    return ApiKeyRow(
        k.id, k.name, k.prefix, tuple(str(s) for s in k.scopes), k.created_at, k.last_used_at, k.revoked_at
    )


def parse_scopes(text: str | list[str]) -> list[str]:
    """Scopes from ``a,b`` (or a list), checked against the permission names."""
    items = text.split(",") if isinstance(text, str) else text
    scopes = sorted({s.strip() for s in items if s.strip()})
    if not scopes:
        raise ValidationError("Give at least one scope (a permission name).", field="scopes")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationError(
            f"Unknown scope {', '.join(unknown)}; choose from {', '.join(sorted(SCOPES))}.",
            field="scopes",
        )
    return scopes


def create_key(session: Session, actor: Actor, name: str, scopes: list[str], *, now: datetime) -> CreatedKey:
    """A new key for an integration; only an administrator may, and only with scopes they hold."""
    actor.require(ADMIN)
    name = name.strip()
    if not name:
        raise ValidationError("Name the integration the key is for.", field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"A key's name has at most {MAX_NAME} characters.", field="name")
    scopes = parse_scopes(scopes)
    clinic_id = session.scalar(select(Clinic.id).order_by(Clinic.id).limit(1))
    if clinic_id is None:
        raise NotFound("There is no clinic yet: set it up first.")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey(
        clinic_id=clinic_id,
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        scopes=scopes,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(key)
    session.flush()
    audit.record(
        session, actor, "create_api_key", "api_key", key.id, now=now, after={"name": name, "scopes": scopes}
    )
    return CreatedKey(_row(key), f"{KEY_PREFIX}_{prefix}_{secret}")


def list_keys(session: Session, *, include_revoked: bool = True) -> list[ApiKeyRow]:
    q = select(ApiKey).order_by(ApiKey.id)
    if not include_revoked:
        q = q.where(ApiKey.revoked_at.is_(None))
    return [_row(k) for k in session.scalars(q)]


def revoke_key(session: Session, actor: Actor, key_id: int, *, now: datetime) -> ApiKeyRow:
    actor.require(ADMIN)
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"There is no API key #{key_id}.")
    if key.revoked_at is None:
        key.revoked_at = now
        session.flush()
        audit.record(session, actor, "revoke_api_key", "api_key", key.id, now=now, after={"name": key.name})
    return _row(key)


def key_actor(row: ApiKeyRow) -> Actor:
    """Who the API acts as for this key: its scopes, nothing more (ADMIN is never granted by a key)."""
    return Actor(
        username=f"api:{row.name}"[:60],
        role="api_key",
        display_name=f"API key {row.name}",
        permissions=frozenset(row.scopes) - {ADMIN},
    )


def check_key(session: Session, presented: str) -> ApiKeyRow:
    """The key row for a presented key; PermissionDenied when unknown, wrong or revoked."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise PermissionDenied("The API key is not valid.")
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(parts[2])):
        raise PermissionDenied("The API key is not valid.")
    if key.revoked_at is not None:
        raise PermissionDenied("The API key was revoked.")
    return _row(key)


def record_use(session: Session, key_id: int, *, now: datetime, request: dict[str, Any]) -> None:
    """Audit one use of a key (method, path, status) and remember when it was last used."""
    key = session.get(ApiKey, key_id)
    if key is None:
        return
    key.last_used_at = now
    audit.record(session, key_actor(_row(key)), "api_request", "api_key", key.id, now=now, after=request)
