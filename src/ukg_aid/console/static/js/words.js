// Codes and server sentences turned into words of the current language.

import { fmtNumber, has, nameOf, t, word } from "./i18n.js";

const ALLOCATION_REASONS = [
  [/^counterpart of (\S+): (\d+) km$/, "reason.counterpart", ["member", "km"]],
  [/^shared out under shortage: (\d+) km$/, "reason.shortage", ["km"]],
  [/^nearest operational depot with available stock: (\d+) km$/, "reason.nearest", ["km"]],
  [/^nearer depots committed to other lines: (\d+) km$/, "reason.nearer_committed", ["km"]],
];

const REASON_NOTES = [
  [/^truck wait (\d+) min in the ETA$/, "reason.truck_wait", ["n"]],
  [/^late: ETA (\d+) min, needed within (-?\d+) min$/, "reason.late", ["eta", "due"]],
];

/** Why the solver chose this depot (the server's sentence, in the user's language): the choice,
 * the crossings on the way, then its notes (a truck wait inside the ETA, lateness). */
export function allocationReason(reason, store) {
  const [head, ...notes] = (reason ?? "").split("; ");
  const via = / via (.+)$/.exec(head);
  const choice = via ? head.slice(0, via.index) : head;
  const parts = [translated(ALLOCATION_REASONS, choice, store)];
  if (via) parts[0] += t("reason.via", { bridges: via[1].split(" and ").join(t("reason.bridges_join")) });
  for (const note of notes) parts.push(translated(REASON_NOTES, note, store));
  return parts.join(t("reason.separator"));
}

function translated(patterns, text, store) {
  for (const [pattern, key, names] of patterns) {
    const found = pattern.exec(text);
    if (!found) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, found[i + 1]]));
    if (params.member) params.member = nameOf(store.member(params.member)) || params.member;
    return t(key, params);
  }
  return text;
}

/** An allocation's ETA, with the part of it spent waiting for the supplier's trucks (issue 13). */
export function etaText(a) {
  const wait = Math.round(a.truck_wait_minutes ?? 0);
  const n = fmtNumber(a.eta_minutes);
  if (wait <= 0) return t("alloc.eta_minutes", { n });
  return t("alloc.eta_with_wait", { n, wait: fmtNumber(wait) });
}

const MISSION_REASONS = [
  [/^fastest capable aircraft: (\S+) ([\d.]+) min to scene$/, "medevac.why.fastest"],
  [/^own aircraft first: (\S+) ([\d.]+) min to scene$/, "medevac.why.own_first"],
  [/^batch \((\w+)\): (\S+) ([\d.]+) min to scene$/, "medevac.why.batch"],
];

/** Why an aircraft was chosen, or (a refusal code) why none could fly. */
export function missionReason(reason) {
  if (!reason) return "";
  if (has(`refusal.${reason}`)) return t(`refusal.${reason}`);
  for (const [pattern, key] of MISSION_REASONS) {
    const m = pattern.exec(reason);
    if (!m) continue;
    const [callsign, minutes] = m.length === 4 ? [m[2], m[3]] : [m[1], m[2]];
    const severity = m.length === 4 ? word("severity.", m[1]) : "";
    return t(key, { callsign, minutes: fmtNumber(Number(minutes), 1), severity });
  }
  return reason;
}

export const status = (kind, code) => word(`status.${kind}.`, code);
export const cause = (code) => word("cause.", code);
export const priority = (code) => word("priority.", code);

/** An item's name with its unit, e.g. "飲料水（L）". */
export function itemLabel(store, code) {
  const item = store.item(code);
  return item ? t("item.with_unit", { name: nameOf(item), unit: unitName(item.unit) }) : code;
}

/** A unit of the catalog (L, piece, kit…) in the current language. */
export const unitName = (unit) => word("unitname.", unit);

export function memberName(store, code) {
  return nameOf(store.member(code)) || code;
}

export function depotName(store, id, fallback) {
  const depot = store.depot(id);
  return depot ? nameOf(depot) : (fallback ?? String(id));
}
