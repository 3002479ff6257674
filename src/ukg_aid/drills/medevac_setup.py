"""A drill's medevac setting at its start (SPEC §12): damaged hospitals and weather holds.

* Hospitals are damaged **by intensity** (``quake.damage.hospital_damage``: damaged for certain
  when the median JMA intensity at the hospital reaches 6.0 (6強), otherwise with P(I ≥ 6.0),
  σ = 0.4; threshold and sources in ``quake/damage.py`` ``HOSPITAL_DAMAGED`` and
  ``data/reference/damage_thresholds.csv``), drawn from their own random stream (the seed plus
  ``"hospitals"``) so the rest of the script is unchanged; and/or **named** (``--damage-hospital
  KEY``) for a what-if. Hospital positions are often estimates (``position_estimated``), so the
  intensity at them is too.
* Weather holds are the scenario's own (``Scenario.weather_holds``, drill assumptions).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

from ukg_aid.drills.script import HoldCall, HospitalChange
from ukg_aid.helicopters.schemas import HelicopterRead
from ukg_aid.hospitals.schemas import HospitalRead
from ukg_aid.quake.damage import Site, hospital_damage
from ukg_aid.quake.scenarios import Scenario


def hospital_changes(
    scenario: Scenario,
    hospitals: Sequence[HospitalRead],
    *,
    seed: int,
    by_intensity: bool,
    named: Sequence[str] = (),
) -> tuple[HospitalChange, ...]:
    """Which hospitals start damaged, in key order; a named key that does not exist is an error."""
    by_key = {h.key: h for h in hospitals}
    unknown = sorted(set(named) - by_key.keys())
    if unknown:
        raise ValueError(f"no hospital with key {', '.join(unknown)}")
    damaged: dict[str, str] = dict.fromkeys(named, "named")
    if by_intensity:
        sites = [Site(h.key, h.lat, h.lon) for h in hospitals]
        rng = random.Random(f"{seed}-hospitals")
        for outcome in hospital_damage(scenario.event, sites, rng):
            if outcome.status == "damaged":
                damaged.setdefault(outcome.id, f"intensity {outcome.intensity:.1f}")
    return tuple(
        HospitalChange(by_key[key].id, key, "damaged", why) for key, why in sorted(damaged.items())
    )


def weather_holds(scenario: Scenario, fleet: Sequence[HelicopterRead]) -> tuple[HoldCall, ...]:
    """The scenario's holds as request bodies; a base hold names its aircraft by callsign."""
    ids = {h.callsign: h.id for h in fleet}
    calls = []
    for hold in scenario.weather_holds:
        body: dict[str, object] = {
            "from": (scenario.start_time + timedelta(hours=hold.from_hours)).isoformat(),
            "until": (scenario.start_time + timedelta(hours=hold.until_hours)).isoformat(),
            "reason": hold.reason,
        }
        if hold.area is not None:
            body["area"] = dict(hold.area)
        else:
            body["base_helicopter_id"] = ids[str(hold.base_callsign)]
        if hold.note:
            body["note"] = hold.note[:500]
        calls.append(HoldCall(body))
    return tuple(calls)
