"""Test data for the medevac core: the union's eight Doctor-Heli bases.

Positions, operating members and Tottori's 17:15 end are copied from
/work/shared/reference/heli_bases.csv (approximate, ±2 km; fine for rule tests).
"""

from __future__ import annotations

import datetime as dt

from ukg_aid.dispatch_air import Aircraft, AircraftStatus, Hospital

# base name: (aircraft id, callsign, operating member, lat, lon) from heli_bases.csv
BASES: dict[str, tuple[int, str, str, float, float]] = {
    "osaka": (1, "KANSAI-MOZU", "27", 34.810, 135.526),
    "toyooka": (2, "KANSAI-KOUNOTORI", "28", 35.548, 134.815),
    "tokushima": (3, "KANSAI-AIBIRD", "36", 34.067, 134.548),
    "hyogo_harima": (4, "HYOGO", "28", 34.748, 134.852),
    "kyoshiga": (5, "KANSAI-YURIKAMOME", "25", 35.022, 135.964),
    "tottori": (6, "KANSAI-OSHIDORI", "31", 35.436, 133.334),
    "wakayama": (7, "WAKAYAMA", "30", 34.191, 135.190),
    "nara": (8, "NARA", "29", 34.385, 135.800),
}

# designated city -> parent prefecture (reference/members.csv)
MEMBER_PARENT = {"26100": "26", "27100": "27", "27140": "27", "28100": "28"}


def make_aircraft(name: str, status: AircraftStatus = AircraftStatus.available) -> Aircraft:
    ident, callsign, member, lat, lon = BASES[name]
    return Aircraft(
        id=ident,
        callsign=callsign,
        member_code=member,
        base_name=name,
        base_lat=lat,
        base_lon=lon,
        status=status,
        fixed_end=dt.time(17, 15) if name == "tottori" else None,
    )


def base_hospitals() -> list[Hospital]:
    return [Hospital(name, lat, lon) for name, (_, _, _, lat, lon) in BASES.items()]
