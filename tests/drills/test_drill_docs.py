"""docs/drills.md's figures are the stored run's, rendered by the script: never typed by hand."""

from __future__ import annotations

import json
from pathlib import Path

from ukg_aid.drills import docs

REPO = Path(__file__).resolve().parents[2]


def test_docs_figures_match_the_stored_drill_results() -> None:
    results = json.loads((REPO / "bench" / "results" / "drills.json").read_text())
    assert list(results["scenarios"]) == [
        "northern-osaka-2018",
        "hyogo-nanbu-1995",
        "uemachi-fault",
        "nankai-trough",
    ]
    assert (results["seed"], results["hours"]) == (1, 72)
    page = (REPO / "docs" / "drills.md").read_text()
    assert docs.current_section(page) == docs.section(results), (
        "docs/drills.md differs from bench/results/drills.json: run "
        "'python -m bench.drill_figures --docs-only' (or 'make drill-docs' for a new run)"
    )
    for name in docs.CHART_SCENARIOS:
        for _, slug, _ in docs.CHARTS:
            assert (REPO / "docs" / "img" / f"{name}-{slug}.png").exists()


def test_replacing_the_section_keeps_the_rest_of_the_page() -> None:
    page = f"intro\n{docs.BEGIN}\nold table\n{docs.END}\noutro\n"
    new = docs.replace_section(page, "new table\n")
    assert new == f"intro\n{docs.BEGIN}\nnew table\n{docs.END}\noutro\n"
    assert docs.current_section(new) == "new table\n"
