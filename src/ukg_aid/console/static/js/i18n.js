// One message catalog per language (i18n/ja.json, i18n/en.json); every visible label goes
// through t(). Dates are always shown in Japan time, whatever the browser's zone.

const LANGS = ["ja", "en"];
let catalog = {};
let current = "ja";

export function langFromUrl() {
  const asked = new URLSearchParams(location.search).get("lang");
  return LANGS.includes(asked) ? asked : "ja";
}

export async function loadCatalog(lang) {
  const resp = await fetch(`/console/i18n/${lang}.json`, { cache: "no-cache" });
  catalog = await resp.json();
  current = lang;
  document.documentElement.lang = lang;
}

export function lang() {
  return current;
}

export function otherLang() {
  return current === "ja" ? "en" : "ja";
}

export function has(key) {
  return Object.hasOwn(catalog, key);
}

/** The message `key` with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = catalog[key];
  if (text === undefined) {
    console.error("missing message", key);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** `t(prefix + code)` when the catalog knows the code, else `fallback` (the raw code). */
export function word(prefix, code, fallback = code) {
  return has(prefix + code) ? t(prefix + code) : String(fallback ?? "");
}

/** Fill `[data-i18n]` text and `[data-i18n-attr="attr:key;attr:key"]` attributes. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(key));
    }
  }
}

/** A name from the data in the current language (`name_ja`/`name_en`, depots `name_ja`/`name`). */
export function nameOf(obj) {
  if (!obj) return "";
  const ja = obj.name_ja;
  const en = obj.name_en ?? obj.name;
  return current === "ja" ? ja || en || "" : en || ja || "";
}

const PARTS = new Intl.DateTimeFormat("en-US", {
  timeZone: "Asia/Tokyo",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** Calendar fields of an instant in Japan time. */
export function jstParts(value) {
  const date = value instanceof Date ? value : new Date(value);
  const out = {};
  for (const p of PARTS.formatToParts(date)) out[p.type] = p.value;
  return {
    y: out.year,
    m: Number(out.month),
    d: Number(out.day),
    hh: out.hour.padStart(2, "0"),
    mm: out.minute.padStart(2, "0"),
  };
}

/** `2026年12月1日 14:05` / `1 Dec 2026 14:05` (Japan time). */
export function fmtDateTime(value) {
  if (!value) return "";
  const p = jstParts(value);
  return t("format.datetime", { ...p, mon: t(`month.${p.m}`) });
}

/** `yyyy-mm-ddThh:mm` in Japan time, for datetime-local inputs. */
export function jstInputValue(value) {
  const p = jstParts(value);
  const pad = (n) => String(n).padStart(2, "0");
  return `${p.y}-${pad(p.m)}-${pad(p.d)}T${p.hh}:${p.mm}`;
}

/** A datetime-local value read as Japan time, as an ISO string with the +09:00 offset. */
export function jstIso(inputValue) {
  return inputValue ? `${inputValue}:00+09:00` : null;
}

export function fmtNumber(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return "";
  return new Intl.NumberFormat(current === "ja" ? "ja-JP" : "en-GB", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(n);
}

export function fmtPercent(ratio) {
  if (ratio === null || ratio === undefined) return t("common.none");
  return t("unit.percent", { n: fmtNumber(ratio * 100, 0) });
}

export function fmtKg(kg) {
  if (kg >= 1000) return t("unit.t", { n: fmtNumber(kg / 1000, 1) });
  return t("unit.kg", { n: fmtNumber(kg, kg > 0 && kg < 10 ? 1 : 0) });
}
