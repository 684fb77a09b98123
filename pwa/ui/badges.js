// One short, coloured word for where an inspection stands.
import { h } from "./dom.js";
import { t } from "../i18n.js";
import { isUnsent } from "../outbox.js";
import { openReshoots } from "../score.js";

export function stateOf(record, photoReviews) {
  const l = record.local;
  if (l.state === "draft") return "draft";
  if (l.state === "editing") return "editing";
  if (isUnsent(record)) return l.push_error?.rev === record.client_rev ? "push_rejected" : "waiting";
  if (openReshoots(record, photoReviews).length) return "reshoot";
  return l.review_state || "sent";
}

const TONE = { draft: "neutral", editing: "neutral", waiting: "warn", push_rejected: "bad",
  reshoot: "bad", received: "ok", sent: "ok", approved: "good", rejected: "bad", has_issues: "warn" };

export function badge(state) {
  return h("span", { class: `badge ${TONE[state] || "neutral"}`, dataset: { state } }, t(`state.${state}`));
}
