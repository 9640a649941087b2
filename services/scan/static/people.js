// My people, when the page has its script: the list filters as you type (offline too, where the
// server cannot search), and an edit made without a connection says so instead of failing.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const cfg = JSON.parse($("people-config").textContent);
  const people = [...document.querySelectorAll("li.person")];
  const words = (text) => text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  function filter() {
    const wanted = words($("q").value);
    let shown = 0;
    for (const li of people) {
      const text = li.textContent.toLocaleLowerCase();
      li.hidden = !wanted.every((w) => text.includes(w));
      shown += !li.hidden;
    }
    $("no-match").hidden = shown > 0 || !people.length;
  }
  $("q").addEventListener("input", filter);
  document.querySelector("form.search").addEventListener("submit", (event) => {
    event.preventDefault();  // the list is all here: filtering needs no round trip
    filter();
  });
  for (const form of document.querySelectorAll("details.edit form")) {
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      const note = form.querySelector(".offline-note");
      note.textContent = cfg.text.edit_offline;
      note.hidden = false;
    });
  }
  filter();
})();
