"""``ukg-aid serve``: uvicorn, and with ``--workers N`` a supervisor we can trust.

With several workers:

* **Metrics add up.** Each run gets its own ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary
  directory, removed when the supervisor stops), so prometheus-client writes every worker's
  samples there and ``/metrics`` sums them; a worker that exits is marked dead
  (``mark_process_dead``) and its counters stay in the totals, as Prometheus expects.
* **Workers die with their supervisor.** Each worker asks the kernel for SIGTERM when its parent
  dies (``prctl(PR_SET_PDEATHSIG)``), so killing only the supervisor (``kill -9``) cannot leave
  orphan workers holding the port; they shut down gracefully (open streams get
  ``GRACEFUL_SHUTDOWN_S``) and free it.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import tempfile

import uvicorn
from prometheus_client import multiprocess
from uvicorn.supervisors.multiprocess import Multiprocess

APP = "ukg_aid.asgi:app"
SUPERVISOR_ENV = "UKG_AID_SUPERVISOR_PID"
METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"
GRACEFUL_SHUTDOWN_S = 5
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Supervisor(Multiprocess):
    """uvicorn's worker supervisor, telling prometheus-client about every worker it buries."""

    def keep_subprocess_alive(self) -> None:
        before = {p.pid for p in self.processes}
        super().keep_subprocess_alive()
        for pid in before - {p.pid for p in self.processes}:
            if pid is not None:
                multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def serve(*, host: str, port: int, workers: int, log_level: str) -> None:
    config = uvicorn.Config(
        APP,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level=log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    metrics_dir = tempfile.mkdtemp(prefix="ukg-aid-metrics-")
    os.environ[METRICS_ENV] = metrics_dir
    os.environ[SUPERVISOR_ENV] = str(os.getpid())
    try:
        Supervisor(config, sockets=[config.bind_socket()]).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def die_with_parent() -> None:
    """In a worker of :func:`serve`: receive SIGTERM when the supervisor dies (Linux)."""
    supervisor = os.environ.get(SUPERVISOR_ENV)
    if not supervisor or not supervisor.isdigit() or int(supervisor) == os.getpid():
        return
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(supervisor):  # it died before we asked
        os.kill(os.getpid(), signal.SIGTERM)
