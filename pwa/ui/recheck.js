// A recheck: per item the "before" photos, fixed or not, a note and "after" photos; saved
// at every tap, then submitted into the same outbox. And a submitted one, as reviewed.
import { h, mount, toast, revokeObjectUrls } from "./dom.js";
import { t, label, placeName, formatDate, formatDateTime } from "../i18n.js";
import { places, rectification, rubricOfRound } from "../reference.js";
import { itemKey, rectificationState } from "../rectification.js";
import { createRecheck, getRecheck, listRechecks, updateRecheck } from "../records.js";
import { isoLocal } from "../clock.js";
import { currentPosition } from "../geo.js";
import { noteBox } from "./notes.js";
import { photoStrip, beforeImage, photoButton } from "./photos.js";
import { badge, stateOf } from "./badges.js";
import { pushErrors } from "./detail.js";
import { rectificationBadge } from "./rectifications.js";

const NO_REVIEWS = new Map();

export async function startRecheck(rectificationId, go) {
  const rect = await rectification(rectificationId);
  if (!rect) return go("#/");
  const draft = (await listRechecks()).find((r) =>
    String(r.rectification_id) === String(rect.id) && r.local.state !== "submitted");
  const record = draft || await createRecheck(rect);
  location.replace(`#/recheck/${record.id}`);
  if (draft) return;
  // as for an inspection, GPS fills in when (and if) it arrives
  const gps = await currentPosition();
  if (gps) await updateRecheck(record.id, (r) => { r.gps = r.gps || gps; });
}

async function context(record) {
  const rect = await rectification(record.rectification_id);
  const [rubric, villages] = await Promise.all([rect ? rubricOfRound(rect.round_id) : null, places()]);
  const village = villages.find((v) => v.groups.some((g) => g.id === rect?.group_id));
  const group = village?.groups.find((g) => g.id === rect?.group_id);
  const itemsByKey = new Map((rect?.items || []).map((i) => [itemKey(i), i]));
  const keys = Object.keys(record.items);
  const itemLabel = (key) => {
    const i = itemsByKey.get(key);
    const c = rubric?.criteria.find((x) => x.key === i?.criterion);
    const it = c?.items.find((x) => x.key === i?.item);
    return c && it ? `${label(c)} · ${label(it)}` : key;
  };
  return { rect, group, village, keys, itemsByKey, itemLabel };
}

function head(ctx) {
  return h("div", { class: "inspect-head" },
    h("div", { class: "grow" }, h("b", {}, placeName(ctx.group)), " ", h("span", { class: "muted" }, placeName(ctx.village))),
    ctx.rect ? h("span", { class: "small" }, t("rectification.deadline", { date: formatDate(ctx.rect.deadline) }), " ",
      rectificationBadge(ctx.rect)) : null);
}

async function beforePhotos(item) {
  const photos = item?.photos || [];
  return h("div", { class: "before" }, h("div", { class: "small muted" }, t("recheck.before")),
    photos.length ? h("div", { class: "thumbs" }, await Promise.all(photos.map(async (p) =>
      h("figure", { class: "thumb", dataset: { before: p.sha256 } }, await beforeImage(p)))))
      : h("p", { class: "muted small" }, t("recheck.no_before")));
}

// The last submitted recheck of this rectification before `record`, when items of it were
// sent back: the new recheck shows why.
async function sentBackBefore(record) {
  const earlier = (await listRechecks()).filter((r) => r.id !== record.id && r.local.state === "submitted"
    && String(r.rectification_id) === String(record.rectification_id))
    .sort((a, b) => String(a.started_at).localeCompare(String(b.started_at))).pop();
  const back = Object.entries(earlier?.local.item_states || {}).filter(([, s]) => s === "open").map(([key]) => key);
  return back.length ? { recheck: earlier, keys: back } : null;
}

function sentBackView(ctx, previous) {
  if (!previous) return null;
  const comment = previous.recheck.local.review_comment;
  return h("div", { class: "error-box", id: "sent-back" },
    h("p", {}, t("recheck.sent_back_intro")),
    h("ul", {}, previous.keys.map((key) => h("li", {}, ctx.itemLabel(key)))),
    comment ? h("p", { class: "comment-body", id: "sent-back-comment" }, comment) : null);
}

// items still to decide, and fixed items without an "after" photo: both keep a recheck back
function missing(record) {
  return Object.entries(record.items).filter(([key, i]) => i.fixed === null ||
    (i.fixed && !record.photos.some((p) => `${p.criterion}.${p.item}` === key))).map(([key]) => key);
}

export async function recheckScreen(root, id, go, sync) {
  let record = await getRecheck(id);
  if (!record) return go("#/");
  if (record.local.state === "submitted") return go(`#/recheck-view/${id}`);
  const ctx = await context(record);
  const previous = await sentBackBefore(record);
  const change = async (fn) => { record = await updateRecheck(id, fn); await draw(); };
  const reload = async () => { record = await getRecheck(id); await draw(); };

  async function itemView(key) {
    const entry = record.items[key];
    const item = ctx.itemsByKey.get(key);
    const [criterion, itemName] = key.split(".");
    const choice = (fixed, text) => h("button", { class: `toggle ${entry.fixed === fixed ? "on" : ""}`,
      "aria-pressed": String(entry.fixed === fixed), dataset: { fixed: String(fixed) },
      onclick: () => change((r) => { r.items[key].fixed = fixed; }) }, text);
    return h("li", { class: "item", dataset: { item: key, fixed: String(entry.fixed) } },
      h("div", { class: "item-head" }, h("span", { class: "grow" }, ctx.itemLabel(key)),
        item ? h("span", { class: "points" }, t("recheck.count", { count: item.count })) : null),
      await beforePhotos(item),
      h("div", { class: "pair choice" }, choice(true, t("recheck.fixed")), choice(false, t("recheck.not_fixed"))),
      h("label", { for: `note-${key}` }, t("inspect.note")),
      noteBox(`note-${key}`, entry.note, (text) => updateRecheck(id, (r) => { r.items[key].note = text; }), { rows: 2 }),
      h("div", { class: "small muted" }, t("recheck.after")),
      await photoStrip(record, criterion, itemName, NO_REVIEWS, reload,
        { kind: "rechecks", required: entry.fixed === true }));
  }

  async function submit() {
    const open = missing(record);
    if (open.length) {
      toast(t("recheck.missing", { count: open.length }), "error");
      await draw(open);
      document.getElementById("missing")?.scrollIntoView();
      return;
    }
    await updateRecheck(id, (r) => { r.local.state = "submitted"; r.finished_at = r.finished_at || isoLocal(); });
    toast(t("submit.done"));
    go(`#/recheck-view/${id}`);
    sync.now();
  }

  async function draw(open = []) {
    const y = scrollY;
    revokeObjectUrls();
    mount(root,
      head(ctx),
      h("section", { class: "card", id: "recheck", dataset: { recheck: id } },
        h("h2", {}, t("recheck.title")),
        sentBackView(ctx, previous),
        h("ul", { class: "items" }, await Promise.all(ctx.keys.map(itemView))),
        h("label", { for: "note-overall" }, t("summary.note")),
        noteBox("note-overall", record.note, (text) => updateRecheck(id, (r) => { r.note = text; }), { rows: 2 }),
        open.length ? h("div", { id: "missing", class: "error-box" }, h("p", {}, t("recheck.missing", { count: open.length })),
          h("ul", {}, open.map((key) => h("li", {}, ctx.itemLabel(key))))) : null,
        h("button", { id: "submit-button", class: "big primary", onclick: submit }, t("summary.submit"))),
      h("nav", { class: "bottom-bar" },
        h("button", { class: "button secondary", id: "save-draft", onclick: () => { toast(t("recheck.saved")); go("#/"); } },
          t("recheck.save_draft"))));
    scrollTo(0, y);
  }
  await draw();
  scrollTo(0, 0);
}

function decision(record, key, rectItem) {
  const shown = record.local.item_states?.[key] || (rectItem?.state === "closed" ? "closed" : "pending");
  const tone = { closed: "good", open: "bad", pending: "neutral" }[shown] || "neutral";
  return h("span", { class: `badge ${tone}`, dataset: { itemState: shown } }, t(`recheck.item.${shown}`));
}

export async function recheckDetailScreen(root, id, go) {
  const record = await getRecheck(id);
  if (!record) return go("#/");
  const ctx = await context(record);
  const edit = async () => {
    await updateRecheck(id, (r) => { r.local.state = "editing"; });
    go(`#/recheck/${id}`);
  };
  revokeObjectUrls();
  const items = await Promise.all(ctx.keys.map(async (key) => {
    const entry = record.items[key];
    const [criterion, item] = key.split(".");
    const photos = record.photos.filter((p) => p.criterion === criterion && p.item === item);
    return h("li", { class: "item", dataset: { item: key } },
      h("div", { class: "item-head" }, h("span", { class: "grow" }, ctx.itemLabel(key)),
        decision(record, key, ctx.itemsByKey.get(key))),
      h("div", {}, entry.fixed ? t("recheck.fixed") : t("recheck.not_fixed")),
      entry.note ? h("p", { class: "comment-body" }, entry.note) : null,
      h("div", { class: "thumbs" }, await Promise.all(photos.map(async (p) =>
        h("figure", { class: "thumb", dataset: { photo: p.id } }, await photoButton(p))))));
  }));
  const comment = record.local.review_comment;
  // sent back, still to rectify, and not answered yet by a later recheck: the way on is a new one
  const later = (await listRechecks()).some((r) => r.id !== id && r.local.state === "submitted"
    && String(r.rectification_id) === String(record.rectification_id)
    && String(r.started_at) > String(record.started_at));
  const recheckAgain = ctx.rect && rectificationState(ctx.rect) !== "closed" && !later
    && Object.values(record.local.item_states || {}).includes("open");
  mount(root,
    head(ctx),
    h("section", { class: "card", id: "recheck-detail", dataset: { state: stateOf(record, NO_REVIEWS) } },
      h("h2", {}, t("recheck.title")),
      h("p", {}, badge(stateOf(record, NO_REVIEWS)), " ", h("span", { class: "muted" }, formatDateTime(record.started_at))),
      pushErrors(record),
      comment ? h("div", { class: "comments", id: "recheck-comment" }, h("p", { class: "comment-body" }, comment)) : null,
      h("ul", { class: "items" }, items),
      record.note ? h("p", { class: "comment-body" }, record.note) : null),
    h("nav", { class: "bottom-bar" },
      h("a", { class: "button secondary", href: "#/" }, t("nav.home")),
      record.local.push_error?.rev === record.client_rev
        ? h("button", { class: "button primary", id: "edit-button", onclick: edit }, t("detail.edit")) : null,
      recheckAgain ? h("a", { class: "button primary", id: "recheck-again", href: `#/recheck-new/${ctx.rect.id}` },
        t("recheck.again")) : null));
}
