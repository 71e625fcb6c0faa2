"""HMAC-signed, expiring patient-link tokens that carry no patient data.

Two forms: the original (``make_token``, purpose and a text nonce inside, used by ``/l/<purpose>/``
links and the iCal feeds) and the short form (``make_short_token``, 24 characters for ids under
two million, used by ``/<letter>/`` links so a reminder or an offer fits one SMS segment). Both
are verified for as long as they are valid; links already sent keep working.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from orca_desk.services.errors import OrcaError, ValidationError

# Layout before base64: version | purpose length | purpose | subject id (u64) |
# expiry in Unix seconds (u32, good until 2106) | nonce (ASCII) | MAC.
# Binary rather than text keeps the link short, which matters inside a 160-character SMS.
TOKEN_VERSION = 1
MAC_BYTES = 16  # HMAC-SHA256 truncated to 128 bits, as RFC 2104 §5 allows
MIN_SECRET_BYTES = 16
MAX_TOKEN_CHARS = 256
_DOMAIN = b"orca-desk/link-token\x00"  # keeps these MACs distinct from any other use of the key
_HEADER = struct.Struct(">QI")
_PURPOSE_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_NONCE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")

# Short form, before base64: version (1) | subject id (unsigned LEB128, 1–10) | expiry in whole
# minutes since SHORT_EPOCH (u24, so until Nov 2055; a later expiry keeps the long form) |
# random nonce (3) | MAC (8). The purpose is not carried: the link's path names it, and it is
# under the MAC, so a token made for one purpose never verifies for another.
SHORT_TOKEN_VERSION = 2
SHORT_MAC_BYTES = 8  # HMAC-SHA256 truncated to 64 bits: each guess costs a request to the gateway
SHORT_NONCE_BYTES = 3  # unique among one record's links, not globally: the stored nonce names the record
SHORT_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
SHORT_EXPIRY_LIMIT = SHORT_EPOCH + timedelta(minutes=2**24 - 1)
MAX_SHORT_TOKEN_CHARS = 34  # 1 + 10 + 3 + 3 + 8 = 25 bytes at most; 24 characters for ids < 2**21
_SHORT_DOMAIN = b"orca-desk/short-link\x00"
_EXPIRY_BYTES = 3


class TokenError(OrcaError):
    """A patient link cannot be used; ``str(e)`` says why."""


class TokenInvalid(TokenError):
    """Malformed, altered, signed with another key, or meant for another purpose."""


class TokenExpired(TokenError):
    """Genuine but past its expiry; ``claims`` says which link it was."""

    def __init__(self, message: str, claims: TokenClaims) -> None:
        super().__init__(message)
        self.claims = claims


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says. ``nonce`` is what the database stores to make it single-use."""

    purpose: str
    subject_id: int
    expires_at: datetime
    nonce: str


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValidationError(
            f"The link-signing secret must be at least {MIN_SECRET_BYTES} bytes.", field="secret"
        )


def _mac(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, _DOMAIN + body, hashlib.sha256).digest()[:MAC_BYTES]


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def make_token(
    secret: bytes,
    purpose: str,
    subject_id: int,
    expires_at: datetime,
    nonce: str | None = None,
) -> str:
    """A URL-safe token for ``purpose`` (e.g. ``"confirm"``) about record ``subject_id``.

    The nonce defaults to 72 random bits; pass one only to make tests deterministic.
    """
    _check_secret(secret)
    if not _PURPOSE_RE.fullmatch(purpose):
        raise ValidationError(
            "A token purpose is 1–32 lowercase letters, digits or underscores.", field="purpose"
        )
    if not 0 <= subject_id < 2**64:
        raise ValidationError("subject_id must be a non-negative 64-bit integer.", field="subject_id")
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        raise ValidationError("expires_at must be timezone-aware.", field="expires_at")
    expiry = int(expires_at.timestamp())  # truncating only ever expires a link sooner
    if not 0 <= expiry < 2**32:
        raise ValidationError("expires_at is out of range.", field="expires_at")
    if nonce is None:
        nonce = secrets.token_urlsafe(9)
    elif not _NONCE_RE.fullmatch(nonce):
        raise ValidationError(
            "A nonce is 1–64 URL-safe characters (letters, digits, '-' or '_').", field="nonce"
        )
    purpose_bytes = purpose.encode("ascii")
    body = (
        bytes([TOKEN_VERSION, len(purpose_bytes)])
        + purpose_bytes
        + _HEADER.pack(subject_id, expiry)
        + nonce.encode("ascii")
    )
    return _b64encode(body + _mac(secret, body))


def _decode(token: str) -> bytes:
    if not token or len(token) > MAX_TOKEN_CHARS or not _TOKEN_RE.fullmatch(token):
        raise TokenInvalid("This link is damaged: the token is not URL-safe base64.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenInvalid("This link is damaged: the token is not URL-safe base64.") from exc
    # Base64 lets several strings decode to the same bytes; accept only the one we issue.
    if _b64encode(raw) != token:
        raise TokenInvalid("This link is damaged: the token is not in canonical form.")
    return raw


def verify_token(secret: bytes, token: str, purpose: str, now: datetime) -> TokenClaims:
    """Check signature, purpose and expiry; return the claims or raise a ``TokenError``.

    Raises ``TokenInvalid`` for malformed, altered or foreign tokens and for a token made
    for a different purpose, and ``TokenExpired`` when ``now`` is at or past the expiry.
    Single use is not checked here: the caller records ``claims.nonce`` in the database.
    """
    _check_secret(secret)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValidationError("now must be timezone-aware.", field="now")
    raw = _decode(token)
    if len(raw) < 2 + _HEADER.size + 1 + MAC_BYTES:
        raise TokenInvalid("This link is damaged: the token is too short.")
    body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    # Authenticate before interpreting any field, and compare in constant time.
    if not hmac.compare_digest(mac, _mac(secret, body)):
        raise TokenInvalid("This link was altered or was not issued by this clinic.")
    if body[0] != TOKEN_VERSION:
        raise TokenInvalid(f"This link uses an unsupported token version ({body[0]}).")
    plen = body[1]
    header_end = 2 + plen + _HEADER.size
    if len(body) <= header_end:
        raise TokenInvalid("This link is damaged: the token is truncated.")
    try:
        token_purpose = body[2 : 2 + plen].decode("ascii")
        subject_id, expiry = _HEADER.unpack(body[2 + plen : header_end])
        nonce = body[header_end:].decode("ascii")
    except (UnicodeDecodeError, struct.error) as exc:
        raise TokenInvalid("This link is damaged: the token fields are unreadable.") from exc
    if not _PURPOSE_RE.fullmatch(token_purpose) or not _NONCE_RE.fullmatch(nonce):
        raise TokenInvalid("This link is damaged: the token fields are unreadable.")
    if token_purpose != purpose:
        raise TokenInvalid(f"This link is for {token_purpose!r}, not {purpose!r}; it cannot be used here.")
    claims = TokenClaims(
        purpose=token_purpose,
        subject_id=subject_id,
        expires_at=datetime.fromtimestamp(expiry, UTC),
        nonce=nonce,
    )
    if now.astimezone(UTC) >= claims.expires_at:
        raise TokenExpired("This link has expired.", claims)
    return claims


# --- Short tokens ----------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(raw: bytes, at: int) -> tuple[int, int]:
    """(value, index after it); raises TokenInvalid when unterminated or longer than 64 bits."""
    value, shift = 0, 0
    for i in range(at, min(len(raw), at + 10)):
        value |= (raw[i] & 0x7F) << shift
        if not raw[i] & 0x80:
            return value, i + 1
        shift += 7
    raise TokenInvalid("This link is damaged: the token is truncated.")


def _short_mac(secret: bytes, purpose: str, body: bytes) -> bytes:
    return hmac.new(
        secret, _SHORT_DOMAIN + purpose.encode("ascii") + b"\x00" + body, hashlib.sha256
    ).digest()[:SHORT_MAC_BYTES]


def _short_nonce(subject_id: int, nonce: bytes) -> str:
    # Three random bytes are plenty among the few links of one record, so the stored nonce (the
    # single-use key) carries the record's id: "s48213_AQID", at most 26 characters.
    return f"s{subject_id}_{_b64encode(nonce)}"


def make_short_token(
    secret: bytes,
    purpose: str,
    subject_id: int,
    expires_at: datetime,
    nonce: bytes | None = None,
) -> str:
    """A compact URL-safe token for ``purpose`` about record ``subject_id``, valid until ``expires_at``.

    The same rules as :func:`make_token` (HMAC with the link secret, expiry, a nonce the
    gateway records to make the link single-use); ``nonce`` (3 bytes) only for deterministic tests.
    The expiry is kept in whole minutes (rounded down) and must fall before ``SHORT_EXPIRY_LIMIT``.
    """
    _check_secret(secret)
    if not _PURPOSE_RE.fullmatch(purpose):
        raise ValidationError(
            "A token purpose is 1–32 lowercase letters, digits or underscores.", field="purpose"
        )
    if not 0 <= subject_id < 2**64:
        raise ValidationError("subject_id must be a non-negative 64-bit integer.", field="subject_id")
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        raise ValidationError("expires_at must be timezone-aware.", field="expires_at")
    # Whole minutes, rounded down: a link only ever expires sooner, never later.
    minutes = int((expires_at - SHORT_EPOCH).total_seconds() // 60)
    if not 0 <= minutes < 2**24:
        raise ValidationError(
            f"A short link cannot expire before {SHORT_EPOCH:%Y} or after {SHORT_EXPIRY_LIMIT:%B %Y}.",
            field="expires_at",
        )
    if nonce is None:
        nonce = secrets.token_bytes(SHORT_NONCE_BYTES)
    elif len(nonce) != SHORT_NONCE_BYTES:
        raise ValidationError(f"A short-token nonce is {SHORT_NONCE_BYTES} bytes.", field="nonce")
    body = bytes([SHORT_TOKEN_VERSION]) + _varint(subject_id) + minutes.to_bytes(_EXPIRY_BYTES, "big") + nonce
    return _b64encode(body + _short_mac(secret, purpose, body))


def verify_short_token(secret: bytes, token: str, purpose: str, now: datetime) -> TokenClaims:
    """Check a short token's signature (for ``purpose``) and expiry, as :func:`verify_token` does.

    ``claims.nonce`` is "s<id>_<nonce>", recorded by the caller to make the link single-use.
    """
    _check_secret(secret)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValidationError("now must be timezone-aware.", field="now")
    if not _PURPOSE_RE.fullmatch(purpose):
        raise TokenInvalid("This link is for an unknown purpose.")
    if len(token) > MAX_SHORT_TOKEN_CHARS:
        raise TokenInvalid("This link is damaged: the token is too long.")
    raw = _decode(token)
    if len(raw) < 1 + 1 + _EXPIRY_BYTES + SHORT_NONCE_BYTES + SHORT_MAC_BYTES:
        raise TokenInvalid("This link is damaged: the token is too short.")
    body, mac = raw[:-SHORT_MAC_BYTES], raw[-SHORT_MAC_BYTES:]
    if not hmac.compare_digest(mac, _short_mac(secret, purpose, body)):
        raise TokenInvalid("This link was altered, was not issued by this clinic, or is for another purpose.")
    if body[0] != SHORT_TOKEN_VERSION:
        raise TokenInvalid(f"This link uses an unsupported token version ({body[0]}).")
    subject_id, at = _read_varint(body, 1)
    if _varint(subject_id) != body[1:at] or subject_id >= 2**64:
        raise TokenInvalid("This link is damaged: the token is not in canonical form.")
    if len(body) != at + _EXPIRY_BYTES + SHORT_NONCE_BYTES:
        raise TokenInvalid("This link is damaged: the token fields are unreadable.")
    minutes = int.from_bytes(body[at : at + _EXPIRY_BYTES], "big")
    claims = TokenClaims(
        purpose=purpose,
        subject_id=subject_id,
        expires_at=SHORT_EPOCH + timedelta(minutes=minutes),
        nonce=_short_nonce(subject_id, body[at + _EXPIRY_BYTES :]),
    )
    if now.astimezone(UTC) >= claims.expires_at:
        raise TokenExpired("This link has expired.", claims)
    return claims
