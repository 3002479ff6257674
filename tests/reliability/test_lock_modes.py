"""Every row lock in the service is ``FOR NO KEY UPDATE`` (``with_for_update(key_share=True)``),
taken through ``ukg_aid.db.locking``.

A plain ``FOR UPDATE`` also conflicts with the ``FOR KEY SHARE`` lock PostgreSQL takes on a
referenced row whenever a row pointing at it is inserted (the foreign-key check): creating a
plan inserts allocations that reference requests and lines, approving locks those — in another
order — and the two deadlocked (issue 8). We only ever lock rows to change non-key columns.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "ukg_aid"


def _plain_row_locks() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "with_for_update"
            ):
                key_share = {
                    kw.arg: kw.value for kw in node.keywords if kw.arg in ("key_share", "read")
                }
                value = key_share.get("key_share")
                if not (isinstance(value, ast.Constant) and value.value is True):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_row_lock_leaves_foreign_key_checks_alone() -> None:
    assert _plain_row_locks() == []


def test_the_scan_finds_row_locks() -> None:
    uses = sum(p.read_text().count(".with_for_update(") for p in SRC.rglob("*.py"))
    assert uses >= 1  # the scan above looks at real code, not at nothing


def test_rows_are_locked_only_through_the_locking_helper() -> None:
    """One place takes row locks (``db.locking``: mode, sorted keys, refresh); every path that
    changes stock, plans, allocations, requests or the fleet goes through it."""
    outside = [
        f"{p.relative_to(SRC)}"
        for p in sorted(SRC.rglob("*.py"))
        if ".with_for_update(" in p.read_text() and p.relative_to(SRC).as_posix() != "db/locking.py"
    ]
    assert outside == []
    callers = sum(
        p.read_text().count("for_change(") + p.read_text().count("lock_keys(")
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).as_posix() != "db/locking.py"
    )
    assert callers >= 10
