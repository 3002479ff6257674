"""Travel models: the SPEC §3 estimate and the OSRM client against a mock transport."""

from __future__ import annotations

import httpx
import pytest

from ukg_aid.geo import Point, haversine_km
from ukg_aid.matching import EstimateTravel, OsrmTravel, TravelError

OSAKA, KOBE, OTSU = Point(34.6864, 135.52), Point(34.6914, 135.1831), Point(35.0044, 135.8683)


def test_estimate_is_haversine_times_circuity_and_truck_eta() -> None:
    travel = EstimateTravel(circuity=1.3, truck_kmh=40, loading_minutes=30)
    table = travel.distances_km([OSAKA, KOBE], [OTSU])
    expected = haversine_km(OSAKA.lat, OSAKA.lon, OTSU.lat, OTSU.lon) * 1.3
    assert table[0][0] == pytest.approx(expected, rel=1e-12)
    assert len(table) == 2 and len(table[1]) == 1
    assert travel.eta_minutes(40.0) == pytest.approx(90.0)


def _osrm(handler: httpx.MockTransport) -> OsrmTravel:
    return OsrmTravel("http://router.test/", client=httpx.Client(transport=handler))


def test_osrm_table_request_and_metres_to_km() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"code": "Ok", "distances": [[41500.0], [12000]]})

    table = _osrm(httpx.MockTransport(handle)).distances_km([OSAKA, KOBE], [OTSU])
    assert table == [[41.5], [12.0]]
    url = seen[0].url
    assert (
        url.path
        == "/table/v1/driving/135.520000,34.686400;135.183100,34.691400;135.868300,35.004400"
    )
    assert url.params["sources"] == "0;1"
    assert url.params["destinations"] == "2"
    assert url.params["annotations"] == "distance,duration"


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(200, json={"code": "NoRoute", "message": "Impossible route"}), "NoRoute"),
        (httpx.Response(200, json={"code": "Ok", "distances": [[None], [1.0]]}), "no route"),
        (httpx.Response(200, json={"code": "Ok", "distances": [[1.0]]}), "shape"),
        (httpx.Response(200, json={"code": "Ok", "distances": [[1.0], [1.0, 2.0]]}), "row 1"),
        (httpx.Response(503, text="busy"), "request failed"),
        (httpx.Response(200, text="<html>"), "request failed"),
    ],
)
def test_osrm_bad_answers_raise_travel_error(response: httpx.Response, message: str) -> None:
    travel = _osrm(httpx.MockTransport(lambda request: response))
    with pytest.raises(TravelError, match=message):
        travel.distances_km([OSAKA, KOBE], [OTSU])


def test_osrm_empty_inputs_make_no_request() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    assert _osrm(httpx.MockTransport(refuse)).distances_km([], [OTSU]) == []
