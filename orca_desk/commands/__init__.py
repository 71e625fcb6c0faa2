"""Command-line subcommands: the registry the CLI builds its parser from, without importing them.

Each command module exposes ``register(subparsers, common)``; the registry names a small
function that imports it, called only when its command runs (or its ``--help`` is asked for),
so ``orca-desk --help`` and argument errors stay fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NamedTuple

Subparsers = Any  # argparse's subparsers action (a private class)


class Command(NamedTuple):
    name: str
    help: str  # the one line of ``orca-desk --help``; a test checks it matches the module's
    register: Callable[[Subparsers, argparse.ArgumentParser], None]  # imports the module, adds its parser


def _db(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.db_cmd import register

    register(subparsers, common)


def _demo(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.demo_cmd import register

    register(subparsers, common)


def _setup(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.setup_cmd import register

    register(subparsers, common)


def _availability(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.availability_cmd import register

    register(subparsers, common)


def _print(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.print_cmd import register

    register(subparsers, common)


def _gateway(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.gateway_cmd import register

    register(subparsers, common)


def _worker(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.worker_cmd import register

    register(subparsers, common)


def _message(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.message_cmd import register

    register(subparsers, common)


def _ical(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.ical_cmd import register

    register(subparsers, common)


def _templates(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.templates_cmd import register

    register(subparsers, common)


def _waitlist(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.waitlist_cmd import register

    register(subparsers, common)


def _backup(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.backup_cmd import register

    register(subparsers, common)


def _export(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.export_cmd import register

    register(subparsers, common)


def _import(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.import_cmd import register

    register(subparsers, common)


def _api_key(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    from orca_desk.commands.api_key_cmd import register

    register(subparsers, common)


# Order is the order shown in --help. A feature adds its command here.
COMMANDS = [
    Command("db", "database maintenance", _db),
    Command("demo", "load a demo clinic into an empty database", _demo),
    Command(
        "setup",
        "set up or update the clinic (locations, chairs, types, providers, hours, staff) from a TOML file",
        _setup,
    ),
    Command(
        "availability", "print a provider's free time per day, in the location's local time", _availability
    ),
    Command("print", "print a day or week view to a PDF file", _print),
    Command("gateway", "serve the links patients click (a small web server)", _gateway),
    Command("worker", "run the automation (sending, replies, reminders) without the GUI", _worker),
    Command("message", "send messages to patients", _message),
    Command("export-ical", "export appointments of a date range to an iCalendar (.ics) file", _ical),
    Command("templates", "schedule templates", _templates),
    Command("waitlist", "waitlist openings: matches, offers, notify now", _waitlist),
    Command(
        "backup",
        "copy the database to a file while desks keep working (SQLite backup API, or pg_dump)",
        _backup,
    ),
    Command(
        "restore",
        "replace the database with a backup (refuses a database that holds a clinic without --force)",
        _backup,
    ),
    Command("export", "write patients or appointments to a CSV file", _export),
    Command("import", "import patients or appointments from a CSV file", _import),
    Command("api-key", "clinic API keys: create (the key is shown once), list, revoke", _api_key),
]
