"""What a week of the book shows: who works which day, the weekend or not, chair groups, column widths."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from orca_desk.services.clinic.clinic import ChairRow, ProviderRow

CHAIRS_PER_GROUP = 3  # 7 days × 3 chairs stay readable on a 1280-pixel screen
MAX_WIDTH_LANES = 4  # a provider's column widens with patients at once, up to this many lanes
SATURDAY = 5


def who_works(
    working: Mapping[tuple[date, int], Sequence[tuple[int, int]]], booked: Iterable[tuple[date, int]]
) -> dict[date, frozenset[int]]:
    """Per local day, the providers with working hours that day or an appointment on it."""
    out: dict[date, set[int]] = {}
    for (day, provider_id), ranges in working.items():
        if ranges:
            out.setdefault(day, set()).add(provider_id)
    for day, provider_id in booked:
        out.setdefault(day, set()).add(provider_id)
    return {day: frozenset(ids) for day, ids in out.items()}


def days_to_show(days: Sequence[date], who: Mapping[date, frozenset[int]]) -> list[date]:
    """Monday to Friday always; Saturday and Sunday only when somebody works or is booked then."""
    return [d for d in days if d.weekday() < SATURDAY or who.get(d)]


@dataclass(frozen=True)
class WeekScope:
    """What one week shows: one provider's columns, or a group of chairs (one or a few)."""

    kind: str  # "provider" | "chairs"
    ids: tuple[int, ...]
    label: str


def provider_scopes(providers: Sequence[ProviderRow], working: Iterable[int]) -> list[WeekScope]:
    """One scope per provider, those working (or booked) that week first, in the clinic's order."""
    busy = set(working)
    ordered = [p for p in providers if p.id in busy] + [p for p in providers if p.id not in busy]
    return [WeekScope("provider", (p.id,), p.name) for p in ordered]


def chair_scopes(chairs: Sequence[ChairRow], size: int = CHAIRS_PER_GROUP) -> list[WeekScope]:
    """Groups of ``size`` neighbouring chairs, then each chair alone (when there is more than one)."""
    if not chairs:
        return []
    groups = [chairs[k : k + size] for k in range(0, len(chairs), size)]
    scopes = [
        WeekScope(
            "chairs", tuple(c.id for c in g), g[0].name if len(g) == 1 else f"{g[0].name} – {g[-1].name}"
        )
        for g in groups
    ]
    if len(chairs) > 1:
        scopes += [WeekScope("chairs", (c.id,), c.name) for c in chairs]
    return list(dict.fromkeys(scopes))  # a group of one is its chair alone


def column_weight(max_concurrent: int) -> float:
    """How many standard column widths a provider's column takes: one per patient seen at once."""
    return float(min(MAX_WIDTH_LANES, max(1, max_concurrent)))
