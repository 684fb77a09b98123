// The app's local data: session, pulled reference data, inspections, rechecks and their
// photos. Every change to a record is one transaction, saved at once (drafts included).
import { dbReady } from "./db.js";
import { isoLocal, newId, townshipToday } from "./clock.js";
import { currentRound } from "./rounds.js";

export async function getMeta(key) { return (await dbReady).get("meta", key); }
export async function setMeta(key, value) { return (await dbReady).put("meta", value, key); }

export async function getSession() {
  const db = await dbReady;
  const [token, client_id, user] = await Promise.all(
    ["token", "client_id", "user"].map((k) => db.get("meta", k)));
  return token ? { token, client_id, user } : null;
}

export async function saveSession({ token, client_id, user }) {
  const db = await dbReady;
  const tx = db.transaction("meta", "readwrite");
  const meta = tx.objectStore("meta");
  meta.put(token, "token");
  meta.put(client_id, "client_id");
  meta.put(user, "user");
  meta.put(false, "auth_needed");
  await tx.done;
}

// ---- reference data (pulled) ----
export async function refList(type) {
  const rows = await (await dbReady).getAllFromIndex("ref", "type", type);
  return rows.map((r) => r.data);
}

export async function rubricFor(version) {
  return (await refList("rubric")).find((r) => r.version === version) || null;
}

export async function openRound() {
  return currentRound(await refList("round"));
}

export async function places() {
  const [villages, groups] = await Promise.all([refList("village"), refList("group")]);
  const byId = new Map(villages.map((v) => [v.id, { ...v, groups: [] }]));
  for (const g of groups) byId.get(g.village_id)?.groups.push(g);
  return [...byId.values()];
}

export async function myAssignments(roundId, userId) {
  return (await refList("assignment")).filter((a) => a.round_id === roundId && a.user_id === userId);
}

// ---- inspections ----
export async function listInspections() { return (await dbReady).getAll("inspections"); }
export async function getInspection(id) { return (await dbReady).get("inspections", id); }

export function emptyCriteria(rubric) {
  const criteria = {};
  for (const c of rubric.criteria) {
    const deductions = {};
    for (const item of c.items) deductions[item.key] = 0;
    criteria[c.key] = { na: false, deductions, note: "" };
  }
  return criteria;
}

export async function createInspection({ round, group, rubric, gps }) {
  const record = {
    id: newId(), client_rev: 1, base_version: null,
    round_id: round.id, group_id: group.id, rubric_version: rubric.version,
    status: "submitted", started_at: isoLocal(), finished_at: null, gps,
    criteria: emptyCriteria(rubric), note: "", photos: [],
    local: { state: "draft", sent_rev: 0, server_version: null, review_state: null,
             flags: [], push_error: null, updated_at: isoLocal() },
  };
  await (await dbReady).put("inspections", record);
  return record;
}

function bumpRevision(record) {
  // an edit starting from a clean record starts from the server version we know
  if (record.local.sent_rev === record.client_rev) record.base_version = record.local.server_version;
  record.client_rev += 1;
  record.local.updated_at = isoLocal();
}

// The records a phone makes (inspections, rechecks) and the field of `blobs` naming one.
export const PHOTO_OWNER = { inspections: "inspection_id", rechecks: "recheck_id" };

// Apply `change(record)` to a stored record and save it as a new local revision.
async function changeRecord(kind, id, change) {
  const db = await dbReady;
  const tx = db.transaction(kind, "readwrite");
  const store = tx.objectStore(kind);
  const record = await store.get(id);
  change(record);
  bumpRevision(record);
  store.put(record);
  await tx.done;
  return record;
}

export const updateInspection = (id, change) => changeRecord("inspections", id, change);

// Photo metadata goes into the record, the bytes into `blobs` and the small copy into
// `thumbs`, in one transaction. kind: "inspections" or "rechecks".
export async function addPhoto(kind, recordId, meta, bytes, thumb) {
  const db = await dbReady;
  const tx = db.transaction([kind, "blobs", "thumbs"], "readwrite");
  try {
    const store = tx.objectStore(kind);
    const record = await store.get(recordId);
    record.photos.push(meta);
    bumpRevision(record);
    tx.objectStore("blobs").put({ sha256: meta.sha256, [PHOTO_OWNER[kind]]: recordId,
                                  bytes, type: meta.mime, size: meta.size });
    if (thumb) tx.objectStore("thumbs").put(thumbRow(meta.sha256, thumb.bytes, thumb.type));
    store.put(record);
    await tx.done;
  } catch (err) {
    // a full disk (QuotaExceededError) leaves the record as it was: no photo without bytes
    try { tx.abort(); } catch { /* already finished */ }
    throw err;
  }
  await keepThumbsWithin();
  return db.get(kind, recordId);
}

// Only a photo the server has never seen may be removed (the server keeps a union).
// Answers what was removed ({photo, blob, thumb}), for restorePhoto, or null.
export async function removePhoto(kind, recordId, photoId) {
  const db = await dbReady;
  const tx = db.transaction([kind, "blobs", "thumbs"], "readwrite");
  const store = tx.objectStore(kind);
  const record = await store.get(recordId);
  const photo = record.photos.find((p) => p.id === photoId);
  let removed = null;
  if (photo && !record.local.sent_photo_ids?.includes(photoId)) {
    const [blob, thumb] = await Promise.all([tx.objectStore("blobs").get(photo.sha256),
                                             tx.objectStore("thumbs").get(photo.sha256)]);
    removed = { photo, blob, thumb };
    record.photos = record.photos.filter((p) => p.id !== photoId);
    if (!record.photos.some((p) => p.sha256 === photo.sha256)) {
      tx.objectStore("blobs").delete(photo.sha256);
      tx.objectStore("thumbs").delete(photo.sha256);
    }
    bumpRevision(record);
    store.put(record);
  }
  await tx.done;
  return removed;
}

// undo removePhoto: the photo back in its record, with its bytes
export async function restorePhoto(kind, recordId, { photo, blob, thumb }) {
  return addPhoto(kind, recordId, photo, blob.bytes, thumb && { bytes: thumb.bytes, type: thumb.type });
}

// ---- thumbnails kept for offline viewing ----
export const THUMB_BUDGET = 20 * 1024 * 1024;

// kept_at grows with every thumbnail, so two kept in the same millisecond keep their order
let lastKept = 0;
function thumbRow(sha256, bytes, type) {
  lastKept = Math.max(Date.now(), lastKept + 1);
  return { sha256, bytes, type: type || "image/jpeg", size: bytes.byteLength, kept_at: lastKept };
}

export async function thumbOf(sha256) { return (await dbReady).get("thumbs", sha256); }

// a thumbnail the server gave (a photo from before thumbnails were kept), kept like ours
export async function keepThumb(sha256, bytes, type) {
  await (await dbReady).put("thumbs", thumbRow(sha256, bytes, type));
  await keepThumbsWithin();
}

// drop the oldest thumbnails until the rest fit in `budget` bytes
export async function keepThumbsWithin(budget = THUMB_BUDGET) {
  const db = await dbReady;
  const tx = db.transaction("thumbs", "readwrite");
  let total = 0;
  await tx.objectStore("thumbs").each("kept_at", "prev", (row, cursor) => {
    total += row.size;
    if (total > budget) cursor.delete();
  });
  await tx.done;
}

// A draft the inspector throws away: gone from the phone at once (so never pushed), its
// record and photo bytes answered so that an undo can put them back.
export async function deleteDraft(id) {
  const db = await dbReady;
  const tx = db.transaction(["inspections", "blobs"], "readwrite");
  const record = await tx.objectStore("inspections").get(id);
  if (!record || record.local.state !== "draft") { await tx.done; return null; }
  const blobs = [];
  for (const sha256 of new Set(record.photos.map((p) => p.sha256))) {
    const blob = await tx.objectStore("blobs").get(sha256);
    if (blob?.inspection_id === id) { blobs.push(blob); tx.objectStore("blobs").delete(sha256); }
  }
  tx.objectStore("inspections").delete(id);
  await tx.done;
  return { record, blobs };
}

export async function restoreDraft({ record, blobs }) {
  const db = await dbReady;
  const tx = db.transaction(["inspections", "blobs"], "readwrite");
  tx.objectStore("inspections").put(record);
  for (const blob of blobs) tx.objectStore("blobs").put(blob);
  await tx.done;
}

export async function photoBytes(sha256) { return (await dbReady).get("blobs", sha256); }

export async function reviewsFor(inspectionId) {
  const db = await dbReady;
  const [comments, photoReviews] = await Promise.all([
    db.getAllFromIndex("comments", "inspection_id", inspectionId),
    db.getAllFromIndex("photo_reviews", "inspection_id", inspectionId),
  ]);
  comments.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  return { comments, photoReviews: new Map(photoReviews.map((r) => [r.photo_id, r])) };
}

export async function allPhotoReviews() {
  const rows = await (await dbReady).getAll("photo_reviews");
  return new Map(rows.map((r) => [r.photo_id, r]));
}

// A rejection is the supervisor's last word: once the inspector has opened it, at the
// server version it came with, it has been dealt with (kept apart from the record, which
// is not changed by reading it).
export async function markReviewSeen(record) {
  const seen = (await getMeta("seen_reviews")) || {};
  seen[record.id] = record.local.server_version;
  await setMeta("seen_reviews", seen);
}

export async function seenReviews() { return (await getMeta("seen_reviews")) || {}; }

// rejected photos whose criterion/item has no newer photo that was not rejected
export function openReshoots(inspection, photoReviews) {
  const rejected = inspection.photos.filter((p) => photoReviews.get(p.id)?.accepted === false);
  return rejected.filter((r) => !inspection.photos.some((p) => p.criterion === r.criterion &&
    p.item === r.item && photoReviews.get(p.id)?.accepted !== false));
}

// ---- rectifications (pulled) and rechecks ----
export const itemKey = (item) => `${item.criterion}.${item.item}`;

// The pulled state, unless the deadline has passed since (the server computes it from
// the date too, and sends no change when a day goes by).
export function rectificationState(rectification, today = townshipToday()) {
  if (rectification.state === "closed") return "closed";
  return today > String(rectification.deadline) ? "overdue" : rectification.state;
}

export async function rectification(id) {
  return (await refList("rectification")).find((r) => String(r.id) === String(id)) || null;
}

export async function openRectifications() {
  const all = (await refList("rectification")).filter((r) => rectificationState(r) !== "closed");
  return all.sort((a, b) => String(a.deadline).localeCompare(String(b.deadline)));
}

// the rubric a rectification's items are labelled by: its round's
export async function rubricOfRound(roundId) {
  const round = (await refList("round")).find((r) => r.id === roundId);
  return round ? rubricFor(round.rubric_version) : null;
}

export async function listRechecks() { return (await dbReady).getAll("rechecks"); }
export async function getRecheck(id) { return (await dbReady).get("rechecks", id); }
export const updateRecheck = (id, change) => changeRecord("rechecks", id, change);

// a recheck of the items not yet closed off; "fixed" stays null until the inspector says
export async function createRecheck(rect) {
  const items = {};
  for (const i of rect.items) if (i.state !== "closed") items[itemKey(i)] = { fixed: null, note: "" };
  const record = {
    id: newId(), client_rev: 1, base_version: null, rectification_id: rect.id,
    started_at: isoLocal(), finished_at: null, gps: null, items, note: "", photos: [],
    local: { state: "draft", sent_rev: 0, server_version: null, review_state: null,
             item_states: {}, review_comment: null, flags: [], push_error: null, updated_at: isoLocal() },
  };
  await (await dbReady).put("rechecks", record);
  return record;
}

// "before" photos: sha256 → {bytes, type}, kept while their rectification is open
export async function beforePhoto(sha256) { return (await dbReady).get("before_photos", sha256); }

export async function neededBeforePhotos() {
  const shas = new Set();
  for (const r of await openRectifications()) for (const i of r.items) for (const p of i.photos || []) shas.add(p.sha256);
  return shas;
}
