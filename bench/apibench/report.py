"""The "API" section of docs/benchmarks.md, generated from bench/results/api.json.

Everything between the two markers is rewritten by ``python -m bench.api`` (or
``--report-only``); the rest of the file is left alone. No figure in the section is typed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.apibench.procs import REPO

DOCS = REPO / "docs" / "benchmarks.md"
BEGIN = "<!-- bench/api.py: begin (generated from bench/results/api.json; do not edit) -->"
END = "<!-- bench/api.py: end -->"
ROUTE_NAMES = {
    "stock_list": ("stock list", "GET /stock", "read"),
    "depot_read": ("depot read", "GET /depots/{id}", "read"),
    "stock_adjust": ("stock adjustment", "POST /depots/{id}/stock/{item}/adjustments", "write"),
    "file_request": ("filing a request", "POST /aid-requests (10 lines)", "write"),
}
TARGET_RATIO = {"read": 0.6, "write": 0.5}  # issue 11: reads >= 0.6x, writes >= 0.5x bare
TARGET_P99_MS, TARGET_PLAN_S, TARGET_HEALTH_P99_MS = 100.0, 1.0, 50.0

METHOD = """\
Both apps run with 2 uvicorn workers on loopback against their own copy of one freshly seeded
database on the shared PostgreSQL (the copy is made before either starts; both are dropped at the
end). **Service**: `ukg-aid serve --workers 2`, default settings (pool 20, no overflow, per
worker, solver in a process of its own). **Bare**: `bench/bare_app.py`, FastAPI + raw asyncpg
running the same statements for
the same requests (token lookup by SHA-256, the same row lock, ledger row, audit row and NOTIFY;
the service's pydantic input models and union-area check), answering the same JSON
(`tests/bench` checks it), without ORM, without a transaction around reads, without a
checkout ping or a reset on release; at most 10 connections per worker. Instance: the Nankai
scale built like `bench/plan.py`'s ({depots} depots on the reference depot positions, {items}
items, {stock_rows} stock rows; {requests} requests × 10 lines at stricken members' municipal
offices). Load: wrk (one thread, Lua script for the bearer header and bodies, cycling through
depots / a Kyoto desk's {adjust} stock rows) for {seconds} s per run, {rounds} run(s) per app
after a {warmup} s warm-up of each, service and bare alternating (A B A B …) so machine drift hits
both; p50/p99 from wrk's merged latency histograms (with its coordinated-omission correction).
CPU ms/req = CPU of the server's processes ÷ requests. wrk itself used at most {wrk_cpu:.0%} of
a core: the load generator was not the bottleneck. Statements and round trips are counted on the
wire by a proxy (`bench/apibench/pgwire.py`: Execute + Query messages; turns of the conversation)
in front of a 1-worker instance of each app, after 3 warm requests (the local server has no
`pg_stat_statements`)."""


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def route_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| route | conns | req/s service / bare | ÷ bare | target | p50 ms service / bare"
        " | p99 ms service / bare | CPU ms/req service / bare | failed |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for key, by_conc in result["routes"].items():
        name, _path, kind = ROUTE_NAMES[key]
        for conc, row in by_conc.items():
            s, b = row["service"], row["bare"]
            target = f"≥ {TARGET_RATIO[kind]}×: {_met(row['ratio_rps'] >= TARGET_RATIO[kind])}"
            if conc == "16":
                target += f"; p99 < {TARGET_P99_MS:.0f} ms: {_met(s['p99_ms'] < TARGET_P99_MS)}"
            lines.append(
                f"| {name} | {conc} | {s['rps']:.0f} / {b['rps']:.0f} | {row['ratio_rps']:.2f}"
                f" | {target} | {_ms(s['p50_ms'])} / {_ms(b['p50_ms'])}"
                f" | {_ms(s['p99_ms'])} / {_ms(b['p99_ms'])}"
                f" | {s['server_cpu_ms_per_request']:.2f} / {b['server_cpu_ms_per_request']:.2f}"
                f" | {s['failed'] + b['failed']} |"
            )
    return lines


def statement_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| route | statements (round trips) service / bare | the service's statements, in order |",
        "|---|---:|---|",
    ]
    for key in result["routes"]:
        s, b = result["statements"][key]["service"], result["statements"][key]["bare"]
        sql = "; ".join(f"`{q}`" for q in s["heads"])
        lines.append(
            f"| {ROUTE_NAMES[key][1]} | {s['statements']:.0f} ({s['round_trips']:.0f})"
            f" / {b['statements']:.0f} ({b['round_trips']:.0f}) | {sql} |"
        )
    return lines


def head(sql: str) -> str:
    """A statement in a few words: ``SELECT … FROM depots``, ``INSERT INTO stock_ledger``."""
    text = " ".join(sql.split()).rstrip(";").strip()
    if not text:
        return "(empty: ping)"
    verb = text.split()[0].upper()
    if verb == "SELECT":
        table = re.search(r"\bFROM\s+([a-z_][\w.]*)", text, re.IGNORECASE)
        what = "count(*)" if re.match(r"SELECT count\(", text, re.IGNORECASE) else "…"
        if table is None:
            called = re.match(r"SELECT\s+([\w.]+)", text, re.IGNORECASE)
            return f"SELECT {called.group(1) if called else '…'}"
        lock = " FOR UPDATE" if re.search(r"\bFOR UPDATE\b", text, re.IGNORECASE) else ""
        return f"SELECT {what} FROM {table.group(1)}{lock}"
    if verb in ("INSERT", "DELETE"):
        table = re.match(r"\w+\s+\w+\s+([\w.]+)", text)
        return f"{verb} {'INTO' if verb == 'INSERT' else 'FROM'} {table.group(1) if table else '…'}"
    if verb == "UPDATE":
        return " ".join(text.split()[:2])
    return text if len(text) <= 40 else text[:39] + "…"


def plan_table(result: dict[str, Any]) -> list[str]:
    plans, counted = result["plans"], result["statements"]["plan"]
    health = plans["health"]
    lines = [
        "| call | seconds (each cycle) | target < 1 s | statements | round trips"
        " | /healthz meanwhile, p50 / p99 / max ms: all samples | on the call's worker"
        " | on the other worker |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for phase, label in (("create", "POST /plans"), ("approve", "approve"), ("cancel", "cancel")):
        seconds = ", ".join(f"{x:.2f}" for x in plans[f"{phase}_s"])
        h = health[phase]
        lines.append(
            f"| {label} | {seconds} | {_met(plans[f'{phase}_s_median'] < TARGET_PLAN_S)}"
            f" | {counted[phase]['statements']:,} | {counted[phase]['round_trips']:,}"
            f" | {_health(h)} | {_health(h['plan_worker'])} | {_health(h['other_worker'])} |"
        )
    lines.append(f"| (idle, before the first plan) | | | | | {_health(health['idle'])} | | |")
    return lines


def _stat(h: dict[str, Any], key: str) -> str:
    return _ms(h[key]) if h.get("samples") else "—"


def _health(h: dict[str, Any]) -> str:
    if not h.get("samples"):
        return "no samples"
    failed = f", {h['failed']} failed" if h["failed"] else ""
    return f"{_ms(h['p50_ms'])} / {_ms(h['p99_ms'])} / {_ms(h['max_ms'])} ({h['samples']}{failed})"


def plan_facts(result: dict[str, Any]) -> str:
    plans, counted = result["plans"], result["statements"]["plan"]
    facts = plans["facts"]
    top = {
        phase: ", ".join(f"`{sql}` × {n:,}" for sql, n in counted[phase]["top_sql"][:3])
        for phase in ("approve", "cancel")
    }
    solver = ", ".join(f"{x:.2f}" for x in plans["solver_s"])
    return (
        f"The plan: {facts['allocations']:,} allocations, {facts['allocated_units']:,} units,"
        f" {facts['unmet_lines']:,} unmet lines, solver {facts['solver_status']} in {solver} s"
        f" of the POST; the answer is {facts['create_response_bytes'] / 1e6:.1f} MB."
        f" Approve's most frequent statements: {top['approve']}; cancel's: {top['cancel']}."
        + _sampler(plans["health"])
    )


def _sampler(health: dict[str, Any]) -> str:
    sampler, seen = health["sampler"], health["coverage"]
    return (
        f" Health: {sampler['connections']} keep-alive connections, each asking every"
        f" {sampler['interval_s'] * 1000:.0f} ms, from a separate process; a sample counts in the"
        " phase its request started in; which worker held each connection (the sampler's and"
        " the plan call's) is read from the kernel's socket tables, no hook in the service. The"
        f" sampler's {seen['connections_seen']} connections were held by {seen['workers_seen']}"
        " of the 2 workers."
    )


def connection_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| phase | peak server connections: service / bare | connections opened meanwhile:"
        " service / bare |",
        "|---|---:|---:|",
    ]
    labels = {"plans": "plan cycles", "load_16": "load at 16", "load_64": "load at 64"}
    for phase, peaks in result["connections"].items():
        conc = phase.removeprefix("load_")
        opened = (
            {
                app: sum(by[conc][app]["connections_opened"] for by in result["routes"].values())
                for app in ("service", "bare")
            }
            if phase != "plans"
            else None
        )
        opened_text = f"{opened['service']} / {opened['bare']}" if opened else "—"
        lines.append(f"| {labels[phase]} | {peaks['service']} / {peaks['bare']} | {opened_text} |")
    return lines


def _method(result: dict[str, Any]) -> str:
    inst, settings = result["instance"], result["settings"]
    wrk_cpu = max(
        row[app]["wrk_cpu_share"]
        for by in result["routes"].values()
        for row in by.values()
        for app in ("service", "bare")
    )
    return METHOD.format(
        depots=inst["depots"],
        items=inst["items"],
        stock_rows=f"{inst['stock_rows']:,}",
        requests=inst["requests"],
        adjust=inst["adjust_rows"],
        seconds=settings["seconds"],
        rounds=settings["rounds"],
        warmup=settings["warmup_s"],
        wrk_cpu=wrk_cpu,
    )


def _run_line(result: dict[str, Any]) -> str:
    load = result["load_average"]
    return (
        f"This run: {result['started']}{' (--quick)' if result['quick'] else ''},"
        f" {result['wall_s'] / 60:.1f} min; PostgreSQL: {result['database_server']}; load"
        f" average {load['start'][0]:.1f} at the start and {load['end'][0]:.1f} at the end on a"
        f" shared {result['cpus']}-core machine where other engineers were running test suites:"
        " absolute figures are noisy, **the ratios are what matter** (both apps ran interleaved"
        " under the same noise)."
    )


def _span(values: list[float], fmt: str = "{:.2f}") -> str:
    low, high = min(values), max(values)
    return (
        fmt.format(low)
        if fmt.format(low) == fmt.format(high)
        else (f"{fmt.format(low)}–{fmt.format(high)}")
    )


def reading(result: dict[str, Any]) -> list[str]:
    """What the tables say, in numbers taken from them."""
    routes, counted = result["routes"], result["statements"]
    kinds: dict[str, list[float]] = {"read": [], "write": []}
    cpu = []
    for key, by_conc in routes.items():
        for row in by_conc.values():
            kinds[ROUTE_NAMES[key][2]].append(row["ratio_rps"])
            cpu.append(
                row["service"]["server_cpu_ms_per_request"]
                / row["bare"]["server_cpu_ms_per_request"]
            )
    extra = [counted[k]["service"]["statements"] - counted[k]["bare"]["statements"] for k in routes]
    pinged = all(
        counted[k]["service"]["heads"][:3] == ["BEGIN", "(empty: ping)", "ROLLBACK"] for k in routes
    )
    plan, facts, health = counted["plan"], result["plans"]["facts"], result["plans"]["health"]
    per_allocation = {
        phase: plan[phase]["statements"] / max(1, facts["allocations"])
        for phase in ("approve", "cancel")
    }
    worst = max(("create", "approve", "cancel"), key=lambda ph: health[ph].get("p99_ms", 0))
    peak = result["connections"]["load_64"]["service"]
    return [
        f"- The service serves {_span(kinds['read'])}× the bare app's requests/s on reads and"
        f" {_span(kinds['write'])}× on writes (targets: 0.6× and 0.5×), and burns"
        f" {_span(cpu, '{:.1f}')}× its CPU per request (server processes only), so most of"
        " the gap is CPU spent in the service's own processes.",
        _statement_gap(extra, pinged),
        f"- Approve runs {plan['approve']['statements']} statements and cancel"
        f" {plan['cancel']['statements']} for {facts['allocations']:,} allocations"
        f" ({per_allocation['approve']:.3f} and {per_allocation['cancel']:.3f} per allocation"
        + (
            "; set-based, so the count does not grow with the plan:"
            " `tests/plans/test_plan_statements.py`);"
            if max(per_allocation.values()) < 0.1
            else "; a count that grows with the plan is not set-based yet);"
        )
        + f" POST /plans runs {plan['create']['statements']}.",
        f"- /healthz p99 was worst during {worst}: {_stat(health[worst], 'p99_ms')} ms over all"
        f" samples, {_stat(health[worst]['plan_worker'], 'p99_ms')} ms (max"
        f" {_stat(health[worst]['plan_worker'], 'max_ms')} ms) on the worker serving the call,"
        f" {_stat(health[worst]['other_worker'], 'p99_ms')} ms on the other, against"
        f" {_stat(health['idle'], 'p99_ms')} ms idle (target during a national solve:"
        f" < {TARGET_HEALTH_P99_MS:.0f} ms).",
        f"- At 64 connections the 2-worker service held {peak} server connections at peak.",
    ]


def _statement_gap(extra: list[int], pinged: bool) -> str:
    """How many statements a service request runs beyond (or short of) the bare app's."""
    if pinged:
        return (
            f"- Each service request runs {_span([float(e) for e in extra], '{:.0f}')} statements"
            " more than the bare app's: every one opens with `BEGIN; ; ROLLBACK` (the pool's"
            " pre-ping, 3 round trips) before its own `BEGIN … COMMIT`, reads included."
        )
    more, fewer = [e for e in extra if e > 0], [-e for e in extra if e < 0]
    words = []
    if more:
        words.append(f"{_span([float(e) for e in more], '{:.0f}')} more on {len(more)} route(s)")
    if fewer:
        words.append(f"{_span([float(e) for e in fewer], '{:.0f}')} fewer on {len(fewer)} route(s)")
    if len(more) + len(fewer) < len(extra):
        words.append(f"as many on {len(extra) - len(more) - len(fewer)}")
    return "- Statements per request against the bare app's: " + ", ".join(words) + "."


def section(result: dict[str, Any]) -> str:
    parts = [
        BEGIN,
        "## API",
        "",
        "`bench/api.py` → `bench/results/api.json` (`python -m bench.api [--quick]"
        " [--own-cluster]`, the last step of `make bench`; needs `wrk`).",
        _run_line(result),
        "",
        _method(result),
        "",
        "### Routes: service against the bare ceiling",
        "",
        *route_table(result),
        "",
        *_warnings(result),
        "### SQL per request (counted on the wire)",
        "",
        *statement_table(result),
        "",
        "### The Nankai-scale plan through the API (service only)",
        "",
        *plan_table(result),
        "",
        plan_facts(result),
        "",
        "### Connections (pg_stat_activity, sampled every 0.1 s)",
        "",
        *connection_table(result),
        "",
        "The service's pool allows 2 workers × (20 + 0 overflow) = 40, plus one LISTEN connection"
        " per worker while event streams are open (docs/scaling.md), and keeps what it opened;"
        " the bare pool closes its idle connections after 2 s, so it reopens them between its"
        " runs.",
        "",
        "### Reading it",
        "",
        *reading(result),
        END,
    ]
    return "\n".join(parts) + "\n"


def _warnings(result: dict[str, Any]) -> list[str]:
    out = []
    for key, by_conc in result["routes"].items():
        for conc, row in by_conc.items():
            failed = row["service"]["failed"] + row["bare"]["failed"]
            if failed:
                out.append(f"- {ROUTE_NAMES[key][0]} at {conc}: {failed} failed requests.")
            if row["ratio_rps"] > 1 / 1.2:
                out.append(
                    f"- {ROUTE_NAMES[key][0]} at {conc}: the bare app was not well above the"
                    " service; the load generator or the database may have been the limit."
                )
    return [*out, ""] if out else []


def write_docs(result: dict[str, Any], path: Path = DOCS) -> None:
    """Replace the section between the markers (or append it) in ``path``."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    new = section(result)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + new + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + new
    path.write_text(text, encoding="utf-8")
