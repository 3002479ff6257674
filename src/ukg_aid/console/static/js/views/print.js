// A4 print views: the plan sheet, a shipping slip (出荷連絡票) per depot → delivery point, the
// situation report. Built from the same API rows as the screens.

import { get, listAll } from "../api.js";
import { byRoute, describe } from "../allocations.js";
import { h, replace, userText } from "../dom.js";
import { fmtDateTime, fmtKg, fmtNumber, t } from "../i18n.js";
import { badge, table } from "../ui.js";
import { allocationReason, cause, etaText, itemLabel, memberName } from "../words.js";
import { loadSituation, situation } from "./report.js";

function toolbar(back) {
  return h(
    "div",
    { class: "print-toolbar no-print" },
    h(
      "button",
      { type: "button", class: "primary", testid: "print-now", onclick: () => window.print() },
      t("common.print"),
    ),
    h("a", { class: "button", href: back, testid: "print-back" }, t("common.back")),
  );
}

async function loadPlan(id) {
  const [plan, requests] = await Promise.all([get(`/plans/${id}`), listAll("/aid-requests")]);
  return { plan, requests: new Map(requests.map((r) => [r.id, r])) };
}

const rowsOf = (ctx, plan, requests) =>
  plan.allocations.map((a) =>
    describe(ctx.store, { ...a, delivery: a.delivery ?? requests.get(a.request_id)?.delivery }),
  );

export async function printPlan(main, ctx, [id]) {
  const { plan, requests } = await loadPlan(id);
  const rows = rowsOf(ctx, plan, requests);
  replace(
    main,
    toolbar(`#/plans/${plan.id}`),
    h(
      "article",
      { class: "sheet plan-sheet", testid: "plan-sheet" },
      h("h1", {}, t("print.plan_heading", { id: plan.id })),
      h(
        "p",
        {},
        badge("plan", plan.status),
        " ",
        t("plans.created_by", { at: fmtDateTime(plan.created_at), by: plan.created_by }),
        plan.decided_at
          ? t("print.decided", { at: fmtDateTime(plan.decided_at), by: plan.decided_by })
          : "",
      ),
      h("p", {}, t("print.printed_at", { at: fmtDateTime(new Date()) })),
      table({
        caption: t("plans.allocations"),
        head: [
          t("alloc.from"),
          t("alloc.to"),
          t("alloc.item"),
          t("alloc.quantity"),
          t("alloc.weight"),
          t("alloc.distance"),
          t("alloc.eta"),
          t("alloc.reason"),
        ],
        empty: t("plans.no_allocations"),
        rows: rows.map((r) =>
          h(
            "tr",
            {},
            h("td", {}, r.depot, h("br"), r.supplier),
            h("td", {}, userText(r.deliveryName), h("br"), r.requester),
            h("td", {}, r.item),
            h("td", { class: "num" }, r.qty),
            h("td", { class: "num" }, fmtKg(r.weightKg)),
            h("td", { class: "num" }, t("unit.km", { n: fmtNumber(r.distance_km) })),
            h("td", { class: "num" }, etaText(r)),
            h("td", {}, allocationReason(r.reason, ctx.store)),
          ),
        ),
      }),
      table({
        caption: t("plans.unmet"),
        head: [
          t("requests.id"),
          t("alloc.to"),
          t("alloc.item"),
          t("alloc.quantity"),
          t("plans.cause"),
        ],
        empty: t("plans.no_unmet"),
        rows: plan.unmet.map((u) =>
          h(
            "tr",
            {},
            h("td", {}, t("requests.ref", { id: u.request_id })),
            h("td", {}, memberName(ctx.store, requests.get(u.request_id)?.member_code)),
            h("td", {}, itemLabel(ctx.store, u.item_code)),
            h("td", { class: "num" }, fmtNumber(u.quantity)),
            h("td", {}, cause(u.cause)),
          ),
        ),
      }),
      signatures([t("print.sign_approver"), t("print.sign_coordinator")]),
    ),
  );
  return {};
}

export async function printSlips(main, ctx, [id], query) {
  const { plan, requests } = await loadPlan(id);
  const supplier = query.get("supplier");
  const rows = rowsOf(ctx, plan, requests).filter(
    (r) => r.status !== "cancelled" && (!supplier || r.supplier_code === supplier),
  );
  const groups = byRoute(rows);
  replace(
    main,
    toolbar(supplier ? "#/shipments" : `#/plans/${plan.id}`),
    groups.length
      ? groups.map((g, i) => slip(ctx, plan, g, requests, i + 1, groups.length))
      : h("p", { class: "empty", testid: "no-slips" }, t("print.no_slips")),
  );
  return {};
}

function slip(ctx, plan, rows, requests, n, of) {
  const first = rows[0];
  const depot = ctx.store.depot(first.depot_id);
  const req = requests.get(first.request_id);
  const total = rows.reduce((s, r) => s + r.weightKg, 0);
  const place = (lat, lon) =>
    t("print.position", { lat: fmtNumber(lat, 4), lon: fmtNumber(lon, 4) });
  return h(
    "article",
    { class: "sheet slip", testid: `slip-${first.depot_id}-${first.request_id}` },
    h("h1", {}, t("print.slip_heading")),
    h(
      "p",
      { class: "slip-ref" },
      t("print.slip_ref", { plan: plan.id, n, of }),
      " ",
      t("print.printed_at", { at: fmtDateTime(new Date()) }),
    ),
    h(
      "div",
      { class: "from-to" },
      h(
        "section",
        {},
        h("h2", {}, t("print.from")),
        h("p", {}, first.supplier),
        h("p", {}, first.depot),
        depot ? h("p", {}, place(depot.lat, depot.lon)) : null,
      ),
      h(
        "section",
        {},
        h("h2", {}, t("print.to")),
        h("p", {}, first.requester),
        h("p", {}, userText(first.deliveryName)),
        first.delivery ? h("p", {}, place(first.delivery.lat, first.delivery.lon)) : null,
        h(
          "p",
          {},
          t("requests.ref", { id: first.request_id }),
          req?.needed_by ? t("print.needed_by", { at: fmtDateTime(req.needed_by) }) : "",
        ),
      ),
    ),
    table({
      caption: t("print.items"),
      head: [
        t("alloc.item"),
        t("alloc.quantity"),
        t("print.unit"),
        t("print.unit_weight"),
        t("alloc.weight"),
        t("print.received"),
      ],
      rows: [
        ...rows.map((r) =>
          h(
            "tr",
            {},
            h("td", {}, r.itemName),
            h("td", { class: "num" }, r.qty),
            h("td", {}, r.unit),
            h("td", { class: "num" }, fmtKg(r.weightKg / Math.max(r.quantity, 1))),
            h("td", { class: "num" }, fmtKg(r.weightKg)),
            h("td", { class: "blank" }),
          ),
        ),
        h(
          "tr",
          { class: "total" },
          h("th", { scope: "row", colspan: 4 }, t("print.total_weight")),
          h("td", { class: "num" }, fmtKg(total)),
          h("td"),
        ),
      ],
    }),
    h("h2", {}, t("print.contacts")),
    h(
      "dl",
      { class: "blanks" },
      [
        t("print.sender"),
        t("print.sender_phone"),
        t("print.carrier"),
        t("print.vehicle"),
        t("print.receiver"),
        t("print.receiver_phone"),
      ].map((label) => [h("dt", {}, label), h("dd", {})]),
    ),
    signatures([t("print.sign_dispatch"), t("print.sign_receive")]),
    h("h2", {}, t("print.remarks")),
    h("div", { class: "remarks" }),
  );
}

function signatures(labels) {
  return h(
    "div",
    { class: "signatures" },
    labels.map((label) =>
      h(
        "div",
        { class: "signature" },
        h("span", {}, label),
        h("span", { class: "line" }, t("print.signature")),
        h("span", { class: "line" }, t("print.date")),
      ),
    ),
  );
}

export async function printReport(main) {
  replace(
    main,
    toolbar("#/report"),
    h(
      "article",
      { class: "sheet", testid: "report-sheet" },
      h("h1", {}, t("report.title")),
      situation(...(await loadSituation())),
    ),
  );
  return {};
}
