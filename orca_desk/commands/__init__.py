"""Command-line subcommands: the registry the CLI builds its parser from, without importing them.

Each module exposes ``register(subparsers, common)``; it is imported only when its command
runs (or its ``--help`` is asked for), so ``orca-desk --help`` and argument errors stay fast.
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    name: str
    help: str  # the one line of ``orca-desk --help``; a test checks it matches the module's
    module: str


# Order is the order shown in --help. A feature adds its command here.
COMMANDS = [
    Command("db", "database maintenance", "orca_desk.commands.db_cmd"),
    Command("demo", "load a demo clinic into an empty database", "orca_desk.commands.demo_cmd"),
    Command(
        "setup",
        "set up or update the clinic (locations, chairs, types, providers, hours, staff) from a TOML file",
        "orca_desk.commands.setup_cmd",
    ),
    Command(
        "availability",
        "print a provider's free time per day, in the location's local time",
        "orca_desk.commands.availability_cmd",
    ),
    Command("print", "print a day or week view to a PDF file", "orca_desk.commands.print_cmd"),
    Command(
        "gateway", "serve the links patients click (a small web server)", "orca_desk.commands.gateway_cmd"
    ),
    Command(
        "worker",
        "run the automation (sending, replies, reminders) without the GUI",
        "orca_desk.commands.worker_cmd",
    ),
    Command("message", "send messages to patients", "orca_desk.commands.message_cmd"),
    Command(
        "export-ical",
        "export appointments of a date range to an iCalendar (.ics) file",
        "orca_desk.commands.ical_cmd",
    ),
    Command("templates", "schedule templates", "orca_desk.commands.templates_cmd"),
    Command("waitlist", "waitlist openings: matches, offers, notify now", "orca_desk.commands.waitlist_cmd"),
    Command(
        "backup",
        "copy the database to a file while desks keep working (SQLite backup API, or pg_dump)",
        "orca_desk.commands.backup_cmd",
    ),
    Command(
        "restore",
        "replace the database with a backup (refuses a database that holds a clinic without --force)",
        "orca_desk.commands.backup_cmd",
    ),
    Command("export", "write patients or appointments to a CSV file", "orca_desk.commands.export_cmd"),
    Command("import", "import patients or appointments from a CSV file", "orca_desk.commands.import_cmd"),
    Command(
        "api-key",
        "clinic API keys: create (the key is shown once), list, revoke",
        "orca_desk.commands.api_key_cmd",
    ),
]

COMMAND_MODULES = list(dict.fromkeys(c.module for c in COMMANDS))
