"""No hand-written weekday or month names in orca_desk/: dates are said by CLDR (Babel in
services, QLocale in the UI). A list of such names kept for something other than display (a file
format's keys) says so in a comment starting "Not display text:" just above it."""

from __future__ import annotations

import ast
from pathlib import Path

from babel import Locale

ROOT = Path(__file__).resolve().parents[1] / "orca_desk"
MARK = "Not display text:"


def _names() -> frozenset[str]:
    names: set[str] = set()
    for code in ("en", "es", "fr", "pt", "de"):
        locale = Locale.parse(code)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):  # "short" ("Mo", "Fr") are language codes too
                names |= {str(v) for v in locale.days[context][width].values()}
                names |= {str(v) for v in locale.months[context].get(width, {}).values()}
    names |= {"Tues", "Thur", "Thurs", "Sept"}
    return frozenset(n.casefold().rstrip(".") for n in names if len(n.rstrip(".")) >= 3)


NAMES = _names()


def _strings(node: ast.AST) -> list[str]:
    """The texts a literal collection (or a space-separated string) lists."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items: list[ast.expr | None] = list(node.elts)
    elif isinstance(node, ast.Dict):
        items = [*node.keys, *node.values]
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.split() if len(node.value.split()) >= 5 else []
    else:
        return []
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]


def hand_written_names(source: str) -> list[tuple[int, list[str]]]:
    """(line, names) of each literal listing three or more weekday or month names, most of it names."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        texts = _strings(node)
        hits = [t for t in texts if t.casefold().strip(".,") in NAMES]
        if len({h.casefold() for h in hits}) < 3 or len(hits) * 2 < len(texts):
            continue
        line = getattr(node, "lineno", 0)
        above = "\n".join(lines[max(0, line - 4) : line])
        if MARK not in above:
            found.append((line, hits))
    return found


def test_the_scan_finds_hand_written_names():
    assert hand_written_names('DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")\n')
    assert hand_written_names('M = {1: "January", 2: "February", 3: "March"}\n')
    assert hand_written_names('W = ["lunes", "martes", "miércoles"]\n')
    assert hand_written_names('T = {"months": "enero febrero marzo abril mayo junio"}\n')
    assert not hand_written_names(f'# {MARK} a file format\nDAYS = ("mon", "tue", "wed")\n')
    assert not hand_written_names('LANGS = ("en", "es", "fr", "pt", "vi")\n')
    assert not hand_written_names('CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")\n')


def test_no_hand_written_weekday_or_month_names_in_orca_desk():
    problems = [
        f"{path.relative_to(ROOT.parent)}:{line}: {names}"
        for path in sorted(ROOT.rglob("*.py"))
        for line, names in hand_written_names(path.read_text(encoding="utf-8"))
    ]
    assert not problems, (
        "weekday or month names written by hand: use Babel (services) or QLocale (UI), or mark a "
        f"non-display use with a '# {MARK} <why>' comment above it:\n" + "\n".join(problems)
    )
