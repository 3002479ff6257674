"""The Nankai-scale plan through the API: create, approve, cancel, timed; ``/healthz`` sampled
on the same workers meanwhile, from a separate process (so the harness parsing a large plan
never delays a health sample it is timing).

Health: ``HEALTH_CONNECTIONS`` keep-alive connections (one client each, so each stays on one
worker), each asking every ``HEALTH_INTERVAL_S``; a sample counts in the phase its request
started in. Which worker answered is read from the kernel (``procs.workers_by_client_port``:
the worker process holding each connection), for the samples and for the plan call itself, so
health is also reported on the worker that was building, approving or cancelling the plan.
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

from bench.apibench.procs import Server, backends_cpu_s, tree_cpu_s, workers_by_client_port
from bench.apibench.stats import sample_percentile

HEALTH_CONNECTIONS = 8
HEALTH_INTERVAL_S = 0.04  # per connection: 200 samples/s in all
PHASES = ("create", "approve", "cancel")
Sample = tuple[float, float, int, int]  # started (epoch s), latency ms, HTTP status, client port


def _client_port(resp: httpx.Response) -> int:
    stream = resp.extensions.get("network_stream")
    addr = stream.get_extra_info("client_addr") if stream is not None else None
    return int(addr[1]) if addr else 0


def _sample_health(url: str, stop: Event, ready: Event, out: Any) -> None:
    """Child process: sample ``url``/healthz until ``stop``; put the samples on ``out``. Each
    sampling task has a client of its own with one connection, so each stays on one worker;
    ``ready`` is set once every connection has answered."""
    answered: set[int] = set()

    async def one(task: int, samples: list[Sample]) -> None:
        limits = httpx.Limits(max_connections=1, keepalive_expiry=60)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
            while not stop.is_set():
                started, t0 = time.time(), time.perf_counter()
                try:
                    resp = await client.get("/healthz")
                    status, port = resp.status_code, _client_port(resp)
                except httpx.HTTPError:
                    status, port = 0, 0
                ms = (time.perf_counter() - t0) * 1000
                samples.append((started, ms, status, port))
                answered.add(task)
                if len(answered) == HEALTH_CONNECTIONS:
                    ready.set()
                await asyncio.sleep(max(0.0, HEALTH_INTERVAL_S - ms / 1000))

    async def main() -> list[Sample]:
        samples: list[Sample] = []
        await asyncio.gather(*(one(task, samples) for task in range(HEALTH_CONNECTIONS)))
        return samples

    out.put(asyncio.run(main()))


class HealthSampler:
    """``with HealthSampler(url) as h: ...``; then ``h.samples`` holds every sample."""

    def __init__(self, url: str) -> None:
        ctx = mp.get_context("spawn")
        self._stop, self._ready = ctx.Event(), ctx.Event()
        self._out = ctx.Queue()
        self._proc = ctx.Process(
            target=_sample_health, args=(url, self._stop, self._ready, self._out)
        )
        self.samples: list[Sample] = []

    def __enter__(self) -> HealthSampler:
        self._proc.start()
        if not self._ready.wait(timeout=180):  # spawn + imports: slow on a loaded machine
            self._stop.set()
            raise RuntimeError("the health sampler did not get an answer on every connection")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.samples = self._out.get(timeout=60)
        self._proc.join(timeout=30)

    def window(self, start: float, end: float) -> list[Sample]:
        return [s for s in self.samples if start <= s[0] <= end]


def health_summary(samples: list[Sample]) -> dict[str, float | int]:
    """p50/p99/max latency of ``samples`` (and how many failed)."""
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


@dataclass
class PlanCycle:
    """One create → approve → cancel: each call's seconds, wall-clock window and worker."""

    seconds: dict[str, float] = field(default_factory=dict)
    windows: dict[str, tuple[float, float]] = field(default_factory=dict)
    workers: dict[str, int] = field(default_factory=dict)  # phase -> worker pid (0: unknown)
    ports: dict[int, int] = field(default_factory=dict)  # client port -> worker pid, seen
    facts: dict[str, Any] = field(default_factory=dict)
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)  # phase -> who -> seconds


def _cpu(server: Server | None, database: str | None) -> dict[str, float]:
    """CPU seconds so far of the service's processes (workers, solver processes) and of the
    PostgreSQL backends of its database: a call's CPU is the difference, a figure the machine's
    load does not stretch the way it stretches the call's seconds."""
    out = {}
    if server is not None:
        out["service"] = tree_cpu_s(server.pid)
    if database is not None:
        out["database"] = backends_cpu_s(database)
    return out


def _call(
    client: httpx.Client,
    cycle: PlanCycle,
    phase: str,
    path: str,
    want: int,
    server: Server | None,
    database: str | None = None,
) -> dict[str, Any]:
    before = _cpu(server, database)
    started, t0 = time.time(), time.perf_counter()
    resp = client.post(path, json={})
    cycle.seconds[phase] = time.perf_counter() - t0
    cycle.windows[phase] = (started, time.time())
    after = _cpu(server, database)
    cycle.cpu[phase] = {k: after[k] - before[k] for k in before}
    if server is not None:  # the connection is still open (keep-alive): see who holds it
        cycle.ports |= workers_by_client_port(server)
        cycle.workers[phase] = cycle.ports.get(_client_port(resp), 0)
    if resp.status_code != want:
        raise RuntimeError(f"{phase}: {resp.status_code} {resp.text[:500]}")
    cycle.facts[f"{phase}_response_bytes"] = len(resp.content)
    body: dict[str, Any] = resp.json()
    return body


def plan_cycle(
    base_url: str,
    token: str,
    between: Callable[[str], None] = lambda _phase: None,
    server: Server | None = None,
    database: str | None = None,
) -> PlanCycle:
    """Create a plan of every open request, approve it, cancel it (which gives back every
    reservation, so the next cycle plans the same instance). ``between(phase)`` runs before
    each call (the statement counter snapshots there); with ``server``, each call's worker is
    recorded, and with ``database`` (its name) the CPU of its PostgreSQL backends too."""
    cycle = PlanCycle()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=600) as client:
        between("create")
        plan = _call(client, cycle, "create", "/api/v1/plans", 201, server, database)
        between("approve")
        path = f"/api/v1/plans/{plan['id']}"
        approved = _call(client, cycle, "approve", f"{path}/approve", 200, server, database)
        between("cancel")
        cancelled = _call(client, cycle, "cancel", f"{path}/cancel", 200, server, database)
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
    server: Server,
    token: str,
    cycles: int,
    idle_s: float,
    budget_s: float,
    database: str | None = None,
) -> dict[str, Any]:
    """Up to ``cycles`` plan cycles, health sampled throughout (``idle_s`` of idle baseline);
    no new cycle starts after ``budget_s`` (the first always runs), so a loaded machine or a
    slow service cannot stretch the run unboundedly. Each call's CPU seconds too (``_cpu``;
    the health requests the service answers meanwhile included: ``idle_cpu_per_s`` is that
    rate while idle)."""
    runs: list[PlanCycle] = []
    with HealthSampler(server.url) as health:
        idle = (time.time(), time.time() + idle_s)
        cpu0 = tree_cpu_s(server.pid)
        time.sleep(idle_s)
        idle_cpu = (tree_cpu_s(server.pid) - cpu0) / idle_s
        started = time.monotonic()
        while len(runs) < cycles and (not runs or time.monotonic() - started < budget_s):
            runs.append(plan_cycle(server.url, token, server=server, database=database))
    out: dict[str, Any] = {"cycles": len(runs), "facts": runs[-1].facts}
    for phase in PHASES:
        out[f"{phase}_s"] = [c.seconds[phase] for c in runs]
        out[f"{phase}_s_median"] = statistics.median(out[f"{phase}_s"])
        out[f"{phase}_cpu_s"] = [c.cpu[phase] for c in runs]
    out["idle_cpu_per_s"] = idle_cpu
    out["solver_s"] = [c.facts["solver_s"] for c in runs]
    out["health"] = _health(health, runs, idle)
    return out


def _health(
    health: HealthSampler, runs: list[PlanCycle], idle: tuple[float, float]
) -> dict[str, Any]:
    """Per phase: every sample, those the plan call's own worker answered, and the others'."""
    ports: dict[int, int] = {}
    for cycle in runs:
        ports |= cycle.ports
    sampler_ports = {s[3] for s in health.samples if s[3]}
    out: dict[str, Any] = {
        "sampler": {"connections": HEALTH_CONNECTIONS, "interval_s": HEALTH_INTERVAL_S},
        "coverage": {
            "connections_seen": len(sampler_ports),
            "workers_seen": len({ports[p] for p in sampler_ports if p in ports}),
        },
        "idle": health_summary(health.window(*idle)),
    }
    for phase in PHASES:
        inside = [(c, s) for c in runs for s in health.window(*c.windows[phase])]
        own = [s for c, s in inside if c.workers[phase] and ports.get(s[3]) == c.workers[phase]]
        other = [
            s
            for c, s in inside
            if c.workers[phase] and s[3] in ports and ports[s[3]] != c.workers[phase]
        ]
        out[phase] = health_summary([s for _, s in inside]) | {
            "plan_worker": health_summary(own),
            "other_worker": health_summary(other),
        }
    return out
