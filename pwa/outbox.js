// What is still to be sent: submitted inspections the server has not confirmed at
// their current revision, and photo bytes the server does not have complete.
import { dbReady } from "./db.js";

const PAYLOAD_KEYS = ["id", "client_rev", "base_version", "round_id", "group_id", "rubric_version",
  "status", "started_at", "finished_at", "gps", "criteria", "note", "photos"];

const PHOTO_KEYS = ["id", "sha256", "size", "mime", "width", "height", "criterion", "item",
  "captured_at", "gps", "source"];

const pick = (object, keys) => Object.fromEntries(keys.map((k) => [k, object[k] ?? null]));

// exactly the contract's fields: the server refuses unknown keys, and pulled records
// can carry review fields of the server's own
export const photoPayload = (photo) => pick(photo, PHOTO_KEYS);

export function payloadOf(record) {
  return { ...pick(record, PAYLOAD_KEYS), status: "submitted", photos: (record.photos || []).map(photoPayload) };
}

export const isUnsent = (r) => r.local.state === "submitted" && r.local.sent_rev < r.client_rev;
// a rejected revision is not sent again until the inspector changes it
export const isPushable = (r) => isUnsent(r) && r.local.push_error?.rev !== r.client_rev;

export async function unsentInspections() {
  return (await (await dbReady).getAll("inspections")).filter(isUnsent);
}

// Photo bytes waiting for upload, only for submitted inspections (drafts stay on the phone).
export async function unsentBlobs() {
  const db = await dbReady;
  const [blobs, inspections] = await Promise.all([db.getAll("blobs"), db.getAll("inspections")]);
  const submitted = new Set(inspections.filter((r) => r.local.state !== "draft").map((r) => r.id));
  return blobs.filter((b) => submitted.has(b.inspection_id));
}

export async function summary() {
  const [inspections, blobs] = await Promise.all([unsentInspections(), unsentBlobs()]);
  return {
    inspections: inspections.length,
    photos: blobs.length,
    bytes: blobs.reduce((n, b) => n + b.size, 0),
    rejected: inspections.filter((r) => r.local.push_error?.rev === r.client_rev),
  };
}

// Record a push result; a record edited meanwhile stays unsent at its newer revision.
export async function recordPushResult(result, sentRev) {
  const db = await dbReady;
  const tx = db.transaction("inspections", "readwrite");
  const store = tx.objectStore("inspections");
  const record = await store.get(result.id);
  if (record) {
    if (result.outcome === "rejected") {
      record.local.push_error = { rev: sentRev, errors: result.errors || {}, reasons: result.reasons || {} };
    } else {
      record.local.sent_rev = Math.max(record.local.sent_rev, sentRev);
      record.local.server_version = result.version;
      record.local.outcome = result.outcome;
      record.local.push_error = null;
      const sent = new Set(record.local.sent_photo_ids || []);
      for (const p of record.photos) sent.add(p.id);
      record.local.sent_photo_ids = [...sent];
      if (record.local.sent_rev === record.client_rev) record.base_version = result.version;
    }
    store.put(record);
  }
  await tx.done;
}

export async function blobComplete(sha256) {
  await (await dbReady).delete("blobs", sha256);
}
