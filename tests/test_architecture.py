"""Architecture guards: migrations match the models; services stay Qt-free; layers point down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from orca_desk.models import Base

ROOT = Path(__file__).resolve().parents[1]


def test_migrations_match_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ; add an Alembic revision: {diff}"


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
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


# The one circle left: booking runs the effects of a change, the waitlist's effect offers the
# freed slot, and accepting an offer books. It goes when the waitlist is split into packages.
KNOWN_CIRCLE = frozenset({"orca_desk.services.appointment_effects", "orca_desk.services.booking",
                          "orca_desk.services.waitlist"})


def test_no_new_import_circles():
    circles = import_circles()
    unexpected = [sorted(c) for c in circles if c != KNOWN_CIRCLE]
    assert unexpected == [], f"modules that import each other: {unexpected}"
