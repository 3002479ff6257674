"""Start-up cost: every ``ukg-aid`` process (the API and each of its restarts, the CLI, each
test's server) imports the app, so the solver libraries that load seconds of dependencies are
imported only where something solves (``matching.load_engine``, CP-SAT inside the batch plan)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("ot", "pandas", "scipy.stats", "ortools.sat.python.cp_model")


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(out.stdout.split())


def test_the_app_and_the_cli_start_without_the_solver_libraries() -> None:
    assert _loaded_after("import ukg_aid.app, ukg_aid.cli.commands") == set()


def test_solving_loads_them_where_it_needs_them() -> None:
    solve = "from ukg_aid import matching\nmatching.load_engine()"
    assert "ot" in _loaded_after(solve)
    plan = (
        "from ukg_aid.dispatch_air.batch_plan import _cp_sat_plan\n_cp_sat_plan([], {}, 1.0, None)"
    )
    assert "ortools.sat.python.cp_model" in _loaded_after(plan)
