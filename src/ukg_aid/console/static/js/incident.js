// Which incident the screens show (SPEC §10): the one picked in the header, kept in this tab's
// sessionStorage; by default the newest active one.

const KEY = "ukg-aid.incident";

export function chosenIncidentId() {
  const value = sessionStorage.getItem(KEY);
  return value ? Number(value) : null;
}

export function chooseIncident(id) {
  if (id) sessionStorage.setItem(KEY, String(id));
  else sessionStorage.removeItem(KEY);
}

/** The chosen incident if it is in the list, else the newest active one (lists come newest
 * first), else null. */
export function currentIncident(incidents) {
  const chosen = chosenIncidentId();
  return (
    incidents.find((i) => i.id === chosen) ??
    incidents.find((i) => i.status === "active") ??
    null
  );
}
