"""The Nankai-scale instance of ``bench/api.py``, seeded into the service's database.

Built the way ``bench/plan.py`` builds its Nankai scale (fixed seed): 300 depots on the 52
reference depot positions (``shared/reference/depots.csv``, jittered ±0.1°, member kept, cycled),
5 % damaged, each stocking about half of 30 synthetic items with a 10 % reserve floor, and free
stock outside the stricken members about 70 % of demand, so the plan is short. Unlike plan.py's
3-line requests, the API instance has **200 requests × 10 distinct items** (the service allows
one line per item), filed at municipal offices of the Nankai-stricken members
(``municipalities.csv``, jittered ±0.02°), 50–500 units a line, priority critical/high/normal
2:3:5 per request. Assumptions of this synthetic data: no stock is reserved before the run (the
service only reserves through approved plans); items are ``bench-00``…``bench-29``, 1 kg a unit.

Everything is written with the service's own code: ``migrate.upgrade``, ``seed`` (members,
catalog, counterpart pairs), its ORM models for the synthetic items, depots, stock rows and one
"bench seed" ledger row per stock row (as ``seed.py`` writes), ``auth.service.create_token`` for
the tokens and ``aid_requests.service.file_request`` (validated, audited) for the requests.
"""

from __future__ import annotations

import asyncio
import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bench.apibench.procs import REPO
from ukg_aid import clock, migrate
from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.schemas import AidRequestCreate
from ukg_aid.auth import service as auth_service
from ukg_aid.catalog.models import Item
from ukg_aid.db import Database
from ukg_aid.principal import Principal, Role
from ukg_aid.seed import seed
from ukg_aid.stockpiles.enums import DepotStatus
from ukg_aid.stockpiles.models import Depot, Stock, StockLedger

SEED_DIR = REPO / "data" / "stockpiles"
CITIES = {"26100", "27100", "27140", "28100"}
STRICKEN = ("27", "27100", "27140", "28", "28100", "30", "36")  # bench/plan.py's NANKAI
N_DEPOTS, N_ITEMS, N_REQUESTS, LINES_PER_REQUEST = 300, 30, 200, 10
ADJUST_MEMBER = "26"  # Kyoto: the helper member with most reference depots (desk writes there)
FILE_MEMBER = "27"  # Osaka: the desk that files requests under load


def reference_dir() -> Path:
    """``shared/reference`` beside the repository or any folder above it (worktrees nest)."""
    for base in REPO.parents:
        if (base / "shared" / "reference").is_dir():
            return base / "shared" / "reference"
    raise SystemExit(f"no shared/reference above {REPO}")


def _member(row: dict[str, str]) -> str:
    if row["jis_code"] in CITIES:
        return row["jis_code"]
    return row["parent_city_code"] if row["parent_city_code"] in CITIES else row["pref_code"]


@dataclass(frozen=True)
class DepotSpec:
    member: str
    kind: str
    near: str
    lat: float
    lon: float
    operational: bool


@dataclass(frozen=True)
class RequestSpec:
    member: str
    lat: float
    lon: float
    priority: str
    lines: tuple[tuple[str, int], ...]


@dataclass
class Instance:
    items: list[str]
    depots: list[DepotSpec]
    stock: list[tuple[int, str, int]]  # (depot index, item, on_hand)
    requests: list[RequestSpec]


def build(seed_value: int = 20260101) -> Instance:
    """The synthetic instance (deterministic for a seed)."""
    rng = random.Random(seed_value)
    ref = reference_dir()
    with (ref / "depots.csv").open(encoding="utf-8") as f:
        places = list(csv.DictReader(f))
    with (ref / "municipalities.csv").open(encoding="utf-8") as f:
        towns = [
            (_member(r), float(r["office_lat"]), float(r["office_lon"]))
            for r in csv.DictReader(f)
            if _member(r) in STRICKEN
        ]
    items = [f"bench-{k:02d}" for k in range(N_ITEMS)]
    requests = []
    for _ in range(N_REQUESTS):
        member, lat, lon = rng.choice(towns)
        requests.append(
            RequestSpec(
                member=member,
                lat=lat + rng.uniform(-0.02, 0.02),
                lon=lon + rng.uniform(-0.02, 0.02),
                priority=rng.choices(["critical", "high", "normal"], weights=[2, 3, 5])[0],
                lines=tuple(
                    (item, rng.randint(50, 500)) for item in rng.sample(items, LINES_PER_REQUEST)
                ),
            )
        )
    demand: dict[str, int] = defaultdict(int)
    for req in requests:
        for item, qty in req.lines:
            demand[item] += qty
    depots, stock = _depots_and_stock(rng, places, items, demand)
    return Instance(items, depots, stock, requests)


def _depots_and_stock(
    rng: random.Random, places: list[dict[str, str]], items: list[str], demand: dict[str, int]
) -> tuple[list[DepotSpec], list[tuple[int, str, int]]]:
    """bench/plan.py's supply rule: each depot stocks each item with probability 1/2, uniformly
    up to twice a mean that puts free stock outside the stricken area at about 70 % of demand."""
    helpers = sum(
        1 for k in range(N_DEPOTS) if places[k % len(places)]["member_code"] not in STRICKEN
    )
    depots, stock = [], []
    for k in range(N_DEPOTS):
        place = places[k % len(places)]
        operational = rng.random() > 0.05
        depots.append(
            DepotSpec(
                member=place["member_code"],
                kind=place["kind"],
                near=place["name_en"],
                lat=float(place["lat"]) + rng.uniform(-0.1, 0.1),
                lon=float(place["lon"]) + rng.uniform(-0.1, 0.1),
                operational=operational,
            )
        )
        for item in items:
            if rng.random() < 0.5:
                mean = 2 * 0.7 * demand[item] / max(1, helpers) * 1.25
                stock.append((k, item, rng.randint(0, int(2 * mean))))
    return depots, stock


@dataclass
class Seeded:
    """What the load needs to know about the seeded database."""

    tokens: dict[str, str] = field(default_factory=dict)  # role or desk-<member> -> secret
    depot_ids: list[int] = field(default_factory=list)
    adjust_rows: list[tuple[int, str]] = field(default_factory=list)  # ADJUST_MEMBER's stock
    request_ids: list[int] = field(default_factory=list)
    lines: int = 0
    stock_rows: int = 0


async def seed_database(url: str, inst: Instance) -> Seeded:
    """Migrate, seed and load ``inst`` into the empty database at ``url``."""
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url, pool_size=1)
    out = Seeded()
    try:
        async with db.transaction() as session:
            await seed(session, SEED_DIR)
            await _load(session, inst, out)
            principals = await _tokens(session, out)
        async with db.transaction() as session:
            for spec in inst.requests:
                req = await request_service.file_request(
                    session,
                    principal=principals[spec.member],
                    data=_request_body(spec),
                    buffer_km=15.0,
                    clock=clock.Clock(),  # live, as `ukg-aid serve` runs by default
                )
                out.request_ids.append(req.id)
                out.lines += len(spec.lines)  # one stored line per line given
    finally:
        await db.dispose()
    return out


def _request_body(spec: RequestSpec) -> AidRequestCreate:
    return AidRequestCreate.model_validate(
        {
            "member_code": spec.member,
            "delivery": {
                "name": f"office near {spec.lat:.3f}, {spec.lon:.3f}",
                "lat": spec.lat,
                "lon": spec.lon,
            },
            "priority": spec.priority,
            "lines": [{"item_code": i, "quantity": q} for i, q in spec.lines],
        }
    )


async def _load(session: AsyncSession, inst: Instance, out: Seeded) -> None:
    now = clock.now()
    session.add_all(
        Item(
            code=c,
            name_en=f"bench item {c}",
            name_ja=c,
            unit="unit",
            unit_weight_kg=1.0,
            category="bench",
        )
        for c in inst.items
    )
    depots = [_depot(k, d, now) for k, d in enumerate(inst.depots)]
    session.add_all(depots)
    await session.flush()
    rows = [
        Stock(
            depot_id=depots[k].id,
            item_code=item,
            on_hand=on_hand,
            reserved=0,
            reserve_floor=on_hand // 10,
            updated_at=now,
        )
        for k, item, on_hand in inst.stock
    ]
    session.add_all(rows)
    await session.flush()
    session.add_all(_seed_entry(r, now) for r in rows)
    await session.flush()
    out.depot_ids = [d.id for d in depots]
    member_of = {d.id: d.member_code for d in depots}
    out.adjust_rows = [
        (r.depot_id, r.item_code) for r in rows if member_of[r.depot_id] == ADJUST_MEMBER
    ]
    out.stock_rows = len(rows)


def _depot(k: int, d: DepotSpec, now: datetime) -> Depot:
    return Depot(
        key=f"bench-{k:03d}",
        member_code=d.member,
        name=f"Bench depot {k:03d}",
        kind=d.kind,
        lat=d.lat,
        lon=d.lon,
        status=DepotStatus.operational if d.operational else DepotStatus.damaged,
        note=f"synthetic benchmark depot: {d.near} jittered ±0.1°",
        created_at=now,
        updated_at=now,
    )


def _seed_entry(row: Stock, now: datetime) -> StockLedger:
    """The ledger row ``seed.py`` writes for a seeded stock row."""
    return StockLedger(
        stock_id=row.id,
        depot_id=row.depot_id,
        item_code=row.item_code,
        delta_on_hand=row.on_hand,
        delta_reserved=0,
        delta_reserve_floor=row.reserve_floor,
        on_hand_after=row.on_hand,
        reserved_after=0,
        reserve_floor_after=row.reserve_floor,
        reason="bench seed",
        actor="system",
        at=now,
    )


async def _tokens(session: AsyncSession, out: Seeded) -> dict[str, Principal]:
    """Coordinator, observer and one desk per member that files or adjusts."""
    principals = {}
    for role, member in [(Role.coordinator, None), (Role.observer, None)] + [
        (Role.desk, m) for m in (*STRICKEN, ADJUST_MEMBER)
    ]:
        name = f"bench-{role.value}" + (f"-{member}" if member else "")
        issued = await auth_service.create_token(
            session, name=name, role=role, member_code=member, expires_in_days=None
        )
        out.tokens[f"desk-{member}" if member else role.value] = issued.secret
        if member:
            principals[member] = Principal(issued.token.id, name, role, member)
    return principals
