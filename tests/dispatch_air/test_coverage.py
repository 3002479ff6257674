import dataclasses
import datetime as dt

import pytest
from heli_fixtures import BASES, make_aircraft

from ukg_aid.dispatch_air import (
    JST,
    Aircraft,
    AircraftStatus,
    CoverageReason,
    CoverageRow,
    coverage,
)

MORNING = dt.datetime(2026, 12, 21, 10, 0, tzinfo=JST)
# Member offices from reference/members.csv.
OFFICES = {
    "27": (34.686389, 135.520000),  # Osaka prefectural office
    "31": (35.503611, 134.238333),  # Tottori prefectural office
    "30": (34.226111, 135.167500),  # Wakayama prefectural office
}


def test_rows_follow_office_order_with_the_fastest_aircraft(fleet: list[Aircraft]) -> None:
    rows = coverage(fleet, OFFICES, MORNING)
    assert [r.member_code for r in rows] == ["27", "31", "30"]
    osaka, tottori, wakayama = rows
    # Osaka office from the Osaka base (34.810, 135.526): dlat 0.123611 deg = 13.745 km,
    # dlon 0.006 deg * 111.195 * cos(34.75 deg) = 0.548 km -> 13.756 km -> 3.75 min + 5 lift-off.
    assert osaka.helicopter_id == make_aircraft("osaka").id
    assert osaka.flight_minutes == pytest.approx(8.75, abs=0.01)
    assert osaka.within_30
    # Tottori city is served from Toyooka, not from the Tottori base at Yonago (about 83 km):
    # dlat 0.0444 deg = 4.93 km, dlon 0.5767 deg * 111.195 * cos(35.53 deg) = 52.18 km
    # -> 52.41 km -> 14.29 min + 5 lift-off = 19.29 min.
    assert tottori.helicopter_id == make_aircraft("toyooka").id
    assert tottori.flight_minutes == pytest.approx(19.29, abs=0.02)
    assert tottori.within_30
    assert wakayama.helicopter_id == make_aircraft("wakayama").id


def test_unavailable_aircraft_do_not_cover(fleet: list[Aircraft]) -> None:
    fleet = [
        a if a.base_name == "osaka" else dataclasses.replace(a, status=AircraftStatus.maintenance)
        for a in fleet
    ]
    rows = coverage(fleet, {"31": OFFICES["31"]}, MORNING)
    # From Osaka, Tottori office is about 140 km: 5 + 140 / 220 * 60 = 43 min, not within 30.
    assert rows[0].helicopter_id == make_aircraft("osaka").id
    assert rows[0].flight_minutes is not None
    assert rows[0].flight_minutes > 30
    assert not rows[0].within_30


def test_after_sunset_nobody_covers(fleet: list[Aircraft]) -> None:
    evening = dt.datetime(2026, 12, 21, 17, 30, tzinfo=JST)
    rows = coverage(fleet, OFFICES, evening)
    assert rows == [
        CoverageRow(code, None, None, False, CoverageReason.night, f"night {len(BASES)}")
        for code in OFFICES
    ]
    assert len(BASES) == len(fleet)
