"""Random small matching instances for the property tests (hypothesis)."""

from __future__ import annotations

from hypothesis import strategies as st

from ukg_aid.matching import (
    Closures,
    Options,
    Priority,
    Problem,
    RequestLine,
    Supply,
    TruckWaits,
)

MEMBERS = ["25", "27", "27100", "28"]
ITEMS = ["water", "blanket"]
# Kansai with Awaji and the Naruto shore in it, so that routes cross the straits.
coords = st.tuples(st.floats(34.2, 35.6), st.floats(134.5, 136.2))
# ETAs here run from 30 min (loading) to about 7 h; most deadlines fall among them, so that the
# shortest haul is often late somewhere and an on-time plan often exists.
deadlines = st.one_of(st.none(), st.floats(-10.0, 400.0), st.floats(60.0, 240.0))


@st.composite
def closures(draw: st.DrawFn) -> Closures:
    """Closed crossings, and at most one closed box somewhere in the instance's area."""
    crossings = draw(st.frozensets(st.sampled_from(["akashi-kaikyo", "onaruto"])))
    if not draw(st.booleans()):
        return Closures(crossings)
    (lat, lon), w, h = draw(coords), draw(st.floats(0.02, 0.4)), draw(st.floats(0.02, 0.4))
    ring = ((lon, lat), (lon + w, lat), (lon + w, lat + h), (lon, lat + h), (lon, lat))
    return Closures(crossings, ((ring,),))


@st.composite
def truck_waits(draw: st.DrawFn) -> TruckWaits:
    """Some members' trucks busy for a while (0-200 min per priority, more for lower ones
    mostly, as a queue gives; zeros included), the others free."""
    waits = {}
    for member in draw(st.sets(st.sampled_from(MEMBERS))):
        first = draw(st.floats(0.0, 150.0))
        more = draw(st.lists(st.floats(0.0, 50.0), min_size=2, max_size=2))
        waits[member] = (first, first + more[0], first + more[0] + more[1])
    return TruckWaits(waits)


@st.composite
def problems(
    draw: st.DrawFn, *, due: bool = False, closed: bool = False, waited: bool = False
) -> Problem:
    """Random small instances; `due`: lines may carry deadlines; `closed`: random closures;
    `waited`: suppliers' trucks may be busy (`truck_waits`)."""
    supplies = []
    for depot_id in range(draw(st.integers(1, 8 if due else 6))):
        member, (lat, lon) = draw(st.sampled_from(MEMBERS)), draw(coords)
        for item in draw(st.sets(st.sampled_from(ITEMS), min_size=1)):
            supplies.append(
                Supply(
                    depot_id=depot_id,
                    member_code=member,
                    item_code=item,
                    lat=lat,
                    lon=lon,
                    on_hand=draw(st.integers(0, 40)),
                    reserved=draw(st.integers(0, 5)),
                    reserve_floor=draw(st.integers(0, 10)),
                    operational=draw(st.sampled_from([True, True, False])),
                )
            )
    lines = [
        RequestLine(
            line_id=k,
            request_id=k // 2,
            member_code=draw(st.sampled_from(MEMBERS)),
            item_code=draw(st.sampled_from(ITEMS)),
            quantity=draw(st.integers(1, 30)),
            priority=draw(st.sampled_from(list(Priority))),
            lat=draw(coords)[0],
            lon=draw(coords)[1],
            needed_by_minutes=draw(deadlines) if due else None,
        )
        for k in range(draw(st.integers(1, 9 if due else 7)))
    ]
    pairs = draw(st.frozensets(st.tuples(st.sampled_from(MEMBERS), st.sampled_from(MEMBERS))))
    # With deadlines, mostly let stricken members help: otherwise few instances ship anything.
    lifted = draw(st.sampled_from([True, True, True, False] if due else [True, False]))
    options = Options(include_stricken_suppliers=lifted, counterparts=pairs)
    stricken = frozenset(ln.member_code for ln in lines)
    shut = draw(closures()) if closed else Closures()
    waits = draw(truck_waits()) if waited else TruckWaits()
    return Problem(tuple(supplies), tuple(lines), stricken, options, shut, truck_waits=waits)


@st.composite
def timed_problems(draw: st.DrawFn, *, waited: bool = False) -> Problem:
    """Tight instances for rule 4: depots and lines within about 70 km around Osaka Bay's east
    shore (ETAs of 30-190 min), deadlines among those ETAs, stock short of demand nearby: the
    shortest haul is often late where an on-time plan exists."""
    near = st.tuples(st.floats(34.40, 34.90), st.floats(135.20, 135.80))
    due_soon = st.floats(40.0, 160.0)
    supplies = []
    for depot_id in range(draw(st.integers(2, 7))):
        member, (lat, lon) = draw(st.sampled_from(MEMBERS)), draw(near)
        supplies.append(Supply(depot_id, member, "water", lat, lon, draw(st.integers(0, 30)), 0, 0))
    lines = []
    for k in range(draw(st.integers(2, 7))):
        lat, lon = draw(near)
        lines.append(
            RequestLine(
                line_id=k,
                request_id=k,
                member_code=draw(st.sampled_from(MEMBERS[:2])),
                item_code="water",
                quantity=draw(st.integers(1, 25)),
                priority=draw(st.sampled_from([Priority.HIGH, Priority.HIGH, Priority.NORMAL])),
                lat=lat,
                lon=lon,
                needed_by_minutes=draw(st.one_of(st.none(), st.floats(40.0, 160.0), due_soon)),
            )
        )
    stricken = frozenset(ln.member_code for ln in lines)
    options = Options(include_stricken_suppliers=True)
    waits = draw(truck_waits()) if waited else TruckWaits()
    return Problem(
        tuple(supplies), tuple(lines), stricken, options, draw(closures()), truck_waits=waits
    )
