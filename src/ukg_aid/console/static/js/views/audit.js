// The audit trail of one selected object (GET /audit-events?entity=&entity_id=), in a side
// panel that any screen can open.

import { listAll, problemText } from "../api.js";
import { h, replace, userText } from "../dom.js";
import { fmtDateTime, t, word } from "../i18n.js";

const panel = () => document.querySelector("[data-testid=audit-panel]");
let opener = null;

export async function openAudit(entity, id, ctx) {
  opener = document.activeElement;
  const el = panel();
  const close = h(
    "button",
    { type: "button", class: "close", testid: "audit-close", onclick: closeAudit },
    t("common.close"),
  );
  const body = h("div", { testid: "audit-events" }, t("common.loading"));
  replace(
    el,
    h(
      "div",
      { class: "panel-head" },
      h(
        "h2",
        { id: "audit-h", tabindex: -1 },
        t("audit.trail", { entity: word("entity.", entity), id }),
      ),
      close,
    ),
    body,
  );
  el.setAttribute("aria-labelledby", "audit-h");
  el.hidden = false;
  el.querySelector("h2").focus();
  try {
    const events = await listAll("/audit-events", { entity, entity_id: String(id) });
    replace(
      body,
      events.length
        ? h(
            "ol",
            { class: "audit-list" },
            events.map((e) => eventItem(e, ctx)),
          )
        : h("p", { class: "empty" }, t("audit.empty")),
    );
  } catch (err) {
    replace(body, h("p", { class: "error", role: "alert" }, problemText(err)));
  }
}

export function closeAudit() {
  const el = panel();
  if (!el || el.hidden) return;
  el.hidden = true;
  replace(el);
  opener?.focus?.();
}

document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") closeAudit();
});

export function eventItem(e) {
  const note = e.note ?? e.after?.note ?? null;
  return h(
    "li",
    { testid: `audit-event-${e.id}` },
    h(
      "div",
      { class: "audit-head" },
      h("strong", {}, word("action.", e.action)),
      h("span", {}, fmtDateTime(e.at)),
    ),
    h("div", {}, t("audit.by", { actor: e.actor, role: word("role.", e.role) })),
    changes(e),
    note
      ? h("div", { class: "note" }, h("strong", {}, t("audit.note")), " ", userText(note))
      : null,
  );
}

function changes(e) {
  const after = e.after ?? {};
  const before = e.before ?? {};
  const keys = Object.keys(after).filter(
    (k) => k !== "note" && isScalar(after[k]) && before[k] !== after[k],
  );
  if (!keys.length) return null;
  return h(
    "ul",
    { class: "changes" },
    keys.slice(0, 8).map((k) =>
      h(
        "li",
        {},
        t("audit.change", {
          field: word("field.", k),
          before: k in before ? show(before[k]) : t("common.none"),
          after: show(after[k]),
        }),
      ),
    ),
  );
}

const isScalar = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);
const show = (v) => (v === null || v === undefined ? t("common.none") : String(v));
