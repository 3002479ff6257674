// Small pieces every screen uses: badges, fill bars, busy buttons, a note dialog, tables.

import { ApiError, fieldMessage, fieldOf, problemText } from "./api.js";
import { field, h, replace } from "./dom.js";
import { fmtNumber, t, word } from "./i18n.js";
import { notifyError } from "./notices.js";
import { status } from "./words.js";

export function badge(kind, code) {
  return h(
    "span",
    { class: `badge ${kind}-${code}`, dataset: { status: code } },
    status(kind, code),
  );
}

/** A bar of how much of `quantity` is delivered / dispatched / allocated, with the numbers. */
export function fillBar({ quantity, allocated, dispatched, delivered }, testid) {
  const pct = (n) => `${Math.min(100, (100 * n) / Math.max(quantity, 1))}%`;
  const seg = (cls, n) => {
    const el = h("span", { class: `seg ${cls}` });
    el.style.width = pct(n);
    return el;
  };
  const label = t("fill.label", {
    delivered: fmtNumber(delivered),
    dispatched: fmtNumber(dispatched),
    allocated: fmtNumber(allocated),
    quantity: fmtNumber(quantity),
  });
  return h(
    "span",
    { class: "fill", testid, role: "img", "aria-label": label, title: label },
    h(
      "span",
      { class: "bar" },
      seg("allocated", allocated - dispatched),
      seg("dispatched", dispatched - delivered),
      seg("delivered", delivered),
    ),
    h(
      "span",
      { class: "fill-text" },
      t("fill.short", { done: fmtNumber(allocated), quantity: fmtNumber(quantity) }),
    ),
  );
}

/** A button that runs `action` once at a time (disabled while busy) and reports problems. */
export function actionButton(label, action, props = {}) {
  const button = h("button", { type: "button", ...props }, label);
  button.addEventListener("click", async () => {
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await action();
    } catch (err) {
      notifyError(err);
    } finally {
      // a button its screen blocked meanwhile (e.g. nothing left to act on) stays disabled
      button.disabled = button.dataset.blocked === "true";
      button.removeAttribute("aria-busy");
    }
  });
  return button;
}

/** Enable or block an action button, with a title saying why it is blocked (or what it does). */
export function blockButton(button, blocked, title) {
  button.dataset.blocked = String(blocked);
  if (!button.hasAttribute("aria-busy")) button.disabled = blocked;
  button.title = title;
}

/**
 * A modal asking for a note (or a required reason) before an action. Resolves to the text
 * ("" when left empty), or null when cancelled.
 */
export function askNote({ title, label, confirm, required = false, danger = false }) {
  return new Promise((resolve) => {
    const input = h("textarea", { rows: 3, maxlength: 500, required, testid: "dialog-note" });
    const ok = h(
      "button",
      { type: "submit", class: danger ? "danger" : "primary", testid: "dialog-confirm" },
      confirm,
    );
    const cancel = h("button", { type: "button", testid: "dialog-cancel" }, t("common.cancel"));
    const form = h(
      "form",
      { method: "dialog" },
      h("h2", {}, title),
      field(label, input),
      h("div", { class: "buttons" }, ok, cancel),
    );
    const dialog = h("dialog", { testid: "dialog" }, form);
    const done = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (required && !input.value.trim()) {
        input.reportValidity();
        return;
      }
      done(input.value.trim());
    });
    cancel.addEventListener("click", () => done(null));
    dialog.addEventListener("cancel", () => done(null));
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}

/** A table with a caption, header cells from labels and rows of cells, in a box that scrolls
 * sideways when the table is wider than the screen (a 1024-px laptop): the page itself never
 * does. */
export function table({ caption, head, rows, testid, empty }) {
  if (!rows.length && empty)
    return h("p", { class: "empty", testid: testid && `${testid}-empty` }, empty);
  return h("div", { class: "table-scroll" }, tableOf({ caption, head, rows, testid }));
}

function tableOf({ caption, head, rows, testid }) {
  return h(
    "table",
    { testid },
    caption ? h("caption", {}, caption) : null,
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        // a column of numbers has its heading over the numbers (right-aligned too)
        head.map((label, i) =>
          h("th", { scope: "col", class: numeric(rows, i) ? "num" : null }, label),
        ),
      ),
    ),
    h("tbody", {}, rows),
  );
}

function numeric(rows, i) {
  const first = rows.flat(Infinity).find((r) => r instanceof HTMLElement && !r.classList.contains("total"));
  return Boolean(first?.children[i]?.classList.contains("num"));
}

export const num = (n, digits) => h("td", { class: "num" }, fmtNumber(n, digits));

/** A heading row for a screen: title and optional buttons. */
export function heading(title, ...buttons) {
  return h(
    "div",
    { class: "view-head" },
    h("h1", {}, title),
    h("div", { class: "buttons" }, buttons),
  );
}

/** "Push" (プッシュ型) on a request the coordinator filed on a member's behalf; nothing for pull. */
export function kindBadge(request) {
  if (request.kind !== "push") return null;
  return h("span", { class: "badge kind-push", testid: `push-badge-${request.id}` }, t("push.badge"));
}

/**
 * A refused form said where it went wrong: the problem in words in `box` (role=alert), and each
 * field error beside the field it belongs to (marked aria-invalid, its message under it). `inputs`
 * maps the body's field names to their inputs; errors of other fields stay listed in the box.
 */
export function showFormProblem(box, inputs, err) {
  clearFormProblem(box, inputs);
  const errors = err instanceof ApiError ? (err.problem.errors ?? []) : [];
  const elsewhere = [];
  for (const e of errors) {
    const input = inputs[fieldOf(e)];
    if (!input) {
      elsewhere.push(e);
      continue;
    }
    input.setAttribute("aria-invalid", "true");
    const note = h(
      "small",
      { class: "field-error", id: `${input.id}-error`, testid: `${input.dataset.testid}-error` },
      fieldMessage(e),
    );
    input.setAttribute("aria-describedby", note.id);
    input.after(note);
  }
  replace(
    box,
    h("span", {}, problemText(err)),
    elsewhere.length
      ? h(
          "ul",
          {},
          elsewhere.map((e) => {
            const name = fieldOf(e) ?? "";
            return h("li", {}, t("validation.at", { field: word("field.", name, name), msg: fieldMessage(e) }));
          }),
        )
      : null,
  );
  box.hidden = false;
  (Object.values(inputs).find((i) => i.getAttribute("aria-invalid")) ?? box).focus?.();
}

export function clearFormProblem(box, inputs) {
  for (const input of Object.values(inputs)) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
    input.parentElement?.querySelector(".field-error")?.remove();
  }
  replace(box);
  box.hidden = true;
}
