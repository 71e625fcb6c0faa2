"""Lists modules over 600 lines and functions over 80 lines in orca_desk/ (python3 tests/code_sizes.py)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "orca_desk"
MODULE_LIMIT = 600
FUNCTION_LIMIT = 80

# Declarative layout builders: one widget after another, read top to bottom; cutting them
# into pieces would only scatter one form over several functions.
LAYOUT_BUILDERS: dict[str, str] = {}


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts)


def long_modules() -> list[tuple[str, int]]:
    found = []
    for path in _sources():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MODULE_LIMIT:
            found.append((str(path.relative_to(ROOT.parent)), lines))
    return sorted(found, key=lambda item: -item[1])


def long_functions() -> list[tuple[str, int]]:
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = str(path.relative_to(ROOT.parent))
        stack: list[tuple[ast.AST, str]] = [(tree, "")]
        while stack:
            node, prefix = stack.pop()
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    name = f"{prefix}{child.name}"
                    if not isinstance(child, ast.ClassDef):
                        length = (child.end_lineno or child.lineno) - child.lineno + 1
                        if length > FUNCTION_LIMIT:
                            found.append((f"{module}:{name}", length))
                    stack.append((child, name + "."))
    return sorted(found, key=lambda item: -item[1])


def main() -> int:
    modules = long_modules()
    functions = [(name, n) for name, n in long_functions() if name not in LAYOUT_BUILDERS]
    print(f"modules over {MODULE_LIMIT} lines: {len(modules)}")
    for name, n in modules:
        print(f"  {n:5d}  {name}")
    print(f"functions over {FUNCTION_LIMIT} lines (layout builders excepted): {len(functions)}")
    for name, n in functions:
        print(f"  {n:5d}  {name}")
    builders = [(name, n) for name, n in long_functions() if name in LAYOUT_BUILDERS]
    print(f"declarative layout builders over {FUNCTION_LIMIT} lines: {len(builders)}")
    for name, n in builders:
        print(f"  {n:5d}  {name} — {LAYOUT_BUILDERS[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
