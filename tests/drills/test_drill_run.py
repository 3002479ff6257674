"""A short drill end to end through an in-process app: both policies, full report, determinism."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ukg_aid.drills.run import DrillOptions, run_drill

SEED_DIR = Path(__file__).resolve().parents[2] / "data" / "stockpiles"


async def test_short_drill_reports_both_policies_deterministically(tmp_path: Path) -> None:
    opts = DrillOptions(
        scenario="hyogo-nanbu-1995", seed=7, hours=8, plan_every=3, seed_dir=SEED_DIR
    )
    seen: list[tuple[str, int]] = []
    first = await run_drill(opts, out=tmp_path / "a", progress=lambda p, h: seen.append((p, h)))
    again = replace(opts, policies=("optimized",))
    second = await run_drill(again, out=tmp_path / "b")

    written = json.loads((tmp_path / "a" / "report.json").read_text())
    assert written["policies"] == json.loads(json.dumps(first["policies"]))
    assert second["policies"]["optimized"] == first["policies"]["optimized"]
    assert second["series"]["optimized"] == first["series"]["optimized"]
    assert seen[-1] == ("baseline", 8) and ("optimized", 0) in seen
    names = {p.name for p in (tmp_path / "a").iterdir()}
    assert {
        "report.json",
        "report.md",
        "report.ja.md",
        "fill_rate.png",
        "unmet_by_item.png",
        "first_delivery.png",
        "medevac.png",
        "helicopter_utilization.png",
    } <= names
    english = (tmp_path / "a" / "report.md").read_text()
    japanese = (tmp_path / "a" / "report.ja.md").read_text()
    assert "| fill rate at the end |" in english and "| 終了時の充足率 |" in japanese
    assert "Kobe City" in english and "神戸市" in japanese  # names, not codes
    assert written["members"]["28100"] == {"name_ja": "神戸市", "name_en": "Kobe City"}
    assert written["scenario"]["depots_failed"][0]["name"]

    for policy in ("optimized", "baseline"):
        figures = first["policies"][policy]
        assert figures["delivered_units"] > 0, policy
        assert 0 < figures["fill_rate_end"] <= 1
        assert figures["medevac"]["filed"] > 0
        assert (
            figures["medevac"]["served"] + sum(figures["medevac"]["refused_by_reason"].values())
            == figures["medevac"]["filed"]
        )
    opt, base = first["policies"]["optimized"], first["policies"]["baseline"]
    assert opt["medevac"]["served_red"] >= base["medevac"]["served_red"]
    assert first["scenario"]["filing_members"]
