"""Write a drill's after-action report: report.json, report.md and report.ja.md, PNG charts.

The JSON holds every figure; the two Markdown files are the same template in English and
Japanese (:mod:`ukg_aid.drills.markdown`, words from :mod:`ukg_aid.drills.messages`); charts
are drawn in English and, when a Japanese font is installed, again in Japanese
(``*.ja.png``) for the Japanese report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ukg_aid.drills import charts, metrics
from ukg_aid.drills.markdown import markdown
from ukg_aid.drills.observations import RunLog


def build(
    scenario: dict[str, Any],
    runs: dict[str, RunLog],
    summaries: dict[str, Any],
    members: dict[str, dict[str, str]],
    items: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """The JSON report: scenario facts, names, each policy's figures and time series."""
    series = {
        policy: {
            "hours": [s.hour for s in log.snapshots],
            "fill_rate": [metrics.fill_rate(s) for s in log.snapshots],
            "fill_rate_by_member": {
                code: [metrics.fill_rate(s, code) for s in log.snapshots]
                for code in sorted(log.first_filed)
            },
        }
        for policy, log in runs.items()
    }
    return {
        "scenario": scenario,
        "members": members,
        "items": items,
        "policies": summaries,
        "series": series,
    }


def write(report: dict[str, Any], out: Path) -> list[Path]:
    """report.json, report.md, report.ja.md and the charts; returns every file written."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    english = charts.draw_all(report, out, "en")
    japanese = charts.draw_all(report, out, "ja") or english
    (out / "report.md").write_text(markdown(report, "en", english), encoding="utf-8")
    (out / "report.ja.md").write_text(markdown(report, "ja", japanese), encoding="utf-8")
    extra = [] if japanese is english else japanese
    return [out / "report.json", out / "report.md", out / "report.ja.md", *english, *extra]
