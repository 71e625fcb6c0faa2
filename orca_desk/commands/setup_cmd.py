"""``orca-desk setup --from clinic.toml [--dry-run] [--user NAME]``: set up or update the clinic.

Declarative and idempotent (see ``services/clinic_setup/``); a bad file is refused whole,
each problem named with its line and field, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from orca_desk.commands.common import (
    CommandError,
    add_user_option,
    new_database_undone,
    open_database,
    read_password,
    sign_in,
)

if TYPE_CHECKING:
    from orca_desk.db import Database
    from orca_desk.services.clinic_setup import ClinicSetup, SetupInvalid, SetupResult

_MAX_SHOWN = 30


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "setup",
        parents=[common],
        help="set up or update the clinic (locations, chairs, types, providers, hours, "
        "staff) from a TOML file",
    )
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="clinic.toml",
        help="the clinic file (format: README, 'Setting up a practice')",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="print what would be created or updated; write nothing"
    )
    add_user_option(p, when=" (an administrator; needed once the clinic exists)")
    p.set_defaults(func=_setup)


def _setup(args: argparse.Namespace) -> int:
    source = Path(args.source)
    try:  # a missing file is said before the clinic's rules load
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"There is no file {args.source!r}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {args.source!r}: {exc}.") from None
    # The file's own problems (its TOML, sections, fields and values) are said before the
    # database layer loads.
    from orca_desk.services.setup_file.problems import SetupInvalid
    from orca_desk.services.setup_file.reading import parse_setup

    try:
        setup = parse_setup(text)
    except SetupInvalid as exc:
        raise CommandError(_problems(args.source, text, exc)) from None
    with new_database_undone(args) as keep:
        db = open_database(args, create=True)
        try:
            result = _apply(db, args, setup, text)
            if not result.dry_run:
                keep()
        finally:
            db.dispose()
    _report(result)
    return 0


def _apply(db: Database, args: argparse.Namespace, setup: ClinicSetup, text: str) -> SetupResult:
    """Apply (or try) the setup: on an empty database as its first clinic, else as an
    administrator's change."""
    from orca_desk.services.access.security import ADMIN, Actor
    from orca_desk.services.clinic_setup import SetupInvalid, apply_setup
    from orca_desk.services.clock import SystemClock
    from orca_desk.services.demo import is_empty

    with db.read() as session:
        empty = is_empty(session)
    actor: Actor | None = None
    if not empty:
        if not args.user:
            raise CommandError(
                "This database already holds a clinic: give --user NAME (an administrator) to change it."
            )
        actor = sign_in(db, args, read_password(args, "changes the clinic's setup"), ADMIN)
    elif args.user:
        print(
            f"note: the database is empty, so --user {args.user} is not needed: the first "
            "administrator comes from [[staff]]",
            file=sys.stderr,
        )
    try:
        with db.write() as session:
            result = apply_setup(session, setup, actor=actor, now=SystemClock().now(), dry_run=args.dry_run)
    except SetupInvalid as exc:
        raise CommandError(_problems(args.source, text, exc)) from None
    return result


def _problems(source: str, text: str, exc: SetupInvalid) -> str:
    from orca_desk.services.setup_file.reading import describe_problems

    lines = describe_problems(source, text, exc.problems)
    more = len(lines) - _MAX_SHOWN
    shown = lines[:_MAX_SHOWN] + ([f"… and {more} more"] if more > 0 else [])
    return "\n".join(shown) + ("\nNothing was changed." if len(lines) > 1 else "")


def _report(result: SetupResult) -> None:
    would = "would " if result.dry_run else ""
    if not result.changes:
        print("nothing to change")
    for change in result.changes:
        print(f"{would}{change}")
    for note in result.notes:
        print(f"note: {note}")
    if result.defaults is not None and result.defaults.total:
        d = result.defaults
        print(
            f"{would}seed the defaults of a new clinic: {d.reminder_sequences} reminder and "
            f"confirmation sequence{'s' if d.reminder_sequences != 1 else ''}, "
            f"{d.recovery_sequences} recovery sequence, {d.message_templates} message templates"
        )
    if result.dry_run:
        if result.changes:
            print(
                f"dry run: {len(result.changes)} change{'s' if len(result.changes) != 1 else ''} not written"
            )
        return
    if result.new_users:
        print("One-time passwords (shown only now; each user chooses their own at first sign-in):")
        width = max(len(u.username) for u in result.new_users)
        for u in result.new_users:
            print(f"  {u.username:<{width}}  {u.one_time_password}  ({u.display_name}, {u.role})")
