"""Read a CSV file as a clinic's software writes it: UTF-8 with or without BOM or Windows-1252,
comma, semicolon or tab, headers in any case, quoted fields that span lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from orca_desk.services.errors import ValidationError

_DELIMITERS = (",", ";", "\t")
# Files larger than this are refused before reading (a practice's export is a few MB).
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Record:
    line: int  # the physical line where the record starts (1 = the header)
    values: dict[str, str]  # by normalised header


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]  # normalised: stripped, lower case
    original_headers: tuple[str, ...]
    encoding: str
    delimiter: str
    records: tuple[Record, ...]


def normalise_header(name: str) -> str:
    return " ".join(name.strip().lower().split())


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (a BOM is dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"The file is neither UTF-8 nor Windows-1252 text (byte {exc.start + 1} cannot be read).",
            field="file",
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of comma, semicolon and tab it holds most of."""
    header = next(iter(text.splitlines()), "")
    counts = {d: _count_outside_quotes(header, d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def read_table(source: Path | bytes) -> Table:
    if isinstance(source, Path):
        if not source.is_file():
            raise ValidationError(f"There is no file {str(source)!r}.", field="file")
        if source.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(f"{str(source)!r} is larger than 200 MB; split it.", field="file")
        data = source.read_bytes()
    else:
        data = source
    text, encoding = decode(data)
    if not text.strip():
        raise ValidationError("The file is empty.", field="file")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        original = tuple(next(reader))
    except csv.Error as exc:
        raise ValidationError(f"Line 1: the header cannot be read ({exc}).", field="file") from None
    headers = tuple(normalise_header(h) for h in original)
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            raise ValidationError(f"Line 1: column {index + 1} has no name.", field="file")
        if header in seen:
            raise ValidationError(f"Line 1: the column {original[index]!r} appears twice.", field="file")
        seen[header] = index
    return Table(headers, original, encoding, delimiter, tuple(_records(reader, headers)))


def _records(reader: Iterator[list[str]], headers: tuple[str, ...]) -> Iterator[Record]:
    line = 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValidationError(
                f"Line {line}: the file cannot be read there ({exc}).", field="file"
            ) from None
        start, line = line, reader.line_num + 1  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in row):
            continue
        padded = [*row, *([""] * (len(headers) - len(row)))]
        yield Record(start, {h: padded[i].strip() for i, h in enumerate(headers)})
