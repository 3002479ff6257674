"""Write a drill's after-action report: report.json, report.md and PNG charts (matplotlib)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from ukg_aid.drills import metrics
from ukg_aid.drills.observations import RunLog

STYLE = {"optimized": "-", "baseline": "--"}
COLOR = {"optimized": "tab:blue", "baseline": "tab:orange"}
# Green is kept for "served"; refusal reasons get the other colours, always in the same order.
REASON_COLORS = (
    "tab:red",
    "tab:gray",
    "tab:purple",
    "tab:brown",
    "tab:pink",
    "tab:olive",
    "tab:cyan",
    "tab:blue",
    "tab:orange",
)


def build(
    scenario: dict[str, Any],
    runs: dict[str, RunLog],
    summaries: dict[str, Any],
    members: dict[str, str],
) -> dict[str, Any]:
    """The JSON report: scenario facts, each policy's figures and time series."""
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
    return {"scenario": scenario, "members": members, "policies": summaries, "series": series}


def write(report: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    charts = [
        _fill_chart(report, out / "fill_rate.png"),
        _unmet_chart(report, out / "unmet_by_item.png"),
        _first_delivery_chart(report, out / "first_delivery.png"),
        _medevac_chart(report, out / "medevac.png"),
        _utilization_chart(report, out / "helicopter_utilization.png"),
    ]
    (out / "report.md").write_text(markdown(report, charts), encoding="utf-8")
    return [out / "report.json", out / "report.md", *charts]


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


def _fill_chart(report: dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 5.5))
    cmap = plt.get_cmap("tab20")
    codes = sorted({c for s in report["series"].values() for c in s["fill_rate_by_member"]})
    for policy, s in report["series"].items():
        for i, code in enumerate(codes):
            values = s["fill_rate_by_member"].get(code)
            if values:
                label = report["members"].get(code, code) if policy == "optimized" else None
                ax.plot(
                    s["hours"], _pct(values), STYLE[policy], color=cmap(i % 20), lw=1.2, label=label
                )
        ax.plot(
            s["hours"],
            _pct(s["fill_rate"]),
            STYLE[policy],
            color="black",
            lw=2.5,
            label=f"union ({policy})",
        )
    ax.set(
        xlabel="hours after the earthquake",
        ylabel="delivered / requested (%)",
        title="Fill rate over time per member (solid: optimized, dashed: baseline)",
        ylim=(0, 105),
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    return _save(fig, path)


def _pct(values: list[float | None]) -> list[float]:
    return [100 * v if v is not None else float("nan") for v in values]


def _grouped(ax: Any, labels: list[str], data: dict[str, list[float]]) -> None:
    width = 0.8 / max(len(data), 1)
    for k, (policy, values) in enumerate(data.items()):
        xs = [i + k * width for i in range(len(labels))]
        ax.bar(xs, values, width, label=policy, color=COLOR.get(policy))
    ax.set_xticks(
        [i + width * (len(data) - 1) / 2 for i in range(len(labels))],
        labels,
        rotation=30,
        ha="right",
        fontsize=8,
    )
    ax.legend()
    ax.grid(axis="y", alpha=0.3)


def _unmet_chart(report: dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 4.5))
    items = sorted({i for p in report["policies"].values() for i in p["unmet_by_item"]})
    _grouped(
        ax,
        items,
        {p: [v["unmet_by_item"].get(i, 0) for i in items] for p, v in report["policies"].items()},
    )
    ax.set(ylabel="units requested but not delivered", title="Unmet needs by item at the end")
    return _save(fig, path)


def _first_delivery_chart(report: dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 4.5))
    codes = sorted({c for p in report["policies"].values() for c in p["hours_to_first_delivery"]})
    names = [report["members"].get(c, c) for c in codes]
    _grouped(
        ax,
        names,
        {
            p: [_nan(v["hours_to_first_delivery"].get(c)) for c in codes]
            for p, v in report["policies"].items()
        },
    )
    ax.set(ylabel="hours", title="Time from first request to first delivery, per member")
    return _save(fig, path)


def _medevac_chart(report: dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 4.5))
    policies = list(report["policies"])
    reasons = sorted(
        {r for p in report["policies"].values() for r in p["medevac"]["refused_by_reason"]}
    )
    served = [report["policies"][p]["medevac"]["served"] for p in policies]
    ax.bar(policies, served, label="served", color="tab:green")
    reds = [report["policies"][p]["medevac"]["served_red"] for p in policies]
    ax.bar(policies, reds, label="of which red", color="none", edgecolor="black", hatch="//")
    bottom = list(served)
    for reason in reasons:
        vals = [
            report["policies"][p]["medevac"]["refused_by_reason"].get(reason, 0) for p in policies
        ]
        ax.bar(
            policies,
            vals,
            bottom=bottom,
            label=f"not flown: {reason}",
            color=REASON_COLORS[reasons.index(reason) % len(REASON_COLORS)],
        )
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set(ylabel="missions", title="Medevac missions: served and not flown (with reasons)")
    ax.legend(fontsize=8)
    return _save(fig, path)


def _utilization_chart(report: dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 4))
    policies = list(report["policies"])
    values = [
        100 * (report["policies"][p]["medevac"]["helicopter_utilization"] or 0) for p in policies
    ]
    ax.bar(policies, values, color=[COLOR.get(p) for p in policies])
    ax.set(ylabel="% of fleet daylight minutes flying", title="Helicopter utilization")
    return _save(fig, path)


def markdown(report: dict[str, Any], charts: list[Path]) -> str:
    sc, pols = report["scenario"], report["policies"]
    rows = [
        ("fill rate at 24 h", "fill_rate_24h", _fmt_pct),
        ("fill rate at 72 h", "fill_rate_72h", _fmt_pct),
        ("fill rate at the end", "fill_rate_end", _fmt_pct),
        ("worst-served member's fill at 24 h", "lowest_member_fill_24h", _fmt_pct),
        ("worst-served member's fill at the end", "lowest_member_fill_end", _fmt_pct),
        ("median hours to first delivery", "median_hours_to_first_delivery", _fmt_num),
        ("units requested", "requested_units", _fmt_num),
        ("units delivered", "delivered_units", _fmt_num),
        ("delivered haul (unit·km)", "delivered_haul_km_units", _fmt_num),
        ("request lines left with nothing (of lines whose item others received)", "lines", None),
        ("plans approved / stale approvals", None, None),
    ]
    lines = [
        f"# Drill report: {sc['title']}",
        "",
        f"Scenario `{sc['name']}`, start {sc['start_time']}, {sc['hours']} simulated hours, "
        f"seed {sc['seed']}. Members that filed: {', '.join(sc['filing_members']) or 'none'}.",
        "",
        "| figure | " + " | ".join(pols) + " |",
        "|---|" + "---|" * len(pols),
    ]
    for label, key, fmt in rows:
        if key == "lines":
            cells = [f"{v['lines_left_empty']} / {v['lines_counted']}" for v in pols.values()]
        elif key is None:
            cells = [f"{v['plans_approved']} / {v['stale_approvals']}" for v in pols.values()]
        else:
            cells = [fmt(v[key]) for v in pols.values()]  # type: ignore[misc]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for label, key in (
        ("medevac filed", "filed"),
        ("medevac served", "served"),
        ("red served / filed", None),
        ("median red minutes, call to scene", "median_red_minutes_call_to_scene"),
        ("helicopter utilization", "helicopter_utilization"),
    ):
        if key is None:
            cells = [
                f"{v['medevac']['served_red']} / {v['medevac']['filed_red']}" for v in pols.values()
            ]
        else:
            cells = [_fmt_num(v["medevac"][key]) for v in pols.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Members with no delivery within the drill: "
        + "; ".join(
            f"{p}: {', '.join(v['members_without_delivery']) or 'none'}" for p, v in pols.items()
        ),
        "",
        "Not flown, by reason: "
        + "; ".join(f"{p}: {v['medevac']['refused_by_reason'] or 'none'}" for p, v in pols.items()),
        "",
    ]
    lines += [f"![{c.stem}]({c.name})" for c in charts]
    lines += [
        "",
        "The baseline is today's practice: nearest supplier first for supplies, each "
        "member's own helicopter first, one mission at a time. Figures come from the "
        "median ground-motion model and the drill assumptions in docs/drills.md.",
        "",
    ]
    return "\n".join(lines)


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _fmt_pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f} %"


def _fmt_num(v: float | None) -> str:
    return "–" if v is None else f"{v:,}"
