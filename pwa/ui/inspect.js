// Record an inspection: one criterion per screen, then a summary that submits; every
// tap and keystroke saved at once as a new local revision.
import { h, mount, toast, revokeObjectUrls } from "./dom.js";
import { confirmDialog, undoBar } from "./dialogs.js";
import { t, label, placeName, formatScore } from "../i18n.js";
import { places, refGet, rubricFor } from "../reference.js";
import { getInspection, updateInspection } from "../records.js";
import { deleteDraft, restoreDraft } from "../undo.js";
import { reviewsFor } from "../reviews.js";
import { scoreInspection, missingEvidence } from "../score.js";
import { noteBox } from "./notes.js";
import { photoStrip } from "./photos.js";
import { confirmSubmission, draftActions } from "./submission.js";
import { isoLocal } from "../clock.js";
import { householdName } from "./households.js";

const pointsText = (item) => item.kind === "veto" ? t("item.veto")
  : t(item.kind === "once" ? "item.once" : "item.each", { points: Math.abs(item.points) });

function counter(count, onSet, key) {
  return h("div", { class: "counter", dataset: { item: key } },
    h("button", { class: "round", "aria-label": t("item.minus"), disabled: count <= 0,
      onclick: () => onSet(Math.max(0, count - 1)) }, "−1"),
    h("output", { class: "count" }, String(count)),
    h("button", { class: "round", "aria-label": t("item.plus"), onclick: () => onSet(Math.min(999, count + 1)) }, "+1"));
}

// "na": the criterion left out, a switch of another look than a finding's choice
function toggle(on, onSet, text, key, kind = "na") {
  return h("button", { class: `toggle ${kind} ${on ? "on" : ""}`, "aria-pressed": String(on), dataset: { item: key },
    onclick: () => onSet(on ? 0 : 1) }, text);
}

// a once or veto item: both answers in view (无此问题 | 有此问题), the current one marked, so
// that a newcomer never records the problem by ticking "no such problem"
function findingChoice(found, onSet, key, item) {
  const option = (value, text) => h("button", { type: "button", role: "radio", class: value === found ? "on" : "",
    "aria-checked": String(value === found), dataset: { finding: value ? "yes" : "no" },
    onclick: () => { if (value !== found) onSet(value ? 1 : 0); } }, text);
  return h("div", { class: "finding-choice", role: "radiogroup", "aria-label": label(item), dataset: { item: key } },
    option(false, t("item.no")), option(true, t("item.yes")));
}

export async function inspectScreen(root, id, step, go, sync) {
  let record = await getInspection(id);
  if (!record) return go("#/");
  if (record.local.state === "submitted") return go(`#/view/${id}`);
  const rubric = await rubricFor(record.rubric_version);
  const groups = await places();
  const village = groups.find((v) => v.groups.some((g) => g.id === record.group_id));
  const group = village?.groups.find((g) => g.id === record.group_id);
  const { photoReviews } = await reviewsFor(id);
  const household = record.household_id != null ? await refGet("household", record.household_id) : null;
  const n = rubric.criteria.length;
  step = Math.max(0, Math.min(n, step));

  const change = async (fn) => { record = await updateInspection(id, fn); await draw(); };
  const reload = async () => { record = await getInspection(id); await draw(); };

  async function itemView(c, item) {
    const entry = record.criteria[c.key];
    const count = entry.deductions[item.key] || 0;
    const key = `${c.key}.${item.key}`;
    const set = (value) => change((r) => { r.criteria[c.key].deductions[item.key] = value; });
    return h("li", { class: "item", dataset: { item: key } },
      h("div", { class: "item-head" }, h("span", { class: "grow" }, label(item)),
        h("span", { class: `points ${item.kind}` }, pointsText(item))),
      item.kind === "each" ? counter(count, set, key)
        : findingChoice(count >= 1, set, key, item),
      count >= 1 ? await photoStrip(record, c.key, item.key, photoReviews, reload) : null);
  }

  async function criterionView(c, score) {
    const entry = record.criteria[c.key];
    return h("section", { class: "card", id: "criterion", dataset: { criterion: c.key } },
      h("h2", {}, label(c), " ", h("span", { class: "muted small" }, t("inspect.max", { max: c.max }))),
      h("p", { class: "lead", id: "subtotal" }, entry.na ? t("inspect.na_on")
        : t("inspect.subtotal", { score: score.criteria[c.key], max: c.max })),
      toggle(entry.na, (v) => change((r) => { r.criteria[c.key].na = v === 1; }), t("inspect.na"), "na"),
      entry.na ? null : h("ul", { class: "items" }, await Promise.all(c.items.map((i) => itemView(c, i)))),
      h("label", { for: `note-${c.key}` }, t("inspect.note")),
      noteBox(`note-${c.key}`, entry.note, (text) => updateInspection(id, (r) => { r.criteria[c.key].note = text; })));
  }

  async function submit() {
    const missing = missingEvidence(rubric, record, photoReviews);
    if (missing.length) {
      toast(t("submit.missing", { count: missing.length }), "error");
      document.getElementById("missing")?.scrollIntoView();
      return;
    }
    const score = scoreInspection(rubric, record, photoReviews);
    if (!await confirmSubmission({ rubric, record, score, group, village, household })) return;
    await updateInspection(id, (r) => { r.local.state = "submitted"; r.finished_at = r.finished_at || isoLocal(); });
    toast(t("submit.done"));
    go(`#/view/${id}`);
    sync.now();
  }

  function summaryView(score) {
    const missing = missingEvidence(rubric, record, photoReviews);
    return h("section", { class: "card", id: "summary" },
      h("h2", {}, t("summary.title")),
      score.veto ? h("p", { class: "error" }, t("summary.veto")) : null,
      h("ul", { class: "list" }, rubric.criteria.map((c, i) => h("li", {}, h("a", { class: "row", href: `#/inspect/${id}/${i}` },
        h("span", { class: "grow" }, label(c)),
        h("span", {}, score.criteria[c.key] === null ? t("inspect.na_short")
          : `${score.criteria[c.key]} / ${c.max}`))))),
      h("label", { for: "note-overall" }, t("summary.note")),
      noteBox("note-overall", record.note, (text) => updateInspection(id, (r) => { r.note = text; })),
      missing.length ? h("div", { id: "missing", class: "error-box" }, h("p", {}, t("submit.missing", { count: missing.length })),
        h("ul", { class: "plain" }, missing.map((m) => h("li", {}, h("a", { class: "row", href: `#/inspect/${id}/${rubric.criteria.indexOf(m.criterion)}` },
          `${label(m.criterion)} · ${label(m.item)}`))))) : null,
      h("button", { id: "submit-button", class: "big primary", onclick: submit }, t("summary.submit")));
  }

  // only a draft, which the server has never seen, can be thrown away
  async function discard() {
    if (!await confirmDialog(t("draft.delete_confirm", { group: placeName(group) }), t("draft.delete"),
      t("draft.keep"))) return;
    const deleted = await deleteDraft(id);
    go("#/");
    if (deleted) undoBar(t("draft.deleted"), async () => {
      await restoreDraft(deleted);
      go("#/");
    }, { acrossScreens: true, label: t("draft.undo") });
  }

  async function draw() {
    const y = scrollY;
    revokeObjectUrls();
    // with the photo reviews pulled: a deduction whose photos were all rejected is void
    const score = scoreInspection(rubric, record, photoReviews);
    mount(root,
      h("div", { class: "inspect-head" },
        h("div", { class: "grow" }, household ? [h("b", { id: "household-name" }, householdName(household)), " "] : null,
          h(household ? "span" : "b", {}, placeName(group)), " ", h("span", { class: "muted" }, placeName(village))),
        h("div", { id: "running-score", class: "score" }, t("inspect.score", { score: formatScore(score.total) }))),
      h("div", { class: "progress-step" }, h("span", { id: "step-label" },
        step < n ? t("inspect.step", { step: step + 1, total: n }) : t("summary.title")),
        h("progress", { max: n, value: Math.min(step + 1, n) })),
      step < n ? await criterionView(rubric.criteria[step], score)
        : [summaryView(score), record.local.state === "draft" ? draftActions(discard) : null],
      h("nav", { class: "bottom-bar" },
        h("a", { class: "button secondary", id: "back-button", href: step > 0 ? `#/inspect/${id}/${step - 1}` : household ? `#/households/${record.group_id}` : "#/" },
          step > 0 ? t("nav.back") : t("nav.home")),
        step < n ? h("a", { class: "button secondary", id: "summary-button", href: `#/inspect/${id}/${n}` },
          t("nav.review")) : null,
        step + 1 < n ? h("a", { class: "button primary", id: "next-button", href: `#/inspect/${id}/${step + 1}` },
          t("nav.next")) : null));
    scrollTo(0, y);
  }
  await draw();
  scrollTo(0, 0);
}
