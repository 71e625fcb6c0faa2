"""Says the English messages services produce in the desk's language, from a gettext catalog of
message templates (resources/i18n/services_LANG.po), without services knowing about languages.

A msgid is an English message with ``{}`` where the message has a value ("Chair #{} does not
exist."); a message is translated by matching it against the templates and putting the values,
themselves translated when they are known phrases (a status word), into the msgstr, which may
number its placeholders (``{1} … {0}``) to reorder them. Messages joined from several sentences
are translated sentence by sentence; anything unknown stays in English. A word whose translation
depends on what it describes (a message's "cancelled" is not an appointment's) has a msgctxt and
is said with that context.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

from orca_desk.paths import resources_dir

_SENTENCE_END = re.compile(r"(?<=[.!?;:)])\s+")
_LIST_JOIN = "; "  # how services join a list of problems
_CONTEXT = "\x04"  # gettext's separator of a msgctxt and its msgid


@dataclass(frozen=True)
class _Entry:
    pattern: re.Pattern[str]
    target: str
    weight: int  # letters outside placeholders: the more, the more specific


def _compile(msgid: str, msgstr: str) -> _Entry | None:
    parts = list(string.Formatter().parse(msgid))
    regex, letters = [], 0
    for literal, field, _spec, _conv in parts:
        regex.append(re.escape(literal))
        letters += sum(ch.isalpha() for ch in literal)
        if field is not None:
            regex.append("(.*?)")
    if not letters:
        return None  # "{}: {}" says nothing of its own
    return _Entry(re.compile("".join(regex), re.DOTALL), msgstr, letters)


class Phrasebook:
    """English → one language; ``Phrasebook({})`` says everything in English."""

    def __init__(self, entries: dict[str, str]) -> None:
        self._in_context = {k: v for k, v in entries.items() if _CONTEXT in k and v}
        compiled = [_compile(k, v) for k, v in entries.items() if k and v and _CONTEXT not in k]
        self._entries = sorted((e for e in compiled if e is not None), key=lambda e: -e.weight)
        self._cache: dict[str, str | None] = {}

    def __bool__(self) -> bool:
        return bool(self._entries)

    def say(self, message: str, context: str | None = None) -> str:
        """``message`` in the phrasebook's language, or unchanged when it is not known; a
        ``context`` ("message") picks the word's form for that kind of thing when it has one."""
        if not self._entries or not message:
            return message
        if context is not None:
            said = self._in_context.get(f"{context}{_CONTEXT}{message}")
            if said is not None:
                return said
        whole = self._whole(message)
        if whole is not None:
            return whole
        return self._sentences(message)

    def _whole(self, text: str, depth: int = 0) -> str | None:
        if text in self._cache:
            return self._cache[text]
        said = None
        for entry in self._entries:
            match = entry.pattern.fullmatch(text)
            if match is None or any(_LIST_JOIN in v for v in match.groups()):
                continue  # a value never spans items of a list ("x is required; y is …")
            values = [self._value(v, depth) for v in match.groups()]
            try:
                said = entry.target.format(*values)
            except (IndexError, KeyError, ValueError):
                continue
            break
        if len(self._cache) < 4096:
            self._cache[text] = said
        return said

    def _value(self, value: str, depth: int) -> str:
        if depth >= 3 or not any(ch.isalpha() for ch in value):
            return value
        return self._whole(value, depth + 1) or value

    def _sentences(self, message: str) -> str:
        """A message joined from several (" ".join(problems)): the longest known run of
        sentences first, an unknown sentence as it is."""
        pieces = _SENTENCE_END.split(message)
        out: list[str] = []
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                said = self._whole(" ".join(pieces[i:j]))
                if said is not None:
                    out.append(said)
                    i = j
                    break
            else:
                out.append(self._with_mark(pieces[i]))
                i += 1
        return " ".join(out)

    def _with_mark(self, piece: str) -> str:
        """A listed piece ("name is required;") said without the mark that joins it to the next."""
        if len(piece) > 1 and piece[-1] in ";:,":
            said = self._whole(piece[:-1])
            if said is not None:
                return said + piece[-1]
        return piece


def catalog_path(language: str) -> Path:
    return resources_dir() / "i18n" / f"services_{language}.po"


def read_catalog(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        catalog = read_po(f)
    return {
        (f"{m.context}{_CONTEXT}{m.id}" if m.context else str(m.id)): str(m.string)
        for m in catalog
        if m.id and m.string and not m.fuzzy
    }


@cache
def phrasebook(language: str) -> Phrasebook:
    """The phrasebook of ``language`` ("es"); an empty one for English or a language without one."""
    path = catalog_path(language)
    if language == "en" or not path.is_file():
        return Phrasebook({})
    return Phrasebook({**_weekdays(language), **read_catalog(path)})


def _weekdays(language: str) -> dict[str, str]:
    """English weekday names (services write "Dr. Chen does not work {Saturdays}") as CLDR
    says them in ``language``."""
    try:
        there = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return {}
    here = Locale.parse("en")
    names: dict[str, str] = {}
    for width in ("wide", "abbreviated"):
        for day in range(7):
            english, theirs = here.days["format"][width][day], there.days["format"][width][day]
            names[english] = theirs
            names[english + "s"] = theirs if theirs.endswith("s") else theirs + "s"
    return names


def say(message: str, language: str, context: str | None = None) -> str:
    """``message`` (English, as a service wrote it) in ``language``."""
    return phrasebook(language).say(message, context)
