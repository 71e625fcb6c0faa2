"""Run Orca Desk with ``python -m orca_desk``."""

from orca_desk.cli import run

run()
