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
  const box = document.getElementById("graph");
  const nodes = new Map();   // id -> {id, name, meetings}
  const links = new Map();   // "a b" -> {source, target, mutual}, drawn
  const pending = new Map(); // meetings whose people are not (yet) drawn
  const color = (n) => (n.meetings ? "#1f5f8b" : "#e07b00");
  const size = (n) => 1 + 2 * Math.sqrt(n.meetings);
  let named = new Set();  // the top connectors: their names are always drawn
  // The tooltip takes a string as HTML; an element it appends as is. Names are attendees' own text,
  // so they go in as a text node: "<img onerror=...>" shows as those characters, never as markup.
  const tooltip = (n) => {
    const label = document.createElement("span");
    label.dir = "auto";
    label.textContent = `${n.name} · ${number.format(n.meetings)}`;
    return label;
  };
  const graph = ForceGraph()(box)
    .width(box.clientWidth).height(box.clientHeight)
    .nodeLabel(tooltip)
    .nodeVal(size)
    .nodeColor(color)
    .nodeCanvasObjectMode(() => "after")
    .nodeCanvasObject((n, ctx, scale) => {
      if (scale < 2.5 && !named.has(n.id)) return;  // zoom in to read everyone's name
      ctx.font = `${12 / scale}px ${FONT}`;
      ctx.textAlign = "center";
      ctx.fillStyle = "#1d1d1b";
      ctx.fillText(n.name, n.x, n.y + Math.sqrt(size(n)) * 4 + 12 / scale);
    })
    .linkColor((l) => (l.mutual ? "rgba(43, 106, 47, .75)" : "rgba(110, 110, 110, .35)"))
    .linkWidth((l) => (l.mutual ? 1.5 : 0.6))
    .cooldownTime(6000)
    .onNodeClick((n) => { graph.centerAt(n.x, n.y, 400); graph.zoom(4, 400); });
  new ResizeObserver(() => graph.width(box.clientWidth).height(box.clientHeight)).observe(box);

  function putNode([id, name, meetings]) {
    const node = nodes.get(id);
    if (node) {
      node.name = name;
      node.meetings = meetings;
      return false;
    }
    if (nodes.size >= limit) return false;
    nodes.set(id, {id, name, meetings});
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
        added = true;
      }
    }
    return added;
  }

  function draw(structural) {
    if (structural) graph.graphData({nodes: [...nodes.values()], links: [...links.values()]});
    else graph.nodeColor(color);  // same data, new sizes and colours: ask for a redraw
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
