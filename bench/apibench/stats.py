"""Latency statistics: nearest-rank percentiles over samples or over (value, count) histograms.

wrk hands its latency distribution to the Lua ``done()`` hook as distinct values with counts;
``bench/api.py`` merges the histograms of every round of a route (service rounds together, bare
rounds together) before taking percentiles, so a percentile spans all rounds, not a mean of
per-round percentiles.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

WRK_MARK = "WRKJSON "

# A histogram's values: wrk reports whole microseconds, samples are seconds (Mapping is invariant
# in its key, so the two are spelled out).
Value = TypeVar("Value", int, float)


def percentile(histogram: Mapping[Value, int], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``p`` % of the counts at or
    below it (``p`` in (0, 100]). Raises ``ValueError`` on an empty histogram."""
    if not 0 < p <= 100:
        raise ValueError(f"percentile {p} is outside (0, 100]")
    total = sum(histogram.values())
    if total <= 0:
        raise ValueError("no samples")
    rank = math.ceil(p / 100 * total)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: rank never exceeds the total")


def sample_percentile(samples: Iterable[float], p: float) -> float:
    """Nearest-rank percentile of plain samples."""
    return percentile(Counter(samples), p)


@dataclass
class WrkRun:
    """One wrk run: what its Lua ``done()`` reported."""

    requests: int
    duration_s: float
    bytes: int
    errors: dict[str, int]
    latency_us: Counter[int] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        """Socket errors, timeouts and HTTP statuses >= 400 (wrk's ``errors.status``)."""
        return sum(self.errors.values())


def parse_wrk(stdout: str) -> WrkRun:
    """The ``WRKJSON {...}`` line the generated Lua script prints at the end of a run."""
    for line in stdout.splitlines():
        if line.startswith(WRK_MARK):
            data = json.loads(line.removeprefix(WRK_MARK))
            return WrkRun(
                requests=int(data["requests"]),
                duration_s=data["duration_us"] / 1e6,
                bytes=int(data["bytes"]),
                errors={k: int(v) for k, v in data["errors"].items()},
                latency_us=Counter({int(v): int(c) for v, c in data["latency_us"]}),
            )
    raise ValueError(f"no {WRK_MARK.strip()} line in wrk output:\n{stdout[-2000:]}")


@dataclass
class Merged:
    """Several rounds of one app on one route at one concurrency, taken together."""

    runs: list[WrkRun] = field(default_factory=list)

    def add(self, run: WrkRun) -> None:
        self.runs.append(run)

    def summary(self) -> dict[str, object]:
        latency: Counter[int] = Counter()
        for run in self.runs:
            latency.update(run.latency_us)
        requests = sum(r.requests for r in self.runs)
        seconds = sum(r.duration_s for r in self.runs)
        return {
            "rounds": len(self.runs),
            "requests": requests,
            "failed": sum(r.failed for r in self.runs),
            "rps": requests / seconds if seconds else 0.0,
            "rps_rounds": [round(r.requests / r.duration_s, 1) for r in self.runs],
            "p50_ms": percentile(latency, 50) / 1000 if latency else math.nan,
            "p99_ms": percentile(latency, 99) / 1000 if latency else math.nan,
            "max_ms": max(latency) / 1000 if latency else math.nan,
        }
