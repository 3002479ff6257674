"""API fuzzing with schemathesis against the OpenAPI spec (`make fuzz`: long, not in `make test`).

Starts ``ukg-aid serve`` on 127.0.0.1 with a throwaway migrated and seeded SQLite database, issues
an admin token, and runs ``schemathesis run`` with the checks that matter for bad input: no 5xx,
responses match their schema, documented status codes. Loopback only; bounded examples.

    python -m bench.fuzz [--max-examples N] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [str(BIN / "ukg-aid"), *args], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ukg-aid-fuzz-") as tmp:
        env = os.environ | {
            "UKG_AID_DATABASE_URL": f"sqlite:///{Path(tmp) / 'fuzz.db'}",
            "UKG_AID_LOG_LEVEL": "warning",
        }
        _cli(env, "db", "upgrade")
        _cli(env, "seed")
        token = _cli(env, "token", "create", "--role", "admin", "--name", "fuzz")
        port = _free_port()
        server = subprocess.Popen(
            [str(BIN / "ukg-aid"), "serve", "--port", str(port)], env=env, start_new_session=True
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(f"{url}/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            return subprocess.call(
                [
                    str(BIN / "schemathesis"),
                    "run",
                    f"{url}/openapi.json",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--checks",
                    "not_a_server_error,response_schema_conformance,status_code_conformance",
                    "--max-examples",
                    str(args.max_examples),
                    "--seed",
                    str(args.seed),
                    "--workers",
                    "1",
                ]
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
