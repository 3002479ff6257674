// A desk's receiving hospitals: the disaster base hospitals in its member's area, whose status
// (operational, damaged, full) the desk keeps current with EMS (SPEC §12).

import { replace } from "../dom.js";
import { t } from "../i18n.js";
import { heading } from "../ui.js";
import { hospitalsCard } from "./medevac_ops.js";

export default async function mount(main, ctx) {
  // the screen's heading names it: the card under it does not say it again
  const hospitals = hospitalsCard(ctx, { member: ctx.me.member_code, titled: false });
  replace(main, heading(t("hospitals.title")), hospitals.card);
  await hospitals.draw();
  return { entities: ["hospital"], refresh: () => hospitals.draw() };
}
