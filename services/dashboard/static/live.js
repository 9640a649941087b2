// The live view. Every second it asks the dashboard what changed since the version it last saw
// (GET /v1/events/{id}/live?since=N) and updates the counters, the chart, the graph of who met
// whom, the top connectors and the people who have met nobody, without reloading the page.
// The graph (force-graph, canvas) is loaded whole once, then grows by the changes; the server
// says `reload` when that is no longer possible (an erasure, or this tab fell far behind).
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("live-config").textContent);
  const t = config.text;
  const rtl = document.documentElement.dir === "rtl";
  const locale = config.lang === "ar" ? "ar-u-nu-latn" : "en";  // Arabic words, Latin digits
  const number = new Intl.NumberFormat(locale);
  const PERIOD = 1000, BACKOFF = 5000;
  const FONT = getComputedStyle(document.body).fontFamily;
  let version = 0, limit = Infinity, delay = PERIOD;

  let clock;
  try {
    clock = new Intl.DateTimeFormat(locale, {hour: "2-digit", minute: "2-digit", timeZone: config.timezone});
  } catch (err) {  // an unknown zone: the browser's own
    clock = new Intl.DateTimeFormat(locale, {hour: "2-digit", minute: "2-digit"});
  }

  // --- The graph ---------------------------------------------------------------------------
  // A map the organizer can use: everyone in view (the people who met nobody most of all: they are
  // the ones to go and find), names that never overlap, and a layout that stays where it settled.
  // The layout settles in a fixed number of ticks (not seconds: a background tab or a slow laptop
  // settles the same), then every node is pinned. A new meeting frees only the two people in it
  // (and a newcomer), so the rest of the map never moves under the organizer's eyes.
  const box = document.getElementById("graph");
  const nodes = new Map();   // id -> {id, name, meetings, x, y, fx, fy}
  const links = new Map();   // "a b" -> {source, target, mutual}, drawn
  const pending = new Map(); // meetings whose people are not (yet) drawn
  const placed = new Map();  // id -> [x, y] where it settled: kept across a full reload
  const ALONE = "#e07b00", MET = "#1f5f8b", RING = "#7a3d00";
  const SETTLE_TICKS = 300, PADDING = 36, LABEL_PX = 12, MAX_FIT_ZOOM = 2.5, COLLIDE_UP_TO = 800;
  const color = (n) => (n.meetings ? MET : ALONE);
  const size = (n) => (n.meetings ? 1 + 2 * Math.sqrt(n.meetings) : 4);  // alone: larger than a first meeting
  const radius = (n) => Math.sqrt(size(n)) * 4;  // force-graph's nodeRelSize (4) times sqrt(val)
  const RTL_FIRST = /^[^A-Za-z\u00C0-\u024F]*[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  let named = new Set();  // the top connectors: their names are always drawn
  let userMoved = false;  // the organizer zoomed or dragged the view: we stop fitting it for them
  let drawnLabels = [];   // the last frame's labels, in CSS pixels of the canvas
  // The tooltip takes a string as HTML; an element it appends as is. Names are attendees' own text,
  // so they go in as a text node: "<img onerror=...>" shows as those characters, never as markup.
  const tooltip = (n) => {
    const label = document.createElement("span");
    label.dir = "auto";
    label.textContent = `${n.name} · ${number.format(n.meetings)}`;
    return label;
  };

  // Everyone is pulled towards the middle, people who met nobody harder: with no link to hold
  // them, the nodes' repulsion alone would push them out of the picture.
  let simulated = [];
  const gravity = (alpha) => {
    for (const n of simulated) {
      const k = (n.meetings ? 0.03 : 0.06) * alpha;
      n.vx -= n.x * k;
      n.vy -= n.y * k;
    }
    if (simulated.length > COLLIDE_UP_TO) return;
    // And no two dots on top of each other (pairwise: a few hundred people at most are drawn).
    for (let i = 0; i < simulated.length; i++) {
      const a = simulated[i];
      for (let j = i + 1; j < simulated.length; j++) {
        const b = simulated[j], dx = b.x - a.x, dy = b.y - a.y, room = radius(a) + radius(b) + 6;
        const d2 = dx * dx + dy * dy;
        if (d2 >= room * room) continue;
        const d = Math.sqrt(d2) || 1, push = ((room - d) / d) * 0.35;
        b.vx += dx * push; b.vy += dy * push;
        a.vx -= dx * push; a.vy -= dy * push;
      }
    }
  };
  gravity.initialize = (list) => { simulated = list; };

  function fit() {
    if (userMoved || !nodes.size) return;
    graph.zoomToFit(0, PADDING);
    if (graph.zoom() > MAX_FIT_ZOOM) graph.zoom(MAX_FIT_ZOOM, 0);  // a few people: not giant dots
  }

  function settled() {
    for (const n of nodes.values()) {
      n.fx = n.x;
      n.fy = n.y;
      placed.set(n.id, [n.x, n.y]);
    }
    fit();
    box.dataset.settled = "1";
  }

  function free(id) {
    const n = nodes.get(id);
    if (n) { n.fx = undefined; n.fy = undefined; }
  }

  // Labels, drawn after the nodes in priority order (top connectors, then people who met nobody,
  // then, zoomed in, everyone), each only where it overlaps no label already drawn. Names are
  // drawn as canvas text: characters, never markup.
  function drawLabels(ctx, scale) {
    const order = [...nodes.values()].filter((n) => n.name && (scale >= 2.5 || named.has(n.id) || !n.meetings));
    const rank = (n) => (named.has(n.id) ? 0 : n.meetings ? 2 : 1);
    order.sort((a, b) => rank(a) - rank(b) || b.meetings - a.meetings || (a.id < b.id ? -1 : 1));
    const taken = [];
    ctx.save();
    ctx.font = `${LABEL_PX / scale}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const hits = (l, o) => l.x < o.x + o.w && o.x < l.x + l.w && l.y < o.y + o.h && o.y < l.y + l.h;
    const dots = [...nodes.values()].map((n) => ({x: n.x - radius(n), y: n.y - radius(n), w: 2 * radius(n), h: 2 * radius(n)}));
    const corner = graph.screen2GraphCoords(0, 0), far = graph.screen2GraphCoords(box.clientWidth, box.clientHeight);
    const inside = (l) => l.x >= corner.x && l.y >= corner.y && l.x + l.w <= far.x && l.y + l.h <= far.y;
    // Where it is seen whole, over no other label and no dot.
    const clear = (l) => inside(l) && !taken.some((o) => hits(l, o)) && !dots.some((o) => hits(l, o));
    for (const n of order) {
      const w = ctx.measureText(n.name).width + 4 / scale, h = (LABEL_PX + 3) / scale, r = radius(n) + 1 / scale;
      // Below the dot, else above it, else beside it on either side.
      const label = [
        {x: n.x - w / 2, y: n.y + r, w, h},
        {x: n.x - w / 2, y: n.y - r - h, w, h},
        {x: n.x + r, y: n.y - h / 2, w, h},
        {x: n.x - r - w, y: n.y - h / 2, w, h},
      ].find(clear);
      if (!label) continue;
      taken.push(label);
      ctx.direction = RTL_FIRST.test(n.name) ? "rtl" : "ltr";
      ctx.fillStyle = "rgba(251, 250, 247, .85)";  // a halo: readable over links
      ctx.fillRect(label.x, label.y, label.w, label.h);
      ctx.fillStyle = n.meetings ? "#1d1d1b" : RING;
      ctx.fillText(n.name, label.x + label.w / 2, label.y + 1.5 / scale);
    }
    ctx.restore();
    drawnLabels = taken.map((l) => {
      const a = graph.graph2ScreenCoords(l.x, l.y), b = graph.graph2ScreenCoords(l.x + l.w, l.y + l.h);
      return {x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y};
    });
  }

  const graph = ForceGraph()(box)
    .width(box.clientWidth).height(box.clientHeight)
    .nodeLabel(tooltip)
    .nodeVal(size)
    .nodeColor(color)
    .nodeCanvasObjectMode(() => "after")
    .nodeCanvasObject((n, ctx, scale) => {
      if (n.meetings) return;
      ctx.beginPath();  // a ring as well as the colour: they stand out without colour vision too
      ctx.arc(n.x, n.y, radius(n) + 1.5 / scale, 0, 2 * Math.PI);
      ctx.strokeStyle = RING;
      ctx.lineWidth = 1.5 / scale;
      ctx.stroke();
    })
    .onRenderFramePost(drawLabels)
    .linkColor((l) => (l.mutual ? "rgba(43, 106, 47, .75)" : "rgba(110, 110, 110, .35)"))
    .linkWidth((l) => (l.mutual ? 1.5 : 0.6))
    .d3Force("gravity", gravity)
    .cooldownTicks(SETTLE_TICKS)
    .cooldownTime(Infinity)
    .onEngineStop(settled)
    .onNodeDragEnd((n) => { n.fx = n.x; n.fy = n.y; placed.set(n.id, [n.x, n.y]); })
    .onNodeClick((n) => { userMoved = true; graph.centerAt(n.x, n.y, 400); graph.zoom(4, 400); });
  // A person's own gesture on the view (not our fitting): from then on the view is theirs.
  for (const type of ["wheel", "pointerdown", "touchstart"]) {
    box.addEventListener(type, () => { userMoved = true; }, {passive: true});
  }
  document.getElementById("graph-fit").addEventListener("click", () => { userMoved = false; fit(); });
  new ResizeObserver(() => { graph.width(box.clientWidth).height(box.clientHeight); fit(); }).observe(box);
  // What the map shows, in CSS pixels of the page: for the browser tests, and for debugging.
  box.graphLayout = () => {
    const rect = box.querySelector("canvas").getBoundingClientRect();
    const at = (x, y) => { const p = graph.graph2ScreenCoords(x, y); return {x: rect.left + p.x, y: rect.top + p.y}; };
    const scale = graph.zoom();
    return {
      nodes: [...nodes.values()].map((n) => ({id: n.id, meetings: n.meetings, ...at(n.x, n.y), r: radius(n) * scale})),
      labels: drawnLabels.map((l) => ({x: rect.left + l.x, y: rect.top + l.y, w: l.w, h: l.h})),
    };
  };

  function putNode([id, name, meetings]) {
    const node = nodes.get(id);
    if (node) {
      node.name = name;
      node.meetings = meetings;
      return false;
    }
    if (nodes.size >= limit) return false;
    const where = placed.get(id);
    nodes.set(id, where ? {id, name, meetings, x: where[0], y: where[1], fx: where[0], fy: where[1]} : {id, name, meetings});
    return true;
  }

  function putLink([a, b, mutual]) {
    const key = `${a} ${b}`;
    const link = links.get(key);
    if (link) {
      link.mutual = mutual;
      return false;
    }
    pending.set(key, {source: a, target: b, mutual});
    return false;
  }

  function drawPending() {
    let added = false;
    for (const [key, link] of pending) {
      if (nodes.has(link.source) && nodes.has(link.target)) {
        links.set(key, link);
        pending.delete(key);
        free(link.source);  // the two who just met find their place; everyone else stays put
        free(link.target);
        added = true;
      }
    }
    return added;
  }

  function draw(structural) {
    if (structural) {
      box.dataset.settled = "0";
      graph.graphData({nodes: [...nodes.values()], links: [...links.values()]});
    } else graph.nodeColor(color);  // same data, new sizes and colours: ask for a redraw
    box.dataset.nodes = nodes.size;
    box.dataset.edges = links.size;
    box.dataset.version = version;
  }

  async function loadGraph() {
    const answer = await getJson(config.graph);
    nodes.clear();
    links.clear();
    pending.clear();
    limit = answer.limit;
    answer.nodes.forEach(putNode);
    answer.edges.forEach(putLink);
    drawPending();
    for (const n of nodes.values()) {  // a reload keeps where people were
      const where = placed.get(n.id);
      if (where) [n.fx, n.fy] = where;
    }
    version = answer.version;
    document.getElementById("graph-note").textContent = answer.attendees > answer.nodes.length
      ? t.graph_limited.replace("{shown}", number.format(answer.nodes.length)).replace("{total}", number.format(answer.attendees))
      : "";
    draw(true);
  }

  function applyChanges(answer) {
    let structural = false;
    answer.nodes.forEach((n) => { structural = putNode(n) || structural; });
    answer.edges.forEach(putLink);
    structural = drawPending() || structural;
    version = answer.version;
    draw(structural);
  }

  // --- The chart -----------------------------------------------------------------------------
  Chart.defaults.font.family = FONT;
  const chart = new Chart(document.getElementById("chart"), {
    type: "bar",
    // Mutual meetings are some of the meetings: drawn inside their bar, not beside it.
    data: {labels: [], datasets: [
      {label: t.meetings, data: [], backgroundColor: "#1f5f8b", grouped: false, barPercentage: 0.9, maxBarThickness: 48, order: 2},
      {label: t.mutual_series, data: [], backgroundColor: "#8cc97f", grouped: false, barPercentage: 0.5, maxBarThickness: 26, order: 1},
    ]},
    options: {
      animation: false, maintainAspectRatio: false, locale,
      scales: {x: {reverse: rtl, ticks: {maxRotation: 0, autoSkip: true}},
               y: {beginAtZero: true, position: rtl ? "right" : "left", ticks: {precision: 0}}},
      plugins: {legend: {position: "bottom", rtl}, tooltip: {rtl}},
    },
  });

  // --- Figures and lists ---------------------------------------------------------------------
  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function person(name, className = "who") {
    const el = element("span", className, name);
    el.dir = "auto";
    return el;
  }

  function showFigures(stats) {
    const set = (id, value) => { document.getElementById(id).textContent = value; };
    set("stat-meetings", number.format(stats.meetings));
    set("stat-mutual", `${number.format(Math.round(stats.mutual_share * 100))}%`);
    set("stat-active", number.format(stats.active_scanners));
    set("stat-met", number.format(stats.met_someone));
    set("stat-attendees", number.format(stats.attendees));
    set("stat-unmet", number.format(stats.met_nobody));
    chart.data.labels = stats.per_10_minutes.map((b) => clock.format(new Date(b.starts_at)));
    chart.data.datasets[0].data = stats.per_10_minutes.map((b) => b.meetings);
    chart.data.datasets[1].data = stats.per_10_minutes.map((b) => b.mutual);
    chart.update("none");
    const top = stats.top_connectors.map((p) => {
      const li = element("li");
      li.append(person(p.name), " ", element("span", "count", number.format(p.meetings)));
      return li;
    });
    document.getElementById("top").replaceChildren(...(top.length ? top : [element("li", "tip", t.none_yet)]));
    named = new Set(stats.top_connectors.map((p) => p.id));
  }

  function showUnmet(people) {
    const items = people.map((p) => {
      const li = element("li");
      li.append(person(p.name));
      if (p.company) li.append(" ", person(p.company, "meta"));
      if (p.interests.length) {
        const tags = element("span", "interests");
        p.interests.forEach((i) => tags.append(person(i, "tag")));
        li.append(tags);
      }
      const best = p.best_match;  // from the match service, when it answers
      if (best) {
        const line = element("span", "intro best", t.best_match.replace("{name}", `\u2068${best.name}\u2069`));
        if (best.company) line.append(" · ", element("bdi", "", best.company));
        const why = element("span", "why", `${t.best_match_why}: `);
        // Each quote of someone's own words in its own bidi isolate, as the page's template does.
        best.reason.split(/([«“][^»”]*[»”])/).forEach((part, i) => {
          if (i % 2 === 0) { why.append(part); return; }
          why.append(part[0], element("bdi", "", part.slice(1, -1)), part.slice(-1));
        });
        li.append(line, why);
        return li;
      }
      const intro = p.introduce_to;
      li.append(element("span", "intro", intro
        ? `${t.introduce.replace("{name}", intro.name)} · ${t.shares.replace("{interest}", intro.interest)}`
        : t.no_match));
      return li;
    });
    document.getElementById("unmet").replaceChildren(...(items.length ? items : [element("li", "tip", t.everyone_met)]));
  }

  function showSuggestions(figures) {  // null: the match service is not answering
    document.getElementById("suggested-counter").hidden = !figures;
    if (!figures) return;
    document.getElementById("stat-suggested-met").textContent = number.format(figures.met_after_suggestion);
    document.getElementById("stat-suggested").textContent = number.format(figures.suggested_pairs);
  }

  // --- Polling -------------------------------------------------------------------------------
  async function getJson(url) {
    const response = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
    if (response.status === 401) window.location.reload();  // logged out elsewhere: the login page
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  const status = document.getElementById("live-status");
  async function poll() {
    try {
      const answer = await getJson(`${config.live}?since=${version}`);
      if (answer.reload) await loadGraph();
      else applyChanges(answer);
      showFigures(answer.stats);
      showUnmet(answer.unmet);
      showSuggestions(answer.suggestions);
      status.hidden = true;
      delay = PERIOD;
    } catch (err) {
      status.hidden = false;
      delay = BACKOFF;
    }
    window.setTimeout(poll, document.hidden ? BACKOFF : delay);
  }
  loadGraph().catch(() => { status.hidden = false; }).finally(poll);
})();
