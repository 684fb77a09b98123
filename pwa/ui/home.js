// Home: status, assignments, rectifications to recheck, my inspections, bundle export.
import { h, mount, toast } from "./dom.js";
import { call } from "../api.js";
import { applyHistory } from "../pull.js";
import { t, formatDate, formatDateTime, placeName, formatScore } from "../i18n.js";
import { myAssignments, openRound, refList } from "../reference.js";
import { rectificationState } from "../rectification.js";
import { listInspections, listRechecks } from "../records.js";
import { allPhotoReviews, seenReviews } from "../reviews.js";
import { scoreInspection } from "../score.js";
import { statusCard } from "./status.js";
import { householdsById } from "../households.js";
import { householdName } from "./households.js";
import { badge, stateOf } from "./badges.js";
import { storageNotice } from "./storage.js";
import { exportPanel } from "./export.js";
import { applySearch, byPlace, keepTyping, searchBox, searchText } from "./search.js";
import { rectificationsPanel } from "./rectifications.js";
import { noRoundCard, roundReason } from "./period.js";

// prefix "household-": a household round open beside a group round, in a section of its own
async function assignmentsView(round, session, inspections, groupsById, villagesById, prefix = "") {
  if (!round) return noRoundCard(await refList("round"));
  const mine = await myAssignments(round.id, session.user.id);
  // a done group opens its latest inspection; another one is an explicit choice there
  const doneGroups = new Map(inspections.filter((r) => r.round_id === round.id && r.local.state !== "draft")
    .sort((a, b) => String(a.started_at).localeCompare(String(b.started_at))).map((r) => [r.group_id, r]));
  const drafts = new Map(inspections.filter((r) => r.round_id === round.id && r.local.state === "draft")
    .map((r) => [r.group_id, r]));
  const done = mine.filter((a) => doneGroups.has(a.group_id)).length;
  const rows = [...mine].sort(byPlace(groupsById)).map((a) => {
    const g = groupsById.get(a.group_id);
    const draft = drafts.get(a.group_id);
    const finished = doneGroups.get(a.group_id);
    const households = round.subject === "household";
    const href = households ? `#/households/${a.group_id}` : draft ? `#/inspect/${draft.id}/0`
      : finished ? `#/view/${finished.id}` : `#/start/${a.group_id}`;
    return h("li", { dataset: { search: searchText(g, villagesById.get(g?.village_id)) } },
      h("a", { class: "row", href, dataset: { group: a.group_id } },
      h("span", { class: "grow" }, h("b", {}, placeName(g)), " ",
        h("span", { class: "muted" }, placeName(villagesById.get(g?.village_id)))),
      households ? null : doneGroups.has(a.group_id) ? h("span", { class: "badge good" }, t("home.done_mark"))
        : draft ? h("span", { class: "badge neutral" }, t("state.draft")) : null));
  });
  return h("section", { class: "card", id: `${prefix}assignments` },
    h("h2", {}, placeName(round), " ", h("span", { class: "muted small" },
      `${formatDate(round.starts_on)} – ${formatDate(round.ends_on)}`)),
    Object.assign(roundReason(round, await refList("round")), { id: `${prefix}round-why` }),
    h("p", { id: `${prefix}assignment-summary`, class: "lead" },
      t("home.assignments", { total: mine.length, done })),
    mine.length ? null : h("p", { id: `${prefix}no-assignments`, class: "muted" }, t("round.no_assignments")),
    h("ul", { class: "list", dataset: { searchBlock: "assignments" } }, rows),
    prefix ? null : h("a", { class: "big secondary button", href: "#/pick" }, t("home.other_group")));
}

// What the supervisor sent back, until answered: photos to re-shoot, inspections with
// issues, a rejection not yet read, rechecks with items sent back (until a later recheck,
// or the rectification is closed).
async function attentionView(inspections, groupsById, photoReviews) {
  const [rechecks, rectifications, seen] = await Promise.all([
    listRechecks(), refList("rectification"), seenReviews()]);
  const rectById = new Map(rectifications.map((r) => [String(r.id), r]));
  const latest = new Map();
  // a draft recheck is not yet an answer: the card stays, and leads on to that draft
  for (const r of rechecks.filter((x) => x.local.state === "submitted")
    .sort((a, b) => String(a.started_at).localeCompare(String(b.started_at)))) {
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
    // what was sent back is answered by a new recheck (it shows the supervisor's comment)
    ...rechecks.filter(sentBack).map((r) => ({ href: `#/recheck-new/${r.rectification_id}`,
      group: rectById.get(String(r.rectification_id)).group_id, state: "recheck_sent_back", data: { attention: r.id } })),
  ];
  if (!rows.length) return null;
  return h("section", { class: "card attention", id: "attention" }, h("h2", {}, t("home.attention")),
    h("ul", { class: "list" }, rows.map((row) => h("li", {}, h("a", { class: "row", href: row.href, dataset: row.data },
      h("span", { class: "grow" }, h("b", {}, placeName(groupsById.get(row.group))), h("br"),
        h("span", { class: "small" }, t(`home.attention.${row.state}`))),
      row.state === "recheck_sent_back" ? null : badge(row.state))))));
}

function inspectionRow(r, groupsById, villagesById, rubrics, photoReviews, households) {
  const rubric = rubrics.find((x) => x.version === r.rubric_version);
  const href = r.local.state === "submitted" ? `#/view/${r.id}` : `#/inspect/${r.id}/0`;
  const group = groupsById.get(r.group_id);
  return h("li", { dataset: { search: searchText(group, villagesById.get(group?.village_id)) } },
    h("a", { class: "row", href, dataset: { inspection: r.id } },
      h("span", { class: "grow" }, h("b", {}, placeName(group)), " ",
        r.household_id == null ? null : [h("span", { class: "hh-name" }, householdName(households.get(r.household_id))), " "],
        h("span", { class: "muted" }, formatDateTime(r.started_at))),
      h("span", { class: "score" }, rubric ? formatScore(scoreInspection(rubric, r, photoReviews).total) : ""),
      badge(stateOf(r, photoReviews))));
}

// older rounds, left out of a first pull (data-open keeps one open)
const fetched = new Set();
async function fetchRound({ target: b }) {
  b.disabled = true;
  try {
    await applyHistory((await (await call(`/inspections?round_id=${b.dataset.history}`)).json()).inspections);
    fetched.add(b.dataset.history);
    dispatchEvent(new HashChangeEvent("hashchange"));
  } catch { b.disabled = false; toast(t("home.fetch_offline"), "error"); }
}

// One block per round, newest first: the current round open at the top, the others
// folded below it (a season of rounds is otherwise one long page).
function inspectionsView(inspections, current, rounds, groupsById, villagesById, rubrics, photoReviews, households) {
  const roundsById = new Map(rounds.map((x) => [String(x.id), x]));
  const byRound = new Map(rounds.filter((x) => x.state === "published").map((x) => [String(x.id), []]));
  if (!inspections.length && !byRound.size) return null;
  for (const r of [...inspections].sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)))) {
    const key = String(r.round_id);
    if (!byRound.has(key)) byRound.set(key, []);
    byRound.get(key).push(r);
  }
  const isCurrent = (key) => current && key === String(current.id);
  const startOf = (key) => String(roundsById.get(key)?.starts_on ?? "");
  const order = [...byRound.keys()].sort((a, b) => (isCurrent(b) - isCurrent(a)) || startOf(b).localeCompare(startOf(a)));
  return h("section", { class: "card", id: "my-inspections" }, h("h2", {}, t("home.my_inspections")),
    order.map((key) => {
      const rows = byRound.get(key);
      const round = roundsById.get(key);
      const title = [round ? placeName(round) : t("home.unknown_round"), " ", rows.length || fetched.has(key)
        ? h("span", { class: "muted small" }, t("home.inspection_count", { count: rows.length })) : null];
      const more = round?.state === "published" && !fetched.has(key)
        && h("button", { class: "secondary", dataset: { history: key }, onclick: fetchRound }, t("home.fetch_round"));
      const list = h("ul", { class: "list" },
        rows.map((r) => inspectionRow(r, groupsById, villagesById, rubrics, photoReviews, households)));
      return isCurrent(key)
        ? h("div", { class: "round-block", dataset: { round: key, current: "1", searchBlock: "round" } },
          h("h3", {}, title), list)
        : h("details", { class: "round-block",
          dataset: { round: key, searchBlock: "round", ...(fetched.has(key) && { open: "" }) } },
          h("summary", {}, title), list, more);
    }));
}

export async function homeScreen(root, session, sync) {
  const [round, householdRound, inspections, groups, villages, rubrics, photoReviews, rounds] = await Promise.all([
    openRound(), openRound("household"), listInspections(), refList("group"), refList("village"),
    refList("rubric"), allPhotoReviews(), refList("round")]);
  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const villagesById = new Map(villages.map((v) => [v.id, v]));
  const households = await householdsById(inspections.map((r) => r.household_id).filter((id) => id != null));
  const typing = document.activeElement?.id === "home-search";
  mount(root,
    await attentionView(inspections, groupsById, photoReviews),
    statusCard(sync),
    await storageNotice(),
    searchBox(root),
    await assignmentsView(round, session, inspections, groupsById, villagesById),
    householdRound && householdRound.id !== round.id
      ? await assignmentsView(householdRound, session, inspections, groupsById, villagesById, "household-") : null,
    await rectificationsPanel(groupsById, villagesById),
    inspectionsView(inspections, round, rounds, groupsById, villagesById, rubrics, photoReviews, households),
    await exportPanel());
  applySearch(root);
  keepTyping(typing);
}
