// Desk: file an aid request (item picker and quantities), see its requests fill, cancel one.

import { api, listAll, newKey } from "../api.js";
import { chosenIncidentId, inChosenIncident } from "../incident.js";
import { field, h, replace, select, userText } from "../dom.js";
import { fmtDateTime, jstIso, t } from "../i18n.js";
import { actionButton, askNote, badge, fillBar, heading, kindBadge, table } from "../ui.js";
import { pointPicker } from "../picker.js";
import { itemLabel, memberName, priority } from "../words.js";
import { oneAtATime } from "../redraw.js";

const PRIORITIES = ["critical", "high", "normal"];
const OPEN = new Set(["open", "partially_fulfilled"]);

export default async function mount(main, ctx) {
  const member = ctx.me.member_code;
  const list = h("div", { testid: "my-requests" });
  replace(
    main,
    heading(t("requests.title", { member: memberName(ctx.store, member) })),
    ctx.caps.fileRequest ? requestForm(ctx, member, () => refresh()) : null,
    h(
      "section",
      { class: "card", "aria-labelledby": "req-list-h" },
      h("h2", { id: "req-list-h" }, t("requests.mine")),
      list,
    ),
  );
  async function refreshNow() {
    const rows = await listAll("/aid-requests", { member, incident: chosenIncidentId() });
    replace(list, requestTable(ctx, rows, refresh));
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return { entities: ["aid_request", "plan", "allocation"], refresh };
}

export function requestTable(ctx, rows, refresh) {
  return table({
    caption: t("requests.caption"),
    head: [
      t("requests.id"),
      t("requests.priority"),
      t("requests.delivery"),
      t("requests.lines"),
      t("requests.status"),
      t("requests.filed_at"),
      t("common.actions"),
    ],
    testid: "request-table",
    empty: t("requests.empty"),
    rows: rows.map((r) =>
      h(
        "tr",
        { testid: `request-${r.id}`, dataset: { status: r.status } },
        h("th", { scope: "row" }, t("requests.ref", { id: r.id })),
        h("td", {}, h("span", { class: `prio prio-${r.priority}` }, priority(r.priority)), kindBadge(r)),
        h("td", {}, userText(r.delivery.name)),
        h(
          "td",
          {},
          h(
            "ul",
            { class: "lines" },
            r.lines.map((l) =>
              h(
                "li",
                {},
                h("span", { class: "line-item" }, itemLabel(ctx.store, l.item_code)),
                fillBar(l, `fill-${r.id}-${l.item_code}`),
              ),
            ),
          ),
        ),
        h("td", {}, badge("request", r.status)),
        h("td", {}, fmtDateTime(r.filed_at)),
        h("td", {}, actions(ctx, r, refresh)),
      ),
    ),
  });
}

function actions(ctx, req, refresh) {
  const out = [];
  if (OPEN.has(req.status) && ctx.caps.cancelRequest(req)) {
    out.push(
      actionButton(
        t("requests.cancel"),
        async () => {
          const reason = await askNote({
            title: t("requests.cancel_title", { id: req.id }),
            label: t("requests.cancel_reason"),
            confirm: t("requests.cancel"),
            danger: true,
          });
          if (reason === null) return;
          await api("POST", `/aid-requests/${req.id}/cancel`, { body: reason ? { reason } : {} });
          ctx.notify(t("requests.cancelled", { id: req.id }));
          await refresh();
        },
        { testid: `cancel-request-${req.id}`, class: "danger" },
      ),
    );
  }
  if (ctx.caps.audit)
    out.push(
      h(
        "button",
        {
          type: "button",
          testid: `audit-request-${req.id}`,
          onclick: () => ctx.openAudit("aid_request", req.id),
        },
        t("audit.open"),
      ),
    );
  return out;
}

function requestForm(ctx, member, onFiled) {
  const office = ctx.store.member(member)?.office ?? { lat: "", lon: "" };
  const prio = select(
    PRIORITIES.map((p) => [p, priority(p)]),
    { value: "high", testid: "req-priority" },
  );
  const place = h("input", {
    type: "text",
    maxlength: 200,
    required: true,
    testid: "req-delivery-name",
  });
  const lat = h("input", {
    type: "number",
    step: "any",
    min: -90,
    max: 90,
    required: true,
    value: office.lat,
    testid: "req-lat",
  });
  const lon = h("input", {
    type: "number",
    step: "any",
    min: -180,
    max: 180,
    required: true,
    value: office.lon,
    testid: "req-lon",
  });
  const neededBy = h("input", { type: "datetime-local", testid: "req-needed-by" });
  const note = h("textarea", { rows: 2, maxlength: 2000, testid: "req-note" });
  const lines = h("div", { class: "req-lines", testid: "req-lines" });
  const addLine = () => lines.append(lineEditor(ctx, lines));
  const add = h(
    "button",
    { type: "button", testid: "req-add-line", onclick: addLine },
    t("requests.add_line"),
  );
  const submit = h(
    "button",
    { type: "submit", class: "primary", testid: "req-submit" },
    t("requests.file"),
  );
  const form = h(
    "form",
    { class: "card request-form", testid: "request-form", "aria-labelledby": "req-form-h" },
    h("h2", { id: "req-form-h" }, t("requests.new")),
    h(
      "div",
      { class: "grid" },
      field(t("requests.priority"), prio),
      field(t("requests.delivery"), place, t("requests.delivery_hint")),
      field(t("requests.lat"), lat),
      field(t("requests.lon"), lon),
      field(t("requests.needed_by"), neededBy, t("requests.jst_hint")),
    ),
    pointPicker(lat, lon, "req-picker"),
    h("fieldset", {}, h("legend", {}, t("requests.lines")), lines, add),
    field(t("requests.note"), note),
    submit,
  );
  addLine();
  let key = newKey(); // one key per request being written: a double click files it once
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = inChosenIncident({
      member_code: member,
      priority: prio.value,
      delivery: { name: place.value.trim(), lat: Number(lat.value), lon: Number(lon.value) },
      lines: [...lines.querySelectorAll(".req-line")].map((row) => ({
        item_code: row.querySelector("select").value,
        quantity: Number(row.querySelector("input").value),
      })),
    });
    if (neededBy.value) body.needed_by = jstIso(neededBy.value);
    if (note.value.trim()) body.note = note.value.trim();
    submit.disabled = true;
    try {
      const filed = await api("POST", "/aid-requests", { body, key });
      ctx.notify(t("requests.filed", { id: filed.id }));
      key = newKey();
      place.value = note.value = neededBy.value = "";
      replace(lines);
      addLine();
      onFiled();
    } catch (err) {
      ctx.notifyError(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function lineEditor(ctx, lines) {
  const item = select(
    ctx.store.items.map((i) => [i.code, itemLabel(ctx.store, i.code)]),
    { testid: "req-item" },
  );
  const qty = h("input", { type: "number", min: 1, step: 1, required: true, testid: "req-qty" });
  const remove = h(
    "button",
    { type: "button", class: "link", testid: "req-remove-line" },
    t("requests.remove_line"),
  );
  const row = h(
    "div",
    { class: "req-line inline-form" },
    field(t("requests.item"), item),
    field(t("requests.quantity"), qty),
    remove,
  );
  remove.addEventListener("click", () => {
    if (lines.children.length > 1) row.remove();
  });
  return row;
}
