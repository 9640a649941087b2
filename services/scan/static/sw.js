// The offline app's service worker: the scanner, My people, My QR and Who to meet (the copy from the
// last visit, saying it is offline) open with no connection.
// Pages: network first (always fresh online), the last copy when offline. Static files (styles,
// scripts, fonts, the QR decoder): from the cache, refreshed in the background. Scans themselves
// never pass through here: the scanner queues them in IndexedDB and syncs when back online.
"use strict";
const CACHE = "rapport-scan-v1";
const PAGES = ["/scan", "/me/people", "/me/qr", "/me/meet"];
const STATIC = ["/static/scan/scan.css", "/static/scan/scanner.js", "/static/scan/app.js", "/static/scan/people.js",
                "/static/scan/meet.js",
                "/static/vendor/jsQR.js",
                "/static/vendor/plex-arabic-400.ttf", "/static/vendor/plex-arabic-700.ttf", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Each on its own: one that fails (no identity yet, say) must not stop the others.
    await Promise.all([...STATIC, ...PAGES].map((url) => cache.add(new Request(url, { credentials: "same-origin" }))
      .catch(() => {})));
    // My QR's picture has a URL of its own (whose QR it is): keep the one the page names.
    const qrPage = await cache.match("/me/qr");
    const src = qrPage && (await qrPage.text()).match(/src="(\/me\/qr\.svg[^"]*)"/);
    if (src) await cache.add(src[1].replaceAll("&amp;", "&")).catch(() => {});
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

const isPage = (url) => PAGES.includes(url.pathname) || url.pathname === "/me/qr.svg";

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (isPage(url)) {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return response;
      } catch (offline) {
        // The same page in any language (?lang=) beats the browser's error page.
        const kept = await cache.match(request) || await cache.match(request, { ignoreSearch: true });
        if (kept) return kept;
        throw offline;
      }
    })());
  } else if (STATIC.includes(url.pathname)) {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      const kept = await cache.match(request);
      const fresh = fetch(request).then(async (response) => {
        if (response.ok) await cache.put(request, response.clone());
        return response;
      });
      if (kept) { event.waitUntil(fresh.catch(() => {})); return kept; }
      return fresh;
    })());
  }
});
