"""Numbers and flags in request bodies are JSON numbers and booleans (issue 8).

``"7"``, ``true`` for 1 and ``7.0`` for an integer field used to pass; each is now a 422 naming
the field, and changes nothing. A guard walks every request-body model, so a new plain ``int``
field fails the suite.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.api_helpers import OSAKA_POINT, assert_problem, count, error_locs, filing
from ukg_aid import clock
from ukg_aid.app import create_app
from ukg_aid.principal import Role
from ukg_aid.schemas import InputModel

DEPOT = {"member_code": "27", "name": "Strict depot", "lat": 34.70, "lon": 135.50}
MISSION = {
    "member_code": "27",
    "scene": {"lat": 34.70, "lon": 135.50},
    "severity": "red",
    "patients": 1,
}
ITEM = {"code": "strict_probe", "name_en": "p", "name_ja": "p", "unit": "piece"}

STOCK = "/depots/{depot}/stock/water"
ADJUST = STOCK + "/adjustments"
TOKEN = {"name": "strict", "role": "observer"}


def _line(quantity: Any) -> dict[str, Any]:
    return filing(lines=[{"item_code": "water", "quantity": quantity}])


def _at(*loc: Any) -> tuple[Any, ...]:
    return ("body", *loc)


# (method, path, body, loc of the refused field). Every value here is a non-number posing as one.
LOOSE_BODIES: list[tuple[str, str, Any, tuple[Any, ...]]] = [
    ("PUT", STOCK, {"on_hand": "7"}, _at("on_hand")),
    ("PUT", STOCK, {"on_hand": True}, _at("on_hand")),
    ("PUT", STOCK, {"on_hand": 7.0}, _at("on_hand")),
    ("PUT", STOCK, {"on_hand": 7.5}, _at("on_hand")),
    ("PUT", STOCK, {"on_hand": 7, "reserve_floor": "1"}, _at("reserve_floor")),
    ("POST", ADJUST, {"delta": "5", "reason": "x"}, _at("delta")),
    ("POST", ADJUST, {"delta": False, "reason": "x"}, _at("delta")),
    ("POST", ADJUST, {"delta": -5.0, "reason": "x"}, _at("delta")),
    ("POST", "/depots", DEPOT | {"lat": "34.7"}, _at("lat")),
    ("POST", "/depots", DEPOT | {"lon": True}, _at("lon")),
    ("PATCH", "/depots/{depot}", {"lat": "34.7"}, _at("lat")),
    ("POST", "/aid-requests", _line("10"), _at("lines", 0, "quantity")),
    ("POST", "/aid-requests", _line(10.0), _at("lines", 0, "quantity")),
    ("POST", "/aid-requests", _line(True), _at("lines", 0, "quantity")),
    (
        "POST",
        "/aid-requests",
        filing(delivery=OSAKA_POINT | {"lat": "34.68"}),
        _at("delivery", "lat"),
    ),
    ("POST", "/medevac-missions", MISSION | {"patients": "1"}, _at("patients")),
    ("POST", "/medevac-missions", MISSION | {"patients": True}, _at("patients")),
    ("POST", "/medevac-missions", MISSION | {"patients": 1.0}, _at("patients")),
    (
        "POST",
        "/medevac-missions",
        MISSION | {"scene": {"lat": "34.7", "lon": 135.5}},
        _at("scene", "lat"),
    ),
    (
        "POST",
        "/medevac-missions",
        MISSION | {"hospital": {"name": "h", "lat": 34.7, "lon": "135.5"}},
        _at("hospital", "lon"),
    ),
    ("POST", "/medevac-missions/1/assign", {"helicopter_id": "1"}, _at("helicopter_id")),
    ("POST", "/medevac-missions/1/assign", {"helicopter_id": 1.0}, _at("helicopter_id")),
    ("POST", "/medevac-missions/1/assign", {"helicopter_id": True}, _at("helicopter_id")),
    ("POST", "/plans", {"request_ids": ["1"]}, _at("request_ids", 0)),
    ("POST", "/plans", {"request_ids": [1.0]}, _at("request_ids", 0)),
    ("POST", "/plans", {"request_ids": [True]}, _at("request_ids", 0)),
    ("POST", "/plans", {"request_ids": [2**31]}, _at("request_ids", 0)),
    ("POST", "/plans", {"include_stricken_suppliers": "true"}, _at("include_stricken_suppliers")),
    ("POST", "/plans", {"include_stricken_suppliers": 1}, _at("include_stricken_suppliers")),
    ("POST", "/items", ITEM | {"unit_weight_kg": "1.5"}, _at("unit_weight_kg")),
    ("POST", "/items", ITEM | {"unit_weight_kg": True}, _at("unit_weight_kg")),
    (
        "POST",
        "/items",
        ITEM | {"unit_weight_kg": 1, "per_person_per_day": "3"},
        _at("per_person_per_day"),
    ),
    ("PATCH", "/items/water", {"unit_weight_kg": "2"}, _at("unit_weight_kg")),
    ("POST", "/tokens", TOKEN | {"expires_in_days": "30"}, _at("expires_in_days")),
    ("POST", "/tokens", TOKEN | {"expires_in_days": 30.0}, _at("expires_in_days")),
    ("POST", "/tokens", TOKEN | {"expires_in_days": True}, _at("expires_in_days")),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "loc"),
    LOOSE_BODIES,
    ids=[
        f"{m} {p} {'.'.join(map(str, loc[1:]))}={i}"
        for i, (m, p, _, loc) in enumerate(LOOSE_BODIES)
    ],
)
async def test_numbers_and_flags_must_be_json_numbers_and_booleans(
    client: httpx.AsyncClient,
    session,
    tokens,
    method: str,
    path: str,
    body: Any,
    loc: tuple[Any, ...],
) -> None:
    headers = await tokens.headers(Role.admin)
    depots = (await client.get("/api/v1/depots", params={"member": "27"}, headers=headers)).json()
    url = "/api/v1" + path.replace("{depot}", str(depots["items"][0]["id"]))
    before = await count(session, "audit_events")
    resp = await client.request(method, url, json=body, headers=headers)
    problem = assert_problem(resp, 422)
    assert loc in error_locs(problem), problem
    assert await count(session, "audit_events") == before


async def test_json_numbers_and_iso_datetimes_are_still_accepted(
    client: httpx.AsyncClient, tokens
) -> None:
    """The strict types refuse strings posing as numbers, not numbers: an integral latitude is
    a number, and ``at`` stays an ISO 8601 string (JSON has no datetime type)."""
    headers = await tokens.headers(Role.admin)
    now = clock.now().isoformat()
    made = await client.post(
        "/api/v1/depots", json=DEPOT | {"lat": 35, "lon": 135.5, "at": now}, headers=headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["lat"] == 35.0
    stocked = await client.put(
        f"/api/v1/depots/{made.json()['id']}/stock/water",
        json={"on_hand": 7, "reserve_floor": 1, "at": now},
        headers=headers,
    )
    assert stocked.status_code == 201, stocked.text
    assert stocked.json()["on_hand"] == 7


def _lax_scalars(schema: Any, where: str, found: list[str]) -> None:
    """Collect ``int``/``float``/``bool`` core schemas that are not strict."""
    if isinstance(schema, dict):
        kind = schema.get("type")
        if kind in {"int", "float", "bool"} and not schema.get("strict"):
            found.append(f"{where} ({kind})")
        if kind == "float" and schema.get("allow_inf_nan", True):
            found.append(f"{where} (float allows NaN/Infinity)")
        for key, value in schema.items():
            if key in {"fields"} and isinstance(value, dict):
                for name, field in value.items():
                    _lax_scalars(field, f"{where}.{name}", found)
            elif key not in {"cls", "metadata", "ref", "config"}:
                _lax_scalars(value, where, found)
    elif isinstance(schema, list):
        for value in schema:
            _lax_scalars(value, where, found)


def _subclasses(cls: type[InputModel]) -> list[type[InputModel]]:
    out: list[type[InputModel]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_every_number_and_flag_in_a_request_body_is_strict() -> None:
    """A guard for new fields: plain ``int``/``float``/``bool`` in an InputModel coerces
    ``"7"``/``true``; use ``JsonInt``/``JsonNumber``/``JsonBool`` from ``ukg_aid.schemas``."""
    from fastapi.routing import APIRoute, iter_route_contexts

    app = create_app()
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute):
            for param in route.dependant.body_params:
                annotation = param.field_info.annotation
                models = getattr(annotation, "__args__", (annotation,))
                assert all(
                    m is type(None) or (isinstance(m, type) and issubclass(m, InputModel))
                    for m in models
                ), f"{ctx.path}: request bodies must be InputModels (unknown fields refused)"
    lax: list[str] = []
    models = _subclasses(InputModel)
    assert len(models) >= 15
    for model in models:
        _lax_scalars(model.__pydantic_core_schema__, model.__name__, lax)
    assert lax == []
