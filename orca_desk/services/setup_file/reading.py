"""Read a clinic setup file (TOML) into ``clinic_setup.ClinicSetup``, and find the line of a field.

tomllib gives no positions, so ``LineIndex`` scans the raw text itself: the Nth ``[[providers]]``
header, the key inside it, the Kth element of an inline array, the key of an inline table. A
problem is reported at the line of its field, else of the nearest enclosing table.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import Any

from orca_desk.services.setup_file.problems import Problem, SetupInvalid, format_path
from orca_desk.services.setup_file.specs import (
    DEFAULT_PROVIDER_COLOUR,
    AppointmentTypeSpec,
    ChairSpec,
    ClinicSetup,
    ClinicSpec,
    HoursSpec,
    LocationSpec,
    MessagingSpec,
    PathPart,
    ProviderSpec,
    StaffSpec,
)

Path = tuple[PathPart, ...]

# --- Where each field is -------------------------------------------------------------------


class LineIndex:
    """1-based line numbers of tables, keys and array elements by path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[Path, int] = {}
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        with contextlib.suppress(IndexError, ValueError):  # a file tomllib refused: lines stay partial
            self._scan()

    def line_of(self, path: Path) -> int:
        """The line of ``path``, else of its closest parent that has one (1 at worst)."""
        for n in range(len(path), 0, -1):
            for candidate in (path[:n], (*path[:n], 0)):  # a list of tables: its first header
                if candidate in self.lines:
                    return self.lines[candidate]
        return 1

    def _line(self, pos: int) -> int:
        return bisect_right(self._starts, pos)

    def _skip(self, pos: int, *, newlines: bool) -> int:
        text, n = self.text, len(self.text)
        while pos < n:
            c = text[pos]
            if c in " \t\r" or (newlines and c == "\n"):
                pos += 1
            elif c == "#" and newlines:
                end = text.find("\n", pos)
                pos = n if end < 0 else end + 1
            else:
                break
        return pos

    def _key_path(self, raw: str) -> Path:
        return tuple(part.strip().strip("\"'") for part in raw.split("."))

    def _scan(self) -> None:
        text, n = self.text, len(self.text)
        counters: dict[Path, int] = {}
        current: Path = ()
        pos = 0
        while pos < n:
            pos = self._skip(pos, newlines=True)
            if pos >= n:
                break
            if text.startswith("[[", pos):
                end = text.index("]]", pos)
                parts = self._key_path(text[pos + 2 : end])
                path: Path = ()
                for k, part in enumerate(parts):
                    path = (*path, part)
                    if k < len(parts) - 1 and path in counters:
                        path = (*path, counters[path] - 1)
                count = counters.get(path, 0)
                counters[path] = count + 1
                current = (*path, count)
                self.lines[current] = self._line(pos)
                pos = end + 2
            elif text[pos] == "[":
                end = text.index("]", pos)
                parts = self._key_path(text[pos + 1 : end])
                path = ()
                for part in parts:
                    path = (*path, part)
                    if path in counters:
                        path = (*path, counters[path] - 1)
                current = path
                self.lines[current] = self._line(pos)
                pos = end + 1
            else:
                eq = text.index("=", pos)
                key = (*current, *self._key_path(text[pos:eq]))
                self.lines[key] = self._line(pos)
                pos = self._value(eq + 1, key)

    def _value(self, pos: int, path: Path) -> int:
        text, n = self.text, len(self.text)
        pos = self._skip(pos, newlines=False)
        if pos >= n:
            return n
        c = text[pos]
        if c == "[":
            pos += 1
            k = 0
            while pos < n:
                pos = self._skip(pos, newlines=True)
                if pos >= n or text[pos] == "]":
                    return pos + 1
                if text[pos] == ",":
                    pos += 1
                    continue
                self.lines[(*path, k)] = self._line(pos)
                pos = self._value(pos, (*path, k))
                k += 1
            return n
        if c == "{":
            pos += 1
            while pos < n:
                pos = self._skip(pos, newlines=True)
                if pos >= n or text[pos] == "}":
                    return pos + 1
                if text[pos] == ",":
                    pos += 1
                    continue
                eq = text.index("=", pos)
                key = (*path, *self._key_path(text[pos:eq]))
                self.lines[key] = self._line(pos)
                pos = self._value(eq + 1, key)
            return n
        if c in "\"'":
            quote = text[pos : pos + 3] if text[pos : pos + 3] in ('"""', "'''") else c
            pos += len(quote)
            while pos < n and not text.startswith(quote, pos):
                pos += 2 if text[pos] == "\\" and quote[0] == '"' else 1
            return pos + len(quote)
        start = pos
        while pos < n and text[pos] not in ",]}\n#":
            pos += 1
        return max(pos, start + 1)


# --- Reading the file ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    kind: str  # "text", "int", "time", "texts", "tables"
    required: bool = False


_KINDS = {
    "text": "text",
    "int": "a whole number",
    "time": 'a time ("08:00")',
    "texts": "a list of text",
    "tables": "a list of tables",
}

SCHEMA: dict[str, dict[str, _Field]] = {
    "clinic": {
        "name": _Field("text", True),
        "phone": _Field("text"),
        "email": _Field("text"),
        "country": _Field("text"),
        "language": _Field("text"),
    },
    "locations": {
        "name": _Field("text", True),
        "timezone": _Field("text", True),
        "address": _Field("text"),
        "phone": _Field("text"),
        "chairs": _Field("tables"),
    },
    "locations.chairs": {"name": _Field("text", True), "room": _Field("text")},
    "appointment_types": {
        "name": _Field("text", True),
        "colour": _Field("text", True),
        "minutes": _Field("int", True),
        "category": _Field("text"),
    },
    "providers": {
        "name": _Field("text", True),
        "role": _Field("text", True),
        "colour": _Field("text"),
        "max_concurrent": _Field("int"),
        "chairs": _Field("texts"),
        "hours": _Field("tables"),
    },
    "providers.hours": {
        "location": _Field("text", True),
        "days": _Field("texts", True),
        "start": _Field("time", True),
        "end": _Field("time", True),
        "breaks": _Field("texts"),
    },
    "staff": {"username": _Field("text", True), "name": _Field("text", True), "role": _Field("text", True)},
    "messaging": {"quiet_start": _Field("time"), "quiet_end": _Field("time")},
}
_LISTS = ("locations", "appointment_types", "providers", "staff")


def _show(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _check(value: Any, f: _Field) -> Any:
    """The value as the field's kind, or None when it is not."""
    if f.kind == "text":
        return value if isinstance(value, str) else None
    if f.kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if f.kind == "time":
        if isinstance(value, time):
            return f"{value:%H:%M}"
        return value if isinstance(value, str) else None
    if f.kind == "texts":
        return tuple(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else None
    return value if isinstance(value, list) and all(isinstance(v, dict) for v in value) else None


def _table(data: Any, schema: str, path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """The table's known fields, checked; problems for unknown keys, wrong kinds, missing keys."""
    fields = SCHEMA[schema]
    if not isinstance(data, dict):
        problems.append(Problem(path, f"must be a table, not {_show(data)}"))
        return None
    out: dict[str, Any] = {}
    ok = True
    for key, value in data.items():
        f = fields.get(key)
        if f is None:
            problems.append(
                Problem((*path, key), f"unknown key {_show(key)} (expected: {', '.join(fields)})")
            )
            ok = False
            continue
        checked = _check(value, f)
        if checked is None:
            problems.append(Problem((*path, key), f"must be {_KINDS[f.kind]}, not {_show(value)}"))
            ok = False
        else:
            out[key] = checked
    for key, f in fields.items():
        if f.required and key not in data:
            problems.append(Problem((*path, key), f"{key} is required"))
            ok = False
    return out if ok else None


def _items(
    data: dict[str, Any],
    key: str,
    schema: str,
    problems: list[Problem],
    make: Callable[[dict[str, Any], Path], Any],
) -> tuple[Any, ...]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        problems.append(Problem((key,), f"must be a list of tables: write each as [[{key}]]"))
        return ()
    out = []
    for i, item in enumerate(raw):
        table = _table(item, schema, (key, i), problems)
        if table is not None:
            made = make(table, (key, i))
            if made is not None:
                out.append(made)
    return tuple(out)


def parse_setup(text: str) -> ClinicSetup:
    """The setup a TOML text describes; ``SetupInvalid`` (with lines) names every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "not valid TOML"
        raise SetupInvalid(
            [Problem((), f"not valid TOML: {msg}", line=int(m.group(1)) if m else 1)]
        ) from None
    problems: list[Problem] = []
    for key in data:
        if key not in SCHEMA:
            problems.append(
                Problem(
                    (key,),
                    f"unknown section {_show(key)} (expected: clinic, locations, "
                    "appointment_types, providers, staff, messaging)",
                )
            )
    for key in _LISTS:
        if key in data and isinstance(data[key], dict):
            problems.append(Problem((key,), f"must be a list of tables: write each as [[{key}]]"))
            data[key] = []
    clinic_table = _table(data["clinic"], "clinic", ("clinic",), problems) if "clinic" in data else None
    if "clinic" not in data:
        problems.append(Problem(("clinic",), "the [clinic] section is required"))

    def location(t: dict[str, Any], path: Path) -> LocationSpec:
        chairs = []
        for j, c in enumerate(t.get("chairs", [])):
            ct = _table(c, "locations.chairs", (*path, "chairs", j), problems)
            if ct is not None:
                chairs.append(ChairSpec(**ct))
        return LocationSpec(
            name=t["name"],
            timezone=t["timezone"],
            address=t.get("address", ""),
            phone=t.get("phone", ""),
            chairs=tuple(chairs),
        )

    def provider(t: dict[str, Any], path: Path) -> ProviderSpec:
        hours = []
        for j, h in enumerate(t.get("hours", [])):
            ht = _table(h, "providers.hours", (*path, "hours", j), problems)
            if ht is not None:
                hours.append(HoursSpec(**ht))
        # Without chairs or hours, the provider's usual chairs or hours are left as they are.
        return ProviderSpec(
            name=t["name"],
            role=t["role"],
            colour=t.get("colour", DEFAULT_PROVIDER_COLOUR),
            max_concurrent=t.get("max_concurrent", 1),
            chairs=t.get("chairs"),
            hours=tuple(hours) if "hours" in t else None,
        )

    locations = _items(data, "locations", "locations", problems, location)
    types = _items(
        data, "appointment_types", "appointment_types", problems, lambda t, _p: AppointmentTypeSpec(**t)
    )
    providers = _items(data, "providers", "providers", problems, provider)
    staff = _items(data, "staff", "staff", problems, lambda t, _p: StaffSpec(**t))
    messaging = None
    if "messaging" in data:
        mt = _table(data["messaging"], "messaging", ("messaging",), problems)
        messaging = MessagingSpec(**mt) if mt is not None else None
    if problems:
        raise SetupInvalid(problems)
    assert clinic_table is not None
    return ClinicSetup(
        clinic=ClinicSpec(**clinic_table),
        locations=locations,
        appointment_types=types,
        providers=providers,
        staff=staff,
        messaging=messaging,
    )


def describe_problems(source: str, text: str, problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    """One line per problem: ``clinic.toml line 23: providers[1].hours[0].days: "mnd" is not …``,
    in the order of the file."""
    index = LineIndex(text)
    located = [(p.line or index.line_of(p.path), p) for p in problems]
    located.sort(key=lambda lp: lp[0])
    return [
        f"{source} line {line}: {format_path(p.path) + ': ' if p.path else ''}{p.message}"
        for line, p in located
    ]
