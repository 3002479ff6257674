// The audit trail of one selected object (GET /audit-events?entity=&entity_id=), in a side
// panel that any screen can open.

import { listAll, problemText } from "../api.js";
import { h, replace, userText } from "../dom.js";
import { fmtDateTime, fmtNumber, has, t, word } from "../i18n.js";
import { itemLabel, memberName } from "../words.js";

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
  document.body.classList.add("audit-open");
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
  document.body.classList.remove("audit-open");
  replace(el);
  opener?.focus?.();
}

document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") closeAudit();
});

export function eventItem(e, ctx) {
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
    changes(e, ctx),
    note
      ? h("div", { class: "note" }, h("strong", {}, t("audit.note")), " ", userText(note))
      : null,
  );
}

/** What changed, for the fields people read (ids and internals are left out), in words. */
function changes(e, ctx) {
  const after = e.after ?? {};
  const before = e.before ?? {};
  const keys = Object.keys(after).filter(
    (k) => has(`field.${k}`) && isScalar(after[k]) && before[k] !== after[k] && k !== "note",
  );
  if (!keys.length) return null;
  const value = (k, v) => shown(e.entity, k, v, ctx);
  return h(
    "ul",
    { class: "changes" },
    keys.slice(0, 8).map((k) =>
      h(
        "li",
        {},
        t("audit.change", {
          field: t(`field.${k}`),
          before: k in before ? value(k, before[k]) : t("common.none"),
          after: value(k, after[k]),
        }),
      ),
    ),
  );
}

const STATUS_KINDS = {
  plan: "plan",
  allocation: "allocation",
  aid_request: "request",
  depot: "depot",
  helicopter: "heli",
  medevac_mission: "mission",
};
const MEMBER_KEYS = new Set(["member_code", "supplier_code", "requester_code"]);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const isScalar = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);

/** One recorded value as a person reads it: statuses and codes in words, times in Japan time. */
function shown(entity, key, v, ctx) {
  if (v === null || v === undefined) return t("common.none");
  if (key === "status") return word(`status.${STATUS_KINDS[entity]}.`, v);
  if (key === "priority") return word("priority.", v);
  if (key === "policy") return word("policy.", v);
  if (MEMBER_KEYS.has(key)) return memberName(ctx.store, v);
  if (key === "item_code") return itemLabel(ctx.store, v);
  if (typeof v === "boolean") return t(v ? "common.yes" : "common.no");
  if (typeof v === "number") return fmtNumber(v, Number.isInteger(v) ? 0 : 1);
  if (typeof v === "string" && ISO_TIME.test(v)) return fmtDateTime(v);
  return String(v);
}
