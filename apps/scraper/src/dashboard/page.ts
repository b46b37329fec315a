// The dashboard page: one static document with its CSS and JavaScript inline, no library and no
// CDN. The script reads `snapshot` events from ./events and posts to ./pause, ./resume and
// ./stop; everything it shows from the crawl goes through textContent, never innerHTML.

const STYLE = `
:root { color-scheme: light dark; --bg: #f5f6f8; --card: #fff; --ink: #1c2230; --dim: #667085;
  --line: #e3e6eb; --accent: #2f6fde; --ok: #1f9d55; --warn: #c98a04; --bad: #d0342c; }
@media (prefers-color-scheme: dark) { :root { --bg: #12151b; --card: #1b2029; --ink: #e6e9ef;
  --dim: #98a2b3; --line: #2c3340; --accent: #6ea0ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
  background: var(--bg); color: var(--ink); }
header { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center;
  padding: 12px 16px; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { font-size: 16px; margin: 0; }
#name { color: var(--dim); font-weight: normal; overflow-wrap: anywhere; }
.badge { padding: 2px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  background: var(--line); }
.badge.running { background: var(--ok); color: #fff; }
.badge.paused { background: var(--warn); color: #fff; }
.badge.stopping, .badge.stopped, .badge.finished, .badge.offline { background: var(--dim); color: #fff; }
#conn { color: var(--dim); font-size: 12px; }
.buttons { margin-left: auto; display: flex; gap: 8px; }
button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--line);
  background: var(--card); color: var(--ink); cursor: pointer; }
button:disabled { opacity: 0.45; cursor: default; }
button.danger { border-color: var(--bad); color: var(--bad); }
main { display: grid; gap: 12px; padding: 12px; grid-template-columns: repeat(4, minmax(0, 1fr)); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 14px; min-width: 0; }
section h2 { margin: 0 0 8px; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em;
  color: var(--dim); }
.wide { grid-column: span 2; }
.full { grid-column: 1 / -1; }
.big { font-size: 32px; font-weight: 700; font-variant-numeric: tabular-nums; }
.sub { color: var(--dim); font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
td { padding: 2px 0; border-bottom: 1px solid var(--line); }
td.n { text-align: right; }
td.url { overflow-wrap: anywhere; }
.bar { height: 10px; border-radius: 5px; background: var(--line); overflow: hidden; margin: 8px 0; }
.bar > div { height: 100%; width: 0; background: var(--accent); transition: width 0.3s; }
svg { width: 100%; height: 160px; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .area { fill: var(--accent); opacity: 0.12; }
svg text { fill: var(--dim); font-size: 11px; }
#tree { margin: 0; font: 12px/1.45 ui-monospace, Menlo, Consolas, monospace; overflow: auto;
  max-height: 420px; white-space: pre; }
#tree .running { color: var(--ok); }
#tree .halting { color: var(--bad); }
#tree .suspended { color: var(--dim); }
.empty { color: var(--dim); }
@media (max-width: 1000px) { main { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media (max-width: 640px) {
  main { grid-template-columns: minmax(0, 1fr); padding: 8px; gap: 8px; }
  .wide { grid-column: auto; }
  .buttons { margin-left: 0; width: 100%; }
  .buttons button { flex: 1; }
}
`;

/** Internal to the dashboard. The page's script, also hashed for its Content-Security-Policy. */
export const DASHBOARD_SCRIPT = `
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var received = 0;
  var last = null;
  var stopAsked = false;
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function bytes(n) {
    var units = ["B", "KiB", "MiB", "GiB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }
  function duration(ms) {
    var s = Math.round(ms / 1000);
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }
  function rows(target, entries, empty) {
    target.replaceChildren();
    if (entries.length === 0) {
      var tr = el("tr");
      tr.append(el("td", empty, "empty"));
      target.append(tr);
      return;
    }
    entries.forEach(function (entry) {
      var tr = el("tr");
      tr.append(el("td", entry[0], entry[2] ? "url" : ""), el("td", entry[1], "n"));
      target.append(tr);
    });
  }
  // Per-second counts: the last one is the running second, so the rate uses the full ones.
  function recentRate(rate) {
    var full = rate.slice(0, -1).slice(-5);
    if (full.length === 0) return 0;
    return full.reduce(function (a, b) { return a + b; }, 0) / full.length;
  }

  function chart(rate) {
    var svg = $("chart");
    svg.replaceChildren();
    // Drawn in CSS pixels at the element's width, so labels keep their size on a phone.
    var W = Math.max(240, Math.round(svg.getBoundingClientRect().width) || 600);
    var H = 160, L = 36, T = 8, B = 20;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var values = rate.slice(0, -1);
    var max = Math.max(10, Math.max.apply(null, values.concat([0])));
    max = Math.ceil(max / 10) * 10;
    function x(i) { return L + (values.length <= 1 ? 0 : (i / (values.length - 1)) * (W - L - 4)); }
    function y(v) { return T + (1 - v / max) * (H - T - B); }
    [0, max / 2, max].forEach(function (v) {
      var line = document.createElementNS(SVG, "line");
      line.setAttribute("class", "grid");
      line.setAttribute("x1", L); line.setAttribute("x2", W - 4);
      line.setAttribute("y1", y(v)); line.setAttribute("y2", y(v));
      var label = document.createElementNS(SVG, "text");
      label.setAttribute("x", L - 6); label.setAttribute("y", y(v) + 4);
      label.setAttribute("text-anchor", "end");
      label.textContent = String(Math.round(v));
      svg.append(line, label);
    });
    [["-" + values.length + " s", L, "start"], ["now", W - 4, "end"]].forEach(function (t) {
      var label = document.createElementNS(SVG, "text");
      label.setAttribute("x", t[1]); label.setAttribute("y", H - 4);
      label.setAttribute("text-anchor", t[2]);
      label.textContent = t[0];
      svg.append(label);
    });
    if (values.length < 2) return;
    var points = values.map(function (v, i) { return x(i).toFixed(1) + "," + y(v).toFixed(1); });
    var area = document.createElementNS(SVG, "path");
    area.setAttribute("class", "area");
    area.setAttribute("d", "M" + x(0) + "," + y(0) + " L" + points.join(" L") + " L" +
      x(values.length - 1) + "," + y(0) + " Z");
    var line = document.createElementNS(SVG, "polyline");
    line.setAttribute("class", "line");
    line.setAttribute("points", points.join(" "));
    svg.append(area, line);
  }

  function tree(root) {
    var pre = $("tree");
    pre.replaceChildren();
    var lines = 0;
    function age(ms) { return ms < 1000 ? Math.round(ms) + "ms" : (ms / 1000).toFixed(1) + "s"; }
    function walk(node, prefix) {
      node.children.forEach(function (child, i) {
        if (lines++ > 400) return;
        var lastChild = i === node.children.length - 1;
        pre.append(prefix + (lastChild ? "\\u2514\\u2500 " : "\\u251c\\u2500 "));
        pre.append(el("span", child.name, child.state));
        var kind = child.kind === "task" || child.name === child.kind ? "" : child.kind + ", ";
        var when = child.kind === "scope" ? "" : ", " + age(child.ageMs);
        pre.append(" (" + kind + child.state + when + ")\\n");
        walk(child, prefix + (lastChild ? "   " : "\\u2502  "));
      });
    }
    pre.append(root.name + "\\n");
    walk(root, "");
  }

  function render(data) {
    var s = data.crawl;
    last = s;
    $("name").textContent = s.name;
    var state = $("state");
    state.textContent = s.state;
    state.className = "badge " + s.state;
    $("pages").textContent = fmt(s.pages);
    var rate = recentRate(s.rate);
    $("rate").textContent = rate.toFixed(1) + " pages/s";
    $("bytes").textContent = bytes(s.bytes);
    $("retries").textContent = fmt(s.retries);
    $("elapsed").textContent = duration(s.at - s.startedAt);
    if (s.progress) {
      var p = s.progress;
      var share = p.total === 0 ? 1 : Math.min(1, p.finished / p.total);
      $("progress-bar").style.width = (share * 100).toFixed(1) + "%";
      $("progress").textContent = fmt(p.finished) + " of " + fmt(p.total) + " (" +
        (share * 100).toFixed(0) + "%)";
      $("eta").textContent = s.paused ? "ETA: paused" :
        p.etaMs === null ? "ETA: -" : "ETA: " + duration(p.etaMs);
    } else {
      $("progress").textContent = "unbounded crawl";
      $("eta").textContent = "";
    }
    chart(s.rate);
    var statuses = Object.keys(s.statuses).sort().map(function (k) {
      return [k, fmt(s.statuses[k])];
    });
    rows($("statuses"), statuses, "nothing yet");
    var q = s.queue;
    rows($("queue"), [["queued", fmt(q.queued)], ["leased", fmt(q.leased)], ["done", fmt(q.done)],
      ["failed", fmt(q.failed)], ["skipped", fmt(q.skipped)]], "");
    var hosts = Object.keys(s.inFlight).sort().map(function (h) { return [h, s.inFlight[h], true]; });
    rows($("hosts"), hosts, "no fetch in flight");
    var list = $("errors");
    list.replaceChildren();
    if (s.errors.length === 0) {
      var none = el("tr");
      none.append(el("td", "no errors", "empty"));
      list.append(none);
    }
    s.errors.forEach(function (e) {
      var tr = el("tr");
      var where = el("td", e.url, "url");
      tr.append(where, el("td", e.error + (e.status === null ? "" : " (" + e.status + ")"), "n"));
      list.append(tr);
    });
    tree(data.tree);
    var ended = s.state !== "running" && s.state !== "paused";
    $("pause").disabled = ended || s.paused;
    $("resume").disabled = ended || !s.paused;
    $("stop").disabled = ended;
  }

  function post(path) {
    return fetch(path, { method: "POST", headers: { "x-skein-dashboard": "1" } })
      .then(function (response) {
        if (!response.ok) throw new Error(path + ": HTTP " + response.status);
        $("conn").textContent = path + " sent";
      })
      .catch(function (error) { $("conn").textContent = String(error.message || error); });
  }
  $("pause").addEventListener("click", function () { post("pause"); });
  $("resume").addEventListener("click", function () { post("resume"); });
  $("stop").addEventListener("click", function () {
    $("stop").disabled = true;
    stopAsked = true;
    post("stop");
  });

  var events = new EventSource("events");
  events.addEventListener("open", function () { $("conn").textContent = "live"; });
  events.addEventListener("error", function () {
    var ended = stopAsked || (last && last.state !== "running" && last.state !== "paused");
    $("conn").textContent = ended ? "the crawl process has ended" : "reconnecting\\u2026";
    if (ended) {
      events.close();
      $("state").className = "badge offline";
      $("state").textContent = stopAsked ? "stopped" : last.state;
      ["pause", "resume", "stop"].forEach(function (id) { $(id).disabled = true; });
    }
  });
  events.addEventListener("snapshot", function (event) {
    render(JSON.parse(event.data));
    received++;
    document.body.dataset.events = String(received);
  });
})();
`;

/**
 * Internal to the dashboard. The whole page served at `/`.
 *
 * @example
 * ```ts
 * const response = new Response(DASHBOARD_PAGE, { headers: { "content-type": "text/html" } });
 * ```
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>skein-scrape dashboard</title>
<style>${STYLE}</style>
</head>
<body data-events="0">
<header>
  <h1>skein-scrape <span id="name"></span></h1>
  <span id="state" class="badge">connecting</span>
  <span id="conn">connecting</span>
  <div class="buttons">
    <button id="pause" type="button" disabled>Pause</button>
    <button id="resume" type="button" disabled>Resume</button>
    <button id="stop" type="button" class="danger" disabled>Stop</button>
  </div>
</header>
<main>
  <section>
    <h2>Pages</h2>
    <div id="pages" class="big">0</div>
    <div id="rate" class="sub">0.0 pages/s</div>
    <table><tbody>
      <tr><td>bytes</td><td id="bytes" class="n">0 B</td></tr>
      <tr><td>retries</td><td id="retries" class="n">0</td></tr>
      <tr><td>elapsed</td><td id="elapsed" class="n">0 s</td></tr>
    </tbody></table>
  </section>
  <section>
    <h2>Progress</h2>
    <div class="bar"><div id="progress-bar"></div></div>
    <div id="progress" class="sub"></div>
    <div id="eta" class="sub"></div>
  </section>
  <section class="wide">
    <h2>Pages per second, last minute</h2>
    <svg id="chart" viewBox="0 0 600 160" role="img" aria-label="pages per second"></svg>
  </section>
  <section>
    <h2>Status</h2>
    <table><tbody id="statuses"></tbody></table>
  </section>
  <section>
    <h2>Queue</h2>
    <table><tbody id="queue"></tbody></table>
  </section>
  <section class="wide">
    <h2>In flight per host</h2>
    <table><tbody id="hosts"></tbody></table>
  </section>
  <section class="full">
    <h2>Latest errors</h2>
    <table><tbody id="errors"></tbody></table>
  </section>
  <section class="full">
    <h2>Task tree</h2>
    <pre id="tree"></pre>
  </section>
</main>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
