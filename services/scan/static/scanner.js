// The in-browser scanner: camera QR decoding (jsQR), typed short codes, and an offline queue.
// Every scan goes into IndexedDB first, with the time it happened; a sync loop then sends what is
// queued, so a scan made without a connection is sent when the connection returns.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const cfg = JSON.parse($("scan-config").textContent);
  const t = cfg.text;
  const BADGE_URL = /\/c\/[A-Za-z2-7]{30,120}\/?(?:[?#].*)?$/;
  const KEEP_SAVED = 50;

  // IndexedDB: one store, "queue", keyed by client_scan_id; state is queued, saved or failed.
  let opened;
  const db = () => (opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open("rapport-scan", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("queue", { keyPath: "client_scan_id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }));
  async function withStore(mode, work) {
    const tx = (await db()).transaction("queue", mode);
    const request = work(tx.objectStore("queue"));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }
  const put = (item) => withStore("readwrite", (store) => store.put(item));
  const remove = (id) => withStore("readwrite", (store) => store.delete(id));
  // A shared phone keeps each attendee's scans apart: only this scanner's are shown and sent.
  const mine = async () =>
    (await withStore("readonly", (store) => store.getAll())).filter((i) => i.scanner === cfg.scanner);
  const oldestFirst = (a, b) => a.scanned_at.localeCompare(b.scanned_at);

  const newId = () => crypto.randomUUID?.() ??
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

  // The sheet: what was scanned waits here for a note and tags; scanning pauses while it is open.
  // Online, the lookup shows whom it names before the note is written; a refusal keeps the note
  // (in `carried`) for the fixed code or the next scan.
  let pending = null, carried = null;
  let lastText = "", lastSeen = 0;  // the last badge the camera read, and when
  function closeSheet() {
    pending = null;
    $("sheet").hidden = true;
    lastSeen = Date.now();  // the badge just handled may still be in view: do not reopen at once
  }
  const show = (id, text) => { $(id).textContent = text || ""; $(id).hidden = !text; };
  function openSheet(scanned, label) {
    pending = { scanned, label, scanned_at: new Date().toISOString() };
    const keep = carried;
    carried = null;
    $("sheet-title").textContent = label;
    show("sheet-headline", ""); show("sheet-work", "");
    $("sheet-met").hidden = true;
    $("sheet-refused").hidden = true;
    $("sheet-save").disabled = false;
    $("sheet-note-label").textContent = t.note_label;
    $("sheet-note").value = keep?.note || "";
    $("sheet").querySelectorAll("input[name=tag]").forEach((box) => { box.checked = !!keep?.tags.includes(box.value); });
    $("sheet").hidden = false;
    $("sheet-note").focus();
    lookUp(pending);
  }
  // Offline, the sheet says the name will come; back online with the sheet still open, it asks
  // again (setOnline), so the name shows before the note is saved.
  async function lookUp(asked) {
    if (!navigator.onLine) { $("sheet-status").textContent = t.name_on_sync; return; }
    if (asked.asking || asked.answered) return;
    asked.asking = true;
    $("sheet-status").textContent = t.looking_up;
    let response, answer;
    try {
      response = await fetch(`${cfg.lookup_url}?scanned=${encodeURIComponent(asked.scanned)}`,
                             { credentials: "same-origin", headers: { Accept: "application/json" } });
      answer = await response.json().catch(() => ({}));
    } catch {
      if (pending === asked) $("sheet-status").textContent = t.name_on_sync;
      return;
    } finally {
      asked.asking = false;
    }
    if (pending !== asked) return;  // the sheet moved on meanwhile
    asked.answered = response.status !== 429 && response.status < 500;  // busy or down: ask again later
    $("sheet-status").textContent = "";
    if (response.ok) {
      const who = answer.person;
      asked.name = who.name;
      $("sheet-title").textContent = who.name;
      show("sheet-headline", who.headline);
      show("sheet-work", [who.company, who.title].filter(Boolean).join(" · "));
      if (answer.met) {
        $("sheet-met-title").textContent = t.met_at.replace("{time}", answer.met.clock);
        $("sheet-met-notes").replaceChildren(...answer.met.notes.map((note) =>
          Object.assign(document.createElement("blockquote"), { textContent: note, dir: "auto" })));
        $("sheet-met").hidden = false;
        $("sheet-note-label").textContent = t.add_note_label;
      }
    } else if (response.status === 401 || response.status === 403) {
      $("relogin").hidden = false;  // saving would not work either; the queue keeps the scan
    } else if (response.status < 500 && response.status !== 429) {  // busy or down: saving still works
      $("sheet-refusal").textContent = t.refusals[answer.code] || answer.detail || response.statusText;
      $("sheet-refused").hidden = false;
      $("sheet-fix").hidden = !/^[0-9A-Z]{6}$/.test(asked.scanned);  // a typed code can be fixed, a QR rescanned
      $("sheet-save").disabled = true;
    }
  }
  // Keep what was written, and go back to the code field or the camera.
  function carry(focusCode, code) {
    const tags = [...$("sheet").querySelectorAll("input[name=tag]:checked")].map((box) => box.value);
    carried = { note: $("sheet-note").value, tags };
    closeSheet();
    lastText = "";  // a rescan of the same badge is wanted now
    if (focusCode) { $("code").value = code || ""; $("code").focus(); }
  }
  $("sheet-fix").addEventListener("click", () => carry(true, pending?.scanned));
  $("sheet-rescan").addEventListener("click", () => carry(false));
  $("sheet").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!pending) return;
    const tags = [...$("sheet").querySelectorAll("input[name=tag]:checked")].map((box) => box.value);
    const { asking, answered, ...scanned } = pending;  // eslint-disable-line no-unused-vars
    const item = { ...scanned, client_scan_id: newId(), scanner: cfg.scanner, note: $("sheet-note").value.trim(),
                   tags, state: "queued" };
    closeSheet();
    await put(item);
    await render();
    sync();
  });
  $("sheet-cancel").addEventListener("click", closeSheet);

  $("manual").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = $("code").value.toUpperCase()
      .replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) & 0xF))  // Arabic-Indic digits
      .replace(/[^0-9A-Z]/g, "");
    const valid = code.length === cfg.code_length && [...code].every((ch) => cfg.code_alphabet.includes(ch));
    $("code-error").hidden = valid;
    $("code-error").textContent = valid ? "" : t.bad_code;
    if (!valid) return;
    $("code").value = "";
    openSheet(code, t.code_label.replace("{code}", code));
  });

  // Sync: oldest first; a network error leaves the scan queued, a refusal marks it failed.
  let syncing = false;
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      const queued = (await mine()).filter((i) => i.state === "queued").sort(oldestFirst);
      for (const item of queued) {
        let response;
        try {
          response = await fetch(cfg.save_url, {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": cfg.csrf },
            body: JSON.stringify({ scanned: item.scanned, note: item.note, tags: item.tags,
                                   client_scan_id: item.client_scan_id, scanned_at: item.scanned_at }),
          });
        } catch {
          setOnline(false);
          return;
        }
        setOnline(true);
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          Object.assign(item, { state: "saved", name: answer.scanned?.name || item.label, mutual: !!answer.mutual,
                                saved_at: new Date().toISOString() });
        } else if (response.status === 401 || response.status === 403) {
          $("relogin").hidden = false;  // the identity is gone: keep everything queued for when it is back
          return;
        } else if (response.status === 429 || response.status >= 500) {
          return;  // busy or down: the next round tries again
        } else {  // refused: said in the page's language, with the note kept for a fix
          Object.assign(item, { state: "failed", detail: t.refusals[answer.code] || answer.detail || response.statusText });
        }
        await put(item);
        await render();
      }
      await prune();
    } finally {
      syncing = false;
      await render();
    }
  }
  async function prune() {
    const done = (await mine()).filter((i) => i.state === "saved").sort((a, b) => b.saved_at.localeCompare(a.saved_at));
    for (const item of done.slice(KEEP_SAVED)) await remove(item.client_scan_id);
  }

  function setOnline(online) {
    $("net").textContent = online ? t.online : t.offline;
    $("net").dataset.online = String(online);
    if (online && pending) lookUp(pending);
  }
  window.addEventListener("online", () => { setOnline(true); sync(); });
  window.addEventListener("offline", () => setOnline(false));

  // The two lists, built with textContent only (notes and names are other people's words).
  // Each piece in a <bdi>: an English name or note keeps its order on an Arabic page, and the reverse.
  const lang = document.documentElement.lang;
  const time = (iso) => new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  const isolated = (text) => Object.assign(document.createElement("bdi"), { textContent: text });
  function entry(item, who, meta) {
    const li = document.createElement("li");
    li.dataset.id = item.client_scan_id;
    li.dataset.state = item.state;
    const name = document.createElement("div");
    name.className = "who";
    name.append(isolated(who));
    const line = document.createElement("div");
    line.className = "meta";
    [time(item.scanned_at), ...meta].filter(Boolean).forEach((text, i) => line.append(i ? " · " : "", isolated(text)));
    li.append(name, line);
    return li;
  }
  async function render() {
    const items = await mine();
    const queued = items.filter((i) => i.state === "queued").sort(oldestFirst).map((i) => entry(i, i.name || i.label, [i.note]));
    const done = items.filter((i) => i.state !== "queued")
      .sort((a, b) => (b.saved_at || b.scanned_at).localeCompare(a.saved_at || a.scanned_at))
      .map((i) => {
        if (i.state === "saved") return entry(i, i.name, [i.mutual ? t.mutual_short : "", i.note]);
        const li = entry(i, i.label, [`${t.failed} ${i.detail}`, i.note]);
        const fix = document.createElement("button");
        fix.type = "button";
        fix.textContent = t.fix_code;
        fix.addEventListener("click", async () => {
          await remove(i.client_scan_id);
          carried = { note: i.note, tags: i.tags };
          $("code").value = /^[0-9A-Z]{6}$/.test(i.scanned) ? i.scanned : "";
          $("code").focus();
          await render();
        });
        li.querySelector(".who").append(fix);
        const dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "secondary";
        dismiss.textContent = t.dismiss;
        dismiss.addEventListener("click", async () => { await remove(i.client_scan_id); await render(); });
        li.querySelector(".who").append(dismiss);
        return li;
      });
    for (const [list, children] of [[$("queued"), queued], [$("saved"), done]]) {
      const empty = document.createElement("li");
      empty.className = "meta";
      empty.textContent = t.empty;
      list.replaceChildren(...(children.length ? children : [empty]));
    }
  }

  // The camera: a frame every 150 ms to a canvas, decoded by jsQR; a Rapport badge URL opens the sheet.
  async function camera() {
    if (!navigator.mediaDevices?.getUserMedia || typeof jsQR !== "function") {
      $("camera-status").textContent = t.camera_off;
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch {
      $("camera-status").textContent = t.camera_off;  // refused or absent: typing a code still works
      return;
    }
    const video = $("video");
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    $("camera-status").textContent = t.camera_ready;
    const canvas = $("frame");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    setInterval(() => {
      if (!$("sheet").hidden || video.readyState < 2 || !video.videoWidth) return;
      const scale = Math.min(1, 640 / video.videoWidth);  // a phone's full frame is more than jsQR needs
      const width = Math.round(video.videoWidth * scale), height = Math.round(video.videoHeight * scale);
      if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
      context.drawImage(video, 0, 0, width, height);
      const pixels = context.getImageData(0, 0, width, height).data;
      const found = jsQR(pixels, width, height, { inversionAttempts: "dontInvert" });
      if (!found || !BADGE_URL.test(found.data)) return;
      const seenAgain = found.data === lastText && Date.now() - lastSeen < 5000;
      lastText = found.data;
      lastSeen = Date.now();
      if (seenAgain) return;  // the same badge still in view: only after it has been away a while
      openSheet(found.data, t.badge_label);
    }, 150);
  }

  setOnline(navigator.onLine);
  render().then(sync);
  setInterval(sync, 4000);
  camera();
})();
