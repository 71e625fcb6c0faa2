"""The checkout stands on its own: nothing refers outside its root, and every run-time import is declared."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A relative path that climbs: ``../x`` in prose or code, or ``".."`` joined onto a path in code.
_CLIMB = re.compile(r"(?:\.\./)+[\w.-]+")
_DOTDOT_LITERAL = re.compile(r"""["']\.\.["']""")


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode == 0 and listed.stdout:
        names = [n for n in listed.stdout.decode().split("\0") if n]
    else:  # a source tarball without .git: every file below the root but the virtualenv
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    files = []
    for name in names:
        path = ROOT / name
        if path.is_file() and path.stat().st_size < 1_000_000:
            files.append(path)
    return files


def _escapes_root(base: Path, relative: str) -> bool:
    return not (base / relative).resolve().is_relative_to(ROOT)


def test_no_file_refers_to_a_path_outside_the_root() -> None:
    offenders = []
    for path in _tracked_text_files():
        if path == Path(__file__).resolve():  # this guard spells the patterns it looks for
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = path.relative_to(ROOT)
        for number, line in enumerate(text.splitlines(), 1):
            for match in _CLIMB.finditer(line):
                if _escapes_root(path.parent, match.group()) and _escapes_root(ROOT, match.group()):
                    offenders.append(f"{rel}:{number}: {match.group()}")
            if path.suffix == ".py" and _DOTDOT_LITERAL.search(line):
                offenders.append(f"{rel}:{number}: a '..' path part")
    assert offenders == [], "paths outside the checkout (a fresh clone has none):\n" + "\n".join(offenders)


def _imported_top_modules(source: Path) -> set[str]:
    """Top-level names of the absolute imports in one file, local (deferred) imports included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _requirement_name(spec: str) -> str:
    return re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_every_run_time_import_is_a_declared_dependency() -> None:
    declared = {
        _requirement_name(spec)
        for spec in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    providers = metadata.packages_distributions()
    undeclared = {}
    third_party = set().union(*map(_imported_top_modules, (ROOT / "orca_desk").rglob("*.py")))
    for module in sorted(third_party - set(sys.stdlib_module_names) - {"orca_desk"}):
        distributions = {d.lower().replace("_", "-") for d in providers.get(module, [])}
        if not distributions & declared:
            undeclared[module] = sorted(distributions) or ["(not installed)"]
    assert undeclared == {}, f"imported by orca_desk but not in [project.dependencies]: {undeclared}"


def test_time_zone_data_is_declared_for_machines_without_a_zone_database() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "tzdata" in {_requirement_name(spec) for spec in dependencies}


def test_the_shipped_package_holds_no_test_tools() -> None:
    assert not (ROOT / "orca_desk" / "devtools").exists()
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "orca_desk").rglob("*.py")
        if "openapi_core" in _imported_top_modules(p)
    ]
    assert offenders == []


def test_the_wheel_ships_resources_and_no_test_tools(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = tmp_path.glob("orca_desk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert {"orca_desk/resources/style.qss", "orca_desk/resources/message_templates.json"} <= set(names)
    assert any(n.startswith("orca_desk/migrations/versions/") for n in names)
    assert not [n for n in names if "fake_provider" in n or n.startswith(("tests/", "orca_desk/devtools/"))]
