"""Seeded synthetic Kansai instances for `bench/medevac.py`, built for any copy of the core.

Every builder takes the core module (``ukg_aid.dispatch_air``, or an earlier revision loaded by
``load_core_at``) so that both run on identical instances in the same process. The SPEC §12 inputs
(``section12``) are the issue's note scenario: the 79 rows of data/reference/hospitals.csv with
two Kobe hospitals damaged, fog over northern Hyogo (Tajima) from 09:00 to 14:00, the Osaka
aircraft staged at the Hyogo base (Kakogawa), every fourth extra aircraft a visitor from outside
the union.
"""

from __future__ import annotations

import atexit
import csv
import dataclasses
import datetime as dt
import importlib.util
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from shapely.geometry import Polygon

from ukg_aid import dispatch_air
from ukg_aid.dispatch_air import JST

AT = dt.datetime(2026, 6, 15, 10, 0, tzinfo=JST)
SEED = 20260615
RED_SHARE = 0.35
ROOT = Path(__file__).resolve().parents[1]
HOSPITALS_CSV = ROOT / "data" / "reference" / "hospitals.csv"

# The eight union bases (reference/heli_bases.csv): name, operating member, lat, lon.
BASES = [
    ("osaka", "27", 34.810, 135.526),
    ("toyooka", "28", 35.548, 134.815),
    ("tokushima", "36", 34.067, 134.548),
    ("hyogo_harima", "28", 34.748, 134.852),
    ("kyoshiga", "25", 35.022, 135.964),
    ("tottori", "31", 35.436, 133.334),
    ("wakayama", "30", 34.191, 135.190),
    ("nara", "29", 34.385, 135.800),
]
# Member offices (reference/members.csv) for the coverage tie-break.
OFFICES = {
    "25": (35.004444, 135.868333),
    "26": (35.021389, 135.755556),
    "27": (34.686389, 135.520000),
    "28": (34.691389, 135.183056),
    "29": (34.685278, 135.832778),
    "30": (34.226111, 135.167500),
    "31": (35.503611, 134.238333),
    "36": (34.065833, 134.559444),
    "26100": (35.011636, 135.768029),
    "27100": (34.693738, 135.502165),
    "27140": (34.573262, 135.482998),
    "28100": (34.690083, 135.195511),
}
# Drawn for the bench (not an outline): 134.35-135.00 E, 35.25-35.70 N, the Toyooka base inside.
TAJIMA_BOX = Polygon([(134.35, 35.25), (135.00, 35.25), (135.00, 35.70), (134.35, 35.70)])
KOBE_DAMAGED = ("28-kobe-chuo-shimin", "28-kobe-daigaku")


def _rng(n_aircraft: int, n_missions: int) -> random.Random:
    return random.Random(f"{SEED}-{n_aircraft}-{n_missions}")


def make_fleet(core: ModuleType, n: int, rng: random.Random) -> list[Any]:
    """The real bases first, then extra aircraft within about 25 km of a random base."""
    fleet = []
    for i in range(n):
        name, member, lat, lon = BASES[i % len(BASES)]
        if i >= len(BASES):
            lat, lon = lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.25, 0.25)
        fleet.append(
            core.Aircraft(
                id=i + 1,
                callsign=f"{name}-{i + 1}",
                member_code=member,
                base_name=name,
                base_lat=lat,
                base_lon=lon,
                status=core.AircraftStatus.available,
            )
        )
    return fleet


def make_missions(core: ModuleType, n: int, rng: random.Random) -> list[Any]:
    """Scenes near a random member office (within about 40 km), 35 % red, reported in order."""
    codes = list(OFFICES)
    missions = []
    for i in range(n):
        code = rng.choice(codes)
        lat, lon = OFFICES[code]
        missions.append(
            core.Mission(
                id=i + 1,
                member_code=code,
                scene_lat=lat + rng.uniform(-0.35, 0.35),
                scene_lon=lon + rng.uniform(-0.4, 0.4),
                severity=core.Severity.red if rng.random() < RED_SHARE else core.Severity.yellow,
                patients=1,
                reported_at=AT + dt.timedelta(seconds=i),
            )
        )
    return missions


def base_hospitals(core: ModuleType) -> list[Any]:
    """The receiving hospitals before SPEC §12: the eight base hospitals."""
    return [core.Hospital(name, lat, lon) for name, _, lat, lon in BASES]


def default_case(core: ModuleType, n_aircraft: int, n_missions: int) -> tuple[Any, Any, Any]:
    """(fleet, missions, hospitals) as the service builds them today, for ``core``."""
    rng = _rng(n_aircraft, n_missions)
    fleet = make_fleet(core, n_aircraft, rng)
    return fleet, make_missions(core, n_missions, rng), base_hospitals(core)


def reference_hospitals() -> list[dispatch_air.Hospital]:
    """data/reference/hospitals.csv as core hospitals; the two Kobe rows damaged."""
    with HOSPITALS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        dispatch_air.Hospital(
            row["name_ja"],
            float(row["lat"]),
            float(row["lon"]),
            id=i,
            member_code=row["member_code"],
            heliport=dispatch_air.Heliport(row["heliport"]),
            status=dispatch_air.HospitalStatus.damaged
            if row["key"] in KOBE_DAMAGED
            else dispatch_air.HospitalStatus.operational,
        )
        for i, row in enumerate(rows, start=1)
    ]


def section12(
    fleet: list[dispatch_air.Aircraft],
) -> tuple[
    list[dispatch_air.Aircraft], list[dispatch_air.Hospital], list[dispatch_air.WeatherHold]
]:
    """The SPEC §12 inputs (module doc) on top of a default fleet."""
    _, _, lat, lon = BASES[3]  # hyogo_harima (Kakogawa)
    hour = dt.timedelta(hours=1)
    staging = dispatch_air.Staging(
        name="Kakogawa (forward)", lat=lat, lon=lon, start=AT - hour, until=AT + 8 * hour
    )
    changed = list(fleet)
    changed[0] = dataclasses.replace(fleet[0], stagings=(staging,))
    for i in range(len(BASES), len(fleet), 4):
        changed[i] = dataclasses.replace(fleet[i], member_code=None)
    fog = dispatch_air.WeatherHold(
        id=1,
        start=AT - dt.timedelta(hours=1),
        until=AT + dt.timedelta(hours=4),
        reason="fog over 但馬",
        area=TAJIMA_BOX,
    )
    return changed, reference_hospitals(), [fog]


def load_core_at(rev: str) -> ModuleType:
    """The ``dispatch_air`` package as it was at git revision ``rev``, imported under another name.

    Its files are read with ``git show`` and their ``ukg_aid.dispatch_air`` imports renamed, so the
    earlier core and today's run side by side (both still use today's ``ukg_aid.geo``/``solving``).
    """
    name = "dispatch_air_before"
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", rev, "src/ukg_aid/dispatch_air/"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    folder = tempfile.mkdtemp(prefix="medevac-core-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    target = Path(folder) / name
    target.mkdir()
    for path in listing:
        text = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        (target / Path(path).name).write_text(text.replace("ukg_aid.dispatch_air", name))
    # Imported as a package from its folder (no search path changed): registered under its name
    # first, so its own absolute imports (``dispatch_air_before.x``) resolve to its files.
    spec = importlib.util.spec_from_file_location(
        name, target / "__init__.py", submodule_search_locations=[str(target)]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
