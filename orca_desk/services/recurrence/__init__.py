"""Expand and describe RFC 5545 recurrence rules as wall-clock series in a location's zone."""

from orca_desk.services.recurrence.describe import describe, describe_typed
from orca_desk.services.recurrence.expansion import MAX_EXPANSION, occurrences, occurrences_from
from orca_desk.services.recurrence.rules import RecurrenceRuleError, validate

__all__ = [
    "MAX_EXPANSION",
    "RecurrenceRuleError",
    "describe",
    "describe_typed",
    "occurrences",
    "occurrences_from",
    "validate",
]
