// The staff workspace's service worker (scope /staff/): opens the workspace with no
// network after one visit. scripts/precache.mjs fills in VERSION and PRECACHE at build
// time. Like the citizen app's worker, it never touches API calls or non-GET requests:
// the staff member's queued actions and cached inbox live in IndexedDB.
const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const CACHE = `adal-staff-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("adal-staff-shell-") && k !== CACHE).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith("/staff/")) return;
  // Every staff screen is the same single page: answer navigations with the cached shell.
  const key = request.mode === "navigate" ? "/staff/index.html" : request;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(key))
      .then((cached) => cached || fetch(request)),
  );
});
