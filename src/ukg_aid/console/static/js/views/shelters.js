// Shelters (避難所) and their needs (SPEC §10): a desk keeps its own, the coordinator sees all.

import { api, get, listAll, newKey } from "../api.js";
import { field, h, replace, userText } from "../dom.js";
import { fmtNumber, t } from "../i18n.js";
import { actionButton, clearFormProblem, heading, showFormProblem, table } from "../ui.js";
import { itemLabel } from "../words.js";
import { chosenIncidentId } from "../incident.js";
import { oneAtATime } from "../redraw.js";

export default async function mount(main, ctx) {
  const member = ctx.me.member_code;
  const body = h("div", { testid: "shelters" });
  replace(main, heading(t("shelter.title")), body);
  async function refreshNow() {
    const query = { member, incident: chosenIncidentId() };
    const [shelters, needs] = await Promise.all([
      listAll("/shelters", query),
      get("/shelters/needs", { ...query, days: 3 }),
    ]);
    replace(body, list(ctx, shelters, refresh), needsTable(ctx, needs), member ? form(ctx, member, refresh) : null);
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return { entities: ["shelter"], refresh };
}

function list(ctx, shelters, refresh) {
  const rows = shelters.map((s) => {
    const count = h("input", {
      type: "number",
      min: 0,
      value: s.evacuees,
      testid: `shelter-evacuees-${s.id}`,
      "aria-label": t("shelter.evacuees"),
    });
    const save = async () => {
      await api("PATCH", `/shelters/${s.id}`, { body: { evacuees: Number(count.value) } });
      ctx.notify(t("shelter.saved", { n: fmtNumber(Number(count.value)) }));
      await refresh();
    };
    // a count nobody gave is "not known", not zero
    const known = (n) => (n === null ? h("span", { class: "hint" }, t("shelter.unknown")) : fmtNumber(n));
    return h(
      "tr",
      { testid: `shelter-${s.id}` },
      h("td", {}, userText(s.name)),
      h("td", {}, count, actionButton(t("common.save"), save, { testid: `shelter-save-${s.id}` })),
      h("td", { class: "num" }, known(s.infants)),
      h("td", { class: "num" }, known(s.elderly)),
    );
  });
  return table({
    caption: t("shelter.list"),
    testid: "shelter-list",
    head: [t("shelter.name"), t("shelter.evacuees"), t("shelter.infants"), t("shelter.elderly")],
    rows,
    empty: t("shelter.none"),
  });
}

function needsTable(ctx, needs) {
  return table({
    caption: t("shelter.needs", { days: 3 }),
    testid: "shelter-needs",
    head: [t("push.item"), t("push.quantity")],
    rows: needs.map((n) =>
      h("tr", { testid: `need-${n.item_code}` }, h("td", {}, itemLabel(ctx.store, n.item_code)), h("td", { class: "num" }, fmtNumber(n.quantity))),
    ),
    empty: t("shelter.no_needs"),
  });
}

function form(ctx, member, refresh) {
  const office = ctx.store.member(member)?.office ?? { lat: "", lon: "" };
  const inputs = {
    name: h("input", { testid: "shelter-name", required: true, maxlength: 200 }),
    lat: h("input", { testid: "shelter-lat", type: "number", step: "any", value: office.lat, required: true }),
    lon: h("input", { testid: "shelter-lon", type: "number", step: "any", value: office.lon, required: true }),
    evacuees: h("input", { testid: "shelter-new-evacuees", type: "number", min: 0, required: true }),
    infants: h("input", { testid: "shelter-infants", type: "number", min: 0 }),
    elderly: h("input", { testid: "shelter-elderly", type: "number", min: 0 }),
  };
  const error = h("p", { class: "error", role: "alert", testid: "shelter-error", hidden: true, tabindex: -1 });
  const button = h("button", { type: "submit", class: "primary", testid: "shelter-submit" }, t("shelter.add"));
  const submit = async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    clearFormProblem(error, inputs);
    const opt = (input) => (input.value === "" ? null : Number(input.value));
    const body = {
      member_code: member,
      incident_id: chosenIncidentId(),
      name: inputs.name.value,
      lat: Number(inputs.lat.value),
      lon: Number(inputs.lon.value),
      evacuees: Number(inputs.evacuees.value),
      infants: opt(inputs.infants),
      elderly: opt(inputs.elderly),
    };
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await api("POST", "/shelters", { body, key: newKey() });
      ctx.notify(t("shelter.added"));
      await refresh();
    } catch (err) {
      showFormProblem(error, inputs, err);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  };
  return h(
    "form",
    { class: "inline-form", testid: "shelter-form", onsubmit: submit },
    h("h2", {}, t("shelter.add")),
    Object.entries(inputs).map(([key, input]) => field(t(`shelter.${key === "evacuees" ? "evacuees" : key}`), input)),
    button,
    error,
  );
}
