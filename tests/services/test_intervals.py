"""Tests for the interval algebra, each function checked against a minute-by-minute set model."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orca_desk.services.intervals import (
    Interval,
    contains,
    free_gaps,
    free_start_windows,
    intersect,
    normalize,
    over_capacity,
    slot_starts,
    start_windows,
    subtract,
    union,
)

# Small ranges keep the set-of-ints reference cheap while still hitting every overlap shape.
LO, HI = -5, 45

interval = st.tuples(st.integers(LO, HI), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1]))
# Reversed (end < start) intervals count as empty, the same as [s, s).
any_interval = st.one_of(interval, st.tuples(st.integers(LO, HI), st.integers(LO, HI)))
interval_lists = st.lists(any_interval, max_size=8)

PROPS = settings(max_examples=60, deadline=None)


def points(ivs: list[Interval]) -> set[int]:
    return {m for s, e in ivs for m in range(s, e)}


def from_points(pts: set[int]) -> list[Interval]:
    """Canonical intervals for a set of integers: maximal runs of consecutive values."""
    out: list[Interval] = []
    for m in sorted(pts):
        if out and out[-1][1] == m:
            out[-1] = (out[-1][0], m + 1)
        else:
            out.append((m, m + 1))
    return out


def assert_canonical(ivs: list[Interval]) -> None:
    for s, e in ivs:
        assert s < e
    for (_, e1), (s2, _) in pairwise(ivs):
        assert e1 < s2  # disjoint and not touching


# --- examples -------------------------------------------------------------------------------


def test_normalize_sorts_merges_overlapping_and_adjacent_and_drops_empty() -> None:
    assert normalize([(30, 40), (0, 10), (10, 15), (12, 20), (50, 50), (60, 55)]) == [
        (0, 20),
        (30, 40),
    ]
    assert normalize([]) == []
    assert normalize([(5, 10), (5, 10), (6, 7)]) == [(5, 10)]


def test_union_intersect_subtract_examples() -> None:
    a = [(9 * 60, 12 * 60), (13 * 60, 17 * 60)]  # morning and afternoon clinic
    b = [(11 * 60, 14 * 60)]
    assert union(a, b) == [(540, 1020)]
    assert intersect(a, b) == [(660, 720), (780, 840)]
    assert subtract(a, b) == [(540, 660), (840, 1020)]
    assert subtract(a, []) == a
    assert subtract([], b) == []
    assert intersect(a, []) == []


def test_subtract_with_one_hole_spanning_several_intervals() -> None:
    assert subtract([(0, 10), (20, 30), (40, 50)], [(5, 45)]) == [(0, 5), (45, 50)]
    assert subtract([(0, 100)], [(10, 20), (30, 40), (90, 120)]) == [(0, 10), (20, 30), (40, 90)]


def test_contains_uses_whole_interval() -> None:
    ivs = [(0, 10), (20, 30)]
    assert contains(ivs, 0, 10)
    assert contains(ivs, 22, 25)
    assert not contains(ivs, 5, 25)
    assert not contains(ivs, 10, 11)
    assert not contains(ivs, -1, 3)
    assert not contains([], 1, 2)
    assert contains(ivs, 15, 15)  # empty range is vacuously contained
    with pytest.raises(ValueError, match="ends before it starts"):
        contains(ivs, 5, 4)


def test_free_gaps() -> None:
    busy = [(600, 630), (620, 700), (800, 900)]
    assert free_gaps(busy, 540, 1020) == [(540, 600), (700, 800), (900, 1020)]
    assert free_gaps([], 0, 10) == [(0, 10)]
    assert free_gaps([(0, 100)], 10, 20) == []
    with pytest.raises(ValueError):
        free_gaps([], 10, 0)


def test_slot_starts_on_a_quarter_hour_grid() -> None:
    free = [(9 * 60 + 5, 10 * 60 + 30)]  # 09:05-10:30
    # 45-minute blocks on :00/:15/:30/:45 -> 09:15, 09:30, 09:45 (ends 10:30).
    assert slot_starts(free, 45, 15) == [555, 570, 585]
    # With an offset grid (:05, :20, ...), 09:05 itself is allowed.
    assert slot_starts(free, 45, 15, align=5) == [545, 560, 575]
    # Touching free intervals merge, so a 60-minute block can straddle them.
    assert slot_starts([(0, 30), (30, 60)], 60, 15) == [0]
    assert slot_starts([(0, 30)], 31, 1) == []
    assert start_windows([(0, 30), (40, 45)], 10) == [(0, 21)]


def test_slot_starts_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="duration"):
        slot_starts([(0, 10)], 0, 5)
    with pytest.raises(ValueError, match="step"):
        slot_starts([(0, 10)], 5, 0)


def test_slot_starts_does_not_walk_minutes() -> None:
    # A year of minutes with an hourly grid: proportional to the answer, so instant.
    year = 365 * 24 * 60
    starts = slot_starts([(0, year)], 30, 60)
    assert len(starts) == 365 * 24
    assert starts[-1] == year - 60


def test_over_capacity_examples() -> None:
    appts = [(0, 30), (10, 40), (20, 50), (30, 60)]
    assert over_capacity(appts, 1) == [(10, 50)]
    assert over_capacity(appts, 2) == [(20, 40)]
    assert over_capacity(appts, 3) == []
    # Back-to-back appointments never overlap (half-open).
    assert over_capacity([(0, 30), (30, 60)], 1) == []
    assert over_capacity([(0, 30), (0, 30)], 1) == [(0, 30)]
    assert over_capacity([(5, 5), (5, 5)], 0) == []
    assert over_capacity([(0, 10)], 0) == [(0, 10)]
    with pytest.raises(ValueError):
        over_capacity([], -1)


def test_large_inputs_are_fast() -> None:
    n = 5_000
    a = [(i * 10, i * 10 + 5) for i in range(n)]
    b = [(i * 10 + 3, i * 10 + 8) for i in range(n)]
    assert len(subtract(a, b)) == n
    assert len(intersect(a, b)) == n
    assert len(union(a, b)) == n
    assert over_capacity(a + b, 1) == intersect(a, b)


# --- properties against the set-of-minutes reference ------------------------------------------


@PROPS
@given(interval_lists)
def test_normalize_matches_reference(ivs: list[Interval]) -> None:
    result = normalize(ivs)
    assert_canonical(result)
    assert result == from_points(points(ivs))


@PROPS
@given(interval_lists, interval_lists)
def test_union_matches_reference(a: list[Interval], b: list[Interval]) -> None:
    result = union(a, b)
    assert_canonical(result)
    assert result == from_points(points(a) | points(b))


@PROPS
@given(interval_lists, interval_lists)
def test_subtract_matches_reference(a: list[Interval], b: list[Interval]) -> None:
    result = subtract(a, b)
    assert_canonical(result)
    assert result == from_points(points(a) - points(b))


@PROPS
@given(interval_lists, interval_lists)
def test_intersect_matches_reference(a: list[Interval], b: list[Interval]) -> None:
    result = intersect(a, b)
    assert_canonical(result)
    assert result == from_points(points(a) & points(b))


@PROPS
@given(interval_lists, st.integers(LO, HI), st.integers(0, 15))
def test_contains_matches_reference(ivs: list[Interval], start: int, length: int) -> None:
    norm = normalize(ivs)
    end = start + length
    pts = points(ivs)
    # In a normalized list, "inside one interval" is the same as "every minute covered".
    assert contains(norm, start, end) == all(m in pts for m in range(start, end))


@PROPS
@given(interval_lists, st.integers(LO, HI), st.integers(0, 30))
def test_free_gaps_matches_reference(busy: list[Interval], lo: int, width: int) -> None:
    hi = lo + width
    result = free_gaps(busy, lo, hi)
    assert_canonical(result)
    assert result == from_points(set(range(lo, hi)) - points(busy))


@PROPS
@given(interval_lists, st.integers(1, 10), st.integers(1, 7), st.integers(-10, 10))
def test_slot_starts_matches_reference(free: list[Interval], duration: int, step: int, align: int) -> None:
    pts = points(free)
    expected = [
        s
        for s in range(LO - 20, HI + 20)
        if (s - align) % step == 0 and all(m in pts for m in range(s, s + duration))
    ]
    assert slot_starts(free, duration, step, align) == expected


@PROPS
@given(st.lists(any_interval, max_size=10), st.integers(0, 4))
def test_over_capacity_matches_reference(ivs: list[Interval], capacity: int) -> None:
    load: Counter[int] = Counter(m for s, e in ivs for m in range(s, e))
    expected = from_points({m for m, n in load.items() if n > capacity})
    result = over_capacity(ivs, capacity)
    assert_canonical(result)
    assert result == expected


@PROPS
@given(interval_lists, interval_lists, st.integers(1, 10))
def test_free_start_windows_matches_reference(
    within: list[Interval], busy: list[Interval], duration: int
) -> None:
    """Busy time only sorted by start (overlapping, touching, repeated, empty) gives the start
    windows of the free minutes of each ``within`` interval."""
    inside = normalize(within)
    taken = sorted(busy)
    busy_pts = points(busy)
    expected = []
    for s, e in inside:
        for gs, ge in from_points(set(range(s, e)) - busy_pts):
            if ge - gs >= duration:
                expected.append((gs, ge - duration + 1))
    assert free_start_windows(inside, taken, duration) == expected
