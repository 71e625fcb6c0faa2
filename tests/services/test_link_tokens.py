"""Tests for HMAC-signed patient-link tokens."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.links.link_tokens import (
    MAC_BYTES,
    SHORT_MAC_BYTES,
    TokenClaims,
    TokenError,
    TokenExpired,
    TokenInvalid,
    make_short_token,
    make_token,
    verify_short_token,
    verify_token,
)

SECRET = b"k" * 32
OTHER_SECRET = b"q" * 32
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(hours=2)


def _raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def _enc(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_round_trip() -> None:
    token = make_token(SECRET, "confirm", 4821, EXPIRES, nonce="n0nce-1")
    claims = verify_token(SECRET, token, "confirm", NOW)
    assert claims == TokenClaims("confirm", 4821, EXPIRES, "n0nce-1")
    assert claims.expires_at.tzinfo is UTC


def test_token_is_compact_url_safe_and_carries_no_names() -> None:
    token = make_token(SECRET, "waitlist_offer", 2**40, EXPIRES)
    assert len(token) <= 80
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    # The payload holds only purpose, id, expiry and nonce (readable, but nothing personal).
    assert b"waitlist_offer" in _raw(token)


def test_default_nonces_are_unique() -> None:
    tokens = {make_token(SECRET, "confirm", 1, EXPIRES) for _ in range(200)}
    nonces = {verify_token(SECRET, t, "confirm", NOW).nonce for t in tokens}
    assert len(tokens) == len(nonces) == 200


def test_expiry_is_exclusive() -> None:
    token = make_token(SECRET, "confirm", 7, EXPIRES)
    verify_token(SECRET, token, "confirm", EXPIRES - timedelta(seconds=1))
    with pytest.raises(TokenExpired) as err:
        verify_token(SECRET, token, "confirm", EXPIRES)
    # The token knows no location: the message says it expired, without a UTC time a family
    # would misread; the exact instant stays in the claims for a caller that knows the zone.
    assert str(err.value) == "This link has expired." and "UTC" not in str(err.value)
    assert err.value.claims.subject_id == 7 and err.value.claims.expires_at == EXPIRES


def test_expiry_is_compared_as_an_instant() -> None:
    token = make_token(SECRET, "confirm", 7, EXPIRES)
    sydney_now = (EXPIRES - timedelta(minutes=1)).astimezone(ZoneInfo("Australia/Sydney"))
    assert verify_token(SECRET, token, "confirm", sydney_now).subject_id == 7


def test_wrong_purpose() -> None:
    token = make_token(SECRET, "confirm", 7, EXPIRES)
    with pytest.raises(TokenInvalid, match="for 'confirm', not 'waitlist_offer'"):
        verify_token(SECRET, token, "waitlist_offer", NOW)


def test_wrong_purpose_is_reported_before_expiry() -> None:
    token = make_token(SECRET, "confirm", 7, EXPIRES)
    with pytest.raises(TokenInvalid):
        verify_token(SECRET, token, "booking", EXPIRES + timedelta(days=1))


def test_other_secret() -> None:
    token = make_token(SECRET, "confirm", 7, EXPIRES)
    with pytest.raises(TokenInvalid, match="altered or was not issued"):
        verify_token(OTHER_SECRET, token, "confirm", NOW)


def test_every_flipped_bit_is_rejected() -> None:
    raw = _raw(make_token(SECRET, "confirm", 7, EXPIRES, nonce="abc"))
    for i in range(len(raw)):
        for bit in range(8):
            tampered = bytearray(raw)
            tampered[i] ^= 1 << bit
            with pytest.raises(TokenInvalid):
                verify_token(SECRET, _enc(bytes(tampered)), "confirm", NOW)


def test_extending_the_expiry_is_detected() -> None:
    raw = _raw(make_token(SECRET, "confirm", 7, EXPIRES, nonce="abc"))
    body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    # Layout: version, purpose length, purpose, u64 id, u32 expiry, nonce.
    expiry_at = 2 + len("confirm") + 8
    later = int((EXPIRES + timedelta(days=30)).timestamp()).to_bytes(4, "big")
    forged = body[:expiry_at] + later + body[expiry_at + 4 :] + mac
    with pytest.raises(TokenInvalid):
        verify_token(SECRET, _enc(forged), "confirm", NOW)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a token",
        "abc$def",
        "A",
        "AAAA",
        "x" * 300,
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed(token: str) -> None:
    with pytest.raises(TokenInvalid):
        verify_token(SECRET, token, "confirm", NOW)


def test_truncated_and_extended_tokens() -> None:
    token = make_token(SECRET, "confirm", 7, EXPIRES)
    for bad in (token[:-1], token[:-4], token[4:], token + "A", token + "AAAA"):
        with pytest.raises(TokenInvalid):
            verify_token(SECRET, bad, "confirm", NOW)


def test_non_canonical_base64_is_rejected() -> None:
    token = make_token(SECRET, "confirm", 7, EXPIRES, nonce="abc")
    # A token whose length leaves spare bits in its last character decodes the same
    # bytes with those bits set; only the issued spelling is accepted.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert len(token) % 4 != 0
    variants = [token[:-1] + c for c in alphabet if c != token[-1]]
    same_bytes = [v for v in variants if _raw(v) == _raw(token)]
    assert same_bytes
    for v in same_bytes:
        with pytest.raises(TokenInvalid, match="canonical"):
            verify_token(SECRET, v, "confirm", NOW)


def test_errors_are_orca_errors_with_readable_messages() -> None:
    assert issubclass(TokenExpired, TokenError) and issubclass(TokenInvalid, TokenError)
    assert issubclass(TokenError, OrcaError)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"secret": b"short"}, "secret"),
        ({"purpose": "Confirm"}, "purpose"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": "a|b"}, "purpose"),
        ({"subject_id": -1}, "subject_id"),
        ({"subject_id": 2**64}, "subject_id"),
        ({"expires_at": datetime(2026, 3, 3, 11)}, "expires_at"),
        ({"expires_at": datetime(2200, 1, 1, tzinfo=UTC)}, "expires_at"),
        ({"nonce": ""}, "nonce"),
        ({"nonce": "has space"}, "nonce"),
        ({"nonce": "n" * 65}, "nonce"),
    ],
)
def test_make_token_validates_input(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "secret": SECRET,
        "purpose": "confirm",
        "subject_id": 1,
        "expires_at": EXPIRES,
    }
    args.update(kwargs)
    with pytest.raises(ValidationError) as err:
        make_token(**args)  # type: ignore[arg-type]
    assert err.value.field == field


def test_verify_needs_aware_now() -> None:
    token = make_token(SECRET, "confirm", 1, EXPIRES)
    with pytest.raises(ValidationError):
        verify_token(SECRET, token, "confirm", datetime(2026, 3, 3, 9))


@given(
    purpose=st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True),
    subject_id=st.integers(0, 2**64 - 1),
    seconds=st.integers(1, 10 * 365 * 86400),
    nonce=st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
)
def test_round_trip_property(purpose: str, subject_id: int, seconds: int, nonce: str) -> None:
    expires = NOW + timedelta(seconds=seconds)
    token = make_token(SECRET, purpose, subject_id, expires, nonce=nonce)
    claims = verify_token(SECRET, token, purpose, NOW)
    assert claims == TokenClaims(purpose, subject_id, expires, nonce)


# --- Short tokens (issue 18 item 6: a patient link that fits in one SMS segment) -----------


def test_short_token_round_trip_is_compact_and_signed() -> None:
    token = make_short_token(SECRET, "confirm", 48_213, EXPIRES, nonce=b"\x01\x02\x03")
    # version, 3-byte id, 3-byte expiry (minutes), 3-byte nonce, 8-byte MAC: 18 bytes, 24 characters.
    assert len(token) == 24 and SHORT_MAC_BYTES >= 8
    claims = verify_short_token(SECRET, token, "confirm", NOW)
    assert (claims.purpose, claims.subject_id, claims.expires_at) == ("confirm", 48_213, EXPIRES)
    assert claims.nonce == "s48213_AQID"  # scoped by the record, fits LinkTokenUse.nonce (40)
    assert len(make_short_token(SECRET, "waitlist_accept", 2**64 - 1, EXPIRES)) <= 40


def test_short_token_refuses_other_purpose_key_tamper_and_expiry() -> None:
    token = make_short_token(SECRET, "confirm", 7, EXPIRES)
    with pytest.raises(TokenInvalid):
        verify_short_token(SECRET, token, "decline", NOW)  # the purpose is under the MAC
    with pytest.raises(TokenInvalid):
        verify_short_token(OTHER_SECRET, token, "confirm", NOW)
    raw = bytearray(_raw(token))
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] ^= 0x01
        with pytest.raises(TokenInvalid):
            verify_short_token(SECRET, _enc(bytes(changed)), "confirm", NOW)
    with pytest.raises(TokenInvalid):
        verify_short_token(SECRET, token[:-1], "confirm", NOW)
    with pytest.raises(TokenInvalid):
        verify_short_token(SECRET, token + "A", "confirm", NOW)
    with pytest.raises(TokenInvalid):  # a long-form token is not a short one
        verify_short_token(SECRET, make_token(SECRET, "confirm", 7, EXPIRES), "confirm", NOW)
    with pytest.raises(TokenExpired) as err:
        verify_short_token(SECRET, token, "confirm", EXPIRES)
    assert err.value.claims.subject_id == 7


def test_short_token_nonces_differ_per_link() -> None:
    tokens = {make_short_token(SECRET, "confirm", 1, EXPIRES) for _ in range(200)}
    nonces = {verify_short_token(SECRET, t, "confirm", NOW).nonce for t in tokens}
    assert len(tokens) == len(nonces) == 200


def test_short_token_rejects_a_non_canonical_id() -> None:
    # The id is a LEB128 varint; a padded encoding (0x87 0x00 for 7) must not verify even if
    # someone could sign it, so one link has exactly one spelling.
    import hashlib
    import hmac as _hmac
    import struct

    from orca_desk.services.links import link_tokens as lt

    minutes = int((EXPIRES - lt.SHORT_EPOCH).total_seconds() // 60)
    body = bytes([lt.SHORT_TOKEN_VERSION, 0x87, 0x00]) + struct.pack(">I", minutes)[1:] + b"abc"
    signed = lt._SHORT_DOMAIN + b"confirm\x00" + body
    mac = _hmac.new(SECRET, signed, hashlib.sha256).digest()[:SHORT_MAC_BYTES]
    with pytest.raises(TokenInvalid):
        verify_short_token(SECRET, _enc(body + mac), "confirm", NOW)


@given(
    purpose=st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True),
    subject_id=st.integers(0, 2**64 - 1),
    seconds=st.integers(1, 10 * 365 * 86400),
)
def test_short_round_trip_property(purpose: str, subject_id: int, seconds: int) -> None:
    expires = NOW + timedelta(seconds=seconds)
    token = make_short_token(SECRET, purpose, subject_id, expires)
    claims = verify_short_token(SECRET, token, purpose, NOW - timedelta(minutes=1))
    assert (claims.purpose, claims.subject_id) == (purpose, subject_id)
    # Kept in whole minutes, rounded down: never valid later than asked.
    assert expires - timedelta(minutes=1) < claims.expires_at <= expires
    assert claims.expires_at.second == 0 and len(claims.nonce) <= 40 and len(token) <= 34


def test_short_token_expiry_limit() -> None:
    from orca_desk.services.links.link_tokens import SHORT_EXPIRY_LIMIT

    make_short_token(SECRET, "confirm", 1, SHORT_EXPIRY_LIMIT)
    with pytest.raises(ValidationError) as err:
        make_short_token(SECRET, "confirm", 1, SHORT_EXPIRY_LIMIT + timedelta(minutes=1))
    assert err.value.field == "expires_at"
    with pytest.raises(ValidationError):
        make_short_token(SECRET, "confirm", 1, datetime(2023, 12, 31, tzinfo=UTC))
    with pytest.raises(ValidationError):
        make_short_token(SECRET, "confirm", 1, datetime(2026, 3, 3, 9))
