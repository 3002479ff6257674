// The situation report (GET /reports/situation, CONTRACTS §4): totals, per member, unmet by item
// and cause, plans; printable on A4. It reports the incident picked in the header (SPEC §10:
// reports are per incident), all of them when there is none.

import { get } from "../api.js";
import { h, replace, userText } from "../dom.js";
import { chosenIncidentId } from "../incident.js";
import { fmtDateTime, fmtNumber, fmtPercent, nameOf, t } from "../i18n.js";
import { heading, table } from "../ui.js";
import { cause, unitName } from "../words.js";
import { oneAtATime } from "../redraw.js";

const PLAN_STATES = ["proposed", "approved", "completed", "discarded", "cancelled"];

export default async function mount(main, ctx) {
  const body = h("div", { testid: "situation" });
  const print = h(
    "button",
    { type: "button", class: "no-print", testid: "print-report", onclick: () => window.print() },
    t("common.print"),
  );
  replace(main, heading(t("report.title"), print), body);
  async function refreshNow() {
    replace(body, situation(...(await loadSituation())));
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return { entities: ["aid_request", "plan", "allocation", "incident"], refresh };
}

/** The report of the incident chosen in the header, and that incident (null: every one). */
export async function loadSituation() {
  const id = chosenIncidentId();
  const [report, incident] = await Promise.all([
    get("/reports/situation", { incident: id }),
    id ? get(`/incidents/${id}`) : null,
  ]);
  return [report, incident];
}

function scope(incident) {
  if (!incident) return h("p", { class: "scope", testid: "report-scope" }, t("report.all_incidents"));
  return h(
    "p",
    { class: "scope", testid: "report-scope", dataset: { incident: incident.id } },
    h("span", { class: "scope-label" }, t("incident.switcher")),
    " ",
    // incident names are typed by people and shown as written
    h("strong", {}, userText(incident.name)),
    " ",
    h("span", { class: `badge kind-${incident.kind}` }, t(`incident.kind.${incident.kind}`)),
    incident.status === "closed"
      ? h("span", { class: "badge", dataset: { status: "closed" } }, t("incident.status.closed"))
      : null,
  );
}

export function situation(report, incident = null) {
  const tot = report.totals;
  const kpi = (label, value, testid) =>
    h(
      "div",
      { class: "kpi", testid },
      h("span", { class: "kpi-label" }, label),
      h("span", { class: "kpi-value" }, value),
    );
  return [
    scope(incident),
    h(
      "p",
      { class: "generated", testid: "report-generated" },
      t("report.generated", { at: fmtDateTime(report.generated_at) }),
    ),
    // units only add up within one item (litres of water and blankets do not): across items
    // the report counts request lines, and gives units per item
    h(
      "div",
      { class: "kpis", testid: "report-totals" },
      kpi(t("report.lines"), fmtNumber(tot.lines), "kpi-lines"),
      kpi(t("report.lines_delivered"), fmtNumber(tot.lines_delivered), "kpi-lines-delivered"),
      kpi(t("report.lines_unmet"), fmtNumber(tot.lines_unmet), "kpi-lines-unmet"),
    ),
    itemTable(t("report.by_item"), "report-items", report.items.map((i) => [null, i])),
    table({
      caption: t("report.by_member"),
      head: [
        t("report.member"),
        t("report.open"),
        t("report.lines"),
        t("report.lines_delivered"),
        t("report.lines_unmet"),
        t("report.first_request"),
        t("report.first_delivery"),
        t("report.hours"),
      ],
      testid: "report-members",
      empty: t("report.no_requests"),
      rows: report.members.map((m) =>
        h(
          "tr",
          { testid: `report-member-${m.member_code}` },
          h("th", { scope: "row" }, nameOf(m)),
          ...[m.requests_open, m.lines, m.lines_delivered, m.lines_unmet].map((n) =>
            h("td", { class: "num" }, fmtNumber(n)),
          ),
          h("td", {}, fmtDateTime(m.first_request_at)),
          h("td", {}, m.first_delivery_at ? fmtDateTime(m.first_delivery_at) : t("report.not_yet")),
          h(
            "td",
            { class: "num" },
            m.hours_to_first_delivery === null
              ? t("common.none")
              : fmtNumber(m.hours_to_first_delivery, 1),
          ),
        ),
      ),
    }),
    itemTable(
      t("report.by_member_item"),
      "report-member-items",
      report.members.flatMap((m) => m.items.map((i) => [m, i])),
    ),
    table({
      caption: t("report.unmet"),
      head: [t("stock.item"), t("alloc.quantity"), t("plans.cause")],
      testid: "report-unmet",
      empty: t("report.no_unmet"),
      rows: report.unmet.map((u) =>
        h(
          "tr",
          {},
          h(
            "th",
            { scope: "row" },
            t("item.with_unit", { name: nameOf(u), unit: unitName(u.unit) }),
          ),
          h("td", { class: "num" }, fmtNumber(u.quantity)),
          h("td", {}, cause(u.cause)),
        ),
      ),
    }),
    table({
      caption: t("report.plans"),
      head: PLAN_STATES.map((s) => t(`status.plan.${s}`)),
      testid: "report-plans",
      rows: [
        h(
          "tr",
          {},
          PLAN_STATES.map((s) => h("td", { class: "num" }, fmtNumber(report.plans[s] ?? 0))),
        ),
      ],
    }),
  ];
}

/** Units per item (one item's units add up): rows of [member or null, item row]. */
function itemTable(caption, testid, rows) {
  const byMember = rows.some(([m]) => m);
  return table({
    caption,
    head: [
      byMember ? t("report.member") : null,
      t("stock.item"),
      t("report.requested"),
      t("report.allocated"),
      t("report.dispatched"),
      t("report.delivered"),
      t("report.unmet_total"),
      t("report.fill_rate"),
    ].filter(Boolean),
    testid,
    empty: t("report.no_requests"),
    rows: rows.map(([m, i]) =>
      h(
        "tr",
        { testid: m ? `report-member-item-${m.member_code}-${i.item_code}` : `report-item-${i.item_code}` },
        m ? h("th", { scope: "row" }, nameOf(m)) : null,
        h(m ? "td" : "th", m ? {} : { scope: "row" }, t("item.with_unit", { name: nameOf(i), unit: unitName(i.unit) })),
        ...[i.requested, i.allocated, i.dispatched, i.delivered, i.unmet].map((n) =>
          h("td", { class: "num" }, fmtNumber(n)),
        ),
        h("td", { class: "num" }, fmtPercent(i.fill_rate)),
      ),
    ),
  });
}
