// Short messages at the top of the page: successes fade, errors stay until dismissed.

import { fieldErrors, problemText } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

const area = () => document.querySelector("[data-testid=notices]");

export function notify(text) {
  const note = h("div", { class: "notice ok", role: "status", testid: "notice" }, text);
  area().append(note);
  setTimeout(() => note.remove(), 6000);
}

/** A problem as a block: the message in the user's language and every field error. */
export function errorBlock(err, testid = "error") {
  const lines = fieldErrors(err);
  return h(
    "div",
    { class: "notice error", role: "alert", testid },
    h("p", {}, problemText(err)),
    lines.length
      ? h(
          "ul",
          { testid: `${testid}-lines` },
          lines.map((l) => h("li", {}, l)),
        )
      : null,
  );
}

export function notifyError(err) {
  const note = errorBlock(err);
  const close = h("button", { type: "button", class: "close" }, t("common.dismiss"));
  close.addEventListener("click", () => note.remove());
  note.append(close);
  area().append(note);
  return note;
}
