"""The command line loads only what the chosen subcommand needs (help and bad input stay instant)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from orca_desk.commands import COMMANDS

HEAVY = (
    "alembic",
    "sqlalchemy",
    "PySide6",
    "orca_desk.models",
    "orca_desk.db",
    "orca_desk.startup",
    "orca_desk.migrate",
    "orca_desk.services.demo",
    "orca_desk.services.printing",
    "orca_desk.services.exporting.ical_export",
    "orca_desk.gateway",
    "orca_desk.automation",
)


def _loaded_after(code: str) -> list[str]:
    """Heavy modules in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = (
        f"import sys\n{code}\nimport json\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({HEAVY!r}))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def _main_exits(argv: list[str]) -> str:
    return f"from orca_desk.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass"


def test_importing_the_cli_loads_no_database_qt_or_migrations():
    assert _loaded_after("import orca_desk.cli") == []


def test_help_and_argument_errors_load_nothing_heavy():
    for argv in (
        ["--help"],
        ["nosuchcmd"],
        ["--bogus"],
        ["print"],
        ["print", "--help"],
        ["export-ical", "--from", "2026-01-01"],
        ["gateway", "--help"],
        ["demo", "--size", "huge"],
        ["import", "patients", "--help"],
        ["templates", "apply", "--help"],
    ):
        assert _loaded_after(_main_exits(argv)) == [], argv


def test_every_command_module_imports_light():
    assert _loaded_after("from orca_desk.cli import build_parser\nbuild_parser(load_all=True)") == []


def test_registry_help_matches_what_each_module_registers():
    """The one-line help listed without importing a module is the one the module gives."""
    common = argparse.ArgumentParser(add_help=False)
    parser = argparse.ArgumentParser(prog="orca-desk")
    sub = parser.add_subparsers(dest="command")
    for register in dict.fromkeys(c.register for c in COMMANDS):
        register(sub, common)
    registered = {action.dest: action.help for action in sub._choices_actions}
    assert registered == {c.name: c.help for c in COMMANDS}
    assert list(registered) == [c.name for c in COMMANDS]  # --help keeps the modules' order


def test_lazily_built_parsers_equal_the_modules_own():
    """Each command's parser, built when chosen, is the one its module registers eagerly."""
    from orca_desk.cli import build_parser, common_options

    def subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))

    for command in COMMANDS:
        eager = argparse.ArgumentParser(prog="orca-desk")
        eager_sub = eager.add_subparsers(dest="command", metavar="COMMAND")
        command.register(eager_sub, common_options())
        lazy = build_parser()
        lazy_sub = subparsers(lazy)
        placeholder = lazy_sub.choices[command.name].format_help()
        lazy_sub.load(command.name)  # type: ignore[attr-defined]
        built = lazy_sub.choices[command.name].format_help()
        assert built == eager_sub.choices[command.name].format_help(), command.name
        assert built != placeholder, command.name  # the real options, not the stand-in
        assert "--database-url" in built


def test_constants_named_for_the_parser_match_their_sources():
    from orca_desk.commands import demo_cmd, gateway_cmd
    from orca_desk.gateway import server
    from orca_desk.services.demo import SIZES

    assert sorted(SIZES) == demo_cmd.DEMO_SIZES
    assert (gateway_cmd.DEFAULT_HOST, gateway_cmd.DEFAULT_PORT) == (server.DEFAULT_HOST, server.DEFAULT_PORT)
