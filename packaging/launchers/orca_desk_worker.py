"""The bundle's ``orca-desk-worker`` executable: ``orca-desk worker`` under its own name."""

import sys

from orca_desk.cli import run

sys.argv[1:1] = ["worker"]
run()
