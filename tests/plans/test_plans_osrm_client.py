"""The road router's HTTP client is closed when a plan is done, answered or not."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from ukg_aid import matching
from ukg_aid.config import Settings
from ukg_aid.errors import ServiceUnavailable
from ukg_aid.geo import Point
from ukg_aid.plans import service as plan_service
from ukg_aid.plans import solver_pool
from ukg_aid.plans.enums import PlanPolicy

INSTANCE = Path(__file__).parent.parent / "matching" / "instances" / "scarce_critical.json"


def _problem() -> matching.Problem:
    return matching.Problem.from_dict(json.loads(INSTANCE.read_text())["problem"])


@pytest.mark.parametrize("router_status", [200, 503])
async def test_osrm_client_is_closed_after_each_plan(
    monkeypatch: pytest.MonkeyPatch, router_status: int
) -> None:
    problem = _problem()
    seen: list[matching.OsrmTravel] = []
    estimate = matching.EstimateTravel()

    def answer(request: httpx.Request) -> httpx.Response:
        if router_status != 200:
            return httpx.Response(router_status)
        path = request.url.path.split("/")[-1].split(";")
        n_src = len(request.url.params["sources"].split(";"))
        points = [tuple(map(float, p.split(","))) for p in path]
        src, dst = points[:n_src], points[n_src:]
        table = estimate.distances_km(
            [Point(lat, lon) for lon, lat in src],
            [Point(lat, lon) for lon, lat in dst],
        )
        return httpx.Response(
            200, json={"code": "Ok", "distances": [[d * 1000 for d in row] for row in table]}
        )

    def router(_travel: solver_pool.Travel) -> matching.TravelModel:
        travel = matching.OsrmTravel(
            "http://router.test", client=httpx.Client(transport=httpx.MockTransport(answer))
        )
        seen.append(travel)
        return travel

    monkeypatch.setattr(solver_pool.Travel, "model", router)
    # solved in this process: a solver process builds its client in the same solver_pool.run
    # (Travel.model, closed in its finally), but out of this patch's reach
    settings = Settings(osrm_url="http://router.test", solver_processes=0)
    if router_status == 200:
        result = await plan_service.solve(problem, settings, PlanPolicy.baseline)
        assert result.allocations
    else:
        with pytest.raises(ServiceUnavailable):
            await plan_service.solve(problem, settings, PlanPolicy.baseline)
    assert len(seen) == 1
    assert seen[0].client.is_closed
