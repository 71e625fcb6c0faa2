"""A day's breaks as text ("12:00 PM–1:00 PM Lunch"): read in either format, written in the clinic's."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from orca_desk.services import local_time
from orca_desk.services.errors import ValidationError
from orca_desk.services.provider_schedules.rows import BreakInput

# A time is 24-hour ("13:00") or 12-hour ("1:00 PM"), as the clinic's format writes it.
_TIME = r"(\d{1,2}):(\d{2})\s*([AaPp][Mm])?"
_BREAK_RE = re.compile(rf"^\s*{_TIME}\s*[-–]\s*{_TIME}\s*(.*?)\s*$")


def _minute(hour: str, minute: str, half: str | None) -> int:
    h = int(hour)
    if half:
        h = h % 12 + (12 if half.upper() == "PM" else 0)
    return h * 60 + int(minute)


def breaks_text(breaks: Iterable[Any], style: str) -> str:
    """ "12:00 PM–1:00 PM Lunch" (12h) or "12:00–13:00 Lunch" (24h): what parse_breaks reads back."""

    def one(b: Any) -> str:
        return f"{local_time.fmt_minute(b.start_minute, style)}–{local_time.fmt_minute(b.end_minute, style)}"

    return ", ".join(f"{one(b)} {b.label}" for b in breaks)


def parse_breaks(text: str, day_name: str) -> tuple[BreakInput, ...]:
    """ "12:00–13:00 Lunch, 15:30-15:45 Coffee" → breaks; a ValidationError names the day otherwise."""
    out = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
        m = _BREAK_RE.match(part)
        if m is None:
            raise ValidationError(
                f"{day_name} breaks: write each break as 12:00–13:00 Lunch or 12:00 PM–1:00 PM Lunch "
                f"(got {part!r}).",
                field="breaks",
            )
        h1, m1, p1, h2, m2, p2, label = m.groups()
        out.append(BreakInput(_minute(h1, m1, p1), _minute(h2, m2, p2), label or "Break"))
    return tuple(out)
