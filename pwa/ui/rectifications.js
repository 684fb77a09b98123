// Home's "Rectifications" card: the township's open and overdue ones (picking one starts
// a recheck, or goes on with its draft) and the rechecks made on this phone.
import { h } from "./dom.js";
import { t, formatDate, formatDateTime, placeName } from "../i18n.js";
import { openRectifications, refList } from "../reference.js";
import { rectificationState } from "../rectification.js";
import { listRechecks } from "../records.js";
import { badge, stateOf } from "./badges.js";

const NO_REVIEWS = new Map();
const isDraft = (r) => r.local.state !== "submitted";

export function rectificationBadge(rect) {
  const state = rectificationState(rect);
  const tone = { open: "warn", overdue: "bad", closed: "good" }[state] || "neutral";
  return h("span", { class: `badge ${tone}`, dataset: { rectificationState: state } }, t(`rectification.${state}`));
}

export const recheckHref = (r) => (isDraft(r) ? `#/recheck/${r.id}` : `#/recheck-view/${r.id}`);

export async function rectificationsPanel(groupsById, villagesById) {
  const [open, all, rechecks] = await Promise.all([
    openRectifications(), refList("rectification"), listRechecks()]);
  if (!open.length && !rechecks.length) return null;
  const rectById = new Map(all.map((r) => [String(r.id), r]));
  const where = (groupId) => {
    const g = groupsById.get(groupId);
    return [h("b", {}, placeName(g)), " ", h("span", { class: "muted" }, placeName(villagesById.get(g?.village_id)))];
  };
  const drafts = new Map(rechecks.filter(isDraft).map((r) => [String(r.rectification_id), r]));
  const openRows = open.map((rect) => {
    const draft = drafts.get(String(rect.id));
    const openItems = rect.items.filter((i) => i.state !== "closed").length;
    return h("li", {}, h("a", { class: "row", href: draft ? recheckHref(draft) : `#/recheck-new/${rect.id}`,
      dataset: { rectification: rect.id } },
      h("span", { class: "grow" }, where(rect.group_id), h("br"),
        h("span", { class: "small muted" }, t("rectification.deadline", { date: formatDate(rect.deadline) }),
          " · ", t("rectification.open_items", { count: openItems }))),
      draft ? badge("draft") : null, rectificationBadge(rect)));
  });
  rechecks.sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
  const recheckRows = rechecks.map((r) => {
    const rect = rectById.get(String(r.rectification_id));
    return h("li", {}, h("a", { class: "row", href: recheckHref(r), dataset: { recheck: r.id } },
      h("span", { class: "grow" }, rect ? where(rect.group_id) : "?", " ",
        h("span", { class: "muted small" }, formatDateTime(r.started_at))),
      badge(stateOf(r, NO_REVIEWS)), rect ? rectificationBadge(rect) : null));
  });
  return h("section", { class: "card", id: "rectifications" },
    h("h2", {}, t("rectification.title")),
    openRows.length ? h("ul", { class: "list", id: "open-rectifications" }, openRows)
      : h("p", { class: "muted" }, t("rectification.none_open")),
    recheckRows.length ? [h("h3", {}, t("recheck.mine")), h("ul", { class: "list", id: "my-rechecks" }, recheckRows)] : null);
}
