// What is still to be sent: submitted records the server has not confirmed at their
// current revision, and photo bytes the server does not have complete.
import { dbReady } from "./db.js";
import { PHOTO_OWNER } from "./records.js";
import { recordLedgerResult } from "./ledger.js";

const PAYLOAD_KEYS = ["id", "client_rev", "base_version", "round_id", "group_id", "rubric_version",
  "status", "started_at", "finished_at", "gps", "criteria", "note", "photos"];

const RECHECK_KEYS = ["id", "client_rev", "base_version", "rectification_id", "started_at", "finished_at",
  "gps", "items", "note", "photos"];

const PHOTO_KEYS = ["id", "sha256", "size", "mime", "width", "height", "criterion", "item",
  "captured_at", "gps", "source"];

const pick = (object, keys) => Object.fromEntries(keys.map((k) => [k, object[k] ?? null]));

// exactly the contract's fields: the server refuses unknown keys, and pulled records
// can carry review fields of the server's own
export const photoPayload = (photo) => pick(photo, PHOTO_KEYS);

// household_id only on a household's inspection: a group round's refuses it
export function payloadOf(record) {
  return { ...pick(record, PAYLOAD_KEYS), status: "submitted", photos: (record.photos || []).map(photoPayload),
    ...(record.household_id != null ? { household_id: record.household_id } : {}) };
}

export function recheckPayloadOf(record) {
  const items = Object.fromEntries(Object.entries(record.items || {}).map(([key, i]) =>
    [key, { fixed: i.fixed === true, note: i.note ?? "" }]));
  return { ...pick(record, RECHECK_KEYS), items, photos: (record.photos || []).map(photoPayload) };
}

export const ledgerPayload = (e) => ({ id: e.id, household_id: e.household_id, kind: e.kind,
  recorded_at: e.recorded_at, note: e.note, photos: (e.photos || []).map(photoPayload),
  ...(e.rule_key ? { rule_key: e.rule_key } : { goods: e.goods }) });

export const PUSHED = {
  inspections: { payload: payloadOf, results: "results" },
  rechecks: { payload: recheckPayloadOf, results: "recheck_results" },
  ledger: { payload: ledgerPayload, results: "ledger_results", record: recordLedgerResult },
};

export const isUnsent = (r) => r.local.state === "submitted" && r.local.sent_rev < r.client_rev;
// a rejected revision is not sent again until the inspector changes it
export const isPushable = (r) => isUnsent(r) && r.local.push_error?.rev !== r.client_rev;

const recordsOf = async (kind, wanted) => (await (await dbReady).getAll(kind)).filter(wanted);
export const unsent = (kind) => recordsOf(kind, isUnsent);
export const unsentInspections = () => unsent("inspections");
export const unsentRechecks = () => unsent("rechecks");
export const pushable = (kind) => recordsOf(kind, isPushable);

// Photo bytes waiting for upload, only for submitted records (drafts stay on the phone).
export async function unsentBlobs() {
  const kinds = Object.keys(PHOTO_OWNER);
  const tx = (await dbReady).transaction(["blobs", ...kinds]);
  const blobs = await tx.objectStore("blobs").getAll();
  const submitted = await Promise.all(blobs.map(async (blob) => {
    const kind = kinds.find((k) => blob[PHOTO_OWNER[k]] != null);
    const record = kind && await tx.objectStore(kind).get(blob[PHOTO_OWNER[kind]]);
    return Boolean(record) && record.local.state !== "draft";
  }));
  await tx.done;
  return blobs.filter((_, i) => submitted[i]);
}

export async function summary() {
  const [inspections, rechecks, ledger, blobs] = await Promise.all([unsentInspections(), unsentRechecks(),
    unsent("ledger"), unsentBlobs()]);
  return {
    inspections: inspections.length,
    rechecks: rechecks.length,
    ledger: ledger.length,
    photos: blobs.length,
    bytes: blobs.reduce((n, b) => n + b.size, 0),
    rejected: [...inspections, ...rechecks].filter((r) => r.local.push_error?.rev === r.client_rev),
  };
}

// Record a push result; a record edited meanwhile stays unsent at its newer revision.
export async function recordPushResult(kind, result, sentRev) {
  if (PUSHED[kind].record) return PUSHED[kind].record(result);
  const db = await dbReady;
  const tx = db.transaction(kind, "readwrite");
  const store = tx.objectStore(kind);
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

// the photo has bytes on the server: the next sync asks where they end
export async function markUploadStarted(sha256) {
  const tx = (await dbReady).transaction("blobs", "readwrite");
  const held = await tx.store.get(sha256);
  if (held && !held.started) await tx.store.put({ ...held, started: true });
  await tx.done;
}

// an upload refused for good (too large, not a photo): the photo is kept and shows why
export async function keepUploadError(sha256, error) {
  const tx = (await dbReady).transaction("blobs", "readwrite");
  const held = await tx.store.get(sha256);
  if (held) await tx.store.put({ ...held, error });
  await tx.done;
}
