"""The A/B statistics against known values (R's prop.test without correction and fisher.test)."""

from __future__ import annotations

import math

import pytest

from orca_desk.services.campaigns.stats import (
    compare,
    fisher_exact,
    normal_two_sided_p,
    two_proportion_z_test,
)


def test_two_proportion_z_test_known_value():
    z, p = two_proportion_z_test(30, 100, 20, 100)
    assert z == pytest.approx(1.63299, abs=1e-4)
    assert p == pytest.approx(0.10247, abs=1e-4)
    z2, p2 = two_proportion_z_test(20, 100, 30, 100)
    assert z2 == pytest.approx(-z) and p2 == pytest.approx(p)


def test_z_test_large_difference_and_degenerate_cases():
    z, p = two_proportion_z_test(150, 1000, 100, 1000)
    assert z == pytest.approx(3.3806, abs=1e-3)
    assert p == pytest.approx(0.000723, rel=0.01)
    assert two_proportion_z_test(0, 50, 0, 50) == (0.0, 1.0)
    assert two_proportion_z_test(0, 0, 1, 10) == (0.0, 1.0)
    assert normal_two_sided_p(1.959964) == pytest.approx(0.05, abs=1e-6)
    with pytest.raises(ValueError):
        two_proportion_z_test(5, 4, 1, 10)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ((3, 1, 1, 3), 0.4857142857),  # Fisher's tea-tasting lady
        ((8, 2, 1, 5), 0.0349650350),
        ((1, 9, 11, 3), 0.0027594562),  # SciPy's documented example
        ((0, 5, 5, 0), 2 / 252),
        ((2, 2, 2, 2), 1.0),
        ((0, 0, 0, 0), 1.0),
    ],
)
def test_fisher_exact_two_sided_known_values(table, expected):
    assert fisher_exact(*table) == pytest.approx(expected, rel=1e-6)


def test_fisher_is_symmetric_in_rows_and_columns():
    assert fisher_exact(8, 2, 1, 5) == pytest.approx(fisher_exact(1, 5, 8, 2))
    assert fisher_exact(8, 2, 1, 5) == pytest.approx(fisher_exact(8, 1, 2, 5))


def test_compare_picks_fisher_for_small_groups_and_says_when_not_significant():
    small = compare("A", 3, 4, "control", 1, 4)
    assert small.test == "Fisher's exact test" and small.z is None
    assert small.p == pytest.approx(0.4857, abs=1e-4)
    assert small.verdict == "Not yet significant (p = 0.49)"
    big = compare("A", 30, 100, "control", 20, 100)
    assert big.test == "two-proportion z-test"
    assert big.verdict == "Not yet significant (p = 0.10)"
    assert big.lift_points == pytest.approx(10.0)
    assert big.lift_relative == pytest.approx(0.5)
    clear = compare("B", 150, 1000, "control", 100, 1000)
    assert clear.significant
    assert clear.verdict == "Significant: B re-books more patients than control (p < 0.001)"
    assert compare("A", 0, 0, "control", 0, 0).verdict == "Not enough data yet"
    assert compare("A", 1, 10, "control", 0, 10).lift_relative is None
    assert not math.isnan(compare("A", 8, 10, "control", 1, 6).p or math.nan)
