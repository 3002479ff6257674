"""Relief needs per evacuee: the one table of rates behind the drill model and shelter needs.

Pure (no I/O). The drill impact model (:mod:`ukg_aid.quake.impact`) turns its evacuee estimate
into needs with :func:`item_needs`; the service's ``GET /shelters/needs`` turns shelter counts
into needs with :func:`shelter_needs` (rates from the catalog through :func:`rates_from_catalog`).

A :class:`Rate` is per evacuee **per day** (``per_day``) or per evacuee **once**, on the first day
(``once``). A few rates are counted on a group when a shelter reports it: ``infants`` (children
under 1, 乳児 — the ones fed formula) or ``elderly`` (aged 65 or over). ``per_day`` then stays the
rate for an evacuee of unknown age, and with a group count the quantity per day is
``per_group_day × group + (per_day − per_group_day × group_share) × evacuees``: the group's own use
plus the part of the rate that does not come from the group (e.g. diapers of 1–2-year-olds).
With ``group = group_share × evacuees`` both ways give the same quantity.

Only water 3 L, meals 3 and portable toilets 5 uses per person per day are sourced (reference
``stockpile_items.csv``); every other number is an assumption, written beside it. The catalog seed
``data/stockpiles/items.csv`` carries the same rates (tested), one-off items as ``once`` spread over
``CATALOG_SPREAD_DAYS`` days, because the catalog has a per-day column only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

CATALOG_SPREAD_DAYS = 3
"""The catalog stores a one-off rate as ``once / 3`` per day (the seed's 3-day planning horizon,
``data/stockpiles/build_stock.py`` ``PLANNING_HORIZON_DAYS``)."""

INFANT_SHARE = 0.007
"""Children under 1 as a share of people: about 840,000 births in 2020 / 126 M (assumption
carried from the catalog; evacuees taken to have the national age mix)."""

ELDERLY_SHARE = 0.286
"""People aged 65 or over, 28.6 % of Japan in the 2020 census (IPSS 人口統計資料集 table 12-14,
ipss.go.jp/syoushika/tohkei/Data/Popular2025/T12-14)."""

GROUPS = ("infants", "elderly")


@dataclass(frozen=True, slots=True)
class Rate:
    """How much of one catalog item an evacuee needs, and where the number comes from."""

    item_code: str
    per_day: float = 0.0
    once: float = 0.0
    group: str | None = None  # "infants" | "elderly": counted on that group when it is known
    per_group_day: float = 0.0  # per member of the group per day
    group_share: float = 0.0  # share of evacuees in the group that ``per_day`` assumes
    basis: str = "assumption"  # "sourced" | "assumption"
    note: str = ""

    def __post_init__(self) -> None:
        if self.per_day < 0 or self.once < 0 or self.per_group_day < 0:
            raise ValueError(f"{self.item_code}: rates must be >= 0")
        if self.group is not None and self.group not in GROUPS:
            raise ValueError(f"{self.item_code}: group must be one of {GROUPS}")
        if self.per_group_day * self.group_share > self.per_day + 1e-9:
            raise ValueError(f"{self.item_code}: the group's share exceeds the whole rate")

    def daily_quantity(self, evacuees: float, groups: Mapping[str, int | None]) -> float:
        """Exact units per day for ``evacuees`` people (group counts used when known)."""
        count = groups.get(self.group) if self.group else None
        if count is None:
            return self.per_day * evacuees
        rest = self.per_day - self.per_group_day * self.group_share
        return self.per_group_day * count + max(rest, 0.0) * evacuees


DEFAULT_RATES: tuple[Rate, ...] = (
    Rate(
        "water",
        per_day=3.0,
        basis="sourced",
        note="3 L/person/day, drinking + cooking (national guideline; reference "
        "stockpile_items.csv S2;S6)",
    ),
    Rate(
        "meals",
        per_day=3.0,
        basis="sourced",
        note="3 meals/person/day (national guidance; reference stockpile_items.csv S1;S2)",
    ),
    Rate(
        "portable_toilets",
        per_day=5.0,
        basis="sourced",
        note="5 uses/person/day (national guideline as cited by Osaka City; reference "
        "stockpile_items.csv S4)",
    ),
    Rate(
        "blankets",
        once=1.0,
        note="1 per evacuee once: municipal plans commonly give 1-2 (not found officially); the "
        "catalog and the seed stock use 1. The drill model used 2 until the rates were unified.",
    ),
    Rate(
        "infant_formula",
        per_day=INFANT_SHARE,
        group="infants",
        per_group_day=1.0,
        group_share=INFANT_SHARE,
        note="one infant-day ration per child under 1, all formula-fed (conservative); children "
        "under 1 ~0.7 % of people",
    ),
    Rate(
        "child_diapers",
        per_day=0.18,
        group="infants",
        per_group_day=8.0,
        group_share=INFANT_SHARE,
        note="children aged 0-2 ~2.2 % of people x 8 a day (household guides 8-10 a day); with "
        "an infant count: 8 per infant + 0.124 per evacuee for the 1-2-year-olds",
    ),
    Rate(
        "adult_diapers",
        per_day=0.05,
        group="elderly",
        per_group_day=0.05 / ELDERLY_SHARE,
        group_share=ELDERLY_SHARE,
        note="~1 % of people (frail elderly, care levels 3-5) x 5 a day; with an elderly count "
        "all users are taken to be 65+ (3.5 % of them). The catalog's 5 a day kept over the drill "
        "model's 4: no source either way, and too few is worse than too many",
    ),
    Rate(
        "toilet_paper",
        per_day=0.2,
        note="one roll per person per ~5 days; the catalog does not fix the roll length "
        "(日本トイレ協会 average 8 m/person/day via kosotto.info = 0.13 of a 60 m roll)",
    ),
    Rate(
        "sanitary_products",
        per_day=0.25,
        note="women 12-51 ~21 % x 1 in 5 menstruating on a day x 6 pads = 0.25 (the catalog's "
        "arithmetic; the drill model's 0.2 assumed 18 % of days); 6 a day cross-checked only by "
        "a Q&A site",
    ),
    Rate("generators", once=1 / 200, note="1 portable generator per ~200-person shelter"),
    Rate("tents", once=1 / 20, note="1 tent (4-6 people, first aid or privacy) per 20 evacuees"),
    Rate("first_aid_kits", once=1 / 50, note="1 first-aid kit per 50 evacuees"),
)
"""The default rates. Order is the catalog's."""


@dataclass(frozen=True, slots=True)
class ItemNeed:
    """Need of one item: units every day, plus a one-off quantity on the first day."""

    item_code: str
    per_day: int
    initial: int


@dataclass(frozen=True, slots=True)
class ShelterCount:
    """People in one shelter; ``infants`` and ``elderly`` when the desk reports them."""

    evacuees: int
    infants: int | None = None
    elderly: int | None = None


def _check_counts(evacuees: int, infants: int | None, elderly: int | None) -> None:
    if evacuees < 0:
        raise ValueError(f"evacuees must be >= 0, got {evacuees}")
    for name, count in (("infants", infants), ("elderly", elderly)):
        if count is not None and not 0 <= count <= evacuees:
            raise ValueError(f"{name} must be between 0 and evacuees ({evacuees}), got {count}")
    if (infants or 0) + (elderly or 0) > evacuees:
        raise ValueError("infants + elderly cannot exceed evacuees")


def item_needs(
    evacuees: int,
    *,
    infants: int | None = None,
    elderly: int | None = None,
    rates: Sequence[Rate] = DEFAULT_RATES,
) -> tuple[ItemNeed, ...]:
    """Per item, in item-code order: ``ceil(units per day)`` and ``ceil(evacuees × once)``."""
    _check_counts(evacuees, infants, elderly)
    groups = {"infants": infants, "elderly": elderly}
    return tuple(
        ItemNeed(
            item_code=r.item_code,
            per_day=math.ceil(r.daily_quantity(evacuees, groups) - 1e-9),
            initial=math.ceil(r.once * evacuees - 1e-9),
        )
        for r in sorted(rates, key=lambda r: r.item_code)
    )


def needs_over(
    days: int,
    evacuees: int,
    *,
    infants: int | None = None,
    elderly: int | None = None,
    rates: Sequence[Rate] = DEFAULT_RATES,
) -> dict[str, int]:
    """Units per item for ``days`` days: ``ceil(daily × days + once)`` (one-offs counted once)."""
    if days < 1:
        raise ValueError(f"days must be >= 1, got {days}")
    _check_counts(evacuees, infants, elderly)
    groups = {"infants": infants, "elderly": elderly}
    return {
        r.item_code: math.ceil(r.daily_quantity(evacuees, groups) * days + r.once * evacuees - 1e-9)
        for r in sorted(rates, key=lambda r: r.item_code)
    }


def shelter_needs(
    shelters: Iterable[ShelterCount], days: int, *, rates: Sequence[Rate] = DEFAULT_RATES
) -> dict[str, int]:
    """Units per item for several shelters over ``days`` days.

    Each shelter's quantity is rounded up on its own (a shelter receives whole units: two
    shelters of 10 get a generator each), then the shelters are added up.
    """
    totals = {r.item_code: 0 for r in sorted(rates, key=lambda r: r.item_code)}
    for s in shelters:
        one = needs_over(days, s.evacuees, infants=s.infants, elderly=s.elderly, rates=rates)
        for code, quantity in one.items():
            totals[code] += quantity
    return totals


def rates_from_catalog(
    per_person_per_day: Mapping[str, float | None], *, defaults: Sequence[Rate] = DEFAULT_RATES
) -> tuple[Rate, ...]:
    """Rates for the items of a catalog, from its ``per_person_per_day`` column.

    Items without a rate (None) are left out. A known one-off item (blankets, generators...)
    gets ``once = catalog rate × CATALOG_SPREAD_DAYS``, so needs over N days count it once for
    any N. A known daily item gets the catalog rate, with its group rate scaled by the same factor
    (an operator who raises adult diapers by 20 % raises them for the elderly too). Unknown items
    are daily rates for everyone.
    """
    known = {r.item_code: r for r in defaults}
    out = []
    for code, value in per_person_per_day.items():
        if value is None:
            continue
        base = known.get(code)
        if base is None:
            out.append(Rate(code, per_day=value, note="catalog rate"))
        elif base.once > 0 and base.per_day == 0:
            # the catalog holds 6 decimals (0.333333 × 3 = 0.999999): undo that rounding
            out.append(replace(base, once=round(value * CATALOG_SPREAD_DAYS, 5)))
        else:
            factor = value / base.per_day if base.per_day else 0.0
            out.append(replace(base, per_day=value, per_group_day=base.per_group_day * factor))
    return tuple(out)
