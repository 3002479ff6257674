"""Per-member impact: area split, determinism for a seed, and sanity ranges."""

from __future__ import annotations

import random

import pytest

from ukg_aid.needs import Rate
from ukg_aid.quake import assumptions
from ukg_aid.quake.areas import Depot, MemberArea, load_members, load_municipalities
from ukg_aid.quake.impact import DEFAULT_RULES, Impact, ImpactRules, assess_impact
from ukg_aid.quake.model import Event
from ukg_aid.quake.scenarios import load_scenario

MEMBERS = load_members()
MUNICIPALITIES = load_municipalities()
DEPOTS = (
    Depot("osaka-castle", "27100", 34.687, 135.526),  # on the Uemachi fault
    Depot("tottori-port", "31", 35.53, 134.21),  # ~150 km away
    Depot("sakai-hub", "27140", 34.58, 135.47),
)


def _impact(name: str, seed: int = 7, depots: tuple[Depot, ...] = DEPOTS) -> Impact:
    return assess_impact(
        load_scenario(name).event,
        members=MEMBERS,
        municipalities=MUNICIPALITIES,
        depots=depots,
        rng=random.Random(seed),
    )


def test_members_and_area_split() -> None:
    impact = _impact("northern-osaka-2018")
    assert [m.member_code for m in impact.members] == sorted(m.code for m in MEMBERS)
    osaka_pref, osaka_city, sakai = (impact.member(c) for c in ("27", "27100", "27140"))
    # the prefecture's figures exclude the designated cities' wards (2020 preliminary census)
    assert osaka_pref.population + osaka_city.population + sakai.population == 8_842_523
    assert osaka_city.population == 2_754_742
    for m in impact.members:
        assert sum(e.population for e in m.exposure) == m.population


def test_same_seed_same_result_and_seed_matters() -> None:
    assert _impact("nankai-trough", seed=3) == _impact("nankai-trough", seed=3)
    first, second = _impact("nankai-trough", seed=3), _impact("nankai-trough", seed=4)
    assert [m.medevac for m in first.members] != [m.medevac for m in second.members]
    assert first.total_evacuees == second.total_evacuees  # evacuees are not random


def test_northern_osaka_2018_sanity() -> None:
    impact = _impact("northern-osaka-2018")
    osaka = impact.member("27")
    assert osaka.max_class == "5+"
    assert osaka.max_municipality_code == "27207"  # Takatsuki
    # observed: 21 houses fully and 483 half collapsed; a few thousand evacuees at the peak
    assert 1_000 <= impact.total_evacuees <= 20_000
    assert sum(m.medevac_red + m.medevac_yellow for m in impact.members) < 50
    assert impact.member("31").evacuees == 0  # Tottori is far away


def test_hyogo_nanbu_1995_evacuees_near_observed_peak() -> None:
    impact = _impact("hyogo-nanbu-1995")
    hyogo_and_kobe = impact.member("28").evacuees + impact.member("28100").evacuees
    assert 150_000 <= hyogo_and_kobe <= 650_000  # observed peak 316,678 (Hyogo, 1995-01-23)


def test_nankai_evacuees_within_factor_two_of_cabinet_office() -> None:
    impact = _impact("nankai-trough")
    cao_2013 = {
        "25": 160_000,
        "26": 340_000,
        "27": 1_500_000,
        "28": 320_000,
        "29": 290_000,
        "30": 460_000,
        "36": 370_000,
    }
    by_pref: dict[str, int] = {}
    for m in impact.members:
        pref = next(x.parent_code or x.code for x in MEMBERS if x.code == m.member_code)
        by_pref[pref] = by_pref.get(pref, 0) + m.evacuees
    total_model, total_cao = sum(by_pref[p] for p in cao_2013), sum(cao_2013.values())
    assert total_cao / 2 <= total_model <= total_cao * 2
    for pref, cao in cao_2013.items():
        assert cao / 3 <= by_pref[pref] <= cao * 3, pref


def test_needs_follow_the_rules() -> None:
    rates = (Rate("water", per_day=3.0), Rate("meals", per_day=3.0), Rate("blankets", once=2.0))
    rules = ImpactRules(rates=rates)
    impact = assess_impact(
        load_scenario("uemachi-fault").event,
        members=MEMBERS,
        municipalities=MUNICIPALITIES,
        depots=(),
        rng=random.Random(1),
        rules=rules,
    )
    city = impact.member("27100")
    water, blankets = city.need("water"), city.need("blankets")
    assert water is not None
    assert blankets is not None
    assert (water.per_day, water.initial) == (3 * city.evacuees, 0)
    assert blankets.per_day == 0
    assert blankets.initial == 2 * city.evacuees
    assert city.need("child_diapers") is None


def test_depots_fail_near_the_fault_not_far_away() -> None:
    impact = _impact("uemachi-fault")
    castle = impact.member("27100").depots[0]
    assert castle.failure_probability == 1.0
    assert castle.status in {"damaged", "unreachable"}
    tottori = impact.member("31").depots[0]
    assert tottori.status == "operational"
    assert tottori.failure_probability < 1e-3


def test_failure_share_rises_with_intensity() -> None:
    probabilities = [assumptions.depot_failure_probability(i, 6.0) for i in (4.5, 5.5, 5.9, 6.0)]
    assert probabilities == sorted(probabilities)
    assert probabilities[0] < 0.001 < probabilities[1] < 0.5 < probabilities[3] == 1.0


def test_evacuee_share_monotone_and_bounded() -> None:
    shares = [assumptions.evacuee_share(i / 10, 7.0) for i in range(40, 71)]
    assert shares == sorted(shares)
    assert assumptions.evacuee_share(7.0, 9.1) == assumptions.MAX_EVACUEE_SHARE
    assert assumptions.lifeline_factor(6.5) == 1.0
    assert assumptions.lifeline_factor(9.0) == pytest.approx(10.0)


def test_medevac_timeline_is_front_loaded() -> None:
    impact = _impact("uemachi-fault")
    city = impact.member("27100")
    assert city.medevac_red > 20
    assert all(0 <= h.hour < DEFAULT_RULES.medevac_horizon_hours for h in city.medevac)
    first_day = sum(h.red + h.yellow for h in city.medevac if h.hour < 24)
    assert first_day > (city.medevac_red + city.medevac_yellow) / 2


def test_poisson_draws_have_the_right_mean() -> None:
    rng = random.Random(11)
    for mean in (0.3, 4.0, 50.0):
        draws = [assumptions.poisson(rng, mean) for _ in range(4000)]
        assert sum(draws) / len(draws) == pytest.approx(mean, rel=0.08)


def test_member_without_municipalities_uses_its_office() -> None:
    lone = MemberArea("99", "prefecture", None, 34.7, 135.5, 1000, "Test")
    impact = assess_impact(
        Event(lat=34.7, lon=135.5, depth_km=10, mw=7.0),
        members=[lone],
        municipalities=(),
        depots=(),
        rng=random.Random(0),
    )
    assert impact.members[0].population == 1000
    assert impact.members[0].max_intensity == impact.members[0].office.intensity
    with pytest.raises(KeyError):
        impact.member("27")
