"""Opening the database at start-up (CLI and GUI), with one clear sentence for everything that goes wrong.

A bad URL, an unsupported database, an unreachable server, a wrong password, a file that is
not SQLite, a read-only folder, file or home directory, and a schema newer than this version
of Orca Desk each become a ``StartupError`` naming what is wrong and what to do; the CLI
prints it as ``orca-desk: error: …`` (exit 2) and the GUI shows it in a dialog.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import URL, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from orca_desk.db import Database
from orca_desk.migrate import STORED_AT_HEAD, current_revisions, is_up_to_date, known_revisions, upgrade
from orca_desk.services.errors import OrcaError

URL_FORMS = (
    "sqlite:///path/to/file.sqlite3 (one desk) or postgresql+psycopg://user:password@host/database "
    "(a shared database)"
)


class StartupError(OrcaError):
    """The database cannot be opened (or used by this version); ``str(e)`` says why and what to do."""


def shown(url: str | URL) -> str:
    """The URL as it may be shown on screen: never the password."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def parse_database_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StartupError(f"The database URL {url!r} is not valid: write {URL_FORMS}.") from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend not in ("sqlite", "postgresql"):
        raise StartupError(
            f"Orca Desk does not work with {backend} databases ({shown(parsed)}): use {URL_FORMS}."
        )
    if backend == "postgresql" and driver != "psycopg":
        raise StartupError(
            f"The PostgreSQL driver {driver!r} is not installed with Orca Desk: write "
            "postgresql+psycopg://… (or postgresql://…)."
        )
    if backend == "sqlite" and driver != "pysqlite":
        raise StartupError(
            f"The SQLite driver {driver!r} is not supported: write sqlite:///path/to/file.sqlite3."
        )
    return parsed


def _check_sqlite_path(database: str | None) -> None:
    """The file's folder exists (or is made) and both are writable, as SQLite's journal needs.

    ``os.access`` answers for the user running Orca Desk (root may write anywhere)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StartupError(
            f"Cannot use {path} for the database: {_first_file(folder)} is a file, not a folder."
        ) from None
    except NotADirectoryError:
        raise StartupError(
            f"Cannot use {path} for the database: {_first_file(folder)} is a file, not a folder."
        ) from None
    except OSError as exc:
        raise StartupError(
            f"Cannot create the folder {folder} for the database: "
            f"{_reason(exc)}. Choose a writable place with --database-url or "
            "ORCA_DESK_DATABASE_URL."
        ) from None
    if path.is_dir():
        raise StartupError(
            f"{path} is a folder, not a database file: name a file in it, such as "
            f"{path / 'orca-desk.sqlite3'}."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StartupError(
            f"The folder {folder} is read-only: Orca Desk keeps its journal beside the "
            "database and needs to write there. Move the database to a writable folder "
            "or ask whoever manages this computer."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StartupError(
            f"The database file {path} is read-only: Orca Desk needs to write to it. "
            "Ask whoever manages this computer to make it writable."
        )


def _first_file(folder: Path) -> Path:
    """The part of ``folder`` that exists as something other than a folder."""
    for candidate in [*reversed(folder.parents), folder]:
        if candidate.exists() and not candidate.is_dir():
            return candidate
    return folder


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def describe_database_error(exc: BaseException, url: URL) -> str:
    """One sentence for a driver error while opening or using the database."""
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())
    low = text.lower()
    if url.get_backend_name() == "sqlite":
        path = url.database or "the database"
        if "file is not a database" in low or "not a database" in low:
            return f"{path} is not an Orca Desk database (it is not a SQLite file): choose another file."
        if "readonly" in low or "read-only" in low:
            return (
                f"The database {path} (or its folder) is read-only: Orca Desk needs to write to it. "
                "Ask whoever manages this computer to make it writable."
            )
        if "unable to open" in low:
            return f"Cannot open the database file {path}: its folder is missing or read-only."
        if "locked" in low or "busy" in low:
            return f"The database {path} is busy (another program is writing to it): try again in a moment."
        if "disk i/o" in low or "disk is full" in low or "database or disk is full" in low:
            return f"The database {path} cannot be written: the disk is full or failing ({text})."
        if "malformed" in low:
            return f"The database {path} is damaged (malformed): restore it from a backup."
        return f"The database {path} cannot be used: {text}."
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    if (
        "password authentication failed" in low
        or ("role" in low and "does not exist" in low)
        or "no password supplied" in low
    ):
        return (
            f"The PostgreSQL server at {where} refused user {url.username!r}: the password is wrong "
            "or the user does not exist. Check the database URL."
        )
    if "database" in low and "does not exist" in low:
        return (
            f"The PostgreSQL server at {where} has no database {url.database!r}: create it or "
            "correct the database URL."
        )
    if any(
        s in low
        for s in (
            "connection refused",
            "could not connect",
            "timeout expired",
            "could not translate host name",
            "name or service not known",
            "no route to host",
            "network is unreachable",
            "connection timed out",
            "server closed the connection",
            "connection failed",
        )
    ):
        return (
            f"Cannot reach the PostgreSQL server at {where}: is it running, and are the host and "
            "port in the database URL right?"
        )
    if "deadlock" in low or "could not serialize" in low:
        return "The shared database is busy: please try again."
    return f"The database {shown(url)} cannot be used: {text}."


def connect(url: str) -> Database:
    """A ``Database`` for ``url`` whose first connection has succeeded."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_path(parsed.database)
    try:
        db = Database(url)
    except (SQLAlchemyError, ImportError, OSError) as exc:
        raise StartupError(f"The database {shown(parsed)} cannot be opened: {exc}.") from None
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        db.dispose()
        raise StartupError(describe_database_error(exc, parsed)) from None
    return db


def check_schema(db: Database, *, upgrade_local: bool) -> None:
    """The schema is this version's: a local SQLite file is upgraded when ``upgrade_local``.

    A database written by a newer Orca Desk is refused (on SQLite and PostgreSQL alike) before
    anything tries to migrate it; a shared database behind this version asks for ``db upgrade``.
    """
    try:
        current = current_revisions(db)
        if current == STORED_AT_HEAD:
            return  # the newest schema: no migration file needs reading
        if not current:
            _refuse_foreign(db)
        newer = current - known_revisions()
        if newer:
            raise StartupError(
                f"The database {_label(db)} was last used by a newer version of Orca Desk (schema "
                f"{', '.join(sorted(newer))}); this version cannot use it. Install the newer Orca Desk "
                "on this computer."
            )
        if is_up_to_date(current):
            return
        if db.is_sqlite and upgrade_local:
            upgrade(db)  # a local file upgrades itself
            return
    except DBAPIError as exc:
        raise StartupError(describe_database_error(exc, db.url)) from None
    raise StartupError(
        "The shared database schema is older than this Orca Desk: run 'orca-desk db upgrade' "
        "first (or ask whoever runs the database to)."
    )


def upgrade_schema(db: Database) -> None:
    """``orca-desk db upgrade``: apply the migrations, refusing a newer schema with a sentence."""
    try:
        current = current_revisions(db)
        if not current:
            _refuse_foreign(db)
        newer = current - known_revisions()
        if newer:
            raise StartupError(
                f"The database {_label(db)} was last used by a newer version of Orca Desk (schema "
                f"{', '.join(sorted(newer))}); this version cannot upgrade it (nothing was changed). "
                "Install the newer Orca Desk."
            )
        upgrade(db)
    except DBAPIError as exc:
        raise StartupError(describe_database_error(exc, db.url)) from None


def _refuse_foreign(db: Database) -> None:
    """A database with tables but no Orca Desk schema belongs to another program: never add ours."""
    with db.engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
    if tables:
        names = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
        raise StartupError(
            f"The database {_label(db)} holds another program's tables ({names}) and no "
            "Orca Desk data: choose another database."
        )


def _label(db: Database) -> str:
    return str(db.url.database) if db.is_sqlite else shown(db.url)


def open_database(url: str, *, require_current: bool = True, upgrade_local: bool = True) -> Database:
    """Connect, then check the schema (``require_current``); every failure is a ``StartupError``."""
    db = connect(url)
    if require_current:
        try:
            check_schema(db, upgrade_local=upgrade_local)
        except BaseException:
            db.dispose()
            raise
    return db
