// newsdesk ops page: polls /ops/api/overview and /ops/api/deadletters, renders with textContent only,
// and sends admin actions with the key the operator typed (kept in sessionStorage, sent as X-Admin-Key).
"use strict";
const POLL_MS = Number(new URLSearchParams(location.search).get("interval")) || 2000;
const OUTCOMES = ["succeeded", "failed", "retried"];
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}
const num = (v, attrs = {}) => el("td", { class: "num", ...attrs }, v);
function secs(s) {
  if (s === null || s === undefined) return "–";
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86400)} d`;
}
function ago(ts, now) { return ts ? `${secs(Math.max(0, now - ts))} ago` : "never"; }
function fill(tbody, rows) { tbody.replaceChildren(...rows); }

// ---------- admin key ----------
function adminKey() { return sessionStorage.getItem("newsdesk-admin-key") || ""; }
function showKeyState() {
  $("#key-state").textContent = !window.NEWSDESK_ADMIN_ENABLED ? "server has no admin key"
    : adminKey() ? "key set" : "no key: actions will be refused";
}
$("#key-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  sessionStorage.setItem("newsdesk-admin-key", $("#admin-key").value);
  $("#admin-key").value = "";
  showKeyState();
});
function say(text, ok = true) {
  const box = $("#message");
  box.hidden = false; box.textContent = text; box.className = ok ? "" : "fail";
}
async function admin(path, body) {
  const response = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json", "X-Admin-Key": adminKey() },
    body: JSON.stringify(body || {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) { say(`${response.status}: ${data.detail || response.statusText}`, false); return null; }
  say(`${data.action}: ${data.count} done`);
  refresh();
  return data;
}

// ---------- rendering ----------
// The URL a dead letter's task worked on (its `url=` keyword, or a fetch's first argument), and its lineage page.
const letterUrl = (d) => d.kwargs.url || (typeof d.args[0] === "string" && d.args[0].includes("://") ? d.args[0] : null);
const lineageLink = (url) => (url
  ? el("span", {}, " ", el("a", { class: "lineage-link", href: `/ops/urls?url=${encodeURIComponent(url)}` }, "lineage"))
  : "");

function renderQueues(o) {
  const byStage = Object.fromEntries(o.stages.map((s) => [s.name, s]));
  fill($("#queues tbody"), o.queues.map((q) => {
    const s = byStage[q.name] || { totals: {}, per_minute: {} };
    const id = (k) => ({ id: `q-${q.name}-${k}` });
    return el("tr", { "data-queue": q.name }, el("th", {}, q.name), num(q.depth, id("depth")), num(q.ready, id("ready")),
      num(q.reserved, id("reserved")), num(q.delayed, id("delayed")), num(secs(q.oldest_age_seconds), id("oldest")),
      ...OUTCOMES.map((k) => num(s.totals[k] ?? 0, id(k))),
      num(OUTCOMES.map((k) => (s.per_minute[k] ?? 0).toFixed(1)).join(" / ")));
  }));
  const f = o.in_flight;  // the ledger: accepted articles not yet indexed, dead-lettered or unchanged
  $("#in-flight").textContent = `In flight: ${f.in_flight} articles · oldest at its stage ${secs(f.oldest_age_seconds)}` +
    ` · re-sent after loss ${f.resent_total} · lost for good ${f.lost_total}`;
}

function graph(stage, series, minutes) {
  // Plot area inside margins: the y axis is tasks per minute (0, half, max), the x axis clock time per minute.
  const W = 340, H = 120, L = 34, R = 6, T = 8, B = 20, max = Math.max(1, ...OUTCOMES.flatMap((k) => series[k]));
  const x = (i) => L + (i / Math.max(1, minutes.length - 1)) * (W - L - R), y = (v) => H - B - (v / max) * (H - B - T);
  const ns = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", height: H, role: "img",
    "aria-label": `${stage} tasks per minute over the last hour` });
  svg.append(svgEl("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }));
  svg.append(svgEl("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }));
  for (const v of [0, max / 2, max]) {
    svg.append(svgEl("line", { x1: L - 3, y1: y(v), x2: L, y2: y(v), class: "axis" }));
    svg.append(svgEl("text", { x: L - 5, y: y(v) + 3, "text-anchor": "end", class: "tick", "data-axis": "y" },
      Number.isInteger(v) ? v : v.toFixed(1)));
  }
  const clock = (t) => new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const last = minutes.length - 1;
  for (const i of last > 0 ? [0, Math.floor(last / 2), last] : [0]) {
    if (minutes[i] === undefined) continue;
    svg.append(svgEl("text", { x: x(i), y: H - 5, "text-anchor": i === 0 ? "start" : i === last ? "end" : "middle",
      class: "tick", "data-axis": "x" }, clock(minutes[i])));
  }
  svg.append(svgEl("text", { x: L + 4, y: T + 2, class: "tick unit" }, "per min"));
  for (const k of OUTCOMES) {
    svg.append(svgEl("polyline", { class: k,
      points: series[k].map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ") }));
  }
  const total = (k) => series[k].reduce((a, b) => a + b, 0);
  return el("figure", { "data-graph": stage }, svg,
    el("figcaption", {}, `${stage}: max ${max}/min · last hour ${OUTCOMES.map((k) => `${k} ${total(k)}`).join(", ")}`));
}

function renderStages(o) {
  fill($("#stages tbody"), o.stages.map((s) => el("tr", { "data-stage": s.name }, el("th", {}, s.name),
    num(secs(s.latency_p50), { id: `s-${s.name}-p50` }), num(secs(s.latency_p95), { id: `s-${s.name}-p95` }),
    num(s.latency_samples),
    num(s.error_rate === null ? "–" : `${(s.error_rate * 100).toFixed(0)} %`, { id: `s-${s.name}-error-rate` }),
    el("td", {}, ...s.last_errors.slice(0, 3).map((e) =>
      el("div", { class: "error" }, `${new Date(e.at * 1000).toLocaleTimeString()} ${e.subject}: ${e.reason}`,
        lineageLink(e.subject.includes("://") ? e.subject : null)))))));
  $("#graphs").replaceChildren(...o.stages.map((s) => graph(s.name, o.throughput.series[s.name], o.throughput.minutes)));
}

function renderWorkers(o) {
  const rows = o.workers.map((w) => el("tr", { "data-worker": w.name },
    el("td", {}, el("a", { class: "worker-link", href: `/ops/workers/${encodeURIComponent(w.name)}` }, w.name)),
    el("td", {}, w.queues.join(", ")), num(w.active), el("td", {}, ago(w.last_heartbeat, o.generated_at))));
  fill($("#workers tbody"), rows.length ? rows : [el("tr", {}, el("td", { colspan: 4, class: "error", id: "no-workers" }, "no worker online"))]);
  const names = { published: "published → indexed", fetched: "fetched → indexed" };
  fill($("#lag tbody"), Object.entries(o.lag).map(([k, v]) => el("tr", {}, el("th", {}, names[k] || k),
    num(secs(v.p50), { id: `lag-${k}-p50` }), num(secs(v.p95)), num(v.samples))));
}

function renderSources(o) {
  const now = o.generated_at;
  fill($("#sources tbody"), o.sources.map((s) => el("tr", { "data-source": s.name }, el("th", {}, s.name),
    el("td", { class: s.paused ? "paused" : "" }, s.paused ? "paused" : "active"),
    el("td", {}, ago(s.last_poll_ok, now)), el("td", {}, ago(s.last_fetch_ok, now)),
    num(s.articles_24h), num(s.failures_24h), num(s.robots_24h), el("td", { class: "error" }, s.last_error || ""),
    el("td", {}, el("button", { class: "toggle-source",
      onclick: () => admin(`/ops/api/sources/${encodeURIComponent(s.name)}/${s.paused ? "resume" : "pause"}`) },
    s.paused ? "Resume" : "Pause")))));
}

const selected = new Set();
function renderDeadLetters(page) {
  const badge = $("#dl-count");
  badge.textContent = page.count; badge.className = page.count ? "badge" : "badge zero";
  const present = new Set(page.data.map((d) => d.id));
  for (const id of [...selected]) if (!present.has(id)) selected.delete(id);
  fill($("#deadletters tbody"), page.data.map((d) => {
    const box = el("input", { type: "checkbox", class: "select", "aria-label": "select" });
    box.checked = selected.has(d.id);
    box.addEventListener("change", () => (box.checked ? selected.add(d.id) : selected.delete(d.id)));
    return el("tr", { "data-letter-id": d.id, "data-task": d.task }, el("td", {}, box),
      el("td", {}, new Date(d.failed_at * 1000).toLocaleTimeString()), el("td", {}, d.task, lineageLink(letterUrl(d))),
      el("td", {}, el("code", { class: "args" }, JSON.stringify(d.args) + (Object.keys(d.kwargs).length ? " " + JSON.stringify(d.kwargs) : ""))),
      el("td", { class: "error" }, d.error, el("details", {}, el("summary", {}, "traceback"), el("pre", {}, d.traceback))),
      num(d.retries),
      el("td", {}, el("button", { class: "retry", onclick: () => admin(`/ops/api/deadletters/${d.id}/retry`) }, "Retry"), " ",
        el("button", { class: "discard danger", onclick: () => admin(`/ops/api/deadletters/${d.id}/discard`) }, "Discard")));
  }));
}
function renderFailureGroups(groups) {
  fill($("#failure-groups tbody"), groups.map((g) => el("tr", { "data-group": g.key, "data-task": g.task },
    num(g.count, { class: "group-count" }), el("td", {}, g.task), el("td", { class: "error" }, el("code", {}, g.cause)),
    el("td", {}, new Date(g.newest_at * 1000).toLocaleTimeString()), el("td", { class: "error" }, g.example, lineageLink(g.example_url)),
    el("td", {}, el("button", { class: "retry-group", onclick: () => admin(`/ops/api/deadletters/groups/${g.key}/retry`) },
      `Retry ${g.count}`)))));
}
$("#dl-select-all").addEventListener("change", (ev) => {
  document.querySelectorAll("#deadletters tr[data-letter-id]").forEach((row) => {
    row.querySelector("input.select").checked = ev.target.checked;
    ev.target.checked ? selected.add(row.dataset.letterId) : selected.delete(row.dataset.letterId);
  });
});
$("#dl-retry-selected").addEventListener("click", () => admin("/ops/api/deadletters/retry", { ids: [...selected] }));
$("#dl-discard-selected").addEventListener("click", () => admin("/ops/api/deadletters/discard", { ids: [...selected] }));
$("#dl-retry-all").addEventListener("click", () => admin("/ops/api/deadletters/retry", { all: true }));
$("#dl-discard-all").addEventListener("click", () => {
  if (confirm("Discard every dead letter?")) admin("/ops/api/deadletters/discard", { all: true });
});

// ---------- polling ----------
let timer = null;
async function refresh() {
  clearTimeout(timer);
  try {
    const [overview, letters, groups] = await Promise.all([
      fetch("/ops/api/overview").then((r) => (r.ok ? r.json() : Promise.reject(new Error(`overview: HTTP ${r.status}`)))),
      fetch("/ops/api/deadletters?limit=100").then((r) => (r.ok ? r.json() : Promise.reject(new Error(`dead letters: HTTP ${r.status}`)))),
      fetch("/ops/api/deadletters/groups").then((r) => (r.ok ? r.json() : Promise.reject(new Error(`failure groups: HTTP ${r.status}`)))),
    ]);
    renderQueues(overview); renderStages(overview); renderWorkers(overview); renderSources(overview);
    renderDeadLetters(letters); renderFailureGroups(groups);
    $("#status").textContent = `updated ${new Date(overview.generated_at * 1000).toLocaleTimeString()}`;
    $("#status").dataset.generatedAt = overview.generated_at;
  } catch (err) {
    $("#status").textContent = `update failed: ${err.message}`;
  }
  timer = setTimeout(refresh, POLL_MS);
}
showKeyState();
refresh();
