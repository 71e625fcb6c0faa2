"""Every module the project loads by name is also imported statically (under TYPE_CHECKING), so the
import-linter contracts and the no-circle test see each edge a lazy loader takes at run time."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def type_checking_imports(path: Path) -> set[str]:
    """The modules a file imports inside ``if TYPE_CHECKING:`` blocks."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    found.add(inner.module)
                    found |= {f"{inner.module}.{alias.name}" for alias in inner.names}
                elif isinstance(inner, ast.Import):
                    found |= {alias.name for alias in inner.names}
    return found


def lazy_targets() -> list[tuple[str, set[str]]]:
    from orca_desk import models
    from orca_desk.services import template_engine, waitlist

    return [
        ("orca_desk/models/__init__.py", {f"orca_desk.models.{m}" for m in models.MODULES}),
        (
            "orca_desk/services/waitlist/__init__.py",
            {f"orca_desk.services.waitlist.{m}" for m in waitlist._HOME.values()},
        ),
        (
            "orca_desk/services/template_engine/__init__.py",
            {f"orca_desk.services.template_engine.{m}" for m in template_engine._HOME.values()},
        ),
    ]


@pytest.mark.parametrize("loader, targets", lazy_targets(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_lazily_loaded_module_is_imported_under_type_checking(loader: str, targets: set[str]) -> None:
    missing = sorted(targets - type_checking_imports(ROOT / loader))
    assert missing == [], f"{loader} loads these by name without a TYPE_CHECKING import: {missing}"
