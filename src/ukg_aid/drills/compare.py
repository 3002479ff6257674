"""Which policy is ahead on each headline figure, and why the baseline can be. Pure.

A figure is compared only where "better" has one meaning (a higher fill rate, fewer hours);
counts that describe the exercise (units requested, calls filed) are shown but not judged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Figures = dict[str, Any]  # one policy's summary (metrics.summary)


@dataclass(frozen=True, slots=True)
class Figure:
    key: str  # message key "fig.<key>"
    value: Callable[[Figures], float | None]
    higher_is_better: bool | None  # None: shown, not judged
    why: str | None = None  # message key explaining a baseline lead
    kind: str = "num"  # how to print: num | pct, or "of" (value / the ``total`` figure)
    total: Callable[[Figures], float | None] | None = None
    rel_tol: float = 0.0  # differences within this share of the larger value count as equal


def _get(name: str) -> Callable[[Figures], float | None]:
    return lambda f: f.get(name)


def _medevac(name: str) -> Callable[[Figures], float | None]:
    return lambda f: f["medevac"].get(name)


SUPPLY = (
    Figure("fill_rate_24h", _get("fill_rate_24h"), True, "why.fill", "pct"),
    Figure("fill_rate_72h", _get("fill_rate_72h"), True, "why.fill", "pct"),
    Figure("fill_rate_end", _get("fill_rate_end"), True, "why.fill", "pct"),
    Figure(
        "lowest_member_fill_24h", _get("lowest_member_fill_24h"), True, "why.member_fill", "pct"
    ),
    Figure(
        "lowest_member_fill_end", _get("lowest_member_fill_end"), True, "why.member_fill", "pct"
    ),
    Figure(
        "median_hours_to_first_delivery",
        _get("median_hours_to_first_delivery"),
        False,
        "why.first_delivery",
    ),
    Figure("local_use_units", _get("local_use_units"), None),
    Figure("requested_units", _get("requested_units"), None),
    Figure("delivered_units", _get("delivered_units"), True, "why.delivered"),
    # SPEC §3 holds the haul to 0.5 %: a smaller difference is no lead either way.
    Figure(
        "delivered_haul_km_units", _get("delivered_haul_km_units"), False, "why.haul", rel_tol=0.005
    ),
    Figure(
        "lines_left_empty",
        _get("lines_left_empty"),
        False,
        "why.lines",
        "of",
        _get("lines_counted"),
    ),
)
MEDEVAC = (
    Figure("medevac_filed", _medevac("filed"), None),
    Figure("medevac_served", _medevac("served"), True, "why.medevac"),
    Figure("medevac_red", _medevac("served_red"), True, "why.medevac", "of", _medevac("filed_red")),
    Figure(
        "median_red_minutes", _medevac("median_red_minutes_call_to_scene"), False, "why.medevac"
    ),
    Figure("helicopter_utilization", _medevac("helicopter_utilization"), None, None, "pct"),
)
FIGURES = SUPPLY + MEDEVAC


def ahead(figure: Figure, optimized: Figures, baseline: Figures) -> str | None:
    """``optimized``, ``baseline``, ``equal``, or None (not judged, or no value to judge)."""
    if figure.higher_is_better is None:
        return None
    a, b = figure.value(optimized), figure.value(baseline)
    if a is None and b is None:
        return None
    if a is None or b is None:
        # A figure the drill never reached (no median, no fill) loses to one it reached.
        return "baseline" if a is None else "optimized"
    # Compared as printed (rates to 0.1 point, hours and minutes to 0.1), never closer.
    digits = 3 if figure.kind == "pct" else 1
    a, b = round(a, digits), round(b, digits)
    if abs(a - b) <= max(1e-9, figure.rel_tol * max(abs(a), abs(b))):
        return "equal"
    return "optimized" if (a > b) == figure.higher_is_better else "baseline"


def verdicts(optimized: Figures, baseline: Figures) -> dict[str, str | None]:
    return {f.key: ahead(f, optimized, baseline) for f in FIGURES}


def members_better_under_baseline(
    optimized: Figures, baseline: Figures, *, margin: float = 0.005
) -> list[tuple[str, float, float]]:
    """(member, optimized fill, baseline fill) where the baseline ends ahead by > ``margin``."""
    out = []
    for code, b in sorted(baseline.get("members", {}).items()):
        o = optimized.get("members", {}).get(code)
        ob, bb = (o or {}).get("fill_rate"), b.get("fill_rate")
        if bb is not None and (ob or 0.0) + margin < bb:
            out.append((code, ob or 0.0, bb))
    return out
