"""Per-area drill impact of an earthquake: shaking, exposure, depots, evacuees, needs, medevac.

Areas are the union's members (their municipalities) and, optionally, guest recipients outside
the union (one office point each, :func:`ukg_aid.quake.areas.guest_area`).

Pure and deterministic: the same inputs and the same ``random.Random`` state give the same
result. Randomness is drawn in a fixed order (depots sorted by member then id, then medevac
per member in code order, hour by hour, then per guest in code order), two draws per depot
whatever its outcome; so adding guests leaves the members' draws as they were.
The formulas and their calibration are in :mod:`ukg_aid.quake.assumptions`, the needs rates in
:mod:`ukg_aid.needs`, and both in ``docs/quake-model.md``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ukg_aid.needs import DEFAULT_RATES, ItemNeed, Rate, item_needs
from ukg_aid.quake import assumptions as a
from ukg_aid.quake.areas import (
    Depot,
    GuestArea,
    MemberArea,
    Municipality,
    guest_area,
    municipalities_of,
)
from ukg_aid.quake.model import DEFAULT_AVS30, JMA_CLASSES, Event, Shaking, intensity_at, jma_class

DAMAGED_SHARE = 0.5
"""Of failed depots, the share that is structurally damaged; the rest are cut off (unreachable)."""


@dataclass(frozen=True, slots=True)
class Exposure:
    """Population whose municipality's median intensity falls in one JMA class."""

    jma_class: str
    population: int


@dataclass(frozen=True, slots=True)
class DepotImpact:
    """Outcome for one depot: ``operational``, ``damaged`` or ``unreachable``."""

    depot_id: str
    member_code: str
    intensity: float
    failure_probability: float
    status: str


@dataclass(frozen=True, slots=True)
class MedevacHour:
    """Helicopter medevac missions reported in hour ``hour`` after origin time (0-based)."""

    hour: int
    red: int
    yellow: int


@dataclass(frozen=True, slots=True)
class MemberImpact:
    """Impact on one member's area (a designated city's figures are not in its prefecture's),
    or on a guest's (``recipient_kind == "guest"``: no depots)."""

    member_code: str
    name_en: str
    office: Shaking
    max_intensity: float
    max_municipality_code: str | None
    population: int
    exposure: tuple[Exposure, ...]
    exposed_6_lower_expected: int
    evacuees: int
    needs: tuple[ItemNeed, ...]
    depots: tuple[DepotImpact, ...]
    medevac: tuple[MedevacHour, ...]
    recipient_kind: str = "member"  # "member" | "guest"

    @property
    def max_class(self) -> str:
        """JMA class of :attr:`max_intensity`."""
        return jma_class(self.max_intensity)

    @property
    def medevac_red(self) -> int:
        """Red (immediate) missions over the whole horizon."""
        return sum(h.red for h in self.medevac)

    @property
    def medevac_yellow(self) -> int:
        """Yellow (delayed) missions over the whole horizon."""
        return sum(h.yellow for h in self.medevac)

    def exposed(self, jma_class_name: str) -> int:
        """Population in one JMA class (0 if none)."""
        return sum(e.population for e in self.exposure if e.jma_class == jma_class_name)

    def need(self, item_code: str) -> ItemNeed | None:
        """The need for one item, or None if the rules do not cover it."""
        return next((n for n in self.needs if n.item_code == item_code), None)


@dataclass(frozen=True, slots=True)
class ImpactRules:
    """Tunable rules (plain data so seed data can own them; rates from :mod:`ukg_aid.needs`)."""

    rates: tuple[Rate, ...] = DEFAULT_RATES
    depot_threshold: float = a.DEFAULT_DEPOT_THRESHOLD
    medevac_horizon_hours: int = a.DEFAULT_MEDEVAC_HORIZON_HOURS
    avs30: float = DEFAULT_AVS30


DEFAULT_RULES = ImpactRules()


@dataclass(frozen=True, slots=True)
class Impact:
    """Per-member impact in member code order, then per-guest impact in guest code order."""

    members: tuple[MemberImpact, ...]
    guests: tuple[MemberImpact, ...] = ()

    @property
    def total_evacuees(self) -> int:
        """Evacuees over all members and guests."""
        return sum(m.evacuees for m in self.members + self.guests)

    def member(self, code: str) -> MemberImpact:
        """The impact on one member (KeyError if it is not in the result)."""
        for m in self.members:
            if m.member_code == code:
                return m
        raise KeyError(code)

    def guest(self, code: str) -> MemberImpact:
        """The impact on one guest (KeyError if it is not in the result)."""
        for g in self.guests:
            if g.member_code == code:
                return g
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class _Head:
    """Who an area belongs to: code, name, office point, member or guest."""

    code: str
    name_en: str
    lat: float
    lon: float
    kind: str


def assess_impact(
    event: Event,
    *,
    members: Sequence[MemberArea],
    municipalities: Sequence[Municipality],
    depots: Sequence[Depot],
    rng: random.Random,
    rules: ImpactRules = DEFAULT_RULES,
    guests: Sequence[GuestArea] = (),
) -> Impact:
    """Estimate the impact of ``event`` on every member and guest (see the module docstring)."""
    ordered = sorted(members, key=lambda m: m.code)
    codes = [m.code for m in ordered]
    depot_results = _depot_impacts(event, depots, rules, rng)
    results = []
    for member in ordered:
        area = municipalities_of(member, codes, municipalities) or (_office_as_area(member),)
        head = _Head(member.code, member.name_en, member.office_lat, member.office_lon, "member")
        results.append(
            _area_impact(
                event,
                head,
                _shaken(event, area, rules),
                depots=depot_results.get(member.code, ()),
                rules=rules,
                rng=rng,
            )
        )
    guest_results = []
    for guest in sorted(guests, key=lambda g: g.code):
        head = _Head(guest.code, guest.name_en, guest.office_lat, guest.office_lon, "guest")
        shaken = _shaken(event, (guest_area(guest, guests),), rules)
        guest_results.append(_area_impact(event, head, shaken, depots=(), rules=rules, rng=rng))
    return Impact(members=tuple(results), guests=tuple(guest_results))


def _shaken(
    event: Event, area: Sequence[Municipality], rules: ImpactRules
) -> list[tuple[Municipality, float]]:
    return [(m, intensity_at(event, m.lat, m.lon, rules.avs30).intensity) for m in area]


def _office_as_area(member: MemberArea) -> Municipality:
    """Stand-in area for a member without municipality rows: its office and population."""
    return Municipality(
        code=member.code,
        name_en=member.name_en,
        kind="office",
        pref_code=member.parent_code or member.code,
        parent_city_code=None,
        lat=member.office_lat,
        lon=member.office_lon,
        population=member.population,
    )


def _area_impact(
    event: Event,
    head: _Head,
    shaken: list[tuple[Municipality, float]],
    *,
    depots: Sequence[DepotImpact],
    rules: ImpactRules,
    rng: random.Random,
) -> MemberImpact:
    office = intensity_at(event, head.lat, head.lon, rules.avs30)
    top_muni, top_intensity = max(shaken, key=lambda pair: pair[1])
    mw = event.moment_magnitude
    evacuees = sum(round(m.population * a.evacuee_share(i, mw)) for m, i in shaken)
    expected = [a.medevac_expected(i, m.population) for m, i in shaken]
    exposed_6m = sum(m.population * a.exceedance_probability(i, 5.5) for m, i in shaken)
    return MemberImpact(
        member_code=head.code,
        name_en=head.name_en,
        office=office,
        max_intensity=max(top_intensity, office.intensity),
        max_municipality_code=top_muni.code if top_intensity >= office.intensity else None,
        population=sum(m.population for m, _ in shaken),
        exposure=_exposure(shaken),
        exposed_6_lower_expected=round(exposed_6m),
        evacuees=evacuees,
        needs=item_needs(evacuees, rates=rules.rates),
        depots=tuple(depots),
        medevac=_medevac(sum(r for r, _ in expected), sum(y for _, y in expected), rules, rng),
        recipient_kind=head.kind,
    )


def _exposure(shaken: list[tuple[Municipality, float]]) -> tuple[Exposure, ...]:
    """Population per JMA class (weakest first), classes without people left out."""
    totals = dict.fromkeys(JMA_CLASSES, 0)
    for muni, intensity in shaken:
        totals[jma_class(intensity)] += muni.population
    return tuple(Exposure(c, p) for c, p in totals.items() if p > 0)


def _depot_impacts(
    event: Event, depots: Sequence[Depot], rules: ImpactRules, rng: random.Random
) -> dict[str, list[DepotImpact]]:
    """Each depot fails with P(true intensity ≥ threshold) (certainly at a median ≥ threshold)."""
    out: dict[str, list[DepotImpact]] = {}
    for depot in sorted(depots, key=lambda d: (d.member_code, d.id)):
        intensity = intensity_at(event, depot.lat, depot.lon, rules.avs30).intensity
        p_fail = a.threshold_probability(intensity, rules.depot_threshold)
        fails, damaged = rng.random() < p_fail, rng.random() < DAMAGED_SHARE
        status = ("damaged" if damaged else "unreachable") if fails else "operational"
        out.setdefault(depot.member_code, []).append(
            DepotImpact(depot.id, depot.member_code, intensity, p_fail, status)
        )
    return out


def _medevac(
    red: float, yellow: float, rules: ImpactRules, rng: random.Random
) -> tuple[MedevacHour, ...]:
    """Hourly Poisson draws around the expected counts; hours with no mission left out."""
    hours = []
    for hour, weight in enumerate(a.medevac_hour_weights(rules.medevac_horizon_hours)):
        n_red, n_yellow = a.poisson(rng, red * weight), a.poisson(rng, yellow * weight)
        if n_red or n_yellow:
            hours.append(MedevacHour(hour, n_red, n_yellow))
    return tuple(hours)
