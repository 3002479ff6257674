// Desk: allocations to dispatch from its depots, and deliveries to its requests to confirm.

import { api, listAll } from "../api.js";
import { describe } from "../allocations.js";
import { h, replace, userText } from "../dom.js";
import { chosenIncidentId } from "../incident.js";
import { fmtDateTime, fmtKg, fmtNumber, t } from "../i18n.js";
import { actionButton, askNote, badge, heading, table } from "../ui.js";
import { etaText, memberName } from "../words.js";
import { declineButton, lateFlag, shipmentBoard } from "./shipment_board.js";
import { oneAtATime } from "../redraw.js";

const RECENT = 10;

export default async function mount(main, ctx) {
  const member = ctx.me.member_code;
  const outbound = h("div", { testid: "outbound" });
  const inbound = h("div", { testid: "inbound" });
  replace(
    main,
    heading(t("shipments.title", { member: memberName(ctx.store, member) })),
    h(
      "section",
      { class: "card", "aria-labelledby": "out-h" },
      h("h2", { id: "out-h" }, t("shipments.outbound")),
      outbound,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "in-h" },
      h("h2", { id: "in-h" }, t("shipments.inbound")),
      inbound,
    ),
  );
  async function refreshNow() {
    // the allocations of the incident picked in the header (every incident when there is none)
    const incident = chosenIncidentId();
    const rows = (query) => listAll("/allocations", { ...query, incident });
    // a plan under review has no shipment yet: its rows are a proposal, not something to ship
    // or to expect
    const approved = async (query) => (await rows(query)).filter((a) => a.shipment_id !== null);
    const [toShip, shipped, coming, arriving, received] = await Promise.all([
      approved({ supplier: member, status: "planned" }),
      rows({ supplier: member, status: "dispatched" }),
      approved({ requester: member, status: "planned" }),
      rows({ requester: member, status: "dispatched" }),
      rows({ requester: member, status: "delivered" }),
    ]);
    // The latest confirmed deliveries stay in view, so the desk sees its confirmation land.
    const latest = received
      .sort((a, b) => b.delivered_at.localeCompare(a.delivered_at))
      .slice(0, RECENT);
    replace(
      outbound,
      await shipmentBoard(ctx, member, refresh),
      slipLinks(member, toShip.concat(shipped)),
      allocTable(ctx, toShip.concat(shipped), "out", refresh),
    );
    replace(inbound, allocTable(ctx, arriving.concat(coming, latest), "in", refresh));
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return { entities: ["allocation", "plan", "shipment"], refresh };
}

function slipLinks(member, rows) {
  const plans = [...new Set(rows.map((r) => r.plan_id))].sort((a, b) => a - b);
  if (!plans.length) return null;
  return h(
    "p",
    { class: "buttons" },
    plans.map((id) =>
      h(
        "a",
        { class: "button", href: `#/print-slips/${id}?supplier=${member}`, testid: `slips-${id}` },
        t("shipments.print_slips", { id }),
      ),
    ),
  );
}

function allocTable(ctx, rows, side, refresh) {
  const head = [
    t("alloc.plan"),
    t("alloc.from"),
    t("alloc.to"),
    t("alloc.item"),
    t("alloc.quantity"),
    t("alloc.weight"),
    t("alloc.eta"),
    t("alloc.status"),
    t("common.actions"),
  ];
  return table({
    caption: side === "out" ? t("shipments.outbound_caption") : t("shipments.inbound_caption"),
    head,
    testid: `alloc-${side}`,
    empty: side === "out" ? t("shipments.none_out") : t("shipments.none_in"),
    rows: rows.map((a) => {
      const d = describe(ctx.store, a);
      return h(
        "tr",
        { testid: `alloc-${a.id}`, dataset: { status: a.status } },
        h("td", {}, t("plans.ref", { id: a.plan_id })),
        h("td", {}, d.depot, h("br"), h("small", {}, d.supplier)),
        h("td", {}, userText(d.deliveryName), h("br"), h("small", {}, d.requester)),
        h("td", {}, d.item),
        h("td", { class: "num" }, fmtNumber(a.quantity)),
        h("td", { class: "num" }, fmtKg(d.weightKg)),
        h(
          "td",
          {},
          a.expected_at
            ? fmtDateTime(a.expected_at)
            : etaText(a),
        ),
        h("td", {}, badge("allocation", a.status), a.late ? lateFlag() : null),
        h("td", {}, action(ctx, a, refresh)),
      );
    }),
  });
}

function action(ctx, a, refresh) {
  if (a.status === "planned" && ctx.caps.dispatch(a)) {
    return [dispatchButton(ctx, a, refresh), " ", declineButton(ctx, a, refresh)];
  }
  return deliverAction(ctx, a, refresh);
}

function dispatchButton(ctx, a, refresh) {
  return actionButton(
      t("alloc.dispatch"),
      async () => {
        const note = await askNote({
          title: t("alloc.dispatch_title", { id: a.id }),
          label: t("common.note"),
          confirm: t("alloc.dispatch"),
        });
        if (note === null) return;
        await api("POST", `/allocations/${a.id}/dispatch`, { body: note ? { note } : {} });
        ctx.notify(t("alloc.dispatched", { id: a.id }));
        await refresh();
      },
    { class: "primary", testid: `dispatch-${a.id}` },
  );
}

function deliverAction(ctx, a, refresh) {
  if (a.status === "dispatched" && ctx.caps.deliver(a)) {
    return actionButton(
      t("alloc.deliver"),
      async () => {
        const note = await askNote({
          title: t("alloc.deliver_title", { id: a.id }),
          label: t("common.note"),
          confirm: t("alloc.deliver"),
        });
        if (note === null) return;
        await api("POST", `/allocations/${a.id}/deliver`, { body: note ? { note } : {} });
        ctx.notify(t("alloc.delivered", { id: a.id }));
        await refresh();
      },
      { class: "primary", testid: `deliver-${a.id}` },
    );
  }
  return null;
}
