// Stagings at forward bases and visiting aircraft (SPEC §12) on the medevac board.

import { api, get, newKey } from "../api.js";
import { field, h, replace, select, userText } from "../dom.js";
import { fmtDateTime, jstInputValue, jstIso, t } from "../i18n.js";
import { chosenIncidentId } from "../incident.js";
import { actionButton, table } from "../ui.js";
import { oneAtATime } from "../redraw.js";

export function stagingCard(ctx, onChange) {
  const list = h("div", { testid: "stagings" });
  const visitors = h("div", { testid: "visitors" });
  const stageForm = ctx.caps.fleet ? stagingForm(ctx, () => onChange()) : null;
  async function drawNow(helis) {
    const stagings = await get("/helicopters/stagings", { incident: chosenIncidentId() });
    replace(list, stagingTable(ctx, stagings, helis, onChange));
    replace(visitors, visitorTable(ctx, helis.filter((x) => x.member_code === null), onChange));
    if (stageForm) stageForm.refresh(helis);
  }
  const draw = oneAtATime(drawNow);
  const card = h(
    "section",
    { class: "card wide", "aria-labelledby": "stage-h" },
    h("h2", { id: "stage-h" }, t("staging.title")),
    list,
    stageForm ? stageForm.el : null,
    h("h3", {}, t("visiting.title")),
    visitors,
    ctx.caps.fleet ? visitingForm(ctx, () => onChange()) : null,
  );
  return { card, draw };
}

function stagingTable(ctx, stagings, helis, onChange) {
  const callsign = (id) => helis.find((x) => x.id === id)?.callsign ?? String(id);
  return table({
    caption: t("staging.caption"),
    head: [t("medevac.callsign"), t("staging.where"), t("holds.from"), t("holds.until"), ctx.caps.fleet ? t("common.actions") : null].filter(Boolean),
    testid: "stagings-table",
    empty: t("staging.none"),
    rows: stagings.map((s) =>
      h(
        "tr",
        { testid: `staging-${s.id}` },
        h("th", { scope: "row" }, callsign(s.helicopter_id)),
        h("td", {}, userText(s.name)),
        h("td", {}, fmtDateTime(s.from)),
        h("td", {}, fmtDateTime(s.until)),
        ctx.caps.fleet
          ? h(
              "td",
              {},
              actionButton(
                t("staging.withdraw"),
                async () => {
                  await api("DELETE", `/helicopters/${s.helicopter_id}/stagings/${s.id}`);
                  await onChange();
                },
                { testid: `withdraw-staging-${s.id}` },
              ),
            )
          : null,
      ),
    ),
  });
}

function visitorTable(ctx, visitors, onChange) {
  return table({
    caption: t("visiting.caption"),
    head: [t("medevac.callsign"), t("visiting.from"), t("medevac.base"), ctx.caps.fleet ? t("common.actions") : null].filter(Boolean),
    testid: "visitors-table",
    empty: t("visiting.none"),
    rows: visitors.map((x) =>
      h(
        "tr",
        { testid: `visitor-${x.id}` },
        h("th", { scope: "row" }, x.callsign),
        h("td", {}, userText(x.visiting_from)),
        h("td", {}, userText(x.base.name)),
        ctx.caps.fleet
          ? h(
              "td",
              {},
              actionButton(
                t("visiting.leave"),
                async () => {
                  await api("POST", `/helicopters/${x.id}/leave`, { body: {} });
                  ctx.notify(t("visiting.left", { callsign: x.callsign }));
                  await onChange();
                },
                { testid: `leave-${x.id}`, disabled: x.status === "on_mission" || Boolean(x.left_at) },
              ),
            )
          : null,
      ),
    ),
  });
}

function input(type, testid, props = {}) {
  return h("input", { type, testid, required: true, ...props });
}

function stagingForm(ctx, onDone) {
  const heli = select([], { testid: "stage-heli" });
  const name = input("text", "stage-name", { maxlength: 200 });
  const lat = input("number", "stage-lat", { step: "any" });
  const lon = input("number", "stage-lon", { step: "any" });
  const now = new Date();
  const from = input("datetime-local", "stage-from", { value: jstInputValue(now) });
  const until = input("datetime-local", "stage-until", {
    value: jstInputValue(new Date(now.getTime() + 8 * 3600e3)),
  });
  const el = h(
    "form",
    { class: "grid", testid: "stage-form", "aria-label": t("staging.new") },
    field(t("medevac.callsign"), heli),
    field(t("staging.where"), name),
    field(t("requests.lat"), lat),
    field(t("requests.lon"), lon),
    field(t("holds.from"), from, t("requests.jst_hint")),
    field(t("holds.until"), until),
    h("button", { type: "submit", class: "primary", testid: "stage-submit" }, t("staging.stage")),
  );
  let key = newKey(); // one key per staging being written: a retry after a lost answer stages once
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      name: name.value.trim(),
      lat: Number(lat.value),
      lon: Number(lon.value),
      from: jstIso(from.value),
      until: jstIso(until.value),
      incident_id: chosenIncidentId(),
    };
    try {
      await api("POST", `/helicopters/${heli.value}/stagings`, { body, key });
      key = newKey();
      ctx.notify(t("staging.staged"));
      onDone();
    } catch (err) {
      ctx.notifyError(err);
    }
  });
  const refresh = (helis) => {
    const keep = heli.value;
    replace(heli, ...helis.map((x) => h("option", { value: x.id, selected: String(x.id) === keep }, x.callsign)));
  };
  return { el, refresh };
}

function visitingForm(ctx, onDone) {
  const callsign = input("text", "visit-callsign", { maxlength: 40 });
  const origin = input("text", "visit-from", { maxlength: 200 });
  const baseName = input("text", "visit-base", { maxlength: 200 });
  const lat = input("number", "visit-lat", { step: "any" });
  const lon = input("number", "visit-lon", { step: "any" });
  const type = input("text", "visit-type", { maxlength: 40, value: "EC135" });
  const cruise = input("number", "visit-cruise", { step: "any", min: 1 });
  const range = input("number", "visit-range", { step: "any", min: 1 });
  const el = h(
    "form",
    { class: "grid", testid: "visit-form", "aria-label": t("visiting.new") },
    field(t("medevac.callsign"), callsign),
    field(t("visiting.from"), origin),
    field(t("medevac.base"), baseName),
    field(t("requests.lat"), lat),
    field(t("requests.lon"), lon),
    field(t("visiting.type"), type),
    field(t("visiting.cruise"), cruise),
    field(t("visiting.range"), range),
    h("button", { type: "submit", class: "primary", testid: "visit-submit" }, t("visiting.add")),
  );
  let key = newKey(); // one key per visitor being written: a retry adds it once
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      callsign: callsign.value.trim(),
      visiting_from: origin.value.trim(),
      base: { name: baseName.value.trim(), lat: Number(lat.value), lon: Number(lon.value) },
      aircraft_type: type.value.trim(),
      cruise_kmh: Number(cruise.value),
      range_km: Number(range.value),
      incident_id: chosenIncidentId(),
    };
    try {
      await api("POST", "/helicopters", { body, key });
      key = newKey();
      ctx.notify(t("visiting.added", { callsign: body.callsign }));
      onDone();
    } catch (err) {
      ctx.notifyError(err);
    }
  });
  return el;
}
