// The medevac board's SPEC §12 cards: receiving hospitals (status), weather holds (map, list,
// record by polygon or base, lift), stagings at forward bases and visiting aircraft.

import { api, get, listAll } from "../api.js";
import { field, h, replace, select, userText } from "../dom.js";
import { fmtDateTime, jstInputValue, jstIso, nameOf, t, word } from "../i18n.js";
import { actionButton, askNote, badge, table } from "../ui.js";
import { chosenIncidentId } from "../incident.js";
import { memberName } from "../words.js";
import { oneAtATime } from "../redraw.js";

const L = window.L;
const HOSPITAL_STATUSES = ["operational", "damaged", "full"];

/** Receiving hospitals with their status; EMS (or the hospital's own desk) changes it. */
/** The hospitals card; `titled: false` where the screen's own heading already names it. */
export function hospitalsCard(ctx, { member, titled = true } = {}) {
  const body = h("div", { testid: "hospitals" });
  const filter = select(
    [["", t("hospitals.all")], ...HOSPITAL_STATUSES.map((s) => [s, word("status.hospital.", s)])],
    { testid: "hospitals-filter", "aria-label": t("hospitals.filter") },
  );
  async function drawNow() {
    const query = member ? { member } : {};
    if (filter.value) query.status = filter.value;
    const rows = await listAll("/hospitals", query);
    replace(body, hospitalTable(ctx, rows, draw));
  }
  const draw = oneAtATime(drawNow);
  filter.addEventListener("change", () => draw());
  const card = h(
    "section",
    titled ? { class: "card wide", "aria-labelledby": "hosp-h" } : { class: "card wide" },
    titled ? h("h2", { id: "hosp-h" }, t("hospitals.title")) : null,
    field(t("hospitals.filter"), filter),
    body,
  );
  return { card, draw };
}

function hospitalTable(ctx, rows, redraw) {
  return table({
    caption: t("hospitals.caption"),
    head: [
      t("hospitals.name"),
      t("medevac.member"),
      t("hospitals.heliport"),
      t("medevac.state"),
      t("common.actions"),
    ],
    testid: "hospitals-table",
    empty: t("hospitals.none"),
    rows: rows.map((x) =>
      h(
        "tr",
        { testid: `hospital-${x.id}`, dataset: { status: x.status, heliport: x.heliport } },
        h(
          "th",
          { scope: "row" },
          nameOf(x),
          x.position_estimated ? h("small", { class: "hint" }, " ", t("hospitals.estimated")) : null,
        ),
        h("td", {}, memberName(ctx.store, x.member_code)),
        h("td", {}, word("heliport.", x.heliport)),
        h("td", {}, badge("hospital", x.status)),
        h("td", {}, ctx.caps.hospitalStatus(x.member_code) ? hospitalActions(ctx, x, redraw) : null),
      ),
    ),
  });
}

function hospitalActions(ctx, x, redraw) {
  return HOSPITAL_STATUSES.filter((s) => s !== x.status).map((target) =>
    actionButton(
      t(`hospitals.set.${target}`),
      async () => {
        const note = await askNote({
          title: t("hospitals.set_title", { name: nameOf(x), status: word("status.hospital.", target) }),
          label: t("common.note"),
          confirm: t(`hospitals.set.${target}`),
        });
        if (note === null) return;
        await api("PATCH", `/hospitals/${x.id}`, {
          body: note ? { status: target, note } : { status: target },
        });
        ctx.notify(t("hospitals.set_done", { name: nameOf(x), status: word("status.hospital.", target) }));
        await redraw();
      },
      { testid: `hospital-${x.id}-${target}` },
    ),
  );
}

/** Weather holds: on a small map, in a list (lift), and a form (polygon or base). */
export function holdsCard(ctx) {
  const list = h("div", { testid: "holds" });
  const mapEl = h("div", { class: "picker", testid: "holds-map", role: "application", "aria-label": t("holds.map") });
  const state = { map: null, layer: null, helis: [] };
  const form = ctx.caps.fleet ? holdForm(ctx, state, () => draw()) : null;
  async function drawNow() {
    // lifts in quick succession and the live refresh each redraw: one at a time, so a list
    // answered before a lift never draws after the list answered after it
    const helis = state.helis;
    const holds = await listAll("/weather-holds", { incident: chosenIncidentId() });
    replace(list, holdTable(ctx, holds, helis, () => draw()));
    if (form) form.refreshBases(helis);
    drawHolds(state, holds, helis);
  }
  const queued = oneAtATime(drawNow);
  // the fleet a call brings is kept at once: a lift's redraw queued after the board's own
  // (which brings the newer fleet) draws with that fleet, not the one before
  const draw = (helis) => {
    if (helis) state.helis = helis;
    return queued();
  };
  requestAnimationFrame(() => buildMap(state, mapEl));
  const card = h(
    "section",
    { class: "card wide", "aria-labelledby": "holds-h" },
    h("h2", { id: "holds-h" }, t("holds.title")),
    h("div", { class: "picker-wrap" }, mapEl, h("p", { class: "hint" }, t("holds.map_hint"))),
    list,
    form ? form.el : null,
  );
  return { card, draw };
}

async function buildMap(state, el) {
  const map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  const outlines = await get("/members/geojson");
  const base = L.geoJSON(
    { type: "FeatureCollection", features: outlines.features.filter((f) => f.properties.feature === "outline") },
    { style: { color: "#3b4a5a", weight: 1, fillColor: "#f3f1e8", fillOpacity: 1 }, interactive: false },
  ).addTo(map);
  map.fitBounds(base.getBounds());
  state.map = map;
  state.layer = L.layerGroup().addTo(map);
  state.draft = L.polyline([], { color: "#0550ae", dashArray: "4 4", className: "hold-draft" }).addTo(map);
  map.on("click", (ev) => state.onClick?.(ev.latlng));
  if (state.pending) drawHolds(state, ...state.pending);
}

function drawHolds(state, holds, helis) {
  if (!state.layer) {
    state.pending = [holds, helis];
    return;
  }
  state.layer.clearLayers();
  for (const hold of holds) {
    if (hold.area) {
      L.geoJSON(hold.area, {
        style: { color: "#6e7781", weight: 2, fillColor: "#8c959f", fillOpacity: 0.45, className: "hold-area" },
      }).addTo(state.layer);
    } else {
      const heli = helis.find((x) => x.id === hold.base_helicopter_id);
      const at = heli?.staging ?? heli?.base;
      if (at) L.circleMarker([at.lat, at.lon], { radius: 10, color: "#6e7781", weight: 3, className: "hold-base" }).addTo(state.layer);
    }
  }
}

function holdWhere(hold, helis) {
  if (hold.area) return t("holds.area");
  const heli = helis.find((x) => x.id === hold.base_helicopter_id);
  return t("holds.base_of", { callsign: heli?.callsign ?? String(hold.base_helicopter_id) });
}

function holdTable(ctx, holds, helis, redraw) {
  return table({
    caption: t("holds.caption"),
    head: [t("holds.where"), t("holds.reason"), t("holds.from"), t("holds.until"), ctx.caps.fleet ? t("common.actions") : null].filter(Boolean),
    testid: "holds-table",
    empty: t("holds.none"),
    rows: holds.map((x) =>
      h(
        "tr",
        { testid: `hold-${x.id}` },
        h("th", { scope: "row" }, holdWhere(x, helis)),
        h("td", {}, userText(x.reason)),
        h("td", {}, fmtDateTime(x.from)),
        h("td", {}, fmtDateTime(x.until)),
        ctx.caps.fleet
          ? h(
              "td",
              {},
              actionButton(
                t("holds.lift"),
                async () => {
                  await api("DELETE", `/weather-holds/${x.id}`);
                  ctx.notify(t("holds.lifted"));
                  await redraw();
                },
                { class: "danger", testid: `lift-hold-${x.id}` },
              ),
            )
          : null,
      ),
    ),
  });
}

/** "lat, lon" per line → a closed GeoJSON ring of [lon, lat]. */
export function ringFrom(text) {
  const points = text
    .split(/\n|;/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => line.split(/[,\s]+/).map(Number));
  const ring = points.map(([lat, lon]) => [lon, lat]);
  if (ring.length && (ring[0][0] !== ring.at(-1)[0] || ring[0][1] !== ring.at(-1)[1])) {
    ring.push([...ring[0]]);
  }
  return ring;
}

function holdForm(ctx, state, onDone) {
  const base = select([["", t("holds.area_choice")]], { testid: "hold-base" });
  const vertices = h("textarea", { rows: 4, testid: "hold-polygon", placeholder: "35.6, 134.4" });
  const reason = h("input", { type: "text", maxlength: 300, required: true, testid: "hold-reason" });
  const now = new Date();
  const from = h("input", { type: "datetime-local", value: jstInputValue(now), testid: "hold-from" });
  const until = h("input", {
    type: "datetime-local",
    value: jstInputValue(new Date(now.getTime() + 3 * 3600e3)),
    testid: "hold-until",
  });
  state.onClick = (latlng) => {
    if (base.value) return;
    vertices.value += `${vertices.value && !vertices.value.endsWith("\n") ? "\n" : ""}${latlng.lat.toFixed(4)}, ${latlng.lng.toFixed(4)}`;
    state.draft?.setLatLngs(ringFrom(vertices.value).map(([lon, lat]) => [lat, lon]));
  };
  const submit = h("button", { type: "submit", class: "primary", testid: "hold-submit" }, t("holds.record"));
  const el = h(
    "form",
    { class: "grid", testid: "hold-form", "aria-label": t("holds.new") },
    field(t("holds.base"), base),
    field(t("holds.polygon"), vertices, t("holds.polygon_hint")),
    field(t("holds.reason"), reason),
    field(t("holds.from"), from, t("requests.jst_hint")),
    field(t("holds.until"), until),
    submit,
  );
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      reason: reason.value.trim(),
      from: jstIso(from.value),
      until: jstIso(until.value),
      incident_id: chosenIncidentId(),
    };
    if (base.value) body.base_helicopter_id = Number(base.value);
    else body.area = { type: "Polygon", coordinates: [ringFrom(vertices.value)] };
    try {
      await api("POST", "/weather-holds", { body });
      ctx.notify(t("holds.recorded"));
      vertices.value = "";
      state.draft?.setLatLngs([]);
      onDone();
    } catch (err) {
      ctx.notifyError(err);
    }
  });
  const refreshBases = (helis) => {
    const keep = base.value;
    replace(base, ...[["", t("holds.area_choice")], ...helis.map((x) => [x.id, t("holds.base_of", { callsign: x.callsign })])].map(
      ([value, text]) => h("option", { value, selected: String(value) === keep }, text),
    ));
  };
  return { el, refreshBases };
}

export { stagingCard } from "./medevac_staging.js";
