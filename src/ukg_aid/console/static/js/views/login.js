// Log in with a token: kept in sessionStorage for this tab only, never in a URL or cookie.

import { token } from "../api.js";
import { field, h, replace } from "../dom.js";
import { t } from "../i18n.js";

export function showLogin(main, onLoggedIn, message) {
  const input = h("input", {
    type: "password",
    name: "token",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    testid: "login-token",
  });
  const form = h(
    "form",
    { class: "card login", testid: "login-form" },
    h("h1", {}, t("login.title")),
    h("p", {}, t("login.intro")),
    message ? h("p", { class: "error", role: "alert", testid: "login-error" }, message) : null,
    field(t("login.token"), input, t("login.token_hint")),
    h("button", { type: "submit", class: "primary", testid: "login-submit" }, t("login.submit")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    token.set(input.value);
    input.value = "";
    await onLoggedIn();
  });
  replace(main, form);
  input.focus();
}
