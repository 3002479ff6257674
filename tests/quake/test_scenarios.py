"""Built-in scenarios load, and reproduce observed intensities within one JMA class."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from ukg_aid.quake.fault import FiniteFault, SegmentedFault
from ukg_aid.quake.model import JMA_CLASSES, FaultType, intensity_at
from ukg_aid.quake.scenarios import (
    CounterpartPair,
    UnknownScenarioError,
    fault_from_dict,
    list_scenarios,
    load_scenario,
    scenario_from_dict,
)


def _class_gap(predicted: str, observed: str) -> int:
    return abs(JMA_CLASSES.index(predicted) - JMA_CLASSES.index(observed))


def test_the_five_scenarios_load() -> None:
    assert list_scenarios() == [
        "hyogo-nanbu-1995",
        "nankai-trough",
        "northern-osaka-2018",
        "noto-2024",
        "uemachi-fault",
    ]
    for name in list_scenarios():
        scenario = load_scenario(name)
        assert scenario.name == name
        assert scenario.start_time.utcoffset() == timedelta(hours=9)
        assert scenario.event.origin_time == scenario.start_time
        assert scenario.sources
        assert scenario.notes


def test_scenario_event_parameters() -> None:
    osaka = load_scenario("northern-osaka-2018").event
    assert (osaka.mj, osaka.depth_km, osaka.fault) == (6.1, 13.0, None)
    kobe = load_scenario("hyogo-nanbu-1995").event
    assert kobe.mj == 7.3
    assert isinstance(kobe.fault, FiniteFault)
    assert kobe.fault.is_line
    nankai = load_scenario("nankai-trough").event
    assert nankai.mw == 9.1
    assert nankai.fault_type is FaultType.INTERPLATE
    assert isinstance(nankai.fault, FiniteFault)
    assert not nankai.fault.is_line
    uemachi = load_scenario("uemachi-fault").event
    assert isinstance(uemachi.fault, FiniteFault)
    # the trace runs N-S for about 42 km (HERP): 0.38° ≈ 40 km at this latitude
    south, north = uemachi.fault.geometry.bounds[1], uemachi.fault.geometry.bounds[3]
    assert 35.0 < (north - south) * 111.2 < 45.0


def test_unknown_scenario() -> None:
    with pytest.raises(UnknownScenarioError, match="known: hyogo-nanbu-1995"):
        load_scenario("tokai")


def test_fault_dict_rejects_unknown_type() -> None:
    with pytest.raises(ValueError, match="line"):
        fault_from_dict(
            {"type": "box", "coordinates": [[135, 34], [135, 35]], "top_km": 0, "bottom_km": 10}
        )


@pytest.mark.parametrize(
    ("place", "lat", "lon", "observed"),
    [
        ("Takatsuki city hall", 34.846111, 135.617222, "6-"),
        ("Ibaraki city hall", 34.816389, 135.568611, "6-"),
        ("Hirakata city hall", 34.814444, 135.650833, "6-"),
        ("Otsu city hall", 35.017778, 135.854722, "5-"),
    ],
)
def test_northern_osaka_2018_within_one_class(
    place: str, lat: float, lon: float, observed: str
) -> None:
    shaking = intensity_at(load_scenario("northern-osaka-2018").event, lat, lon)
    assert _class_gap(shaking.jma_class, observed) <= 1, (place, shaking)


def test_hyogo_nanbu_1995_kobe() -> None:
    event = load_scenario("hyogo-nanbu-1995").event
    # JMA Kobe (Nakayamate): 6 on the old scale; parts of Kobe 7
    jma_kobe = intensity_at(event, 34.6967, 135.1800)
    assert jma_kobe.jma_class in {"6-", "6+"}
    chuo_ward = intensity_at(event, 34.695, 135.1975)
    assert _class_gap(chuo_ward.jma_class, "7") <= 1
    # the far side of the Rokko mountains shakes less
    assert intensity_at(event, 34.90, 135.20).intensity < chuo_ward.intensity


def test_nankai_shakes_the_kii_coast_hardest() -> None:
    event = load_scenario("nankai-trough").event
    kushimoto = intensity_at(event, 33.4728, 135.7811)
    osaka = intensity_at(event, 34.6937, 135.5022)
    tottori = intensity_at(event, 35.5036, 134.2383)
    assert kushimoto.intensity > osaka.intensity > tottori.intensity
    assert kushimoto.jma_class in {"6-", "6+", "7"}


def test_segments_and_counterparts_in_scenario_json() -> None:
    segment = {"lat": 37.3, "lon": 136.7, "strike_deg": 47, "length_km": 24, "width_km": 21}
    fault = fault_from_dict({"type": "segments", "segments": [segment | {"dip_deg": 45}]})
    assert isinstance(fault, SegmentedFault)
    assert fault.parts[0].bottom_km == pytest.approx(21 * math.sin(math.radians(45)))
    base = {
        "name": "x",
        "title": "x",
        "start_time": "2024-01-01T16:10:00+09:00",
        "event": {"lat": 37.5, "lon": 137.3, "depth_km": 16, "mw": 7.5},
    }
    pair = {"supporter_code": "28", "recipient_code": "17205"}
    counterparts = {"decided_on": "2024-01-04", "pairs": [pair]}
    scenario = scenario_from_dict(base | {"guests": ["17205"], "counterparts": counterparts})
    assert scenario.guest_codes == ("17205",)
    assert scenario.counterparts is not None
    assert scenario.counterparts.pairs == (CounterpartPair("28", "17205"),)
    assert scenario_from_dict(base).counterparts is None
    with pytest.raises(ValueError, match="unique"):
        scenario_from_dict(base | {"counterparts": counterparts | {"pairs": [pair, pair]}})
