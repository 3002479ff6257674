"""Processes and databases of a run: servers on free loopback ports, their CPU, the benchmark's
own databases on the local PostgreSQL, and a sampler of the connections they hold."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
TICK = os.sysconf("SC_CLK_TCK")
START_S = 420  # a 2-worker service plus its solver processes at load 10 took over 180 s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    pid: int


@contextmanager
def serving(
    name: str, argv: Sequence[str], env: dict[str, str], port: int, *, ready: str = "/healthz"
) -> Iterator[Server]:
    """Start ``argv`` in its own process group, wait until ``ready`` answers 200, stop it
    (SIGTERM) after. The service is measured once ``/readyz`` says it has warmed up (its solver
    imports would otherwise run inside the first measurements); the bare app has ``/healthz``."""
    proc = subprocess.Popen(
        list(argv),
        env=os.environ | env,
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S  # imports take long on a loaded shared machine
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode} before serving")
            try:
                if httpx.get(f"{url}{ready}", timeout=2).status_code == 200:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} was not ready within {START_S} s")
                time.sleep(0.2)
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start within {START_S} s") from None
                time.sleep(0.2)
        yield Server(name, url, proc.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):  # a run may have stopped it already
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a live process, from /proc/<pid>/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def tree_cpu_s(root: int) -> float:
    """CPU seconds used so far by ``root`` and every live descendant (the uvicorn workers)."""
    return sum(st[1] for pid in (root, *_descendants(root)) if (st := _stat(pid)) is not None)


def backends_cpu_s(name: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends now connected to database ``name``
    (the server runs on this machine; a backend that has closed is no longer counted)."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))
        pids = [int(row[0]) for row in rows.fetchall()]
    return sum(st[1] for pid in pids if (st := _stat(pid)) is not None)


def use_server(url: str) -> None:
    """Point every helper here at ``url`` (the shared server or a cluster of our own)."""
    global PG_SERVER  # noqa: PLW0603 - one run, one server
    PG_SERVER = url


def admin_sql(*statements: str) -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def db_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


class PgAdmin:
    """One connection to the server's ``postgres`` database for the run's bookkeeping."""

    def __init__(self) -> None:
        self.conn = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)

    def close(self) -> None:
        self.conn.close()

    def sessions(self, name: str) -> int:
        """Connections ever opened to database ``name`` (``pg_stat_database.sessions``,
        PostgreSQL 14+; a backend's count is published up to about a second late)."""
        row = self.conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", (name,)
        ).fetchone()
        return int(row[0]) if row else 0

    def wait_for_slots(self, ours: Iterable[str], need: int, timeout: float) -> float:
        """Wait until the server has ``need`` connection slots beyond what other users hold
        (the shared server's ``max_connections`` is small); returns the seconds waited."""
        started = time.monotonic()
        while True:
            row = self.conn.execute(
                "SELECT current_setting('max_connections')::int"
                " - current_setting('superuser_reserved_connections')::int"
                " - count(*) FILTER (WHERE NOT datname = ANY(%s))"
                " FROM pg_stat_activity WHERE backend_type = 'client backend'",
                (list(ours),),
            ).fetchone()
            waited = time.monotonic() - started
            if row is None or int(row[0]) >= need or waited > timeout:
                return waited
            time.sleep(1.0)


class ConnectionSampler:
    """Polls ``pg_stat_activity`` every ``interval`` s and keeps the peak number of server
    connections per database within each named phase (set ``phase`` as the run goes on)."""

    def __init__(self, names: Sequence[str], interval: float = 0.1) -> None:
        self.names = list(names)
        self.interval = interval
        self.phase = "start"
        self.peaks: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(self.names, 0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            while not self._stop.is_set():
                rows = conn.execute(
                    "SELECT datname, count(*) FROM pg_stat_activity WHERE datname = ANY(%s)"
                    " GROUP BY datname",
                    (self.names,),
                ).fetchall()
                peaks = self.peaks[self.phase]
                for name, count in rows:
                    peaks[name] = max(peaks[name], int(count))
                self._stop.wait(self.interval)


def pg_host_port() -> tuple[str, int]:
    """Host and port of ``PG_SERVER`` (where the counting proxy forwards to)."""
    parsed = urlsplit(PG_SERVER)
    return parsed.hostname or "127.0.0.1", parsed.port or 5432


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            children[st[0]].append(int(entry.name))
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def workers_by_client_port(server: Server) -> dict[int, int]:
    """Which worker process holds each open connection to ``server``: client port → pid.

    Read from the kernel: the worker's socket inodes (``/proc/<pid>/fd``) matched against the
    established TCP connections on the server's port (``/proc/net/tcp``). Lets the harness tell
    which worker answered which request without any hook in the service."""
    port = int(server.url.rsplit(":", 1)[1])
    owner: dict[str, int] = {}
    for pid in (server.pid, *_descendants(server.pid)):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        owner |= {link[8:-1]: pid for link in links if link.startswith("socket:[")}
    out: dict[int, int] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        if state == "01" and int(local.split(":")[1], 16) == port and inode in owner:
            out[int(remote.split(":")[1], 16)] = owner[inode]
    return out
