// Coordinator (and EMS, observer, admin): the union map beside the open requests by member and
// priority with fill bars. Updates live.

import { get, listAll } from "../api.js";
import { chosenIncidentId } from "../incident.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import {
  createMap,
  drawDepots,
  drawFlows,
  drawHelicopters,
  drawMembers,
  drawOutlines,
  drawRequests,
  legend,
} from "../map.js";
import { heading } from "../ui.js";
import { closurePanel, drawClosures, loadClosures } from "../closures.js";
import { openRequestsPanel } from "./open_requests.js";
import { oneAtATime } from "../redraw.js";

let outlineCache = null;

export default async function mount(main, ctx) {
  const mapEl = h("div", {
    class: "union-map",
    testid: "union-map",
    role: "region",
    "aria-label": t("map.aria"),
  });
  const planNote = h("p", { class: "plan-note", testid: "map-plan" });
  const side = h("div", { class: "side", testid: "open-requests" });
  const run = ctx.caps.plan
    ? h(
        "a",
        { class: "button primary", href: "#/plans", testid: "goto-plans" },
        t("map.review_plans"),
      )
    : null;
  replace(
    main,
    heading(t("map.title"), run),
    h(
      "div",
      { class: "map-layout" },
      h(
        "section",
        { class: "map-pane", "aria-labelledby": "map-h" },
        h("h2", { id: "map-h", class: "visually-hidden" }, t("map.title")),
        mapEl,
        planNote,
        legend(),
      ),
      h(
        "section",
        { class: "side-pane", "aria-labelledby": "open-h" },
        h("h2", { id: "open-h" }, t("open.title")),
        side,
      ),
    ),
  );
  const view = createMap(mapEl);
  outlineCache = outlineCache ?? (await get("/members/geojson"));
  let fitted = false;

  async function refreshNow() {
    const [open, partial, heli, plan, closures] = await Promise.all([
      listAll("/aid-requests", { status: "open", incident: chosenIncidentId() }),
      listAll("/aid-requests", { status: "partially_fulfilled", incident: chosenIncidentId() }),
      get("/helicopters/geojson"),
      currentPlan(),
      loadClosures(),
    ]);
    const requests = open.concat(partial);
    const unmetKg = (r) =>
      r.lines.reduce(
        (sum, l) =>
          sum + (l.quantity - l.allocated) * (ctx.store.item(l.item_code)?.unit_weight_kg ?? 0),
        0,
      );
    const need = new Map();
    for (const r of requests) need.set(r.member_code, (need.get(r.member_code) ?? 0) + unmetKg(r));
    const max = Math.max(0, ...need.values());
    const layer = drawOutlines(view, outlineCache, need, max, ctx.store);
    drawMembers(view, outlineCache, need, max, ctx.store);
    drawFlows(view, plan?.plan, plan?.geojson, ctx.store);
    drawDepots(
      view,
      ctx.store.depots,
      ctx.store,
      ctx.caps.audit ? (d) => ctx.openAudit("depot", d.id) : null,
    );
    drawRequests(view, requests, unmetKg, ctx.store, (r) => focusRequest(side, r.id));
    drawHelicopters(view, heli);
    drawClosures(view, closures);
    if (!fitted) {
      view.map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      fitted = true;
    }
    replace(
      planNote,
      plan
        ? t("map.showing_plan", { id: plan.plan.id, status: t(`status.plan.${plan.plan.status}`) })
        : t("map.no_plan"),
    );
    planNote.dataset.planId = plan ? plan.plan.id : "";
    replace(side, closurePanel(ctx, closures, refresh), openRequestsPanel(ctx, requests, need, refresh));
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return {
    entities: [
      "aid_request",
      "plan",
      "allocation",
      "depot",
      "helicopter",
      "medevac_mission",
      "stock",
      "closure",
    ],
    refresh,
    destroy: () => view.map.remove(),
  };
}

/** The plan the map shows: the newest proposed one (under review), else the newest approved. */
async function currentPlan() {
  for (const status of ["proposed", "approved"]) {
    const page = await get("/plans", { status, limit: 1 });
    if (page.items.length) {
      const plan = page.items[0];
      return { plan, geojson: await get(`/plans/${plan.id}/geojson`) };
    }
  }
  return null;
}

function focusRequest(side, id) {
  const row = side.querySelector(`[data-testid=open-request-${id}]`);
  if (!row) return;
  row.scrollIntoView({ block: "center" });
  row.classList.add("flash");
  row.focus();
  setTimeout(() => row.classList.remove("flash"), 1500);
}
