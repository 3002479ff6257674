"""Random small matching instances for the property tests (hypothesis)."""

from __future__ import annotations

from hypothesis import strategies as st

from ukg_aid.matching import Options, Priority, Problem, RequestLine, Supply

MEMBERS = ["25", "27", "27100", "28"]
ITEMS = ["water", "blanket"]
coords = st.tuples(st.floats(34.2, 35.6), st.floats(134.5, 136.2))


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    supplies = []
    for depot_id in range(draw(st.integers(1, 6))):
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
        )
        for k in range(draw(st.integers(1, 7)))
    ]
    pairs = draw(st.frozensets(st.tuples(st.sampled_from(MEMBERS), st.sampled_from(MEMBERS))))
    options = Options(include_stricken_suppliers=draw(st.booleans()), counterparts=pairs)
    stricken = frozenset(ln.member_code for ln in lines)
    return Problem(tuple(supplies), tuple(lines), stricken, options)
