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

/** A body that files into the chosen incident (SPEC §10): with a drill open beside a real
 * activation the server cannot guess which one is meant. No incident chosen: the body as it is
 * (the server takes the only active one). */
export function inChosenIncident(body) {
  const id = chosenIncidentId();
  return id ? { ...body, incident_id: id } : body;
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
