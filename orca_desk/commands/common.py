"""Helpers shared by subcommands: open the database, parse dates, report errors."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the database and security load when a command opens the database
    from orca_desk.db import Database
    from orca_desk.services.access.security import Actor

PASSWORD_ENV = "ORCA_DESK_PASSWORD"


class CommandError(Exception):
    """Bad command-line input; the message names what is wrong."""


def open_database(
    args: argparse.Namespace, *, require_current: bool = True, create: bool = False
) -> Database:
    """The database of ``--database-url`` (else the environment, else the local file), checked.

    A local SQLite file is upgraded to this version's schema; anything wrong is a
    ``StartupError`` (``orca-desk: error: …``, exit 2). A local file that does not exist is an
    error unless ``create`` (demo, setup, restore, db upgrade): a mistyped path must not leave a
    new, empty database behind.
    """
    from orca_desk.config import DATABASE_URL_ENV, Settings, local_database_file

    settings = Settings.resolve(getattr(args, "database_url", None))
    path = local_database_file(settings.database_url)
    if not create and path is not None and not path.exists():
        raise CommandError(
            f"There is no database at {path}: check --database-url (or {DATABASE_URL_ENV}). "
            "Nothing was created; a new clinic starts in the app, or with 'orca-desk setup --from "
            "clinic.toml' or 'orca-desk demo'."
        )
    from orca_desk import startup

    return startup.open_database(settings.database_url, require_current=require_current)


def add_user_option(parser: argparse.ArgumentParser, *, when: str = "") -> None:
    """``--user NAME``: the staff member a data-changing command acts (and is audited) as."""
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=f"sign in as this staff user{when}; the password is asked for, or read from {PASSWORD_ENV}",
    )


def read_password(args: argparse.Namespace, what: str) -> str:
    """The password of ``--user``: ``ORCA_DESK_PASSWORD`` when set, else asked at the terminal.

    ``what`` says what the command changes, for the message when ``--user`` is missing.
    """
    user = (getattr(args, "user", None) or "").strip()
    if not user:
        raise CommandError(
            f"This command {what}: sign in with --user NAME (the password is asked "
            f"for, or read from {PASSWORD_ENV})."
        )
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    try:
        password = getpass.getpass(f"Password for {user}: ")
    except (EOFError, KeyboardInterrupt):
        password = ""
    if not password:
        raise CommandError(f"No password was given for {user}: type it at the prompt or set {PASSWORD_ENV}.")
    return password


def sign_in(db: Database, args: argparse.Namespace, password: str, permission: str) -> Actor:
    """Check ``--user`` and its password, and that the user may do ``permission``.

    A user who still has the one-time password setup gave chooses their own first, at a terminal.
    """
    from orca_desk.services.access.security import authenticate, must_change_password

    with db.read() as session:
        actor = authenticate(session, args.user, password)
        must_change = must_change_password(session, actor)
    actor.require(permission)
    if must_change:
        _choose_own_password(db, actor, password)
    return actor


def _choose_own_password(db: Database, actor: Actor, one_time: str) -> None:
    from orca_desk.services.access.security import change_password, password_problems
    from orca_desk.services.clock import SystemClock

    name = actor.username
    if not sys.stdin.isatty():
        raise CommandError(
            f"{name} still has the one-time password from setup: sign in to Orca Desk "
            "once (or run this command at a terminal) to choose your own."
        )
    new = getpass.getpass(f"{name} has a one-time password; choose your own: ")
    problems = password_problems(name, new)
    if problems:
        raise CommandError(" ".join(problems))
    if getpass.getpass("Type it again: ") != new:
        raise CommandError("The two passwords differ; nothing was changed.")
    with db.write() as session:
        change_password(session, actor, one_time, new, now=SystemClock().now())


def parse_date(value: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{what} {value!r} is not a date in the form YYYY-MM-DD.") from None


def output_file(value: str, suffix: str) -> Path:
    """The file a command writes, refused before any work unless it ends in ``suffix`` (".pdf")
    and its folder exists and can be written."""
    out = Path(value)
    if out.suffix.lower() != suffix:
        raise CommandError(f"The output file {str(out)!r} must end in {suffix}.")
    if not out.parent.is_dir():
        raise CommandError(f"The folder {str(out.parent)!r} for the output file does not exist.")
    check_writable(out)
    return out


def check_range(start: date | None, end: date | None) -> None:
    """``--from`` and ``--to`` in order (either may be absent)."""
    if start is not None and end is not None and end < start:
        raise CommandError(f"--to {end} is before --from {start}.")


@contextmanager
def new_database_undone(args: argparse.Namespace) -> Iterator[Callable[[], None]]:
    """For a command that may start a local SQLite file (``create``): the file, and any folders
    made for it, are removed again unless the block calls the function it is given (the work was
    written). A dry run or a refusal then leaves no new, empty database behind. The block
    disposes of its engine first."""
    from orca_desk.config import Settings, local_database_file

    path = local_database_file(Settings.resolve(getattr(args, "database_url", None)).database_url)
    made: list[Path] = []
    if path is not None and not path.exists():
        made = [path, *(p for p in path.parents if not p.exists())]
    kept = False

    def keep() -> None:
        nonlocal kept
        kept = True

    try:
        yield keep
    finally:
        if made and not kept:
            _remove_made(made)


def _remove_made(made: list[Path]) -> None:
    file, folders = made[0], made[1:]
    for suffix in ("", "-journal", "-wal", "-shm"):
        file.with_name(file.name + suffix).unlink(missing_ok=True)
    for folder in folders:
        with suppress(OSError):  # another program put something there meanwhile
            folder.rmdir()


def check_writable(out: Path) -> None:
    """Refuse an output file in a read-only folder (or over a read-only file) before any work.

    ``os.access`` answers for the user running the command."""
    if not os.access(out.parent, os.W_OK | os.X_OK):
        raise CommandError(
            f"The folder {str(out.parent)!r} is read-only: choose another place for the output file."
        )
    if out.exists() and (out.is_dir() or not os.access(out, os.W_OK)):
        raise CommandError(
            f"{str(out)!r} cannot be replaced (it is read-only or a folder): choose another output file."
        )


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Turn a failure to write ``out`` (read-only, disk full, gone) into one sentence."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None and Path(exc.filename) != out:
            raise
        raise CommandError(f"Cannot write {str(out)!r}: {(exc.strerror or str(exc)).lower()}.") from None


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
