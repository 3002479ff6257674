"""Weather holds (SPEC §12): an area or a base where Doctor-Helis may not fly for a while.

A hold lasts from ``start`` (inclusive) to ``until`` (exclusive) and is one of

* an **area hold**: a shapely ``Polygon`` or ``MultiPolygon`` in (lon, lat) degrees, GeoJSON's
  axis order (``shapely.geometry.shape(geojson)`` builds it). A sortie is held when one of its
  legs touches the area (boundary included) during the minutes that leg is flown;
* a **base hold**: ``base_helicopter_id`` names the aircraft whose operating base is held (the
  forward base while it is staged). Every sortie of that aircraft whose time, from assignment to
  back at base, overlaps the hold is held: it could not lift off, or could not land back.

Legs are drawn as **straight segments in lon/lat** (shapely ``LineString``), not great circles.
Over the union the great-circle arc departs from that chord by about tan(φ) · L² / (8 R): for the
longest legs in the union (Yonago → Shingu, 309 km) at most 1.4 km, for 200 km legs about 0.5 km —
well inside the precision of a hold drawn on a map. A held leg is refused, not re-routed around
the area (there are no detours). Ground time is not checked on its own: waiting on scene inside a
hold that begins after landing and ends before take-off is not held.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry import Point as ShapelyPoint

from ukg_aid.dispatch_air.model import JST
from ukg_aid.dispatch_air.sortie import Sortie
from ukg_aid.geo import Point


@dataclass(frozen=True, slots=True, kw_only=True)
class WeatherHold:
    """A weather hold on an ``area`` or on one aircraft's base (exactly one of the two)."""

    id: int
    start: dt.datetime
    until: dt.datetime
    reason: str
    area: Polygon | MultiPolygon | None = None
    base_helicopter_id: int | None = None
    bounds: tuple[float, float, float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.area is None) == (self.base_helicopter_id is None):
            msg = f"weather hold {self.id}: give exactly one of area and base_helicopter_id"
            raise ValueError(msg)
        if self.start.utcoffset() is None or self.until.utcoffset() is None:
            msg = f"weather hold {self.id}: start and until must be timezone-aware"
            raise ValueError(msg)
        if self.until <= self.start:
            msg = f"weather hold {self.id}: until must be after start"
            raise ValueError(msg)
        bounds = (0.0, 0.0, 0.0, 0.0)
        if self.area is not None:
            if self.area.is_empty or not self.area.is_valid:
                msg = f"weather hold {self.id}: the area must be a valid, non-empty polygon"
                raise ValueError(msg)
            shapely.prepare(self.area)  # many segments are tested against one area
            bounds = self.area.bounds
        object.__setattr__(self, "bounds", bounds)

    def during(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the hold overlaps ``[start, end]`` (an instant when ``start == end``)."""
        return self.start <= end and start < self.until


@dataclass(frozen=True, slots=True)
class Leg:
    """One straight flight segment and when it is flown."""

    name: str
    start: Point
    end: Point
    depart_at: dt.datetime
    arrive_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Held:
    """The hold that stops a sortie, and on which leg (``"base"`` for a base hold)."""

    hold: WeatherHold
    leg: str

    def describe(self) -> str:
        window = f"{_hhmm(self.hold.start)}-{_hhmm(self.hold.until)}"
        return f"{self.leg} held by weather hold {self.hold.id} ({self.hold.reason}, {window})"


def _hhmm(t: dt.datetime) -> str:
    return t.astimezone(JST).strftime("%H:%M")  # desks read Japan time, whatever zone came in


def sortie_legs(sortie: Sortie) -> tuple[Leg, Leg, Leg]:
    """The three flight legs of a sortie: base → scene, scene → hospital, hospital → base."""
    hospital = sortie.hospital.point
    return (
        Leg("base → scene", sortie.base, sortie.scene, sortie.depart_at, sortie.on_scene_at),
        Leg(
            "scene → hospital",
            sortie.scene,
            hospital,
            sortie.leave_scene_at,
            sortie.at_hospital_at,
        ),
        Leg(
            "hospital → base", hospital, sortie.base, sortie.at_hospital_at, sortie.back_at_base_at
        ),
    )


def leg_crosses(leg: Leg, hold: WeatherHold) -> bool:
    """Whether the segment of ``leg`` touches ``hold``'s area (a base hold has none)."""
    if hold.area is None:
        return False
    lon0, lat0, lon1, lat1 = hold.bounds
    a, b = leg.start, leg.end
    if (
        max(a.lon, b.lon) < lon0
        or min(a.lon, b.lon) > lon1
        or max(a.lat, b.lat) < lat0
        or min(a.lat, b.lat) > lat1
    ):
        return False  # the segment's bounding box misses the area's: no shapely call needed
    if a == b:
        return bool(hold.area.intersects(ShapelyPoint(a.lon, a.lat)))
    return bool(hold.area.intersects(LineString([(a.lon, a.lat), (b.lon, b.lat)])))


def leg_hold(leg: Leg, holds: Sequence[WeatherHold]) -> WeatherHold | None:
    """The first area hold that the leg crosses while it is flown."""
    for hold in holds:
        if hold.during(leg.depart_at, leg.arrive_at) and leg_crosses(leg, hold):
            return hold
    return None


def base_hold(
    aircraft_id: int, start: dt.datetime, end: dt.datetime, holds: Sequence[WeatherHold]
) -> WeatherHold | None:
    """The first hold on ``aircraft_id``'s base that overlaps ``[start, end]``."""
    for hold in holds:
        if hold.base_helicopter_id == aircraft_id and hold.during(start, end):
            return hold
    return None


def sortie_hold(sortie: Sortie, holds: Sequence[WeatherHold]) -> Held | None:
    """Why weather stops ``sortie`` (a base hold first, then legs in flying order), or ``None``."""
    if not holds:
        return None
    hold = base_hold(sortie.aircraft_id, sortie.assigned_at, sortie.back_at_base_at, holds)
    if hold is not None:
        return Held(hold, f"base {sortie.base_name}")
    for leg in sortie_legs(sortie):
        hold = leg_hold(leg, holds)
        if hold is not None:
            return Held(hold, leg.name)
    return None


def point_held(point: Point, at: dt.datetime, holds: Sequence[WeatherHold]) -> WeatherHold | None:
    """The first area hold that covers ``point`` at the instant ``at``."""
    here = Leg("", point, point, at, at)
    return leg_hold(here, holds)
