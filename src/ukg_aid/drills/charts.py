"""The drill report's PNG charts (matplotlib), in English and, when a Japanese font is
installed, in Japanese.

One colour means one thing in every chart: blue is the optimized policy, orange the baseline
(Okabe-Ito colours, readable with colour-blindness); in the medevac chart green is "flown" and
each reason a call was not flown has its own fixed colour, never blue or orange. A chart with
nothing to show says why in words instead of drawing empty axes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager, ticker

from ukg_aid.drills.messages import MESSAGES, t

POLICY_COLOR = {"optimized": "#0072B2", "baseline": "#E69F00"}
POLICY_STYLE = {"optimized": "-", "baseline": "--"}
SERVED_COLOR = "#009E73"
REASON_COLOR = {
    "outside_window": "#999999",
    "daylight": "#D55E00",
    "range": "#CC79A7",
    "no_helicopter": "#332288",
    "not_available": "#8C564B",
    "all_committed": "#F0E442",
    "weather": "#117733",
    "pending": "#DDDDDD",
}
OTHER_REASONS = ("#882255", "#44AA99", "#AA4499", "#661100")
JAPANESE_FONTS = ("IPAexGothic", "IPAGothic", "IPAPGothic", "Noto Sans CJK JP", "Noto Sans JP")
JAPANESE_FONT_FILES = frozenset(
    {"ipaexg.ttf", "ipag.ttf", "ipagp.ttf", "notosanscjk-regular.ttc", "notosanscjkjp-regular.otf"}
)
CHARTS = ("fill_rate", "unmet_by_item", "first_delivery", "medevac", "helicopter_utilization")
Report = dict[str, Any]


@functools.cache
def japanese_font() -> str | None:
    """An installed font with Japanese glyphs, or None (then only English charts are drawn).

    Looks in matplotlib's font list, then among the system's font files (a font installed
    after matplotlib built its cache is not in its list)."""
    for family in JAPANESE_FONTS:
        try:
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return family
    for path in font_manager.findSystemFonts():
        if Path(path).name.lower() in JAPANESE_FONT_FILES:
            font_manager.fontManager.addfont(path)
            return str(font_manager.FontProperties(fname=path).get_name())
    return None


def _style(lang: str) -> AbstractContextManager[Any]:
    font = japanese_font() if lang == "ja" else None
    if font is None:
        return nullcontext()
    return plt.rc_context({"font.family": [font, "DejaVu Sans"]})


def member_label(report: Report, code: str, lang: str) -> str:
    names = report["members"].get(code)
    return str(names["name_ja" if lang == "ja" else "name_en"]) if names else code


def item_label(report: Report, code: str, lang: str) -> str:
    names = report.get("items", {}).get(code)
    return str(names["name_ja" if lang == "ja" else "name_en"]) if names else code


def policy_label(policy: str, lang: str) -> str:
    return t(lang, f"policy.short.{policy}")


def asked_members(report: Report) -> list[str]:
    """Members that asked the union under any policy, in code order."""
    return sorted(
        {
            c
            for p in report["policies"].values()
            for c, m in p["members"].items()
            if m["asked_union"]
        }
    )


def why_empty(report: Report, name: str) -> str | None:
    """The message key saying why chart ``name`` has nothing to draw, or None."""
    pols = report["policies"].values()
    if name in ("medevac", "helicopter_utilization"):
        return None if any(p["medevac"]["filed"] for p in pols) else "chart.no_missions"
    if not asked_members(report):
        return "chart.no_requests"
    if name == "unmet_by_item" and not any(
        q > 0 for p in pols for q in p["unmet_by_item"].values()
    ):
        return "chart.all_delivered"
    if name == "first_delivery" and all(
        h is None for p in pols for h in p["hours_to_first_delivery"].values()
    ):
        return "chart.no_deliveries"
    return None


def _empty(
    report: Report, name: str, lang: str, path: Path, size: tuple[float, float]
) -> Path | None:
    """Draw the words instead of the chart when there is nothing to show."""
    key = why_empty(report, name)
    if key is None:
        return None
    fig, ax = plt.subplots(figsize=size)
    ax.set_title(t(lang, f"chart.caption.{name}"))
    _message(ax, t(lang, key))
    return _save(fig, path)


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


def _message(ax: Any, text: str) -> None:
    """Words in place of empty axes."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=12, wrap=True)


def _fill(report: Report, lang: str, path: Path) -> Path:
    if (empty := _empty(report, "fill_rate", lang, path, (8, 3))) is not None:
        return empty
    codes = asked_members(report)
    panels: list[str | None] = [None, *codes]  # None: the union as a whole
    cols = min(4, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.6 * rows + 0.6), squeeze=False)
    for ax, code in zip(axes.flat, panels, strict=False):
        for policy, s in report["series"].items():
            values = s["fill_rate"] if code is None else s["fill_rate_by_member"].get(code)
            if values:
                ax.plot(
                    s["hours"],
                    [100 * v if v is not None else float("nan") for v in values],
                    POLICY_STYLE[policy],
                    color=POLICY_COLOR[policy],
                    lw=2 if code is None else 1.4,
                    label=policy_label(policy, lang),
                )
        ax.set_title(t(lang, "chart.union") if code is None else member_label(report, code, lang))
        ax.set_ylim(0, 105)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_axis_off()
    axes.flat[0].legend(fontsize=8, loc="lower right")
    fig.supxlabel(t(lang, "chart.hours"))
    fig.supylabel(t(lang, "chart.fill_rate.y"))
    fig.suptitle(t(lang, "chart.fill_rate"))
    return _save(fig, path)


def _grouped(ax: Any, labels: list[str], data: dict[str, list[float]], lang: str) -> None:
    """Bars per label, one per policy in the policy colours; a missing value is written."""
    width = 0.8 / max(len(data), 1)
    top = max((v for vs in data.values() for v in vs if not math.isnan(v)), default=1.0) or 1.0
    for k, (policy, values) in enumerate(data.items()):
        xs = [i + k * width for i in range(len(labels))]
        ax.bar(xs, values, width, label=policy_label(policy, lang), color=POLICY_COLOR[policy])
        for x, v in zip(xs, values, strict=True):
            if math.isnan(v):
                ax.text(x, top * 0.02, t(lang, "never"), rotation=90, ha="center", fontsize=7)
    ax.set_xticks(
        [i + width * (len(data) - 1) / 2 for i in range(len(labels))],
        labels,
        rotation=30,
        ha="right",
        fontsize=8,
    )
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    ax.yaxis.set_major_formatter(
        ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 10 else f"{v:g}")
    )


def _unmet(report: Report, lang: str, path: Path) -> Path:
    if (empty := _empty(report, "unmet_by_item", lang, path, (8, 3))) is not None:
        return empty
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.set_title(t(lang, "chart.unmet"))
    pols = report["policies"]
    items = sorted({i for p in pols.values() for i, q in p["unmet_by_item"].items() if q > 0})
    labels = [item_label(report, i, lang) for i in items]
    data = {p: [float(v["unmet_by_item"].get(i, 0)) for i in items] for p, v in pols.items()}
    _grouped(ax, labels, data, lang)
    ax.set_ylabel(t(lang, "chart.unmet.y"))
    return _save(fig, path)


def _first_delivery(report: Report, lang: str, path: Path) -> Path:
    if (empty := _empty(report, "first_delivery", lang, path, (8, 3))) is not None:
        return empty
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.set_title(t(lang, "chart.first_delivery"))
    codes = asked_members(report)
    data = {
        p: [_nan(v["hours_to_first_delivery"].get(c)) for c in codes]
        for p, v in report["policies"].items()
    }
    _grouped(ax, [member_label(report, c, lang) for c in codes], data, lang)
    ax.set_ylabel(t(lang, "chart.first_delivery.y"))
    return _save(fig, path)


def reason_colours(reasons: list[str]) -> dict[str, str]:
    others = iter(OTHER_REASONS * 4)
    return {r: REASON_COLOR.get(r) or next(others) for r in reasons}


def _medevac(report: Report, lang: str, path: Path) -> Path:
    if (empty := _empty(report, "medevac", lang, path, (8, 3))) is not None:
        return empty
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.set_title(t(lang, "chart.medevac"))
    pols = report["policies"]
    policies = list(pols)
    names = [policy_label(p, lang) for p in policies]
    served = [pols[p]["medevac"]["served"] for p in policies]
    ax.bar(names, served, label=t(lang, "chart.served"), color=SERVED_COLOR)
    reds = [pols[p]["medevac"]["served_red"] for p in policies]
    ax.bar(
        names, reds, label=t(lang, "chart.served_red"), color="none", edgecolor="black", hatch="//"
    )
    reasons = sorted({r for p in pols.values() for r in p["medevac"]["refused_by_reason"]})
    colours = reason_colours(reasons)
    bottom = list(served)
    for reason in reasons:
        vals = [pols[p]["medevac"]["refused_by_reason"].get(reason, 0) for p in policies]
        label = t(lang, "chart.not_flown", reason=reason_label(reason, lang))
        ax.bar(names, vals, bottom=bottom, label=label, color=colours[reason])
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_ylabel(t(lang, "chart.medevac.y"))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    return _save(fig, path)


def reason_label(reason: str, lang: str) -> str:
    key = f"reason.{reason}"
    return t(lang, key) if key in MESSAGES else reason


def _utilization(report: Report, lang: str, path: Path) -> Path:
    if (empty := _empty(report, "helicopter_utilization", lang, path, (6, 3))) is not None:
        return empty
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.set_title(t(lang, "chart.utilization"))
    pols = report["policies"]
    policies = list(pols)
    values = [100 * (pols[p]["medevac"]["helicopter_utilization"] or 0) for p in policies]
    ax.bar(
        [policy_label(p, lang) for p in policies],
        values,
        color=[POLICY_COLOR[p] for p in policies],
    )
    ax.set_ylabel(t(lang, "chart.utilization.y"))
    return _save(fig, path)


DRAW: dict[str, Callable[[Report, str, Path], Path]] = {
    "fill_rate": _fill,
    "unmet_by_item": _unmet,
    "first_delivery": _first_delivery,
    "medevac": _medevac,
    "helicopter_utilization": _utilization,
}


def chart_path(out: Path, name: str, lang: str) -> Path:
    return out / (f"{name}.png" if lang == "en" else f"{name}.{lang}.png")


def draw_all(report: Report, out: Path, lang: str) -> list[Path]:
    """Every chart in ``lang`` (``en`` always; ``ja`` only with a Japanese font installed)."""
    if lang != "en" and japanese_font() is None:
        return []
    with _style(lang):
        return [DRAW[name](report, lang, chart_path(out, name, lang)) for name in CHARTS]


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value
