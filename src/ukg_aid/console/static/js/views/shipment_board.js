// Desk: the shipments board (SPEC §11) — one dispatch per shipment on the member's trucks (or
// its place in the truck queue), one counted confirmation per truck trip (wave), and declines.

import { api, listAll } from "../api.js";
import { describe } from "../allocations.js";
import { h, replace, userText } from "../dom.js";
import { fmtDateTime, fmtKg, fmtNumber, t } from "../i18n.js";
import { chosenIncidentId } from "../incident.js";
import { actionButton, askNote, badge, table } from "../ui.js";
import { memberName } from "../words.js";

const OPEN = ["planned", "queued", "dispatched"];

export async function shipmentBoard(ctx, member, refresh) {
  // the shipments of the incident picked in the header, as the allocation lists below: a
  // shipment belongs to its plan's incident
  const incident = chosenIncidentId();
  const [plans, ...lists] = await Promise.all([
    incident ? listAll("/plans", { incident }) : null,
    ...OPEN.flatMap((status) => [
      listAll("/shipments", { supplier: member, status }),
      listAll("/shipments", { requester: member, status }),
    ]),
  ]);
  const ours = plans ? new Set(plans.map((p) => p.id)) : null;
  const keep = (rows) => rows.filter((s) => !ours || ours.has(s.plan_id));
  const out = keep(lists.filter((_, i) => i % 2 === 0).flat());
  const inbound = keep(lists.filter((_, i) => i % 2 === 1).flat());
  return h(
    "section",
    { class: "card", "aria-labelledby": "board-h", testid: "shipment-board" },
    h("h2", { id: "board-h" }, t("board.title")),
    board(ctx, out, "out", refresh),
    board(ctx, inbound, "in", refresh),
  );
}

function board(ctx, rows, side, refresh) {
  return table({
    caption: side === "out" ? t("board.out_caption") : t("board.in_caption"),
    head: [
      t("board.shipment"),
      t("alloc.to"),
      t("board.weight"),
      t("board.trucks"),
      t("alloc.status"),
      t("common.actions"),
    ],
    testid: `board-${side}`,
    // said apart from the allocation lists' empty lines below it (the same words twice misled)
    empty: side === "out" ? t("board.none_out") : t("board.none_in"),
    rows: rows.map((s) =>
      h(
        "tr",
        { testid: `shipment-${s.id}`, dataset: { status: s.status } },
        h("td", {}, t("board.ref", { id: s.id, plan: s.plan_id }), s.late ? lateFlag() : null),
        h(
          "td",
          {},
          userText(s.delivery.name),
          h("br"),
          h("small", {}, memberName(ctx.store, s.requester_code)),
        ),
        h("td", { class: "num" }, fmtKg(s.weight_kg)),
        h("td", {}, t("board.truck_count", { small: s.trucks["4t"], large: s.trucks["10t"] })),
        h("td", {}, badge("shipment", s.status), queueText(s)),
        h(
          "td",
          {},
          side === "out" ? dispatchButton(ctx, s, refresh) : deliverButton(ctx, s, refresh),
        ),
      ),
    ),
  });
}

export function lateFlag() {
  return h("span", { class: "badge late", testid: "late-flag" }, t("board.late"));
}

// The next wave (truck trip) still to count: the earliest to unload.
function nextWave(s) {
  const open = (s.waves || []).filter((w) => !w.delivered_at);
  return open.sort((a, b) => a.expected_at.localeCompare(b.expected_at) || a.wave - b.wave)[0] || null;
}

function wavesText(s) {
  if (!s.waves_total) return null;
  const next = nextWave(s);
  return h(
    "small",
    { testid: `waves-${s.id}` },
    h("br"),
    t("board.waves", { done: fmtNumber(s.waves_delivered), total: fmtNumber(s.waves_total) }),
    next ? [" · ", t("board.next_wave", { n: fmtNumber(next.wave), when: fmtDateTime(next.expected_at) })] : null,
  );
}

function queueText(s) {
  if (s.status !== "queued") {
    if (s.waves_total) return wavesText(s);
    return s.expected_at ? h("small", {}, " ", fmtDateTime(s.expected_at)) : null;
  }
  const when = s.departure_at ? fmtDateTime(s.departure_at) : t("board.no_trucks");
  return h(
    "small",
    { testid: `queue-${s.id}` },
    " ",
    t("board.queue", { n: fmtNumber(s.queue_position ?? 0), when }),
  );
}

function dispatchButton(ctx, s, refresh) {
  if (!["planned", "queued"].includes(s.status) || ctx.me.member_code !== s.supplier_code) return null;
  return actionButton(
    t("board.dispatch"),
    async () => {
      const got = await api("POST", `/shipments/${s.id}/dispatch`, { body: {} });
      ctx.notify(t(got.status === "queued" ? "board.queued" : "board.dispatched", { id: s.id }));
      await refresh();
    },
    { class: "primary", testid: `ship-dispatch-${s.id}` },
  );
}

function deliverButton(ctx, s, refresh) {
  if (s.status !== "dispatched" || ctx.me.member_code !== s.requester_code) return null;
  const wave = nextWave(s);
  const label = wave
    ? t("board.deliver_wave", { n: fmtNumber(wave.wave), total: fmtNumber(s.waves_total) })
    : t("board.deliver");
  return actionButton(
    label,
    () => countDialog(ctx, s, wave, refresh),
    { class: "primary", testid: `ship-deliver-${s.id}` },
  );
}

// What this confirmation counts: one wave's parts, or (no waves) each dispatched allocation whole.
async function countRows(s, wave) {
  const mine = new Set(s.allocation_ids);
  const rows = (await listAll("/allocations", { plan_id: s.plan_id })).filter(
    (a) => mine.has(a.id) && a.status === "dispatched",
  );
  if (!wave) return rows.map((a) => ({ a, quantity: a.quantity }));
  const byId = new Map(rows.map((a) => [a.id, a]));
  return wave.parts.filter((p) => byId.has(p.allocation_id)).map((p) => ({ a: byId.get(p.allocation_id), quantity: p.quantity }));
}

async function countDialog(ctx, s, wave, refresh) {
  const rows = await countRows(s, wave);
  const inputs = rows.map(({ a, quantity }) => ({
    a,
    quantity,
    received: h("input", { type: "number", min: 0, max: quantity, value: quantity, testid: `count-${a.id}` }),
    reason: h(
      "select",
      { testid: `reason-${a.id}` },
      ["short", "damaged", "lost"].map((r) => h("option", { value: r }, t(`loss.${r}`))),
    ),
  }));
  const ok = h("button", { type: "submit", class: "primary", testid: "count-confirm" }, t("board.deliver"));
  const cancel = h("button", { type: "button", testid: "count-cancel" }, t("common.cancel"));
  const form = h(
    "form",
    { method: "dialog" },
    h(
      "h2",
      {},
      wave
        ? t("board.count_wave_title", { id: s.id, n: fmtNumber(wave.wave), truck: wave.truck_id })
        : t("board.count_title", { id: s.id }),
    ),
    inputs.map(({ a, received, reason }) =>
      h("p", {}, h("label", {}, describe(ctx.store, a).item, " ", received), " ", reason),
    ),
    h("div", { class: "buttons" }, ok, cancel),
  );
  const dialog = h("dialog", { testid: "count-dialog" }, form);
  cancel.addEventListener("click", () => dialog.remove());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const received = inputs.map(({ a, quantity, received: r, reason }) => {
      const n = Number(r.value);
      return n < quantity
        ? { allocation_id: a.id, received: n, reason: reason.value }
        : { allocation_id: a.id, received: n };
    });
    dialog.remove();
    const body = wave ? { wave: wave.wave, received } : { received };
    await api("POST", `/shipments/${s.id}/deliver`, { body });
    ctx.notify(t("board.delivered", { id: s.id }));
    await refresh();
  });
  document.body.append(dialog);
  dialog.showModal();
}

export function declineButton(ctx, a, refresh) {
  return actionButton(
    t("board.decline"),
    async () => {
      const reason = await askNote({
        title: t("board.decline_title", { id: a.id }),
        label: t("board.decline_reason"),
        confirm: t("board.decline"),
        required: true,
        danger: true,
      });
      if (!reason) return;
      await api("POST", `/allocations/${a.id}/decline`, { body: { reason } });
      ctx.notify(t("board.declined", { id: a.id }));
      await refresh();
    },
    { testid: `decline-${a.id}` },
  );
}
