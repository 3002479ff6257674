"""Built-in earthquake scenarios, stored as JSON files in ``ukg_aid/quake/scenarios/``.

A scenario file holds ``name``, ``title``, ``title_ja`` (optional), ``start_time`` (ISO 8601
with offset, JST), ``event`` (``lat``, ``lon``, ``depth_km``, exactly one of ``mw``/``mj``,
``fault_type`` and an optional ``fault``), ``sources`` and ``notes``. A fault is
``{"type": "line" | "plane", "coordinates": [[lon, lat], ...], "top_km", "bottom_km", "mesh_km"?}``:
a ``line`` is the trace of a vertical plane; a ``plane`` is the outline of a dipping plane whose
first edge is the up-dip edge (see :mod:`ukg_aid.quake.fault`); or ``{"type": "segments",
"segments": [{"name", "lat", "lon", "strike_deg", "length_km", "width_km", "dip_deg", "top_km"?},
...], "mesh_km"?}``, rectangles as an active-fault evaluation gives them.

An out-of-region scenario also names the ``guests`` it strikes (codes of
``quake/data/guests.csv``) and may carry the ``counterparts`` the union decided for it
(``{"decided_on", "sources", "note", "pairs": [{"supporter_code", "recipient_code"}, ...]}``):
real pairs, for a drill to set on its incident; nothing sets them by default.

A scenario may carry ``weather_holds`` for its drill (SPEC §12): ``[{"area": GeoJSON Polygon
| "base_callsign": str, "from_hours", "until_hours" (after ``start_time``), "reason", "note"}]``.
They are drill weather (assumptions, said in ``note``), not a record of the day's weather.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Any

from shapely.geometry import LineString, Polygon

from ukg_aid.quake.fault import FiniteFault, SegmentedFault, rectangular_plane
from ukg_aid.quake.model import Event, FaultType

_PACKAGE = "ukg_aid.quake"
_FOLDER = "scenarios"


class UnknownScenarioError(LookupError):
    """No built-in scenario has that name."""


@dataclass(frozen=True, slots=True)
class CounterpartPair:
    """A union member (supporter) assigned to a recipient (member or guest)."""

    supporter_code: str
    recipient_code: str


@dataclass(frozen=True)
class Counterparts:
    """Counterpart pairs the union decided for a real event, with their sources."""

    decided_on: date
    pairs: tuple[CounterpartPair, ...]
    sources: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class ScenarioHold:
    """A weather hold a drill records at its start: an area or one aircraft's base."""

    from_hours: float
    until_hours: float
    reason: str
    area: Mapping[str, Any] | None = None
    base_callsign: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Scenario:
    """A named drill scenario: the event, when it strikes, and where its numbers come from."""

    name: str
    title: str
    event: Event
    start_time: datetime
    sources: tuple[str, ...]
    notes: str
    title_ja: str | None = None
    guest_codes: tuple[str, ...] = ()
    counterparts: Counterparts | None = None
    weather_holds: tuple[ScenarioHold, ...] = ()


def _scenario_dir() -> Any:
    return resources.files(_PACKAGE).joinpath(_FOLDER)


def list_scenarios() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(
        entry.name.removesuffix(".json")
        for entry in _scenario_dir().iterdir()
        if entry.name.endswith(".json")
    )


def load_scenario(name: str) -> Scenario:
    """Load a built-in scenario by name (e.g. ``"nankai-trough"``)."""
    if name not in list_scenarios():
        known = ", ".join(list_scenarios())
        raise UnknownScenarioError(f"unknown scenario {name!r}; known: {known}")
    text = _scenario_dir().joinpath(f"{name}.json").read_text(encoding="utf-8")
    return scenario_from_dict(json.loads(text))


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """Build a :class:`Scenario` from its JSON form (see module docstring)."""
    start = datetime.fromisoformat(data["start_time"])
    if start.tzinfo is None:
        raise ValueError("scenario start_time needs a UTC offset")
    raw = data["event"]
    fault = fault_from_dict(raw["fault"]) if raw.get("fault") else None
    event = Event(
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        depth_km=float(raw["depth_km"]),
        mw=_optional_float(raw.get("mw")),
        mj=_optional_float(raw.get("mj")),
        fault_type=FaultType(raw.get("fault_type", "crustal")),
        fault=fault,
        origin_time=start,
    )
    return Scenario(
        name=str(data["name"]),
        title=str(data["title"]),
        event=event,
        start_time=start,
        sources=tuple(str(s) for s in data.get("sources", ())),
        notes=str(data.get("notes", "")),
        title_ja=str(data["title_ja"]) if data.get("title_ja") else None,
        guest_codes=tuple(str(c) for c in data.get("guests", ())),
        counterparts=_counterparts(data["counterparts"]) if data.get("counterparts") else None,
        weather_holds=tuple(_hold(h) for h in data.get("weather_holds", ())),
    )


def _hold(data: Mapping[str, Any]) -> ScenarioHold:
    hold = ScenarioHold(
        from_hours=float(data["from_hours"]),
        until_hours=float(data["until_hours"]),
        reason=str(data["reason"]),
        area=data.get("area"),
        base_callsign=data.get("base_callsign"),
        note=str(data.get("note", "")),
    )
    if (hold.area is None) == (hold.base_callsign is None):
        raise ValueError("a scenario weather hold needs exactly one of area and base_callsign")
    if hold.until_hours <= hold.from_hours:
        raise ValueError("a scenario weather hold must end after it starts")
    return hold


def _counterparts(data: Mapping[str, Any]) -> Counterparts:
    pairs = tuple(
        CounterpartPair(str(p["supporter_code"]), str(p["recipient_code"])) for p in data["pairs"]
    )
    if len(set(pairs)) != len(pairs):
        raise ValueError("counterpart pairs must be unique")
    return Counterparts(
        decided_on=date.fromisoformat(data["decided_on"]),
        pairs=pairs,
        sources=tuple(str(s) for s in data.get("sources", ())),
        note=str(data.get("note", "")),
    )


def fault_from_dict(data: Mapping[str, Any]) -> FiniteFault | SegmentedFault:
    """Build a fault from its JSON form (``line``, ``plane`` or ``segments``)."""
    if data["type"] == "segments":
        mesh = float(data.get("mesh_km", 2.0))
        return SegmentedFault(tuple(_segment(seg, mesh) for seg in data["segments"]))
    coords = [(float(lon), float(lat)) for lon, lat in data["coordinates"]]
    kind = data["type"]
    if kind == "line":
        geometry: LineString | Polygon = LineString(coords)
    elif kind == "plane":
        geometry = Polygon(coords)
    else:
        raise ValueError(f"fault type must be 'line', 'plane' or 'segments', got {kind!r}")
    return FiniteFault(
        geometry=geometry,
        top_km=float(data["top_km"]),
        bottom_km=float(data["bottom_km"]),
        mesh_km=float(data.get("mesh_km", 2.0)),
    )


def _segment(data: Mapping[str, Any], mesh_km: float) -> FiniteFault:
    return rectangular_plane(
        lat=float(data["lat"]),
        lon=float(data["lon"]),
        strike_deg=float(data["strike_deg"]),
        length_km=float(data["length_km"]),
        width_km=float(data["width_km"]),
        dip_deg=float(data["dip_deg"]),
        top_km=float(data.get("top_km", 0.0)),
        mesh_km=mesh_km,
    )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
