// Who to meet: its answers come from the match service, so with no connection the page (the copy
// the offline app kept) says so, and a tap on a button explains instead of failing.
"use strict";
(() => {
  const note = document.getElementById("meet-offline");
  const show = () => { note.hidden = navigator.onLine; };
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  for (const form of document.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      note.hidden = false;
      note.scrollIntoView({ block: "center" });
    });
  }
  show();
})();
