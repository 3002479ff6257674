"""Size limits (STYLE, issue 10): modules at most 400 lines, functions at most 50 lines.

    python tools/sizes.py            # exit status 1 if an offender is not in KNOWN below

Covers src/, tests/, bench/ and tools/; migrations are generated history and exempt. A
function's size is its ``def`` line through its last line (decorators and docstring included).
``KNOWN`` lists offenders that predate the checker: the list may only shrink (a listed entry
that no longer offends fails too, so it is removed when fixed).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROOTS = ("src", "tests", "bench", "tools")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50

# Long test scenarios written before the checker (each reads as one story; issue 10 left them).
# Path -> function names; the list may only shrink.
KNOWN: dict[str, tuple[str, ...]] = {
    "tests/api/test_api_stock_csv.py": ("test_preview_then_apply_through_the_stock_service",),
    "tests/api/test_authorization_matrix.py": ("_calls",),
    "tests/cli/test_cli_stock.py": ("test_export_edit_preview_apply",),
    "tests/console/test_console_supply.py": (
        "test_the_coordinator_matches_reviews_approves_and_sees_the_flows",
    ),
    "tests/dispatch_air/test_batch.py": (
        "test_batch_with_hospitals_holds_staging_and_visitors_equals_brute_force",
    ),
    "tests/medevac/test_medevac_api.py": (
        "test_geojson_coverage_and_audit",
        "test_winter_afternoon_refused_for_daylight_then_next_morning_fastest",
    ),
    "tests/reports/test_situation_report.py": ("test_every_number_of_the_situation",),
}


def offenders(repo: Path = REPO) -> list[str]:
    found: list[str] = []
    for root in ROOTS:
        for path in sorted((repo / root).rglob("*.py")):
            rel = path.relative_to(repo).as_posix()
            text = path.read_text(encoding="utf-8")
            lines = len(text.splitlines())
            if lines > MAX_MODULE_LINES:
                found.append(f"{rel}: {lines} lines")
            for node in ast.walk(ast.parse(text, filename=rel)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                    size = (node.end_lineno or node.lineno) - start + 1
                    if size > MAX_FUNCTION_LINES:
                        found.append(f"{rel}::{node.name}: {size} lines (line {node.lineno})")
    return found


def _key(entry: str) -> str:
    """``path`` or ``path::function``: the entry without its size and line."""
    return entry.split(": ", 1)[0]


def main(argv: list[str]) -> int:
    found = offenders()
    if "-v" in argv:
        print("\n".join(found))
    known = {f"{path}::{name}" for path, names in KNOWN.items() for name in names}
    new = [f for f in found if _key(f) not in known]
    fixed = sorted(known - {_key(f) for f in found})
    for entry in new:
        print(f"too long: {entry}")
    for entry in fixed:
        print(f"no longer too long, remove from tools/sizes.py KNOWN: {entry}")
    return 1 if new or fixed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
