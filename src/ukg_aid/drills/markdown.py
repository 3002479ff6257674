"""The drill report as Markdown, one template for every language (words from ``messages``).

Everything a reader forwards is here in words and numbers: who was shaken, who asked the union
and who managed from its own depots (and how much they took), which depots failed, each
policy's figures with which one is ahead, why the baseline is ahead where it is, and the charts
— or, when there is nothing to chart, the sentence saying so.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ukg_aid.drills import activation, charts, compare
from ukg_aid.drills.charts import item_label, member_label, reason_label
from ukg_aid.drills.messages import jma, names, num, pct, t, when

Report = dict[str, Any]


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _table(header: list[str], rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    """A Markdown table; columns in ``right`` (numbers) are right-aligned."""
    align = ["---:" if i in right else "---" for i in range(len(header))]
    return [_row(*header), "|" + "|".join(align) + "|", *(_row(*r) for r in rows)]


def _policies(report: Report) -> list[str]:
    return list(report["policies"])


def _needing(report: Report) -> list[str]:
    """Members that needed supplies, plus any that asked (in code order)."""
    return sorted(set(report["scenario"]["filing_members"]) | set(charts.asked_members(report)))


def _labels(report: Report, codes: list[str], lang: str) -> str:
    return names(lang, [member_label(report, c, lang) for c in codes])


def head(report: Report, lang: str) -> list[str]:
    sc = report["scenario"]
    title = sc.get("title_ja") or sc["title"] if lang == "ja" else sc["title"]
    start = when(lang, datetime.fromisoformat(sc["start_time"]))
    line = t(lang, "scenario", name=sc["name"], start=start, hours=sc["hours"], seed=sc["seed"])
    return [f"# {t(lang, 'title', title=title)}", "", line, ""]


def _asked(report: Report, lang: str, asked: dict[str, list[str]]) -> list[str]:
    """Who asked the union: one line when both policies agree, else one per policy."""
    if len({tuple(a) for a in asked.values()}) == 1:
        codes = next(iter(asked.values()))
        return ["- " + t(lang, "happened.asked", names=_labels(report, codes, lang))]
    return [
        "- "
        + t(
            lang,
            "happened.asked_by_policy",
            policy=t(lang, f"policy.short.{p}"),
            names=_labels(report, codes, lang),
        )
        for p, codes in asked.items()
    ]


def happened(report: Report, lang: str) -> list[str]:
    sc, pols = report["scenario"], report["policies"]
    needing = list(sc["filing_members"])
    asked = {
        p: sorted(c for c, m in v["members"].items() if m["asked_union"]) for p, v in pols.items()
    }
    who = _labels(report, needing, lang)
    out = [f"## {t(lang, 'h.happened')}", ""]
    out.append(
        "- " + (t(lang, "happened.needing", names=who) if needing else t(lang, "happened.nobody"))
    )
    if needing and not any(asked.values()):
        units = num(max(v["local_use_units"] for v in pols.values()))
        out.append("- " + t(lang, "happened.nothing", names=who, units=units))
    elif any(asked.values()):
        out += _asked(report, lang, asked)
    own_only = [c for c in needing if not any(c in a for a in asked.values())]
    if own_only and any(asked.values()):
        out.append("- " + t(lang, "happened.own_only", names=_labels(report, own_only, lang)))
    failed = len(sc["depots_failed"])
    depots = t(lang, "happened.depots", count=failed) if failed else t(lang, "happened.no_depots")
    calls = t(lang, "happened.calls", count=sc["missions_called"], red=sc["missions_called_red"])
    return [*out, "- " + depots, *_medevac_setting(sc, lang), "- " + calls, ""]


def _medevac_setting(sc: dict[str, Any], lang: str) -> list[str]:
    """Damaged receiving hospitals and weather holds (older reports have neither)."""
    out = []
    damaged = sc.get("hospitals_damaged", [])
    if damaged:
        names = "、".join if lang == "ja" else ", ".join
        listed = names(
            ((h.get("name_ja") or h["name"]) if lang == "ja" else h["name"]) for h in damaged
        )
        out.append("- " + t(lang, "happened.hospitals", count=len(damaged), names=listed))
    for hold in sc.get("weather_holds", []):
        out.append(
            "- "
            + t(
                lang,
                "happened.hold",
                reason=hold["reason"],
                start=hold["from"][11:16],
                until=hold["until"][11:16],
            )
        )
    return out


def _depot_name(depot: dict[str, Any], lang: str) -> str:
    name = (depot.get("name_ja") or depot["name"]) if lang == "ja" else depot["name"]
    return f"{name} ({t(lang, 'depot_status.' + depot['status'])})"


def members(report: Report, lang: str) -> list[str]:
    codes = _needing(report)
    if not codes:
        return []
    shaking = report["scenario"].get("shaking", {})
    rows = []
    for code in codes:
        s = shaking.get(code, {})
        failed = [d for d in report["scenario"]["depots_failed"] if d["member_code"] == code]
        rows.append(
            [
                member_label(report, code, lang),
                jma(lang, s["max_class"]) if s else "–",
                num(s.get("evacuees")),
                "; ".join(_depot_name(d, lang) for d in failed) or t(lang, "none"),
            ]
        )
    header = [t(lang, k) for k in ("col.member", "col.intensity", "col.evacuees", "col.depots_out")]
    return [f"## {t(lang, 'h.members')}", "", *_table(header, rows, right=(1, 2)), ""]


def _own_stock(report: Report, m: dict[str, Any], lang: str) -> str:
    if not m["own_stock_units"]:
        return "0"
    top = list(m["own_stock_by_item"].items())[:3]
    items = t(lang, "list_sep").join(f"{item_label(report, i, lang)} {q:,}" for i, q in top)
    more = " …" if len(m["own_stock_by_item"]) > 3 else ""
    return t(lang, "units_by_item", units=f"{m['own_stock_units']:,}", items=items + more)


def supplies(report: Report, policy: str, lang: str) -> list[str]:
    per_member = report["policies"][policy]["members"]
    if not per_member:
        return []
    rows = [
        [
            member_label(report, code, lang),
            _own_stock(report, m, lang),
            t(lang, "yes" if m["asked_union"] else "no"),
            num(m["requested_units"]),
            num(m["delivered_units"]),
            pct(m["fill_rate"]),
            num(m["hours_to_first_delivery"]) if m["asked_union"] else "–",
        ]
        for code, m in per_member.items()
    ]
    keys = (
        "col.member",
        "col.own_stock",
        "col.asked",
        "col.requested",
        "col.delivered",
        "col.fill",
        "col.first_delivery",
    )
    heading = t(lang, "h.supplies", policy=t(lang, f"policy.{policy}"))
    return [f"## {heading}", "", *_table([t(lang, k) for k in keys], rows, right=(3, 4, 5, 6)), ""]


def show(figure: compare.Figure, figures: dict[str, Any]) -> str:
    value = figure.value(figures)
    if figure.kind == "pct":
        return pct(value)
    if figure.kind == "of" and figure.total is not None:
        return f"{num(value)} / {num(figure.total(figures))}"
    return num(value)


def _figure_rows(report: Report, figures: tuple[compare.Figure, ...], lang: str) -> list[list[str]]:
    pols = report["policies"]
    rows = []
    for f in figures:
        verdict = compare.ahead(f, pols["optimized"], pols["baseline"]) if _both(report) else None
        label = (
            ""
            if verdict is None
            else t(lang, "equal")
            if verdict == "equal"
            else t(lang, f"policy.short.{verdict}")
        )
        rows.append([t(lang, f"fig.{f.key}"), *(show(f, pols[p]) for p in pols), label])
    return rows


def _both(report: Report) -> bool:
    return {"optimized", "baseline"} <= set(report["policies"])


def _policy_header(report: Report, lang: str, first: str) -> list[str]:
    ahead = [t(lang, "col.ahead")]
    return [t(lang, first), *(t(lang, f"policy.short.{p}") for p in _policies(report)), *ahead]


def figures(report: Report, lang: str) -> list[str]:
    rows = _figure_rows(report, compare.SUPPLY, lang)
    plans = [f"{v['plans_approved']} / {v['stale_approvals']}" for v in report["policies"].values()]
    rows.append([t(lang, "fig.plans"), *plans, ""])
    header = _policy_header(report, lang, "col.figure")
    return [f"## {t(lang, 'h.figures')}", "", *_table(header, rows, right=(1, 2)), ""]


def leads(report: Report, lang: str) -> dict[str, list[str]]:
    """The baseline's leads as phrases, grouped by the message key that explains them."""
    opt, base = report["policies"]["optimized"], report["policies"]["baseline"]
    verdicts = compare.verdicts(opt, base)
    found: dict[str, list[str]] = {}
    for f in compare.FIGURES:
        if verdicts[f.key] == "baseline" and f.why:
            label = t(lang, f"fig.{f.key}")
            phrase = t(
                lang, "ahead.item", figure=label, optimized=show(f, opt), baseline=show(f, base)
            )
            found.setdefault(f.why, []).append(phrase)
    better = [
        t(
            lang,
            "ahead.member",
            member=member_label(report, c, lang),
            optimized=pct(o),
            baseline=pct(b),
        )
        for c, o, b in compare.members_better_under_baseline(opt, base)
    ]
    if better:
        phrase = t(lang, "ahead.members", members=t(lang, "ahead.join").join(better))
        found.setdefault("why.member_fill", []).append(phrase)
    return found


def ahead(report: Report, lang: str) -> list[str]:
    """The baseline's leads, each group with why, next to the optimized policy's."""
    if not _both(report):
        return []
    lines = [f"## {t(lang, 'h.baseline_ahead')}", ""]
    for why, phrases in leads(report, lang).items():
        lines += [*("- " + p for p in phrases), "", t(lang, "ahead.why", why=t(lang, why)), ""]
    if len(lines) == 2:
        lines.append(t(lang, "ahead.none"))
    opt, base = report["policies"]["optimized"], report["policies"]["baseline"]
    verdicts = compare.verdicts(opt, base)
    wins = [f for f in compare.FIGURES if verdicts[f.key] == "optimized"]
    lines += ["", f"## {t(lang, 'h.optimized_ahead')}", ""]
    for f in wins:
        label = t(lang, f"fig.{f.key}")
        lines.append(
            "- "
            + t(lang, "ahead.item", figure=label, optimized=show(f, opt), baseline=show(f, base))
        )
    if not wins:
        lines.append(t(lang, "ahead.optimized_none"))
    return [*lines, ""]


def medevac(report: Report, lang: str) -> list[str]:
    out = [f"## {t(lang, 'h.medevac')}", ""]
    pols = report["policies"]
    if not any(v["medevac"]["filed"] for v in pols.values()):
        return [*out, t(lang, "chart.no_missions"), ""]
    header = _policy_header(report, lang, "col.figure")
    out += [*_table(header, _figure_rows(report, compare.MEDEVAC, lang), right=(1, 2)), ""]
    reasons = sorted({r for v in pols.values() for r in v["medevac"]["refused_by_reason"]})
    if not reasons:
        return [*out, t(lang, "medevac.none_refused"), ""]
    rows = [
        [
            reason_label(r, lang),
            *(num(v["medevac"]["refused_by_reason"].get(r, 0)) for v in pols.values()),
        ]
        for r in reasons
    ]
    header = [t(lang, "col.reason"), *(t(lang, f"policy.short.{p}") for p in pols)]
    return [*out, *_table(header, rows, right=(1, 2)), ""]


def chart_lines(report: Report, lang: str, files: list[Path]) -> list[str]:
    """The charts, and in words the ones with nothing to show (grouped by why)."""
    out = [f"## {t(lang, 'h.charts')}", "", t(lang, "chart.legend"), ""]
    by_name = {charts.CHARTS[i]: f for i, f in enumerate(files)}
    empty: dict[str, list[str]] = {}
    for name in charts.CHARTS:
        caption = t(lang, f"chart.caption.{name}")
        if (key := charts.why_empty(report, name)) is not None:
            empty.setdefault(key, []).append(caption)
        elif name in by_name:
            out += [f"![{caption}]({by_name[name].name})", ""]
    for key, captions in empty.items():
        why = t(lang, key).replace("\n", " " if lang == "en" else "")
        out.append("- " + t(lang, "chart.omitted", caption=names(lang, captions), why=why))
    return [*out, ""] if empty else out


def markdown(report: Report, lang: str, files: list[Path]) -> str:
    """The whole report in ``lang``; ``files`` are the charts in CHARTS order."""
    parts = [
        head(report, lang),
        happened(report, lang),
        members(report, lang),
        *(supplies(report, p, lang) for p in _policies(report)),
        figures(report, lang),
        activation.section(report, lang),
        ahead(report, lang),
        medevac(report, lang),
        chart_lines(report, lang, files),
        [f"## {t(lang, 'h.method')}", "", t(lang, "method"), ""],
    ]
    lines = [line for part in parts for line in part]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept).rstrip("\n") + "\n"
