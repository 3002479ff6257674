"""A drill's activation in the plain parts (issue 12): guests file waves from the impact model,
and the report's push/pull and counterpart figures come from the run log."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ukg_aid.drills import activation
from ukg_aid.drills.observations import Delivery, RunLog
from ukg_aid.drills.script import build_script
from ukg_aid.quake import areas, impact
from ukg_aid.quake.scenarios import load_scenario


def test_noto_guests_file_waves_and_members_do_not() -> None:
    scenario = load_scenario("noto-2024")
    members = [
        areas.MemberArea("28", "prefecture", None, 34.6913, 135.1830, 5_465_002, "Hyogo"),
    ]
    guests = areas.load_guests(scenario.guest_codes)
    shaken = impact.assess_impact(
        scenario.event,
        members=members,
        municipalities=areas.load_municipalities(),
        depots=[],
        rng=random.Random(1),
        guests=guests,
    )
    script = build_script(
        event=scenario.event,
        impact=shaken,
        members=members,
        municipalities=areas.load_municipalities(),
        start=scenario.start_time,
        hours=72,
        seed=1,
        guests=guests,
    )
    assert "28" not in script.filing_members
    assert {"17204", "17205"} <= set(script.filing_members)
    suzu = [w for w in script.waves if w.member_code == "17205"]
    assert [w.wave for w in suzu] == [1, 2, 3]
    assert suzu[0].points[0].lat == next(g.office_lat for g in guests if g.code == "17205")


def test_activation_figures() -> None:
    at = datetime(2024, 1, 1, 17, 0).astimezone()
    log = RunLog(policy="optimized", push_units=900, pull_units=100, push_closed_units=40)
    log.counterpart_pairs = [("28", "17205")]
    log.deliveries = [
        Delivery("17205", "water", 60, at, at + timedelta(hours=9), 400.0, "28"),
        Delivery("17205", "water", 40, at, at + timedelta(hours=8), 300.0, "26"),
        Delivery("17204", "water", 10, at, at + timedelta(hours=8), 300.0, "27"),
    ]
    figures = activation.summary(log)
    assert figures["push_share"] == 0.9
    assert figures["counterpart_share"] == 0.6
    assert figures["suppliers_by_recipient"]["17205"] == {"28": 60, "26": 40}
    report = {"scenario": {"push_hours": 24}, "policies": {"optimized": figures}}
    text = "\n".join(activation.section(report, "en"))
    assert "first 24 h" in text and "900 units pushed" in text and "60%" in text
    assert "プッシュ型" in "\n".join(activation.section(report, "ja"))
