"""The drill script: a scenario's impact turned into timed actions. Pure and deterministic.

Assumptions (drill rules, not sourced facts; see docs/drills.md):
- A member files aid requests when the median intensity somewhere in its area reaches 5+
  (``FILE_THRESHOLD``); the model under-predicts the maximum (docs/quake-model.md), and 5+ median
  is where 6- is observed locally.
- Requests come in daily waves at +1 h, +24 h and +48 h, each for that day's need (the first also
  for one-off items such as blankets), split between the member's office and the office of its
  most shaken municipality; the offices of its municipalities on another land (Awaji for Hyogo)
  where the median reaches 5+ file their own evacuees' share (``island_points``).
- Priorities: water and meals are ``critical``, infant formula and diapers ``high``, the rest
  ``normal``.
- Medevac missions are filed in the hour the impact model reports them, at the office of a
  municipality drawn with weights = exposed population, at most ``MAX_MISSIONS_PER_HOUR``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ukg_aid.geo import Point
from ukg_aid.quake.areas import GuestArea, MemberArea, Municipality, municipalities_of
from ukg_aid.quake.assumptions import evacuee_share
from ukg_aid.quake.impact import Impact, MemberImpact
from ukg_aid.quake.model import Event, intensity_at
from ukg_aid.routing.land import land_model

FILE_THRESHOLD = 5.0
NEEDED_WITHIN = timedelta(hours=24)
"""ASSUMPTION (drill rule, docs/logistics.md): a wave is one day's need, so a desk asks for its
critical and high lines (water, meals, formula, diapers) to arrive within that day; normal lines
carry no deadline."""
WAVE_HOURS = (1, 24, 48)
MAX_MISSIONS_PER_HOUR = 30
PRIORITY = {
    "water": "critical",
    "meals": "critical",
    "infant_formula": "high",
    "child_diapers": "high",
    "adult_diapers": "high",
}


@dataclass(frozen=True, slots=True)
class DeliveryPoint:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class RequestWave:
    """Needs a member must cover at ``at``: ``lines`` per item over the wave's day."""

    at: datetime
    wave: int
    member_code: str
    points: tuple[DeliveryPoint, ...]
    lines: tuple[tuple[str, int], ...]
    weights: tuple[int, ...] = ()
    """Each point's share of the lines (evacuees there); empty: equal shares."""

    def shares(self, quantity: int) -> list[int]:
        if not self.weights:
            return split(quantity, len(self.points))
        return split_weighted(quantity, self.weights)


@dataclass(frozen=True, slots=True)
class DepotFailure:
    at: datetime
    depot_id: int
    member_code: str
    status: str


@dataclass(frozen=True, slots=True)
class MissionCall:
    at: datetime
    member_code: str
    severity: str
    point: DeliveryPoint


@dataclass(frozen=True, slots=True)
class HospitalChange:
    """A receiving hospital's status set by EMS at the drill's start (shaking or a named one)."""

    hospital_id: int
    key: str
    status: str
    why: str  # "intensity 6.3" or "named"


@dataclass(frozen=True, slots=True)
class HoldCall:
    """A weather hold EMS records at the drill's start (the body of ``POST /weather-holds``)."""

    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DrillScript:
    start: datetime
    hours: int
    waves: tuple[RequestWave, ...]
    failures: tuple[DepotFailure, ...]
    missions: tuple[MissionCall, ...]
    filing_members: tuple[str, ...]
    hospitals: tuple[HospitalChange, ...] = ()
    holds: tuple[HoldCall, ...] = ()


def build_script(
    *,
    event: Event,
    impact: Impact,
    members: Sequence[MemberArea],
    municipalities: Sequence[Municipality],
    start: datetime,
    hours: int,
    seed: int,
    guests: Sequence[GuestArea] = (),
) -> DrillScript:
    rng = random.Random(seed)
    codes = [m.code for m in members]
    areas = {m.code: municipalities_of(m, codes, municipalities) for m in members}
    shaken = (*impact.members, *impact.guests)
    filing = tuple(
        mi.member_code for mi in shaken if mi.max_intensity >= FILE_THRESHOLD and mi.evacuees > 0
    )
    by_code = {m.code: m for m in members} | {g.code: _guest_member(g) for g in guests}
    by_impact = {mi.member_code: mi for mi in shaken}
    waves = tuple(
        wave
        for code in filing
        for wave in _waves(event, by_impact[code], by_code[code], areas.get(code, ()), start, hours)
    )
    failures = tuple(
        DepotFailure(at=start, depot_id=int(d.depot_id), member_code=d.member_code, status=d.status)
        for mi in impact.members
        for d in mi.depots
        if d.status != "operational"
    )
    missions = tuple(_missions(event, impact, areas, start, hours, rng))
    return DrillScript(
        start=start,
        hours=hours,
        waves=waves,
        failures=failures,
        missions=missions,
        filing_members=filing,
    )


def _guest_member(guest: GuestArea) -> MemberArea:
    """A guest recipient as the script needs it: one delivery point, its office (a guest's
    area is its office point, ``quake.areas.guest_area``)."""
    return MemberArea(
        code=guest.code,
        kind="guest",
        parent_code=None,
        office_lat=guest.office_lat,
        office_lon=guest.office_lon,
        population=guest.population,
        name_en=guest.name_en,
    )


def _points(
    mi: MemberImpact, member: MemberArea, area: Sequence[Municipality]
) -> tuple[DeliveryPoint, ...]:
    office = DeliveryPoint(
        f"{member.name_en or member.code} office", member.office_lat, member.office_lon
    )
    worst = next((m for m in area if m.code == mi.max_municipality_code), None)
    if worst is None or (abs(worst.lat - office.lat) + abs(worst.lon - office.lon)) < 1e-3:
        return (office,)
    return office, DeliveryPoint(f"{worst.name_en} office", worst.lat, worst.lon)


def island_points(
    event: Event, member: MemberArea, area: Sequence[Municipality]
) -> list[tuple[DeliveryPoint, int]]:
    """Offices of the member's municipalities on another land than its office (Awaji for
    Hyogo, ``routing.land``) where the median shaking reaches ``FILE_THRESHOLD``, with their
    evacuees (the impact model's share): a desk files for them separately, because what it
    sends there must cross a strait."""
    land = land_model()
    home = land.side_of(Point(member.office_lat, member.office_lon))
    out = []
    for m in area:
        shaking = intensity_at(event, m.lat, m.lon).intensity
        if shaking < FILE_THRESHOLD or land.side_of(Point(m.lat, m.lon)) is home:
            continue
        evacuees = round(m.population * evacuee_share(shaking, event.moment_magnitude))
        if evacuees > 0:
            out.append((DeliveryPoint(f"{m.name_en} office", m.lat, m.lon), evacuees))
    return out


def _weighted_points(
    event: Event, mi: MemberImpact, member: MemberArea, area: Sequence[Municipality]
) -> tuple[tuple[DeliveryPoint, ...], tuple[int, ...]]:
    """The member's points and their shares: the island offices carry their own evacuees, the
    mainland points (office, most shaken municipality) the rest in equal parts."""
    islands = island_points(event, member, area)
    taken = {(p.lat, p.lon) for p, _ in islands}
    mainland = [p for p in _points(mi, member, area) if (p.lat, p.lon) not in taken]
    rest = max(0, mi.evacuees - sum(e for _, e in islands))
    if not islands:
        return tuple(mainland), ()
    weights = [*split(rest, len(mainland)), *(e for _, e in islands)]
    return (*mainland, *(p for p, _ in islands)), tuple(weights)


def _waves(
    event: Event,
    mi: MemberImpact,
    member: MemberArea,
    area: Sequence[Municipality],
    start: datetime,
    hours: int,
) -> list[RequestWave]:
    points, weights = _weighted_points(event, mi, member, area)
    waves = []
    for n, hour in enumerate(WAVE_HOURS):
        if hour >= hours:
            break
        lines = tuple(
            (need.item_code, need.per_day + (need.initial if n == 0 else 0))
            for need in sorted(mi.needs, key=lambda x: x.item_code)
            if need.per_day + (need.initial if n == 0 else 0) > 0
        )
        if lines:
            waves.append(
                RequestWave(
                    at=start + timedelta(hours=hour),
                    wave=n + 1,
                    member_code=mi.member_code,
                    points=points,
                    lines=lines,
                    weights=weights,
                )
            )
    return waves


def _missions(
    event: Event,
    impact: Impact,
    areas: dict[str, tuple[Municipality, ...]],
    start: datetime,
    hours: int,
    rng: random.Random,
) -> list[MissionCall]:
    weights = {
        code: [
            m.population * max(0.0, intensity_at(event, m.lat, m.lon).intensity - 4.5) for m in area
        ]
        for code, area in areas.items()
    }
    calls: list[MissionCall] = []
    for hour in range(hours):
        hour_calls: list[MissionCall] = []
        for mi in impact.members:
            area = areas[mi.member_code]
            for h in mi.medevac:
                if h.hour != hour or sum(weights[mi.member_code]) <= 0:
                    continue
                for severity, count in (("red", h.red), ("yellow", h.yellow)):
                    for _ in range(count):
                        m = rng.choices(area, weights=weights[mi.member_code])[0]
                        hour_calls.append(
                            MissionCall(
                                at=start + timedelta(hours=hour, minutes=rng.randrange(60)),
                                member_code=mi.member_code,
                                severity=severity,
                                point=DeliveryPoint(m.name_en, m.lat, m.lon),
                            )
                        )
        hour_calls.sort(key=lambda c: (c.severity != "red", c.at))
        calls += sorted(hour_calls[:MAX_MISSIONS_PER_HOUR], key=lambda c: c.at)
    return calls


def split_weighted(quantity: int, weights: Sequence[int]) -> list[int]:
    """Whole units in proportion to ``weights`` (largest remainders, then the earlier point)."""
    total = sum(weights)
    if total <= 0:
        return split(quantity, len(weights))
    exact = [quantity * w for w in weights]
    base = [e // total for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] % total), i))
    for i in order[: quantity - sum(base)]:
        base[i] += 1
    return base


def split(quantity: int, parts: int) -> list[int]:
    """Whole units split as evenly as possible, larger shares first."""
    base, extra = divmod(quantity, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]
