"""What the setup wizard needs beyond clinic_setup: progress, the first administrator's own
password, renames before a page is saved again, and the end (defaults, one-time passwords)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orca_desk.models.clinic import Chair, Location
from orca_desk.paths import resources_dir
from orca_desk.services import clinic_setup as cs
from orca_desk.services.access.security import authenticate, must_change_password
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.services.errors import ValidationError
from orca_desk.services.setup_file.reading import parse_setup

CLINIC = cs.ClinicSpec("Harbour Orthodontics", "(617) 555-0142")
HARBOUR = cs.LocationSpec("Harbour Street", "America/New_York")


def test_a_clinic_set_up_from_a_file_never_opens_the_wizard(db, clock):
    with db.write() as s:
        assert sw.needs_setup(s) and sw.setup_actor(s) is cs.SETUP_ACTOR
        setup = parse_setup((resources_dir() / "examples" / "clinic.toml").read_text())
        cs.apply_setup(s, setup, actor=None, now=clock.now())
    with db.read() as s:
        assert not sw.needs_setup(s) and sw.progress(s) is None


def test_locations_first_chairs_next_and_the_end(db, clock):
    now = clock.now()
    with db.write() as s:
        clinic = cs.save_clinic(s, cs.SETUP_ACTOR, CLINIC, now=now)
        sw.mark_progress(s, cs.SETUP_ACTOR, "clinic", now=now)
        with pytest.raises(cs.SetupInvalid, match="at least one chair"):
            cs.save_locations(s, cs.SETUP_ACTOR, clinic.id, [HARBOUR], now=now)
        cs.save_locations(s, cs.SETUP_ACTOR, clinic.id, [HARBOUR], now=now, require_chairs=False)
        sw.mark_progress(s, cs.SETUP_ACTOR, "locations", now=now)
        clinic_id = clinic.id
    with db.write() as s:
        assert sw.needs_setup(s) and sw.next_step(sw.progress(s)) == "chairs"
        sw.rename(s, cs.SETUP_ACTOR, "location", "Harbour Street", "Harbour St", now=now)
        with pytest.raises(ValidationError, match="no chair yet"):
            sw.finish(s, cs.SETUP_ACTOR, shown=[], now=now)
    with db.write() as s:
        assert list(s.scalars(select(Location.name))) == ["Harbour St"]
        cs.save_locations(
            s,
            cs.SETUP_ACTOR,
            clinic_id,
            [cs.LocationSpec("Harbour St", "America/New_York", chairs=(cs.ChairSpec("Chair 1"),))],
            now=now,
        )
        with pytest.raises(cs.SetupInvalid) as refused:
            sw.save_staff_page(
                s,
                cs.SETUP_ACTOR,
                clinic_id,
                cs.StaffSpec("riley", "Riley Chen", "admin"),
                "riley",
                [],
                now=now,
            )
        assert {p.field for p in refused.value.problems} == {"admin.password"}
    with db.write() as s:
        saved = sw.save_staff_page(
            s,
            cs.SETUP_ACTOR,
            clinic_id,
            cs.StaffSpec("riley", "Riley Chen", "admin"),
            "harbour-admin-1",
            [cs.StaffSpec("maria", "Maria Lopez", "receptionist")],
            now=now,
        )
        assert saved.admin.username == "riley" and [u.username for u in saved.new_users] == ["maria"]
        assert not must_change_password(s, authenticate(s, "riley", "harbour-admin-1"))
        assert sw.setup_actor(s) is None
        defaults, reissued = sw.finish(s, saved.admin, shown=["maria"], now=now)
        assert defaults.total > 0 and reissued == ()
        assert not sw.needs_setup(s)
        assert s.scalar(select(func.count()).select_from(Chair)) == 1
