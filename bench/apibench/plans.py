"""The Nankai-scale plan through the API: create, approve, cancel, timed; ``/healthz`` sampled
on the same workers meanwhile, from a separate process (so the harness parsing a large plan
never delays a health sample it is timing).

Health: ``HEALTH_CONNECTIONS`` keep-alive connections (each lands on one of the two workers, so
both are covered unless all land on one, p = 2^-(n-1)), each asking every ``HEALTH_INTERVAL_S``;
a sample's latency is attributed to the phase its request started in.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from typing import Any

import httpx

from apibench.stats import sample_percentile

HEALTH_CONNECTIONS = 4
HEALTH_INTERVAL_S = 0.02


def _sample_health(url: str, stop: Event, out: Any) -> None:
    """Child process: sample ``url``/healthz until ``stop``; put [(start, ms, status)] on out."""

    async def one(client: httpx.AsyncClient, samples: list[tuple[float, float, int]]) -> None:
        while not stop.is_set():
            started, t0 = time.time(), time.perf_counter()
            try:
                status = (await client.get("/healthz")).status_code
            except httpx.HTTPError:
                status = 0
            ms = (time.perf_counter() - t0) * 1000
            samples.append((started, ms, status))
            await asyncio.sleep(max(0.0, HEALTH_INTERVAL_S - ms / 1000))

    async def main() -> list[tuple[float, float, int]]:
        samples: list[tuple[float, float, int]] = []
        limits = httpx.Limits(max_connections=HEALTH_CONNECTIONS, keepalive_expiry=60)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
            await asyncio.gather(*(one(client, samples) for _ in range(HEALTH_CONNECTIONS)))
        return samples

    out.put(asyncio.run(main()))


class HealthSampler:
    """``with HealthSampler(url) as h: ...``; then ``h.samples`` holds every sample."""

    def __init__(self, url: str) -> None:
        ctx = mp.get_context("spawn")
        self._stop = ctx.Event()
        self._out = ctx.Queue()
        self._proc = ctx.Process(target=_sample_health, args=(url, self._stop, self._out))
        self.samples: list[tuple[float, float, int]] = []

    def __enter__(self) -> HealthSampler:
        self._proc.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.samples = self._out.get(timeout=60)
        self._proc.join(timeout=30)

    def window(self, start: float, end: float) -> dict[str, float | int]:
        """p50/p99/max of the samples that started in [start, end]."""
        return _health_summary([s for s in self.samples if start <= s[0] <= end])


@dataclass
class PlanCycle:
    """One create → approve → cancel, with the wall-clock window of each call."""

    seconds: dict[str, float] = field(default_factory=dict)
    windows: dict[str, tuple[float, float]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def _call(
    client: httpx.Client, cycle: PlanCycle, phase: str, path: str, want: int
) -> dict[str, Any]:
    started, t0 = time.time(), time.perf_counter()
    resp = client.post(path, json={})
    cycle.seconds[phase] = time.perf_counter() - t0
    cycle.windows[phase] = (started, time.time())
    if resp.status_code != want:
        raise RuntimeError(f"{phase}: {resp.status_code} {resp.text[:500]}")
    cycle.facts[f"{phase}_response_bytes"] = len(resp.content)
    body: dict[str, Any] = resp.json()
    return body


def plan_cycle(
    base_url: str, token: str, between: Callable[[str], None] = lambda _phase: None
) -> PlanCycle:
    """Create a plan of every open request, approve it, cancel it (which gives back every
    reservation, so the next cycle plans the same instance). ``between(phase)`` runs before
    each call (the statement counter snapshots there)."""
    cycle = PlanCycle()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=600) as client:
        between("create")
        plan = _call(client, cycle, "create", "/api/v1/plans", 201)
        between("approve")
        approved = _call(client, cycle, "approve", f"/api/v1/plans/{plan['id']}/approve", 200)
        between("cancel")
        cancelled = _call(client, cycle, "cancel", f"/api/v1/plans/{plan['id']}/cancel", 200)
        between("end")
    if (approved["status"], cancelled["status"]) != ("approved", "cancelled"):
        raise RuntimeError(f"plan ended {approved['status']} / {cancelled['status']}")
    cycle.facts |= {
        "allocations": len(plan["allocations"]),
        "allocated_units": sum(a["quantity"] for a in plan["allocations"]),
        "unmet_lines": len(plan["unmet"]),
        "solver_status": plan["solver"]["status"],
        "solver_s": plan["solver"]["wall_ms"] / 1000,
    }
    return cycle


def timed_cycles(
    base_url: str, token: str, cycles: int, idle_s: float, budget_s: float
) -> dict[str, Any]:
    """Up to ``cycles`` plan cycles, health sampled throughout (``idle_s`` of idle baseline);
    no new cycle starts after ``budget_s`` (the first always runs), so a loaded machine or a
    slow service cannot stretch the run unboundedly."""
    runs: list[PlanCycle] = []
    with HealthSampler(base_url) as health:
        time.sleep(1.0)  # the sampler process starts and connects
        idle = (time.time(), time.time() + idle_s)
        time.sleep(idle_s)
        started = time.monotonic()
        while len(runs) < cycles and (not runs or time.monotonic() - started < budget_s):
            runs.append(plan_cycle(base_url, token))
    phases = ("create", "approve", "cancel")
    out: dict[str, Any] = {"cycles": len(runs), "facts": runs[-1].facts}
    for phase in phases:
        out[f"{phase}_s"] = [c.seconds[phase] for c in runs]
        out[f"{phase}_s_median"] = statistics.median(out[f"{phase}_s"])
    out["solver_s"] = [c.facts["solver_s"] for c in runs]
    out["health"] = {"idle": health.window(*idle)}
    for phase in phases:
        samples = [s for c in runs for s in health.samples if _inside(s[0], c.windows[phase])]
        out["health"][phase] = _health_summary(samples)
    return out


def _inside(t: float, window: tuple[float, float]) -> bool:
    return window[0] <= t <= window[1]


def _health_summary(samples: list[tuple[float, float, int]]) -> dict[str, float | int]:
    ms = [s[1] for s in samples]
    failed = sum(1 for s in samples if s[2] != 200)
    if not ms:
        return {"samples": 0, "failed": failed}
    return {
        "samples": len(ms),
        "failed": failed,
        "p50_ms": sample_percentile(ms, 50),
        "p99_ms": sample_percentile(ms, 99),
        "max_ms": max(ms),
    }
