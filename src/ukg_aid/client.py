"""A typed async client for the ukg-aid REST API (used by the CLI and the drills).

Errors::

    ApiError                 any 4xx/5xx answer; carries the RFC 9457 problem body
    └── ConflictError        409: state changed (stale plan, wrong lifecycle step, ...)

Responses are parsed into the service's own read schemas, so a field the server renames breaks
here loudly instead of silently. Tokens are per role: :meth:`UkgClient.as_token` returns a client
that shares the connection pool but speaks for another token.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from ukg_aid.aid_requests.schemas import AidRequestRead
from ukg_aid.auth.schemas import TokenIssued
from ukg_aid.catalog.schemas import ItemRead
from ukg_aid.client_http import ApiError, ApiTransport, ConflictError, problem_of
from ukg_aid.helicopters.schemas import HelicopterRead
from ukg_aid.hospitals.schemas import HospitalRead
from ukg_aid.medevac.schemas import BatchRead, MissionRead
from ukg_aid.members.schemas import MemberRead
from ukg_aid.plans.schemas import AllocationRow, PlanRead
from ukg_aid.plans.shipments.schemas import ShipmentRead
from ukg_aid.reports.schemas import SituationReport
from ukg_aid.stockpiles.schemas import DepotRead, StockImportResult, StockRead
from ukg_aid.weather.schemas import WeatherHoldRead

__all__ = ["ApiError", "ConflictError", "UkgClient"]


def _at(at: datetime | None, note: str | None = None) -> dict[str, str]:
    """The optional ``at`` and ``note`` of an action's body (left out when not given)."""
    body = {"at": at.isoformat()} if at is not None else {}
    return body | ({"note": note} if note is not None else {})


class UkgClient(ApiTransport):
    """One token's view of the API over a shared ``httpx.AsyncClient``."""

    @classmethod
    def connect(
        cls,
        base_url: str,
        token: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 60.0,
    ) -> UkgClient:
        http = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=timeout)
        return cls(http, token)

    def as_token(self, token: str) -> UkgClient:
        return UkgClient(self.http, token, self.incident_id)

    async def health(self) -> dict[str, Any]:
        """``GET /healthz``: ``status``, ``version`` and ``clock`` (``live`` or ``simulated``)."""
        resp = await self.http.get("/healthz")
        if resp.status_code >= 400:
            raise ApiError(resp.status_code, problem_of(resp))
        body: dict[str, Any] = resp.json()
        return body

    # -- reference data --------------------------------------------------------------------
    async def members(self, kind: str | None = None) -> list[MemberRead]:
        return await self._all("/members", MemberRead, kind=kind)

    async def items(self, category: str | None = None) -> list[ItemRead]:
        return await self._all("/items", ItemRead, category=category)

    async def depots(self, member: str | None = None) -> list[DepotRead]:
        return await self._all("/depots", DepotRead, member=member)

    async def set_depot_status(
        self, depot_id: int, status: str, at: datetime | None = None
    ) -> DepotRead:
        body = {"status": status, **_at(at)}
        return DepotRead.model_validate(await self.call("PATCH", f"/depots/{depot_id}", json=body))

    async def stock(self, member: str | None = None, item: str | None = None) -> list[StockRead]:
        return await self._all("/stock", StockRead, member=member, item=item)

    async def export_stock(self, member: str | None = None, depot_id: int | None = None) -> str:
        """The stock CSV (UTF-8 text, BOM included, as Excel wants it)."""
        resp = await self.request(
            "GET", "/stock/export", params={"member": member, "depot_id": depot_id}
        )
        return resp.content.decode("utf-8")

    async def import_stock(
        self,
        csv_text: str,
        reason: str,
        *,
        dry_run: bool = True,
        key: str | None = None,
        at: datetime | None = None,
    ) -> StockImportResult:
        """Preview (default) or apply a stock CSV; a bad file raises ApiError 422 listing
        every bad line in ``problem["errors"]``."""
        body = {"csv": csv_text, "reason": reason, "dry_run": dry_run, **_at(at)}
        headers = {"Idempotency-Key": key} if key else None
        data = await self.call("POST", "/stock/import", json=body, headers=headers)
        return StockImportResult.model_validate(data)

    async def create_token(
        self, name: str, role: str, member_code: str | None = None, expires_in_days: int = 2
    ) -> TokenIssued:
        body = {
            "name": name,
            "role": role,
            "member_code": member_code,
            "expires_in_days": expires_in_days,
        }
        return TokenIssued.model_validate(await self.call("POST", "/tokens", json=body))

    # -- aid requests and plans ------------------------------------------------------------
    async def file_request(
        self,
        member_code: str,
        delivery: Mapping[str, Any],
        lines: list[tuple[str, int]],
        *,
        priority: str = "normal",
        at: datetime | None = None,
        key: str | None = None,
        note: str | None = None,
        needed_by: datetime | None = None,
    ) -> AidRequestRead:
        body = {
            "member_code": member_code,
            "delivery": dict(delivery),
            "priority": priority,
            "lines": [{"item_code": c, "quantity": q} for c, q in lines],
            "note": note,
            **_at(at),
            **self._incident(),
        }
        if needed_by is not None:
            body["needed_by"] = needed_by.isoformat()
        headers = {"Idempotency-Key": key} if key else None
        data = await self.call("POST", "/aid-requests", json=body, headers=headers)
        return AidRequestRead.model_validate(data)

    async def requests(
        self, member: str | None = None, status: str | None = None
    ) -> list[AidRequestRead]:
        return await self._all(
            "/aid-requests", AidRequestRead, member=member, status=status, incident=self.incident_id
        )

    async def create_plan(
        self,
        *,
        policy: str = "optimized",
        request_ids: list[int] | None = None,
        include_stricken_suppliers: bool = False,
        at: datetime | None = None,
    ) -> PlanRead:
        body = {
            "policy": policy,
            "request_ids": request_ids,
            "include_stricken_suppliers": include_stricken_suppliers,
            **_at(at),
            **self._incident(),
        }
        return PlanRead.model_validate(await self.call("POST", "/plans", json=body))

    async def plan_action(
        self, plan_id: int, action: str, at: datetime | None = None, note: str | None = None
    ) -> PlanRead:
        """``approve``, ``discard`` or ``cancel`` a plan."""
        data = await self.call("POST", f"/plans/{plan_id}/{action}", json=_at(at, note))
        return PlanRead.model_validate(data)

    async def allocations(self, **filters: Any) -> list[AllocationRow]:
        return await self._all("/allocations", AllocationRow, **filters)

    async def allocation_action(
        self, allocation_id: int, action: str, at: datetime | None = None, note: str | None = None
    ) -> AllocationRow:
        """``dispatch`` or ``deliver`` an allocation."""
        path = f"/allocations/{allocation_id}/{action}"
        return AllocationRow.model_validate(await self.call("POST", path, json=_at(at, note)))

    async def shipments(self, **filters: Any) -> list[ShipmentRead]:
        return await self._all("/shipments", ShipmentRead, **filters)

    async def shipment_action(
        self,
        shipment_id: int,
        action: str,
        at: datetime | None = None,
        note: str | None = None,
        wave: int | None = None,
    ) -> ShipmentRead:
        """``dispatch`` (or queue) a whole shipment, or ``deliver`` one wave of it (``wave``) or
        all that is still on the road."""
        path = f"/shipments/{shipment_id}/{action}"
        body = _at(at, note) | ({"wave": wave} if wave is not None else {})
        return ShipmentRead.model_validate(await self.call("POST", path, json=body))

    async def cancel_request(
        self,
        request_id: int,
        *,
        reason: str | None = None,
        note: str | None = None,
        at: datetime | None = None,
    ) -> AidRequestRead:
        body = _at(at, note) | ({"reason": reason} if reason is not None else {})
        data = await self.call("POST", f"/aid-requests/{request_id}/cancel", json=body)
        return AidRequestRead.model_validate(data)

    async def situation(self) -> SituationReport:
        """The situation report: per member requested → delivered, unmet needs, plans."""
        return SituationReport.model_validate(await self.call("GET", "/reports/situation"))

    # -- incidents, guests, push-type support (SPEC §10) ------------------------------------
    async def open_incident(self, name: str, kind: str, started_at: datetime) -> dict[str, Any]:
        body = {"name": name, "kind": kind, "started_at": started_at.isoformat()}
        data: dict[str, Any] = await self.call("POST", "/incidents", json=body)
        return data

    async def set_counterparts(self, incident_id: int, pairs: list[tuple[str, str]]) -> Any:
        body = [{"supporter_code": a, "recipient_code": b} for a, b in pairs]
        return await self.call("PUT", f"/incidents/{incident_id}/counterparts", json=body)

    async def register_guest(self, body: Mapping[str, Any]) -> MemberRead:
        return MemberRead.model_validate(await self.call("POST", "/members", json=dict(body)))

    async def file_push(
        self,
        member_code: str,
        delivery: Mapping[str, Any],
        lines: list[tuple[str, int]],
        *,
        priority: str = "normal",
        at: datetime | None = None,
        key: str | None = None,
    ) -> list[AidRequestRead]:
        """Push requests from an estimate (``lines``), filed by the coordinator (``key``: the
        Idempotency-Key; a new one when not given)."""
        body = {
            "member_code": member_code,
            "delivery": dict(delivery),
            "priority": priority,
            "lines": [{"item_code": c, "quantity": q} for c, q in lines],
            **_at(at),
            **self._incident(),
        }
        # the route requires a key: one per push, so a retry of this call replays it
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        data = await self.call("POST", "/aid-requests/push", json=body, headers=headers)
        return [AidRequestRead.model_validate(r) for r in data["requests"]]

    async def close_push(self, member_code: str, at: datetime | None = None) -> dict[str, Any]:
        body = {"member_code": member_code, **_at(at), **self._incident()}
        data: dict[str, Any] = await self.call("POST", "/aid-requests/push/close", json=body)
        return data

    # -- helicopters and medevac -----------------------------------------------------------
    async def helicopters(self) -> list[HelicopterRead]:
        return await self._all("/helicopters", HelicopterRead)

    async def file_mission(
        self,
        member_code: str,
        scene: Mapping[str, Any],
        severity: str,
        *,
        patients: int = 1,
        at: datetime | None = None,
    ) -> MissionRead:
        body = {
            "member_code": member_code,
            "scene": dict(scene),
            "severity": severity,
            "patients": patients,
            **_at(at),
            **self._incident(),
        }
        return MissionRead.model_validate(await self.call("POST", "/medevac-missions", json=body))

    async def mission(self, mission_id: int) -> MissionRead:
        return MissionRead.model_validate(await self.call("GET", f"/medevac-missions/{mission_id}"))

    async def assign_mission(
        self,
        mission_id: int,
        *,
        at: datetime | None = None,
        preference: str | None = None,
        helicopter_id: int | None = None,
        note: str | None = None,
    ) -> MissionRead:
        body: dict[str, Any] = {**_at(at, note)}
        if preference:
            body["preference"] = preference
        if helicopter_id is not None:
            body["helicopter_id"] = helicopter_id
        data = await self.call("POST", f"/medevac-missions/{mission_id}/assign", json=body)
        return MissionRead.model_validate(data)

    async def assign_pending(
        self, at: datetime | None = None, note: str | None = None
    ) -> BatchRead:
        data = await self.call("POST", "/medevac-missions/assign", json=_at(at, note))
        return BatchRead.model_validate(data)

    async def mission_action(
        self, mission_id: int, action: str, at: datetime | None = None, note: str | None = None
    ) -> MissionRead:
        """``en_route``, ``on_scene``, ``transporting``, ``completed`` or ``cancel``."""
        path = f"/medevac-missions/{mission_id}/{action}"
        return MissionRead.model_validate(await self.call("POST", path, json=_at(at, note)))

    async def set_helicopter_status(
        self, heli_id: int, status: str, *, at: datetime | None = None, note: str | None = None
    ) -> HelicopterRead:
        body = {"status": status, **_at(at, note)}
        data = await self.call("PATCH", f"/helicopters/{heli_id}", json=body)
        return HelicopterRead.model_validate(data)

    async def hospitals(self, member: str | None = None) -> list[HospitalRead]:
        return await self._all("/hospitals", HospitalRead, member=member)

    async def set_hospital_status(
        self, hospital_id: int, status: str, *, at: datetime | None = None, note: str | None = None
    ) -> HospitalRead:
        body = {"status": status, **_at(at, note)}
        data = await self.call("PATCH", f"/hospitals/{hospital_id}", json=body)
        return HospitalRead.model_validate(data)

    async def create_weather_hold(self, body: Mapping[str, Any]) -> WeatherHoldRead:
        data = await self.call("POST", "/weather-holds", json=self._incident() | dict(body))
        return WeatherHoldRead.model_validate(data)
