"""Idempotency keys expire after UKG_AID_IDEMPOTENCY_TTL_HOURS; before that they replay."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import clock
from ukg_aid.idempotency.models import IdempotencyRecord
from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite


def _body(quantity: int) -> dict[str, object]:
    return {
        "member_code": "28100",
        "priority": "normal",
        "delivery": {"name": "Kobe City Hall", "lat": 34.6901, "lon": 135.1955},
        "lines": [{"item_code": "blankets", "quantity": quantity}],
    }


async def test_an_expired_key_is_a_new_request(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    desk = await tokens.headers(Role.desk, "28100") | {"Idempotency-Key": "kobe-blankets-1"}
    first = await client.post("/api/v1/aid-requests", json=_body(10), headers=desk)
    assert first.status_code == 201
    reused = await client.post("/api/v1/aid-requests", json=_body(20), headers=desk)
    assert reused.status_code == 422  # still remembered: a different body is refused

    await session.execute(
        update(IdempotencyRecord).values(created_at=clock.now() - timedelta(hours=73))
    )
    await session.commit()
    fresh = await client.post("/api/v1/aid-requests", json=_body(20), headers=desk)
    assert fresh.status_code == 201
    assert fresh.json()["id"] != first.json()["id"]
    assert fresh.json()["lines"][0]["quantity"] == 20
