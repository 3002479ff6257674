"""Damage rules for drills: which crossings close, which hospitals are damaged, which areas close.

Each rule is a named :class:`Threshold` (a JMA instrumental intensity, its effect, whether it is
sourced or an assumption, and where it comes from; ``data/reference/damage_thresholds.csv`` and
``crossing_rules.csv``). Outcomes follow the drill model's depot failures
(:func:`ukg_aid.quake.assumptions.threshold_probability`): an asset fails for certain when its
*median* intensity reaches the threshold, otherwise with P(true intensity ≥ threshold) for the
model's σ = 0.4. One uniform draw per asset from the caller's ``random.Random``, whatever the
outcome, in a fixed order — crossings by id, then hospitals by id, then areas by code — so the
same inputs and seed give the same :class:`Damage`.

Pure: plain data in (an :class:`~ukg_aid.quake.model.Event` is the intensity field), frozen
dataclasses out.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from ukg_aid.quake.areas import Municipality
from ukg_aid.quake.assumptions import threshold_probability
from ukg_aid.quake.model import DEFAULT_AVS30, Event, intensity_at


@dataclass(frozen=True, slots=True)
class Threshold:
    """A damage rule: at ``instrumental_min`` (JMA class ``jma_class``) ``effect`` happens."""

    name: str
    jma_class: str
    instrumental_min: float
    effect: str
    basis: str  # "sourced" | "assumption"
    source: str


CROSSING_CLOSURE = Threshold(
    name="crossing_closure",
    jma_class="5-",
    instrumental_min=4.5,
    effect="bridge closed for inspection (通行止め); reopening time not sourced",
    basis="sourced",
    source="JB本四高速 closes its routes at 震度5弱以上 (stated for 瀬戸大橋 by its 坂出 centre, "
    "city.sakaide.lg.jp/site/bousaicolumn/bousaimemo061.html; rules common to all routes incl. "
    "明石海峡大橋 and 大鳴門橋, kuruma-news.jp/post/105071/2); crossing_rules.csv, medium",
)
AREA_TRAFFIC_CONTROL = Threshold(
    name="area_traffic_control",
    jma_class="6-",
    instrumental_min=5.5,
    effect="police first-stage traffic control: general traffic off; relief vehicles with "
    "緊急通行車両 status still pass (a legal restriction, not damage)",
    basis="sourced",
    source="警視庁 as quoted by tou-an-kyo.or.jp/pickup/4_list_detail.html; the Kansai "
    "prefectural police taken to act alike (assumption); damage_thresholds.csv, medium",
)
AREA_ROADS_BLOCKED = Threshold(
    name="area_roads_blocked",
    jma_class="6+",
    instrumental_min=6.0,
    effect="roads physically blocked: the area is closed to trucks until cleared",
    basis="assumption",
    source="no road-closure-vs-intensity function found; collapsed houses and poles block "
    "streets at 6強-7 (1995 Kobe); the depot-failure threshold (DEFAULT_DEPOT_THRESHOLD); "
    "damage_thresholds.csv, low",
)
HOSPITAL_DAMAGED = Threshold(
    name="hospital_damaged",
    jma_class="6+",
    instrumental_min=6.0,
    effect="disaster base hospital damaged: not a receiving hospital",
    basis="assumption",
    source="damage_thresholds.csv drill rule, informed by: care largely normal at 5強 or below "
    "(Miyajima & Shimazaki, 2007 Noto/Chūetsu-oki survey); Is < 0.3 buildings at high risk of "
    "collapse at 6強 (MHLW); ~15 % of functionality lost in Kumamoto 2016 (Achour & Miyajima "
    "2020). Disaster base hospitals are seismically designed, so 6弱 leaves them operational",
)


@dataclass(frozen=True, slots=True)
class CrossingEnd:
    """One end of a sea crossing (estimated point, ±300 m)."""

    end: str
    locality_ja: str
    member_code: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Crossing:
    """A sea crossing (bridge) and its ends."""

    id: str
    name_ja: str
    name_en: str
    ends: tuple[CrossingEnd, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """A point asset, e.g. a hospital (any id, degrees)."""

    id: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """An asset's median intensity, its failure probability, and the drawn status."""

    id: str
    intensity: float
    probability: float
    status: str


@dataclass(frozen=True, slots=True)
class AreaOutcome:
    """A municipality's roads: ``open``, ``restricted`` (traffic control) or ``closed``."""

    code: str
    intensity: float
    p_restricted: float
    p_closed: float
    status: str


@dataclass(frozen=True, slots=True)
class Damage:
    """Everything a scenario's shaking closes or breaks, in the order drawn."""

    crossings: tuple[Outcome, ...]
    hospitals: tuple[Outcome, ...]
    areas: tuple[AreaOutcome, ...]

    @property
    def closed_crossings(self) -> tuple[str, ...]:
        """Ids of the crossings closed."""
        return tuple(o.id for o in self.crossings if o.status == "closed")

    @property
    def damaged_hospitals(self) -> tuple[str, ...]:
        """Ids of the hospitals damaged."""
        return tuple(o.id for o in self.hospitals if o.status == "damaged")

    @property
    def closed_areas(self) -> tuple[str, ...]:
        """Codes of the municipalities whose roads are closed."""
        return tuple(o.code for o in self.areas if o.status == "closed")

    @property
    def restricted_areas(self) -> tuple[str, ...]:
        """Codes of the municipalities under traffic control (not closed)."""
        return tuple(o.code for o in self.areas if o.status == "restricted")


def _intensity(event: Event, lat: float, lon: float, avs30: float) -> float:
    return intensity_at(event, lat, lon, avs30).intensity


def crossing_closures(
    event: Event,
    crossings: Sequence[Crossing],
    rng: random.Random,
    *,
    avs30: float = DEFAULT_AVS30,
    rule: Threshold = CROSSING_CLOSURE,
) -> tuple[Outcome, ...]:
    """Per crossing (by id): ``closed`` or ``open``, judged at its more shaken end.

    Where the operator's seismometer stands is not sourced; the more shaken end (a few km apart,
    a few hundredths of an intensity unit different) is the cautious reading.
    """
    out = []
    for crossing in sorted(crossings, key=lambda c: c.id):
        median = max(_intensity(event, e.lat, e.lon, avs30) for e in crossing.ends)
        p = threshold_probability(median, rule.instrumental_min)
        status = "closed" if rng.random() < p else "open"
        out.append(Outcome(crossing.id, median, p, status))
    return tuple(out)


def hospital_damage(
    event: Event,
    hospitals: Sequence[Site],
    rng: random.Random,
    *,
    avs30: float = DEFAULT_AVS30,
    rule: Threshold = HOSPITAL_DAMAGED,
) -> tuple[Outcome, ...]:
    """Per hospital (by id): ``damaged`` or ``operational``."""
    out = []
    for site in sorted(hospitals, key=lambda s: s.id):
        median = _intensity(event, site.lat, site.lon, avs30)
        p = threshold_probability(median, rule.instrumental_min)
        status = "damaged" if rng.random() < p else "operational"
        out.append(Outcome(site.id, median, p, status))
    return tuple(out)


def area_closures(
    event: Event,
    areas: Sequence[Municipality],
    rng: random.Random,
    *,
    avs30: float = DEFAULT_AVS30,
    restricted: Threshold = AREA_TRAFFIC_CONTROL,
    closed: Threshold = AREA_ROADS_BLOCKED,
) -> tuple[AreaOutcome, ...]:
    """Per municipality (by code), judged at its office: ``closed``, ``restricted`` or ``open``.

    One draw u per area: closed if u < P(closed), else restricted if u < P(restricted) — the
    lower threshold's probability is never smaller, so a closed area is also a restricted one.
    """
    if closed.instrumental_min < restricted.instrumental_min:
        raise ValueError("the closure threshold must not be below the restriction threshold")
    out = []
    for area in sorted(areas, key=lambda m: m.code):
        median = _intensity(event, area.lat, area.lon, avs30)
        p_closed = threshold_probability(median, closed.instrumental_min)
        p_restricted = threshold_probability(median, restricted.instrumental_min)
        u = rng.random()
        status = "closed" if u < p_closed else "restricted" if u < p_restricted else "open"
        out.append(AreaOutcome(area.code, median, p_restricted, p_closed, status))
    return tuple(out)


def assess_damage(
    event: Event,
    *,
    rng: random.Random,
    crossings: Sequence[Crossing] = (),
    hospitals: Sequence[Site] = (),
    areas: Sequence[Municipality] = (),
    avs30: float = DEFAULT_AVS30,
) -> Damage:
    """All three rules with their default thresholds, drawn in the module's fixed order."""
    return Damage(
        crossings=crossing_closures(event, crossings, rng, avs30=avs30),
        hospitals=hospital_damage(event, hospitals, rng, avs30=avs30),
        areas=area_closures(event, areas, rng, avs30=avs30),
    )


def load_crossings() -> tuple[Crossing, ...]:
    """明石海峡大橋 and 大鳴門橋 with their estimated ends (shipped copy of
    ``data/reference/crossings.csv``)."""
    text = resources.files("ukg_aid.quake").joinpath("data", "crossings.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    ids = list(dict.fromkeys(row["crossing"] for row in rows))
    return tuple(
        Crossing(
            id=cid,
            name_ja=next(r["name_ja"] for r in rows if r["crossing"] == cid),
            name_en=next(r["name_en"] for r in rows if r["crossing"] == cid),
            ends=tuple(
                CrossingEnd(
                    end=r["end"],
                    locality_ja=r["locality_ja"],
                    member_code=r["member_code"],
                    lat=float(r["lat"]),
                    lon=float(r["lon"]),
                )
                for r in rows
                if r["crossing"] == cid
            ),
        )
        for cid in ids
    )
