// Every screen, which roles see it, and its tab label. Print views have no tab.

import hospitals from "./hospitals.js";
import coordinatorMap from "./map_view.js";
import medevac from "./medevac.js";
import plans from "./plans.js";
import { printPlan, printReport, printSlips } from "./print.js";
import report from "./report.js";
import requests from "./requests.js";
import shipments from "./shipments.js";
import stock from "./stock.js";
import auditView from "./audit_view.js";
import activation from "./activation.js";
import shelters from "./shelters.js";

const READERS = ["desk", "coordinator", "ems", "observer", "admin"];
const UNION = ["coordinator", "observer", "admin", "ems"];

export const VIEWS = [
  { id: "stock", nav: "nav.stock", roles: ["desk"], mount: stock },
  { id: "requests", nav: "nav.requests", roles: ["desk"], mount: requests },
  { id: "shipments", nav: "nav.shipments", roles: ["desk"], mount: shipments },
  { id: "hospitals", nav: "nav.hospitals", roles: ["desk"], mount: hospitals },
  { id: "map", nav: "nav.map", roles: UNION, mount: coordinatorMap },
  { id: "activation", nav: "nav.activation", roles: ["coordinator", "admin"], mount: activation },
  { id: "shelters", nav: "nav.shelters", roles: ["desk", "coordinator", "admin"], mount: shelters },
  { id: "plans", nav: "nav.plans", roles: ["coordinator", "observer", "admin"], mount: plans },
  { id: "medevac", nav: "nav.medevac", roles: UNION, mount: medevac },
  { id: "audit", nav: "nav.audit", roles: ["coordinator", "observer", "admin"], mount: auditView },
  { id: "report", nav: "nav.report", roles: READERS, mount: report },
  { id: "print-plan", title: "print.plan_title", roles: READERS, mount: printPlan, print: true },
  { id: "print-slips", title: "print.slips_title", roles: READERS, mount: printSlips, print: true },
  { id: "print-report", title: "report.title", roles: READERS, mount: printReport, print: true },
];

const DEFAULTS = { desk: "stock", ems: "medevac" };

export function defaultRoute(role) {
  return DEFAULTS[role] ?? "map";
}
