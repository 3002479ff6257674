// A tiny element builder: h("td", {class: "num"}, text). Text children become text nodes, so
// data is never parsed as HTML; labels come from t() in the callers.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) setProp(el, key, value);
  append(el, children);
  return el;
}

function setProp(el, key, value) {
  if (value === null || value === undefined || value === false) return;
  if (key === "class") el.className = value;
  else if (key === "testid") el.dataset.testid = value;
  else if (key === "dataset") Object.assign(el.dataset, value);
  else if (key.startsWith("on") && typeof value === "function") {
    el.addEventListener(key.slice(2), value);
  } else if (key === "value") el.value = value;
  else if (key === "checked" || key === "selected" || key === "disabled") el[key] = Boolean(value);
  else el.setAttribute(key, value === true ? "" : String(value));
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function replace(el, ...children) {
  return append(clear(el), children);
}

let uid = 0;
/** A fresh id for label/for pairs. */
export function nextId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form field: <label for=id>text</label><input id=id ...>. */
export function field(labelText, input, hint) {
  if (!input.id) input.id = nextId();
  return h(
    "div",
    { class: "field" },
    h("label", { for: input.id }, labelText),
    input,
    hint ? h("small", { class: "hint" }, hint) : null,
  );
}

/** A <select> from [value, label] pairs. */
export function select(options, props = {}) {
  return h(
    "select",
    props,
    options.map(([value, text]) =>
      h("option", { value, selected: String(value) === String(props.value ?? "") }, text),
    ),
  );
}

/** Free text a person typed (a delivery point, a scene, a note): shown as written, in whatever
 * language it was written, and marked so (the label checks skip it). */
export function userText(text) {
  return h("span", { class: "user-text", dataset: { userText: "" } }, text ?? "");
}

const FIELDS = "input[data-testid], select[data-testid], textarea[data-testid]";

/** What the person changed on this screen and has not saved, by test id: kept as they type, so
 * a re-render that was already under way when they typed does not lose it. */
const unsaved = new Map();

function valueOf(el) {
  return el.type === "checkbox" || el.type === "radio" ? { checked: el.checked } : { value: el.value };
}

/** Marks a field the person changed, so a live refresh does not throw their edit away. */
export function trackEdits(root) {
  const mark = (ev) => {
    const el = ev.target;
    if (!(el instanceof HTMLElement) || !el.matches(FIELDS)) return;
    el.dataset.edited = "1";
    unsaved.set(el.dataset.testid, valueOf(el));
  };
  root.addEventListener("input", mark, true);
  root.addEventListener("change", mark, true);
  // a submitted form is the view's to redraw; its fields still on screen stay marked
  root.addEventListener(
    "submit",
    (ev) => {
      for (const el of ev.target.querySelectorAll(FIELDS)) unsaved.delete(el.dataset.testid);
    },
    true,
  );
}

/** A new screen: nothing on it is the person's yet. */
export function forgetEdits() {
  unsaved.clear();
}

/** Forgets the edits under root once they are saved: the screen shows the books again. */
export function editsSaved(root) {
  for (const el of root.querySelectorAll("[data-edited]")) {
    unsaved.delete(el.dataset.testid);
    delete el.dataset.edited;
  }
}

/** Runs a re-render of root and then puts back what the person had changed but not yet saved
 * (a ticked box, a half-typed field) — also what they changed while the render was fetching —
 * matched by test id. Ids that repeat on the new screen are left alone. */
export async function keepingEdits(root, render) {
  const seen = new Map();
  for (const el of root.querySelectorAll(FIELDS)) {
    const id = el.dataset.testid;
    seen.set(id, seen.has(id) ? null : el);
  }
  const edits = new Map();
  for (const [id, el] of seen) if (el?.dataset.edited) edits.set(id, valueOf(el));
  await render();
  for (const [id, value] of unsaved) edits.set(id, value);
  for (const [id, value] of edits) {
    const matches = root.querySelectorAll(`[data-testid="${CSS.escape(id)}"]`);
    if (matches.length !== 1 || matches[0].disabled) continue;
    Object.assign(matches[0], value);
    matches[0].dataset.edited = "1";
  }
}
