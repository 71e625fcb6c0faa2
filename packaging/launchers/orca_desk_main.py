"""The bundle's ``orca-desk`` executable: the desk, or any subcommand (``orca-desk worker`` …)."""

from orca_desk.cli import run

run()
