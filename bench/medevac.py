"""Medevac batch assignment benchmark: speed and quality against two baselines, same run.

For 8, 30 and 100 aircraft against 10, 100 and 1,000 pending missions (seeded synthetic
Kansai instances, 2026-06-15 10:00 JST, every aircraft available), compares:

* ``batch``: ``ukg_aid.dispatch_air.assign_batch`` (reds first, weighted minutes, coverage);
* ``greedy``: missions in report order, each takes the nearest available capable aircraft;
* ``lsa``: exact ``SimpleLinearSumAssignment`` minimizing severity-weighted minutes to scene
  while serving as many missions as possible, with no red-first rule;
* ``lsa_red_first``: the same exact assignment with reds first (the batch's levels 1, 2 and 6
  without own-first, 5-minute bands or coverage): the reference for the batch's minutes.

Quality: reds served and severity-weighted minutes to scene (red 3, yellow 1) of served missions.
Writes ``bench/results/medevac.json``; prints the Markdown table for ``docs/benchmarks.md``.

Run: ``.venv/bin/python bench/medevac.py``
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from ortools.graph.python import linear_sum_assignment

from ukg_aid.dispatch_air import (
    JST,
    Aircraft,
    AircraftStatus,
    Feasible,
    Hospital,
    Mission,
    Severity,
    assign_batch,
    check,
)

AT = dt.datetime(2026, 6, 15, 10, 0, tzinfo=JST)
SEED = 20260615
FLEETS = (8, 30, 100)
LOADS = (10, 100, 1000)
RED_SHARE = 0.35
RESULTS = Path(__file__).parent / "results" / "medevac.json"

# The eight union bases (reference/heli_bases.csv): name, operating member, lat, lon.
BASES = [
    ("osaka", "27", 34.810, 135.526),
    ("toyooka", "28", 35.548, 134.815),
    ("tokushima", "36", 34.067, 134.548),
    ("hyogo_harima", "28", 34.748, 134.852),
    ("kyoshiga", "25", 35.022, 135.964),
    ("tottori", "31", 35.436, 133.334),
    ("wakayama", "30", 34.191, 135.190),
    ("nara", "29", 34.385, 135.800),
]
# Member offices (reference/members.csv) for the coverage tie-break.
OFFICES = {
    "25": (35.004444, 135.868333),
    "26": (35.021389, 135.755556),
    "27": (34.686389, 135.520000),
    "28": (34.691389, 135.183056),
    "29": (34.685278, 135.832778),
    "30": (34.226111, 135.167500),
    "31": (35.503611, 134.238333),
    "36": (34.065833, 134.559444),
    "26100": (35.011636, 135.768029),
    "27100": (34.693738, 135.502165),
    "27140": (34.573262, 135.482998),
    "28100": (34.690083, 135.195511),
}

Pairs = list[tuple[int, int]]  # (aircraft id, mission id)


def make_fleet(n: int, rng: random.Random) -> list[Aircraft]:
    """The real bases first, then extra aircraft within about 25 km of a random base."""
    fleet = []
    for i in range(n):
        name, member, lat, lon = BASES[i % len(BASES)]
        if i >= len(BASES):
            lat, lon = lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.25, 0.25)
        fleet.append(
            Aircraft(
                id=i + 1,
                callsign=f"{name}-{i + 1}",
                member_code=member,
                base_name=name,
                base_lat=lat,
                base_lon=lon,
                status=AircraftStatus.available,
            )
        )
    return fleet


def make_missions(n: int, rng: random.Random) -> list[Mission]:
    """Scenes near a random member office (within about 40 km), 35 % red, reported in order."""
    codes = list(OFFICES)
    missions = []
    for i in range(n):
        code = rng.choice(codes)
        lat, lon = OFFICES[code]
        missions.append(
            Mission(
                id=i + 1,
                member_code=code,
                scene_lat=lat + rng.uniform(-0.35, 0.35),
                scene_lon=lon + rng.uniform(-0.4, 0.4),
                severity=Severity.red if rng.random() < RED_SHARE else Severity.yellow,
                patients=1,
                reported_at=AT + dt.timedelta(seconds=i),
            )
        )
    return missions


def feasible_minutes(
    fleet: list[Aircraft], missions: list[Mission], hospitals: list[Hospital]
) -> dict[tuple[int, int], float]:
    """Time to scene of every feasible (aircraft, mission) pair."""
    out = {}
    for m in missions:
        for a in fleet:
            outcome = check(a, m, AT, hospitals)
            if isinstance(outcome, Feasible):
                out[a.id, m.id] = outcome.sortie.time_to_scene_min
    return out


def greedy(
    fleet: list[Aircraft], missions: list[Mission], ok: dict[tuple[int, int], float]
) -> Pairs:
    """Nearest available capable aircraft, missions in report order."""
    free = {a.id for a in fleet}
    pairs = []
    for m in sorted(missions, key=lambda m: m.reported_at):
        options = [(ok[a, m.id], a) for a in free if (a, m.id) in ok]
        if options:
            _, best = min(options)
            free.discard(best)
            pairs.append((best, m.id))
    return pairs


def lsa(
    fleet: list[Aircraft],
    missions: list[Mission],
    ok: dict[tuple[int, int], float],
    *,
    red_first: bool = False,
) -> Pairs:
    """Exact assignment: most missions (reds first if asked), then least weighted minutes."""
    weight = {m.id: m.severity.weight for m in missions}
    red_bonus = 10**12 if red_first else 10**9
    bonus = {m.id: red_bonus if m.severity is Severity.red else 10**9 for m in missions}
    left = {a.id: i for i, a in enumerate(fleet)}
    right = {m.id: j for j, m in enumerate(missions)}
    n_left, n_right = len(fleet), len(missions)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    for (a, m), minutes in ok.items():
        solver.add_arc_with_cost(left[a], right[m], round(weight[m] * minutes * 10) - bonus[m])
    for i in range(n_left):
        solver.add_arc_with_cost(i, n_right + i, 0)
    for j in range(n_right):
        solver.add_arc_with_cost(n_left + j, j, 0)
        for i in range(n_left):
            solver.add_arc_with_cost(n_left + j, n_right + i, 0)
    assert solver.solve() == solver.OPTIMAL
    by_left = {i: a for a, i in left.items()}
    by_right = {j: m for m, j in right.items()}
    return [
        (by_left[i], by_right[solver.right_mate(i)])
        for i in range(n_left)
        if solver.right_mate(i) < n_right
    ]


def quality(
    pairs: Pairs, missions: list[Mission], ok: dict[tuple[int, int], float]
) -> dict[str, float]:
    by_id = {m.id: m for m in missions}
    reds = [p for p in pairs if by_id[p[1]].severity is Severity.red]
    reds_total = sum(m.severity is Severity.red for m in missions)
    return {
        "served": len(pairs),
        "reds_served": len(reds),
        "reds_pending": reds_total - len(reds),
        "weighted_minutes": round(sum(by_id[m].severity.weight * ok[a, m] for a, m in pairs), 1),
        "mean_red_minutes": round(statistics.fmean(ok[p] for p in reds), 2) if reds else 0.0,
    }


def timed(fn: Callable[[], Pairs], repeats: int) -> tuple[Pairs, float]:
    best = float("inf")
    result: Pairs = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return result, best


def run_case(n_aircraft: int, n_missions: int) -> dict[str, object]:
    rng = random.Random(f"{SEED}-{n_aircraft}-{n_missions}")
    fleet = make_fleet(n_aircraft, rng)
    missions = make_missions(n_missions, rng)
    hospitals = [Hospital(name, lat, lon) for name, _, lat, lon in BASES]
    repeats = 3 if n_aircraft * n_missions <= 10_000 else 1
    started = time.perf_counter()
    ok = feasible_minutes(fleet, missions, hospitals)
    feasibility_s = time.perf_counter() - started

    batch_result = None

    def ours() -> Pairs:
        nonlocal batch_result
        batch_result = assign_batch(
            fleet, missions, AT, hospitals, offices=OFFICES, time_limit_s=30
        )
        return [(x.aircraft_id, x.mission_id) for x in batch_result.assignments]

    ours_pairs, ours_s = timed(ours, repeats)
    greedy_pairs, greedy_s = timed(lambda: greedy(fleet, missions, ok), repeats)
    lsa_pairs, lsa_s = timed(lambda: lsa(fleet, missions, ok), repeats)
    red_pairs, red_s = timed(lambda: lsa(fleet, missions, ok, red_first=True), repeats)
    assert batch_result is not None
    return {
        "aircraft": n_aircraft,
        "missions": n_missions,
        "reds": sum(m.severity is Severity.red for m in missions),
        "feasible_pairs": len(ok),
        "feasibility_s": round(feasibility_s, 4),
        "batch": {
            "seconds": round(ours_s, 4),
            "status": batch_result.status.value,
            "uncovered_offices": batch_result.key.uncovered_offices,
            **quality(ours_pairs, missions, ok),
        },
        "greedy": {"seconds": round(greedy_s, 4), **quality(greedy_pairs, missions, ok)},
        "lsa": {"seconds": round(lsa_s, 4), **quality(lsa_pairs, missions, ok)},
        "lsa_red_first": {"seconds": round(red_s, 4), **quality(red_pairs, missions, ok)},
    }


def markdown(cases: list[dict[str, object]]) -> str:
    head = (
        "| aircraft | missions (red) | batch s | greedy s | LSA s "
        "| reds served: batch / greedy / LSA | mean red min: batch / greedy "
        "| weighted min: batch / LSA red-first | batch ÷ LSA red-first |\n"
        "|---:|---:|---:|---:|---:|---|---|---|---:|\n"
    )
    rows = []
    for c in cases:
        b, g, x, r = (c[k] for k in ("batch", "greedy", "lsa", "lsa_red_first"))
        assert isinstance(b, dict)
        assert isinstance(g, dict)
        assert isinstance(x, dict)
        assert isinstance(r, dict)
        ratio = b["weighted_minutes"] / r["weighted_minutes"] if r["weighted_minutes"] else 1.0
        rows.append(
            f"| {c['aircraft']} | {c['missions']} ({c['reds']}) | {b['seconds']:.3f} | "
            f"{g['seconds']:.3f} | {x['seconds']:.3f} | "
            f"{b['reds_served']} / {g['reds_served']} / {x['reds_served']} | "
            f"{b['mean_red_minutes']:.1f} / {g['mean_red_minutes']:.1f} | "
            f"{b['weighted_minutes']:.0f} / {r['weighted_minutes']:.0f} | {ratio:.3f} |"
        )
    return head + "\n".join(rows) + "\n"


def main() -> None:
    cases = [run_case(a, m) for a in FLEETS for m in LOADS]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "seed": SEED,
        "at": AT.isoformat(),
        "red_share": RED_SHARE,
    }
    RESULTS.write_text(json.dumps({"meta": meta, "cases": cases}, indent=2) + "\n")
    print(markdown(cases))


if __name__ == "__main__":
    main()
