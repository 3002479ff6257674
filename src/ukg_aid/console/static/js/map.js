// The union map on Leaflet without tiles: the member outlines GeoJSON is the base map.
// One layer per kind of thing (outlines, members, depots, requests, flows, helicopters).

import { get } from "./api.js";
import { h, userText } from "./dom.js";
import { fmtKg, fmtNumber, nameOf, t } from "./i18n.js";
import { itemLabel, status } from "./words.js";

const L = window.L;

/** Pixels scaled with the root font size, so markers grow on a wall display as the text does. */
const px = (n) => (n * parseFloat(getComputedStyle(document.documentElement).fontSize)) / 16;
const NEED_CLASSES = [0, 0.25, 0.5, 0.75]; // share of the largest member's unmet weight
const NEED_COLOURS = ["#f7f4ea", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"];

export function needColour(ratio) {
  if (!ratio) return NEED_COLOURS[0];
  const i = NEED_CLASSES.filter((c) => ratio > c).length;
  return NEED_COLOURS[i];
}

export function createMap(el) {
  const map = L.map(el, {
    attributionControl: false,
    zoomControl: false,
    zoomSnap: 0.25,
    minZoom: 6,
    maxZoom: 13,
  });
  L.control.zoom({ zoomInTitle: t("map.zoom_in"), zoomOutTitle: t("map.zoom_out") }).addTo(map);
  L.control.attribution({ prefix: false }).addAttribution(t("map.attribution")).addTo(map);
  const layers = {};
  for (const name of ["outlines", "members", "flows", "depots", "requests", "helicopters"]) {
    layers[name] = L.layerGroup().addTo(map);
  }
  return { map, layers };
}

export function drawOutlines(view, geojson, needByMember, maxNeed, store) {
  view.layers.outlines.clearLayers();
  const outlines = geojson.features.filter((f) => f.properties.feature === "outline");
  const layer = L.geoJSON(
    { type: "FeatureCollection", features: outlines },
    {
      style: (f) => ({
        color: "#3b4a5a",
        weight: 1,
        fillOpacity: 0.85,
        fillColor: needColour((needByMember.get(f.properties.code) ?? 0) / (maxNeed || 1)),
        className: `outline outline-${f.properties.code}`,
      }),
      onEachFeature: (f, l) =>
        l.bindTooltip(() => memberTip(store, f.properties.code, needByMember), { sticky: true }),
    },
  );
  layer.addTo(view.layers.outlines);
  return layer;
}

function memberTip(store, code, needByMember) {
  return h(
    "div",
    {},
    h("strong", {}, nameOf(store.member(code))),
    h("br"),
    t("map.unmet_weight", { w: fmtKg(needByMember.get(code) ?? 0) }),
  );
}

/**
 * Every member on the map: a dot at its office coloured by its unmet weight; the name of a
 * prefecture in the middle of its outline, a city's beside its office (prefectural and city
 * offices are a kilometre or two apart, so both names at the offices would overlap).
 */
export function drawMembers(view, geojson, needByMember, maxNeed, store) {
  view.layers.members.clearLayers();
  const outlines = new Map(
    geojson.features
      .filter((f) => f.properties.feature === "outline")
      .map((f) => [f.properties.code, f]),
  );
  for (const f of geojson.features.filter((x) => x.properties.feature === "office")) {
    const code = f.properties.code;
    const [lon, lat] = f.geometry.coordinates;
    const need = needByMember.get(code) ?? 0;
    const tip = () => memberTip(store, code, needByMember);
    L.circleMarker([lat, lon], {
      radius: px(6),
      weight: px(2),
      color: "#1f2328",
      fillColor: needColour(need / (maxNeed || 1)),
      fillOpacity: 1,
      className: `office office-${code}`,
    })
      .bindTooltip(tip)
      .addTo(view.layers.members);
    const outline = outlines.get(code);
    const at = outline ? labelPoint(outline.geometry) : [lat, lon];
    const html = h(
      "span",
      { class: `member-label kind-${f.properties.kind}`, testid: `map-member-${code}` },
      nameOf(store.member(code)),
    );
    const icon = L.divIcon({ className: "member-icon", html, iconSize: null });
    L.marker(at, { icon, keyboard: false, interactive: false }).addTo(view.layers.members);
  }
}

/** The area-weighted centroid of a (multi)polygon's largest ring, as [lat, lon]. */
function labelPoint(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let best = null;
  for (const [ring] of polygons) {
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      area += cross;
      cx += (ring[j][0] + ring[i][0]) * cross;
      cy += (ring[j][1] + ring[i][1]) * cross;
    }
    if (!best || Math.abs(area) > Math.abs(best.area))
      best = { area, lon: cx / (3 * area), lat: cy / (3 * area) };
  }
  return [best.lat, best.lon];
}

const DEPOT_COLOURS = { operational: "#1a7f37", damaged: "#d4a000", unreachable: "#6e7781" };

export function drawDepots(view, depots, store, onSelect) {
  view.layers.depots.clearLayers();
  for (const d of depots) {
    const marker = L.circleMarker([d.lat, d.lon], {
      radius: px(5),
      weight: px(2),
      color: "#ffffff",
      fillColor: DEPOT_COLOURS[d.status],
      fillOpacity: 1,
      className: `depot depot-${d.status}`,
    });
    marker.bindTooltip(
      h("div", {}, h("strong", {}, nameOf(d)), h("br"), status("depot", d.status)),
    );
    marker.on("tooltipopen", async () => {
      // Stock on hover: fetched when asked, so the map never loads every stock row.
      try {
        const page = await get("/stock", { depot_id: d.id, limit: 100 });
        marker.setTooltipContent(depotTip(d, page.items, store));
      } catch {
        // the tooltip keeps the depot's name and status
      }
    });
    if (onSelect) marker.on("click", () => onSelect(d));
    marker.addTo(view.layers.depots);
  }
}

function depotTip(depot, rows, store) {
  return h(
    "div",
    { class: "depot-tip" },
    h("strong", {}, nameOf(depot)),
    h("span", { class: "tip-status" }, status("depot", depot.status)),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, t("stock.item")),
          h("th", {}, t("stock.on_hand")),
          h("th", {}, t("stock.available")),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            {},
            h("td", {}, itemLabel(store, r.item_code)),
            h("td", { class: "num" }, fmtNumber(r.on_hand)),
            h("td", { class: "num" }, fmtNumber(r.available)),
          ),
        ),
      ),
    ),
  );
}

export function drawRequests(view, requests, unmetKg, store, onSelect) {
  view.layers.requests.clearLayers();
  const max = Math.max(1, ...requests.map((r) => unmetKg(r)));
  for (const r of requests) {
    const kg = unmetKg(r);
    const marker = L.circleMarker([r.delivery.lat, r.delivery.lon], {
      radius: px(5 + 20 * Math.sqrt(kg / max)),
      weight: px(2),
      color: "#7f0000",
      fillColor: "#d7301f",
      fillOpacity: kg > 0 ? 0.45 : 0.1,
      className: `request request-${r.id}`,
    });
    marker.bindTooltip(
      h(
        "div",
        {},
        h("strong", {}, t("requests.ref", { id: r.id })),
        h("span", { class: "tip-status" }, userText(r.delivery.name)),
        h("br"),
        nameOf(store.member(r.member_code)),
        h("br"),
        t("map.unmet_weight", { w: fmtKg(kg) }),
      ),
    );
    if (onSelect) marker.on("click", () => onSelect(r));
    marker.addTo(view.layers.requests);
  }
}

/** Plan flows depot → delivery point, one line per route, thickness by weight. */
export function drawFlows(view, plan, geojson, store) {
  view.layers.flows.clearLayers();
  if (!plan || !geojson) return;
  const routes = new Map();
  for (const f of geojson.features) {
    const p = f.properties;
    const key = `${p.depot_id}|${p.request_id}`;
    const kg = p.quantity * (store.item(p.item_code)?.unit_weight_kg ?? 0);
    const route = routes.get(key) ?? { coords: f.geometry.coordinates, kg: 0, lines: [] };
    route.kg += kg;
    route.lines.push(p);
    routes.set(key, route);
  }
  const max = Math.max(1, ...[...routes.values()].map((r) => r.kg));
  for (const route of routes.values()) {
    const latlngs = route.coords.map(([lon, lat]) => [lat, lon]);
    L.polyline(latlngs, {
      weight: px(2 + 10 * (route.kg / max)),
      color: plan.status === "proposed" ? "#8250df" : "#0969da",
      opacity: 0.75,
      dashArray: plan.status === "proposed" ? "8 6" : null,
      className: `flow-line flow-${plan.status}`,
    })
      .bindTooltip(
        h(
          "div",
          {},
          route.lines.map((p) =>
            h(
              "div",
              {},
              t("map.flow_line", {
                item: itemLabel(store, p.item_code),
                qty: fmtNumber(p.quantity),
              }),
            ),
          ),
          t("map.flow_weight", { w: fmtKg(route.kg) }),
        ),
      )
      .addTo(view.layers.flows);
  }
}

export function drawHelicopters(view, geojson) {
  view.layers.helicopters.clearLayers();
  for (const f of geojson.features) {
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const html = h(
      "span",
      { class: `heli-icon heli-${p.status}`, testid: `map-heli-${p.id}` },
      t("map.heli_symbol"),
    );
    const icon = L.divIcon({ className: "heli-marker", html, iconSize: null });
    L.marker([lat, lon], { icon, keyboard: false, title: p.callsign })
      .bindTooltip(
        h(
          "div",
          {},
          h("strong", {}, p.callsign),
          h("br"),
          status("heli", p.status),
          h("br"),
          nameOf(p.base),
        ),
      )
      .addTo(view.layers.helicopters);
  }
}

export function legend() {
  return h(
    "div",
    { class: "legend", testid: "map-legend" },
    h("strong", {}, t("map.legend")),
    h("div", {}, t("map.legend_need")),
    h(
      "div",
      { class: "scale" },
      NEED_COLOURS.map((c) => {
        const s = h("span", { class: "swatch" });
        s.style.background = c;
        return s;
      }),
    ),
    h(
      "div",
      { class: "scale-ends" },
      h("span", {}, t("map.legend_none")),
      h("span", {}, t("map.legend_most")),
    ),
    Object.entries(DEPOT_COLOURS).map(([code, colour]) => {
      const s = h("span", { class: "swatch round" });
      s.style.background = colour;
      return h("div", {}, s, t("map.legend_depot", { status: status("depot", code) }));
    }),
    h("div", {}, h("span", { class: "swatch round request" }), t("map.legend_request")),
    h("div", {}, h("span", { class: "swatch line proposed" }), t("map.legend_flow_proposed")),
    h("div", {}, h("span", { class: "swatch line approved" }), t("map.legend_flow_approved")),
    h(
      "div",
      {},
      h("span", { class: "heli-icon heli-available" }, t("map.heli_symbol")),
      t("map.legend_heli"),
    ),
  );
}
