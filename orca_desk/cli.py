"""Entry point: the GUI by default, subcommands for scripted work.

Only argparse and the command registry load here: a subcommand's module (and the database,
Alembic or Qt it needs) is imported when that subcommand is chosen.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from typing import Any

from orca_desk import __version__
from orca_desk.commands import COMMANDS
from orca_desk.config import DATABASE_URL_ENV


class LazySubcommands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Subparsers whose full parser is built by the command's module only once it is chosen.

    Until then each command has a placeholder parser, so the choices (and their error message)
    and the one-line help list are argparse's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # command name -> the function that imports its module and registers its parser
        self._pending: dict[str, Callable[[Any, argparse.ArgumentParser], None]] = {}
        self._common: argparse.ArgumentParser | None = None

    def declare(
        self,
        name: str,
        help: str,
        register: Callable[[Any, argparse.ArgumentParser], None],
        common: argparse.ArgumentParser,
    ) -> None:
        self._common = common
        self._pending[name] = register
        super().add_parser(name, help=help, parents=[common])

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if name in self._pending:  # the module's real parser replaces the placeholder
            del self._name_parser_map[name]
            self._pending.pop(name)
            kwargs.pop("help", None)  # already listed, from the registry
        return super().add_parser(name, **kwargs)

    def load(self, name: str) -> None:
        register = self._pending.get(name)
        if register is not None:
            assert self._common is not None
            register(self, self._common)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        self.load(values[0])
        super().__call__(parser, namespace, values, option_string)


def common_options() -> argparse.ArgumentParser:
    """The options every command takes (a parent parser)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help=f"SQLite file or postgresql+psycopg://… (env {DATABASE_URL_ENV})",
    )
    return common


def build_parser(*, load_all: bool = False) -> argparse.ArgumentParser:
    """The ``orca-desk`` parser; ``load_all`` builds every subcommand's full parser now."""
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="orca-desk",
        parents=[common],
        description="Orca Desk — front-desk scheduling for orthodontic practices. "
        "Without a subcommand, opens the application.",
    )
    parser.add_argument("--version", action="version", version=f"Orca Desk {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="load the small demo clinic if the database is empty and sign in as the demo manager",
    )
    parser.add_argument("--screenshot", metavar="FILE.png", help="render the main window to a PNG and exit")
    parser.add_argument("--view", default="calendar", help="screen to show (with --screenshot)")
    parser.add_argument(
        "--size",
        metavar="WxH",
        help="window size for --screenshot (default 1400x900); fails if the screen cannot fit it",
    )
    parser.add_argument("--date", help="day to show, YYYY-MM-DD (default today)")
    parser.add_argument(
        "--language",
        metavar="CODE",
        help="UI language for this run: en or es (default: ORCA_DESK_LANGUAGE, else the desk's "
        "Settings choice, else the system's)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=LazySubcommands)
    assert isinstance(sub, LazySubcommands)
    for command in COMMANDS:
        sub.declare(command.name, command.help, command.register, common)
    if load_all:
        for command in COMMANDS:
            sub.load(command.name)
    return parser


def main(argv: Sequence[str] | None = None, *, then_exit: bool = False) -> int:
    """Run the command (or the GUI); ``then_exit``: the process ends as soon as this returns."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            # Start-up allocates a great deal and frees almost nothing: collecting meanwhile only
            # delays the first paint. The window turns collection back on once it has painted.
            gc.disable()
            try:
                from orca_desk.app import run_gui

                return run_gui(args)
            finally:
                # Turned on again here, its first collection would sweep all start-up built
                # (a tenth of a second), just before a leaving process drops it anyway.
                if not then_exit:
                    gc.enable()
        result: int = args.func(args)
        return result
    except Exception as exc:
        message = _failure(exc, args)
        if message is None:
            raise
        return _error(message)


def run() -> None:
    """The process entry (``orca-desk``, ``python -m orca_desk``): ``main``, then exit.

    Everything the run built is frozen first, so the interpreter's last collection skips it:
    sweeping the ORM's and Qt's objects one by one on the way out cost a third of a second."""
    code = main(then_exit=True)
    gc.freeze()
    raise SystemExit(code)


def _failure(exc: Exception, args: argparse.Namespace) -> str | None:
    """The one line for a failure a user can correct; None for a bug (the traceback stays)."""
    from orca_desk.commands.common import CommandError
    from orca_desk.services.errors import OrcaError

    if isinstance(exc, CommandError | OrcaError):
        return str(exc)
    if "sqlalchemy" in sys.modules:  # only a command that opened a database can fail in it
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):  # the database failed after start-up (read-only, gone, full)
            from orca_desk.config import Settings
            from orca_desk.startup import describe_database_error, parse_database_url

            url = parse_database_url(Settings.resolve(getattr(args, "database_url", None)).database_url)
            return describe_database_error(exc, url)
    if isinstance(exc, OSError):  # a file the command writes or reads
        where = f" {exc.filename}" if exc.filename else ""
        return f"Cannot use{where}: {(exc.strerror or str(exc)).lower()}."
    return None


def _error(message: str) -> int:
    print(f"orca-desk: error: {message}", file=sys.stderr)
    return 2
