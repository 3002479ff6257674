"""Logistics core figures: honest haul times, and the pool simulation's cost as it grows.

    .venv/bin/python -m bench.logistics [--quick]

1. Haul times for a fresh driver (改善基準告示 breaks and rests, package rules) against the plain
   ``loading + km / speed`` the matching core uses today, at 40 km/h (its default) and 70 km/h.
2. ``simulate_pool`` wall time per shipment for growing drills (one member's pool of 4 × 4 t +
   2 × 10 t and a ten-times pool), with the smallest run as the baseline measured in the same
   process: the ratio shows how the cost per shipment grows (absolute times drift on a shared
   machine). Shipments are seeded random (seed 1): ready over 72 h, 0.5–25 t, 5–300 km.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Sequence

from ukg_aid.logistics import (
    Job,
    Load,
    PoolRun,
    Truck,
    drive_elapsed_minutes,
    haul_eta_minutes,
    pool_trucks,
    queue_series,
    simulate_pool,
    utilisation,
)

T0 = dt.datetime(2025, 1, 17, 5, 46, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def haul_table() -> None:
    print("km   | kmh | plain ETA h | with rules h | breaks+rests h")
    for kmh in (40, 70):
        for km in (100, 200, 300, 400, 500, 600, 800):
            plain = 30 + km / kmh * 60
            honest = haul_eta_minutes(km, kmh, 30)
            stops = drive_elapsed_minutes(km, kmh) - km / kmh * 60
            print(f"{km:4} | {kmh:3} | {plain / 60:11.1f} | {honest / 60:12.1f} | {stops / 60:.1f}")


def _jobs(n: int, rnd: random.Random) -> list[Job]:
    return [
        Job(
            i,
            T0 + dt.timedelta(minutes=rnd.uniform(0, 72 * 60)),
            Load(rnd.randint(500_000, 25_000_000)),
            rnd.uniform(5, 300),
            rnd.randint(0, 2),
        )
        for i in range(1, n + 1)
    ]


def _timed(trucks: Sequence[Truck], jobs: list[Job], repeat: int) -> tuple[float, PoolRun]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run = simulate_pool(trucks, jobs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), run


def scaling(quick: bool) -> None:
    sizes = (250, 1000, 4000) if quick else (250, 1000, 4000, 16000)
    for scale in (1, 10):
        trucks = pool_trucks("28", {"4t": 4 * scale, "10t": 2 * scale})
        base = None
        print(f"\npool of {len(trucks)} trucks")
        print("shipments | median s | µs/shipment | × baseline | utilisation | peak queue")
        for n in sizes:
            seconds, run = _timed(trucks, _jobs(n, random.Random(1)), 3 if n <= 4000 else 1)
            per = seconds / n * 1e6
            base = base or per
            last = max(t.return_at for t in run.trips)
            use = utilisation(run, T0, last)["all"]
            peak = max(c for _, c in queue_series(run))
            print(
                f"{n:9} | {seconds:8.3f} | {per:11.1f} | {per / base:10.2f} | {use:11.2f} | {peak}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 16,000-shipment runs")
    args = parser.parse_args()
    haul_table()
    scaling(args.quick)


if __name__ == "__main__":
    main()
