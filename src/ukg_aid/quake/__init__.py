"""Earthquake model core (pure): ground motion, built-in scenarios and drill impact.

Public surface:

* :mod:`ukg_aid.quake.model` — :class:`Event`, :class:`FaultType`, :class:`Shaking`,
  :func:`intensity_at`, :func:`jma_class`, :func:`mj_to_mw`.
* :mod:`ukg_aid.quake.fault` — :class:`FiniteFault` (line or dipping plane),
  :class:`SegmentedFault`, :func:`~ukg_aid.quake.fault.rectangular_plane`.
* :mod:`ukg_aid.quake.scenarios` — :func:`list_scenarios`, :func:`load_scenario` (guests and
  real counterpart pairs of an out-of-region scenario).
* :mod:`ukg_aid.quake.areas` — members, municipalities, guests (:func:`load_guests`), depots.
* :mod:`ukg_aid.quake.impact` — :func:`assess_impact` and its input/result dataclasses.
* :mod:`ukg_aid.quake.damage` — crossings, hospitals and areas against named thresholds.

Needs per evacuee come from :mod:`ukg_aid.needs`.
"""

from __future__ import annotations

from ukg_aid.quake.fault import FiniteFault, SegmentedFault
from ukg_aid.quake.model import (
    Event,
    FaultType,
    Shaking,
    intensity_at,
    jma_class,
    mj_to_mw,
)
from ukg_aid.quake.scenarios import Scenario, list_scenarios, load_scenario

__all__ = [
    "Event",
    "FaultType",
    "FiniteFault",
    "Scenario",
    "SegmentedFault",
    "Shaking",
    "intensity_at",
    "jma_class",
    "list_scenarios",
    "load_scenario",
    "mj_to_mw",
]
