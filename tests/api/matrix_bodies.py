"""How the authorization matrix calls a route (:class:`Call`) and the bodies it sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.api.authorization_rules import OTHER, OWN


@dataclass
class Call:
    """How to call one route: path values, query, body, extra headers; whose target it is; what
    an allowed principal may get besides 2xx (with the reason in ``why``)."""

    path: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    owner: str = OWN
    other: str = OTHER
    tolerate: frozenset[int] = frozenset()
    why: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # e.g. a route's required key


Ctx = dict[str, Any]
ITEM = {
    "code": "matrix_probe",
    "name_en": "p",
    "name_ja": "p",
    "unit": "piece",
    "unit_weight_kg": 1,
}
GUEST = {
    "code": "17205",
    "name_en": "Suzu",
    "name_ja": "珠洲市",
    "kind": "guest",
    "office": {"lat": 37.4367, "lon": 137.2606},
    "population": 12929,
}
SHELTER = {
    "member_code": OWN,
    "name": "Matrix shelter",
    "lat": 34.69,
    "lon": 135.52,
    "evacuees": 99,
}
NIGHT_OR_ORDER = frozenset({409})  # no aircraft can fly now, or the mission is not that far yet
