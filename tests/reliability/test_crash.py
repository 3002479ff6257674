"""kill -9 a worker of ``ukg-aid serve --workers 2`` in the middle of approvals and stock
adjustments (SPEC §8: a 2xx means committed; a crash leaves nothing half-applied).

Afterwards, read straight from the database: every request that got a 2xx is there exactly
once, and the books balance — each stock row's ``on_hand``/``reserved`` equal the sums of its
ledger, ``reserved`` equals what approved plans still promise from it, each request line's
``allocated`` equals what approved plans give it, and each approved plan has its audit event.
"""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from dataclasses import dataclass, field

import httpx
from sqlalchemy import text

from tests.app_support import serve_process, wait_for_workers, workers
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role

ITEM = "crash_kit"


async def _token(db: Database, role: Role, member: str | None = None) -> dict[str, str]:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s, name=f"crash-{role.value}-{uuid.uuid4().hex[:6]}", role=role, member_code=member,
            expires_in_days=1,
        )  # fmt: skip
    return {"Authorization": f"Bearer {issued.secret}"}


@dataclass
class Ledger:
    """What the clients were told."""

    adjusted: list[str] = field(default_factory=list)  # reasons of 2xx adjustments
    planned: list[int] = field(default_factory=list)  # plans answered 201
    approved: list[int] = field(default_factory=list)  # plans answered 200 to approve
    failed: int = 0  # connection dropped by the kill, or 5xx: outcome unknown, must be whole


async def _approvals(
    client: httpx.AsyncClient, coord: dict[str, str], request_ids: list[int], told: Ledger
) -> None:
    for rid in request_ids:
        try:
            made = await client.post("/api/v1/plans", json={"request_ids": [rid]}, headers=coord)
            if made.status_code != 201:
                told.failed += 1
                continue
            told.planned.append(made.json()["id"])
            done = await client.post(f"/api/v1/plans/{made.json()['id']}/approve", headers=coord)
            if done.status_code == 200:
                told.approved.append(made.json()["id"])
            else:
                told.failed += 1
        except httpx.TransportError:
            told.failed += 1


async def _adjustments(
    client: httpx.AsyncClient, admin: dict[str, str], depot: int, tag: str, told: Ledger
) -> None:
    for i in range(25):
        reason = f"crash-{tag}-{i}"
        body = {"delta": 1 if i % 3 else -1, "reason": reason}
        try:
            resp = await client.post(
                f"/api/v1/depots/{depot}/stock/{ITEM}/adjustments",
                json=body,
                headers=admin | {"Idempotency-Key": reason},
            )
        except httpx.TransportError:
            told.failed += 1
            continue
        if resp.status_code == 200:
            told.adjusted.append(reason)
        else:
            told.failed += 1


async def _arrange(
    client: httpx.AsyncClient, admin: dict[str, str], desk: dict[str, str]
) -> tuple[list[int], list[int]]:
    """An item stocked 1,000 at two depots, and 48 requests for 5 of it."""
    item = {"code": ITEM, "name_en": ITEM, "name_ja": ITEM, "unit": "piece", "unit_weight_kg": 1}
    assert (await client.post("/api/v1/items", json=item, headers=admin)).status_code == 201
    depots = []
    for member in ("29", "25"):
        listed = await client.get("/api/v1/depots", params={"member": member}, headers=admin)
        depot = listed.json()["items"][0]["id"]
        put = await client.put(
            f"/api/v1/depots/{depot}/stock/{ITEM}", json={"on_hand": 1000}, headers=admin
        )
        assert put.status_code == 201, put.text
        depots.append(depot)
    request = {
        "member_code": "27100",
        "priority": "high",
        "delivery": {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022},
        "lines": [{"item_code": ITEM, "quantity": 5}],
    }
    ids = []
    for _ in range(48):
        filed = await client.post("/api/v1/aid-requests", json=request, headers=desk)
        assert filed.status_code == 201, filed.text
        ids.append(filed.json()["id"])
    return depots, ids


async def _kill_one_worker(supervisor: int, after_s: float) -> int:
    await asyncio.sleep(after_s)
    victim = workers(supervisor)[0]
    os.kill(victim, signal.SIGKILL)
    return victim


async def _check_books(db: Database, told: Ledger) -> None:
    async with db.transaction() as s:
        rows = await s.execute(text("SELECT reason, count(*) FROM stock_ledger GROUP BY reason"))
        ledger: dict[str, int] = {reason: n for reason, n in rows}  # noqa: C416
        assert all(ledger.get(reason) == 1 for reason in told.adjusted), "a 2xx adjustment is lost"
        assert all(n == 1 for reason, n in ledger.items() if reason.startswith("crash-"))
        statuses: dict[int, str] = dict(
            (await s.execute(text("SELECT id, status FROM dispatch_plans"))).all()
        )
        assert all(pid in statuses for pid in told.planned), "a 201 plan is lost"
        assert all(statuses[pid] == "approved" for pid in told.approved), "a 200 approval lost"
        for check in BOOKS:
            broken = (await s.execute(text(check), {"item": ITEM})).all()
            assert broken == [], (check, broken)


BOOKS = [
    # stock equals the sum of its ledger
    """SELECT st.id FROM stock st JOIN stock_ledger l ON l.stock_id = st.id
       WHERE st.item_code = :item GROUP BY st.id, st.on_hand, st.reserved
       HAVING st.on_hand <> sum(l.delta_on_hand) OR st.reserved <> sum(l.delta_reserved)""",
    # reserved equals what approved plans still promise from that stock row
    """SELECT st.id FROM stock st
       LEFT JOIN (SELECT a.depot_id, a.item_code, sum(a.quantity) AS q FROM plan_allocations a
                  JOIN dispatch_plans p ON p.id = a.plan_id
                  WHERE p.status = 'approved' AND a.status = 'planned'
                  GROUP BY a.depot_id, a.item_code) promised
         ON promised.depot_id = st.depot_id AND promised.item_code = st.item_code
       WHERE st.item_code = :item AND st.reserved <> coalesce(promised.q, 0)""",
    # each line's allocated equals what approved plans give it
    """SELECT ln.id FROM aid_request_lines ln
       LEFT JOIN (SELECT a.line_id, sum(a.quantity) AS q FROM plan_allocations a
                  JOIN dispatch_plans p ON p.id = a.plan_id
                  WHERE p.status IN ('approved', 'completed') GROUP BY a.line_id) given
         ON given.line_id = ln.id
       WHERE ln.item_code = :item AND ln.allocated <> coalesce(given.q, 0)""",
    # an approved plan has exactly one approval in the audit log, a proposed one none
    """SELECT p.id FROM dispatch_plans p
       LEFT JOIN audit_events e ON e.action = 'plan.approve' AND e.entity_id = p.id::text
       GROUP BY p.id, p.status
       HAVING count(e.id) <> CASE WHEN p.status = 'approved' THEN 1 ELSE 0 END""",
]


async def test_kill_9_of_a_worker_mid_stream_loses_nothing_acknowledged(
    live_db: Database,
) -> None:
    admin, coord = await _token(live_db, Role.admin), await _token(live_db, Role.coordinator)
    desk = await _token(live_db, Role.desk, "27100")
    told = Ledger()
    with serve_process(live_db.url, workers=2) as (url, proc):
        wait_for_workers(proc.pid, 2)
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            depots, ids = await _arrange(client, admin, desk)
            victim, *_ = await asyncio.gather(
                _kill_one_worker(proc.pid, after_s=1.5),
                *(_approvals(client, coord, ids[i::4], told) for i in range(4)),
                *(_adjustments(client, admin, depots[i % 2], f"t{i}", told) for i in range(4)),
            )
        # a fresh connection: the pooled ones may be sockets the killed worker held
        async with httpx.AsyncClient(base_url=url, timeout=60) as fresh:
            after = await fresh.get("/api/v1/stock", params={"item": ITEM}, headers=admin)
            assert after.status_code == 200  # the service went on
    print(
        f"crash: killed worker {victim}; acknowledged {len(told.adjusted)} adjustments, "
        f"{len(told.planned)} plans, {len(told.approved)} approvals; {told.failed} cut off"
    )
    assert told.approved and told.adjusted
    await _check_books(live_db, told)
