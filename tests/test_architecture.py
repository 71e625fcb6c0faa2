"""Architecture guards: migrations match the models; services stay Qt-free; layers point down."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from orca_desk.db import Database
from orca_desk.models import load_all

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


# Alembic cannot read SQLite's expression indexes back; the filter below leaves them out anyway.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_match_models(any_db):
    with any_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _on(conn.dialect.name)})
        diff = compare_metadata(context, load_all().metadata)
    assert diff == [], f"models and migrations differ; add an Alembic revision: {diff}"


def _on(dialect: str) -> Callable[..., bool]:
    """Leave out what the models create on another database only (``ddl_if``), which Alembic's
    comparison does not read: SQLite's NOCASE search indexes, PostgreSQL's lower() ones."""

    def include(obj: object, _name: str, kind: str, reflected: bool, _other: object) -> bool:
        only = getattr(obj, "_ddl_if", None)
        return reflected or kind != "index" or only is None or only.dialect in (None, dialect)

    return include


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def import_circles() -> list[frozenset[str]]:
    """Groups of project modules that import each other at run time (function-local imports
    count; imports only for type checking do not)."""
    import grimp

    graph = grimp.build_graph("orca_desk", cache_dir=None, exclude_type_checking_imports=True)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[frozenset[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(frozenset(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return circles


def test_no_import_circles():
    circles = [sorted(c) for c in import_circles()]
    assert circles == [], f"modules that import each other: {circles}"


def _fresh_import(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_booking_and_its_effects_import_first_in_a_fresh_interpreter():
    _fresh_import("import orca_desk.services.booking.booking")
    _fresh_import("import orca_desk.services.booking.appointment_effects")


def test_the_openings_booking_makes_never_load_booking():
    # Importing a submodule runs the package's __init__ first, an edge the import graph does
    # not draw: the waitlist package must stay lazy, or booking's effects would import booking.
    loaded = _fresh_import(
        "import sys, orca_desk.services.waitlist.openings; "
        "print('orca_desk.services.booking.booking' in sys.modules)"
    )
    assert loaded == "False"


def test_no_module_over_600_lines_and_no_function_over_80():
    """Issue 17's measure, kept: split a module along its seams, a function into named steps;
    only declarative layout builders may be longer, each listed with its reason."""
    from tests import code_sizes

    assert code_sizes.long_modules() == []
    long = [(name, n) for name, n in code_sizes.long_functions() if name not in code_sizes.LAYOUT_BUILDERS]
    assert long == []
