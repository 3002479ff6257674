"""A throwaway PostgreSQL cluster for ``bench/api.py --own-cluster``.

The shared server has ``max_connections = 100`` for every engineer's test suite, and the 2-worker
service opens up to 40 at 64 connections; when the shared server is busy, a cluster of the run's
own (``initdb`` in a temporary folder, a free loopback port, the distribution's defaults but
``max_connections = 200``) keeps the benchmark from taking slots others need. It is started as
user ``postgres`` (PostgreSQL refuses to run as root) and deleted afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.apibench.procs import free_port


def _bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise SystemExit(f"--own-cluster needs the PostgreSQL server binaries ({name})")
    return found


def _as_postgres(*argv: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


@contextmanager
def own_cluster() -> Iterator[str]:
    """Yields the new server's ``postgresql://postgres@127.0.0.1:<port>`` URL."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-pg-"))
    data, port = tmp / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    subprocess.run(
        _as_postgres(_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-N"),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=200"
    ctl = _bin("pg_ctl")
    subprocess.run(
        _as_postgres(ctl, "-D", str(data), "-l", str(tmp / "log"), "-o", options, "-w", "start"),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres(ctl, "-D", str(data), "-m", "fast", "-w", "stop"),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)
