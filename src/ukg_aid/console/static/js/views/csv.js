// Stock CSV export and import (CONTRACTS §3): the import is previewed (a dry run listing every
// change), then applied in one transaction; bad rows come back with their line numbers and
// nothing is applied.

import { api, authHeaders, ApiError, newKey } from "../api.js";
import { field, h, replace } from "../dom.js";
import { fmtNumber, jstParts, nameOf, t } from "../i18n.js";
import { errorBlock } from "../notices.js";
import { table } from "../ui.js";
import { depotName } from "../words.js";

export function csvPanel(ctx, member, onApplied) {
  const file = h("input", {
    type: "file",
    accept: ".csv,text/csv",
    required: true,
    testid: "csv-file",
  });
  const reason = h("input", { type: "text", maxlength: 200, required: true, testid: "csv-reason" });
  const preview = h("button", { type: "submit", testid: "csv-preview" }, t("csv.preview"));
  const result = h("div", { testid: "csv-result", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "inline-form" },
    field(t("csv.file"), file),
    field(t("stock.reason"), reason, t("csv.reason_hint")),
    preview,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return file.reportValidity();
    preview.disabled = true;
    try {
      const text = await file.files[0].text();
      await runPreview(ctx, { csv: text, reason: reason.value.trim() }, result, () => {
        form.reset();
        onApplied();
      });
    } finally {
      preview.disabled = false;
    }
  });
  const exportButton = h("button", { type: "button", testid: "csv-export" }, t("csv.export"));
  exportButton.addEventListener("click", () => exportCsv(ctx, member));
  return h(
    "section",
    { class: "card csv", testid: "csv-panel", "aria-labelledby": "csv-h" },
    h("h2", { id: "csv-h" }, t("csv.title")),
    h("p", {}, t("csv.intro")),
    h("div", { class: "buttons" }, exportButton),
    form,
    result,
  );
}

async function exportCsv(ctx, member) {
  try {
    const resp = await fetch(`/api/v1/stock/export?member=${encodeURIComponent(member)}`, {
      headers: authHeaders(),
      cache: "no-store",
    });
    if (!resp.ok) throw new ApiError(resp.status, await resp.json().catch(() => ({})));
    const blob = await resp.blob();
    const p = jstParts(new Date());
    const stamp = `${p.y}${String(p.m).padStart(2, "0")}${String(p.d).padStart(2, "0")}-${p.hh}${p.mm}`;
    const link = h("a", {
      href: URL.createObjectURL(blob),
      download: `stock-${member}-${stamp}.csv`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (err) {
    ctx.notifyError(err);
  }
}

async function runPreview(ctx, body, result, onApplied) {
  let answer;
  try {
    answer = await api("POST", "/stock/import", { body: { ...body, dry_run: true } });
  } catch (err) {
    replace(
      result,
      h("h3", {}, t("csv.refused")),
      errorBlock(err, "csv-errors"),
      h("p", {}, t("csv.nothing_applied")),
    );
    return;
  }
  const apply = h(
    "button",
    { type: "button", class: "primary", testid: "csv-apply" },
    t("csv.apply"),
  );
  const cancel = h("button", { type: "button", testid: "csv-discard" }, t("common.cancel"));
  const key = newKey();
  apply.addEventListener("click", async () => {
    apply.disabled = true;
    try {
      const applied = await api("POST", "/stock/import", {
        body: { ...body, dry_run: false },
        key,
      });
      replace(
        result,
        h(
          "p",
          { class: "ok", testid: "csv-applied" },
          t("csv.applied", { n: fmtNumber(applied.changes.length) }),
        ),
      );
      onApplied();
    } catch (err) {
      replace(result, errorBlock(err, "csv-errors"), h("p", {}, t("csv.nothing_applied")));
    }
  });
  cancel.addEventListener("click", () => replace(result));
  replace(
    result,
    h("h3", {}, t("csv.preview_title")),
    h(
      "p",
      { testid: "csv-summary" },
      t("csv.summary", {
        changes: fmtNumber(answer.changes.length),
        unchanged: fmtNumber(answer.unchanged),
      }),
    ),
    changesTable(ctx, answer.changes),
    answer.changes.length ? h("div", { class: "buttons" }, apply, cancel) : null,
  );
}

function changesTable(ctx, changes) {
  const arrow = (before, after) =>
    before === after
      ? fmtNumber(after)
      : t("csv.change", {
          before: before === null ? t("common.none") : fmtNumber(before),
          after: fmtNumber(after),
        });
  return table({
    caption: t("csv.changes"),
    head: [
      t("csv.line"),
      t("stock.depot"),
      t("stock.item"),
      t("stock.on_hand"),
      t("stock.reserve_floor"),
      t("csv.kind"),
    ],
    testid: "csv-changes",
    rows: changes.map((c) =>
      h(
        "tr",
        { testid: `csv-change-${c.line}` },
        h("td", { class: "num" }, String(c.line)),
        h("td", {}, depotName(ctx.store, c.depot_id, c.depot_name)),
        h("td", {}, nameOf({ name_ja: c.item_name_ja, name_en: c.item_name_en }) || c.item_code),
        h("td", { class: "num" }, arrow(c.on_hand_before, c.on_hand_after)),
        h("td", { class: "num" }, arrow(c.reserve_floor_before, c.reserve_floor_after)),
        h("td", {}, c.created ? t("csv.created") : t("csv.updated")),
      ),
    ),
  });
}
