"""A PostgreSQL cluster of our own, for tests that stop or freeze the database server (and for
the whole suite when no server is on 127.0.0.1:5432, tests/conftest.py).

Never the shared server on 5432: ``initdb`` into a temporary directory and ``pg_ctl`` it on a free
port, as the ``postgres`` user (PostgreSQL refuses to run as root; ``runuser -u postgres --``
when the tests run as root). ``freeze()`` stops (SIGSTOP) exactly this cluster's processes — the
postmaster named in its ``postmaster.pid`` and that postmaster's children — and ``thaw()``
continues them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.app_support import _free_port


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


class Cluster:
    """One throwaway cluster: data directory, socket directory and log in ``root``."""

    def __init__(self, root: Path, *, max_connections: int = 60) -> None:
        bin_dir = _bin_dir()
        assert bin_dir is not None, "no PostgreSQL binaries"
        self.bin = bin_dir
        self.root = root
        self.data = root / "data"
        self.log = root / "pg.log"
        self.port = _free_port()
        self.max_connections = max_connections
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            f"-c fsync=off -c max_connections={self.max_connections} -c shared_buffers=16MB"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def pids(self) -> list[int]:
        """The postmaster and its children (backends, checkpointer, walwriter...)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return []
        master = int(pid_file.read_text().split()[0])
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(Path(stat).parent.name))
        return [master, *children]

    def freeze(self) -> None:
        for pid in self.pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.pids():
            os.kill(pid, signal.SIGCONT)


@contextmanager
def throwaway_cluster(*, max_connections: int = 60) -> Iterator[Cluster]:
    """A started cluster, stopped and deleted afterwards (thawed first if a test froze it)."""
    root = Path(tempfile.mkdtemp(prefix="ukg-aid-pg-"))
    cluster = Cluster(root, max_connections=max_connections)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.thaw()
            if (cluster.data / "postmaster.pid").exists():
                cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
