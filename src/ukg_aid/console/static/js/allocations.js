// Allocation rows as a person reads them: depot, supplier, requester, delivery point, item,
// quantity and weight (names from the reference data in the current language).

import { fmtNumber, nameOf } from "./i18n.js";
import { depotName, itemLabel, memberName, unitName } from "./words.js";

export function describe(store, a) {
  const item = store.item(a.item_code);
  const unitKg = a.unit_weight_kg ?? item?.unit_weight_kg ?? 0;
  return {
    ...a,
    depot: depotName(store, a.depot_id, a.depot_name),
    supplier: memberName(store, a.supplier_code),
    requester: memberName(store, a.requester_code),
    deliveryName: a.delivery?.name ?? "",
    item: itemLabel(store, a.item_code),
    itemName: nameOf(item) || a.item_code,
    unit: unitName(a.unit ?? item?.unit ?? ""),
    weightKg: a.quantity * unitKg,
    qty: fmtNumber(a.quantity),
  };
}

/** Group rows by shipment (depot → delivery point, SPEC §11): one shipping slip each. Rows of a
 * plan not yet approved have no shipment: by depot and request then. */
export function byRoute(rows) {
  const groups = new Map();
  for (const row of rows) {
    const key = row.shipment_id ? `s${row.shipment_id}` : `${row.depot_id}|${row.request_id}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  return [...groups.values()];
}
