"""What a drill's activation did (SPEC §10): push-type vs desk-filed units, the push remainder
closed, and the counterpart pairs' share of deliveries and time to first delivery."""

from __future__ import annotations

from typing import Any

from ukg_aid.drills.messages import t
from ukg_aid.drills.observations import RunLog


def summary(log: RunLog) -> dict[str, Any]:
    """Figures added to a policy's summary (``report.json``)."""
    pairs = set(log.counterpart_pairs)
    paired = {recipient for _, recipient in pairs}
    to_paired = [d for d in log.deliveries if d.member_code in paired]
    by_pair = sum(d.quantity for d in to_paired if (d.supplier_code, d.member_code) in pairs)
    total = sum(d.quantity for d in to_paired)
    filed = log.push_units + log.pull_units
    return {
        "push_units": log.push_units,
        "pull_units": log.pull_units,
        "push_share": round(log.push_units / filed, 3) if filed else None,
        "push_closed_units": log.push_closed_units,
        "counterpart_pairs": [list(p) for p in sorted(pairs)],
        "counterpart_share": round(by_pair / total, 3) if total else None,
        "suppliers_by_recipient": _suppliers(log),
    }


def _suppliers(log: RunLog) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for d in log.deliveries:
        row = out.setdefault(d.member_code, {})
        row[d.supplier_code] = row.get(d.supplier_code, 0) + d.quantity
    return {k: dict(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in sorted(out.items())}


def section(report: dict[str, Any], lang: str) -> list[str]:
    """The report's "Activation" section: push vs pull and the counterparts' effect."""
    sc = report["scenario"]
    out = [f"## {t(lang, 'h.activation')}", ""]
    push_hours = int(sc.get("push_hours") or 0)
    out.append(
        "- "
        + (
            t(lang, "activation.push", hours=push_hours)
            if push_hours
            else t(lang, "activation.no_push")
        )
    )
    for policy, figures in report["policies"].items():
        name = t(lang, f"policy.short.{policy}")
        out.append(
            "- "
            + t(
                lang,
                "activation.units",
                policy=name,
                push=f"{figures.get('push_units', 0):,}",
                pull=f"{figures.get('pull_units', 0):,}",
                closed=f"{figures.get('push_closed_units', 0):,}",
            )
        )
        pairs = figures.get("counterpart_pairs") or []
        share = figures.get("counterpart_share")
        if pairs:
            pct = "–" if share is None else f"{share:.0%}"
            out.append("- " + t(lang, "activation.pairs", policy=name, count=len(pairs), share=pct))
        else:
            out.append("- " + t(lang, "activation.no_pairs", policy=name))
    return [*out, ""]
