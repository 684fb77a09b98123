// Sync with the server: records first (push), then photo bytes (resumable chunks), then
// a report of what is still on the phone (for the admins' device list), then pull (reference data and review results), then the "before" photos of open
// rectifications. One run at a time.
import * as api from "./api.js";
import { dbReady } from "./db.js";
import { getMeta, getSession, neededBeforePhotos, setMeta } from "./store.js";
import { PUSHED, blobComplete, isPushable, recordPushResult, summary, unsentBlobs } from "./outbox.js";
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

// inspections, then rechecks (a push carries `rechecks` only when there are some)
async function pushAll(clientId) {
  const db = await dbReady;
  const kinds = Object.keys(PUSHED);
  const pending = await Promise.all(kinds.map(async (kind) => (await db.getAll(kind)).filter(isPushable)));
  let done = 0;
  report({ phase: "push", done, total: pending.flat().length });
  for (const [k, kind] of kinds.entries()) {
    const { payload, results } = PUSHED[kind];
    for (let i = 0; i < pending[k].length; i += PUSH_BATCH) {
      const batch = pending[k].slice(i, i + PUSH_BATCH);
      const answer = await api.push(clientId, { inspections: [], [kind]: batch.map(payload) });
      const sentRev = new Map(batch.map((r) => [r.id, r.client_rev]));
      for (const result of answer[results] || []) await recordPushResult(kind, result, sentRev.get(result.id));
      report({ done: (done += batch.length) });
    }
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

// The app's version is the service worker's (its VERSION, the digest of the shell): the
// worker controlling the page says it; before one does, the shell cache's name tells it.
export async function appVersion() {
  const worker = navigator.serviceWorker?.controller;
  if (worker) {
    const answer = await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      worker.postMessage("version", [channel.port2]);
      setTimeout(() => resolve(null), 2000);   // an older worker does not answer
    });
    if (answer) return answer;
  }
  const shells = ("caches" in self ? await caches.keys() : []).filter((k) => k.startsWith("shell-"));
  return shells.length === 1 ? shells[0].slice("shell-".length) : null;
}

// after the uploads, so the counts are what this sync could not send; also when they
// failed (a photo store down), which is just when the admins want to know
async function reportDevice(clientId) {
  const s = await summary();
  const device = { app_version: await appVersion(),
    unsynced: { inspections: s.inspections, rechecks: s.rechecks, photos: s.photos, bytes: s.bytes } };
  await api.push(clientId, { inspections: [] }, device);
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

// Keep the "before" photos of open rectifications (for rechecks offline) and only those:
// a closed rectification's go. A photo the server will not give is tried again next time.
async function keepBeforePhotos() {
  const db = await dbReady;
  const needed = await neededBeforePhotos();
  const held = new Set(await db.getAllKeys("before_photos"));
  for (const sha of held) if (!needed.has(sha)) await db.delete("before_photos", sha);
  const todo = [...needed].filter((sha) => !held.has(sha));
  report({ phase: "before", done: 0, total: todo.length });
  for (const [i, sha] of todo.entries()) {
    try {
      const { bytes, type } = await api.blobDisplay(sha);
      await db.put("before_photos", { sha256: sha, bytes, type });
    } catch (err) {
      if (err.status === 0 || err.status === 401) throw err;
    }
    report({ done: i + 1 });
  }
}

async function run() {
  const session = await getSession();
  if (!session || (await getMeta("auth_needed"))) throw new api.ApiError(401, "unauthorized", "sign in");
  await pushAll(session.client_id);
  try {
    await uploadAll();
  } finally {
    await reportDevice(session.client_id).catch(() => {});   // offline: the next sync says it
  }
  await pullAll();
  await keepBeforePhotos();
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
