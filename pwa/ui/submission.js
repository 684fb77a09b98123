// Before an inspection is submitted: what it records, in a few lines checked at a glance,
// then a confirm. A draft's "delete" is in a card of its own well away from "submit", so
// a thumb aiming at one never meets the other.
import { h } from "./dom.js";
import { confirmDialog } from "./dialogs.js";
import { t, label, placeName, formatScore } from "../i18n.js";
import { householdName } from "./households.js";

// "criterion · item ×count" for each deduction recorded, in the rubric's order
function findings(rubric, record) {
  const rows = [];
  for (const c of rubric.criteria) {
    const entry = record.criteria[c.key];
    if (!entry || entry.na) continue;
    for (const item of c.items) {
      const count = entry.deductions[item.key] || 0;
      if (count >= 1) rows.push(`${label(c)} · ${label(item)}${item.kind === "each" ? ` ×${count}` : ""}`);
    }
  }
  return rows;
}

export function confirmSubmission({ rubric, record, score, group, village, household }) {
  const found = findings(rubric, record);
  const left = rubric.criteria.filter((c) => record.criteria[c.key]?.na).map(label);
  const details = h("div", { id: "submit-summary" },
    h("p", {}, household ? [h("b", {}, householdName(household)), " "] : null,
      h(household ? "span" : "b", {}, placeName(group)), " ", h("span", { class: "muted" }, placeName(village))),
    h("p", { class: "lead", id: "submit-score" }, t("inspect.score", { score: formatScore(score.total) })),
    score.veto ? h("p", { class: "error" }, t("summary.veto")) : null,
    h("p", { id: "submit-findings" }, found.length ? t("submit.findings", { count: found.length }) : t("submit.no_findings")),
    found.length ? h("ul", { class: "findings" }, found.map((text) => h("li", {}, text))) : null,
    left.length ? h("p", { id: "submit-left-out" }, t("submit.left_out", { criteria: left.join(t("submit.separator")) })) : null,
    h("p", { id: "submit-photos" }, t("submit.photos", { count: record.photos.length })),
    h("p", { class: "muted" }, t("submit.after")));
  return confirmDialog(t("submit.confirm"), t("submit.confirm_yes"), t("submit.confirm_no"), { details, tone: "primary" });
}

export function draftActions(onDelete) {
  return h("section", { class: "card draft-actions", id: "draft-actions" },
    h("p", { class: "muted" }, t("draft.delete_help")),
    h("button", { id: "delete-draft", class: "big danger-outline", onclick: onDelete }, t("draft.delete")));
}
