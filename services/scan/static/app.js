// Every scan page: install the offline app's service worker (the scanner, My people and My QR
// then open without a connection). A file, not an inline script: the pages run under a strict CSP.
"use strict";
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
// My QR: keep the screen awake while it is shown, so it does not dim in front of the other phone.
if (document.querySelector(".myqr") && navigator.wakeLock) {
  const awake = () => navigator.wakeLock.request("screen").catch(() => {});
  awake();
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") awake(); });
}
