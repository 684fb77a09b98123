// A submitted inspection: where it stands, the server's field errors, the supervisor's
// review and comments, and re-shoot requests the inspector can answer.
import { h, mount, revokeObjectUrls } from "./dom.js";
import { t, tOr, label, placeName, formatDateTime, formatScore } from "../i18n.js";
import { openRound, places, refGet, rubricFor } from "../reference.js";
import { getInspection, updateInspection } from "../records.js";
import { markReviewSeen, reviewsFor } from "../reviews.js";
import { openReshoots, scoreInspection } from "../score.js";
import { badge, stateOf } from "./badges.js";
import { photoButton } from "./photos.js";
import { householdName } from "./households.js";

// One field's reasons in the chosen language; the English text where the server sent no
// code (an older server or app) or one this app lacks.
export function reasonTexts(error, field, english) {
  const coded = error.reasons?.[field] || [];
  return [].concat(english).map((text, i) => coded[i]
    ? tOr(`push.reason.${coded[i].code}`, coded[i].params, text) : text);
}

export function pushErrors(record) {
  const error = record.local.push_error;
  if (!error || error.rev !== record.client_rev) return null;
  const rows = Object.entries(error.errors || {}).map(([field, english]) =>
    h("li", {}, h("code", {}, field), ": ", reasonTexts(error, field, english).join("; ")));
  return h("div", { class: "error-box", id: "push-errors" },
    h("p", {}, t("detail.push_rejected")), h("ul", {}, rows), h("p", {}, t("detail.push_rejected_help")));
}

function reviewView(record, comments) {
  const state = record.local.review_state;
  return h("div", { id: "review" },
    state ? h("p", { class: "lead" }, t("detail.review_state", { state: t(`state.${state}`) })) : null,
    comments.length ? h("ul", { class: "comments", id: "comments" }, comments.map((c) => h("li", {},
      h("div", { class: "muted small" }, `${c.author?.display_name || c.author?.username || c.author || ""} · ${formatDateTime(c.created_at)}`),
      h("div", { class: "comment-body" }, c.body)))) : null);
}

function reshootView(record, rubric, reshoots, edit) {
  if (!reshoots.length) return null;
  const crit = (key) => rubric.criteria.find((c) => c.key === key);
  return h("div", { class: "error-box", id: "reshoots" }, h("p", {}, t("detail.reshoot_intro")),
    h("ul", {}, reshoots.map((p) => {
      const c = crit(p.criterion);
      const item = c?.items.find((x) => x.key === p.item);
      return h("li", {}, `${c ? label(c) : p.criterion} · ${item ? label(item) : p.item}`,
        h("button", { class: "big primary", dataset: { reshoot: p.id },
          onclick: () => edit(rubric.criteria.indexOf(c)) }, t("detail.reshoot_button")));
    })));
}

export async function detailScreen(root, id, go) {
  const record = await getInspection(id);
  if (!record) return go("#/");
  const [rubric, villages, { comments, photoReviews }, round, household] = await Promise.all([
    rubricFor(record.rubric_version), places(), reviewsFor(id),
    openRound(record.household_id != null ? "household" : "group"),
    record.household_id != null ? refGet("household", record.household_id) : null]);
  const village = villages.find((v) => v.groups.some((g) => g.id === record.group_id));
  const group = village?.groups.find((g) => g.id === record.group_id);
  const reshoots = openReshoots(record, photoReviews);
  // scored with the photo reviews pulled, so a rejected photo's deduction is void here too
  const score = rubric ? scoreInspection(rubric, record, photoReviews) : null;
  const edit = async (step) => {
    await updateInspection(id, (r) => { r.local.state = "editing"; });
    go(`#/inspect/${id}/${Math.max(0, step)}`);
  };
  if (stateOf(record, photoReviews) === "rejected") await markReviewSeen(record);
  revokeObjectUrls();
  const photos = await Promise.all(record.photos.map(async (p) => {
    const review = photoReviews.get(p.id);
    return h("figure", { class: `thumb ${review?.accepted === false ? "rejected" : ""}`, dataset: { photo: p.id } },
      await photoButton(p),
      review ? h("figcaption", { class: review.accepted ? "ok" : "error" },
        review.accepted ? t("photo.accepted") : t("photo.rejected", { reason: review.reason || "" })) : null);
  }));
  mount(root,
    h("section", { class: "card", id: "detail", dataset: { state: stateOf(record, photoReviews) } },
      h("h2", {}, household ? [h("span", { id: "household-name" }, householdName(household)), " "] : null,
        placeName(group), " ", h("span", { class: "muted" }, placeName(village))),
      h("p", {}, badge(stateOf(record, photoReviews)), " ",
        h("span", { id: "detail-score" }, t("inspect.score", { score: formatScore(score?.total) }))),
      h("p", { class: "muted" }, formatDateTime(record.started_at)),
      pushErrors(record),
      record.local.outcome === "conflict" ? h("p", { class: "warn", id: "conflict" }, t("detail.conflict")) : null,
      reviewView(record, comments),
      rubric ? reshootView(record, rubric, reshoots, edit) : null,
      h("ul", { class: "list" }, (rubric?.criteria || []).map((c) => h("li", { class: "row", dataset: { criterion: c.key } },
        h("span", { class: "grow" }, label(c), record.criteria[c.key]?.note
          ? h("span", { class: "criterion-note", dataset: { criterionNote: c.key } },
            record.criteria[c.key].note) : null),
        score.criteria[c.key] === null ? t("inspect.na_short") : `${score.criteria[c.key]} / ${c.max}`))),
      record.note ? h("p", { class: "comment-body" }, record.note) : null,
      h("div", { class: "thumbs" }, photos),
      // a second inspection of the group is a deliberate choice, never a tap on a done group
      round?.id === record.round_id ? h("a", { class: "big secondary button", id: "another-inspection",
        href: `#/start/${record.group_id}${household ? `/${household.id}` : ""}` }, t("detail.another")) : null),
    h("nav", { class: "bottom-bar" },
      h("a", { class: "button secondary", href: "#/" }, t("nav.home")),
      h("button", { class: "button primary", id: "edit-button", onclick: () => edit(0) }, t("detail.edit"))));
}
