"""Model modules load on demand, yet whatever is loaded is a complete, configurable set of tables."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import orca_desk.models
from orca_desk.models import MODULES

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


def test_base_from_the_package_has_every_table():
    probe = (
        "import json, orca_desk.models as m\n"
        "before = sorted(m.Base.metadata.tables)\n"
        "m.load_all()\n"
        "print(json.dumps([before, sorted(m.Base.metadata.tables)]))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    before, after = json.loads(result.stdout.strip().splitlines()[-1])
    assert before == after
    assert {"appointment", "outbox_message", "campaign", "recovery_case", "applied_slot"} <= set(after)


def test_every_model_module_is_listed():
    """``load_all`` (and so ``Base``, migrations and ``create_all``) reaches every module."""
    folder = Path(orca_desk.models.__file__).parent
    found = {p.stem for p in folder.glob("*.py")} - {"__init__", "base"}
    assert set(MODULES) == found


def test_every_name_the_package_offers_resolves():
    for name in orca_desk.models.__all__:
        assert getattr(orca_desk.models, name) is not None, name
    with pytest.raises(AttributeError, match="NoSuchModel"):
        orca_desk.models.NoSuchModel  # noqa: B018
