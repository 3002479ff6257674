"""The ground-motion chain: hand-computed values, conversions, distances, monotonicity."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon

from ukg_aid.quake.fault import FiniteFault, SegmentedFault, rectangular_plane
from ukg_aid.quake.model import (
    Event,
    FaultType,
    fault_distance_km,
    intensity_at,
    intensity_from_pgv,
    jma_class,
    mj_to_mw,
    pgv600,
    site_amplification,
)

KM_PER_DEG = math.pi * 6371.0 / 180.0  # 111.195 km per degree of latitude


def test_pgv600_hand_computed_crustal() -> None:
    # Mw 7.0, D = 10 km, X = 20 km, crustal (d = 0):
    #   0.58·7.0 = 4.06;  0.0038·10 = 0.038;  c = 0.0028·10^3.5 = 8.8544
    #   log10(20 + 8.8544) = 1.46022;  0.002·20 = 0.04
    #   log10 PGV600 = 4.06 + 0.038 + 0 − 1.29 − 1.46022 − 0.04 = 1.30778 → 20.31 cm/s
    assert pgv600(7.0, 10.0, 20.0, FaultType.CRUSTAL) == pytest.approx(20.31, abs=0.01)


def test_site_amplification_and_intensity_hand_computed() -> None:
    # ARV(300) = 10^(1.83 − 0.66·log10 300) = 10^(1.83 − 1.63490) = 10^0.19510 = 1.5671
    assert site_amplification(300.0) == pytest.approx(1.5671, abs=1e-4)
    # ARV(600) = 10^(1.83 − 1.83360) ≈ 0.992: 600 m/s is the bedrock reference
    assert site_amplification(600.0) == pytest.approx(0.992, abs=1e-3)
    # surface PGV = 20.314 · 1.5671 = 31.834; I = 2.68 + 1.72·log10 31.834 = 2.68 + 1.72·1.50288
    #   = 5.2650 → class "5+"
    pgv = 20.3137 * 1.5671
    assert intensity_from_pgv(pgv) == pytest.approx(5.265, abs=0.001)
    assert jma_class(intensity_from_pgv(pgv)) == "5+"


def test_source_term_and_magnitude_cap() -> None:
    # d: interplate −0.02, intraplate +0.12 in log10 PGV relative to crustal
    crustal = pgv600(7.0, 30.0, 50.0, FaultType.CRUSTAL)
    assert pgv600(7.0, 30.0, 50.0, FaultType.INTERPLATE) == pytest.approx(crustal * 10**-0.02)
    assert pgv600(7.0, 30.0, 50.0, FaultType.INTRAPLATE) == pytest.approx(crustal * 10**0.12)
    # NIED 2009: Mw is clipped at 8.3, so Mw 9.1 shakes like Mw 8.3 at the same distance
    assert pgv600(9.1, 30.0, 100.0, "interplate") == pgv600(8.3, 30.0, 100.0, "interplate")
    assert pgv600(8.0, 30.0, 100.0, "interplate") < pgv600(8.3, 30.0, 100.0, "interplate")


def test_point_source_distance_floor_and_half_length() -> None:
    event = Event(lat=34.0, lon=135.0, depth_km=10.0, mw=7.0)
    # above the hypocentre: R = 10 km, L = 10^(3.5 − 1.85) = 44.67 km, so X = max(10 − 22.3, 3) = 3
    assert fault_distance_km(event, 34.0, 135.0) == pytest.approx(3.0)
    # 100 km north: R = sqrt(100² + 10²) = 100.50; X = 100.50 − 22.33 = 78.16
    site_lat = 34.0 + 100.0 / KM_PER_DEG
    assert fault_distance_km(event, site_lat, 135.0) == pytest.approx(78.16, abs=0.02)
    shaking = intensity_at(event, 34.0, 135.0)
    assert shaking.pgv == pytest.approx(pgv600(7.0, 10.0, 3.0, "crustal") * 1.56711, rel=1e-4)


def test_mj_to_mw_conversion() -> None:
    assert mj_to_mw(6.1) == pytest.approx(5.929)
    assert Event(lat=34.8, lon=135.6, depth_km=13, mj=6.1).moment_magnitude == pytest.approx(5.929)
    assert Event(lat=34.8, lon=135.6, depth_km=13, mw=6.1).moment_magnitude == 6.1


@pytest.mark.parametrize(("mw", "mj"), [(None, None), (7.0, 7.2)])
def test_event_needs_exactly_one_magnitude(mw: float | None, mj: float | None) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Event(lat=34.0, lon=135.0, depth_km=10.0, mw=mw, mj=mj)


def test_event_rejects_naive_origin_time_and_bad_values() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Event(lat=34.0, lon=135.0, depth_km=10.0, mw=7.0, origin_time=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="depth"):
        Event(lat=34.0, lon=135.0, depth_km=-1.0, mw=7.0)
    aware = Event(lat=34, lon=135, depth_km=1, mw=7, origin_time=datetime(2026, 1, 1, tzinfo=UTC))
    assert aware.fault_type is FaultType.CRUSTAL


def test_avs30_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="AVS30"):
        site_amplification(50.0)


@pytest.mark.parametrize(
    ("intensity", "expected"),
    [
        (0.2, "0"),
        (3.49, "3"),
        (3.5, "4"),
        (4.49, "4"),
        (4.5, "5-"),
        (5.0, "5+"),
        (5.5, "6-"),
        (5.99, "6-"),
        (6.0, "6+"),
        (6.5, "7"),
        (7.0, "7"),
    ],
)
def test_jma_class_thresholds(intensity: float, expected: str) -> None:
    assert jma_class(intensity) == expected


def test_intensity_is_clipped() -> None:
    assert intensity_from_pgv(1e6) == 7.0
    assert intensity_from_pgv(1e-6) == 0.0
    assert intensity_from_pgv(0.0) == 0.0


@given(
    near=st.floats(min_value=0.0, max_value=300.0),
    extra=st.floats(min_value=0.01, max_value=300.0),
    mw=st.floats(min_value=4.0, max_value=9.2),
    depth=st.floats(min_value=0.0, max_value=80.0),
    fault_type=st.sampled_from(list(FaultType)),
)
def test_intensity_decreases_with_distance(
    near: float, extra: float, mw: float, depth: float, fault_type: FaultType
) -> None:
    event = Event(lat=34.5, lon=135.5, depth_km=depth, mw=mw, fault_type=fault_type)
    a = intensity_at(event, 34.5 + near / KM_PER_DEG, 135.5)
    b = intensity_at(event, 34.5 + (near + extra) / KM_PER_DEG, 135.5)
    assert b.pgv <= a.pgv
    assert b.intensity <= a.intensity


def test_line_fault_distance_is_3d_to_top_edge() -> None:
    lat = 34.5
    trace = LineString([(135.5, lat - 0.2), (135.5, lat + 0.2)])  # N-S, ~44 km
    fault = FiniteFault(trace, top_km=3.0, bottom_km=15.0)
    east_10km = 135.5 + 10.0 / (KM_PER_DEG * math.cos(math.radians(lat)))
    # beside the middle: sqrt(10² + 3²) = 10.440
    assert fault.distance_km(lat, east_10km) == pytest.approx(10.440, abs=0.01)
    # 10 km beyond the north end, on the trace's line: sqrt(10² + 3²) again
    north = lat + 0.2 + 10.0 / KM_PER_DEG
    assert fault.distance_km(north, 135.5) == pytest.approx(10.440, abs=0.01)
    # on the trace: the top depth
    assert fault.distance_km(lat, 135.5) == pytest.approx(3.0, abs=1e-6)


def test_dipping_plane_distance() -> None:
    lat0, lon0 = 33.5, 135.0
    deg_e = 1.0 / (KM_PER_DEG * math.cos(math.radians(lat0)))
    deg_n = 1.0 / KM_PER_DEG
    # up-dip edge (first edge) along a meridian at 10 km, dipping east to 30 km over 50 km
    corners = [
        (lon0, lat0 - 50 * deg_n),
        (lon0, lat0 + 50 * deg_n),
        (lon0 + 50 * deg_e, lat0 + 50 * deg_n),
        (lon0 + 50 * deg_e, lat0 - 50 * deg_n),
    ]
    fault = FiniteFault(Polygon(corners), top_km=10.0, bottom_km=30.0, mesh_km=1.0)
    # above the 20 km contour (25 km east): the nearest point is along the normal,
    # 20·cos(atan(20/50)) = 20·0.92848 = 18.57 km
    assert fault.distance_km(lat0, lon0 + 25 * deg_e) == pytest.approx(18.57, abs=0.5)
    # 10 km west of the up-dip edge: the edge itself, sqrt(10² + 10²) = 14.14 km
    assert fault.distance_km(lat0, lon0 - 10 * deg_e) == pytest.approx(14.14, abs=0.3)


def test_finite_fault_is_used_by_the_event() -> None:
    fault = FiniteFault(LineString([(135.0, 34.0), (135.0, 34.5)]), top_km=0.0, bottom_km=15.0)
    event = Event(lat=34.25, lon=135.0, depth_km=10.0, mw=7.0, fault=fault)
    # on the trace, X = 0; far along the trace the point-source formula would give much more
    assert fault_distance_km(event, 34.5, 135.0) == pytest.approx(0.0, abs=1e-6)


def test_finite_fault_validation() -> None:
    with pytest.raises(ValueError, match="top_km"):
        FiniteFault(LineString([(135.0, 34.0), (135.0, 34.5)]), top_km=5.0, bottom_km=1.0)
    with pytest.raises(TypeError):
        FiniteFault(LineString([(135.0, 34.0), (135.0, 34.5)]).centroid, 0.0, 1.0)


def test_rectangular_plane_from_evaluation_parameters() -> None:
    lat0, lon0 = 37.0, 137.0
    plane = rectangular_plane(
        lat=lat0, lon=lon0, strike_deg=90, length_km=40, width_km=20, dip_deg=30
    )
    assert plane.top_km == 0.0
    assert plane.bottom_km == pytest.approx(10.0)  # 20 · sin 30°
    deg_e = 1.0 / (KM_PER_DEG * math.cos(math.radians(lat0)))
    # strike east: the plane dips to the south (right of the strike), 17.3 km across
    south = lat0 - (20 * math.cos(math.radians(30)) / 2) / KM_PER_DEG
    above_middle = plane.distance_km(south, lon0 + 20 * deg_e)
    # 8.66 km south of the trace the plane is 5 km deep: X = 5 · cos 30° = 4.33 km
    assert above_middle == pytest.approx(4.33, abs=0.4)
    north = lat0 + 10 / KM_PER_DEG  # footwall: the top edge is nearest
    assert plane.distance_km(north, lon0 + 20 * deg_e) == pytest.approx(10.0, abs=0.1)
    vertical = rectangular_plane(
        lat=lat0, lon=lon0, strike_deg=0, length_km=10, width_km=15, dip_deg=90
    )
    assert vertical.is_line
    assert vertical.bottom_km == pytest.approx(15.0)
    with pytest.raises(ValueError, match="dip_deg"):
        rectangular_plane(lat=lat0, lon=lon0, strike_deg=0, length_km=10, width_km=5, dip_deg=0)


def test_segmented_fault_takes_the_nearest_part() -> None:
    west = FiniteFault(LineString([(135.0, 34.0), (135.0, 34.2)]), top_km=2.0, bottom_km=15.0)
    east = FiniteFault(LineString([(135.5, 34.0), (135.5, 34.2)]), top_km=0.0, bottom_km=15.0)
    both = SegmentedFault((west, east))
    assert both.distance_km(34.1, 135.0) == pytest.approx(2.0, abs=1e-6)
    assert both.distance_km(34.1, 135.5) == pytest.approx(0.0, abs=1e-6)
    assert both.distance_km(34.1, 135.3) == east.distance_km(34.1, 135.3)
    with pytest.raises(ValueError, match="at least one"):
        SegmentedFault(())
