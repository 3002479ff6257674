"""Every label of the drill report in English and Japanese: one table, one template per text.

``t(lang, key, **values)`` formats one message; the Markdown writer and the charts take all
their words from here, so ``report.md`` and ``report.ja.md`` cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

LANGS = ("en", "ja")

MESSAGES: dict[str, tuple[str, str]] = {
    # --- headings -------------------------------------------------------------------------
    "title": ("Drill report: {title}", "訓練報告：{title}"),
    "h.happened": ("What happened", "概要"),
    "h.members": ("Members", "構成団体"),
    "h.supplies": ("Supplies by member: {policy}", "団体別の物資：{policy}"),
    "h.figures": ("Headline figures", "主な指標"),
    "h.baseline_ahead": ("Where the baseline is ahead, and why", "従来方式が上回った点とその理由"),
    "h.optimized_ahead": ("Where the optimized policy is ahead", "最適化が上回った点"),
    "h.medevac": ("Medevac (Doctor-Heli)", "ドクターヘリ搬送"),
    "h.activation": (
        "Activation: push-type support and counterparts",
        "応援体制：プッシュ型支援とカウンターパート",
    ),
    "activation.push": (
        "Push-type support for the first {hours} h: the coordinator filed the model's estimate "
        "on the stricken desks' behalf; the desks filed from then on, and the push remainder "
        "was closed.",
        "発災後{hours}時間はプッシュ型支援：調整担当が想定に基づき被災団体に代わって要請し、"
        "その後は被災団体が自ら要請（プッシュ型の未配分残は終了）。",
    ),
    "activation.no_push": (
        "No push phase: every request was filed by the stricken desks (pull).",
        "プッシュ型支援なし：要請はすべて被災団体が行った（プル型）。",
    ),
    "activation.units": (
        "{policy}: {push} units pushed, {pull} units requested by desks, {closed} push units "
        "closed unallocated.",
        "{policy}：プッシュ型 {push} 単位、被災団体の要請 {pull} 単位、未配分で終了したプッシュ型 "
        "{closed} 単位。",
    ),
    "activation.pairs": (
        "{policy}: {count} counterpart pairs set on the drill's incident; {share} of the units "
        "delivered to paired recipients came from their counterparts.",
        "{policy}：訓練インシデントにカウンターパート {count} 組を設定；"
        "担当先（支援を受ける団体）への到着量のうち{share}が担当団体から。",
    ),
    "activation.no_pairs": (
        "{policy}: no counterpart pairs (plain shortest haul).",
        "{policy}：カウンターパートなし（単純な最短輸送）。",
    ),
    "h.charts": ("Charts", "グラフ"),
    "h.method": ("Method", "方法"),
    # --- policies -------------------------------------------------------------------------
    "policy.optimized": ("optimized", "最適化"),
    "policy.baseline": ("baseline (today's practice)", "従来方式（現行の運用）"),
    "policy.short.optimized": ("optimized", "最適化"),
    "policy.short.baseline": ("baseline", "従来方式"),
    # --- scenario line and what happened --------------------------------------------------
    "scenario": (
        "Scenario `{name}` · starts {start} · {hours} simulated hours · seed {seed}. Each "
        "policy plays the same script against its own fresh instance.",
        "シナリオ `{name}`・発災 {start}・模擬時間 {hours} 時間・乱数シード {seed}。"
        "両方式とも同じ訓練台本を、それぞれ新しいインスタンスで実行。",
    ),
    "happened.needing": (
        "Shaken enough to need supplies (median intensity 5 Upper or more with evacuees): {names}.",
        "物資が必要になった団体（中央値の震度5強以上かつ避難者あり）：{names}。",
    ),
    "happened.asked": (
        "Asked the union for supplies: {names}.",
        "連合に物資を要請した団体：{names}。",
    ),
    "happened.asked_by_policy": (
        "Asked the union for supplies: {policy}: {names}.",
        "連合に物資を要請した団体（{policy}）：{names}。",
    ),
    "happened.own_only": (
        "Covered every need from their own stock: {names}.",
        "自団体の備蓄だけで必要量を賄った団体：{names}。",
    ),
    "happened.nothing": (
        "No aid request reached the union: {names} covered what the model asked of them "
        "({units} units) from their own depots, so there was nothing to plan, ship or deliver "
        "and the supply figures and charts below stay empty.",
        "連合への支援要請はありませんでした。{names}が想定の必要量（{units} 単位）を自団体の"
        "備蓄で賄ったため、計画・発送・到着はなく、以下の物資の指標とグラフは空です。",
    ),
    "happened.nobody": (
        "No member was shaken enough to need supplies.",
        "物資が必要になるほど揺れた団体はありませんでした。",
    ),
    "happened.depots": (
        "Depots out of service after the shaking: {count}.",
        "揺れで使用できなくなった備蓄拠点：{count} か所。",
    ),
    "happened.no_depots": (
        "No depot was put out of service.",
        "使用できなくなった備蓄拠点はありません。",
    ),
    "happened.calls": (
        "Medevac calls: {count} ({red} red).",
        "ドクターヘリ要請：{count} 件（うち赤 {red} 件）。",
    ),
    "none": ("none", "なし"),
    "list_sep": (", ", "、"),
    # --- tables ---------------------------------------------------------------------------
    "col.member": ("member", "団体"),
    "col.intensity": ("max intensity (median model)", "最大震度（中央値）"),
    "col.evacuees": ("evacuees (model)", "避難者数（想定）"),
    "col.depots_out": ("depots out of service", "使用不能の備蓄拠点"),
    "col.own_stock": ("own stock used (units)", "自団体備蓄の使用（単位）"),
    "col.asked": ("asked the union", "連合へ要請"),
    "col.requested": ("requested", "要請量"),
    "col.delivered": ("delivered", "到着量"),
    "col.fill": ("fill", "充足率"),
    "col.first_delivery": ("hours to first delivery", "初回到着までの時間"),
    "col.figure": ("figure", "指標"),
    "col.ahead": ("ahead", "優位"),
    "col.reason": ("not flown because", "搬送できなかった理由"),
    "yes": ("yes", "あり"),
    "no": ("no", "なし"),
    "equal": ("equal", "同じ"),
    "never": ("not served", "未到着"),
    "depot_status.damaged": ("damaged", "損壊"),
    "depot_status.unreachable": ("unreachable", "到達不能"),
    "units": ("{units} units", "{units} 単位"),
    "units_by_item": ("{units} ({items})", "{units}（{items}）"),
    # --- figures --------------------------------------------------------------------------
    "fig.fill_rate_24h": ("fill rate at 24 h", "24 時間時点の充足率"),
    "fig.fill_rate_72h": ("fill rate at 72 h", "72 時間時点の充足率"),
    "fig.fill_rate_end": ("fill rate at the end", "終了時の充足率"),
    "fig.lowest_member_fill_24h": (
        "worst-served member's fill at 24 h",
        "最も充足率の低い団体（24 時間）",
    ),
    "fig.lowest_member_fill_end": (
        "worst-served member's fill at the end",
        "最も充足率の低い団体（終了時）",
    ),
    "fig.median_hours_to_first_delivery": (
        "median hours to first delivery",
        "初回到着までの時間（中央値）",
    ),
    "fig.requested_units": ("units requested from the union", "連合への要請量（単位）"),
    "fig.delivered_units": ("units delivered", "到着量（単位）"),
    "fig.local_use_units": ("units taken from own stock", "自団体備蓄の使用量（単位）"),
    "fig.delivered_haul_km_units": ("delivered haul (unit·km)", "輸送量×距離（単位·km）"),
    "fig.lines_left_empty": (
        "request lines left with nothing (of lines whose item others received)",
        "何も届かなかった要請明細（他団体には届いた品目の明細のうち）",
    ),
    "fig.plans": ("plans approved / stale approvals", "承認した計画 / 承認時に失効"),
    "fig.medevac_filed": ("medevac calls", "搬送要請"),
    "fig.medevac_served": ("medevac flown", "搬送実施"),
    "fig.medevac_red": ("red flown / called", "赤の搬送 / 要請"),
    "fig.median_red_minutes": (
        "median red minutes, call to scene",
        "赤の要請から現場到着まで（中央値、分）",
    ),
    "fig.helicopter_utilization": ("helicopter utilization", "ヘリ稼働率"),
    "ahead.none": (
        "The baseline is not ahead on any figure.",
        "従来方式が上回った指標はありません。",
    ),
    "ahead.optimized_none": (
        "The optimized policy is not ahead on any figure.",
        "最適化が上回った指標はありません。",
    ),
    "ahead.item": (
        "**{figure}**: {optimized} against {baseline}",
        "**{figure}**：最適化 {optimized}、従来方式 {baseline}",
    ),
    "ahead.members": (
        "Members better served at the end under the baseline: {members}",
        "終了時に従来方式の方が充足率の高い団体：{members}",
    ),
    "ahead.member": (
        "**{member}** {baseline} against {optimized}",
        "**{member}** {baseline}（最適化 {optimized}）",
    ),
    "ahead.join": ("; ", "、"),
    "ahead.why": ("*Why:* {why}", "*理由：* {why}"),
    "why.fill": (
        "Both policies draw on the same stock; nearest-first ships short hauls that arrive "
        "sooner, while fair shares send part of a scarce item farther so that every line gets "
        "some, and those trucks may still be on the road at this hour.",
        "両方式とも同じ備蓄を使います。近い順は短距離輸送が先に着き、公平配分は不足品目を"
        "全明細に行き渡らせるため一部を遠くへ送るので、この時点ではまだ輸送中のことがあります。",
    ),
    "why.first_delivery": (
        "Nearest-first serves the lines next to stock first, so those members see a first "
        "truck sooner; fair shares plan every line of an item together.",
        "近い順は備蓄に近い明細から先に配るため、その団体には早く初回便が届きます。"
        "公平配分は品目ごとに全明細をまとめて計画します。",
    ),
    "why.haul": (
        "Nearest-first minimises each line's haul on its own; fair shares (and counterpart "
        "pairs, when set) move some stock farther so that no line is left with nothing.",
        "近い順は明細ごとに輸送距離を最短にします。公平配分（設定時はカウンターパート）は、"
        "何も届かない明細をなくすため一部の物資を遠くから運びます。",
    ),
    "why.lines": (
        "Lines filed after an item ran out get nothing under either policy; the count then "
        "depends on which lines the earlier plans happened to fill.",
        "品目が尽きた後の要請明細にはどちらの方式でも届きません。件数は先の計画でどの明細が"
        "満たされたかに左右されます。",
    ),
    "why.delivered": (
        "The totals shipped are bounded by the same stock; a difference at the end is what is "
        "still on the road, or stock one plan reached that the other left for later.",
        "発送総量は同じ備蓄に制約されます。終了時の差は輸送中の量か、一方の計画だけが"
        "使えた備蓄の差です。",
    ),
    "why.medevac": (
        "The batch assignment minimises severity-weighted time to scene over all pending "
        "calls each hour; one-at-a-time own-first can fly a call the batch held back for a "
        "red elsewhere.",
        "一括割当は毎時、保留中の全要請について重症度で重み付けした現場到着時間を最小化します。"
        "自団体優先の逐次割当は、一括割当が他所の赤のために控えた要請を先に飛ぶことがあります。",
    ),
    "why.member_fill": (
        "Nearest-first gives members next to the remaining stock all they asked for and "
        "others nothing; the optimized plan gives every line of a short item the same share "
        "first (SPEC §3 fair shares), which by units can look worse for a member that asked "
        "mostly for the scarcest items.",
        "近い順は残った備蓄に近い団体に要請どおり配り、他には届きません。最適化は不足品目を"
        "まず全明細へ同じ割合で配る（SPEC §3 公平配分）ため、最も不足する品目を主に要請した"
        "団体は単位数では低く見えることがあります。",
    ),
    # --- medevac --------------------------------------------------------------------------
    "reason.outside_window": (
        "outside the daylight window (08:30 to sunset)",
        "運航時間外（8時30分〜日没）",
    ),
    "reason.daylight": ("would not be back before sunset", "日没までに帰還できない"),
    "reason.range": ("beyond the aircraft's range", "航続距離外"),
    "reason.no_helicopter": ("no aircraft in the fleet could fly it", "飛べる機体がない"),
    "reason.not_available": ("every aircraft busy or grounded", "全機が出動中または運休"),
    "reason.all_committed": (
        "every capable aircraft already committed",
        "対応可能な機体がすべて出動中",
    ),
    "reason.weather": ("weather hold", "天候による運航停止"),
    "reason.other_incident": (
        "only visiting aircraft of another incident were free",
        "空いていたのは他の事案の応援機だけ",
    ),
    "happened.hospitals": (
        "{count} receiving hospitals damaged at the start: {names}",
        "開始時に被災した受入病院 {count} 施設：{names}",
    ),
    "happened.hold": (
        "Weather hold {start}–{until}: {reason}",
        "天候による運航停止 {start}〜{until}：{reason}",
    ),
    "reason.no_hospital": (
        "no operational receiving hospital with a known heliport",
        "ヘリポートが確認された受入可能な病院がない",
    ),
    "reason.hospital_damaged": ("the named hospital is damaged", "指定病院が被災"),
    "reason.hospital_full": ("the named hospital is full", "指定病院が満床"),
    "reason.no_heliport": ("the named hospital has no heliport", "指定病院にヘリポートがない"),
    "reason.pending": ("still pending at the end", "終了時点で未割当"),
    "medevac.none_refused": ("Every call was flown.", "すべての要請を搬送しました。"),
    # --- charts ---------------------------------------------------------------------------
    "chart.fill_rate": ("Fill rate over time", "充足率の推移"),
    "chart.fill_rate.y": ("delivered / requested (%)", "到着量 / 要請量（%）"),
    "chart.hours": ("hours after the earthquake", "発災からの時間（時間）"),
    "chart.union": ("Union (all members)", "連合全体"),
    "chart.unmet": (
        "Requested but not delivered at the end, by item",
        "終了時の未充足量（品目別）",
    ),
    "chart.unmet.y": ("units", "単位"),
    "chart.first_delivery": (
        "Hours from first request to first delivery",
        "初回要請から初回到着までの時間",
    ),
    "chart.first_delivery.y": ("hours", "時間"),
    "chart.medevac": ("Medevac calls: flown and not flown", "ドクターヘリ要請：搬送と未搬送"),
    "chart.medevac.y": ("calls", "件数"),
    "chart.served": ("flown", "搬送"),
    "chart.served_red": ("of which red", "うち赤"),
    "chart.not_flown": ("not flown: {reason}", "未搬送：{reason}"),
    "chart.utilization": ("Helicopter utilization", "ヘリ稼働率"),
    "chart.utilization.y": (
        "% of fleet daylight minutes flying",
        "運航可能時間に占める飛行時間（%）",
    ),
    "chart.no_requests": (
        "No aid request reached the union:\nthe members that needed supplies covered them\n"
        "from their own stock.",
        "連合への支援要請はありませんでした。\n物資が必要な団体は自団体の備蓄で賄いました。",
    ),
    "chart.all_delivered": (
        "Everything requested was delivered.",
        "要請された物資はすべて到着しました。",
    ),
    "chart.no_deliveries": (
        "Nothing was delivered within the drill.",
        "訓練中に到着した物資はありません。",
    ),
    "chart.no_missions": (
        "No medevac call in this drill.",
        "この訓練ではドクターヘリ要請はありません。",
    ),
    "chart.caption.fill_rate": ("Fill rate over time", "充足率の推移"),
    "chart.caption.unmet_by_item": ("Unmet needs by item", "品目別の未充足量"),
    "chart.caption.first_delivery": ("Time to first delivery", "初回到着までの時間"),
    "chart.caption.medevac": ("Medevac flown and not flown", "ドクターヘリの搬送と未搬送"),
    "chart.caption.helicopter_utilization": ("Helicopter utilization", "ヘリ稼働率"),
    "chart.legend": (
        "Colours: blue = optimized, orange = baseline, in every chart; in the medevac chart "
        "green = flown and the other colours = why a call was not flown.",
        "色：青＝最適化、橙＝従来方式（全グラフ共通）。ドクターヘリのグラフでは緑＝搬送、"
        "その他の色＝搬送できなかった理由。",
    ),
    "chart.omitted": ("{caption}: {why}", "{caption}：{why}"),
    # --- method ---------------------------------------------------------------------------
    "method": (
        "The baseline is today's practice: nearest supplier first for supplies, each member's "
        "own helicopter first, one mission at a time. Shaking comes from the median "
        "ground-motion model; the rules of the exercise are in docs/drills.md.",
        "従来方式は現行の運用を模したもの：物資は最寄りの供給元から、ヘリは自団体の機体を"
        "優先して1件ずつ割り当てます。揺れは地震動予測式の中央値によるもので、訓練の前提は "
        "docs/drills.md にあります。",
    ),
}

JMA_CLASS = {
    "en": {"5-": "5 Lower", "5+": "5 Upper", "6-": "6 Lower", "6+": "6 Upper"},
    "ja": {"5-": "5弱", "5+": "5強", "6-": "6弱", "6+": "6強"},
}


def t(lang: str, key: str, **values: Any) -> str:
    """One message in ``lang`` (``en`` or ``ja``) with ``values`` filled in."""
    en, ja = MESSAGES[key]
    return (ja if lang == "ja" else en).format(**values)


def jma(lang: str, jma_class: str) -> str:
    """A JMA intensity class as people write it ("6 Lower" / "6弱")."""
    return JMA_CLASS[lang].get(jma_class, jma_class)


def when(lang: str, at: datetime) -> str:
    """A Japan-time moment: ``18 June 2018 07:58 JST`` / ``2018年6月18日 7:58``."""
    if lang == "ja":
        return f"{at.year}年{at.month}月{at.day}日 {at.hour}:{at.minute:02d}"
    return f"{at.day} {at:%B %Y %H:%M} JST"


def names(lang: str, labels: list[str]) -> str:
    """A list of names in prose, or "none"."""
    return t(lang, "list_sep").join(labels) if labels else t(lang, "none")


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
