"""Doctor-Heli medevac core (SPEC §4, §12): feasibility, single and batch assignment, coverage.

Pure: plain frozen dataclasses and enums in, plain results out; no database, no web framework.
Times are timezone-aware (Japan time, ``JST``), distances km, durations minutes.

* ``check`` / ``assign_one``: can this aircraft fly this mission now; which aircraft should.
* ``assign_batch``: many pending missions at once (red before yellow, then weighted minutes).
* ``coverage``: the fastest aircraft that can reach each member office, or why none can.
* ``choose_hospital`` / ``receiving_hospital``: where the patient goes (status and heliport).
* ``WeatherHold``: an area or a base where nothing flies for a while (``sortie_hold``).
* ``Staging`` on an ``Aircraft``: a forward base it flies from for a period (``staged``);
  an aircraft with ``member_code=None`` is a visiting aircraft from outside the union.
"""

from ukg_aid.air_kinds import (
    AircraftStatus,
    CoverageReason,
    Heliport,
    HospitalStatus,
    Preference,
    Severity,
)
from ukg_aid.dispatch_air.batch import BatchResult, assign_batch
from ukg_aid.dispatch_air.batch_plan import load_engine
from ukg_aid.dispatch_air.coverage import (
    COVERED_WITHIN_MIN,
    CoverageRow,
    coverage,
    office_reach,
)
from ukg_aid.dispatch_air.daylight import daylight_window, in_window, sunset_at
from ukg_aid.dispatch_air.hospitals import (
    LANDABLE,
    ON_SITE_PREFERENCE_KM,
    HospitalRefusal,
    choose_hospital,
    landable,
    named_hospital_refusal,
    receivable,
    receiving_hospital,
)
from ukg_aid.dispatch_air.model import (
    JST,
    Aircraft,
    Hospital,
    Mission,
    RefusalReason,
    Staging,
)
from ukg_aid.dispatch_air.objective import BatchKey, batch_key, validate_batch
from ukg_aid.dispatch_air.rules import (
    Assignment,
    Feasible,
    Refusal,
    assign_one,
    check,
    check_sortie,
    flies_for,
)
from ukg_aid.dispatch_air.sortie import LIFT_OFF_MIN, ON_SCENE_MIN, Sortie, plan_sortie
from ukg_aid.dispatch_air.staging import staged, staging_at
from ukg_aid.dispatch_air.weather import Held, WeatherHold, sortie_hold, sortie_legs
from ukg_aid.solving import SolveStatus

__all__ = [
    "COVERED_WITHIN_MIN",
    "JST",
    "LANDABLE",
    "LIFT_OFF_MIN",
    "ON_SCENE_MIN",
    "ON_SITE_PREFERENCE_KM",
    "Aircraft",
    "AircraftStatus",
    "Assignment",
    "BatchKey",
    "BatchResult",
    "CoverageReason",
    "CoverageRow",
    "Feasible",
    "Held",
    "Heliport",
    "Hospital",
    "HospitalRefusal",
    "HospitalStatus",
    "Mission",
    "Preference",
    "Refusal",
    "RefusalReason",
    "Severity",
    "SolveStatus",
    "Sortie",
    "Staging",
    "WeatherHold",
    "assign_batch",
    "assign_one",
    "batch_key",
    "check",
    "check_sortie",
    "choose_hospital",
    "coverage",
    "daylight_window",
    "flies_for",
    "in_window",
    "landable",
    "load_engine",
    "named_hospital_refusal",
    "office_reach",
    "plan_sortie",
    "receivable",
    "receiving_hospital",
    "sortie_hold",
    "sortie_legs",
    "staged",
    "staging_at",
    "sunset_at",
    "validate_batch",
]
