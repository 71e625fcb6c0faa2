"""The bundle's ``orca-desk-gateway`` executable: ``orca-desk gateway`` under its own name."""

import sys

from orca_desk.cli import run

sys.argv[1:1] = ["gateway"]
run()
