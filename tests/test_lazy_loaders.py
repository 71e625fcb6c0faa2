"""The project never loads its own modules by name: a lazy import is a plain ``from orca_desk.x
import y`` inside the function that needs it, so the import-linter contracts, the type checker and
a reader see every edge the code takes at run time."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "orca_desk"
LOADERS = {"import_module", "__import__", "find_spec"}


def _ours(path: str) -> bool:
    """Whether a dotted name is one of the project's modules (or a module inside one)."""
    parts = path.split(".")
    if parts[0] != "orca_desk":
        return False
    here = ROOT
    for part in parts:
        here = here / part
    return here.with_suffix(".py").is_file() or (here / "__init__.py").is_file()


def _module_name(path: Path) -> str:
    if not path.is_relative_to(ROOT):
        return path.stem
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _module_aliases(tree: ast.Module, module: str) -> set[str]:
    """Names the file binds to one of our modules (``import orca_desk.x as y``, ``from orca_desk
    import x``, ``from . import x``)."""
    names: set[str] = set()
    package = module.removesuffix(".__init__") if module.endswith(".__init__") else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("orca_desk")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names |= {a.asname or a.name for a in node.names if _ours(f"{base}.{a.name}")}
    return names


def _loader_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id in LOADERS:
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in LOADERS:
        return func.attr
    return None


def by_name_lookups(path: Path) -> list[str]:
    """What in one file loads a module of ours by name, or reads one of them by a computed name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = _module_aliases(tree, _module_name(path))
    found: list[str] = []
    top = [*tree.body, *(n for s in tree.body if isinstance(s, ast.If) for n in (*s.body, *s.orelse))]
    for node in top:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            found.append(f"line {node.lineno}: a module-level __getattr__ (names loaded on first use)")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        loader = _loader_name(node)
        if loader is not None:
            first = node.args[0] if node.args else None
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            # A third-party module named literally is allowed; a computed name may be ours.
            if not literal or str(first.value).startswith((".", "orca_desk")):  # type: ignore[union-attr]
                found.append(f"line {node.lineno}: {loader}({ast.unparse(first) if first else ''})")
        elif (
            isinstance(node.func, ast.Name) and node.func.id in {"getattr", "hasattr"} and len(node.args) >= 2
        ):
            target, attribute = node.args[0], node.args[1]
            computed = not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str))
            on_module = (
                (isinstance(target, ast.Name) and target.id in aliases)
                or (isinstance(target, ast.Subscript) and ast.unparse(target.value) == "sys.modules")
                or (isinstance(target, ast.Call) and _loader_name(target) is not None)
            )
            if computed and on_module:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_of_ours_is_loaded_or_read_by_name():
    offenders = {
        str(path.relative_to(ROOT)): lookups
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lookups := by_name_lookups(path))
    }
    assert offenders == {}, f"import these with a plain import statement instead: {offenders}"


def test_the_check_finds_each_kind_of_lookup(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import importlib\n"
        "from importlib import import_module\n"
        "from orca_desk import models\n"
        "from orca_desk.services import waitlist as w\n"
        "import orca_desk.services.booking.booking as booking\n"
        "importlib.import_module('orca_desk.views.admin.screen')\n"
        "import_module(f'orca_desk.models.{name}')\n"
        "__import__('orca_desk.cli')\n"
        "importlib.import_module(name)\n"
        "getattr(models, name)\n"
        "getattr(w, name)\n"
        "hasattr(booking, name)\n"
        "getattr(importlib.import_module('yaml'), name)\n"
        "getattr(sys.modules[__name__], name)\n"
        "def __getattr__(name):\n"
        "    return name\n"
        # Allowed: a third-party module named literally, a constant attribute, a class's attribute.
        "importlib.import_module('urllib3')\n"
        "getattr(models, 'Patient')\n"
        "getattr(self.screen_class, name)\n",
        encoding="utf-8",
    )
    found = by_name_lookups(sample)
    assert [line.split(":")[0] for line in found] == [
        "line 15",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
        "line 10",
        "line 11",
        "line 12",
        "line 13",
        "line 14",
    ], found
