// The records a phone makes: inspections and rechecks, each change one transaction saved
// at once (drafts included) as a new local revision, and the photos they hold.
import { dbReady } from "./db.js";
import { isoLocal, newId } from "./clock.js";
import { itemKey } from "./rectification.js";
import { keepThumbsWithin, thumbRow } from "./thumbnails.js";

// the field of `blobs` naming a record of each store
export const PHOTO_OWNER = { inspections: "inspection_id", rechecks: "recheck_id", ledger: "entry_id" };

const newLocal = (extra = {}) => ({ state: "draft", sent_rev: 0, server_version: null, review_state: null,
  ...extra, flags: [], push_error: null, updated_at: isoLocal() });

export async function listInspections() { return (await dbReady).getAll("inspections"); }
export async function getInspection(id) { return (await dbReady).get("inspections", id); }
export async function listRechecks() { return (await dbReady).getAll("rechecks"); }
export async function getRecheck(id) { return (await dbReady).get("rechecks", id); }

export function emptyCriteria(rubric) {
  const criteria = {};
  for (const c of rubric.criteria) {
    const deductions = {};
    for (const item of c.items) deductions[item.key] = 0;
    criteria[c.key] = { na: false, deductions, note: "" };
  }
  return criteria;
}

export async function createInspection({ round, group, rubric, gps, household = null }) {
  const record = {
    id: newId(), client_rev: 1, base_version: null,
    round_id: round.id, group_id: group.id, rubric_version: rubric.version,
    ...(household ? { household_id: household.id } : {}),
    status: "submitted", started_at: isoLocal(), finished_at: null, gps,
    criteria: emptyCriteria(rubric), note: "", photos: [], local: newLocal(),
  };
  await (await dbReady).put("inspections", record);
  return record;
}

// a recheck of the items not yet closed off; "fixed" stays null until the inspector says
export async function createRecheck(rect) {
  const items = {};
  for (const i of rect.items) if (i.state !== "closed") items[itemKey(i)] = { fixed: null, note: "" };
  const record = {
    id: newId(), client_rev: 1, base_version: null, rectification_id: rect.id,
    started_at: isoLocal(), finished_at: null, gps: null, items, note: "", photos: [],
    local: newLocal({ item_states: {}, review_comment: null }),
  };
  await (await dbReady).put("rechecks", record);
  return record;
}

export function bumpRevision(record) {
  // an edit starting from a clean record starts from the server version we know
  if (record.local.sent_rev === record.client_rev) record.base_version = record.local.server_version;
  record.client_rev += 1;
  record.local.updated_at = isoLocal();
}

async function changeRecord(kind, id, change) {
  const tx = (await dbReady).transaction(kind, "readwrite");
  const record = await tx.store.get(id);
  change(record);
  bumpRevision(record);
  tx.store.put(record);
  await tx.done;
  return record;
}

export const updateInspection = (id, change) => changeRecord("inspections", id, change);
export const updateRecheck = (id, change) => changeRecord("rechecks", id, change);

// Photo metadata into the record, the bytes into `blobs`, the small copy into `thumbs`,
// in one transaction.
export async function addPhoto(kind, recordId, meta, bytes, thumb) {
  const db = await dbReady;
  const tx = db.transaction([kind, "blobs", "thumbs"], "readwrite");
  try {
    const store = tx.objectStore(kind);
    const record = await store.get(recordId);
    record.photos.push(meta);
    bumpRevision(record);
    storePhoto(tx, kind, recordId, meta, bytes, thumb);
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

// A photo's bytes in `blobs`, owned by its record, and its small copy in `thumbs`, in the
// caller's transaction.
export function storePhoto(tx, kind, recordId, meta, bytes, thumb) {
  tx.objectStore("blobs").put({ sha256: meta.sha256, [PHOTO_OWNER[kind]]: recordId, bytes, type: meta.mime, size: meta.size });
  if (thumb) tx.objectStore("thumbs").put(thumbRow(meta.sha256, thumb.bytes, thumb.type));
}

export async function photoBytes(sha256) { return (await dbReady).get("blobs", sha256); }
