"""Entry point: the GUI by default, subcommands for scripted work."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from orca_desk.commands import COMMAND_MODULES
from orca_desk.commands.common import CommandError
from orca_desk.config import DATABASE_URL_ENV, Settings
from orca_desk.services.errors import OrcaError
from orca_desk.startup import describe_database_error, parse_database_url


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", default=argparse.SUPPRESS, metavar="URL",
                        help=f"SQLite file or postgresql+psycopg://… (env {DATABASE_URL_ENV})")
    parser = argparse.ArgumentParser(
        prog="orca-desk", parents=[common],
        description="Orca Desk — front-desk scheduling for orthodontic practices. "
                    "Without a subcommand, opens the application.")
    parser.add_argument("--demo", action="store_true",
                        help="load the small demo clinic if the database is empty and sign in as "
                             "the demo manager")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="render the main window to a PNG and exit")
    parser.add_argument("--view", default="calendar", help="screen to show (with --screenshot)")
    parser.add_argument("--size", metavar="WxH", help="window size for --screenshot (default 1400x900); "
                        "fails if the screen cannot fit it")
    parser.add_argument("--date", help="day to show, YYYY-MM-DD (default today)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from orca_desk.app import run_gui

            return run_gui(args)
        result: int = args.func(args)
        return result
    except (CommandError, OrcaError) as exc:
        return _error(str(exc))
    except DBAPIError as exc:  # the database failed after start-up (read-only, gone, full)
        url = parse_database_url(Settings.resolve(getattr(args, "database_url", None)).database_url)
        return _error(describe_database_error(exc, url))
    except OSError as exc:  # a file the command writes or reads
        where = f" {exc.filename}" if exc.filename else ""
        return _error(f"Cannot use{where}: {(exc.strerror or str(exc)).lower()}.")


def _error(message: str) -> int:
    print(f"orca-desk: error: {message}", file=sys.stderr)
    return 2
