// Service worker: precache the app shell (awaited), take control at once, answer
// navigations from the cached shell, never touch API calls. VERSION is the shell's digest
// (tests/browser/test_shell.py says it after any change), so every change reaches the
// phones; data lives in IndexedDB, which an update never touches.
const VERSION = "38e380523ea3";
const CACHE = `shell-${VERSION}`;
const SHELL = [
  "./", "index.html", "app.css", "manifest.webmanifest",
  "app.js", "api.js", "before-photos.js", "bundle.js", "camera.js", "clock.js", "db.js", "geo.js",
  "households.js", "i18n.js", "ledger.js", "outbox.js", "pull.js", "records.js", "rectification.js", "reference.js", "reviews.js",
  "rounds.js", "score.js", "session.js", "storage.js", "sync.js", "thumbnails.js", "undo.js", "zip.js",
  "vendor/idb.js",
  "i18n/strings.json",
  "ui/badges.js", "ui/detail.js", "ui/dialogs.js", "ui/dom.js", "ui/export.js", "ui/home.js", "ui/households.js",
  "ui/in-app-browser.js", "ui/inspect.js", "ui/notes.js", "ui/period.js", "ui/photos.js", "ui/pick.js", "ui/points.js",
  "ui/recheck.js",
  "ui/rectifications.js", "ui/search.js", "ui/signin.js", "ui/status.js", "ui/storage.js", "ui/submission.js",
  "icons/icon.svg", "icons/icon-192.png", "icons/icon-512.png",
];

self.addEventListener("install", (event) => {
  // cache: "reload" so a new version never precaches stale files from the HTTP cache
  event.waitUntil(caches.open(CACHE).then((cache) =>
    cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  if (event.data === "version") event.ports[0]?.postMessage(VERSION);  // the device report's
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const scope = new URL(self.registration.scope);
  if (event.request.method !== "GET" || url.origin !== scope.origin) return;
  if (url.pathname.startsWith("/api/")) return;            // API calls go to the network, uncached
  if (event.request.mode === "navigate") {
    event.respondWith(caches.match("./", { cacheName: CACHE }).then((hit) => hit || fetch(event.request)));
    return;
  }
  if (!url.pathname.startsWith(scope.pathname)) return;
  event.respondWith(caches.match(event.request, { cacheName: CACHE, ignoreSearch: true })
    .then((hit) => hit || fetch(event.request)));
});
