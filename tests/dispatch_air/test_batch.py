import dataclasses
import datetime as dt
import itertools
from collections.abc import Sequence

from hypothesis import event, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from tests.dispatch_air.heli_fixtures import MEMBER_PARENT, base_hospitals
from ukg_aid.dispatch_air import (
    JST,
    Aircraft,
    AircraftStatus,
    Assignment,
    BatchResult,
    Feasible,
    Heliport,
    Hospital,
    HospitalStatus,
    Mission,
    Preference,
    RefusalReason,
    Severity,
    SolveStatus,
    Sortie,
    Staging,
    WeatherHold,
    assign_batch,
    batch_key,
    check,
    validate_batch,
)

MORNING = dt.datetime(2026, 6, 15, 10, 0, tzinfo=JST)
LATE = dt.datetime(2026, 6, 15, 18, 30, tzinfo=JST)  # only short sorties still fit before sunset
KM_PER_DEG_LAT = 6371.0 * 3.141592653589793 / 180  # 111.195 km per degree along a meridian
OFFICES = {"27": (34.686389, 135.52), "29": (34.685278, 135.832778), "28": (34.691389, 135.183056)}
MEMBERS = ["27", "27100", "28", "29"]


def _plane(
    ident: int,
    lat: float,
    lon: float,
    member: str = "27",
    status: AircraftStatus = AircraftStatus.available,
) -> Aircraft:
    return Aircraft(
        id=ident,
        callsign=f"H{ident}",
        member_code=member,
        base_name=f"b{ident}",
        base_lat=lat,
        base_lon=lon,
        status=status,
    )


def _mission(ident: int, lat: float, lon: float, severity: Severity, member: str = "27") -> Mission:
    return Mission(
        id=ident,
        member_code=member,
        scene_lat=lat,
        scene_lon=lon,
        severity=severity,
        patients=1,
        reported_at=MORNING,
    )


def _brute_force_rank(
    aircraft: list[Aircraft],
    missions: list[Mission],
    at: dt.datetime,
    hospitals: list[Hospital],
    prefs: dict[str, Preference],
    offices: dict[str, tuple[float, float]],
    holds: Sequence[WeatherHold] = (),
) -> tuple[int, ...] | None:
    """Best BatchKey rank over every partial one-to-one assignment of feasible pairs."""
    feasible: dict[tuple[int, int], Sortie] = {}
    for a in aircraft:
        for m in missions:
            outcome = check(a, m, at, hospitals, holds)
            if isinstance(outcome, Feasible):
                feasible[a.id, m.id] = outcome.sortie
    best: tuple[int, ...] | None = None
    slots: list[Mission | None] = [None, *missions]
    for choice in itertools.product(slots, repeat=len(aircraft)):
        ids = [m.id for m in choice if m is not None]
        if len(ids) != len(set(ids)):
            continue
        pairs = [(a.id, m.id) for a, m in zip(aircraft, choice, strict=True) if m is not None]
        if any(p not in feasible for p in pairs):
            continue
        plan = [Assignment(m, a, feasible[a, m], "") for a, m in pairs]
        rank = batch_key(
            plan,
            aircraft,
            missions,
            at,
            preferences=prefs,
            member_parent=MEMBER_PARENT,
            offices=offices,
            holds=holds,
        ).rank()
        if best is None or rank < best:
            best = rank
    return best


lat_st = st.floats(34.2, 35.3)
lon_st = st.floats(134.8, 136.0)
plane_st = st.tuples(
    lat_st,
    lon_st,
    st.sampled_from(MEMBERS),
    st.sampled_from([AircraftStatus.available] * 3 + [AircraftStatus.on_mission]),
)
mission_st = st.tuples(lat_st, lon_st, st.sampled_from(list(Severity)), st.sampled_from(MEMBERS))


@settings(max_examples=40, deadline=None)
@given(
    planes=st.lists(plane_st, min_size=0, max_size=3),
    jobs=st.lists(mission_st, min_size=1, max_size=4),
    late=st.booleans(),
    own_first=st.sets(st.sampled_from(MEMBERS)),
)
def test_batch_optimum_equals_brute_force_and_validates(
    planes: list[tuple[float, float, str, AircraftStatus]],
    jobs: list[tuple[float, float, Severity, str]],
    late: bool,
    own_first: set[str],
) -> None:
    aircraft = [
        _plane(i, lat, lon, member, status=status)
        for i, (lat, lon, member, status) in enumerate(planes)
    ]
    missions = [
        _mission(100 + i, lat, lon, sev, member) for i, (lat, lon, sev, member) in enumerate(jobs)
    ]
    prefs = dict.fromkeys(own_first, Preference.own_first)
    at = LATE if late else MORNING
    hospitals = base_hospitals()
    result = assign_batch(
        aircraft, missions, at, hospitals, prefs, member_parent=MEMBER_PARENT, offices=OFFICES
    )
    assert result.status is SolveStatus.OPTIMAL
    assert validate_batch(result.assignments, aircraft, missions, at, hospitals) == []
    assert result.key.rank() == _brute_force_rank(aircraft, missions, at, hospitals, prefs, OFFICES)
    assert {x.mission_id for x in result.assignments} | {r.mission_id for r in result.refusals} == {
        m.id for m in missions
    }


@settings(max_examples=40, deadline=None)
@given(
    planes=st.lists(plane_st, min_size=1, max_size=6),
    jobs=st.lists(mission_st, min_size=1, max_size=10),
)
def test_no_red_pending_while_a_yellow_holds_a_capable_aircraft(
    planes: list[tuple[float, float, str, AircraftStatus]],
    jobs: list[tuple[float, float, Severity, str]],
) -> None:
    aircraft = [
        _plane(i, lat, lon, member, status=status)
        for i, (lat, lon, member, status) in enumerate(planes)
    ]
    missions = [
        _mission(100 + i, lat, lon, sev, member) for i, (lat, lon, sev, member) in enumerate(jobs)
    ]
    hospitals = base_hospitals()
    result = assign_batch(aircraft, missions, LATE, hospitals)
    served = {x.mission_id for x in result.assignments}
    by_id = {m.id: m for m in missions}
    planes_by_id = {a.id: a for a in aircraft}
    for x in result.assignments:
        if by_id[x.mission_id].severity is Severity.yellow:
            for red in missions:
                if red.severity is Severity.red and red.id not in served:
                    outcome = check(planes_by_id[x.aircraft_id], red, LATE, hospitals)
                    assert not isinstance(outcome, Feasible)


hospital_st = st.tuples(
    st.sampled_from(
        [HospitalStatus.operational] * 3 + [HospitalStatus.damaged, HospitalStatus.full]
    ),
    st.sampled_from([Heliport.on_site] * 2 + list(Heliport)),
)
hold_st = st.tuples(
    lat_st, lon_st, st.floats(0.05, 0.5), st.integers(-120, 120), st.integers(10, 240)
)


def _area_hold(lat: float, lon: float, half: float, start_min: int, minutes: int) -> WeatherHold:
    start = MORNING + dt.timedelta(minutes=start_min)
    area = box(lon - half, lat - half, lon + half, lat + half)
    until = start + dt.timedelta(minutes=minutes)
    return WeatherHold(id=1, start=start, until=until, reason="fog", area=area)


def _base_hold(aircraft_id: int) -> WeatherHold:
    until = MORNING + dt.timedelta(hours=1)
    return WeatherHold(
        id=2, start=MORNING, until=until, reason="cloud", base_helicopter_id=aircraft_id
    )


def _hospitals(statuses: list[tuple[HospitalStatus, Heliport]]) -> list[Hospital]:
    return [
        dataclasses.replace(h, status=status, heliport=pad)
        for h, (status, pad) in zip(base_hospitals(), statuses, strict=True)
    ]


def _count_reasons(result: BatchResult) -> None:
    """Refusal reasons as hypothesis events (``--hypothesis-show-statistics`` shows them)."""
    for r in result.refusals:
        event(f"refused {r.reason.value}")
        for b in r.blocked:
            event(f"blocked {b.reason.value}")


def _forward(lat: float, lon: float) -> Staging:
    return Staging(name="forward", lat=lat, lon=lon, start=MORNING, until=LATE)


@settings(max_examples=80, deadline=None)
@given(
    planes=st.lists(plane_st, min_size=1, max_size=3),
    jobs=st.lists(mission_st, min_size=1, max_size=4),
    statuses=st.lists(hospital_st, min_size=8, max_size=8),
    named=st.none() | st.integers(0, 7),
    area=st.none() | hold_st,
    base_held=st.booleans(),
    staging=st.none() | st.tuples(lat_st, lon_st),
    visiting=st.booleans(),
    own_first=st.sets(st.sampled_from(MEMBERS)),
)
def test_batch_with_hospitals_holds_staging_and_visitors_equals_brute_force(
    planes: list[tuple[float, float, str, AircraftStatus]],
    jobs: list[tuple[float, float, Severity, str]],
    statuses: list[tuple[HospitalStatus, Heliport]],
    named: int | None,
    area: tuple[float, float, float, int, int] | None,
    base_held: bool,
    staging: tuple[float, float] | None,
    visiting: bool,
    own_first: set[str],
) -> None:
    aircraft = [
        _plane(i, lat, lon, member, status=status)
        for i, (lat, lon, member, status) in enumerate(planes)
    ]
    if staging is not None:
        aircraft[0] = dataclasses.replace(aircraft[0], stagings=(_forward(*staging),))
    if visiting:
        aircraft[-1] = dataclasses.replace(aircraft[-1], member_code=None)
    missions = [
        _mission(100 + i, lat, lon, sev, member) for i, (lat, lon, sev, member) in enumerate(jobs)
    ]
    hospitals = _hospitals(statuses)
    if named is not None:  # the first mission names a hospital, whatever its state
        missions[0] = dataclasses.replace(missions[0], hospital=hospitals[named])
    holds = [] if area is None else [_area_hold(*area)]
    if base_held:
        holds.append(_base_hold(0))
    prefs = dict.fromkeys(own_first, Preference.own_first)
    result = assign_batch(
        aircraft,
        missions,
        MORNING,
        hospitals,
        prefs,
        member_parent=MEMBER_PARENT,
        offices=OFFICES,
        holds=holds,
    )
    assert result.status is SolveStatus.OPTIMAL
    assert validate_batch(result.assignments, aircraft, missions, MORNING, hospitals, holds) == []
    best = _brute_force_rank(aircraft, missions, MORNING, hospitals, prefs, OFFICES, holds)
    assert result.key.rank() == best
    accounted = {x.mission_id for x in result.assignments} | {r.mission_id for r in result.refusals}
    assert accounted == {m.id for m in missions}
    _count_reasons(result)


def test_red_takes_the_only_aircraft_even_when_the_yellow_is_closer() -> None:
    plane = _plane(1, 34.80, 135.50)
    yellow = _mission(1, 34.78, 135.50, Severity.yellow)
    red = _mission(2, 34.50, 135.50, Severity.red)
    result = assign_batch([plane], [yellow, red], MORNING, [Hospital("h", 34.80, 135.50)])
    assert [(x.mission_id, x.aircraft_id) for x in result.assignments] == [(2, 1)]
    assert [(r.mission_id, r.reason) for r in result.refusals] == [(1, RefusalReason.all_committed)]


def _coverage_case(b_minutes: float) -> list[Aircraft]:
    # Scene (34.5, 135.5). Aircraft A sits due north, 11 min to scene: (11 - 5) / 60 * 220 = 22 km.
    # Aircraft B sits due south, b_minutes to scene. Office X (35.2, 135.5) is 55.8 km (20.2 min)
    # from A and over 30 min from B, so X stays covered only if A stays free.
    def north_south(minutes: float, sign: int) -> float:
        return 34.5 + sign * (minutes - 5) / 60 * 220 / KM_PER_DEG_LAT

    return [_plane(1, north_south(11, +1), 135.5), _plane(2, north_south(b_minutes, -1), 135.5)]


def test_coverage_breaks_ties_within_a_five_minute_band_only() -> None:
    mission = [_mission(1, 34.5, 135.5, Severity.yellow)]
    office = {"X": (35.2, 135.5)}
    hospital = [Hospital("h", 34.5, 135.6)]
    # B at 13 min: same band as A's 11 min (floor(11/5) == floor(13/5) == 2) -> keep A free.
    tie = assign_batch(_coverage_case(13), mission, MORNING, hospital, offices=office)
    assert [x.aircraft_id for x in tie.assignments] == [2]
    assert tie.key.uncovered_offices == 0
    # B at 16 min: a worse band -> minutes win and X is left uncovered.
    slow = assign_batch(_coverage_case(16), mission, MORNING, hospital, offices=office)
    assert [x.aircraft_id for x in slow.assignments] == [1]
    assert slow.key.uncovered_offices == 1
    # Without offices the faster aircraft wins in both cases.
    plain = assign_batch(_coverage_case(13), mission, MORNING, hospital)
    assert [x.aircraft_id for x in plain.assignments] == [1]


def test_own_first_member_gets_its_own_aircraft_in_a_batch() -> None:
    nara_plane = _plane(1, 34.40, 135.60, member="29")
    osaka_plane = _plane(2, 34.80, 135.50, member="27")
    mission = [_mission(1, 34.45, 135.55, Severity.red, member="27100")]
    hospital = [Hospital("h", 34.6, 135.5)]
    geo = assign_batch([nara_plane, osaka_plane], mission, MORNING, hospital)
    own = assign_batch(
        [nara_plane, osaka_plane],
        mission,
        MORNING,
        hospital,
        {"27100": Preference.own_first},
        member_parent=MEMBER_PARENT,
    )
    assert [x.aircraft_id for x in geo.assignments] == [1]
    assert [x.aircraft_id for x in own.assignments] == [2]
    assert own.key.own_first_honoured == 1


def test_empty_fleet_refuses_every_mission_with_no_helicopter() -> None:
    missions = [_mission(1, 34.5, 135.5, Severity.red), _mission(2, 34.6, 135.5, Severity.yellow)]
    result = assign_batch([], missions, MORNING, base_hospitals())
    assert result.assignments == ()
    assert [r.reason for r in result.refusals] == [RefusalReason.no_helicopter] * 2
