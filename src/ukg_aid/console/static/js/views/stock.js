// Desk: its depots and their stock, edited inline (a ledger reason is required), depot status,
// and the CSV export/import panel.

import { api, listAll } from "../api.js";
import { field, h, replace, select } from "../dom.js";
import { nameOf, t } from "../i18n.js";
import { actionButton, badge, heading, num, table } from "../ui.js";
import { itemLabel, memberName } from "../words.js";
import { csvPanel } from "./csv.js";
import { oneAtATime } from "../redraw.js";

const DEPOT_STATUSES = ["operational", "damaged", "unreachable"];

export default async function mount(main, ctx) {
  const member = ctx.me.member_code;
  const body = h("div", { testid: "depots" });
  replace(
    main,
    heading(t("stock.title", { member: memberName(ctx.store, member) })),
    csvPanel(ctx, member, () => refresh()),
    body,
  );
  async function refreshNow() {
    // An edit in progress is never wiped by a live update; the table refreshes when it ends.
    if (body.querySelector(".editing")) return;
    const rows = await listAll("/stock", { member });
    const depots = ctx.store.depots.filter((d) => d.member_code === member);
    replace(
      body,
      depots.map((d) =>
        depotCard(
          ctx,
          d,
          rows.filter((r) => r.depot_id === d.id),
          done,
        ),
      ),
    );
  }
  const refresh = oneAtATime(refreshNow);
  const done = () => refresh();
  await refresh();
  return { entities: ["stock", "depot", "plan", "allocation"], refresh };
}

function depotCard(ctx, depot, rows, done) {
  const editable = ctx.caps.editStock(depot.member_code);
  const items = new Set(rows.map((r) => r.item_code));
  const head = [
    t("stock.item"),
    t("stock.on_hand"),
    t("stock.reserve_floor"),
    t("stock.reserved"),
    t("stock.available"),
    editable ? t("common.actions") : null,
  ].filter(Boolean);
  return h(
    "section",
    { class: "card depot", testid: `depot-${depot.id}`, "aria-labelledby": `depot-h-${depot.id}` },
    h(
      "div",
      { class: "card-head" },
      h("h2", { id: `depot-h-${depot.id}` }, nameOf(depot)),
      badge("depot", depot.status),
      editable ? statusEditor(ctx, depot, done) : null,
    ),
    table({
      caption: t("stock.caption", { depot: nameOf(depot) }),
      head,
      rows: rows.map((r) => stockRow(ctx, r, editable, done)),
      empty: t("stock.empty"),
      testid: `stock-${depot.id}`,
    }),
    editable ? addItemForm(ctx, depot, items, done) : null,
  );
}

function statusEditor(ctx, depot, done) {
  const choice = select(
    DEPOT_STATUSES.map((s) => [s, t(`status.depot.${s}`)]),
    { value: depot.status, testid: `depot-status-${depot.id}` },
  );
  const save = actionButton(
    t("stock.status_save"),
    async () => {
      await api("PATCH", `/depots/${depot.id}`, { body: { status: choice.value } });
      ctx.store.invalidate("depot");
      ctx.notify(t("stock.status_saved", { depot: nameOf(depot) }));
      await ctx.store.reload();
      done();
    },
    { testid: `depot-status-save-${depot.id}` },
  );
  return h("div", { class: "inline-form" }, field(t("stock.depot_status"), choice), save);
}

function stockRow(ctx, row, editable, done) {
  const tr = h(
    "tr",
    { testid: `stock-row-${row.depot_id}-${row.item_code}` },
    h("th", { scope: "row" }, itemLabel(ctx.store, row.item_code)),
    num(row.on_hand),
    num(row.reserve_floor),
    num(row.reserved),
    num(row.available),
  );
  if (editable) {
    const edit = h(
      "button",
      { type: "button", testid: `edit-stock-${row.depot_id}-${row.item_code}` },
      t("common.edit"),
    );
    edit.addEventListener("click", () => tr.replaceWith(editRow(ctx, row, done)));
    tr.append(h("td", {}, edit));
  }
  return tr;
}

function editRow(ctx, row, done) {
  const onHand = h("input", {
    type: "number",
    min: 0,
    step: 1,
    value: row.on_hand,
    required: true,
    testid: "stock-on-hand",
  });
  const floor = h("input", {
    type: "number",
    min: 0,
    step: 1,
    value: row.reserve_floor,
    required: true,
    testid: "stock-floor",
  });
  const reason = h("input", {
    type: "text",
    maxlength: 200,
    required: true,
    testid: "stock-reason",
  });
  const form = h("form", { class: "edit-stock" });
  const cancel = h("button", { type: "button", testid: "stock-cancel" }, t("common.cancel"));
  const save = h(
    "button",
    { type: "submit", class: "primary", testid: "stock-save" },
    t("common.save"),
  );
  form.append(
    field(t("stock.on_hand"), onHand),
    field(t("stock.reserve_floor"), floor),
    field(t("stock.reason"), reason, t("stock.reason_hint")),
    h("div", { class: "buttons" }, save, cancel),
  );
  const tr = h(
    "tr",
    { class: "editing", testid: `stock-edit-${row.depot_id}-${row.item_code}` },
    h("th", { scope: "row" }, itemLabel(ctx.store, row.item_code)),
    h("td", { colspan: 5 }, form),
  );
  cancel.addEventListener("click", () => {
    tr.classList.remove("editing");
    done();
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!reason.value.trim()) return reason.reportValidity();
    save.disabled = true;
    try {
      await api("PUT", `/depots/${row.depot_id}/stock/${encodeURIComponent(row.item_code)}`, {
        body: {
          on_hand: Number(onHand.value),
          reserve_floor: Number(floor.value),
          reason: reason.value.trim(),
        },
      });
      ctx.notify(t("stock.saved", { item: itemLabel(ctx.store, row.item_code) }));
      tr.classList.remove("editing");
      done();
    } catch (err) {
      ctx.notifyError(err);
      save.disabled = false;
    }
  });
  setTimeout(() => onHand.focus(), 0);
  return tr;
}

function addItemForm(ctx, depot, present, done) {
  const missing = ctx.store.items.filter((i) => !present.has(i.code));
  if (!missing.length) return null;
  const item = select(
    missing.map((i) => [i.code, itemLabel(ctx.store, i.code)]),
    { testid: `add-item-${depot.id}` },
  );
  const onHand = h("input", {
    type: "number",
    min: 0,
    step: 1,
    required: true,
    testid: `add-on-hand-${depot.id}`,
  });
  const reason = h("input", {
    type: "text",
    maxlength: 200,
    required: true,
    testid: `add-reason-${depot.id}`,
  });
  const form = h(
    "form",
    { class: "inline-form add-item" },
    field(t("stock.item"), item),
    field(t("stock.on_hand"), onHand),
    field(t("stock.reason"), reason),
    h("button", { type: "submit" }, t("stock.add")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("PUT", `/depots/${depot.id}/stock/${encodeURIComponent(item.value)}`, {
        body: { on_hand: Number(onHand.value), reason: reason.value.trim() },
      });
      ctx.notify(t("stock.saved", { item: itemLabel(ctx.store, item.value) }));
      done();
    } catch (err) {
      ctx.notifyError(err);
    }
  });
  return h("details", { class: "add" }, h("summary", {}, t("stock.add_item")), form);
}
