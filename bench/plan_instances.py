"""Synthetic Kansai instances for `bench/plan.py` (fixed seed, three scales and one variant).

Depots sit on the reference depot positions, lines at the offices of municipalities of the stricken
members (shared/reference, see its SOURCES.md); the rest is drawn from a seeded generator.
`nankai_deadlines` is the Nankai instance with deadlines (rule 4): critical lines needed within
90-240 min, high within 180-420 min, normal without one (drawn from a second seeded generator,
so the rest of the instance is the Nankai one unchanged). `nankai_closed` is the Nankai instance
with 明石海峡大橋 closed and a closed area over central Kobe (135.10-135.25 E, 34.64-34.75 N): a
drill-like what-if, not a claim about any earthquake. These are bench figures, not facts.
"""

from __future__ import annotations

import csv
import os
import random
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from ukg_aid.matching import Closures, Options, Priority, Problem, RequestLine, Supply


# The workspace keeps shared/ beside the repository (shared/reference: sourced positions); from a
# worktree deeper down, the nearest such folder up the tree is used; UKG_AID_REFERENCE overrides.
def _reference() -> Path:
    if "UKG_AID_REFERENCE" in os.environ:
        return Path(os.environ["UKG_AID_REFERENCE"])
    here = Path(__file__).resolve()
    found = (p / "shared" / "reference" for p in here.parents)
    return next((p for p in found if p.is_dir()), here.parents[2] / "shared" / "reference")


REFERENCE = _reference()
CITIES = {"26100", "27100", "27140", "28100"}
NANKAI = frozenset({"27", "27100", "27140", "28", "28100", "30", "36"})
SCALES = {
    # name: (depots, items, lines, stricken members, repeats of the solve)
    "local": (52, 8, 50, frozenset({"27", "27100", "27140"}), 7),
    "nankai": (300, 30, 2000, NANKAI, 5),
    "nankai_deadlines": (300, 30, 2000, NANKAI, 5),
    "nankai_closed": (300, 30, 2000, NANKAI, 5),
    "national": (3000, 20, 20000, NANKAI, 3),
}


def _member(row: dict[str, str]) -> str:
    if row["jis_code"] in CITIES:
        return row["jis_code"]
    return row["parent_city_code"] if row["parent_city_code"] in CITIES else row["pref_code"]


# Minutes within which a line is needed, by priority (bench assumption; normal: no deadline).
DEADLINES = {Priority.CRITICAL: (90.0, 240.0), Priority.HIGH: (180.0, 420.0)}


KOBE_BOX = ((135.10, 34.64), (135.25, 34.64), (135.25, 34.75), (135.10, 34.75), (135.10, 34.64))
CLOSED = Closures(frozenset({"akashi-kaikyo"}), ((KOBE_BOX,),))


def build(scale: str, seed: int = 20260101) -> Problem:
    if scale.endswith("_deadlines"):
        return _with_deadlines(build(scale.removesuffix("_deadlines"), seed), seed)
    if scale.endswith("_closed"):
        return replace(build(scale.removesuffix("_closed"), seed), closures=CLOSED)
    n_depots, n_items, n_lines, stricken, _ = SCALES[scale]
    rng = random.Random(seed)
    with (REFERENCE / "depots.csv").open() as f:
        depots = [(r["member_code"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)]
    with (REFERENCE / "municipalities.csv").open() as f:
        towns = [
            (_member(r), float(r["office_lat"]), float(r["office_lon"]))
            for r in csv.DictReader(f)
            if _member(r) in stricken
        ]
    items = [f"item-{k:02d}" for k in range(n_items)]
    lines = []
    for k in range(n_lines):
        member, lat, lon = rng.choice(towns)
        lines.append(
            RequestLine(
                line_id=k,
                request_id=k // 3,
                member_code=member,
                item_code=rng.choice(items),
                quantity=rng.randint(50, 500),
                priority=rng.choices(list(Priority), weights=[2, 3, 5])[0],
                lat=lat + rng.uniform(-0.02, 0.02),
                lon=lon + rng.uniform(-0.02, 0.02),
            )
        )
    demand: dict[str, int] = defaultdict(int)
    for ln in lines:
        demand[ln.item_code] += ln.quantity
    supplies = _supplies(rng, depots, items, demand, n_depots, stricken)
    return Problem(tuple(supplies), tuple(lines), stricken, Options())


def _with_deadlines(problem: Problem, seed: int) -> Problem:
    rng = random.Random(seed + 1)
    lines = []
    for ln in problem.lines:
        window = DEADLINES.get(ln.priority)
        due = round(rng.uniform(*window)) if window else None
        lines.append(replace(ln, needed_by_minutes=due))
    return replace(problem, lines=tuple(lines))


def _supplies(
    rng: random.Random,
    depots: list[tuple[str, float, float]],
    items: list[str],
    demand: dict[str, int],
    n_depots: int,
    stricken: frozenset[str],
) -> list[Supply]:
    """Each depot stocks about half the items; free stock outside the stricken area is about 70 %
    of demand, so every scale has real shortages; 5 % of depots are damaged."""
    helpers = sum(1 for k in range(n_depots) if depots[k % len(depots)][0] not in stricken)
    result = []
    for depot_id in range(n_depots):
        member, lat, lon = depots[depot_id % len(depots)]
        operational = rng.random() > 0.05
        lat, lon = lat + rng.uniform(-0.1, 0.1), lon + rng.uniform(-0.1, 0.1)
        for item in items:
            if rng.random() < 0.5:
                mean = 2 * 0.7 * demand[item] / max(1, helpers) * 1.25
                on_hand = rng.randint(0, int(2 * mean))
                result.append(
                    Supply(
                        depot_id=depot_id,
                        member_code=member,
                        item_code=item,
                        lat=lat,
                        lon=lon,
                        on_hand=on_hand,
                        reserved=rng.randint(0, on_hand // 10),
                        reserve_floor=on_hand // 10,
                        operational=operational,
                    )
                )
    return result
