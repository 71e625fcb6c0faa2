"""Checks of free text typed by staff or read from files, the same on SQLite and PostgreSQL.

SQLite stores a string of any length in a ``String(80)`` column and PostgreSQL refuses it
with a raw ``DataError``; PostgreSQL refuses a NUL byte that SQLite keeps. Services check
text here first, against the model's own column length, and raise a ``ValidationError``
naming the field before anything is written.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String

from orca_desk.services.errors import ValidationError

# C0 controls but tab, line feed and carriage return, DEL, and the C1 controls; NUL is among them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def column_length(column: Any) -> int:
    """The length of a ``String(n)`` mapped column (``Patient.first_name`` → 80)."""
    type_ = column.property.columns[0].type if hasattr(column, "property") else column.type
    if not isinstance(type_, String) or type_.length is None:
        raise TypeError(f"{column} is not a String(n) column")
    return int(type_.length)


def check_text(value: str, *, field: str, label: str, max_length: int, multiline: bool = False) -> str:
    """``value`` unchanged when it fits ``max_length`` and holds no control characters."""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", field=field)
    pattern = _CONTROL if multiline else _CONTROL_OR_NEWLINE
    if pattern.search(value):
        such = "a NUL byte" if multiline else "a NUL byte or a line break"
        raise ValidationError(f"{label} cannot contain control characters (such as {such}).", field=field)
    if len(value) > max_length:
        raise ValidationError(
            f"{label} is {len(value)} characters long; at most {max_length} fit.", field=field
        )
    return value


def check_column_text(value: str, column: Any, *, field: str, label: str, multiline: bool = False) -> str:
    """``check_text`` against the column's own length."""
    return check_text(value, field=field, label=label, max_length=column_length(column), multiline=multiline)


def strip_control(text: str) -> str:
    """``text`` without control characters (search boxes: nothing to refuse, nothing to match)."""
    return _CONTROL_OR_NEWLINE.sub("", text)


def like_prefix(text: str) -> str:
    """A LIKE pattern matching values that start with ``text`` literally (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"
