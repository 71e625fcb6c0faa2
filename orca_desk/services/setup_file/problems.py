"""A setup's problems (each names its field by path) and the field checks that find them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import phonenumbers

from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.setup_file.specs import PathPart

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,60}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2})?$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong, at ``path`` (("providers", 1, "hours", 0, "days")); ``line`` when known."""

    path: tuple[PathPart, ...]
    message: str
    line: int | None = None

    @property
    def field(self) -> str:
        return format_path(self.path)


def format_path(path: Sequence[PathPart]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class SetupInvalid(ValidationError):
    """The setup is refused whole; ``problems`` lists every field that is wrong."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        text = "; ".join(f"{p.field}: {p.message}" if p.path else p.message for p in self.problems)
        super().__init__(text, field=self.problems[0].field if self.problems else None)


def refusal_problems(refusal: OrcaError) -> list[Problem]:
    """A refusal as the problems a form shows: each field of a ``SetupInvalid``, else one line."""
    if isinstance(refusal, SetupInvalid):
        return list(refusal.problems)
    return [Problem((), str(refusal))]


def problems_of(check: Callable[[], list[Problem]]) -> list[Problem]:
    """What ``check`` finds while the user types; a refusal it raises is one problem more, so a
    half-typed form never raises out of the screen."""
    try:
        return check()
    except OrcaError as exc:
        return [Problem((), str(exc))]


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise SetupInvalid(problems)


def quote(value: object) -> str:
    """A value quoted as the file writes it: "mnd", 40."""
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return str(value)


def parse_hhmm(text: str) -> int | None:
    """Local minutes of the day of "08:30" (24:00 allowed), or None when it is not a time."""
    m = HHMM.match(text.strip())
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    if mi > 59 or h > 24 or (h == 24 and mi):
        return None
    return h * 60 + mi


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def phone_problem(raw: str, country: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        return f"{quote(raw)} is not a phone number"
    if not phonenumbers.is_valid_number(number):
        return (
            f"{quote(raw)} is not a valid phone number in {country}"
            if not raw.strip().startswith("+")
            else f"{quote(raw)} is not a valid phone number"
        )
    return None


def normalise_phone(raw: str, country: str) -> str:
    """E.164 of a phone number that passed validation ("" stays "")."""
    if not raw.strip():
        return ""
    return phonenumbers.format_number(phonenumbers.parse(raw, country), phonenumbers.PhoneNumberFormat.E164)


def check_text(
    path: tuple[PathPart, ...],
    value: str,
    what: str,
    problems: list[Problem],
    *,
    limit: int,
    required: bool = True,
) -> None:
    if required and not value.strip():
        problems.append(Problem(path, f"{what} is required"))
    elif len(value.strip()) > limit:
        problems.append(Problem(path, f"{what} is at most {limit} characters"))


def check_colour(path: tuple[PathPart, ...], value: str, problems: list[Problem]) -> None:
    if not COLOUR.match(value.strip()):
        problems.append(Problem(path, f'{quote(value)} is not a colour: write it as #RRGGBB, e.g. "#3b6fd4"'))


def check_duplicates(
    path: tuple[PathPart, ...], names: Sequence[str], key: str, what: str, problems: list[Problem]
) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        k = name.strip().casefold()
        if k and k in seen:
            problems.append(
                Problem(
                    (*path, i, key),
                    f"{what} {quote(name.strip())} is listed twice (also at {format_path((*path, seen[k]))})",
                )
            )
        seen.setdefault(k, i)
