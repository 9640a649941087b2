// Every scan page: install the offline app's service worker (the scanner, My people and My QR
// then open without a connection). A file, not an inline script: the pages run under a strict CSP.
"use strict";
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
