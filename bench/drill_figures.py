"""Run the built-in drills (seed 1) and regenerate the results section of docs/drills.md.

    python -m bench.drill_figures                  # all four scenarios (several minutes)
    python -m bench.drill_figures --only uemachi-fault
    python -m bench.drill_figures --docs-only      # re-render docs from the stored results

Each scenario plays both policies against its own throwaway instance (as `ukg-aid drill run`
does), its full report lands in var/drill-figures/<scenario>/, the figures the docs use are
stored in bench/results/drills.json (time series left out), the uemachi-fault and
nankai-trough charts are copied to docs/img/, and docs/drills.md is rewritten between its
markers. tests/drills/test_drill_docs.py checks the docs still match the stored results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import time
from pathlib import Path
from typing import Any

from ukg_aid.drills import docs
from ukg_aid.drills.run import DrillOptions, run_drill
from ukg_aid.quake.scenarios import list_scenarios

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "drills.json"
DOC = REPO / "docs" / "drills.md"
OUT = REPO / "var" / "drill-figures"
ORDER = ("northern-osaka-2018", "hyogo-nanbu-1995", "uemachi-fault", "nankai-trough")
SEED, HOURS = 1, 72


def run(name: str) -> dict[str, Any]:
    opts = DrillOptions(
        scenario=name, seed=SEED, hours=HOURS, seed_dir=REPO / "data" / "stockpiles"
    )
    started = time.perf_counter()
    report = asyncio.run(run_drill(opts, out=OUT / name))
    wall = time.perf_counter() - started
    print(f"{name}: {wall:.0f} s", flush=True)
    report.pop("series", None)
    return {"wall_s": round(wall, 1), "report": report}


def copy_charts(name: str) -> None:
    if name not in docs.CHART_SCENARIOS:
        return
    for chart, slug, _ in docs.CHARTS:
        shutil.copyfile(OUT / name / f"{chart}.png", REPO / "docs" / "img" / f"{name}-{slug}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=list_scenarios())
    parser.add_argument("--docs-only", action="store_true")
    args = parser.parse_args()
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"scenarios": {}}
    scenarios: dict[str, Any] = dict(stored.get("scenarios", {}))
    if not args.docs_only:
        for name in args.only or ORDER:
            scenarios[name] = run(name)
            copy_charts(name)
        scenarios = {n: scenarios[n] for n in ORDER if n in scenarios}
    results = {"seed": SEED, "hours": HOURS, "scenarios": scenarios}
    if not args.docs_only:
        RESULTS.write_text(
            json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    DOC.write_text(docs.replace_section(DOC.read_text(), docs.section(results)), encoding="utf-8")
    print(f"{DOC.relative_to(REPO)} regenerated from {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
