"""What the sign-in dialog shows, read with the driver alone (sqlite3, psycopg) before SQLAlchemy loads.

A desk's morning start is the sign-in dialog; importing SQLAlchemy and checking the schema take
longer than Python, Qt and the dialog together. When the database is plainly ready (at the
newest schema, with a clinic whose setup is finished) the dialog needs only the clinic's name,
so it shows at once and the database opens, through the usual checks, while the person types.
Anything else (a new or older database, an unfinished setup, a server that does not answer
within ``SERVER_SECONDS``, any doubt) answers None, and the start goes the usual way, which
says what is wrong.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from orca_desk.config import local_database_file
from orca_desk.migrate import STORED_AT_HEAD
from orca_desk.services.clinic.setup_progress import DONE, PROGRESS_KEY

_SQLITE = "sqlite:///"
_POSTGRES = ("postgresql://", "postgresql+psycopg://")
# How long a shared database may take to answer before the start goes the usual way instead.
SERVER_SECONDS = 3
_REVISIONS = "SELECT version_num FROM alembic_version"
_CLINIC = "SELECT name FROM clinic ORDER BY id LIMIT 1"
_PROGRESS = "SELECT value FROM clinic_setting WHERE key = "


class SignInFacts(NamedTuple):
    clinic_name: str


def read_sign_in_facts(url: str) -> SignInFacts | None:
    """The clinic's name when ``url`` is a database ready to sign in to, else None."""
    if url.startswith(_SQLITE):
        return _from_sqlite(url)
    if url.startswith(_POSTGRES):
        return _from_postgres(url)
    return None


def _from_sqlite(url: str) -> SignInFacts | None:
    path = local_database_file(url)
    if path is None or not path.is_file():
        return None
    try:
        # A file locked by a writer (WAL lets readers in, a rollback journal may not) is not
        # waited for long: the usual start waits as it always does.
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        revisions = {r for (r,) in con.execute(_REVISIONS)}
        clinic = con.execute(_CLINIC).fetchone()
        progress = con.execute(_PROGRESS + "?", (PROGRESS_KEY,)).fetchone()
    except sqlite3.Error:  # not Orca Desk's, damaged, locked: the usual start says what is wrong
        return None
    finally:
        con.close()
    return _ready(revisions, clinic and clinic[0], progress and progress[0])


def _from_postgres(url: str) -> SignInFacts | None:
    import psycopg  # the driver SQLAlchemy loads later in any case

    # SQLAlchemy's URL names the driver; libpq's is the same URL without it.
    conninfo = "postgresql://" + url.split("://", 1)[1]
    try:
        with psycopg.connect(conninfo, connect_timeout=SERVER_SECONDS, autocommit=True) as con:
            # One statement: one round trip to a server that may be far away.
            row = con.execute(
                f"SELECT ARRAY({_REVISIONS}), ({_CLINIC}), ({_PROGRESS}%s)", (PROGRESS_KEY,)
            ).fetchone()
    except (psycopg.Error, ValueError):  # unreachable, refused, not Orca Desk's, a malformed URL
        return None
    assert row is not None
    return _ready(set(row[0]), row[1], row[2])


def _ready(revisions: set[str], clinic_name: str | None, progress: str | None) -> SignInFacts | None:
    if revisions != STORED_AT_HEAD or clinic_name is None or progress not in (None, DONE):
        return None
    return SignInFacts(clinic_name)
