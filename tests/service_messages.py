"""Finds the English messages that services raise or list as problems, as phrasebook templates
(python3 tests/service_messages.py [--update resources/i18n/services_es.po])."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "orca_desk" / "services", ROOT / "orca_desk" / "db.py")
CATALOG = ROOT / "resources" / "i18n" / "services_es.po"
ERRORS = {
    "OrcaError",
    "ValidationError",
    "ConflictError",
    "PermissionDenied",
    "NotFound",
    "BusyError",
    "OutsideHoursError",
    "StaleEditError",
}
# Records that carry a message the desk shows (a refusal, a slot's problem, a series' clash, a
# clinic-setup file's problem, a risk factor's reason, a recovery case's history line, what a
# patient link's page says, a waitlist offer's answer), and a printed sheet's words.
CARRIERS = {
    "Refusal",
    "SlotProblem",
    "Problem",
    "RiskFactor",
    "_log",
    "LinkPrompt",
    "LinkOutcome",
    "OfferResult",
    "printed",
}


def template(node: ast.expr) -> str | None:
    """The phrasebook msgid of a message expression: its text with ``{}`` where an f-string has
    an expression (literal braces doubled, as in str.format); None when it is not text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            else:
                parts.append("{}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = template(node.left), template(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    return None


def _texts(node: ast.expr, constants: dict[str, ast.expr]) -> list[str]:
    if isinstance(node, ast.IfExp):
        return _texts(node.body, constants) + _texts(node.orelse, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return _texts(constants[node.id], constants)
    found = template(node)
    # A bare placeholder ("{}") is a message made elsewhere, found where it is made.
    # A word alone ("blocked") is a kind, not a message.
    return [found] if found and " " in found and found.replace("{}", "").strip() else []


def _callee(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _message_args(node: ast.Call) -> list[ast.expr]:
    name = _callee(node)
    if name in ERRORS:
        return [*node.args[:1], *(k.value for k in node.keywords if k.arg == "message")]
    if name in CARRIERS:
        return [*node.args, *(k.value for k in node.keywords if k.arg == "message")]
    if name in ("append", "extend") and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if isinstance(owner, ast.Name) and "problem" in owner.id:
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.GeneratorExp):
                return [arg.elt]
            return [arg] if arg is not None else []
    return []


def messages_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        t.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for arg in _message_args(node):
                found.update(_texts(arg, constants))
        elif isinstance(node, ast.FunctionDef) and node.name.endswith("__init__"):
            # A default message (BusyError's) is raised without being written at the raise site.
            for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                found.update(t for t in _texts(default, constants) if " " in t)
    return found


def service_messages() -> set[str]:
    found: set[str] = set()
    for source in SOURCES:
        for path in sorted(source.rglob("*.py")) if source.is_dir() else [source]:
            found |= messages_in(path)
    return found


def update(po_path: Path) -> int:
    """Adds the messages the catalog lacks, untranslated, for a translator to fill in."""
    from babel.messages.pofile import read_po, write_po

    with po_path.open("rb") as f:
        catalog = read_po(f)
    added = [m for m in sorted(service_messages()) if m not in catalog]
    for message in added:
        catalog.add(message, "")
    with po_path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, sort_output=True)
    print(f"{len(added)} new message(s) in {po_path}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--update"]:
        sys.exit(update(Path(sys.argv[2]) if len(sys.argv) > 2 else CATALOG))
    for message in sorted(service_messages()):
        print(message)
