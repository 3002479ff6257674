// The console's shell: log-in, the role's tabs, hash routes, the live stream, the language toggle.

import { ApiError, get, listAll, onUnauthorized, problemText, token } from "./api.js";
import { capabilities } from "./can.js";
import { forgetEdits, h, keepingEdits, replace, select, trackEdits } from "./dom.js";
import { chooseIncident, currentIncident } from "./incident.js";
import { applyStatic, langFromUrl, lang, loadCatalog, nameOf, otherLang, t } from "./i18n.js";
import { Live } from "./live.js";
import { closeAudit, openAudit } from "./views/audit.js";
import { showLogin } from "./views/login.js";
import { notify, notifyError } from "./notices.js";
import { loadStore } from "./store.js";
import { VIEWS, defaultRoute } from "./views/index.js";

const main = document.getElementById("main");
trackEdits(main);
const nav = document.querySelector("[data-testid=nav]");
const state = {
  moveFocus: false,
  me: null,
  caps: null,
  store: null,
  live: null,
  handle: null,
  route: null,
};
let refreshTimer = null;
let pending = new Set();

async function boot() {
  await loadCatalog(langFromUrl());
  applyStatic();
  bindChrome();
  onUnauthorized(() => {
    if (state.me) logout(t("login.expired"));
  });
  checkClock();
  if (token.get()) await enter();
  else showLogin(main, enterFromForm);
}

function bindChrome() {
  renderLangToggle();
  document.querySelector("[data-testid=lang-toggle]").addEventListener("click", switchLang);
  document.querySelector("[data-testid=logout]").addEventListener("click", () => logout());
  document.querySelector("[data-testid=skip-link]").addEventListener("click", (ev) => {
    ev.preventDefault();
    main.focus();
  });
  window.addEventListener("hashchange", () => {
    if (!state.me) return;
    state.moveFocus = true;
    route();
  });
}

function renderLangToggle() {
  const button = document.querySelector("[data-testid=lang-toggle]");
  button.textContent = t("lang.switch_to");
  button.lang = otherLang();
  button.setAttribute("aria-label", t("lang.switch_label"));
}

async function switchLang() {
  const next = otherLang();
  await loadCatalog(next);
  const url = new URL(location.href);
  url.searchParams.set("lang", next);
  history.replaceState(null, "", url);
  document.title = t("app.title");
  applyStatic();
  renderLangToggle();
  if (state.me) {
    renderWho();
    // the bar's label carries data-i18n, so applyStatic above has already switched it; the
    // options are redrawn when the list arrives (not awaited: the view must not wait for it)
    renderIncidents().catch((err) => notifyError(err));
    renderNav();
    renderLive(state.live?.state ?? "connecting");
    await route();
  } else showLogin(main, enterFromForm);
}

async function checkClock() {
  try {
    const health = await (await fetch("/healthz", { cache: "no-store" })).json();
    document.querySelector("[data-testid=training-banner]").hidden = health.clock !== "simulated";
  } catch {
    // the live state shows a broken connection; the banner only reflects a known mode
  }
}

/** After the log-in form (not on a fresh page load, where Tab should reach the skip link first). */
async function enterFromForm() {
  state.moveFocus = true;
  await enter();
}

async function enter() {
  try {
    state.me = await get("/me");
  } catch (err) {
    token.clear();
    showLogin(
      main,
      enterFromForm,
      err instanceof ApiError ? problemText(err) : t("problem.network"),
    );
    return;
  }
  state.caps = capabilities(state.me);
  state.store = await loadStore();
  renderWho();
  await renderIncidents();
  renderNav();
  document.querySelector("[data-testid=logout]").hidden = false;
  startLive();
  await route();
}

function logout(message) {
  state.live?.stop();
  state.handle?.destroy?.();
  Object.assign(state, { me: null, caps: null, store: null, live: null, handle: null });
  token.clear();
  nav.hidden = true;
  document.querySelector("[data-testid=whoami]").hidden = true;
  document.querySelector("[data-testid=live-status]").hidden = true;
  document.querySelector("[data-testid=connection-lost]").hidden = true;
  document.querySelector("[data-testid=logout]").hidden = true;
  document.querySelector("[data-testid=incident-bar]").hidden = true;
  closeAudit();
  history.replaceState(null, "", location.pathname + location.search);
  showLogin(main, enterFromForm, message);
}

async function renderIncidents() {
  const bar = document.querySelector("[data-testid=incident-bar]");
  const incidents = await listAll("/incidents");
  const current = currentIncident(incidents);
  if (current) chooseIncident(current.id);
  const options = incidents.map((i) => [
    i.id,
    `${i.name} (${t(`incident.kind.${i.kind}`)}${i.status === "closed" ? `, ${t("incident.status.closed")}` : ""})`,
  ]);
  const picker = select(options, {
    testid: "incident-switcher",
    // incident names are typed by people (and shown as written): not labels
    dataset: { userText: "" },
    value: current?.id ?? "",
    "aria-label": t("incident.switcher"),
    onchange: (ev) => {
      chooseIncident(Number(ev.target.value));
      route();
    },
  });
  replace(
    bar,
    h("span", { class: "label", dataset: { i18n: "incident.switcher" } }, t("incident.switcher")),
    picker,
  );
  bar.hidden = !incidents.length;
}

function renderWho() {
  const who = document.querySelector("[data-testid=whoami]");
  const member = state.me.member_code ? state.store.member(state.me.member_code) : null;
  replace(
    who,
    h("span", { class: "role", testid: "whoami-role" }, t(`role.${state.me.role}`)),
    member ? h("span", { class: "member", testid: "whoami-member" }, nameOf(member)) : null,
    h("span", { class: "token-name" }, state.me.name),
  );
  who.hidden = false;
}

function renderNav() {
  const tabs = VIEWS.filter((v) => v.nav && v.roles.includes(state.me.role));
  replace(
    nav,
    h(
      "ul",
      {},
      tabs.map((v) =>
        h(
          "li",
          {},
          h("a", { href: `#/${v.id}`, testid: `nav-${v.id}`, dataset: { view: v.id } }, t(v.nav)),
        ),
      ),
    ),
  );
  nav.hidden = false;
}

function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  return { id: parts[0], args: parts.slice(1), query: new URLSearchParams(query ?? "") };
}

async function route() {
  const { id, args, query } = parseHash();
  const view = VIEWS.find((v) => v.id === id && v.roles.includes(state.me.role));
  if (!view) {
    location.replace(`#/${defaultRoute(state.me.role)}`);
    return;
  }
  const from = document.activeElement;
  delete main.dataset.ready;
  state.handle?.destroy?.();
  state.handle = null;
  forgetEdits();
  document.body.classList.toggle("printing", Boolean(view.print));
  for (const a of nav.querySelectorAll("a")) {
    if (a.dataset.view === view.id) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = t("app.page_title", { view: t(view.title ?? view.nav), app: t("app.title") });
  replace(main, h("p", { class: "loading", testid: "loading" }, t("common.loading")));
  try {
    state.handle = await view.mount(main, context(), args, query);
    // A screen the user went to: the keyboard (and a screen reader) continues from its start,
    // unless the user has moved on while it loaded.
    const still = document.activeElement === from || document.activeElement === document.body;
    if (state.moveFocus && still) main.focus({ preventScroll: true });
    state.moveFocus = false;
  } catch (err) {
    // Shown in words; the screen is built again when the connection comes back.
    state.handle = { failed: true };
    replace(
      main,
      h("p", { class: "error", role: "alert", testid: "view-error" }, problemText(err)),
    );
  }
  // Which screen is on show, in which language (what a browser test waits for).
  main.dataset.ready = `${view.id}:${lang()}`;
}

function context() {
  return {
    me: state.me,
    caps: state.caps,
    store: state.store,
    notify,
    notifyError,
    openAudit: (entity, id) => openAudit(entity, id, context()),
    go: (hash) => {
      location.hash = hash;
    },
  };
}

function startLive() {
  state.live = new Live({
    onEvent: onEvent,
    onState: (now, was) => {
      renderLive(now);
      // Back after a break: whatever happened meanwhile, show it.
      if (now === "open" && was === "lost") scheduleRefresh(null);
    },
    onClosed: () => logout(t("login.expired")),
  });
  renderLive("connecting");
  state.live.start();
}

function renderLive(now) {
  const badge = document.querySelector("[data-testid=live-status]");
  badge.textContent = t(`live.${now}`);
  badge.dataset.state = now;
  badge.hidden = false;
  document.querySelector("[data-testid=connection-lost]").hidden = now !== "lost";
}

function onEvent(event) {
  if (event.entity === "depot" || event.entity === "item") state.store.invalidate(event.entity);
  scheduleRefresh(event.entity);
}

function scheduleRefresh(entity) {
  pending.add(entity);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    const entities = pending;
    pending = new Set();
    const handle = state.handle;
    if (handle?.failed) return route();
    if (!handle?.refresh) return;
    const wanted = handle.entities;
    if (entities.has(null) || !wanted || wanted.some((e) => entities.has(e))) {
      await state.store.reload();
      await keepingEdits(main, () => handle.refresh(entities));
    }
  }, 250);
}

boot().catch((err) => notifyError(err));
