"""One-time passwords and the first-sign-in change: policy, audit, the flag cleared only by a change."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from orca_desk.models.audit import AuditEvent
from orca_desk.models.staff import StaffUser
from orca_desk.services.access.security import (
    authenticate,
    change_password,
    create_staff_user,
    hash_password,
    must_change_password,
    one_time_password,
)
from orca_desk.services.errors import PermissionDenied, ValidationError
from tests.factories import make_world


@pytest.fixture
def maria(db):
    with db.write() as s:
        w = make_world(s)
        user = create_staff_user(s, w.clinic.id, "maria", "Maria Lopez", "handed-out-1", "receptionist")
        user.must_change_password = True
    with db.read() as s:
        return authenticate(s, "maria", "handed-out-1")


def test_a_one_time_password_must_be_replaced_and_then_works_no_more(db, clock, maria):
    with db.read() as s:
        assert must_change_password(s, maria)
    with db.write() as s:
        change_password(s, maria, "handed-out-1", "harbour lights 42", now=clock.now())
    with db.read() as s:
        assert not must_change_password(s, maria)
        assert authenticate(s, "maria", "harbour lights 42").username == "maria"
        with pytest.raises(PermissionDenied, match="Unknown username or wrong password"):
            authenticate(s, "maria", "handed-out-1")
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "change_password"))
        assert event.actor == "maria" and event.after == {"one_time_password_replaced": True}
        assert "harbour" not in str(event.after) and "handed" not in str(event.before)


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        ("handed-out-1", "short", "new_password", "at least 10 characters (this one has 5)"),
        ("handed-out-1", "MARIA", "new_password", "cannot be the username"),
        ("handed-out-1", "handed-out-1", "new_password", "different from the current one"),
        ("wrong-guess!", "harbour lights 42", "current_password", "The current password is wrong"),
    ],
)
def test_the_password_policy_names_what_is_wrong(db, clock, maria, current, new, field, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as caught, db.write() as s:
        change_password(s, maria, current, new, now=clock.now())
    assert caught.value.field == field
    with db.read() as s:
        assert s.scalar(select(StaffUser.must_change_password).where(StaffUser.username == "maria"))


def test_one_time_passwords_are_long_random_and_unambiguous():
    seen = {one_time_password() for _ in range(200)}
    assert len(seen) == 200
    assert all(len(p) == 12 and not set(p) & set("0O1lI") for p in seen)
    hash_password(next(iter(seen)))  # acceptable to the hasher's own minimum
