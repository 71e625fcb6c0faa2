"""Helpers shared by subcommands: open the database, parse dates, report errors."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from orca_desk.config import Settings
from orca_desk.db import Database
from orca_desk.migrate import needs_upgrade


class CommandError(Exception):
    """Bad command-line input; the message names what is wrong."""


def open_database(args: argparse.Namespace, *, require_current: bool = True) -> Database:
    settings = Settings.resolve(getattr(args, "database_url", None))
    db = Database(settings.database_url)
    if require_current and needs_upgrade(db):
        if db.is_sqlite:
            from orca_desk.migrate import upgrade

            upgrade(db)
        else:
            raise CommandError("The shared database schema is out of date: run "
                               "'orca-desk db upgrade' first.")
    return db


def parse_date(value: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{what} {value!r} is not a date in the form YYYY-MM-DD.") from None


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
