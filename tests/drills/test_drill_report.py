"""The drill report fit to forward (pure: hand-made run logs through metrics, report, charts)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ukg_aid.clock import JST
from ukg_aid.drills import charts, compare, messages, metrics, report
from ukg_aid.drills.markdown import markdown
from ukg_aid.drills.observations import Delivery, MissionOutcome, RunLog, Snapshot

T0 = datetime(2026, 10, 5, 9, 30, tzinfo=JST)
MEMBERS = {
    "27": {"name_ja": "大阪府", "name_en": "Osaka"},
    "27100": {"name_ja": "大阪市", "name_en": "Osaka City"},
    "29": {"name_ja": "奈良県", "name_en": "Nara"},
}
ITEMS = {
    "water": {"name_ja": "飲料水", "name_en": "drinking water", "unit": "L"},
    "blankets": {"name_ja": "毛布", "name_en": "blankets", "unit": "sheet"},
}
REPR = re.compile(r"\{'|\['|\bNone\b|\bTrue\b|\bFalse\b|\bnan\b|\binf\b")


def _log(policy: str, *, osaka_gets: int, city_gets: int) -> RunLog:
    """Osaka City and Osaka ask the union; Nara covers itself from its own depots."""
    log = RunLog(policy=policy, fleet_size=2)
    asked = {"27": 100, "27100": 100}
    got = {"27": osaka_gets, "27100": city_gets}
    log.snapshots = [
        Snapshot(hour=0, requested={}, delivered={}),
        Snapshot(hour=24, requested=asked, delivered={k: v // 2 for k, v in got.items()}),
        Snapshot(hour=72, requested=asked, delivered=got),
    ]
    log.first_filed = {"27": T0 + timedelta(hours=1), "27100": T0 + timedelta(hours=1)}
    log.local_use = {"29": {"water": 500, "blankets": 20}, "27": {"water": 10}}
    log.requested_by_item = {"water": 150, "blankets": 50}
    log.delivered_by_item = {"water": osaka_gets + city_gets}
    log.deliveries = [
        Delivery("27", "water", osaka_gets, T0, T0 + timedelta(hours=4), 20.0),
        Delivery("27100", "water", city_gets, T0, T0 + timedelta(hours=5), 60.0),
    ]
    log.line_fills = [("water", osaka_gets / 75), ("water", city_gets / 75), ("blankets", 0.0)]
    log.missions = [
        MissionOutcome("27", "red", T0, T0 + timedelta(minutes=20), 1, 35.0, 90.0, None),
        MissionOutcome("27", "yellow", T0, None, None, None, 0.0, "outside_window"),
    ]
    return log


def _report(logs: dict[str, RunLog], *, filing: list[str]) -> dict[str, Any]:
    facts = {
        "name": "test-quake",
        "title": "Test quake",
        "title_ja": "試験地震",
        "start_time": T0.isoformat(),
        "hours": 72,
        "seed": 1,
        "filing_members": filing,
        "depots_failed": [
            {
                "depot_id": 7,
                "member_code": "27100",
                "name": "Abeno warehouse",
                "name_ja": "阿倍野備蓄倉庫",
                "status": "damaged",
            }
        ],
        "missions_called": 2,
        "missions_called_red": 1,
        "shaking": {
            c: {"max_intensity": 5.7, "max_class": "6-", "evacuees": 1000} for c in MEMBERS
        },
        "sources": [],
    }
    summaries = {p: metrics.summary(log, T0, 72) for p, log in logs.items()}
    return report.build(facts, logs, summaries, MEMBERS, ITEMS)


@pytest.fixture
def busy() -> dict[str, Any]:
    return _report(
        {
            "optimized": _log("optimized", osaka_gets=60, city_gets=60),
            "baseline": _log("baseline", osaka_gets=75, city_gets=30),
        },
        filing=["27", "27100", "29"],
    )


def test_markdown_names_members_splits_own_stock_and_has_no_reprs(busy) -> None:
    for lang in messages.LANGS:
        md = markdown(busy, lang, [])
        assert not REPR.search(md), REPR.search(md)
        name = "name_ja" if lang == "ja" else "name_en"
        for names in MEMBERS.values():
            assert names[name] in md
        assert "| 27 |" not in md and "| 27100 |" not in md  # names, not codes
        assert ("阿倍野備蓄倉庫" if lang == "ja" else "Abeno warehouse") in md
    en = markdown(busy, "en", [])
    assert "Asked the union for supplies: Osaka, Osaka City." in en
    assert "Covered every need from their own stock: Nara." in en
    nara = next(line for line in en.splitlines() if line.startswith("| Nara | 520 "))
    assert "drinking water 500" in nara and "| no |" in nara
    assert "outside the daylight window (08:30 to sunset)" in en


def test_the_baseline_lead_is_explained_next_to_its_losses(busy) -> None:
    en = markdown(busy, "en", [])
    lead = en[en.index("## Where the baseline is ahead") : en.index("## Where the optimized")]
    assert "**Osaka** 75.0 % against 60.0 %" in lead  # nearest-first favoured Osaka
    assert "*Why:* Nearest-first gives members next to the remaining stock" in lead
    assert (
        "**delivered haul (unit·km)**: 4,800 against 3,300\n\n*Why:* Nearest-first minimises"
        in lead
    )
    wins = en[en.index("## Where the optimized") : en.index("## Medevac")]
    assert "worst-served member's fill at the end**: 60.0 % against 30.0 %" in wins
    ja = markdown(busy, "ja", [])
    assert "*理由：*" in ja and "**大阪府** 75.0 %（最適化 60.0 %）" in ja


def test_both_languages_come_from_one_template(busy) -> None:
    """Same structure line for line; only the words differ, and every message has both."""
    en, ja = markdown(busy, "en", []).splitlines(), markdown(busy, "ja", []).splitlines()
    assert len(en) == len(ja)
    for a, b in zip(en, ja, strict=True):
        assert a.startswith("#") == b.startswith("#")
        assert a.startswith("|") == b.startswith("|")
        assert a.count("|") == b.count("|")
    for key, (english, japanese) in messages.MESSAGES.items():
        assert english and japanese, key
        fields = set(re.findall(r"\{(\w+)\}", english))
        assert fields == set(re.findall(r"\{(\w+)\}", japanese)), key


def test_nothing_reached_the_union_is_said_in_words(tmp_path: Path) -> None:
    quiet = _log("optimized", osaka_gets=0, city_gets=0)
    quiet.first_filed, quiet.deliveries, quiet.line_fills = {}, [], []
    quiet.requested_by_item, quiet.delivered_by_item = {}, {}
    quiet.snapshots = [Snapshot(hour=h, requested={}, delivered={}) for h in (0, 24, 72)]
    quiet.local_use = {"27": {"water": 3000}}
    base = _log("baseline", osaka_gets=0, city_gets=0)
    base.__dict__.update({k: getattr(quiet, k) for k in ("first_filed", "snapshots")})
    base.deliveries, base.line_fills, base.requested_by_item = [], [], {}
    base.delivered_by_item, base.local_use = {}, {"27": {"water": 3000}}
    rep = _report({"optimized": quiet, "baseline": base}, filing=["27"])
    files = report.write(rep, tmp_path)
    en = (tmp_path / "report.md").read_text()
    assert "No aid request reached the union: Osaka covered" in en and "3,000 units" in en
    assert "fill_rate.png" not in en and "medevac.png" in en  # words instead of empty axes
    assert "Fill rate over time, Unmet needs by item, Time to first delivery:" in en
    ja = (tmp_path / "report.ja.md").read_text()
    assert "連合への支援要請はありませんでした" in ja and not REPR.search(ja)
    assert {p.name for p in files} >= {"report.json", "report.md", "report.ja.md", "fill_rate.png"}
    if charts.japanese_font():
        assert (tmp_path / "medevac.ja.png").exists() and "medevac.ja.png" in ja
    assert charts.why_empty(rep, "fill_rate") == "chart.no_requests"
    assert charts.why_empty(rep, "medevac") is None


def test_one_colour_means_one_thing() -> None:
    policy = set(charts.POLICY_COLOR.values())
    outcomes = {charts.SERVED_COLOR, *charts.REASON_COLOR.values(), *charts.OTHER_REASONS}
    assert len(policy) == 2 and not policy & outcomes
    assert len(set(charts.REASON_COLOR.values())) == len(charts.REASON_COLOR)
    # a reason keeps its colour whatever other reasons a drill has
    assert charts.reason_colours(["daylight"]) == {"daylight": charts.REASON_COLOR["daylight"]}
    assert (
        charts.reason_colours(["range", "daylight"])["daylight"] == charts.REASON_COLOR["daylight"]
    )


def test_ahead_judges_only_figures_with_one_meaning() -> None:
    fill = next(f for f in compare.FIGURES if f.key == "fill_rate_end")
    assert compare.ahead(fill, {"fill_rate_end": 0.5}, {"fill_rate_end": 0.4}) == "optimized"
    assert compare.ahead(fill, {"fill_rate_end": None}, {"fill_rate_end": 0.4}) == "baseline"
    assert compare.ahead(fill, {"fill_rate_end": None}, {"fill_rate_end": None}) is None
    hours = next(f for f in compare.FIGURES if f.key == "median_hours_to_first_delivery")
    assert compare.ahead(hours, {hours.key: 3.0}, {hours.key: 2.5}) == "baseline"
    asked = next(f for f in compare.FIGURES if f.key == "requested_units")
    assert compare.ahead(asked, {asked.key: 1}, {asked.key: 9}) is None


def test_differences_below_what_is_printed_or_the_haul_tolerance_are_no_lead() -> None:
    fill = next(f for f in compare.FIGURES if f.key == "fill_rate_end")
    assert compare.ahead(fill, {fill.key: 0.26501}, {fill.key: 0.26499}) == "equal"
    assert compare.ahead(fill, {fill.key: 0.265}, {fill.key: 0.266}) == "baseline"
    haul = next(f for f in compare.FIGURES if f.key == "delivered_haul_km_units")
    assert compare.ahead(haul, {haul.key: 518_440_322}, {haul.key: 518_437_241}) == "equal"
    assert compare.ahead(haul, {haul.key: 133_632_886}, {haul.key: 126_543_592}) == "baseline"
