// Sync with the server: records first (push), then photo bytes (resumable chunks),
// then pull (reference data and review results). One run at a time.
import * as api from "./api.js";
import { dbReady } from "./db.js";
import { getMeta, getSession, setMeta } from "./store.js";
import { blobComplete, isPushable, payloadOf, recordPushResult, unsentBlobs } from "./outbox.js";
import { isoLocal } from "./clock.js";
import { applyPullPage } from "./pull.js";

export const CHUNK = 256 * 1024;
const PUSH_BATCH = 50;
// blob errors that another try will not fix: the photo is kept and shown, not re-sent
const PERMANENT_BLOB_ERRORS = ["unsupported_media", "too_large"];

export const syncEvents = new EventTarget();
let progress = { running: false };
function report(change) {
  progress = { ...progress, ...change };
  syncEvents.dispatchEvent(new CustomEvent("progress", { detail: progress }));
}
export const currentProgress = () => progress;

async function pushAll(clientId) {
  const all = (await (await dbReady).getAll("inspections")).filter(isPushable);
  report({ phase: "push", done: 0, total: all.length });
  for (let i = 0; i < all.length; i += PUSH_BATCH) {
    const batch = all.slice(i, i + PUSH_BATCH);
    const { results } = await api.push(clientId, batch.map(payloadOf));
    const sentRev = new Map(batch.map((r) => [r.id, r.client_rev]));
    for (const result of results) await recordPushResult(result, sentRev.get(result.id));
    report({ done: Math.min(all.length, i + batch.length) });
  }
}

async function uploadOne(blob, offset, onBytes) {
  const bytes = new Uint8Array(blob.bytes);
  let stale = 0;
  while (true) {
    const end = Math.min(offset + CHUNK, blob.size);
    const r = await api.patchChunk(blob.sha256, offset, blob.size, bytes.slice(offset, end));
    if (r.status === 201) { onBytes(blob.size - offset); return blobComplete(blob.sha256); }
    if (r.status === 204) { onBytes((r.offset ?? end) - offset); offset = r.offset ?? end; stale = 0; continue; }
    // 409: someone (an earlier, cut request) got further; carry on from the server's offset
    const next = r.offset ?? await api.blobOffset(blob.sha256);
    if (++stale > 3) throw new api.ApiError(409, "offset_mismatch", "upload offset keeps changing");
    onBytes(next - offset);
    offset = next;
  }
}

async function uploadAll() {
  const blobs = (await unsentBlobs()).filter((b) => !PERMANENT_BLOB_ERRORS.includes(b.error?.code));
  if (!blobs.length) return;
  const { missing } = await api.checkBlobs(blobs.map((b) => ({ sha256: b.sha256, size: b.size })));
  const offsets = new Map(missing.map((m) => [m.sha256, m.offset || 0]));
  for (const b of blobs) if (!offsets.has(b.sha256)) await blobComplete(b.sha256);
  const todo = blobs.filter((b) => offsets.has(b.sha256));
  const bytesTotal = todo.reduce((n, b) => n + b.size, 0);
  let bytesDone = todo.reduce((n, b) => n + offsets.get(b.sha256), 0);
  report({ phase: "photos", done: 0, total: todo.length, bytesDone, bytesTotal });
  for (const [i, blob] of todo.entries()) {
    try {
      await uploadOne(blob, offsets.get(blob.sha256), (n) => report({ bytesDone: (bytesDone += n) }));
    } catch (err) {
      if (err.status === 0 || err.status === 401) throw err;     // network gone or signed out: stop
      blob.error = { code: err.code, message: err.message };       // keep the photo, show why
      await (await dbReady).put("blobs", blob);
    }
    report({ done: i + 1 });
  }
}

async function pullAll() {
  report({ phase: "pull", done: 0, total: null });
  let cursor = await getMeta("cursor");
  let pages = 0;
  while (true) {
    const page = await api.pullPage(cursor);
    await applyPullPage(page);
    cursor = page.cursor;
    report({ done: ++pages });
    if (!page.has_more) return;
  }
}

async function run() {
  const session = await getSession();
  if (!session || (await getMeta("auth_needed"))) throw new api.ApiError(401, "unauthorized", "sign in");
  await pushAll(session.client_id);
  await uploadAll();
  await pullAll();
}

let running = null;
let again = false;
// Start a sync (or, if one is running, one more right after it). Never throws.
export function syncNow() {
  if (running) { again = true; return running; }
  running = (async () => {
    do {
      again = false;
      report({ running: true, phase: "start", error: null });
      try {
        await run();
        await setMeta("last_sync", isoLocal());
        await setMeta("last_error", null);
      } catch (err) {
        const error = { code: err.code || "error", status: err.status ?? null,
                        message: err.message || String(err), at: isoLocal() };
        await setMeta("last_error", error);
        report({ error });
        again = false;
      }
    } while (again);
    running = null;
    report({ running: false, phase: null });
  })();
  return running;
}
