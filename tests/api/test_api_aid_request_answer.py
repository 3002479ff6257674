"""Filing's answer is built as plain data (issue 11: no ORM objects, no model built and dumped
again): it must be exactly what ``AidRequestRead`` gives, what GET reads back and what the audit
event stores."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from pydantic_core import to_json

from tests.api.api_helpers import filing
from ukg_aid.aid_requests import filing as filing_answer
from ukg_aid.aid_requests.enums import RequestKind, RequestStatus
from ukg_aid.aid_requests.schemas import (
    AidRequestCreate,
    AidRequestRead,
    DeliveryRead,
    RequestLineRead,
)
from ukg_aid.principal import Role

URL = "/api/v1/aid-requests"


@pytest.fixture
async def desk(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.desk, "27")
    return headers


@pytest.mark.sqlite
@pytest.mark.simulated_clock
async def test_the_answer_is_the_request_as_read_back_and_audited(
    client: httpx.AsyncClient, desk: dict[str, str], tokens
) -> None:
    """The answer is built as plain data (issue 11); it is what GET reads back through
    ``AidRequestRead`` (same fields in the same order, Japan time however ``at`` was written),
    and what the audit event stores."""
    lines = [
        {"item_code": c, "quantity": q} for c, q in [("meals", 7), ("water", 5), ("blankets", 3)]
    ]
    body = filing(
        at="2025-01-16T20:46:00.250000+00:00",
        needed_by="2025-01-17T03:00:00Z",
        note=None,
        priority="critical",
        lines=lines,
    )
    resp = await client.post(URL, json=body, headers=desk)
    assert resp.status_code == 201, resp.text
    req = resp.json()
    assert req["filed_at"] == req["updated_at"] == "2025-01-17T05:46:00.250000+09:00"
    assert req["needed_by"] == "2025-01-17T12:00:00+09:00"
    assert [(ln["item_code"], ln["quantity"]) for ln in req["lines"]] == [
        ("meals", 7), ("water", 5), ("blankets", 3)
    ]  # fmt: skip
    fetched = (await client.get(f"{URL}/{req['id']}", headers=desk)).json()
    assert fetched == req
    assert list(fetched) == list(req)
    assert [list(line) for line in fetched["lines"]] == [list(line) for line in req["lines"]]
    events = await client.get(
        "/api/v1/audit-events",
        params={"entity": "aid_request", "entity_id": str(req["id"])},
        headers=await tokens.headers(Role.observer),
    )
    [event] = events.json()["items"]
    assert event["after"] == req


def test_the_plain_answer_is_aid_request_read_json() -> None:
    """``filing.answer`` gives exactly ``AidRequestRead(...).model_dump(mode="json")``."""
    data = AidRequestCreate.model_validate(filing(lines=[{"item_code": "water", "quantity": 9}]))
    at = datetime(2025, 1, 16, 20, 46, 0, 123456, tzinfo=UTC)
    needed_by = datetime(2025, 1, 17, 3, 0, tzinfo=UTC)
    lines = [{"id": 41, "item_code": "water", "quantity": 9}]
    written = {
        "member_code": "27", "incident_id": 3, "kind": RequestKind.push,
        "delivery_name": data.delivery.name, "delivery_lat": data.delivery.lat,
        "delivery_lon": data.delivery.lon, "priority": data.priority, "needed_by": needed_by,
        "status": RequestStatus.open, "note": data.note, "filed_by": "desk-27",
        "filed_at": at, "updated_at": at,
    }  # fmt: skip
    plain = filing_answer.answer(7, written, lines)
    model = AidRequestRead(
        id=7, member_code="27", incident_id=3, kind=RequestKind.push,
        delivery=DeliveryRead(**data.delivery.model_dump()), priority=data.priority,
        needed_by=needed_by, status=RequestStatus.open, note=data.note, filed_by="desk-27",
        filed_at=at, updated_at=at, cancelled_at=None,
        lines=[RequestLineRead(allocated=0, dispatched=0, delivered=0, **lines[0])],
    ).model_dump(mode="json")  # fmt: skip
    assert plain == model
    assert list(plain) == list(model)
    assert to_json(plain) == to_json(model)
