"""An appointment's statuses: their labels, which may follow which, which may move; the longest visit."""

from __future__ import annotations

MAX_MINUTES = 8 * 60

# A visit in these states may still be moved, resized or rescheduled; later ones have happened.
MOVABLE_STATUSES: frozenset[str] = frozenset({"scheduled", "confirmed"})

STATUS_LABELS = {
    "scheduled": "scheduled",
    "confirmed": "confirmed",
    "arrived": "arrived",
    "seated": "seated",
    "completed": "completed",
    "cancelled": "cancelled",
    "no_show": "no-show",
}

# Which status may follow which; "restore" (undo of cancel/no-show) goes through restore().
TRANSITIONS: dict[str, frozenset[str]] = {
    "scheduled": frozenset({"confirmed", "arrived", "cancelled", "no_show"}),
    "confirmed": frozenset({"scheduled", "arrived", "cancelled", "no_show"}),
    "arrived": frozenset({"seated", "scheduled", "cancelled"}),
    "seated": frozenset({"completed", "arrived"}),
    "completed": frozenset({"seated"}),
    "cancelled": frozenset(),
    "no_show": frozenset(),
}
