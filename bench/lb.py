"""Two API processes behind Debian's nginx on loopback (docs/scaling.md).

``python bench/lb.py`` → ``bench/results/lb.json``. The API keeps no state in its processes (every
request reads and writes PostgreSQL; the event stream wakes through LISTEN/NOTIFY), so any number
of processes can stand behind a load balancer. This run checks it on one machine: two
``ukg-aid serve`` processes (1 worker each) on the Nankai-scale database of ``bench/api.py``,
nginx round-robin in front (keep-alive upstream, ``proxy_next_upstream`` on connection errors);
wrk drives the stock list and stock adjustments through nginx and, interleaved, at one process
directly; nginx's access log says which process answered each request; then one process is
stopped in the middle of a run (SIGTERM: graceful) and the requests that failed are counted.
Needs ``nginx`` (``apt-get install nginx``) and ``wrk``. Not part of ``make test``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.api import loads, service
from bench.apibench import nankai
from bench.apibench.procs import admin_sql, db_url, free_port
from bench.apibench.stats import Merged
from bench.apibench.wrk import Load, run_wrk

RESULTS = Path(__file__).resolve().parent / "results" / "lb.json"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SECONDS, ROUNDS, CONNECTIONS = 5.0, 2, 16


def nginx_conf(port: int, upstreams: list[str], log: Path) -> str:
    servers = "\n".join(f"    server {u.removeprefix('http://')} max_fails=0;" for u in upstreams)
    return f"""worker_processes 1;
error_log {log.parent / "error.log"} warn;
pid {log.parent / "nginx.pid"};
events {{ worker_connections 1024; }}
http {{
  log_format up '$upstream_addr $status';
  access_log {log} up;
  upstream api {{
{servers}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout;
    }}
  }}
}}
"""


@contextmanager
def nginx(upstreams: list[str]) -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory(prefix="bench-lb-") as tmp:
        port, log = free_port(), Path(tmp) / "access.log"
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(nginx_conf(port, upstreams, log))
        proc = subprocess.Popen([NGINX, "-p", tmp, "-c", str(conf), "-g", "daemon off;"])
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("nginx did not start") from None
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}", log
        finally:
            proc.send_signal(signal.SIGQUIT)  # graceful stop
            proc.wait(timeout=20)


def _split(log: Path, since: int) -> dict[str, Any]:
    lines = log.read_text().splitlines()[since:]
    by = Counter(line.split()[0] for line in lines)
    status = Counter(line.split()[-1] for line in lines)
    return {"by_upstream": dict(by), "status": dict(status), "lines": len(lines)}


def _summary(runs: list[Any]) -> dict[str, Any]:
    summary: dict[str, Any] = Merged([run.run for run in runs]).summary()
    return summary


def throughput(lb: str, direct: str, log: Path, load: Load) -> dict[str, Any]:
    """Interleaved rounds: through nginx (both processes), then one process directly."""
    through, alone, mark = [], [], len(log.read_text().splitlines())
    for _ in range(ROUNDS):
        through.append(run_wrk(lb, load, connections=CONNECTIONS, seconds=SECONDS))
        alone.append(run_wrk(direct, load, connections=CONNECTIONS, seconds=SECONDS))
    a, b = _summary(through), _summary(alone)
    return {"nginx_2": a, "direct_1": b, "ratio": a["rps"] / b["rps"], "log": _split(log, mark)}


def failover(lb: str, log: Path, load: Load, stop: Any) -> dict[str, Any]:
    """Stop one process 1.5 s into a 5 s run through nginx: what failed?"""
    mark = len(log.read_text().splitlines())
    timer = threading.Timer(1.5, stop)
    timer.start()
    run = run_wrk(lb, load, connections=CONNECTIONS, seconds=SECONDS)
    timer.join()
    return {"wrk": _summary([run]), "log": _split(log, mark)}


def main() -> None:
    started, load_before = time.time(), os.getloadavg()
    name = f"ukg_aid_bench_lb_{uuid.uuid4().hex[:8]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        seeded = asyncio.run(nankai.seed_database(db_url(name), nankai.build()))
        routes = loads(seeded)
        url = db_url(name)
        with service(url, 1) as one, service(url, 1) as two, nginx([one.url, two.url]) as (lb, log):
            result: dict[str, Any] = {
                route: throughput(lb, one.url, log, routes[route])
                for route in ("stock_list", "stock_adjust")
            }
            result["failover"] = failover(
                lb, log, routes["stock_list"], lambda: os.killpg(two.pid, signal.SIGTERM)
            )
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    result |= {
        "started": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)),
        "load_average": {"start": load_before, "end": os.getloadavg()},
        "settings": {"seconds": SECONDS, "rounds": ROUNDS, "connections": CONNECTIONS},
        "wall_s": time.time() - started,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    if not Path(NGINX).exists():
        raise SystemExit("bench/lb.py needs nginx: apt-get install -y nginx")
    main()
