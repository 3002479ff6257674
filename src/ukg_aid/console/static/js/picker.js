// A small map to pick a point (a delivery point, a medevac scene): click to place it; the
// latitude/longitude fields and the marker follow each other.

import { get } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

const L = window.L;
let outlines = null;

export function pointPicker(lat, lon, testid) {
  const el = h("div", {
    class: "picker",
    testid,
    role: "application",
    "aria-label": t("picker.aria"),
  });
  const hint = h("p", { class: "hint" }, t("picker.hint"));
  const wrap = h("div", { class: "picker-wrap" }, el, hint);
  // Leaflet needs the element in the document to measure it.
  requestAnimationFrame(() => build(el, lat, lon));
  return wrap;
}

async function build(el, lat, lon) {
  const map = L.map(el, { attributionControl: false, zoomControl: false, zoomSnap: 0.25 });
  L.control.zoom({ zoomInTitle: t("map.zoom_in"), zoomOutTitle: t("map.zoom_out") }).addTo(map);
  outlines = outlines ?? (await get("/members/geojson"));
  const layer = L.geoJSON(
    {
      type: "FeatureCollection",
      features: outlines.features.filter((f) => f.properties.feature === "outline"),
    },
    {
      style: { color: "#3b4a5a", weight: 1, fillColor: "#f3f1e8", fillOpacity: 1 },
      interactive: false,
    },
  );
  const here = () => [Number(lat.value), Number(lon.value)];
  const valid = () =>
    Number.isFinite(here()[0]) &&
    Number.isFinite(here()[1]) &&
    lat.value !== "" &&
    lon.value !== "";
  if (valid()) map.setView(here(), 9);
  else map.fitBounds(layer.getBounds());
  layer.addTo(map);
  const marker = L.circleMarker(here(), {
    radius: 8,
    color: "#cf222e",
    weight: 3,
    fillOpacity: 0.6,
    className: "picked",
  }).addTo(map);
  map.on("click", (ev) => {
    lat.value = ev.latlng.lat.toFixed(5);
    lon.value = ev.latlng.lng.toFixed(5);
    marker.setLatLng(ev.latlng);
  });
  const follow = () => {
    if (!valid()) return;
    marker.setLatLng(here());
    map.panTo(here());
  };
  lat.addEventListener("input", follow);
  lon.addEventListener("input", follow);
}
