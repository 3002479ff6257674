// The open requests grouped by member, then priority, each line with its fill bar.

import { api } from "../api.js";
import { h, userText } from "../dom.js";
import { fmtDateTime, fmtKg, nameOf, t } from "../i18n.js";
import { actionButton, askNote, fillBar, kindBadge } from "../ui.js";
import { itemLabel, priority } from "../words.js";

const ORDER = { critical: 0, high: 1, normal: 2 };

export function openRequestsPanel(ctx, requests, needByMember, refresh) {
  if (!requests.length)
    return h("p", { class: "empty", testid: "open-requests-empty" }, t("open.empty"));
  const members = [...new Set(requests.map((r) => r.member_code))].sort(
    (a, b) => (needByMember.get(b) ?? 0) - (needByMember.get(a) ?? 0) || a.localeCompare(b),
  );
  return members.map((code) => {
    const mine = requests
      .filter((r) => r.member_code === code)
      .sort(
        (a, b) => ORDER[a.priority] - ORDER[b.priority] || a.filed_at.localeCompare(b.filed_at),
      );
    return h(
      "section",
      { class: "member-group", testid: `open-member-${code}` },
      h(
        "h3",
        {},
        nameOf(ctx.store.member(code)),
        h(
          "small",
          {},
          t("open.member_need", { n: mine.length, w: fmtKg(needByMember.get(code) ?? 0) }),
        ),
      ),
      h(
        "ul",
        { class: "open-list" },
        mine.map((r) => requestItem(ctx, r, refresh)),
      ),
    );
  });
}

function requestItem(ctx, r, refresh) {
  const buttons = [];
  if (ctx.caps.audit) {
    buttons.push(
      h(
        "button",
        {
          type: "button",
          class: "link",
          testid: `audit-request-${r.id}`,
          onclick: () => ctx.openAudit("aid_request", r.id),
        },
        t("audit.open"),
      ),
    );
  }
  if (ctx.caps.cancelRequest(r) && ctx.caps.plan) {
    buttons.push(
      actionButton(
        t("requests.cancel"),
        async () => {
          const reason = await askNote({
            title: t("requests.cancel_title", { id: r.id }),
            label: t("requests.cancel_reason"),
            confirm: t("requests.cancel"),
            danger: true,
            required: true,
          });
          if (reason === null) return;
          await api("POST", `/aid-requests/${r.id}/cancel`, { body: { reason } });
          ctx.notify(t("requests.cancelled", { id: r.id }));
          await refresh();
        },
        { class: "link danger", testid: `cancel-request-${r.id}` },
      ),
    );
  }
  return h(
    "li",
    { class: "open-request", tabindex: -1, testid: `open-request-${r.id}` },
    h(
      "div",
      { class: "req-head" },
      h("span", { class: `prio prio-${r.priority}` }, priority(r.priority)),
      kindBadge(r),
      h("strong", {}, t("requests.ref", { id: r.id })),
      userText(r.delivery.name),
      h("small", {}, fmtDateTime(r.filed_at)),
    ),
    h(
      "ul",
      { class: "lines" },
      r.lines.map((l) =>
        h(
          "li",
          {},
          h("span", { class: "line-item" }, itemLabel(ctx.store, l.item_code)),
          fillBar(l, `fill-${r.id}-${l.item_code}`),
        ),
      ),
    ),
    buttons.length ? h("div", { class: "buttons" }, buttons) : null,
  );
}
