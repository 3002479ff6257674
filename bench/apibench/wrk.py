"""Driving wrk (https://github.com/wg/wrk, Debian package ``wrk``) with a generated Lua script.

Why wrk: it is C and event-driven, so one wrk thread pushes these request rates on a fraction of
one core and leaves the rest of this 2-core machine to the servers and PostgreSQL; an asyncio
load generator in Python would itself need about a core per ~2,000 requests/s and become the
bottleneck against the bare app. The Lua script sets the bearer header, cycles through request
paths/bodies, and at the end prints wrk's whole latency histogram as one JSON line
(``stats.parse_wrk``). wrk's figures include its coordinated-omission correction (a response
slower than twice the mean interval adds synthetic samples), as its own ``--latency`` output does.

Every run also reports the CPU wrk itself used (``resource.getrusage`` of the waited child), the
check that the load generator was not the bottleneck.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.apibench.stats import WRK_MARK, WrkRun, parse_wrk

DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write("%(mark)s{")
  io.write(string.format('"requests":%%d,"duration_us":%%d,"bytes":%%d,',
    summary.requests, summary.duration, summary.bytes))
  io.write(string.format('"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,'
    .. '"timeout":%%d},', e.connect, e.read, e.write, e.status, e.timeout))
  io.write('"latency_us":[')
  for k = 1, #latency do
    local v, c = latency(k)
    if k > 1 then io.write(",") end
    io.write(string.format("[%%d,%%d]", v, c))
  end
  io.write("]}\\n")
end
"""


@dataclass(frozen=True)
class Load:
    """What one route's requests look like: method, paths cycled in order, one JSON body."""

    method: str
    paths: tuple[str, ...]
    token: str
    body: Mapping[str, object] | None = None


def lua_script(load: Load) -> str:
    """The wrk script for ``load`` (strings are embedded as JSON literals, valid in Lua)."""
    paths = ", ".join(json.dumps(p) for p in load.paths)
    body = json.dumps(json.dumps(load.body)) if load.body is not None else "nil"
    content_type = 'wrk.headers["Content-Type"] = "application/json"' if load.body else ""
    return (
        f"""
wrk.method = {json.dumps(load.method)}
wrk.headers["Authorization"] = {json.dumps("Bearer " + load.token)}
{content_type}
local paths = {{{paths}}}
local body = {body}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[(i - 1) % #paths + 1], nil, body)
end
"""
        + DONE % {"mark": WRK_MARK}
    )


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("bench/api.py needs wrk: apt-get install -y wrk")
    return found


@dataclass
class Measured:
    run: WrkRun
    wrk_cpu_s: float


def run_wrk(base_url: str, load: Load, *, connections: int, seconds: float) -> Measured:
    """One closed-loop wrk run of ``seconds`` (whole seconds) at ``connections`` (one wrk
    thread)."""
    with tempfile.TemporaryDirectory(prefix="bench-api-wrk-") as tmp:
        script = Path(tmp) / "load.lua"
        script.write_text(lua_script(load))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [
                wrk_binary(),
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",  # whole seconds: wrk refuses "5.0s"
                "--timeout",
                "30s",
                "-s",
                str(script),
                base_url + load.paths[0],
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 60,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:  # say why (wrk writes its reason to stderr, or a Lua error to stdout)
        why = f"{done.stderr.strip()} {done.stdout[-500:]}"
        raise RuntimeError(f"wrk exited {done.returncode}: {why}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(parse_wrk(done.stdout), cpu)
