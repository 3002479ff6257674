"""Receiving hospitals (SPEC §4, §12): where a mission's patient is flown.

* **Landable** (``landable``): the heliport is ``on_site`` or ``nearby``. ``unknown`` does not count
  until an operator confirms it: most of ``data/reference/hospitals.csv`` is ``unknown``, and no
  source says those hospitals have a pad (its README). ``none`` never counts.
* **Default** (``choose_hospital``): the hospital nearest the scene (great circle) that is
  ``operational``, landable and not inside an area weather hold at the assignment time. An
  ``on_site`` hospital is preferred to a nearer ``nearby`` one when it is at most
  ``ON_SITE_PREFERENCE_KM`` farther from the scene. Ties go to the earlier hospital in the list.
* **Named** (``named_hospital_refusal``): a hospital the mission names is used as given unless it
  is ``damaged`` (``hospital_damaged``), ``full`` (``hospital_full``) or known to have no heliport
  (``no_heliport``). An ``unknown`` heliport is accepted: the requester who names a hospital
  arranges the landing. A named hospital under a weather hold is refused by the sortie's own
  weather check (``weather``).

The choice depends on the mission alone, not on the aircraft, so every aircraft's sortie for a
mission goes to the same hospital; the sortie's range, daylight and weather checks use it. When no
hospital qualifies the mission is refused ``no_hospital``, with counts saying why.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ukg_aid.air_kinds import Heliport, HospitalStatus
from ukg_aid.dispatch_air.model import Hospital, Mission, RefusalReason
from ukg_aid.dispatch_air.weather import WeatherHold, point_held
from ukg_aid.geo import Point, haversine_km

LANDABLE = frozenset({Heliport.on_site, Heliport.nearby})
"""Heliport kinds a default choice may use."""

ON_SITE_PREFERENCE_KM = 5.0
"""ASSUMPTION (no source): an on-site pad is worth up to 5 km more flying than an off-site one.
5 km is 1.4 min at 220 km/h, less than an ambulance transfer from an off-site pad can take
(unload, load, drive). Set 0 to take the nearest landable hospital whatever its pad."""


@dataclass(frozen=True, slots=True)
class HospitalRefusal:
    """Why a mission has no receiving hospital (a mission-level refusal, any aircraft)."""

    reason: RefusalReason
    detail: str


def landable(hospital: Hospital) -> bool:
    """Whether a default choice may send a helicopter to ``hospital`` (see module doc)."""
    return hospital.heliport in LANDABLE


def receivable(hospital: Hospital, at: dt.datetime, holds: Sequence[WeatherHold] = ()) -> bool:
    """Operational, landable and not inside an area weather hold at ``at``."""
    return (
        hospital.status is HospitalStatus.operational
        and landable(hospital)
        and (not holds or point_held(hospital.point, at, holds) is None)
    )


def choose_hospital(
    scene: Point,
    hospitals: Sequence[Hospital],
    at: dt.datetime,
    holds: Sequence[WeatherHold] = (),
    *,
    on_site_preference_km: float = ON_SITE_PREFERENCE_KM,
) -> Hospital | None:
    """The default receiving hospital for ``scene`` (rule in the module doc), or ``None``.

    One pass: the nearest receivable hospital and the nearest receivable on-site one (strict
    ``<`` keeps the earlier hospital on a tie).
    """
    nearest: tuple[float, Hospital] | None = None
    on_site: tuple[float, Hospital] | None = None
    for h in hospitals:
        if not receivable(h, at, holds):
            continue
        km = haversine_km(scene.lat, scene.lon, h.lat, h.lon)
        if nearest is None or km < nearest[0]:
            nearest = (km, h)
        if h.heliport is Heliport.on_site and (on_site is None or km < on_site[0]):
            on_site = (km, h)
    if nearest is None:
        return None
    if on_site is not None and on_site[0] <= nearest[0] + on_site_preference_km:
        return on_site[1]
    return nearest[1]


def named_hospital_refusal(hospital: Hospital) -> HospitalRefusal | None:
    """Why a hospital the mission names cannot receive, or ``None`` when it can."""
    if hospital.status is HospitalStatus.damaged:
        return HospitalRefusal(RefusalReason.hospital_damaged, f"{hospital.name} is damaged")
    if hospital.status is HospitalStatus.full:
        return HospitalRefusal(RefusalReason.hospital_full, f"{hospital.name} is full")
    if hospital.heliport is Heliport.none:
        return HospitalRefusal(RefusalReason.no_heliport, f"{hospital.name} has no heliport")
    return None


def no_hospital_detail(
    hospitals: Sequence[Hospital], at: dt.datetime, holds: Sequence[WeatherHold] = ()
) -> str:
    """Counts of why each hospital was passed over, e.g. ``8 hospitals: damaged 2, ...``."""
    why: Counter[str] = Counter()
    for h in hospitals:
        if h.status is not HospitalStatus.operational:
            why[h.status.value] += 1
        elif not landable(h):
            why[f"heliport {h.heliport.value}"] += 1
        else:
            why["under a weather hold"] += 1
    counts = ", ".join(f"{k} {n}" for k, n in sorted(why.items()))
    return f"no operational hospital with a heliport clear of weather ({len(hospitals)}: {counts})"


def receiving_hospital(
    mission: Mission,
    hospitals: Sequence[Hospital],
    at: dt.datetime,
    holds: Sequence[WeatherHold] = (),
) -> Hospital | HospitalRefusal:
    """The mission's named hospital if it can receive, else the default choice, or why not."""
    if mission.hospital is not None:
        refusal = named_hospital_refusal(mission.hospital)
        return mission.hospital if refusal is None else refusal
    chosen = choose_hospital(mission.scene, hospitals, at, holds)
    if chosen is None:
        return HospitalRefusal(RefusalReason.no_hospital, no_hospital_detail(hospitals, at, holds))
    return chosen
