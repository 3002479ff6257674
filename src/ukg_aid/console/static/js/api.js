// The REST client of the console: bearer token from sessionStorage (never a URL or cookie),
// problem+json errors as ApiError, paging through lists.

import { has, t, word } from "./i18n.js";

const TOKEN_KEY = "ukg-aid.token";

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value.trim()),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

const listeners = new Set();
/** Called with every 401, so the console can send the user back to the log-in screen. */
export function onUnauthorized(fn) {
  listeners.add(fn);
}

/** A random Idempotency-Key; crypto.randomUUID needs a secure context, getRandomValues not. */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function authHeaders() {
  const secret = token.get();
  return secret ? { Authorization: `Bearer ${secret}` } : {};
}

function url(path, query) {
  const u = new URL(`/api/v1${path}`, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== null && v !== undefined && v !== "") u.searchParams.set(k, v);
  }
  return u;
}

/** One API call. `key` sends an Idempotency-Key; `raw` returns the Response itself. */
export async function api(method, path, { body, query, key, raw, signal } = {}) {
  const headers = { Accept: "application/json", ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["Idempotency-Key"] = key;
  let resp;
  try {
    resp = await fetch(url(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: "no-store",
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, { code: "network" });
  }
  if (!resp.ok) {
    let problem = {};
    try {
      problem = await resp.json();
    } catch {
      problem = {};
    }
    if (resp.status === 401) for (const fn of listeners) fn(problem);
    throw new ApiError(resp.status, problem);
  }
  if (raw) return resp;
  return resp.status === 204 ? null : resp.json();
}

/** A GET gives up after this long (a network error): a screen redraws one call at a time
 * (js/redraw.js), so a request that never answers must not hold every later redraw back. */
export const GET_TIMEOUT_MS = 30_000;

export const get = (path, query) =>
  api("GET", path, { query, signal: AbortSignal.timeout(GET_TIMEOUT_MS) });

/** Every row of a list route, page by page; accepts a bare array or a page object. */
export async function listAll(path, query = {}) {
  const rows = [];
  for (let offset = 0; ;) {
    const page = await get(path, { ...query, limit: 1000, offset });
    if (Array.isArray(page)) return page;
    rows.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return rows;
  }
}

/** What went wrong, in the user's language where the problem's code is known. */
export function problemText(err) {
  if (!(err instanceof ApiError)) return t("problem.unexpected");
  const p = err.problem;
  if (err.status === 0) return t("problem.network");
  if (p.code && has(`problem.code.${p.code}`)) return t(`problem.code.${p.code}`, p);
  // Field errors say what is wrong, line by line, in words: the headline only needs the kind.
  if (p.errors?.length && has(`problem.status.${err.status}`)) {
    return t(`problem.status.${err.status}`);
  }
  if (p.detail) return p.detail;
  return word("problem.status.", err.status, t("problem.unexpected"));
}

/** The field errors of a 422 as lines a person can read (CSV rows name their line). */
export function fieldErrors(err) {
  const errors = err instanceof ApiError ? (err.problem.errors ?? []) : [];
  return errors.map((e) => {
    const msg = fieldMessage(e);
    if (e.line !== undefined) {
      const column = e.column ? word("field.", e.column) : t("common.none");
      return t("csv.error_line", { line: e.line, column, msg });
    }
    const loc = (e.loc ?? []).filter((part) => part !== "body");
    const last = loc.length ? loc[loc.length - 1] : "";
    return t("validation.at", { field: word("field.", last, loc.join(".")), msg });
  });
}

/** One field error's message in the user's language (the server's words when its type is not in
 * the catalog). */
export function fieldMessage(e) {
  return has(`validation.${e.type}`) ? t(`validation.${e.type}`) : e.msg;
}

/** Where a 422 field error points, by the body's field name (the last part of its loc). */
export function fieldOf(e) {
  const loc = (e.loc ?? []).filter((part) => part !== "body" && typeof part === "string");
  return loc.length ? loc[loc.length - 1] : null;
}
