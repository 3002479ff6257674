// The audit log (coordinator, observer, admin): newest events, filtered by kind of object and
// id; any row opens that object's whole trail.

import { get } from "../api.js";
import { field, h, replace, select } from "../dom.js";
import { fmtDateTime, t, word } from "../i18n.js";
import { heading, table } from "../ui.js";
import { oneAtATime } from "../redraw.js";

const ENTITIES = [
  "aid_request",
  "plan",
  "allocation",
  "depot",
  "stock",
  "helicopter",
  "medevac_mission",
  "item",
  "token",
];

export default async function mount(main, ctx, _args, query) {
  const entity = select([["", t("audit.any")], ...ENTITIES.map((e) => [e, word("entity.", e)])], {
    value: query.get("entity") ?? "",
    testid: "audit-entity",
  });
  const id = h("input", {
    type: "text",
    maxlength: 40,
    value: query.get("id") ?? "",
    testid: "audit-id",
  });
  const results = h("div", { testid: "audit-results" });
  const form = h(
    "form",
    { class: "inline-form card" },
    field(t("audit.entity"), entity),
    field(t("audit.entity_id"), id),
    h("button", { type: "submit" }, t("audit.search")),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    refresh();
  });
  replace(main, heading(t("audit.title")), form, results);
  async function refreshNow() {
    const page = await get("/audit-events", {
      entity: entity.value,
      entity_id: id.value.trim(),
      limit: 100,
    });
    replace(
      results,
      table({
        caption: t("audit.latest", { n: page.items.length, total: page.total }),
        head: [
          t("audit.at"),
          t("audit.action"),
          t("audit.object"),
          t("audit.actor"),
          t("common.actions"),
        ],
        testid: "audit-table",
        empty: t("audit.empty"),
        rows: page.items.map((e) =>
          h(
            "tr",
            { testid: `audit-row-${e.id}` },
            h("td", {}, fmtDateTime(e.at)),
            h("td", {}, word("action.", e.action)),
            h(
              "td",
              {},
              t("audit.object_ref", { entity: word("entity.", e.entity), id: e.entity_id }),
            ),
            h("td", {}, t("audit.by", { actor: e.actor, role: word("role.", e.role) })),
            h(
              "td",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "link",
                  onclick: () => ctx.openAudit(e.entity, e.entity_id),
                },
                t("audit.open"),
              ),
            ),
          ),
        ),
      }),
    );
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return { entities: undefined, refresh };
}
