"""The sign-in dialog's facts come from a ready database only (a SQLite file or a server); anything else
goes the usual way."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from sqlalchemy import text

from orca_desk.services.clinic import setup_wizard
from orca_desk.services.clinic.setup_progress import DONE
from orca_desk.services.clinic_setup import SETUP_ACTOR
from orca_desk.sign_in_facts import SignInFacts, read_sign_in_facts
from tests.conftest import NOW
from tests.factories import make_world


def _url(db) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{db.url.database}"


def _set_progress(db, step: str) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        setup_wizard.mark_progress(s, SETUP_ACTOR, step, now=NOW)


def test_a_ready_clinic_file_gives_the_clinics_name(db) -> None:
    with db.write() as s:
        make_world(s)
    assert read_sign_in_facts(_url(db)) == SignInFacts("Test Ortho")
    _set_progress(db, DONE)  # a clinic the wizard set up
    assert read_sign_in_facts(_url(db)) == SignInFacts("Test Ortho")


def test_an_empty_or_unfinished_clinic_goes_the_usual_way(db) -> None:
    assert read_sign_in_facts(_url(db)) is None  # no clinic yet: the setup wizard
    with db.write() as s:
        make_world(s)
    _set_progress(db, "chairs")
    assert read_sign_in_facts(_url(db)) is None


def test_a_file_at_an_older_schema_goes_the_usual_way(db) -> None:
    with db.write() as s:
        make_world(s)
        s.execute(text("DELETE FROM alembic_version WHERE version_num = 'h9_online_booking'"))
    assert read_sign_in_facts(_url(db)) is None  # the usual start upgrades it first


def test_what_is_not_a_ready_sqlite_file_goes_the_usual_way(tmp_path) -> None:
    assert read_sign_in_facts("postgresql+psycopg://u:p@127.0.0.1/clinic") is None
    assert read_sign_in_facts(f"sqlite:///{tmp_path / 'new.sqlite3'}") is None  # not made yet
    assert read_sign_in_facts("sqlite:///:memory:") is None
    assert read_sign_in_facts(f"sqlite:///{tmp_path}") is None  # a folder
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert read_sign_in_facts(f"sqlite:///{other}") is None  # not Orca Desk's
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    assert read_sign_in_facts(f"sqlite:///{garbage}") is None


def test_reading_them_loads_no_sqlalchemy(db) -> None:
    with db.write() as s:
        make_world(s)
    probe = (
        "import sys; from orca_desk.sign_in_facts import read_sign_in_facts as r; "
        f"print(r({_url(db)!r}), 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "SignInFacts(clinic_name='Test Ortho') False"


def test_a_ready_shared_database_gives_the_clinics_name(pg_db) -> None:
    url = pg_db.url.render_as_string(hide_password=False)
    assert read_sign_in_facts(url) is None  # no clinic yet: the setup wizard
    with pg_db.write() as s:
        make_world(s)
    assert read_sign_in_facts(url) == SignInFacts("Test Ortho")
    assert read_sign_in_facts(url.replace("postgresql+psycopg://", "postgresql://")) == SignInFacts(
        "Test Ortho"
    )
    _set_progress(pg_db, "staff")
    assert read_sign_in_facts(url) is None


def test_a_server_that_refuses_goes_the_usual_way_which_says_why(pg_db) -> None:
    url = pg_db.url
    with pg_db.write() as s:
        make_world(s)
    wrong_password = url.set(password="not-the-password").render_as_string(hide_password=False)
    assert read_sign_in_facts(wrong_password) is None
    closed_port = url.set(port=1).render_as_string(hide_password=False)
    assert read_sign_in_facts(closed_port) is None
    unknown_option = url.update_query_dict({"no_such_option": "1"}).render_as_string(hide_password=False)
    assert read_sign_in_facts(unknown_option) is None
