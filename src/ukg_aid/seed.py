"""Load the seed data in ``data/stockpiles/`` (see its README for sources and assumptions).

Idempotent: members are brought up to date; items, depots (by ``key``) and stock rows are only
added when missing, so re-seeding never overwrites what desks have entered since.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import clock
from ukg_aid.audit import service as audit
from ukg_aid.catalog.models import Item
from ukg_aid.dispatch_air import AircraftStatus
from ukg_aid.errors import AppError
from ukg_aid.helicopters.models import Helicopter
from ukg_aid.incidents.models import Incident, IncidentCounterpart, IncidentStatus
from ukg_aid.incidents.service import started_for_seed
from ukg_aid.members.enums import HeliPreference, MemberKind
from ukg_aid.members.models import Member
from ukg_aid.principal import SYSTEM
from ukg_aid.stockpiles import service as stock_service
from ukg_aid.stockpiles.enums import DepotStatus
from ukg_aid.stockpiles.models import Depot, Stock


class SeedError(AppError):
    title = "Seed data error"
    slug = "seed"


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.added[what] = self.added.get(what, 0) + n


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SeedError(f"seed file {path} is missing")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _opt(value: str) -> str | None:
    return value.strip() or None


async def _members(session: AsyncSession, rows: list[dict[str, str]], report: SeedReport) -> None:
    # Prefectures before cities: a city's parent must exist first.
    for row in sorted(rows, key=lambda r: r["kind"] != "prefecture"):
        values: dict[str, Any] = {
            "name_en": row["name_en"],
            "name_ja": row["name_ja"],
            "kind": MemberKind(row["kind"]),
            "parent_code": _opt(row["parent_code"]),
            "office_name_ja": _opt(row["office_name_ja"]),
            "office_lat": float(row["office_lat"]),
            "office_lon": float(row["office_lon"]),
            "population": int(row["population"]),
            "area_km2": float(row["area_km2"]) if row["area_km2"] else None,
            "heli_preference": HeliPreference(row["heli_preference"] or "geography_first"),
        }
        member = await session.get(Member, row["code"])
        if member is None:
            session.add(Member(code=row["code"], **values))
            report.count("members")
        else:
            for key, value in values.items():
                setattr(member, key, value)
        await session.flush()


async def _items(session: AsyncSession, rows: list[dict[str, str]], report: SeedReport) -> None:
    for row in rows:
        if await session.get(Item, row["code"]) is not None:
            continue
        rate = row.get("per_person_per_day", "")
        session.add(
            Item(
                code=row["code"],
                name_en=row["name_en"],
                name_ja=row["name_ja"],
                unit=row["unit"],
                unit_weight_kg=float(row["unit_weight_kg"]),
                category=_opt(row["category"]),
                per_person_per_day=float(rate) if _is_number(rate) else None,
            )
        )
        report.count("items")
    await session.flush()


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


async def _depots(
    session: AsyncSession, rows: list[dict[str, str]], report: SeedReport, now: dt.datetime
) -> dict[str, int]:
    existing = {d.key: d.id for d in await session.scalars(select(Depot)) if d.key}
    for row in rows:
        if row["key"] in existing:
            continue
        depot = Depot(
            key=row["key"],
            member_code=row["member_code"],
            name=row["name_en"],
            name_ja=_opt(row["name_ja"]),
            kind=_opt(row["kind"]),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            status=DepotStatus(row["status"] or "operational"),
            note=_opt(row.get("assumption", "")),
            created_at=now,
            updated_at=now,
        )
        session.add(depot)
        await session.flush()
        existing[row["key"]] = depot.id
        report.count("depots")
    return existing


async def _stock(
    session: AsyncSession,
    rows: list[dict[str, str]],
    depot_ids: dict[str, int],
    report: SeedReport,
    now: dt.datetime,
) -> None:
    have = {(s.depot_id, s.item_code) for s in await session.scalars(select(Stock))}
    for row in rows:
        depot_id = depot_ids.get(row["depot_key"])
        if depot_id is None:
            raise SeedError(f"stock.csv names unknown depot '{row['depot_key']}'")
        if (depot_id, row["item_code"]) in have:
            continue
        stock = Stock(
            depot_id=depot_id,
            item_code=row["item_code"],
            on_hand=0,
            reserved=0,
            reserve_floor=0,
            updated_at=now,
        )
        session.add(stock)
        await session.flush()
        change = stock_service.Change(
            on_hand=int(row["on_hand"]), reserve_floor=int(row["reserve_floor"])
        )
        await stock_service.apply_change(
            session, stock, change, reason="seed", actor=SYSTEM.name, at=now
        )
        report.count("stock rows")


async def _default_incident(
    session: AsyncSession, report: SeedReport, now: dt.datetime
) -> Incident | None:
    """The default activation when no incident exists yet, so that a fresh instance takes
    requests out of the box (SPEC §10: a request joins the only active incident). A deployment
    that already has incidents gets none: the coordinator opens them."""
    if await session.scalar(select(Incident.id).limit(1)) is not None:
        return None
    incident = Incident(**started_for_seed(now))
    session.add(incident)
    await session.flush()
    report.count("incidents")
    return incident


async def example_counterparts(
    session: AsyncSession, rows: list[dict[str, str]], report: SeedReport
) -> None:
    """The EXAMPLE pairing (``data/stockpiles/examples/counterparts.example.csv``, invented:
    not the union's) set on the only active incident — opt-in only, ``ukg-aid seed
    --example-counterparts``; a default seed sets no pairs (SPEC §3 rule 5)."""
    active = list(
        await session.scalars(select(Incident).where(Incident.status == IncidentStatus.active))
    )
    if len(active) != 1:
        raise SeedError(
            f"--example-counterparts needs exactly one active incident, found {len(active)}"
        )
    incident = active[0]
    have = {
        (p.supporter_code, p.recipient_code)
        for p in await session.scalars(
            select(IncidentCounterpart).where(IncidentCounterpart.incident_id == incident.id)
        )
    }
    for row in rows:
        pair = (row["supporter_code"], row["stricken_code"])
        if pair in have:
            continue
        session.add(
            IncidentCounterpart(
                incident_id=incident.id, supporter_code=pair[0], recipient_code=pair[1]
            )
        )
        have.add(pair)
        report.count("example counterpart pairs")
    await session.flush()


def _hhmm(value: str) -> dt.time | None:
    return dt.time.fromisoformat(value.strip()) if value.strip() else None


async def _helicopters(
    session: AsyncSession, rows: list[dict[str, str]], report: SeedReport, now: dt.datetime
) -> None:
    """Aircraft missing by callsign are added; existing ones (and their status) are left alone."""
    have = set(await session.scalars(select(Helicopter.callsign)))
    for row in rows:
        if row["callsign"] in have:
            continue
        session.add(
            Helicopter(
                callsign=row["callsign"],
                member_code=row["member_code"],
                base_name=row["base_name"],
                base_name_ja=_opt(row["base_name_ja"]),
                base_lat=float(row["base_lat"]),
                base_lon=float(row["base_lon"]),
                aircraft_type=row["aircraft_type"],
                status=AircraftStatus(row["status"] or "available"),
                cruise_kmh=float(row["cruise_kmh"]),
                range_km=float(row["range_km"]),
                daylight_start=_hhmm(row["daylight_start"]) or dt.time(8, 30),
                daylight_fixed_end=_hhmm(row["daylight_fixed_end"]),
                updated_at=now,
            )
        )
        have.add(row["callsign"])
        report.count("helicopters")
    await session.flush()


async def seed(
    session: AsyncSession,
    seed_dir: Path,
    *,
    at: dt.datetime | None = None,
    with_example_counterparts: bool = False,
) -> SeedReport:
    """Seed everything in one transaction (the caller's).

    ``at`` dates what this run adds (default now): a drill's instance, or a training deployment
    about to replay a past earthquake, is seeded at the scenario's start, so that the drill's
    first changes do not lie before the rows' own timeline (SPEC §9).
    """
    now = clock.now() if at is None else clock.sane(at, field="at")
    report = SeedReport()
    await _members(session, read_csv(seed_dir / "members.csv"), report)
    await _items(session, read_csv(seed_dir / "items.csv"), report)
    depot_ids = await _depots(session, read_csv(seed_dir / "depots.csv"), report, now)
    await _stock(session, read_csv(seed_dir / "stock.csv"), depot_ids, report, now)
    await _helicopters(session, read_csv(seed_dir / "helicopters.csv"), report, now)
    await _default_incident(session, report, now)
    if with_example_counterparts:
        rows = read_csv(seed_dir / "examples" / "counterparts.example.csv")
        await example_counterparts(session, rows, report)
    if report.added:
        await audit.record(
            session,
            principal=SYSTEM,
            action="seed",
            entity="seed",
            entity_id=str(seed_dir.name),
            after=dict(report.added),
            at=now,
        )
    return report
