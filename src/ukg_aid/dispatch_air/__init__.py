"""Doctor-Heli medevac core (SPEC §4): feasibility, single and batch assignment, coverage.

Pure: plain frozen dataclasses and enums in, plain results out; no database, no web framework.
Times are timezone-aware (Japan time, ``JST``), distances km, durations minutes.

* ``check`` / ``assign_one``: can this aircraft fly this mission now; which aircraft should.
* ``assign_batch``: many pending missions at once (red before yellow, then weighted minutes).
* ``coverage``: the fastest available aircraft for each member office.
"""

from ukg_aid.dispatch_air.batch import BatchResult, assign_batch
from ukg_aid.dispatch_air.coverage import COVERED_WITHIN_MIN, CoverageRow, coverage
from ukg_aid.dispatch_air.daylight import daylight_window, in_window, sunset_at
from ukg_aid.dispatch_air.model import (
    JST,
    Aircraft,
    AircraftStatus,
    Hospital,
    Mission,
    Preference,
    RefusalReason,
    Severity,
)
from ukg_aid.dispatch_air.objective import BatchKey, batch_key, validate_batch
from ukg_aid.dispatch_air.rules import Assignment, Feasible, Refusal, assign_one, check
from ukg_aid.dispatch_air.sortie import (
    LIFT_OFF_MIN,
    ON_SCENE_MIN,
    Sortie,
    choose_hospital,
    plan_sortie,
)
from ukg_aid.solving import SolveStatus

__all__ = [
    "COVERED_WITHIN_MIN",
    "JST",
    "LIFT_OFF_MIN",
    "ON_SCENE_MIN",
    "Aircraft",
    "AircraftStatus",
    "Assignment",
    "BatchKey",
    "BatchResult",
    "CoverageRow",
    "Feasible",
    "Hospital",
    "Mission",
    "Preference",
    "Refusal",
    "RefusalReason",
    "Severity",
    "SolveStatus",
    "Sortie",
    "assign_batch",
    "assign_one",
    "batch_key",
    "check",
    "choose_hospital",
    "coverage",
    "daylight_window",
    "in_window",
    "plan_sortie",
    "sunset_at",
    "validate_batch",
]
