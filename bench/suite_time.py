"""How long does the test suite take, and how many PostgreSQL connections does it hold at most?

``python -m bench.suite_time [--workers 0,2] [pytest args…]`` runs ``pytest -q -n W --dist
loadfile`` (what ``make test`` runs before ``make lint``) once per worker count, in the order
given (``0`` = one process, the baseline), and writes ``bench/results/suite_time.json``: wall
time, exit code, the test summary line, the load average before and after (the machine is shared:
a figure means little without it), and the peak number of connections the run held on the local
server (sampled every 0.5 s in ``pg_stat_activity``; a run's databases carry its run id,
tests/app_support.py ``database_name``, so other users of the server are not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "suite_time.json"
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SAMPLE_S = 0.5


class ConnectionPeak:
    """Samples the connections to the databases whose names contain ``tag``."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.peak = 0
        self.peak_server = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            while not self._stop.wait(SAMPLE_S):
                ours, total = conn.execute(
                    "SELECT count(*) FILTER (WHERE strpos(datname, %s) > 0), count(*)"
                    " FROM pg_stat_activity WHERE backend_type = 'client backend'",
                    (self.tag,),
                ).fetchone() or (0, 0)
                self.peak = max(self.peak, int(ours))
                self.peak_server = max(self.peak_server, int(total))

    def __enter__(self) -> ConnectionPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(workers: int, extra: list[str]) -> dict[str, Any]:
    run_id = uuid.uuid4().hex
    tag = run_id[:6]
    # One process: the run id reaches tests/app_support.py through the variable xdist sets for
    # its workers (not set otherwise: the controller kills the processes that carry it at the end).
    env = os.environ | ({"PYTEST_XDIST_TESTRUNUID": run_id} if workers == 0 else {})
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    cmd += ["-n", str(workers), "--dist", "loadfile", f"--testrunuid={run_id}", *extra]
    load_before = os.getloadavg()
    start = time.monotonic()
    with ConnectionPeak(f"_{tag}_") as peak:
        proc = subprocess.run(cmd, check=False, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    lines = proc.stdout.strip().splitlines()
    sys.stdout.write(proc.stdout[-4000:])
    return {
        "workers": workers,
        "wall_s": round(wall, 1),
        "exit_code": proc.returncode,
        "summary": lines[-1] if lines else "",
        "peak_connections": peak.peak,
        "peak_server_connections": peak.peak_server,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="the suite's wall time and connection peak")
    parser.add_argument("--workers", type=lambda s: [int(w) for w in s.split(",")], default=[0, 2])
    args, extra = parser.parse_known_args()
    results = [run(w, extra) for w in args.workers]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"args": extra, "runs": results}, indent=2) + "\n")
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
