"""Plans over the sea crossings and closures (SPEC §11): via a bridge, or unmet `unreachable`.

Depots stand at prefectural offices (data/stockpiles/members.csv, GSI positions), the Awaji request
at 洲本市役所 (shared/reference municipalities.csv).
"""

from __future__ import annotations

import dataclasses
import json

import httpx
import pytest

from ukg_aid.geo import Point, distance_km
from ukg_aid.matching import (
    Closures,
    EstimateTravel,
    OsrmTravel,
    Priority,
    Problem,
    RequestLine,
    SolverSettings,
    Supply,
    solve,
    validate,
)

WAKAYAMA = ("30", 34.226111, 135.1675)
OSAKA = ("27", 34.686389, 135.52)
TOKUSHIMA = ("36", 34.065833, 134.559444)
KYOTO = ("26", 35.021389, 135.755556)
SHIGA = ("25", 35.004444, 135.868333)
NARA = ("29", 34.685278, 135.832778)
SUMOTO = (34.3425, 134.895556)
AKASHI, ONARUTO = frozenset({"akashi-kaikyo"}), frozenset({"akashi-kaikyo", "onaruto"})


def _depot(depot_id: int, where: tuple[str, float, float], on_hand: int = 100) -> Supply:
    member, lat, lon = where
    return Supply(depot_id, member, "water", lat, lon, on_hand, 0, 0)


def _awaji_line(quantity: int = 250, line_id: int = 1) -> RequestLine:
    return RequestLine(line_id, line_id, "28", "water", quantity, Priority.CRITICAL, *SUMOTO)


def _problem(
    depots: tuple[Supply, ...], lines: tuple[RequestLine, ...], closures: Closures = Closures()
) -> Problem:
    stricken = frozenset(ln.member_code for ln in lines)
    return Problem(depots, lines, stricken, closures=closures)


def test_awaji_from_wakayama_goes_over_the_akashi_bridge_and_says_so() -> None:
    problem = _problem((_depot(1, WAKAYAMA),), (_awaji_line(50),))
    result = solve(problem)
    assert validate(problem, result) == []
    (a,) = result.allocations
    assert a.reason.endswith(f"{a.distance_km:.0f} km via 明石海峡大橋")
    straight = distance_km(Point(*WAKAYAMA[1:]), Point(*SUMOTO)) * EstimateTravel().circuity
    assert a.distance_km > 2.5 * straight, "not across the Kii Channel"


def test_awaji_from_tokushima_goes_over_the_onaruto_bridge() -> None:
    problem = _problem((_depot(1, TOKUSHIMA),), (_awaji_line(50),))
    (a,) = solve(problem).allocations
    assert a.reason.endswith(" km via 大鳴門橋")


def test_honshu_to_shikoku_names_both_bridges() -> None:
    line = RequestLine(1, 1, "36", "water", 10, Priority.HIGH, *TOKUSHIMA[1:])
    problem = _problem((_depot(1, OSAKA),), (line,))
    (a,) = solve(problem).allocations
    assert a.reason.endswith(" km via 明石海峡大橋 and 大鳴門橋")


def test_akashi_closed_leaves_awaji_only_the_onaruto_way() -> None:
    depots = (_depot(1, WAKAYAMA), _depot(2, OSAKA), _depot(3, TOKUSHIMA))
    problem = _problem(depots, (_awaji_line(),), Closures(AKASHI))
    result = solve(problem)
    assert validate(problem, result) == []
    assert [(a.depot_id, a.quantity) for a in result.allocations] == [(3, 100)]
    assert result.allocations[0].reason.endswith("via 大鳴門橋")
    assert [(u.quantity, u.cause) for u in result.unmet] == [(150, "unreachable")]


def test_both_bridges_closed_make_awaji_unreachable_from_everywhere_off_island() -> None:
    depots = (_depot(1, WAKAYAMA), _depot(2, OSAKA), _depot(3, TOKUSHIMA))
    kyoto_line = RequestLine(2, 2, "26", "water", 40, Priority.CRITICAL, *KYOTO[1:])
    problem = _problem(depots, (_awaji_line(), kyoto_line), Closures(ONARUTO))
    result = solve(problem)
    assert validate(problem, result) == []
    assert {a.line_id for a in result.allocations} == {2}, "Honshu still serves Honshu"
    assert [(u.line_id, u.quantity, u.cause) for u in result.unmet] == [(1, 250, "unreachable")]


def test_a_closed_area_around_a_depot_keeps_its_stock_home() -> None:
    around_osaka = ((135.49, 34.66), (135.55, 34.66), (135.55, 34.71), (135.49, 34.71))
    area = ((*around_osaka, around_osaka[0]),)
    line = RequestLine(1, 1, "29", "water", 150, Priority.CRITICAL, *NARA[1:])
    problem = _problem((_depot(1, OSAKA), _depot(2, SHIGA)), (line,), Closures(areas=(area,)))
    result = solve(problem)
    assert validate(problem, result) == []
    assert [(a.depot_id, a.quantity) for a in result.allocations] == [(2, 100)]
    assert [(u.quantity, u.cause) for u in result.unmet] == [(50, "unreachable")]
    opened = solve(dataclasses.replace(problem, closures=Closures()))
    assert opened.objective.total_allocated == 150 and not opened.unmet


def test_validate_refuses_an_allocation_over_a_closed_way() -> None:
    open_problem = _problem((_depot(1, WAKAYAMA),), (_awaji_line(50),))
    result = solve(open_problem)
    closed = dataclasses.replace(open_problem, closures=Closures(AKASHI))
    assert any("no way is left" in v for v in validate(closed, result))


def test_problems_with_closures_and_deadlines_round_trip() -> None:
    line = dataclasses.replace(_awaji_line(), needed_by_minutes=90.0)
    area = (((135.1, 34.6), (135.2, 34.6), (135.2, 34.7), (135.1, 34.6)),)
    problem = _problem((_depot(1, WAKAYAMA),), (line,), Closures(AKASHI, (area,)))
    assert Problem.from_dict(json.loads(json.dumps(problem.to_dict()))) == problem
    stored = problem.to_dict()
    del stored["closures"]
    for ln in stored["lines"]:
        del ln["needed_by_minutes"]
    old = Problem.from_dict(stored)
    assert old.closures == Closures() and old.lines[0].needed_by_minutes is None


def test_malformed_closures_and_deadlines_are_refused() -> None:
    problem = _problem((_depot(1, WAKAYAMA),), (_awaji_line(),), Closures(frozenset({"seto"})))
    with pytest.raises(ValueError, match="unknown crossings"):
        solve(problem)
    nan_line = dataclasses.replace(_awaji_line(), needed_by_minutes=float("nan"))
    with pytest.raises(ValueError, match="finite"):
        solve(_problem((_depot(1, WAKAYAMA),), (nan_line,)))


def test_a_road_router_keeps_its_km_and_closures_still_remove_ways() -> None:
    """OSRM knows the roads (its km are used as they are) but not the closures: a closed bridge
    still removes the ways that need it, and the land model names the crossing in the reason."""

    def table(request: httpx.Request) -> httpx.Response:
        """Road km by origin: 80 from Osaka (the nearer, were Akashi open), 121 from Tokushima."""
        points = request.url.path.rsplit("/", 1)[1].split(";")
        sources = [int(k) for k in request.url.params["sources"].split(";")]
        n_to = len(request.url.params["destinations"].split(";"))
        lon = [float(points[k].split(",")[0]) for k in sources]
        rows = [[80_000.0 if x > 135 else 121_000.0] * n_to for x in lon]
        return httpx.Response(200, json={"code": "Ok", "distances": rows})

    router = OsrmTravel(
        "http://router.test", client=httpx.Client(transport=httpx.MockTransport(table))
    )
    depots = (_depot(1, OSAKA), _depot(2, TOKUSHIMA))
    problem = _problem(depots, (_awaji_line(),), Closures(AKASHI))
    result = solve(problem, SolverSettings(travel=router))
    assert validate(problem, result, router) == []
    (a,) = result.allocations
    assert (a.depot_id, a.quantity, a.distance_km) == (2, 100, 121.0)
    assert a.reason.endswith("121 km via 大鳴門橋")
    assert [(u.quantity, u.cause) for u in result.unmet] == [(150, "unreachable")]
