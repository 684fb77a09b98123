// The app's local data: session, pulled reference data, inspections and their photos.
// Every change to an inspection is one transaction, saved at once (drafts included).
import { dbReady } from "./db.js";
import { isoLocal, newId } from "./clock.js";
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

// Apply `change(record)` to the stored inspection and save it as a new local revision.
export async function updateInspection(id, change) {
  const db = await dbReady;
  const tx = db.transaction("inspections", "readwrite");
  const store = tx.objectStore("inspections");
  const record = await store.get(id);
  change(record);
  bumpRevision(record);
  store.put(record);
  await tx.done;
  return record;
}

// Photo metadata goes into the inspection and the bytes into `blobs`, in one transaction.
export async function addPhoto(inspectionId, meta, bytes) {
  const db = await dbReady;
  const tx = db.transaction(["inspections", "blobs"], "readwrite");
  try {
    const store = tx.objectStore("inspections");
    const record = await store.get(inspectionId);
    record.photos.push(meta);
    bumpRevision(record);
    tx.objectStore("blobs").put({ sha256: meta.sha256, inspection_id: inspectionId,
                                  bytes, type: meta.mime, size: meta.size });
    store.put(record);
    await tx.done;
    return record;
  } catch (err) {
    // a full disk (QuotaExceededError) leaves the inspection as it was: no photo without bytes
    try { tx.abort(); } catch { /* already finished */ }
    throw err;
  }
}

// Only a photo the server has never seen may be removed (the server keeps a union).
export async function removePhoto(inspectionId, photoId) {
  const db = await dbReady;
  const tx = db.transaction(["inspections", "blobs"], "readwrite");
  const store = tx.objectStore("inspections");
  const record = await store.get(inspectionId);
  const photo = record.photos.find((p) => p.id === photoId);
  if (photo && !record.local.sent_photo_ids?.includes(photoId)) {
    record.photos = record.photos.filter((p) => p.id !== photoId);
    if (!record.photos.some((p) => p.sha256 === photo.sha256)) tx.objectStore("blobs").delete(photo.sha256);
    bumpRevision(record);
    store.put(record);
  }
  await tx.done;
  return record;
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

// rejected photos whose criterion/item has no newer photo that was not rejected
export function openReshoots(inspection, photoReviews) {
  const rejected = inspection.photos.filter((p) => photoReviews.get(p.id)?.accepted === false);
  return rejected.filter((r) => !inspection.photos.some((p) => p.criterion === r.criterion &&
    p.item === r.item && photoReviews.get(p.id)?.accepted !== false));
}
