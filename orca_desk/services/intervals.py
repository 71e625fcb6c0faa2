"""Interval algebra on half-open integer ranges [start, end), the arithmetic under availability."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import chain

__all__ = [
    "Interval",
    "contains",
    "free_gaps",
    "free_start_windows",
    "intersect",
    "intersect_normalized",
    "normalize",
    "over_capacity",
    "slot_starts",
    "start_windows",
    "start_windows_normalized",
    "subtract",
    "subtract_normalized",
    "union",
]

Interval = tuple[int, int]
"""A half-open range ``[start, end)`` of integers (minutes of a day, minutes since epoch, ...)."""


def normalize(ivs: Iterable[Interval]) -> list[Interval]:
    """Return ``ivs`` sorted, with overlapping or touching intervals merged and empty ones dropped.

    The result is the canonical form every other function returns: strictly increasing,
    pairwise disjoint and non-adjacent (``a.end < b.start``), each interval non-empty.
    Sorting already-sorted input is linear (Timsort finds the single run), so callers that
    keep lists normalized pay O(n) here.
    """
    out: list[Interval] = []
    # The open interval is kept in two locals and empty ones are skipped in the same pass: the
    # availability search merges thousands of appointments a search.
    lo = hi = 0
    started = False
    for start, end in sorted(ivs):
        if start >= end:
            continue
        if started and start <= hi:
            # Touching intervals merge too: [9,10) + [10,11) is one free hour, not two.
            if end > hi:
                hi = end
        else:
            if started:
                out.append((lo, hi))
            lo, hi, started = start, end, True
    if started:
        out.append((lo, hi))
    return out


def union(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """Return the points covered by ``a`` or ``b``, normalized."""
    return normalize(chain(a, b))


def subtract(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """Return the points of ``a`` not covered by ``b``, normalized (two-pointer, linear)."""
    return subtract_normalized(normalize(a), normalize(b))


def subtract_normalized(left: list[Interval], right: list[Interval]) -> list[Interval]:
    """``subtract`` for lists already normalized (as every function here returns them): the
    availability search calls it hundreds of times a search on lists that need no sorting."""
    out: list[Interval] = []
    j = 0
    for start, end in left:
        cur = start
        # Holes that end before this interval can never matter again: left is increasing.
        while j < len(right) and right[j][1] <= cur:
            j += 1
        k = j
        while k < len(right) and right[k][0] < end:
            hole_start, hole_end = right[k]
            if hole_start > cur:
                out.append((cur, hole_start))
            cur = max(cur, hole_end)
            if cur >= end:
                break
            k += 1
        if cur < end:
            out.append((cur, end))
        # Holes before k ended inside this interval; right[k] may reach into the next one.
        j = k
    return out


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """Return the points covered by both ``a`` and ``b``, normalized (two-pointer, linear)."""
    return intersect_normalized(normalize(a), normalize(b))


def intersect_normalized(left: list[Interval], right: list[Interval]) -> list[Interval]:
    """``intersect`` for lists already normalized."""
    out: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if start < end:
            out.append((start, end))
        # Advance whichever interval finishes first; the other may still overlap the next one.
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return out


def contains(ivs: list[Interval], start: int, end: int) -> bool:
    """Return whether ``[start, end)`` lies wholly inside one interval of ``ivs``.

    ``ivs`` must already be normalized (see :func:`normalize`); the lookup is a binary
    search, O(log n), which is why it does not normalize for you. An empty range
    (``start == end``) is contained in anything.
    """
    if start > end:
        raise ValueError(f"interval [{start}, {end}) ends before it starts")
    if start == end:
        return True
    # The only candidate is the last interval starting at or before ``start``.
    idx = bisect_right(ivs, start, key=_start_of) - 1
    return idx >= 0 and end <= ivs[idx][1]


def _start_of(iv: Interval) -> int:
    return iv[0]


def free_gaps(busy: Iterable[Interval], lo: int, hi: int) -> list[Interval]:
    """Return the parts of ``[lo, hi)`` not covered by ``busy``, normalized."""
    if lo > hi:
        raise ValueError(f"window [{lo}, {hi}) ends before it starts")
    return subtract([(lo, hi)], busy)


def start_windows(free: Iterable[Interval], duration: int) -> list[Interval]:
    """Return the ranges of start values ``s`` for which ``[s, s + duration)`` fits in ``free``.

    Each result ``[a, b)`` means every integer ``a <= s < b`` is a valid start. Free
    intervals are normalized first, so a block may span two touching free intervals.
    """
    if duration <= 0:
        raise ValueError(f"duration must be positive, got {duration}")
    return [(s, e - duration + 1) for s, e in normalize(free) if e - s >= duration]


def start_windows_normalized(free: list[Interval], duration: int) -> list[Interval]:
    """``start_windows`` for a list already normalized and a positive ``duration``."""
    return [(s, e - duration + 1) for s, e in free if e - s >= duration]


def free_start_windows(within: list[Interval], busy: list[Interval], duration: int) -> list[Interval]:
    """``start_windows_normalized(subtract_normalized(within, busy), duration)`` in one pass.

    ``within`` must be normalized and ``duration`` positive; ``busy`` need only be sorted by start
    (overlapping, touching or empty intervals are fine, e.g. a chair's appointments as the
    database returns them), so the search skips merging them first.
    """
    out: list[Interval] = []
    j, n = 0, len(busy)
    for lo, hi in within:
        cur = lo
        # Busy time that ended before ``cur`` can never matter again: ``within`` is increasing.
        while j < n and busy[j][1] <= cur:
            j += 1
        k = j
        while k < n:
            start, end = busy[k]
            if start >= hi:
                break
            if end > cur and end > start:
                if start - cur >= duration:
                    out.append((cur, start - duration + 1))
                cur = end
                if cur >= hi:
                    break  # busy[k] may reach into the next interval: look at it again there
            k += 1
        if hi - cur >= duration:
            out.append((cur, hi - duration + 1))
        j = k
    return out


def slot_starts(free: Iterable[Interval], duration: int, step: int, align: int = 0) -> list[int]:
    """Return every start ``s`` with ``[s, s + duration)`` inside ``free``, on the step grid.

    The grid is ``align + k * step``, i.e. ``s ≡ align (mod step)`` (step 15 with align 0
    gives :00, :15, :30, :45). Starts come back increasing. The work is proportional to the
    number of starts returned, not to the number of minutes in ``free``.
    """
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    out: list[int] = []
    for a, b in start_windows(free, duration):
        # First grid point at or after ``a``; Python's % is non-negative for step > 0.
        first = a + (align - a) % step
        out.extend(range(first, b, step))
    return out


def over_capacity(intervals: Iterable[Interval], capacity: int) -> list[Interval]:
    """Return where more than ``capacity`` of ``intervals`` are active at once, normalized.

    ``intervals`` may overlap and repeat (e.g. a provider's appointments); a sweep over the
    sorted start and end points finds the sub-ranges whose concurrency exceeds the limit,
    in O(n log n). Because intervals are half-open, one ending at 10 and another starting
    at 10 never overlap.
    """
    if capacity < 0:
        raise ValueError(f"capacity must not be negative, got {capacity}")
    deltas: dict[int, int] = {}
    for start, end in intervals:
        if start < end:
            deltas[start] = deltas.get(start, 0) + 1
            deltas[end] = deltas.get(end, 0) - 1
    out: list[Interval] = []
    active = 0
    over_since: int | None = None
    # All changes at one point are applied together, so an end and a start at the same
    # minute cancel instead of producing a zero-length spike.
    for point in sorted(deltas):
        active += deltas[point]
        if active > capacity and over_since is None:
            over_since = point
        elif active <= capacity and over_since is not None:
            out.append((over_since, point))
            over_since = None
    return out
