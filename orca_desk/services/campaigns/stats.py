"""Statistics of A/B tests: two-proportion z-test, Fisher's exact test, lift, plain verdicts."""

from __future__ import annotations

import math
from dataclasses import dataclass

ALPHA = 0.05
# Below this expected count in any cell of the 2×2 table the normal approximation is poor.
MIN_EXPECTED = 5.0


def normal_two_sided_p(z: float) -> float:
    """P(|Z| ≥ |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z-test of x1/n1 against x2/n2; returns (z, two-sided p).

    With no variation at all (both rates 0 or both 1) there is no evidence of a difference:
    z = 0, p = 1.
    """
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    if n1 == 0 or n2 == 0:
        return 0.0, 1.0
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    if se == 0.0:
        return 0.0, 1.0
    z = (p1 - p2) / se
    return z, normal_two_sided_p(z)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test for the table [[a, b], [c, d]].

    Rows are groups (e.g. variant, control), columns outcomes (re-booked, not). With the
    margins fixed, ``a`` follows the hypergeometric distribution; the p-value sums the
    probabilities of every table no more likely than the one observed (R's and SciPy's rule,
    with a relative tolerance for floating-point ties).
    """
    for v in (a, b, c, d):
        if v < 0:
            raise ValueError("counts cannot be negative")
    row1, row2, col1 = a + b, c + d, a + c
    n = row1 + row2
    if n == 0:
        return 1.0
    lo, hi = max(0, col1 - row2), min(row1, col1)
    log_denominator = _log_choose(n, col1)

    def log_p(k: int) -> float:
        return _log_choose(row1, k) + _log_choose(row2, col1 - k) - log_denominator

    observed = log_p(a)
    threshold = observed + math.log1p(1e-7)
    total = sum(math.exp(log_p(k)) for k in range(lo, hi + 1) if log_p(k) <= threshold)
    return min(1.0, total)


def _check_counts(x: int, n: int) -> None:
    if n < 0 or x < 0 or x > n:
        raise ValueError(f"invalid counts {x}/{n}")


@dataclass(frozen=True)
class Comparison:
    """A variant against a baseline (the control group, or another variant)."""

    name: str
    baseline: str
    x: int
    n: int
    baseline_x: int
    baseline_n: int
    test: str  # "two-proportion z-test" | "Fisher's exact test" | "none"
    z: float | None
    p: float | None
    alpha: float = ALPHA

    @property
    def rate(self) -> float:
        return self.x / self.n if self.n else 0.0

    @property
    def baseline_rate(self) -> float:
        return self.baseline_x / self.baseline_n if self.baseline_n else 0.0

    @property
    def lift_points(self) -> float:
        """The difference in rate, in percentage points."""
        return 100.0 * (self.rate - self.baseline_rate)

    @property
    def lift_relative(self) -> float | None:
        """The rate relative to the baseline's (0.5 = 50 % more); None when the baseline is 0."""
        return None if self.baseline_rate == 0 else self.rate / self.baseline_rate - 1.0

    @property
    def significant(self) -> bool:
        return self.p is not None and self.p < self.alpha

    @property
    def verdict(self) -> str:
        """What a manager reads, e.g. "Not yet significant (p = 0.21)"."""
        if self.p is None:
            return "Not enough data yet"
        p = _p_text(self.p)
        if not self.significant:
            return f"Not yet significant ({p})"
        better = "more" if self.rate > self.baseline_rate else "fewer"
        return f"Significant: {self.name} re-books {better} patients than {self.baseline} ({p})"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def compare(
    name: str, x: int, n: int, baseline: str, bx: int, bn: int, *, alpha: float = ALPHA
) -> Comparison:
    """Compare x/n with bx/bn: Fisher's exact test when any expected cell is below 5, else z."""
    _check_counts(x, n)
    _check_counts(bx, bn)
    if n == 0 or bn == 0:
        return Comparison(name, baseline, x, n, bx, bn, "none", None, None, alpha)
    total, successes = n + bn, x + bx
    expected = [
        n * successes / total,
        n * (total - successes) / total,
        bn * successes / total,
        bn * (total - successes) / total,
    ]
    if min(expected) < MIN_EXPECTED:
        p = fisher_exact(x, n - x, bx, bn - bx)
        return Comparison(name, baseline, x, n, bx, bn, "Fisher's exact test", None, p, alpha)
    z, p = two_proportion_z_test(x, n, bx, bn)
    return Comparison(name, baseline, x, n, bx, bn, "two-proportion z-test", z, p, alpha)
