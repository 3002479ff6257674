// EMS: file a medevac mission (never assigns; the board assigns).

import { api, listAll, newKey } from "../api.js";
import { field, h, replace, select } from "../dom.js";
import { nameOf, t } from "../i18n.js";
import { inChosenIncident } from "../incident.js";
import { pointPicker } from "../picker.js";

export function missionForm(ctx, onFiled) {
  const member = select(
    ctx.store.members.map((m) => [m.code, nameOf(m)]),
    { testid: "mission-member" },
  );
  const scene = h("input", { type: "text", maxlength: 200, testid: "mission-scene" });
  const lat = h("input", { type: "number", step: "any", required: true, testid: "mission-lat" });
  const lon = h("input", { type: "number", step: "any", required: true, testid: "mission-lon" });
  const severity = select(
    [
      ["red", t("severity.red")],
      ["yellow", t("severity.yellow")],
    ],
    { testid: "mission-severity" },
  );
  const patients = select(
    [
      ["1", "1"],
      ["2", "2"],
    ],
    { testid: "mission-patients" },
  );
  const hospital = select([["", t("medevac.hospital_default")]], { testid: "mission-hospital" });
  listAll("/hospitals").then((rows) =>
    replace(
      hospital,
      h("option", { value: "" }, t("medevac.hospital_default")),
      ...rows
        .filter((x) => x.status === "operational")
        .map((x) => h("option", { value: x.id }, nameOf(x))),
    ),
  );
  const fill = () => {
    const office = ctx.store.member(member.value)?.office;
    if (office) [lat.value, lon.value] = [office.lat, office.lon];
    lat.dispatchEvent(new Event("input"));
  };
  member.addEventListener("change", fill);
  fill();
  const submit = h(
    "button",
    { type: "submit", class: "primary", testid: "mission-submit" },
    t("medevac.file"),
  );
  const form = h(
    "form",
    { class: "card", testid: "mission-form", "aria-labelledby": "mission-form-h" },
    h("h2", { id: "mission-form-h" }, t("medevac.new")),
    h(
      "div",
      { class: "grid" },
      field(t("medevac.member"), member),
      field(t("medevac.scene"), scene),
      field(t("requests.lat"), lat),
      field(t("requests.lon"), lon),
      field(t("medevac.severity"), severity),
      field(t("medevac.patients"), patients),
      field(t("medevac.hospital"), hospital),
    ),
    pointPicker(lat, lon, "mission-picker"),
    submit,
  );
  let key = newKey();
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = inChosenIncident({
      member_code: member.value,
      severity: severity.value,
      patients: Number(patients.value),
      scene: { lat: Number(lat.value), lon: Number(lon.value) },
    });
    if (scene.value.trim()) body.scene.name = scene.value.trim();
    if (hospital.value) body.hospital_id = Number(hospital.value);
    submit.disabled = true;
    try {
      const filed = await api("POST", "/medevac-missions", { body, key });
      ctx.notify(t("medevac.filed", { id: filed.id }));
      key = newKey();
      scene.value = "";
      onFiled();
    } catch (err) {
      ctx.notifyError(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
