"""Road figures of a drill, shipment by shipment (issue 13's truck-aware planning).

``python -m bench.drill_shipments [--scenario hyogo-nanbu-1995] [--hours 48] [--seed 1]
[--out bench/results/drill_shipments.json]`` plays the drill (both policies, same fleet: each
member's ASSUMED default pool) and prints, per policy, the figures docs/logistics.md's tables
take — critical/high units unloaded after ``needed_by``, fill at 6/12/24/48 h, queue wait
median/p90/max, the plans' own late units — and every shipment: supplier, weight, trucks,
priority, queue wait, first and last truck unloaded (hours after the earthquake).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from ukg_aid.drills import road
from ukg_aid.drills.run import DrillOptions, run_drill

_SEEN: dict[str, list[dict[str, Any]]] = {}
_collect = road.RoadOps.collect


async def _collect_and_keep(self: road.RoadOps) -> None:
    await _collect(self)
    rows = []
    for s in await self.admin.shipments():
        rows.append(
            {
                "id": s.id,
                "plan_id": s.plan_id,
                "supplier": s.supplier_code,
                "requester": s.requester_code,
                "weight_kg": s.weight_kg,
                "distance_km": s.distance_km,
                "trucks": s.trucks,
                "allocations": len(s.allocation_ids),
                "queued_at": s.queued_at.isoformat() if s.queued_at else None,
                "dispatched_at": s.dispatched_at.isoformat() if s.dispatched_at else None,
                "waves": len(s.waves),
                "first_unloaded": min((w.expected_at for w in s.waves), default=None),
                "last_unloaded": max((w.expected_at for w in s.waves), default=None),
            }
        )
    _SEEN[f"run{len(_SEEN)}"] = rows


def _hours(value: Any, start: Any) -> float | None:
    return None if value is None else round((value - start).total_seconds() / 3600, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="hyogo-nanbu-1995")
    parser.add_argument("--hours", type=int, default=48)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench/results/drill_shipments.json"))
    args = parser.parse_args()
    road.RoadOps.collect = _collect_and_keep  # type: ignore[method-assign]
    from ukg_aid.config import get_settings  # noqa: PLC0415

    opts = DrillOptions(
        scenario=args.scenario, seed=args.seed, hours=args.hours, seed_dir=get_settings().seed_dir
    )
    report = asyncio.run(run_drill(opts))
    from ukg_aid.quake.scenarios import load_scenario  # noqa: PLC0415

    start = load_scenario(args.scenario).start_time
    out: dict[str, Any] = {}
    for (policy, summary), rows in zip(report["policies"].items(), _SEEN.values(), strict=True):
        fill = report["series"][policy]["fill_rate"]
        figures = {
            "late_delivered_units": summary["road"]["late_delivered_units"],
            "plans_late_units": summary["road"]["late_units"],
            "fill_6_12_24_48": [fill[h] for h in (6, 12, 24, 48) if h < len(fill)],
            "queue_wait_min_median_p90_max": [
                summary["road"][k]
                for k in ("queue_wait_min_median", "queue_wait_min_p90", "queue_wait_min_max")
            ],
            "shipments": len(rows),
            "delivered_units": summary["delivered_units"],
        }
        for row in rows:
            row["first_unloaded_h"] = _hours(row.pop("first_unloaded"), start)
            row["last_unloaded_h"] = _hours(row.pop("last_unloaded"), start)
        out[policy] = {"figures": figures, "shipments": rows}
        print(f"== {policy}: {json.dumps(figures)}")
        for row in rows:
            print("  ", json.dumps(row))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
