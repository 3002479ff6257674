// The situation report (GET /reports/situation, CONTRACTS §4): totals, per member, unmet by item
// and cause, plans; printable on A4. It reports the incident picked in the header (SPEC §10:
// reports are per incident), all of them when there is none.

import { get } from "../api.js";
import { h, replace, userText } from "../dom.js";
import { chosenIncidentId } from "../incident.js";
import { fmtDateTime, fmtNumber, fmtPercent, nameOf, t } from "../i18n.js";
import { heading, table } from "../ui.js";
import { cause, unitName } from "../words.js";

const PLAN_STATES = ["proposed", "approved", "completed", "discarded", "cancelled"];

export default async function mount(main, ctx) {
  const body = h("div", { testid: "situation" });
  const print = h(
    "button",
    { type: "button", class: "no-print", testid: "print-report", onclick: () => window.print() },
    t("common.print"),
  );
  replace(main, heading(t("report.title"), print), body);
  async function refresh() {
    replace(body, situation(...(await loadSituation())));
  }
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
    h(
      "div",
      { class: "kpis", testid: "report-totals" },
      kpi(t("report.requested"), fmtNumber(tot.requested), "kpi-requested"),
      kpi(t("report.allocated"), fmtNumber(tot.allocated), "kpi-allocated"),
      kpi(t("report.dispatched"), fmtNumber(tot.dispatched), "kpi-dispatched"),
      kpi(t("report.delivered"), fmtNumber(tot.delivered), "kpi-delivered"),
      kpi(t("report.fill_rate"), fmtPercent(tot.fill_rate), "kpi-fill"),
      tot.unmet === undefined
        ? null
        : kpi(t("report.unmet_total"), fmtNumber(tot.unmet), "kpi-unmet"),
    ),
    table({
      caption: t("report.by_member"),
      head: [
        t("report.member"),
        t("report.open"),
        t("report.requested"),
        t("report.allocated"),
        t("report.dispatched"),
        t("report.delivered"),
        t("report.fill_rate"),
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
          ...[m.requests_open, m.requested, m.allocated, m.dispatched, m.delivered].map((n) =>
            h("td", { class: "num" }, fmtNumber(n)),
          ),
          h("td", { class: "num" }, fmtPercent(m.fill_rate)),
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
