// Apply one pull page and store its cursor in the same IndexedDB transaction, so a pull
// cut between pages resumes without losing or repeating a change.
import { dbReady } from "./db.js";
import { isUnsent } from "./outbox.js";

const STORES = ["meta", "ref", "inspections", "rechecks", "comments", "photo_reviews"];

// What the server says of a record beside its fields, kept in `local` (with its default).
const INSPECTION_REVIEW = { review_state: null, flags: [] };
const RECHECK_REVIEW = { ...INSPECTION_REVIEW, item_states: {}, review_comment: null };
// pull type → the store of the records the phone makes, and their review fields
const RECORDS = { inspection: ["inspections", INSPECTION_REVIEW], recheck: ["rechecks", RECHECK_REVIEW] };

function mergeRecord(local, data, reviewFields) {
  const server = { ...data };
  const review = { server_version: data.version };
  for (const [k, fallback] of Object.entries(reviewFields)) review[k] = data[k] ?? fallback;
  for (const k of ["version", ...Object.keys(reviewFields)]) delete server[k];
  if (!local) {
    return { ...server, client_rev: server.client_rev || 1,
      local: { state: "submitted", sent_rev: server.client_rev || 1, push_error: null,
               sent_photo_ids: (server.photos || []).map((p) => p.id), ...review } };
  }
  if (local.local.state !== "submitted" || isUnsent(local)) {
    // local edits win on the phone until pushed; the base version stays where the edit began
    return { ...local, local: { ...local.local, ...review } };
  }
  const merged = { ...local, ...server, client_rev: Math.max(local.client_rev, server.client_rev || 0),
                   base_version: data.version };
  merged.local = { ...local.local, ...review, sent_rev: merged.client_rev };
  return merged;
}

async function applyChange(tx, change) {
  const { type, id, op, data } = change;
  if (RECORDS[type]) {
    const [name, reviewFields] = RECORDS[type];
    const store = tx.objectStore(name);
    const local = await store.get(id);
    if (op === "delete") { if (local && !isUnsent(local) && local.local.state === "submitted") await store.delete(id); }
    else await store.put(mergeRecord(local, data, reviewFields));
  } else if (type === "comment") {
    const store = tx.objectStore("comments");
    op === "delete" ? await store.delete(id) : await store.put({ ...data, id: data.id ?? id });
  } else if (type === "photo_review") {
    const store = tx.objectStore("photo_reviews");
    op === "delete" ? await store.delete(data?.photo_id ?? id) : await store.put({ ...data, photo_id: data.photo_id ?? id });
  } else {
    const store = tx.objectStore("ref");
    const key = [type, String(id)];
    op === "delete" ? await store.delete(key) : await store.put({ type, id: String(id), version: change.version, data });
  }
}

export async function applyPullPage(page) {
  const db = await dbReady;
  const tx = db.transaction(STORES, "readwrite");
  for (const change of page.changes) await applyChange(tx, change);
  if (page.cursor) await tx.objectStore("meta").put(page.cursor, "cursor");
  await tx.done;
}

export const applyHistory = (l) => applyPullPage({ changes: l.map((data) => ({ type: "inspection", id: data.id, data })) });
