// EMS: the medevac board — pending missions by severity, assign (one or all), the fleet
// (ground or return an aircraft), coverage per member. Other roles see it read-only.

import { ApiError, api, get, listAll } from "../api.js";
import { field, h, replace, select, userText } from "../dom.js";
import { fmtDateTime, fmtNumber, jstInputValue, jstIso, nameOf, t, word } from "../i18n.js";
import { chosenIncidentId } from "../incident.js";
import { actionButton, askNote, badge, blockButton, heading, table } from "../ui.js";
import { memberName, missionReason } from "../words.js";
import { missionForm } from "./medevac_form.js";
import { holdsCard, hospitalsCard, stagingCard } from "./medevac_ops.js";
import { oneAtATime } from "../redraw.js";

const ACTIVE = ["assigned", "en_route", "on_scene", "transporting"];
const NEXT = {
  assigned: "en_route",
  en_route: "on_scene",
  on_scene: "transporting",
  transporting: "completed",
};

export default async function mount(main, ctx) {
  const pending = h("div", { testid: "pending-missions" });
  const active = h("div", { testid: "active-missions" });
  const fleet = h("div", { testid: "fleet" });
  const coverage = h("div", { testid: "coverage" });
  const at = h("input", {
    type: "datetime-local",
    value: jstInputValue(new Date()),
    testid: "coverage-at",
  });
  at.addEventListener("change", () => drawCoverage());
  const batch = ctx.caps.assign
    ? actionButton(
        t("medevac.assign_all"),
        async () => {
          const out = await api("POST", "/medevac-missions/assign", { body: {} });
          ctx.notify(
            t("medevac.batch_done", { assigned: out.assigned.length, refused: out.refused.length }),
          );
          await refresh();
        },
        { class: "primary", testid: "assign-all" },
      )
    : null;
  const hospitals = hospitalsCard(ctx);
  const holds = holdsCard(ctx);
  const staging = stagingCard(ctx, () => refresh());
  replace(
    main,
    heading(t("medevac.title"), batch),
    h(
      "div",
      { class: "board" },
      h(
        "section",
        { class: "card wide", "aria-labelledby": "pend-h" },
        h("h2", { id: "pend-h" }, t("medevac.pending")),
        pending,
      ),
      h(
        "section",
        { class: "card wide", "aria-labelledby": "act-h" },
        h("h2", { id: "act-h" }, t("medevac.active")),
        active,
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "fleet-h" },
        h("h2", { id: "fleet-h" }, t("medevac.fleet")),
        fleet,
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "cov-h" },
        h("h2", { id: "cov-h" }, t("medevac.coverage")),
        field(t("medevac.coverage_at"), at, t("requests.jst_hint")),
        coverage,
      ),
      holds.card,
      staging.card,
      hospitals.card,
    ),
    ctx.caps.assign ? missionForm(ctx, () => refresh()) : null,
  );
  let helis = [];
  async function drawBatchNow() {
    // the batch assigns every pending mission, of any incident: nothing waiting, nothing to do
    const waiting = (await get("/medevac-missions", { status: "pending", limit: 1 })).total;
    blockButton(
      batch,
      waiting === 0,
      waiting === 0 ? t("medevac.assign_all_nothing") : t("medevac.assign_all_hint", { n: fmtNumber(waiting) }),
    );
  }
  const drawBatch = oneAtATime(drawBatchNow);
  async function drawCoverageNow() {
    const report = await get("/helicopters/coverage", {
      at: jstIso(at.value),
      incident: chosenIncidentId(),
    });
    replace(coverage, coverageTable(ctx, report));
  }
  const drawCoverage = oneAtATime(drawCoverageNow);
  async function refreshNow() {
    // the incident picked in the header: its missions, its fleet (the union's + its visitors)
    const incident = { incident: chosenIncidentId() };
    const [missions, fleetRows] = await Promise.all([
      listAll("/medevac-missions", incident),
      listAll("/helicopters", incident),
    ]);
    helis = fleetRows;
    const waiting = missions
      .filter((m) => m.status === "pending")
      .sort((a, b) =>
        a.severity === b.severity
          ? a.reported_at.localeCompare(b.reported_at)
          : a.severity === "red"
            ? -1
            : 1,
      );
    replace(pending, missionTable(ctx, waiting, helis, refresh, "pending"));
    replace(
      active,
      missionTable(
        ctx,
        missions.filter((m) => ACTIVE.includes(m.status)),
        helis,
        refresh,
        "active",
      ),
    );
    replace(fleet, fleetTable(ctx, helis, refresh));
    await Promise.all([
      drawCoverage(),
      holds.draw(helis),
      staging.draw(helis),
      hospitals.draw(),
      batch ? drawBatch() : null,
    ]);
  }
  const refresh = oneAtATime(refreshNow);
  await refresh();
  return { entities: ["helicopter", "medevac_mission", "hospital", "weather_hold"], refresh };
}

function missionTable(ctx, missions, helis, refresh, kind) {
  return table({
    caption: kind === "pending" ? t("medevac.pending_caption") : t("medevac.active_caption"),
    head: [
      t("medevac.mission"),
      t("medevac.severity"),
      t("medevac.member"),
      t("medevac.scene"),
      t("medevac.patients"),
      t("medevac.reported"),
      t("medevac.state"),
      t("common.actions"),
    ],
    testid: `missions-${kind}`,
    empty: kind === "pending" ? t("medevac.none_pending") : t("medevac.none_active"),
    rows: missions.map((m) => {
      const outcome = h("div", { class: "outcome", testid: `mission-outcome-${m.id}` });
      const heli = helis.find((x) => x.id === m.helicopter_id);
      return h(
        "tr",
        { testid: `mission-${m.id}`, dataset: { status: m.status } },
        h("th", { scope: "row" }, t("medevac.ref", { id: m.id })),
        h("td", {}, badge("severity", m.severity)),
        h("td", {}, memberName(ctx.store, m.member_code)),
        h(
          "td",
          {},
          m.scene.name
            ? userText(m.scene.name)
            : t("medevac.scene_point", {
                lat: fmtNumber(m.scene.lat, 3),
                lon: fmtNumber(m.scene.lon, 3),
              }),
        ),
        h("td", { class: "num" }, fmtNumber(m.patients)),
        h("td", {}, fmtDateTime(m.reported_at)),
        h(
          "td",
          {},
          badge("mission", m.status),
          heli ? h("div", {}, heli.callsign) : null,
          m.reason
            ? h("div", { class: "why", testid: `mission-reason-${m.id}` }, missionReason(m.reason))
            : null,
          blockedList(m, helis),
          outcome,
        ),
        h("td", {}, missionActions(ctx, m, helis, outcome, refresh)),
      );
    }),
  });
}

function missionActions(ctx, m, helis, outcome, refresh) {
  if (!ctx.caps.assign) return null;
  if (m.status === "pending") {
    const choice = select(
      [
        ["", t("medevac.best_aircraft")],
        ...helis.filter((x) => x.status === "available").map((x) => [x.id, x.callsign]),
      ],
      { testid: `assign-heli-${m.id}`, "aria-label": t("medevac.aircraft") },
    );
    const go = actionButton(
      t("medevac.assign"),
      async () => {
        try {
          const body = choice.value ? { helicopter_id: Number(choice.value) } : {};
          const done = await api("POST", `/medevac-missions/${m.id}/assign`, { body });
          ctx.notify(
            t("medevac.assigned", {
              id: m.id,
              callsign: helis.find((x) => x.id === done.helicopter_id)?.callsign ?? "",
            }),
          );
          await refresh();
        } catch (err) {
          if (!(err instanceof ApiError) || err.problem.code !== "medevac-refused") throw err;
          replace(outcome, refusal(err.problem, helis));
        }
      },
      { class: "primary", testid: `assign-${m.id}` },
    );
    return h("div", { class: "inline-form" }, choice, go);
  }
  const next = NEXT[m.status];
  return [
    actionButton(
      t(`medevac.step.${next}`),
      async () => {
        await api("POST", `/medevac-missions/${m.id}/${next}`, { body: {} });
        await refresh();
      },
      { testid: `advance-${m.id}` },
    ),
    actionButton(
      t("medevac.cancel"),
      async () => {
        const note = await askNote({
          title: t("medevac.cancel_title", { id: m.id }),
          label: t("common.note"),
          confirm: t("medevac.cancel"),
          danger: true,
        });
        if (note === null) return;
        await api("POST", `/medevac-missions/${m.id}/cancel`, { body: note ? { note } : {} });
        await refresh();
      },
      { class: "danger", testid: `cancel-mission-${m.id}` },
    ),
  ];
}

/** Each aircraft's own reason from the mission's last refusal (kept on the mission). */
function blockedList(m, helis) {
  if (m.status !== "pending" || !m.blocked?.length) return null;
  return h(
    "details",
    { class: "blocked", testid: `mission-blocked-${m.id}` },
    h("summary", {}, t("medevac.blocked", { n: m.blocked.length })),
    h(
      "ul",
      {},
      m.blocked.map((b) =>
        h(
          "li",
          {},
          t("medevac.refused_aircraft", {
            callsign: helis.find((x) => x.id === b.helicopter_id)?.callsign ?? "",
            reason: missionReason(b.reason),
          }),
        ),
      ),
    ),
  );
}

/** Why no aircraft can fly it: the mission's reason and each aircraft's own, in words. */
function refusal(problem, helis) {
  return h(
    "div",
    { class: "refusal", role: "alert", testid: "refusal" },
    h("strong", {}, t("medevac.refused", { reason: missionReason(problem.reason) })),
    h(
      "ul",
      {},
      (problem.aircraft ?? []).map((a) =>
        h(
          "li",
          {},
          t("medevac.refused_aircraft", {
            callsign: helis.find((x) => x.id === a.helicopter_id)?.callsign ?? "",
            reason: missionReason(a.reason),
          }),
        ),
      ),
    ),
  );
}

function fleetTable(ctx, helis, refresh) {
  return table({
    caption: t("medevac.fleet_caption"),
    head: [
      t("medevac.callsign"),
      t("medevac.base"),
      t("medevac.operator"),
      t("medevac.state"),
      ctx.caps.fleet ? t("common.actions") : null,
    ].filter(Boolean),
    testid: "fleet-table",
    rows: helis.map((x) =>
      h(
        "tr",
        { testid: `heli-${x.id}`, dataset: { status: x.status } },
        h("th", { scope: "row" }, x.callsign),
        h("td", {}, nameOf(x.base)),
        h(
          "td",
          {},
          x.member_code === null
            ? t("visiting.label", { from: x.visiting_from })
            : memberName(ctx.store, x.member_code),
        ),
        h(
          "td",
          {},
          badge("heli", x.status),
          x.staging ? h("div", {}, t("staging.at", { name: x.staging.name })) : null,
          x.mission_id ? h("div", {}, t("medevac.ref", { id: x.mission_id })) : null,
        ),
        ctx.caps.fleet ? h("td", {}, fleetActions(ctx, x, refresh)) : null,
      ),
    ),
  });
}

function fleetActions(ctx, heli, refresh) {
  // a visitor that has left the fleet is not changed any more (409 helicopter-left)
  if (heli.status === "on_mission" || heli.left_at) return null;
  const targets = heli.status === "available" ? ["maintenance", "off_duty"] : ["available"];
  return targets.map((target) =>
    actionButton(
      t(`medevac.set.${target}`),
      async () => {
        const note = await askNote({
          title: t("medevac.set_title", {
            callsign: heli.callsign,
            status: t(`status.heli.${target}`),
          }),
          label: t("common.note"),
          confirm: t(`medevac.set.${target}`),
        });
        if (note === null) return;
        await api("PATCH", `/helicopters/${heli.id}`, {
          body: note ? { status: target, note } : { status: target },
        });
        ctx.notify(
          t("medevac.set_done", { callsign: heli.callsign, status: t(`status.heli.${target}`) }),
        );
        await refresh();
      },
      { testid: `heli-${heli.id}-${target}` },
    ),
  );
}

function coverageTable(ctx, report) {
  return table({
    caption: t("medevac.coverage_caption", {
      at: fmtDateTime(report.at),
      n: fmtNumber(report.covered_within_minutes),
    }),
    head: [t("medevac.member"), t("medevac.fastest"), t("medevac.minutes"), t("medevac.within")],
    testid: "coverage-table",
    rows: report.rows.map((r) =>
      h(
        "tr",
        {
          testid: `coverage-${r.member_code}`,
          dataset: { callsign: r.callsign ?? "", within: String(r.within_30) },
        },
        h("th", { scope: "row" }, memberName(ctx.store, r.member_code)),
        h(
          "td",
          {},
          r.callsign ?? (r.reason ? word("coverage.reason.", r.reason) : t("medevac.no_aircraft")),
        ),
        h(
          "td",
          { class: "num" },
          r.flight_minutes === null
            ? t("common.none")
            : t("unit.minutes", { n: fmtNumber(r.flight_minutes, 1) }),
        ),
        h(
          "td",
          {},
          h(
            "span",
            { class: `badge ${r.within_30 ? "ok" : "warn"}` },
            r.within_30 ? t("medevac.within_yes") : t("medevac.within_no"),
          ),
        ),
      ),
    ),
  });
}
