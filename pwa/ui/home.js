// Home: status, storage, the open round's assignments, my inspections, bundle export.
import { h, mount } from "./dom.js";
import { t, formatDate, formatDateTime, placeName, formatScore } from "../i18n.js";
import * as store from "../store.js";
import { scoreInspection } from "../score.js";
import { statusCard } from "./status.js";
import { badge, stateOf } from "./badges.js";
import { storageNotice } from "./storage.js";
import { exportPanel } from "./export.js";

async function assignmentsView(round, session, inspections, groupsById, villagesById) {
  if (!round) return h("section", { class: "card" }, h("p", {}, t("home.no_round")));
  const mine = await store.myAssignments(round.id, session.user.id);
  const doneGroups = new Set(inspections.filter((r) => r.round_id === round.id && r.local.state !== "draft")
    .map((r) => r.group_id));
  const drafts = new Map(inspections.filter((r) => r.round_id === round.id && r.local.state === "draft")
    .map((r) => [r.group_id, r]));
  const done = mine.filter((a) => doneGroups.has(a.group_id)).length;
  const rows = mine.map((a) => {
    const g = groupsById.get(a.group_id);
    const draft = drafts.get(a.group_id);
    const href = draft ? `#/inspect/${draft.id}/0` : `#/start/${a.group_id}`;
    return h("li", {}, h("a", { class: "row", href, dataset: { group: a.group_id } },
      h("span", { class: "grow" }, h("b", {}, placeName(g)), " ",
        h("span", { class: "muted" }, placeName(villagesById.get(g?.village_id)))),
      doneGroups.has(a.group_id) ? h("span", { class: "badge good" }, t("home.done_mark"))
        : draft ? h("span", { class: "badge neutral" }, t("state.draft")) : null));
  });
  return h("section", { class: "card", id: "assignments" },
    h("h2", {}, placeName(round), " ", h("span", { class: "muted small" },
      `${formatDate(round.starts_on)} – ${formatDate(round.ends_on)}`)),
    h("p", { id: "assignment-summary", class: "lead" },
      t("home.assignments", { total: mine.length, done })),
    h("ul", { class: "list" }, rows),
    h("a", { class: "big secondary button", href: "#/pick" }, t("home.other_group")));
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

export async function homeScreen(root, session) {
  const [round, inspections, groups, villages, rubrics, photoReviews] = await Promise.all([
    store.openRound(), store.listInspections(), store.refList("group"), store.refList("village"),
    store.refList("rubric"), store.allPhotoReviews()]);
  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const villagesById = new Map(villages.map((v) => [v.id, v]));
  mount(root,
    statusCard(),
    await storageNotice(),
    await assignmentsView(round, session, inspections, groupsById, villagesById),
    inspectionsView(inspections, groupsById, rubrics, photoReviews),
    await exportPanel());
}
