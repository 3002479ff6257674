// The coordinator's activation screen (SPEC §10): incidents, the counterpart grid (member ×
// recipient), guest registration, push-type support (preview, file, close the remainder).

import { api, get, listAll, newKey } from "../api.js";
import { editsSaved, field, h, replace, select, userText } from "../dom.js";
import { fmtNumber, nameOf, t } from "../i18n.js";
import { actionButton, askNote, heading, showFormProblem, clearFormProblem, table } from "../ui.js";
import { itemLabel } from "../words.js";
import { currentIncident } from "../incident.js";
import { oneAtATime } from "../redraw.js";

export default async function mount(main, ctx) {
  const body = h("div", { testid: "activation" });
  replace(main, heading(t("activation.title")), body);
  async function refreshNow() {
    const incidents = await listAll("/incidents");
    const current = currentIncident(incidents);
    replace(
      body,
      incidentSection(ctx, incidents, current, refresh),
      current ? await counterpartSection(ctx, current) : null,
      guestSection(ctx, refresh),
      current ? pushSection(ctx, current) : null,
    );
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return { entities: ["incident", "member"], refresh };
}

function incidentSection(ctx, incidents, current, refresh) {
  const name = h("input", { testid: "incident-name", required: true, maxlength: 200 });
  const kind = select(
    ["real", "drill"].map((k) => [k, t(`incident.kind.${k}`)]),
    { testid: "incident-kind" },
  );
  const error = h("p", { class: "error", role: "alert", testid: "incident-error", hidden: true, tabindex: -1 });
  const submit = h("button", { type: "submit", testid: "incident-open" }, t("incident.open"));
  const open = async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    try {
      await api("POST", "/incidents", { body: { name: name.value, kind: kind.value }, key: newKey() });
      clearFormProblem(error, { name, kind });
      ctx.notify(t("incident.opened"));
      await refresh();
    } catch (err) {
      showFormProblem(error, { name, kind }, err);
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
    }
  };
  // Closing an incident ends its requests' intake: asked once more, with an optional note.
  const close = current
    ? actionButton(
        t("incident.close"),
        async () => {
          const note = await askNote({
            title: [t("incident.close_title"), " ", userText(current.name)],
            label: t("common.note"),
            confirm: t("incident.close"),
            danger: true,
          });
          if (note === null) return;
          const body = note ? { status: "closed", note } : { status: "closed" };
          await api("PATCH", `/incidents/${current.id}`, { body });
          ctx.notify(t("incident.closed"));
          await refresh();
        },
        { class: "danger", testid: "incident-close" },
      )
    : null;
  const rows = incidents.map((i) =>
    h(
      "tr",
      { testid: `incident-${i.id}` },
      h("td", {}, userText(i.name)),
      h("td", {}, t(`incident.kind.${i.kind}`)),
      h("td", {}, t(`incident.status.${i.status}`)),
    ),
  );
  return h(
    "section",
    { testid: "incidents" },
    h("h2", {}, t("incident.heading")),
    table({ head: [t("incident.name"), t("incident.kind"), t("incident.status")], rows }),
    close,
    h(
      "form",
      { class: "inline-form", testid: "incident-form", onsubmit: open },
      field(t("incident.name"), name),
      field(t("incident.kind"), kind),
      submit,
    ),
    error,
  );
}

async function counterpartSection(ctx, incident) {
  const pairs = await get(`/incidents/${incident.id}/counterparts`);
  const have = new Set(pairs.map((p) => `${p.supporter_code}>${p.recipient_code}`));
  const members = await listAll("/members");
  const supporters = members.filter((m) => m.union_member);
  const recipients = [...members.filter((m) => !m.union_member), ...supporters];
  const boxes = [];
  const rows = supporters.map((s) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, nameOf(s)),
      recipients.map((r) => {
        const box = h("input", {
          type: "checkbox",
          testid: `cp-${s.code}-${r.code}`,
          checked: have.has(`${s.code}>${r.code}`),
          disabled: s.code === r.code,
          "aria-label": t("counterparts.pair", { supporter: nameOf(s), recipient: nameOf(r) }),
          dataset: { supporter: s.code, recipient: r.code },
        });
        boxes.push(box);
        return h("td", {}, box);
      }),
    ),
  );
  const save = async () => {
    const body = boxes
      .filter((b) => b.checked)
      .map((b) => ({ supporter_code: b.dataset.supporter, recipient_code: b.dataset.recipient }));
    await api("PUT", `/incidents/${incident.id}/counterparts`, { body });
    editsSaved(section);
    ctx.notify(t("counterparts.saved", { count: body.length }));
  };
  const section = h(
    "section",
    { testid: "counterparts" },
    h("h2", {}, t("counterparts.heading")),
    h("p", { class: "hint" }, t("counterparts.hint")),
    h(
      "div",
      { class: "grid-scroll" },
      h(
        "table",
        { class: "counterpart-grid", testid: "counterpart-grid" },
        h("thead", {}, h("tr", {}, h("th", {}, t("counterparts.supporter")), recipients.map((r) => h("th", { scope: "col" }, nameOf(r))))),
        h("tbody", {}, rows),
      ),
    ),
    actionButton(t("common.save"), save, { class: "primary", testid: "counterparts-save" }),
  );
  return section;
}

function guestSection(ctx, refresh) {
  const inputs = {
    code: h("input", { testid: "guest-code", required: true, pattern: "[0-9]{2}([0-9]{3})?" }),
    name_ja: h("input", { testid: "guest-name-ja", required: true }),
    name_en: h("input", { testid: "guest-name-en", required: true }),
    lat: h("input", { testid: "guest-lat", type: "number", step: "any", required: true }),
    lon: h("input", { testid: "guest-lon", type: "number", step: "any", required: true }),
    population: h("input", { testid: "guest-population", type: "number", min: 1, required: true }),
  };
  const error = h("p", { class: "error", testid: "guest-error", role: "alert", hidden: true, tabindex: -1 });
  const button = h("button", { type: "submit", testid: "guest-submit" }, t("guest.register"));
  const submit = async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    clearFormProblem(error, inputs);
    const body = {
      code: inputs.code.value.trim(),
      name_ja: inputs.name_ja.value,
      name_en: inputs.name_en.value,
      kind: "guest",
      office: { lat: Number(inputs.lat.value), lon: Number(inputs.lon.value) },
      population: Number(inputs.population.value),
    };
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await api("POST", "/members", { body, key: newKey() });
      await ctx.store.reloadMembers();
      ctx.notify(t("guest.registered"));
      await refresh();
    } catch (err) {
      showFormProblem(error, inputs, err);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  };
  return h(
    "section",
    { testid: "guests" },
    h("h2", {}, t("guest.heading")),
    h(
      "form",
      { class: "inline-form", testid: "guest-form", onsubmit: submit },
      Object.entries(inputs).map(([key, input]) => field(t(`guest.${key}`), input)),
      button,
    ),
    error,
  );
}

function pushSection(ctx, incident) {
  const member = select(
    ctx.store.members.map((m) => [m.code, nameOf(m)]),
    { testid: "push-member" },
  );
  const days = h("input", { type: "number", min: 1, max: 30, value: 3, testid: "push-days" });
  const out = h("div", { testid: "push-result" });
  const body = () => ({ member_code: member.value, days: Number(days.value), incident_id: incident.id });
  // filing requires a key: one per push being written, kept until it is filed, so a retry after
  // a lost answer replays the push instead of filing every shelter's needs again
  let pushKey = newKey();
  const run = (path, done) => async () => {
    // closing takes no days: only the member and the incident
    const sent = path.endsWith("/close")
      ? { member_code: member.value, incident_id: incident.id }
      : body();
    replace(out, h("p", { class: "loading", testid: "push-working" }, t("common.loading")));
    try {
      const filing = path === "/aid-requests/push";
      done(await api("POST", path, { body: sent, key: filing ? pushKey : newKey() }));
      if (filing) pushKey = newKey();
    } catch (err) {
      const box = h("p", { class: "error", role: "alert", testid: "push-error", hidden: true });
      replace(out, box);
      showFormProblem(box, { member_code: member, days }, err);
    }
  };
  const showPreview = (preview) =>
    replace(
      out,
      preview.requests.length
        ? preview.requests.map((r) =>
            table({
              caption: userText(r.delivery.name),
              testid: "push-preview",
              head: [t("push.item"), t("push.quantity")],
              rows: r.lines.map((ln) =>
                h("tr", {}, h("td", {}, itemLabel(ctx.store, ln.item_code)), h("td", { class: "num" }, fmtNumber(ln.quantity))),
              ),
            }),
          )
        : h("p", { class: "empty", testid: "push-nothing" }, t("push.nothing")),
    );
  const filed = (res) =>
    replace(out, h("p", { testid: "push-filed" }, t("push.filed", { count: res.requests.length })));
  const closed = (res) =>
    replace(out, h("p", { testid: "push-closed" }, t("push.closed", { units: fmtNumber(res.closed_units) })));
  return h(
    "section",
    { testid: "push" },
    h("h2", {}, t("push.heading")),
    h("p", { class: "hint" }, t("push.hint")),
    h(
      "div",
      { class: "inline-form" },
      field(t("push.member"), member),
      field(t("push.days"), days),
      actionButton(t("push.preview"), run("/aid-requests/push/preview", showPreview), { testid: "push-preview-button" }),
      actionButton(t("push.file"), run("/aid-requests/push", filed), { class: "primary", testid: "push-file" }),
      actionButton(t("push.close"), run("/aid-requests/push/close", closed), { class: "danger", testid: "push-close" }),
    ),
    out,
  );
}
