"""Generate `stock.csv` from `members.csv`, `items.csv` and `depots.csv` (same folder).

Sizing (every parameter below is an assumption unless its comment names a source; README.md
explains each one):

    evacuees(city)       = EVACUEES_OVERRIDE[city] or population × EVACUEE_SHARE
    evacuees(prefecture) = (population − its designated cities' population) × EVACUEE_SHARE
                           + Σ evacuees(its designated cities)
    total(member, item)  = evacuees × PLANNING_HORIZON_DAYS × horizon share(kind, item)
                           × per_person_per_day(item)
    on_hand(depot, item) = total split over the member's depots that hold the item, in
                           proportion to the depot's weight (largest-remainder rounding, so the
                           depot quantities add up to the member total exactly)
    reserve_floor        = on_hand × RESERVE_FLOOR_PERCENT // 100

Exact rational arithmetic (fractions.Fraction) and a fixed row order make the output
byte-for-byte reproducible. Run from anywhere:

    python data/stockpiles/build_stock.py            # rewrite stock.csv
    python data/stockpiles/build_stock.py --check    # exit 1 if stock.csv is stale
    python data/stockpiles/build_stock.py --sanity   # compare with published municipal stocks
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent

PLANNING_HORIZON_DAYS = 3  # Nankai: outside help assumed after 3 days (Osaka City plan, S4)
EVACUEE_SHARE = Fraction(6, 100)  # assumed shelter-evacuee share of population
EVACUEES_OVERRIDE = {"27100": 530_000}  # Osaka City: Nankai shelter evacuees (city page S4)
# Share of the 3-day horizon held by each kind of member. Osaka's rule (S4, S7): prefecture and
# municipalities split 1:1, except food: prefecture 2 days, municipality 1 day.
FOOD_ITEMS = frozenset({"meals"})
HORIZON_SHARE = {
    ("prefecture", True): Fraction(2, 3),
    ("prefecture", False): Fraction(1, 2),
    ("city", True): Fraction(1, 3),
    ("city", False): Fraction(1, 2),
}
RESERVE_FLOOR_PERCENT = 30  # assumed share kept for the member's own residents
KIND_WEIGHT = {"wide_area_base": 4, "stockpile_warehouse": 2, "transport_hub": 1}
KEY_WEIGHT = {  # 7.7-22 m³ school containers hold a fraction of a warehouse
    "26100-ohara-jhs-container": Fraction(1, 10),
    "26100-yase-es-container": Fraction(1, 10),
    "26100-shizuhara-es-container": Fraction(1, 10),
}
HUB_ITEMS = frozenset({"water", "meals", "blankets", "portable_toilets", "toilet_paper"})
HEADER = ["depot_key", "item_code", "on_hand", "reserve_floor", "assumption"]


@dataclass(frozen=True, slots=True)
class Member:
    code: str
    kind: str
    parent_code: str
    population: int


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    rate: Fraction  # units per person per day


@dataclass(frozen=True, slots=True)
class Depot:
    key: str
    member_code: str
    kind: str


def _read(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load() -> tuple[list[Member], list[Item], list[Depot]]:
    """The three input tables, in file order."""
    members = [
        Member(r["code"], r["kind"], r["parent_code"], int(r["population"]))
        for r in _read("members.csv")
    ]
    items = [Item(r["code"], Fraction(r["per_person_per_day"])) for r in _read("items.csv")]
    depots = [Depot(r["key"], r["member_code"], r["kind"]) for r in _read("depots.csv")]
    return members, items, depots


def evacuees(members: Sequence[Member]) -> dict[str, Fraction]:
    """Planning shelter evacuees per member (a prefecture counts its designated cities too)."""
    result: dict[str, Fraction] = {}
    for m in members:
        if m.kind == "city":
            result[m.code] = Fraction(EVACUEES_OVERRIDE.get(m.code, m.population * EVACUEE_SHARE))
    for m in members:
        if m.kind == "prefecture":
            cities = [c for c in members if c.parent_code == m.code]
            rest = m.population - sum(c.population for c in cities)
            result[m.code] = rest * EVACUEE_SHARE + sum((result[c.code] for c in cities), start=0)
    return result


def member_total(kind: str, people: Fraction, item: Item) -> int:
    """Units of one item a member stocks, rounded half up."""
    share = HORIZON_SHARE[(kind, item.code in FOOD_ITEMS)]
    exact = people * PLANNING_HORIZON_DAYS * share * item.rate
    return int(exact + Fraction(1, 2))


def holds(depot: Depot, item: Item) -> bool:
    """Transport hubs stage bulky commodities only; other depots hold the whole catalog."""
    return depot.kind != "transport_hub" or item.code in HUB_ITEMS


def weight(depot: Depot) -> Fraction:
    return KEY_WEIGHT.get(depot.key, Fraction(KIND_WEIGHT[depot.kind]))


def split(total: int, depots: Sequence[Depot]) -> list[int]:
    """Largest-remainder split of `total` by depot weight; ties go to the earlier depot."""
    weights = [weight(d) for d in depots]
    exact = [total * w / sum(weights) for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(depots)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _note(member: Member, people: Fraction, item: Item, depot: Depot, of: Fraction) -> str:
    share = HORIZON_SHARE[(member.kind, item.code in FOOD_ITEMS)]
    return (
        f"ASSUMED sizing (build_stock.py): member {member.code} total = {round(people):,} "
        f"evacuees x {PLANNING_HORIZON_DAYS} d x {share} {member.kind} share x {item.rate} "
        f"{item.code}/person/day; this depot's weight {weight(depot)} of {of}; reserve_floor "
        f"{RESERVE_FLOOR_PERCENT} % for own residents"
    )


def rows(
    members: Sequence[Member], items: Sequence[Item], depots: Sequence[Depot]
) -> list[list[str]]:
    """Stock rows ordered by member file order, item file order, depot file order."""
    people = evacuees(members)
    out: list[list[str]] = []
    for m in members:
        own = [d for d in depots if d.member_code == m.code]
        for item in items:
            holders = [d for d in own if holds(d, item)]
            if not holders:
                continue
            of = sum((weight(d) for d in holders), start=Fraction(0))
            total = member_total(m.kind, people[m.code], item)
            for depot, qty in zip(holders, split(total, holders), strict=True):
                if qty > 0:
                    floor = qty * RESERVE_FLOOR_PERCENT // 100
                    note = _note(m, people[m.code], item, depot, of)
                    out.append([depot.key, item.code, str(qty), str(floor), note])
    return out


def render() -> str:
    """The full text of stock.csv."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(*load()))
    return buf.getvalue()


def sanity(population: int) -> dict[str, int]:
    """What this model gives a municipality of `population` (municipal share, 6 % evacuees)."""
    _, items, _ = load()
    people = population * EVACUEE_SHARE
    return {item.code: member_total("city", people, item) for item in items}


def main(argv: Sequence[str]) -> int:
    target = HERE / "stock.csv"
    text = render()
    if "--check" in argv:
        stale = not target.exists() or target.read_text(encoding="utf-8") != text
        print("stock.csv is stale: re-run build_stock.py" if stale else "stock.csv is up to date")
        return int(stale)
    if "--sanity" in argv:
        for name, population in (("Daito", 119_184), ("Osakasayama", 58_486)):
            print(name, sanity(population))
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
