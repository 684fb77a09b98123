// The status card: what is waiting, the last sync, why the last one failed, and a
// progress bar (items and bytes) while a sync runs.
import { h, mount } from "./dom.js";
import { t, formatDateTime, formatBytes } from "../i18n.js";
import { summary } from "../outbox.js";
import { getMeta } from "../session.js";
import { listInspections, listRechecks } from "../records.js";

export function reasonText(error) {
  if (!error) return "";
  if (error.code === "network") return t("error.network");
  if (error.status === 401) return t("error.auth");
  if (error.status === 403) return t("error.forbidden");
  if (error.status === 429) return t("error.throttled");
  if (error.code === "store_unavailable") return t("error.photo_store");
  if (error.status >= 500) return t("error.server", { status: error.status });
  return error.message || error.code;
}

function progressView(p) {
  if (!p.running) return null;
  const total = p.total ?? 0;
  const text = p.phase === "push" ? t("sync.pushing", { done: p.done, total })
    : p.phase === "photos" ? t("sync.uploading", { done: p.done, total,
        bytes: formatBytes(p.bytesDone || 0), total_bytes: formatBytes(p.bytesTotal || 0) })
    : p.phase === "pull" ? pullingText(p)
    : p.phase === "before" ? t("sync.before_photos", { done: p.done, total }) : t("sync.starting");
  const fraction = p.phase === "photos" && p.bytesTotal ? p.bytesDone / p.bytesTotal
    : total ? p.done / total : 0;
  return h("div", { class: "progress" },
    h("div", { id: "sync-progress-text" }, text),
    h("progress", { max: 1, value: Math.min(1, fraction) }));
}

// a first pull knows its pages from the start; a later one learns them page by page
function pullingText(p) {
  if (p.total) return t("sync.pulling_pages", { done: p.done, total: p.total });
  return p.done ? t("sync.pulling_pages_so_far", { done: p.done }) : t("sync.pulling");
}

// drafts are not sent until submitted: the card says so, or "all sent" would mislead
async function drafts() {
  const records = (await Promise.all([listInspections(), listRechecks()])).flat()
    .filter((r) => r.local.state === "draft");
  return { count: records.length, photos: records.reduce((n, r) => n + r.photos.length, 0) };
}

function draftsLine(d) {
  if (!d.count) return null;
  const what = d.photos ? t("status.drafts_photos", { drafts: t("n.drafts", { count: d.count }),
    photos: t("n.photos", { count: d.photos }) }) : t("n.drafts", { count: d.count });
  return h("div", { id: "status-drafts", class: "warn" }, t("status.drafts", { what }));
}

async function fill(box, sync) {
  // fills overlap while a sync reports progress: only the latest one may paint
  const seq = (box.seq = (box.seq || 0) + 1);
  const p = sync.progress;
  const [s, lastSync, lastError, d] = await Promise.all([summary(), getMeta("last_sync"), getMeta("last_error"), drafts()]);
  if (seq !== box.seq) return;
  const waiting = s.inspections || s.rechecks || s.ledger || s.photos;
  const parts = [s.inspections && t("n.inspections", { count: s.inspections }),
    s.rechecks && t("n.rechecks", { count: s.rechecks }), s.ledger && t("n.entries", { count: s.ledger }),
    s.photos && t("n.photos", { count: s.photos })].filter(Boolean);
  const what = parts.length ? parts.reduce((a, b) => t("status.and", { a, b })) : "";
  const line = waiting ? t("status.waiting", { what, bytes: formatBytes(s.bytes) })
    : d.count ? t("status.submitted_sent") : t("status.all_sent");
  Object.assign(box.dataset, { inspections: s.inspections, rechecks: s.rechecks, ledger: s.ledger, photos: s.photos,
    drafts: d.count, running: p.running ? "1" : "0" });
  mount(box,
    h("div", { id: "status-line", class: waiting || d.count ? "waiting" : "clean" }, line),
    draftsLine(d),
    h("div", { id: "last-sync", class: "muted" },
      lastSync ? t("status.last_sync", { when: formatDateTime(lastSync) }) : t("status.never_synced")),
    lastError && !p.running ? h("div", { id: "sync-error", class: "error" },
      t("status.failed", { reason: reasonText(lastError) })) : null,
    s.rejected.length ? h("div", { class: "error" }, t("status.rejected", { count: s.rejected.length })) : null,
    progressView(p),
    h("button", { id: "sync-button", class: "big primary", disabled: p.running,
                  onclick: () => sync.now() }, p.running ? t("sync.running") : t("sync.now")));
}

export function statusCard(sync) {
  const box = h("section", { id: "status", class: "card" });
  const refresh = () => { if (box.isConnected || !box.dataset.inspections) fill(box, sync); };
  sync.addEventListener("progress", refresh);
  const stop = () => sync.removeEventListener("progress", refresh);
  addEventListener("hashchange", stop, { once: true });
  fill(box, sync);
  return box;
}
