// Home: status, storage, the open round's assignments, rectifications to recheck,
// my inspections, bundle export.
import { h, mount } from "./dom.js";
import { t, formatDate, formatDateTime, placeName, formatScore } from "../i18n.js";
import { myAssignments, openRound, refList } from "../reference.js";
import { rectificationState } from "../rectification.js";
import { listInspections, listRechecks } from "../records.js";
import { allPhotoReviews, seenReviews } from "../reviews.js";
import { scoreInspection } from "../score.js";
import { statusCard } from "./status.js";
import { badge, stateOf } from "./badges.js";
import { storageNotice } from "./storage.js";
import { exportPanel } from "./export.js";
import { rectificationsPanel } from "./rectifications.js";
import { noRoundCard, roundReason } from "./period.js";

async function assignmentsView(round, session, inspections, groupsById, villagesById) {
  if (!round) return noRoundCard(await refList("round"));
  const mine = await myAssignments(round.id, session.user.id);
  // a done group opens its latest inspection; another one is an explicit choice there
  const doneGroups = new Map(inspections.filter((r) => r.round_id === round.id && r.local.state !== "draft")
    .sort((a, b) => String(a.started_at).localeCompare(String(b.started_at))).map((r) => [r.group_id, r]));
  const drafts = new Map(inspections.filter((r) => r.round_id === round.id && r.local.state === "draft")
    .map((r) => [r.group_id, r]));
  const done = mine.filter((a) => doneGroups.has(a.group_id)).length;
  const rows = mine.map((a) => {
    const g = groupsById.get(a.group_id);
    const draft = drafts.get(a.group_id);
    const finished = doneGroups.get(a.group_id);
    const href = draft ? `#/inspect/${draft.id}/0` : finished ? `#/view/${finished.id}` : `#/start/${a.group_id}`;
    return h("li", {}, h("a", { class: "row", href, dataset: { group: a.group_id } },
      h("span", { class: "grow" }, h("b", {}, placeName(g)), " ",
        h("span", { class: "muted" }, placeName(villagesById.get(g?.village_id)))),
      doneGroups.has(a.group_id) ? h("span", { class: "badge good" }, t("home.done_mark"))
        : draft ? h("span", { class: "badge neutral" }, t("state.draft")) : null));
  });
  return h("section", { class: "card", id: "assignments" },
    h("h2", {}, placeName(round), " ", h("span", { class: "muted small" },
      `${formatDate(round.starts_on)} – ${formatDate(round.ends_on)}`)),
    roundReason(round, await refList("round")),
    h("p", { id: "assignment-summary", class: "lead" },
      t("home.assignments", { total: mine.length, done })),
    mine.length ? null : h("p", { id: "no-assignments", class: "muted" }, t("round.no_assignments")),
    h("ul", { class: "list" }, rows),
    h("a", { class: "big secondary button", href: "#/pick" }, t("home.other_group")));
}

// What the supervisor sent back, until the inspector has answered it: photos to re-shoot,
// inspections with issues, a rejection not yet read, and rechecks with items sent back
// (unless a later recheck of the same rectification is made, or it is closed).
async function attentionView(inspections, groupsById, photoReviews) {
  const [rechecks, rectifications, seen] = await Promise.all([
    listRechecks(), refList("rectification"), seenReviews()]);
  const rectById = new Map(rectifications.map((r) => [String(r.id), r]));
  const latest = new Map();
  for (const r of [...rechecks].sort((a, b) => String(a.started_at).localeCompare(String(b.started_at)))) {
    latest.set(String(r.rectification_id), r);
  }
  const waits = (r) => {
    const state = stateOf(r, photoReviews);
    return state === "reshoot" || state === "has_issues"
      || (state === "rejected" && seen[r.id] !== r.local.server_version);
  };
  const sentBack = (r) => {
    const rect = rectById.get(String(r.rectification_id));
    return rect && rectificationState(rect) !== "closed" && latest.get(String(r.rectification_id)) === r
      && r.local.state === "submitted" && Object.values(r.local.item_states || {}).includes("open");
  };
  const rows = [
    ...inspections.filter(waits).map((r) => ({ href: `#/view/${r.id}`, group: r.group_id,
      state: stateOf(r, photoReviews), data: { attention: r.id } })),
    ...rechecks.filter(sentBack).map((r) => ({ href: `#/recheck-view/${r.id}`,
      group: rectById.get(String(r.rectification_id)).group_id, state: "recheck_sent_back", data: { attention: r.id } })),
  ];
  if (!rows.length) return null;
  return h("section", { class: "card attention", id: "attention" }, h("h2", {}, t("home.attention")),
    h("ul", { class: "list" }, rows.map((row) => h("li", {}, h("a", { class: "row", href: row.href, dataset: row.data },
      h("span", { class: "grow" }, h("b", {}, placeName(groupsById.get(row.group))), h("br"),
        h("span", { class: "small" }, t(`home.attention.${row.state}`))),
      row.state === "recheck_sent_back" ? null : badge(row.state))))));
}

function inspectionsView(inspections, groupsById, rubrics, photoReviews) {
  if (!inspections.length) return null;
  inspections.sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
  return h("section", { class: "card", id: "my-inspections" }, h("h2", {}, t("home.my_inspections")),
    h("ul", { class: "list" }, inspections.map((r) => {
      const rubric = rubrics.find((x) => x.version === r.rubric_version);
      const href = r.local.state === "submitted" ? `#/view/${r.id}` : `#/inspect/${r.id}/0`;
      return h("li", {}, h("a", { class: "row", href, dataset: { inspection: r.id } },
        h("span", { class: "grow" }, h("b", {}, placeName(groupsById.get(r.group_id))), " ",
          h("span", { class: "muted" }, formatDateTime(r.started_at))),
        h("span", { class: "score" }, rubric ? formatScore(scoreInspection(rubric, r, photoReviews).total) : ""),
        badge(stateOf(r, photoReviews))));
    })));
}

export async function homeScreen(root, session, sync) {
  const [round, inspections, groups, villages, rubrics, photoReviews] = await Promise.all([
    openRound(), listInspections(), refList("group"), refList("village"),
    refList("rubric"), allPhotoReviews()]);
  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const villagesById = new Map(villages.map((v) => [v.id, v]));
  mount(root,
    await attentionView(inspections, groupsById, photoReviews),
    statusCard(sync),
    await storageNotice(),
    await assignmentsView(round, session, inspections, groupsById, villagesById),
    await rectificationsPanel(groupsById, villagesById),
    inspectionsView(inspections, groupsById, rubrics, photoReviews),
    await exportPanel());
}
