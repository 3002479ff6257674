// Coordinator: run matching, review the proposed plan (each allocation's reason, each unmet
// cause, in words), approve or discard; every plan with its print sheet and shipping slips.

import { api, get, listAll, newKey } from "../api.js";
import { chosenIncidentId, inChosenIncident } from "../incident.js";
import { describe } from "../allocations.js";
import { h, replace, userText } from "../dom.js";
import { fmtDateTime, fmtKg, fmtNumber, t } from "../i18n.js";
import { actionButton, askNote, badge, heading, table } from "../ui.js";
import { allocationReason, cause, etaText, itemLabel, memberName } from "../words.js";
import { lateFlag } from "./shipment_board.js";
import { oneAtATime } from "../redraw.js";

export default async function mount(main, ctx, args) {
  const review = h("div", { testid: "plan-review" });
  const history = h("div", { testid: "plan-history" });
  const selected = args[0] ? Number(args[0]) : null;
  replace(
    main,
    heading(t("plans.title")),
    ctx.caps.plan ? runPanel(ctx) : null,
    h(
      "section",
      { class: "card", "aria-labelledby": "review-h" },
      h("h2", { id: "review-h" }, t("plans.review")),
      review,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "hist-h" },
      h("h2", { id: "hist-h" }, t("plans.history")),
      history,
    ),
  );
  // What the review shows: a live refresh that changes nothing it shows (an event about another
  // plan or request; the names it uses are the store's generation) leaves it in place, so a
  // button under the coordinator's pointer is not swapped for a copy between press and release
  // (the click would be lost).
  let shown = null;
  async function refreshNow() {
    const plans = await listAll("/plans", { incident: chosenIncidentId() });
    const id = selected ?? plans.find((p) => p.status === "proposed")?.id ?? plans[0]?.id;
    replace(history, historyTable(plans, id));
    if (id === undefined) {
      shown = null;
      return replace(review, h("p", { class: "empty" }, t("plans.none")));
    }
    const [plan, requests] = await Promise.all([get(`/plans/${id}`), listAll("/aid-requests")]);
    const showing = JSON.stringify([ctx.store.generation, plan, requests]);
    if (showing === shown) return;
    shown = showing;
    replace(review, planReview(ctx, plan, new Map(requests.map((r) => [r.id, r])), refresh));
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return { entities: ["plan", "allocation", "aid_request"], refresh };
}

function runPanel(ctx) {
  const stricken = h("input", { type: "checkbox", testid: "include-stricken" });
  const run = actionButton(
    t("plans.run"),
    async () => {
      run.textContent = t("plans.running");
      try {
        const plan = await api("POST", "/plans", {
          body: inChosenIncident({ include_stricken_suppliers: stricken.checked }),
          key: newKey(),
        });
        ctx.notify(t("plans.created", { id: plan.id }));
        ctx.go(`#/plans/${plan.id}`);
      } finally {
        run.textContent = t("plans.run");
      }
    },
    { class: "primary big", testid: "run-matching" },
  );
  return h(
    "section",
    { class: "card run", "aria-labelledby": "run-h" },
    h("h2", { id: "run-h" }, t("plans.run_title")),
    h("p", {}, t("plans.run_intro")),
    h(
      "div",
      { class: "inline-form" },
      h("label", { class: "check" }, stricken, t("plans.include_stricken")),
      run,
    ),
  );
}

function planReview(ctx, plan, requests, refresh) {
  const rows = plan.allocations.map((a) =>
    describe(ctx.store, { ...a, delivery: a.delivery ?? requests.get(a.request_id)?.delivery }),
  );
  const totalKg = rows.reduce((s, r) => s + r.weightKg, 0);
  const unmetUnits = plan.unmet.reduce((s, u) => s + u.quantity, 0);
  return h(
    "div",
    { testid: `plan-${plan.id}`, dataset: { status: plan.status } },
    h(
      "div",
      { class: "card-head" },
      h("h3", {}, t("plans.ref", { id: plan.id })),
      badge("plan", plan.status),
      h(
        "span",
        {},
        t("plans.created_by", { at: fmtDateTime(plan.created_at), by: plan.created_by }),
      ),
    ),
    h(
      "p",
      { testid: "plan-summary" },
      t("plans.summary", {
        n: fmtNumber(rows.length),
        w: fmtKg(totalKg),
        unmet: fmtNumber(unmetUnits),
        solver: t(`solver.${plan.solver.status}`),
        ms: fmtNumber(plan.solver.wall_ms),
      }),
    ),
    decisionButtons(ctx, plan, refresh),
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
        t("alloc.status"),
      ],
      testid: "plan-allocations",
      empty: t("plans.no_allocations"),
      rows: rows.map((r) =>
        h(
          "tr",
          { testid: `plan-alloc-${r.id}` },
          h("td", {}, r.depot, h("br"), h("small", {}, r.supplier)),
          h("td", {}, userText(r.deliveryName), h("br"), h("small", {}, r.requester)),
          h("td", {}, r.item),
          h("td", { class: "num" }, r.qty),
          h("td", { class: "num" }, fmtKg(r.weightKg)),
          h("td", { class: "num" }, t("unit.km", { n: fmtNumber(r.distance_km) })),
          h("td", { class: "num", testid: `plan-eta-${r.id}` }, etaText(r)),
          h("td", { class: "reason" }, allocationReason(r.reason, ctx.store)),
          h("td", {}, badge("allocation", r.status), r.late ? lateFlag() : null),
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
      testid: "plan-unmet",
      empty: t("plans.no_unmet"),
      rows: plan.unmet.map((u) => {
        const req = requests.get(u.request_id);
        return h(
          "tr",
          { testid: `plan-unmet-${u.line_id}` },
          h("td", {}, t("requests.ref", { id: u.request_id })),
          h("td", {}, req ? memberName(ctx.store, req.member_code) : ""),
          h("td", {}, itemLabel(ctx.store, u.item_code)),
          h("td", { class: "num" }, fmtNumber(u.quantity)),
          h("td", { class: "cause" }, cause(u.cause)),
        );
      }),
    }),
  );
}

function decisionButtons(ctx, plan, refresh) {
  const out = [
    h(
      "a",
      { class: "button", href: `#/print-plan/${plan.id}`, testid: "print-plan" },
      t("plans.print_sheet"),
    ),
    h(
      "a",
      { class: "button", href: `#/print-slips/${plan.id}`, testid: "print-slips" },
      t("plans.print_slips"),
    ),
  ];
  if (ctx.caps.audit)
    out.push(
      h(
        "button",
        { type: "button", testid: "audit-plan", onclick: () => ctx.openAudit("plan", plan.id) },
        t("audit.open"),
      ),
    );
  const act = (action, label, cls) =>
    actionButton(
      label,
      async () => {
        const note = await askNote({
          title: t(`plans.${action}_title`, { id: plan.id }),
          label: t("common.note"),
          confirm: label,
          danger: cls === "danger",
        });
        if (note === null) return;
        await api("POST", `/plans/${plan.id}/${action}`, { body: note ? { note } : {} });
        ctx.notify(t(`plans.done_${action}`, { id: plan.id }));
        await refresh();
      },
      { class: cls, testid: `${action}-plan` },
    );
  if (ctx.caps.plan && plan.status === "proposed") {
    out.unshift(
      act("approve", t("plans.approve"), "primary"),
      act("discard", t("plans.discard"), "danger"),
    );
  }
  if (ctx.caps.plan && plan.status === "approved")
    out.push(act("cancel", t("plans.cancel"), "danger"));
  return h("div", { class: "buttons decision" }, out);
}

function historyTable(plans, selectedId) {
  return table({
    caption: t("plans.history"),
    head: [
      t("plans.id"),
      t("alloc.status"),
      t("plans.created_at"),
      t("plans.allocated_units"),
      t("plans.unmet_units"),
      t("common.actions"),
    ],
    testid: "plans-table",
    empty: t("plans.none"),
    rows: plans.map((p) =>
      h(
        "tr",
        { testid: `plan-row-${p.id}`, class: p.id === selectedId ? "selected" : null },
        h(
          "th",
          { scope: "row" },
          h("a", { href: `#/plans/${p.id}` }, t("plans.ref", { id: p.id })),
        ),
        h("td", {}, badge("plan", p.status)),
        h("td", {}, fmtDateTime(p.created_at)),
        h("td", { class: "num" }, fmtNumber(p.allocated_units)),
        h("td", { class: "num" }, fmtNumber(p.unmet_units)),
        h(
          "td",
          {},
          h("a", { href: `#/print-plan/${p.id}` }, t("plans.print_sheet")),
          " ",
          h("a", { href: `#/print-slips/${p.id}` }, t("plans.print_slips")),
        ),
      ),
    ),
  });
}
