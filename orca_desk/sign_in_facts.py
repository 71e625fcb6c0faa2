"""What the sign-in dialog shows, read from a desk's SQLite file with sqlite3 before SQLAlchemy loads.

A desk's morning start is the sign-in dialog; importing SQLAlchemy and checking the schema take
longer than Python, Qt and the dialog together. When the file is plainly ready (at the newest
schema, with a clinic whose setup is finished) the dialog needs only the clinic's name, so it
shows at once and the database opens, through the usual checks, while the person types.
Anything else (a server URL, a new or older file, an unfinished setup, any doubt) answers
None, and the start goes the usual way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

from orca_desk.migrate import STORED_AT_HEAD
from orca_desk.services.clinic.setup_progress import DONE, PROGRESS_KEY

_SQLITE = "sqlite:///"


class SignInFacts(NamedTuple):
    clinic_name: str


def read_sign_in_facts(url: str) -> SignInFacts | None:
    """The clinic's name when ``url`` is a SQLite file ready to sign in to, else None."""
    if not url.startswith(_SQLITE) or "?" in url:
        return None
    path = Path(url[len(_SQLITE) :]).expanduser()
    if not path.name or str(path) == ":memory:" or not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        revisions = {r for (r,) in con.execute("SELECT version_num FROM alembic_version")}
        if revisions != STORED_AT_HEAD:
            return None
        clinic = con.execute("SELECT name FROM clinic ORDER BY id LIMIT 1").fetchone()
        progress = con.execute("SELECT value FROM clinic_setting WHERE key = ?", (PROGRESS_KEY,)).fetchone()
    except sqlite3.Error:  # not Orca Desk's, damaged, locked: the usual start says what is wrong
        return None
    finally:
        con.close()
    if clinic is None or (progress is not None and progress[0] != DONE):
        return None
    return SignInFacts(clinic[0])
