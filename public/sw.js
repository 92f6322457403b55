// Adal's service worker: starts the app with no network after one visit.
// scripts/precache.mjs fills in VERSION and PRECACHE at build time; a new build gives
// a new cache name, and the old cache is dropped once the new version takes over.
// A new version waits until the person taps "reload" (the app first saves what is being
// typed), so a page never runs against a shell it was not built with.
// It never touches API calls or non-GET requests: the outbox lives in IndexedDB.
const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const CACHE = `adal-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      // The very first install has no older version to keep running: take over at once.
      .then(() => (self.registration.active ? undefined : self.skipWaiting())),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("adal-shell-") && k !== CACHE).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

// Background Sync: when the browser has a connection again it wakes this worker, which
// asks every open page to send its outbox (the sender, with its lease, lives in the page).
self.addEventListener("sync", (event) => {
  if (event.tag !== "adal-outbox") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window" })
      .then((pages) => pages.forEach((page) => page.postMessage({ type: "DRAIN" }))),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  // The staff workspace is another app with its own worker (scope /staff/).
  if (url.pathname === "/staff" || url.pathname.startsWith("/staff/")) return;
  // Every screen is the same single page: answer navigations with the cached shell.
  const key = request.mode === "navigate" ? "/index.html" : request;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(key))
      .then((cached) => cached || fetch(request)),
  );
});
