"""Model modules load on demand, yet whatever is loaded is a complete, configurable set of tables."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import orca_desk.models

FOLDER = Path(orca_desk.models.__file__).parent
MODULES = sorted({p.stem for p in FOLDER.glob("*.py")} - {"__init__", "base"})

# In a fresh interpreter, per model module (each in a forked child, so each starts clean):
# import it alone, configure the mappers, resolve every foreign key and sort the tables as a
# flush does. A module that forgot to import the tables its keys name fails here.
_PROBE = """
import importlib, json, os, sys
import sqlalchemy.orm
failures = {}
for module in sys.argv[1:]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        message = ""
        try:
            importlib.import_module("orca_desk.models." + module)
            from orca_desk.models.base import Base
            sqlalchemy.orm.configure_mappers()
            for table in Base.metadata.sorted_tables:
                for key in table.foreign_keys:
                    key.column
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
        os.write(write, message.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    if message:
        failures[module] = message
print(json.dumps(failures))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="the probe forks")
def test_each_model_module_alone_registers_every_table_its_keys_name():
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *MODULES], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {}


def test_load_all_declares_every_model_module():
    """``load_all`` (and so migrations and ``create_all``) reaches every module and every table."""
    probe = (
        "import json, sys\n"
        "from orca_desk.models import load_all\n"
        "tables = sorted(load_all().metadata.tables)\n"
        "print(json.dumps([tables, sorted(m for m in sys.modules if m.startswith('orca_desk.models.'))]))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    tables, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert {f"orca_desk.models.{m}" for m in MODULES} <= set(loaded)
    assert {"appointment", "outbox_message", "campaign", "recovery_case", "applied_slot"} <= set(tables)


def test_the_package_declares_no_model_until_asked():
    probe = (
        "import json, sys\nimport orca_desk.models\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('orca_desk.models.'))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
