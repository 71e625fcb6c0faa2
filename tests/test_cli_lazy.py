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


# What the words of a command alone say is wrong: refused before the database (or anything else
# heavy) loads, so the message comes as fast as an argument error.
INPUT_ERRORS = [
    (["print", "--date", "2026-13-45", "-o", "x.pdf"], "--date '2026-13-45' is not a date"),
    (["print", "--date", "2026-12-07", "-o", "day.txt"], "must end in .pdf"),
    (
        ["print", "--date", "2026-12-07", "-o", "/no/such/folder/day.pdf"],
        "for the output file does not exist",
    ),
    (
        ["availability", "--provider", "Chen", "--from", "2026-12-08", "--to", "2026-12-07"],
        "is before --from",
    ),
    (["export-ical", "--from", "2026-12-31", "--to", "2026-12-01", "-o", "x.ics"], "is before --from"),
    (["export", "appointments", "--from", "2026-12-31", "--to", "2026-12-01", "-o", "x.csv"], "is before"),
    (["export", "patients", "-o", "/no/such/folder/p.csv"], "for the output file does not exist"),
    (["import", "patients", "/no/such/file.csv"], "There is no file"),
    (["import", "patients", "--mapping", "nope", "README.md"], "is neither a preset"),
    (["setup", "--from", "/no/such/clinic.toml"], "There is no file"),
    (["setup", "--from", "README.md"], "not valid TOML"),
    (["message", "send", "--patient", "1", "--channel", "sms", "--text", " "], "--text is empty"),
    (
        ["templates", "apply", "W", "--providers", "Chen", "--from", "2027-03-01", "--to", "2027-01-01"],
        "is before",
    ),
    (["gateway", "--port", "99999"], "is not a port number"),
]


def test_input_errors_are_said_before_anything_heavy_loads(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ORCA_DESK_PASSWORD", raising=False)
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    from orca_desk.cli import main

    for argv, message in INPUT_ERRORS:
        assert main([*argv, "--database-url", url]) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("orca-desk: error: ") and message in err, (argv, err)
        assert _loaded_after(_main_exits([*argv, "--database-url", url])) == [], argv
    assert list(tmp_path.iterdir()) == []


def test_a_command_that_only_uses_a_database_makes_none(tmp_path, capsys):
    """A mistyped path is an error that names it, before SQLAlchemy loads; no folder or file is
    left behind. Only demo, setup, restore and db upgrade may start a new database."""
    from orca_desk.cli import main

    missing = tmp_path / "typo" / "clinic.sqlite3"
    url = f"sqlite:///{missing}"
    for argv in (
        ["availability", "--provider", "Chen", "--from", "2026-12-07", "--to", "2026-12-08"],
        ["print", "--date", "2026-12-07", "-o", str(tmp_path / "day.pdf")],
        ["waitlist", "offers"],
        ["worker", "--once"],
        ["db", "current"],
        ["api-key", "list"],
        ["export", "patients", "-o", str(tmp_path / "p.csv")],
    ):
        assert main([*argv, "--database-url", url]) == 2, argv
        err = capsys.readouterr().err
        assert f"There is no database at {missing}: check --database-url" in err, (argv, err)
        assert "Nothing was created" in err
    assert list(tmp_path.iterdir()) == []
    assert _loaded_after(_main_exits(["waitlist", "offers", "--database-url", url])) == []
