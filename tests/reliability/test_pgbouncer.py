"""Behind PgBouncer in transaction mode (``UKG_AID_DB_PGBOUNCER=true``, docs/scaling.md): many
client connections share two server backends, so consecutive statements of one client land on
different backends. Reads and writes keep working because nothing relies on a server-side
prepared statement surviving between transactions. Runs Debian's pgbouncer on loopback against
the test server (`make test` installs Debian's pgbouncer when it is missing)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.app_support import make_settings
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.db.session import Limits, PoolOptions
from ukg_aid.principal import Role

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def bouncer(module_live_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pgbouncer (transaction pooling, 2 server connections) in front of the live database."""
    parts = urlsplit(module_live_db.url)
    work = tmp_path_factory.mktemp("pgbouncer")
    work.chmod(0o777)
    port = _free_port()
    (work / "users.txt").write_text('"postgres" ""\n')
    (work / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={parts.hostname} port={parts.port or 5432}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nauth_type = trust\n"
        f"auth_file = {work / 'users.txt'}\npool_mode = transaction\ndefault_pool_size = 2\n"
        "max_client_conn = 200\nunix_socket_dir =\n"
    )
    as_user = ["-u", "postgres"] if os.geteuid() == 0 else []  # it refuses to run as root
    proc = subprocess.Popen([PGBOUNCER, *as_user, str(work / "pgbouncer.ini")])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "pgbouncer did not start"
                time.sleep(0.1)
        yield f"postgresql://postgres@127.0.0.1:{port}{parts.path}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
async def app_client(bouncer: str, module_live_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(bouncer)
    settings = Settings(**settings.model_dump() | {"db_pgbouncer": True, "db_pool_size": 8})
    db = Database(
        bouncer, limits=Limits.from_settings(settings), pool=PoolOptions.from_settings(settings)
    )
    async with module_live_db.transaction() as session:
        issued = await auth_service.create_token(
            session, name=f"pgb-{uuid.uuid4().hex[:6]}", role=Role.admin, member_code=None,
            expires_in_days=1,
        )  # fmt: skip
    transport = httpx.ASGITransport(app=create_app(settings, database=db))
    headers = {"Authorization": f"Bearer {issued.secret}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
        yield c
    await db.dispose()


async def test_reads_and_writes_through_transaction_pooling(app_client: httpx.AsyncClient) -> None:
    stock = (await app_client.get("/api/v1/stock", params={"member": "26"})).json()["items"]
    row = stock[0]
    path = f"/api/v1/depots/{row['depot_id']}/stock/{row['item_code']}/adjustments"

    async def work(i: int) -> int:
        if i % 3 == 0:
            resp = await app_client.post(path, json={"delta": 1, "reason": f"pgbouncer {i}"})
        elif i % 3 == 1:
            resp = await app_client.get("/api/v1/stock", params={"member": "26"})
        else:
            resp = await app_client.get(f"/api/v1/depots/{row['depot_id']}")
        return resp.status_code

    for _ in range(3):  # rounds: prepared statements would meet other backends
        codes = await asyncio.gather(*(work(i) for i in range(24)))
        assert set(codes) <= {200, 201}, codes
    after = (await app_client.get("/api/v1/stock", params={"depot_id": row["depot_id"]})).json()
    on_hand = {r["item_code"]: r["on_hand"] for r in after["items"]}
    assert on_hand[row["item_code"]] == row["on_hand"] + 24  # 8 adjustments × 3 rounds


async def test_filing_requests_through_transaction_pooling(app_client: httpx.AsyncClient) -> None:
    """Filing's statements on the driver (the items ``= ANY`` array, the lines from ``unnest``)
    work on unnamed statements, many clients on two backends."""
    body = {
        "member_code": "27",
        "delivery": {"name": "Osaka Castle Park", "lat": 34.6873, "lon": 135.5262},
        "lines": [{"item_code": "water", "quantity": 5}, {"item_code": "meals", "quantity": 2}],
    }
    for _ in range(2):
        answers = await asyncio.gather(
            *(app_client.post("/api/v1/aid-requests", json=body) for _ in range(12))
        )
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        for a in answers[:3]:
            fetched = await app_client.get(f"/api/v1/aid-requests/{a.json()['id']}")
            assert fetched.json() == a.json()
