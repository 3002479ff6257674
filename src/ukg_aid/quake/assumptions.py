"""Documented impact assumptions: evacuees, medevac demand, failure of assets by intensity.

Relief needs per evacuee live in :mod:`ukg_aid.needs` (one table for the drill and the service).

Every function here is a plain function of median intensity and population; the numbers are
calibrated in ``docs/quake-model.md`` against 1995, 2018 and the Cabinet Office Nankai estimates.
Intensity uncertainty is handled by averaging over the true intensity I ~ Normal(median, 0.4).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from statistics import NormalDist

from ukg_aid.quake.model import SIGMA_INTENSITY

EVACUEE_CURVE: tuple[tuple[float, float], ...] = (
    (4.5, 0.0),
    (5.0, 0.0002),
    (5.5, 0.002),
    (6.0, 0.02),
    (6.5, 0.10),
    (7.0, 0.30),
)
"""(JMA intensity, peak evacuee share of population), linear in between, for an Mw ≤ 7 event."""

MAX_EVACUEE_SHARE = 0.6
LIFELINE_REFERENCE_MW = 7.0

MEDEVAC_PER_100K: dict[str, tuple[float, float]] = {
    "6-": (1.0, 3.0),
    "6+": (4.0, 12.0),
    "7": (12.0, 36.0),
}
"""Helicopter medevac candidates (red, yellow) per 100,000 people whose true intensity is in
the class. Applied to the expected population in each class, so a median of 5+ still yields a
few missions."""

MEDEVAC_DECAY_HOURS = 12.0
DEFAULT_MEDEVAC_HORIZON_HOURS = 72
DEFAULT_DEPOT_THRESHOLD = 6.0
"""Median intensity (6+) at or above which a depot is out of service."""

_NORMAL = NormalDist()
_HERMITE_NODES = (
    -2.8569700138728056,
    -1.3556261799742657,
    0.0,
    1.3556261799742657,
    2.8569700138728056,
)
_HERMITE_WEIGHTS = (
    0.011257411327720691,
    0.2220759220056126,
    0.5333333333333333,
    0.2220759220056126,
    0.011257411327720691,
)
"""5-point Gauss-Hermite rule: E[g(Z)], Z ~ N(0, 1), exact for polynomials of degree ≤ 9."""


def _expected(median: float, fn: Callable[[float], float]) -> float:
    """E[fn(I)] for I ~ Normal(median, SIGMA_INTENSITY) clipped to [0, 7]."""
    return sum(
        w * fn(min(max(median + SIGMA_INTENSITY * z, 0.0), 7.0))
        for z, w in zip(_HERMITE_NODES, _HERMITE_WEIGHTS, strict=True)
    )


def _evacuee_curve(intensity: float) -> float:
    points = EVACUEE_CURVE
    if intensity <= points[0][0]:
        return 0.0
    for (i0, f0), (i1, f1) in itertools.pairwise(points):
        if intensity <= i1:
            return f0 + (f1 - f0) * (intensity - i0) / (i1 - i0)
    return points[-1][1]


def lifeline_factor(mw: float) -> float:
    """Multiplier 10^(0.5·max(Mw − 7, 0)) for evacuees of great events.

    Large ruptures cut water and power over whole prefectures for weeks with no unaffected
    neighbour to lean on, so many people leave intact homes. Calibrated so the Mw 9.1 Nankai
    scenario reaches the Cabinet Office (2013) evacuee totals within a factor of two.
    """
    return float(10 ** (0.5 * max(mw - LIFELINE_REFERENCE_MW, 0.0)))


def evacuee_share(median_intensity: float, mw: float) -> float:
    """Peak share of a municipality's population in shelters or needing relief there."""
    share = _expected(median_intensity, _evacuee_curve) * lifeline_factor(mw)
    return min(share, MAX_EVACUEE_SHARE)


def exceedance_probability(median_intensity: float, threshold: float) -> float:
    """P(true intensity ≥ threshold) for a median estimate (σ = 0.4 intensity units)."""
    return 1.0 - _NORMAL.cdf((threshold - median_intensity) / SIGMA_INTENSITY)


def medevac_expected(median_intensity: float, population: int) -> tuple[float, float]:
    """Expected (red, yellow) helicopter medevac candidates from one municipality."""
    p6m = exceedance_probability(median_intensity, 5.5)
    p6p = exceedance_probability(median_intensity, 6.0)
    p7 = exceedance_probability(median_intensity, 6.5)
    shares = {"6-": p6m - p6p, "6+": p6p - p7, "7": p7}
    red = sum(shares[c] * MEDEVAC_PER_100K[c][0] for c in shares) * population / 1e5
    yellow = sum(shares[c] * MEDEVAC_PER_100K[c][1] for c in shares) * population / 1e5
    return red, yellow


def medevac_hour_weights(horizon_hours: int) -> list[float]:
    """Share of missions reported in each hour: exp(−h/12) decay, half weight in hour 0."""
    raw = [math.exp(-h / MEDEVAC_DECAY_HOURS) for h in range(horizon_hours)]
    if raw:
        raw[0] *= 0.5
    total = sum(raw)
    return [r / total for r in raw]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth below mean 30, rounded normal above), from ``rng`` only."""
    if mean <= 0:
        return 0
    if mean >= 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def threshold_probability(median_intensity: float, threshold: float) -> float:
    """Chance that an asset with a failure threshold fails: 1 at or above the threshold (by
    median), else P(true intensity ≥ threshold). Used for depots and the damage rules."""
    if median_intensity >= threshold:
        return 1.0
    return exceedance_probability(median_intensity, threshold)


def depot_failure_probability(median_intensity: float, threshold: float) -> float:
    """A depot's failure probability (:func:`threshold_probability`)."""
    return threshold_probability(median_intensity, threshold)
