// Closures on the union map (SPEC §11, §13): closed bridges and areas, and the coordinator's
// controls to close a crossing or reopen a closure.

import { api, get } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { chosenIncidentId } from "./incident.js";
import { actionButton } from "./ui.js";

const CROSSINGS = ["akashi-kaikyo", "onaruto"];
let INCIDENT = null; // the incident the map shows (closures are per incident)

/** The closures of the incident picked in the header (the newest active one when none is). */
export async function loadClosures() {
  INCIDENT =
    chosenIncidentId() ??
    (await get("/incidents", { status: "active", limit: 1 })).items[0]?.id ??
    null;
  if (INCIDENT === null) return [];
  return (await get(`/incidents/${INCIDENT}/closures`)).filter((c) => c.active);
}

export function drawClosures(view, closures) {
  if (!view.layers.closures) view.layers.closures = L.layerGroup().addTo(view.map);
  const layer = view.layers.closures;
  layer.clearLayers();
  for (const c of closures) {
    const label = c.kind === "crossing" ? t(`crossing.${c.crossing}`) : t("closure.area");
    L.geoJSON(c.geometry, {
      style: { color: "#b00020", weight: 6, dashArray: "6 4", fillOpacity: 0.15 },
    })
      .bindTooltip(t("closure.closed", { what: label }))
      .addTo(layer);
  }
}

export function closurePanel(ctx, closures, refresh) {
  const closed = new Set(closures.filter((c) => c.kind === "crossing").map((c) => c.crossing));
  const rows = closures.map((c) =>
    h(
      "li",
      { testid: `closure-${c.id}` },
      c.kind === "crossing" ? t(`crossing.${c.crossing}`) : t("closure.area"),
      " ",
      ctx.caps.plan
        ? actionButton(
            t("closure.reopen"),
            async () => {
              await api("DELETE", `/incidents/${INCIDENT}/closures/${c.id}`);
              await refresh();
            },
            { testid: `reopen-${c.id}` },
          )
        : null,
    ),
  );
  const buttons = ctx.caps.plan && INCIDENT !== null
    ? CROSSINGS.filter((x) => !closed.has(x)).map((x) =>
        actionButton(
          t("closure.close", { what: t(`crossing.${x}`) }),
          async () => {
            await api("POST", `/incidents/${INCIDENT}/closures`, {
              body: { kind: "crossing", crossing: x },
            });
            await refresh();
          },
          { class: "danger", testid: `close-${x}` },
        ),
      )
    : [];
  return h(
    "div",
    { class: "closures", testid: "closures" },
    h("h3", {}, t("closure.title")),
    rows.length ? h("ul", {}, rows) : h("p", { class: "empty" }, t("closure.none")),
    h("p", { class: "buttons" }, buttons),
  );
}
