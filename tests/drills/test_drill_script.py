"""The drill script is pure: same scenario and seed, same actions; waves follow the rules."""

from __future__ import annotations

import random

from ukg_aid.drills.script import (
    FILE_THRESHOLD,
    MAX_MISSIONS_PER_HOUR,
    WAVE_HOURS,
    build_script,
    split,
    split_weighted,
)
from ukg_aid.quake import areas, impact
from ukg_aid.quake.scenarios import load_scenario


def _script(name: str, hours: int, seed: int = 3):
    sc = load_scenario(name)
    members, munis = areas.load_members(), areas.load_municipalities()
    shaken = impact.assess_impact(
        sc.event, members=members, municipalities=munis, depots=[], rng=random.Random(seed)
    )
    return shaken, build_script(
        event=sc.event,
        impact=shaken,
        members=members,
        municipalities=munis,
        start=sc.start_time,
        hours=hours,
        seed=seed,
    )


def test_only_strongly_shaken_members_file_in_daily_waves() -> None:
    shaken, script = _script("hyogo-nanbu-1995", hours=72)
    expected = {
        m.member_code
        for m in shaken.members
        if m.max_intensity >= FILE_THRESHOLD and m.evacuees > 0
    }
    assert set(script.filing_members) == expected
    assert {"28", "28100"} <= expected and "31" not in expected
    for code in expected:
        hours = sorted(
            round((w.at - script.start).total_seconds() / 3600)
            for w in script.waves
            if w.member_code == code
        )
        assert hours == list(WAVE_HOURS)
    kobe = [w for w in script.waves if w.member_code == "28100"]
    water = dict(kobe[1].lines)["water"]
    assert water == shaken.member("28100").need("water").per_day


def test_short_drills_stop_their_waves_and_missions_at_the_horizon() -> None:
    _, script = _script("uemachi-fault", hours=12)
    assert all((w.at - script.start).total_seconds() < 12 * 3600 for w in script.waves)
    per_hour: dict[int, int] = {}
    for m in script.missions:
        hour = int((m.at - script.start).total_seconds() // 3600)
        per_hour[hour] = per_hour.get(hour, 0) + 1
        assert hour < 12
    assert max(per_hour.values()) <= MAX_MISSIONS_PER_HOUR


def test_same_seed_same_script_and_another_seed_differs() -> None:
    assert _script("uemachi-fault", 24, seed=5)[1] == _script("uemachi-fault", 24, seed=5)[1]
    assert _script("uemachi-fault", 24, seed=5)[1] != _script("uemachi-fault", 24, seed=6)[1]


def test_split_keeps_every_unit() -> None:
    assert split(10, 3) == [4, 3, 3]
    assert split(1, 2) == [1, 0]
    assert sum(split(12345, 7)) == 12345


def test_hyogo_files_for_its_awaji_offices_with_their_own_evacuees() -> None:
    """Hyogo-ken Nanbu's rupture started under northern Awaji: Hyogo's desk files for the three
    Awaji offices (on another land than its Kobe office, median ≥ 5+) with their evacuees, and
    the rest of its need at its mainland points."""
    shaken, script = _script("hyogo-nanbu-1995", hours=24)
    (wave,) = [w for w in script.waves if w.member_code == "28"]
    names = [p.name for p in wave.points]
    awaji = {"Awaji City office", "Sumoto City office", "Minamiawaji City office"}
    assert awaji <= set(names) and len(names) == len(wave.weights)
    hyogo = next(m for m in shaken.members if m.member_code == "28")
    assert sum(wave.weights) == hyogo.evacuees
    on_awaji = sum(w for p, w in zip(wave.points, wave.weights, strict=True) if p.name in awaji)
    assert 0 < on_awaji < hyogo.evacuees / 10  # ≈ 2,600 of Hyogo's evacuees outside Kobe
    for item, qty in wave.lines:
        assert sum(wave.shares(qty)) == qty, item
    kobe = next(w for w in script.waves if w.member_code == "28100")
    assert kobe.weights == ()  # no island in Kobe City's area: equal shares as before


def test_weighted_split_keeps_every_unit_in_proportion() -> None:
    assert split_weighted(10, [1, 1, 2]) == [3, 2, 5]
    assert split_weighted(7, [0, 0]) == [4, 3]
    assert split_weighted(1000, [620, 291, 1699, 0]) == [238, 111, 651, 0]
    assert sum(split_weighted(12345, [3, 5, 7, 11])) == 12345
