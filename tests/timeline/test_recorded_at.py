"""``recorded_at``: the server's clock beside the reported ``at`` (SPEC §9), and the migration that
adds it to rows already in the append-only audit log (PostgreSQL and SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.app_support import database_name
from tests.timeline.timeline_helpers import OSAKA_CITY_HALL, audit_events
from ukg_aid import migrate
from ukg_aid.principal import Role

KOBE = "1995-01-17T05:46:00+09:00"


def _near_now(value: str) -> bool:
    return abs(datetime.fromisoformat(value) - datetime.now(UTC)) < timedelta(minutes=10)


@pytest.mark.sqlite
@pytest.mark.simulated_clock
async def test_recorded_at_is_the_servers_clock_whatever_at_says(
    client: httpx.AsyncClient, tokens
) -> None:
    desk, observer = await tokens.headers(Role.desk, "28"), await tokens.headers(Role.observer)
    body = {
        "member_code": "28",
        "delivery": OSAKA_CITY_HALL | {"name": "Kobe", "lat": 34.69, "lon": 135.19},
        "lines": [{"item_code": "water", "quantity": 5}],
        "at": KOBE,
    }
    req = (await client.post("/api/v1/aid-requests", json=body, headers=desk)).json()
    [event] = await audit_events(client, observer, "aid_request", req["id"])
    assert event["at"] == KOBE and _near_now(event["recorded_at"])

    depots = await client.get("/api/v1/depots", params={"member": "28"}, headers=desk)
    depot = depots.json()["items"][0]["id"]
    url = f"/api/v1/depots/{depot}/stock/water/adjustments"
    used = await client.post(url, json={"delta": -1, "reason": "shelter", "at": KOBE}, headers=desk)
    assert used.status_code == 200, used.text
    ledger = await client.get(
        f"/api/v1/depots/{depot}/ledger", params={"item": "water"}, headers=desk
    )
    entry = ledger.json()["items"][0]
    assert entry["at"] == KOBE and _near_now(entry["recorded_at"])

    forged = await client.post(
        url, json={"delta": -1, "reason": "x", "recorded_at": KOBE}, headers=desk
    )
    assert forged.status_code == 422 and forged.json()["errors"][0]["loc"] == [
        "body",
        "recorded_at",
    ]


OLD_AUDIT = (
    "INSERT INTO audit_events (at, actor, role, action, entity, entity_id) "
    "VALUES ('2026-11-01T00:00:00+00:00', 'desk', 'desk', 'depot.create', 'depot', '1')"
)


def _rows_from_before(engine: sa.Engine) -> None:
    """An audit event and a ledger entry written by the schema at 0003."""
    with engine.begin() as conn:
        conn.execute(sa.text(OLD_AUDIT))
        conn.execute(
            sa.text(
                "INSERT INTO members (code, name_en, name_ja, kind, office_lat, office_lon, "
                "population, heli_preference) VALUES ('27', 'Osaka', '大阪府', 'prefecture', "
                "34.69, 135.52, 1, 'geography_first')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO items (code, name_en, name_ja, unit, unit_weight_kg) "
                "VALUES ('water', 'water', '水', 'L', 1)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO depots (member_code, name, lat, lon, status, created_at, updated_at) "
                "VALUES ('27', 'd', 34.7, 135.5, 'operational', "
                "'2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO stock (depot_id, item_code, on_hand, reserved, reserve_floor, "
                "updated_at) VALUES (1, 'water', 5, 0, 0, '2026-11-01T00:00:00+00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO stock_ledger (stock_id, depot_id, item_code, delta_on_hand, "
                "delta_reserved, delta_reserve_floor, on_hand_after, reserved_after, "
                "reserve_floor_after, reason, actor, at) VALUES (1, 1, 'water', 5, 0, 0, 5, 0, 0, "
                "'seed', 'system', '2026-11-01T00:00:00+00:00')"
            )
        )


def _check_upgraded(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        for table in ("audit_events", "stock_ledger"):
            row = conn.execute(sa.text(f"SELECT recorded_at FROM {table}")).one()
            assert row.recorded_at is not None
        assert conn.execute(sa.text("SELECT note FROM audit_events")).scalar_one() is None
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    with engine.begin() as conn:  # new rows get the clock too
        conn.execute(sa.text(OLD_AUDIT))
        stamps = conn.execute(sa.text("SELECT recorded_at FROM audit_events")).scalars().all()
        assert len(stamps) == 2 and all(s is not None for s in stamps)


def _upgrade_over_old_rows(async_url: str, sync_url: str) -> None:
    migrate.upgrade(async_url, "0003")
    engine = sa.create_engine(sync_url)
    try:
        _rows_from_before(engine)
        migrate.upgrade(async_url)
        _check_upgraded(engine)
    finally:
        engine.dispose()


def test_migration_keeps_old_rows_and_the_append_only_log_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _upgrade_over_old_rows(f"sqlite+aiosqlite:///{path}", f"sqlite:///{path}")


@pytest.fixture
def empty_pg(pg_server: str) -> Iterator[str]:
    """A new, empty database of our own on the test server (dropped afterwards)."""
    name = database_name("mig")
    admin = sa.create_engine(
        f"{pg_server}/postgres".replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{pg_server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migration_keeps_old_rows_and_the_append_only_log_on_postgresql(empty_pg: str) -> None:
    plain = empty_pg.removeprefix("postgresql://")
    _upgrade_over_old_rows(f"postgresql+asyncpg://{plain}", f"postgresql+psycopg://{plain}")
