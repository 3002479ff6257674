"""Plain input data for impact estimates: members, guests, municipalities, depots, shipped CSVs.

Designated cities are members of their own: a city's area is its wards (rows whose
``parent_city_code`` is the city's code), and its prefecture's area excludes those wards. The
``designated_city`` rows themselves (whose population is the sum of their wards) are never used.

Guest recipients (SPEC §10: municipalities or prefectures outside the union) have no municipality
rows: a guest municipality's area is its office point with its whole population, and a guest
prefecture's area is its office point with the population not in the guest municipalities given
alongside it (the same rule as a prefecture without its member cities' wards).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

_DATA = "data"


@dataclass(frozen=True, slots=True)
class MemberArea:
    """A union member as the impact model needs it (office in degrees, 2020 population)."""

    code: str
    kind: str  # "prefecture" | "city"
    parent_code: str | None
    office_lat: float
    office_lon: float
    population: int
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality or designated-city ward, located at its office."""

    code: str
    name_en: str
    kind: str  # "city" | "town" | "village" | "ward" | "designated_city"
    pref_code: str
    parent_city_code: str | None
    lat: float
    lon: float
    population: int


@dataclass(frozen=True, slots=True)
class Depot:
    """A stockpile site of a member (degrees)."""

    id: str
    member_code: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class GuestArea:
    """A guest recipient outside the union: JIS code, names, office point, 2020 population."""

    code: str
    kind: str  # "prefecture" | "municipality"
    pref_code: str
    name_ja: str
    name_en: str
    office_lat: float
    office_lon: float
    population: int

    def __post_init__(self) -> None:
        if self.kind not in ("prefecture", "municipality"):
            raise ValueError(f"guest {self.code}: kind must be prefecture or municipality")
        if self.population < 0:
            raise ValueError(f"guest {self.code}: population must be >= 0")


def guest_area(guest: GuestArea, guests: Sequence[GuestArea]) -> Municipality:
    """The one point standing for ``guest``'s area (see the module docstring)."""
    population = guest.population
    if guest.kind == "prefecture":
        inside = sum(
            g.population
            for g in guests
            if g.kind == "municipality" and g.pref_code == guest.pref_code
        )
        population = max(population - inside, 0)
    return Municipality(
        code=guest.code,
        name_en=guest.name_en,
        kind="guest_office",
        pref_code=guest.pref_code,
        parent_city_code=None,
        lat=guest.office_lat,
        lon=guest.office_lon,
        population=population,
    )


def municipalities_of(
    member: MemberArea, member_codes: Iterable[str], municipalities: Sequence[Municipality]
) -> tuple[Municipality, ...]:
    """The municipalities that make up ``member``'s area.

    A city member gets its wards. A prefecture gets its municipalities minus designated-city
    rows and minus the wards of any designated city that is itself a member.
    """
    if member.kind == "city":
        return tuple(m for m in municipalities if m.parent_city_code == member.code)
    city_members = set(member_codes)
    return tuple(
        m
        for m in municipalities
        if m.pref_code == member.code
        and m.kind != "designated_city"
        and not (m.kind == "ward" and m.parent_city_code in city_members)
    )


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("ukg_aid.quake").joinpath(_DATA, name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_municipalities() -> tuple[Municipality, ...]:
    """The 292 municipalities and wards of the 8 member prefectures (shipped copy, 2020 census)."""
    return tuple(
        Municipality(
            code=row["jis_code"],
            name_en=row["name_en"],
            kind=row["kind"],
            pref_code=row["pref_code"],
            parent_city_code=row["parent_city_code"] or None,
            lat=float(row["office_lat"]),
            lon=float(row["office_lon"]),
            population=int(row["population"]),
        )
        for row in _read_csv("municipalities.csv")
    )


def load_members() -> tuple[MemberArea, ...]:
    """The 12 union members (shipped copy of ``reference/members.csv``)."""
    return tuple(
        MemberArea(
            code=row["code"],
            kind=row["kind"],
            parent_code=row["parent_pref_code"] or None,
            office_lat=float(row["office_lat"]),
            office_lon=float(row["office_lon"]),
            population=int(row["population"]),
            name_en=row["name_en"],
        )
        for row in _read_csv("members.csv")
    )


def load_guests(codes: Iterable[str] | None = None) -> tuple[GuestArea, ...]:
    """Guest recipients of the union's real activations (shipped copy of
    ``data/reference/guests.csv``), all of them or those with ``codes`` in that order."""
    rows = {
        row["code"]: GuestArea(
            code=row["code"],
            kind=row["kind"],
            pref_code=row["pref_code"],
            name_ja=row["name_ja"],
            name_en=row["name_en"],
            office_lat=float(row["office_lat"]),
            office_lon=float(row["office_lon"]),
            population=int(row["population"]),
        )
        for row in _read_csv("guests.csv")
    }
    if codes is None:
        return tuple(rows.values())
    wanted = list(codes)
    unknown = [c for c in wanted if c not in rows]
    if unknown:
        raise KeyError(f"unknown guest codes: {', '.join(unknown)}")
    return tuple(rows[c] for c in wanted)
