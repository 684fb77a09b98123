// Sync, one run at a time: push, photo bytes (resumable chunks), pull beside the device
// report, then the "before" photos of open rectifications. Like Workbox's Queue, it is
// handed what it works through (api, store, appVersion: app.js) and touches no storage of
// its own; it reports "progress" events ({running, phase, done, total, bytesDone,
// bytesTotal, error}), also kept in `progress`.
import { ApiError } from "./api.js";
import { PUSHED } from "./outbox.js";
import { isoLocal } from "./clock.js";

// The server's limit per chunk is 1 MiB. A chunk starts at 256 KiB, doubles while chunks
// go through quickly and halves after a failure: a cut then re-sends less.
export const CHUNK = 256 * 1024;
const CHUNK_MIN = 64 * 1024;
const CHUNK_MAX = 1024 * 1024;
const FAST_CHUNK_MS = 1000;
// photos uploaded at once: while one request waits out the link's latency, the others
// keep it busy
export const PHOTOS_IN_FLIGHT = 3;
// a first pull's pages fetched at once (Sync.pullAll)
export const PULL_PAGES_IN_FLIGHT = 3;
const PUSH_BATCH = 50;
// blob errors that another try will not fix: the photo is kept and shown, not re-sent
const PERMANENT_BLOB_ERRORS = ["unsupported_media", "too_large"];

function retryDelay(err) {
  const value = err.retryAfter;
  const seconds = /^\d+$/.test(value || "") ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 30;
}

const photoStoreDown = (at) => Object.assign(
  new ApiError(503, "store_unavailable", "photo server unavailable, will retry"), { retryAt: at });

// the link or the sign-in is gone: nothing more can go in this run
const stopsTheRun = (err) => err.status === 0 || err.status === 401;

export class Sync extends EventTarget {
  constructor({ store, api, appVersion = async () => null }) {
    super();
    Object.assign(this, { store, api, appVersion });
    this.progress = { running: false };
    this.chunkSize = CHUNK;
    this.underway = null;     // the run under way (a promise)
    this.again = false;       // asked for while running: one more run right after
    this.retryTimer = null;   // the run the photo store's Retry-After asked for
  }

  // Never throws.
  now() {
    if (this.underway) { this.again = true; return this.underway; }
    this.underway = (async () => {
      do {
        this.again = false;
        this.report({ running: true, phase: "start", error: null });
        try {
          await this.run();
          await this.store.setMeta("last_sync", isoLocal());
          await this.store.setMeta("last_error", null);
        } catch (err) {
          const error = { code: err.code || "error", status: err.status ?? null,
                          message: err.message || String(err), at: isoLocal() };
          await this.store.setMeta("last_error", error);
          this.report({ error });
          this.again = false;
        }
      } while (this.again);
      this.underway = null;
      this.report({ running: false, phase: null });
    })();
    return this.underway;
  }

  report(change) {
    this.progress = { ...this.progress, ...change };
    this.dispatchEvent(new CustomEvent("progress", { detail: this.progress }));
  }

  async run() {
    const session = await this.store.getSession();
    if (!session || (await this.store.getMeta("auth_needed"))) throw new ApiError(401, "unauthorized", "sign in");
    const pushed = await this.pushAll(session.client_id);
    let photosLaterError;
    try {
      photosLaterError = await this.uploadAll(pushed);
    } catch (err) {
      await this.reportDevice(session.client_id).catch(() => {});   // offline: the next sync says it
      throw err;
    }
    // the device report goes beside the pull: one round trip of latency, not two
    await Promise.all([this.reportDevice(session.client_id).catch(() => {}), this.pullAll()]);
    await this.keepBeforePhotos();
    if (photosLaterError) throw photosLaterError;
  }

  // Inspections, rechecks, then points entries, each kind only when there are some.
  // Answers the SHA-256 of photos the server lacks, and of those it has.
  async pushAll(clientId) {
    const kinds = Object.keys(PUSHED);
    const pending = await Promise.all(kinds.map((kind) => this.store.pushable(kind)));
    const blobs = { missing: new Set(), present: new Set() };
    let done = 0;
    this.report({ phase: "push", done, total: pending.flat().length });
    for (const [k, kind] of kinds.entries()) {
      const { payload, results } = PUSHED[kind];
      for (let i = 0; i < pending[k].length; i += PUSH_BATCH) {
        const batch = pending[k].slice(i, i + PUSH_BATCH);
        const answer = await this.api.push(clientId, { inspections: [], [kind]: batch.map(payload) });
        const sent = new Map(batch.map((r) => [r.id, r]));
        for (const result of answer[results] || []) {
          const record = sent.get(result.id);
          await this.store.recordPushResult(kind, result, record?.client_rev);
          if (!record || result.outcome === "rejected") continue;
          const missing = new Set(result.missing_blobs || []);
          for (const photo of record.photos || []) blobs[missing.has(photo.sha256) ? "missing" : "present"].add(photo.sha256);
        }
        this.report({ done: (done += batch.length) });
      }
    }
    for (const sha of blobs.missing) blobs.present.delete(sha);
    return blobs;
  }

  // The offset to go on from: 0 when the push just said the server lacks the photo; after
  // a cut, null (the upload asks with HEAD); else from one check of all the others.
  async startOffsets(blobs, pushed) {
    const offsets = new Map();
    const unknown = [];
    for (const b of blobs) {
      if (pushed.present.has(b.sha256)) offsets.set(b.sha256, b.size);
      else if (b.started) offsets.set(b.sha256, null);
      else if (pushed.missing.has(b.sha256)) offsets.set(b.sha256, 0);
      else unknown.push(b);
    }
    if (unknown.length) {
      const { missing } = await this.api.checkBlobs(unknown.map((b) => ({ sha256: b.sha256, size: b.size })));
      const partial = new Map(missing.map((m) => [m.sha256, m.offset || 0]));
      for (const b of unknown) offsets.set(b.sha256, partial.has(b.sha256) ? partial.get(b.sha256) : b.size);
    }
    return offsets;
  }

  chunkWent(size, ms) {
    if (ms < FAST_CHUNK_MS) this.chunkSize = Math.min(CHUNK_MAX, Math.max(this.chunkSize, size * 2));
  }

  chunkFailed() {
    this.chunkSize = Math.max(CHUNK_MIN, this.chunkSize / 2);
  }

  // Sends a photo from `offset` until the server answers 201 (then the phone's copy goes).
  // onBytes(n): n more bytes are on the server; stopped(): stop after this chunk.
  async uploadOne(blob, offset, onBytes, stopped) {
    const { api, store } = this;
    if (offset === null) onBytes(offset = Math.min(await api.blobOffset(blob.sha256), blob.size));
    const bytes = new Uint8Array(blob.bytes);
    let stale = 0;
    while (!stopped()) {
      const size = this.chunkSize;
      const end = Math.min(offset + size, blob.size);
      // the photo has bytes on the server: the next sync asks where they end
      if (!blob.started) { blob.started = true; await store.markUploadStarted(blob.sha256); }
      const started = performance.now();
      let r;
      try {
        r = await api.patchChunk(blob.sha256, offset, blob.size, bytes.subarray(offset, end));
      } catch (err) {
        if (err.status === 0 || err.status >= 500) this.chunkFailed();
        throw err;
      }
      if (r.status === 201) { onBytes(blob.size - offset); return store.blobComplete(blob.sha256); }
      if (r.status === 204) {
        if (end - offset === size) this.chunkWent(size, performance.now() - started);
        const next = r.offset ?? end;
        onBytes(next - offset);
        offset = next;
        stale = 0;
        continue;
      }
      // 409: an earlier, cut request got further; go on from the server's offset
      const next = r.offset ?? await api.blobOffset(blob.sha256);
      if (++stale > 3) throw new ApiError(409, "offset_mismatch", "upload offset keeps changing");
      onBytes(next - offset);
      offset = next;
    }
  }

  // The photo store said "later": photos wait until then (records still go), and a sync
  // starts by itself at that time.
  async photosLater(err) {
    const at = Date.now() + retryDelay(err) * 1000;
    await this.store.setMeta("photos_retry_at", at);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.now(), at - Date.now() + 50);
    return photoStoreDown(at);
  }

  // Answers an error for later (the photo store is down) or null; a lost network or
  // sign-in stops at once.
  async uploadAll(pushed) {
    const retryAt = await this.store.getMeta("photos_retry_at");
    if (retryAt && retryAt > Date.now()) return photoStoreDown(retryAt);
    const blobs = (await this.store.unsentBlobs()).filter((b) => !PERMANENT_BLOB_ERRORS.includes(b.error?.code));
    if (!blobs.length) return null;
    let offsets;
    try {
      offsets = await this.startOffsets(blobs, pushed);
    } catch (err) {
      if (err.status === 503) return this.photosLater(err);   // the pull still goes
      throw err;
    }
    // a photo the server holds whole still gets its 201 (a PATCH of no bytes at its end)
    // before the phone's copy goes
    const todo = blobs.map((b) => ({ blob: b, offset: offsets.get(b.sha256) }));
    const bytesTotal = todo.reduce((n, t) => n + t.blob.size, 0);
    let bytesDone = todo.reduce((n, t) => n + (t.offset ?? 0), 0);
    let done = 0;
    let fatal = null;
    let later = null;
    this.report({ phase: "photos", done, total: todo.length, bytesDone, bytesTotal });
    const queue = [...todo];
    const stopped = () => Boolean(fatal || later);
    const onBytes = (n) => this.report({ bytesDone: (bytesDone += n) });
    const worker = async () => {
      for (let next = queue.shift(); next && !stopped(); next = queue.shift()) {
        try {
          await this.uploadOne(next.blob, next.offset, onBytes, stopped);
          if (!stopped()) this.report({ done: ++done });
        } catch (err) {
          if (stopsTheRun(err)) fatal ||= err;
          else if (err.status === 503) later ||= err;       // the photo store is down
          else {
            await this.store.keepUploadError(next.blob.sha256, { code: err.code, message: err.message });
            this.report({ done: ++done });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: PHOTOS_IN_FLIGHT }, worker));
    if (fatal) throw fatal;
    if (later) return this.photosLater(later);
    await this.store.setMeta("photos_retry_at", null);
    return null;
  }

  // after the uploads, so the counts are what this sync could not send; also when they
  // failed (a photo store down), which is just when the admins want to know
  async reportDevice(clientId) {
    const s = await this.store.summary();
    const device = { app_version: await this.appVersion(),
      unsynced: { inspections: s.inspections, rechecks: s.rechecks, ledger: s.ledger, photos: s.photos, bytes: s.bytes } };
    await this.api.push(clientId, { inspections: [] }, device);
  }

  // A first pull's first page names where its later pages begin (`ahead`, read before
  // the page's changes arrive): those are fetched PULL_PAGES_IN_FLIGHT at a time, so
  // their latencies overlap the bytes of the pages before them, and applied strictly in
  // order, each with its own cursor in one transaction; a pull cut anywhere resumes from
  // the last page applied. Progress: pages done of total (null while unknown: a pull
  // from a cursor goes page by page).
  async pullAll() {
    this.report({ phase: "pull", done: 0, total: null });
    let ahead = [];
    const fetched = [];
    const fetchUpTo = (n) => {
      while (fetched.length < Math.min(n, ahead.length)) {
        const next = this.api.pullPage(ahead[fetched.length]);
        next.catch(() => {});     // awaited in its turn; a failure stops the pull there
        fetched.push(next);
      }
    };
    const onAhead = (cursors) => { ahead = cursors; fetchUpTo(PULL_PAGES_IN_FLIGHT); };
    let page = await this.api.pullPage(await this.store.getMeta("cursor"), { onAhead });
    if (page.has_more && !ahead.length && page.ahead?.length) onAhead(page.ahead);
    let done = 0;
    let total = ahead.length ? ahead.length + 1 : null;
    const apply = async (p) => {
      await this.store.applyPullPage(p);
      done += 1;
      if (total !== null && done >= total && p.has_more) total = done + 1;
      this.report({ done, total });
    };
    this.report({ total });
    await apply(page);
    for (let i = 0; i < ahead.length; i++) {
      fetchUpTo(i + PULL_PAGES_IN_FLIGHT);
      await apply(page = await fetched[i]);
    }
    while (page.has_more) await apply(page = await this.api.pullPage(page.cursor));
  }

  // The "before" photos of open rectifications, for rechecks offline, and only those. A
  // photo the server will not give is tried again next time.
  async keepBeforePhotos() {
    const { api, store } = this;
    const needed = await store.neededBeforePhotos();
    const held = await store.heldBeforePhotos();
    for (const sha of held) if (!needed.has(sha)) await store.dropBeforePhoto(sha);
    const todo = [...needed].filter((sha) => !held.has(sha));
    this.report({ phase: "before", done: 0, total: todo.length });
    for (const [i, sha] of todo.entries()) {
      try {
        await store.keepBeforePhoto(sha, await api.blobDisplay(sha));
      } catch (err) {
        if (stopsTheRun(err)) throw err;
      }
      this.report({ done: i + 1 });
    }
  }
}

// The service worker's VERSION (the shell's digest); before a worker controls the page,
// the shell cache's name tells it.
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
