// The Lakeshelf console. Framework-free: it reads and writes only through the service's REST API
// (src/docs/api-v1.md), with the API key the user gives, kept in this tab's session storage only.
// Every value from the service is put on the page as text (textContent), never as markup.

const KEY_STORAGE = "lakeshelf.apiKey";
const POLL_COLLECTIONS_MS = 3000;
const POLL_JOBS_BUSY_MS = 1000;
const POLL_JOBS_IDLE_MS = 4000;
const POLL_METRICS_MS = 2000;
const CHART_POINTS = 60;

const state = {
  key: sessionStorage.getItem(KEY_STORAGE),
  collections: [],
  selected: null, // name of the collection the search panel is for
  imageUrls: [], // blob URLs of the hits shown, revoked on the next search
  metricsBefore: null,
  series: { "search-rate": [], "search-latency": [], "ingest-rate": [] },
  metadataKeys: new Set(),
  jobsSeen: null, // the jobs last rendered, as JSON
  keyDeclined: false, // the user closed the key dialog: do not open it again on every 401
};

const $ = (id) => document.getElementById(id);

/** An element with attributes and children; strings become text nodes, never markup. */
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// The API: one place for keys, problem answers and the 401 that asks for a key.

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code || `HTTP_${status}`;
  }
  toString() {
    return `${this.code}: ${this.message}`;
  }
}

async function api(method, path, body, { asResponse = false } = {}) {
  const headers = { Accept: "application/json, application/problem+json" };
  const sentKey = state.key;
  if (sentKey) headers.Authorization = `Bearer ${sentKey}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let r;
  try {
    r = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch (e) {
    throw new ApiError(0, { code: "UNREACHABLE", detail: "the service did not answer" });
  }
  if (r.ok) {
    if (asResponse) return r;
    return r.status === 204 ? null : r.json();
  }
  let problem = null;
  try {
    problem = await r.json();
  } catch (e) {
    problem = null;
  }
  const error = new ApiError(r.status, problem);
  // Only a 401 to the key in use asks again: a request sent before the key was entered (or
  // forgotten) answers 401 after the dialog closed, and must not open it once more.
  if (r.status === 401 && !state.keyDeclined && sentKey === state.key) {
    askForKey(sentKey ? "The key was refused: " + error.message : null);
  }
  throw error;
}

// ---------------------------------------------------------------------------------------------
// API keys: asked for on the first 401, kept in sessionStorage (this tab only).

function showKeyStatus() {
  $("key-status").textContent = state.key ? "key set (this tab only)" : "no key";
  $("key-forget").hidden = !state.key;
}

function askForKey(reason) {
  const dialog = $("key-dialog");
  $("key-reason").textContent = reason || "This service needs an API key.";
  if (!dialog.open) {
    $("key-input").value = "";
    dialog.showModal();
    $("key-input").focus();
  }
}

function setKey(key) {
  state.key = key || null;
  state.keyDeclined = false;
  if (state.key) sessionStorage.setItem(KEY_STORAGE, state.key);
  else sessionStorage.removeItem(KEY_STORAGE);
  showKeyStatus();
  refreshAll();
}

function wireKeyDialog() {
  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("key-input").value.trim();
    if (!key) return;
    $("key-dialog").close();
    setKey(key);
  });
  $("key-cancel").addEventListener("click", () => {
    state.keyDeclined = true;
    $("key-dialog").close();
  });
  $("key-dialog").addEventListener("cancel", () => {
    state.keyDeclined = true; // Escape
  });
  $("key-button").addEventListener("click", () => askForKey("Enter an API key."));
  $("key-forget").addEventListener("click", () => setKey(null));
  showKeyStatus();
}

// ---------------------------------------------------------------------------------------------
// Collections

function lagOf(c) {
  return Math.max(0, c.tableVersion - c.indexedVersion);
}

function sourceOf(c) {
  const s = c.indexSource;
  if (!s) return "";
  if (s.kind === "snapshot") return `snapshot of v${s.tableVersion}` + (s.publishedBy ? ` by ${s.publishedBy}` : "");
  return s.kind;
}

function vectorsOf(c) {
  return Object.entries(c.vectors || {})
    .map(([name, v]) =>
      [
        `${name}: ${v.dimensions}-d ${v.similarity}`,
        v.quantization ? v.quantization : "no quantization",
        v.embed ? `embed ${v.embed}` : null,
      ]
        .filter(Boolean)
        .join(", "),
    )
    .join("; ");
}

function renderCollections() {
  const body = $("collections-table").querySelector("tbody");
  body.replaceChildren(
    ...state.collections.map((c) =>
      h(
        "tr",
        { dataset: { collection: c.name }, class: c.name === state.selected ? "selected" : null },
        h("td", { class: "name" }, c.name),
        h("td", {}, c.mode),
        h("td", { class: "table-location" }, c.table),
        h("td", {}, h("span", { class: `pill status ${c.status}` }, c.status)),
        h("td", { class: "num documents" }, c.documents.toLocaleString("en-US")),
        h("td", { class: "num table-version" }, c.tableVersion),
        h("td", { class: "num indexed-version" }, c.indexedVersion),
        h("td", { class: "num lag" }, lagOf(c)),
        h("td", { class: "index-source" }, sourceOf(c)),
        h("td", { class: "vectors" }, vectorsOf(c)),
        h("td", { class: "failure error" }, c.error || ""),
        h(
          "td",
          {},
          h("button", { type: "button", class: "search-button", onclick: () => selectCollection(c.name) }, "Search"),
          " ",
          h("button", { type: "button", class: "reindex-button", onclick: () => reindex(c.name) }, "Reindex"),
        ),
      ),
    ),
  );
  $("collections-empty").hidden = state.collections.length > 0;
}

async function refreshCollections() {
  try {
    const answer = await api("GET", "/v1/collections");
    $("collections-error").hidden = true;
    const changed = JSON.stringify(answer.collections) !== JSON.stringify(state.collections);
    state.collections = answer.collections;
    if (changed || $("collections-table").tBodies[0].rows.length !== state.collections.length) {
      renderCollections(); // unchanged rows stay, so a click on them is never lost to a redraw
    }
    if (state.selected && !state.collections.some((c) => c.name === state.selected)) {
      state.selected = null;
      $("search-panel").hidden = true;
    }
  } catch (e) {
    $("collections-error").textContent = `Collections: ${e}`;
    $("collections-error").hidden = false;
  }
}

async function reindex(name) {
  try {
    const job = await api("POST", `/v1/admin/collections/${encodeURIComponent(name)}/reindex`);
    notice(`Reindex of ${name} started: job ${job.id}`);
    refreshJobs();
  } catch (e) {
    notice(`Reindex of ${name}: ${e}`);
  }
}

function notice(text) {
  const n = $("notice");
  n.textContent = text;
  n.hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Search

function selectCollection(name) {
  state.selected = name;
  const c = state.collections.find((x) => x.name === name);
  $("search-title").textContent = `Search ${name}`;
  const using = $("search-using");
  using.replaceChildren(...Object.keys(c.vectors || {}).map((v) => h("option", { value: v }, v)));
  $("search-using-label").hidden = Object.keys(c.vectors || {}).length < 2;
  const embeds = Object.values(c.vectors || {}).some((v) => v.embed);
  const mode = $("search-mode");
  mode.querySelector('option[value="text"]').disabled = !embeds;
  mode.querySelector('option[value="hybrid"]').disabled = !embeds;
  if (!embeds && (mode.value === "text" || mode.value === "hybrid")) mode.value = "vector";
  state.metadataKeys = new Set();
  updateFieldList(c);
  $("hits").replaceChildren();
  $("search-summary").textContent = "";
  $("search-error").hidden = true;
  $("search-panel").hidden = false;
  renderCollections();
  $("search-query").focus();
}

function updateFieldList(c) {
  const fields = [...(c?.filterable || []), ...[...state.metadataKeys].map((k) => `metadata.${k}`)];
  $("filter-fields").replaceChildren(...[...new Set(fields)].map((f) => h("option", { value: f })));
}

const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "exists"];

function addFilterRow() {
  const row = h(
    "div",
    { class: "filter-row" },
    h("input", { class: "field", list: "filter-fields", placeholder: "field, e.g. metadata.lang", "aria-label": "field" }),
    h("select", { class: "op", "aria-label": "operator" }, ...OPERATORS.map((o) => h("option", { value: o }, o))),
    h("input", { class: "value", placeholder: "value (in: a, b, c)", "aria-label": "value" }),
    h("button", { type: "button", class: "remove", onclick: () => { row.remove(); syncFilterJson(); } }, "Remove"),
  );
  row.addEventListener("input", syncFilterJson);
  row.addEventListener("change", syncFilterJson);
  $("filter-rows").append(row);
  row.querySelector(".field").focus();
}

/** A value typed in the editor: numbers and booleans as such, "quoted" as a string, else a string. */
function parseValue(text) {
  const t = text.trim();
  if (/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1);
  return t;
}

function filterFromRows() {
  const conditions = [...$("filter-rows").querySelectorAll(".filter-row")]
    .map((row) => {
      const field = row.querySelector(".field").value.trim();
      const op = row.querySelector(".op").value;
      const raw = row.querySelector(".value").value;
      if (!field) return null;
      let value;
      if (op === "in") value = raw.split(",").map(parseValue).filter((v) => v !== "");
      else if (op === "exists") value = raw.trim() !== "false";
      else value = parseValue(raw);
      return { field, [op]: value };
    })
    .filter(Boolean);
  if (conditions.length === 0) return null;
  if (conditions.length === 1) return conditions[0];
  return { [$("filter-combine").value]: conditions };
}

function syncFilterJson() {
  const f = filterFromRows();
  $("filter-json").value = f ? JSON.stringify(f) : "";
}

function searchRequest() {
  const mode = $("search-mode").value;
  const query = $("search-query").value.trim();
  const request = { k: Number($("search-k").value || 10) };
  if (!$("search-using-label").hidden) request.using = $("search-using").value;
  if (mode === "vector") {
    let vector;
    try {
      vector = JSON.parse(query);
    } catch (e) {
      throw new Error("vector mode takes a JSON array of numbers, e.g. [0.1, 0.2, 0.3]");
    }
    request.vector = vector;
  } else {
    if (!query) throw new Error("type a question or some words to search for");
    request.text = query;
    request.mode = mode === "text" ? "vector" : mode;
  }
  const filterText = $("filter-json").value.trim();
  if (filterText) {
    try {
      request.filter = JSON.parse(filterText);
    } catch (e) {
      throw new Error("the filter is not valid JSON: " + e.message);
    }
  }
  return request;
}

async function runSearch(event) {
  event.preventDefault();
  const name = state.selected;
  const error = $("search-error");
  error.hidden = true;
  let request;
  try {
    request = searchRequest();
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
    return;
  }
  $("search-submit").disabled = true;
  $("search-summary").textContent = "searching…";
  const started = performance.now();
  try {
    const answer = await api("POST", `/v1/collections/${encodeURIComponent(name)}/search`, request);
    const ms = Math.round(performance.now() - started);
    $("search-summary").textContent =
      `${answer.hits.length} hits at table version ${answer.tableVersion} · ` +
      `${answer.tookMs} ms in the service, ${ms} ms here`;
    renderHits(name, answer.hits);
  } catch (e) {
    $("search-summary").textContent = "";
    renderHits(name, []); // the hits shown were another query's
    error.textContent = String(e);
    error.hidden = false;
  } finally {
    $("search-submit").disabled = false;
  }
}

/** A document id as its path segment: percent-encoded UTF-8, dots too (api-v1.md, Ids in paths). */
function idSegment(id) {
  return encodeURIComponent(id).replace(/[!'()*.]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function renderHits(name, hits) {
  for (const url of state.imageUrls) URL.revokeObjectURL(url);
  state.imageUrls = [];
  const list = $("hits");
  list.replaceChildren(
    ...hits.map((hit, i) => {
      const d = hit.document || {};
      for (const k of Object.keys(d.metadata || {})) state.metadataKeys.add(k);
      const text = d.text || "";
      const shown = text.length > 600 ? text.slice(0, 600) + "…" : text;
      const meta = Object.entries(d.metadata || {}).concat(Object.entries(d.columns || {}));
      const images = h("div", { class: "images" });
      (d.images || []).forEach((anchor, n) => images.append(thumbnail(name, hit.id, n, anchor)));
      return h(
        "li",
        { class: "hit", dataset: { id: hit.id } },
        h(
          "header",
          {},
          h("span", { class: "rank" }, `#${i + 1}`),
          h("span", { class: "score" }, Number(hit.score).toFixed(4)),
          h("span", { class: "title" }, d.title || "(no title)"),
          h("span", { class: "id" }, hit.id),
        ),
        shown ? h("p", { class: "text" }, shown) : null,
        meta.length
          ? h("dl", {}, ...meta.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, typeof v === "string" ? v : JSON.stringify(v))]))
          : null,
        images.childElementCount ? images : null,
      );
    }),
  );
  updateFieldList(state.collections.find((c) => c.name === name));
}

/** A thumbnail fetched from the image endpoint with the key, shown as a blob. */
function thumbnail(name, id, n, anchor) {
  const img = h("img", { class: "thumb", alt: `image ${n + 1} of ${id}`, title: anchor.uri || "" });
  const path = `/v1/collections/${encodeURIComponent(name)}/documents/${idSegment(id)}/images/${n}`;
  api("GET", path, undefined, { asResponse: true })
    .then((r) => r.blob())
    .then((blob) => {
      const url = URL.createObjectURL(blob);
      state.imageUrls.push(url);
      img.src = url;
    })
    .catch((e) => img.replaceWith(h("span", { class: "image-error" }, `image ${n + 1}: ${e}`)));
  return img;
}

// ---------------------------------------------------------------------------------------------
// Jobs

let jobsTimer = null;

function renderJobs(jobs) {
  const body = $("jobs-table").querySelector("tbody");
  body.replaceChildren(
    ...jobs.map((j) => {
      const total = Math.max(j.rowsTotal, 0);
      const live = j.state === "running" || j.state === "queued";
      const percent = total > 0 ? Math.floor((100 * j.rowsDone) / total) : j.state === "succeeded" ? 100 : 0;
      return h(
        "tr",
        { dataset: { job: j.id, state: j.state } },
        h("td", { class: "id", title: j.id }, j.id.slice(0, 8)),
        h("td", {}, j.collection),
        h("td", {}, j.kind),
        h("td", {}, h("span", { class: `pill state ${j.state}` }, j.state)),
        h(
          "td",
          {},
          h("progress", { max: total || 1, value: total ? j.rowsDone : j.state === "succeeded" ? 1 : 0 }),
          h("span", { class: "progress-text" }, `${j.rowsDone.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} rows (${percent}%)`),
        ),
        h("td", {}, j.startedAt ? new Date(j.startedAt).toLocaleTimeString() : ""),
        h("td", {}, j.finishedAt ? new Date(j.finishedAt).toLocaleTimeString() : "", j.error ? h("div", { class: "error" }, j.error) : null),
        h("td", {}, live ? h("button", { type: "button", class: "cancel-button", onclick: () => cancelJob(j.id) }, "Cancel") : null),
      );
    }),
  );
  $("jobs-empty").hidden = jobs.length > 0;
}

async function refreshJobs() {
  clearTimeout(jobsTimer);
  let busy = false;
  try {
    const answer = await api("GET", "/v1/admin/jobs");
    const seen = JSON.stringify(answer.jobs);
    if (seen !== state.jobsSeen) {
      state.jobsSeen = seen;
      renderJobs(answer.jobs);
    }
    busy = answer.jobs.some((j) => j.state === "running" || j.state === "queued");
    $("jobs-error").hidden = true;
  } catch (e) {
    state.jobsSeen = null;
    renderJobs([]);
    $("jobs-empty").hidden = true;
    $("jobs-error").textContent = e.status === 403 ? "Jobs need a key with the admin role." : `Jobs: ${e}`;
    $("jobs-error").hidden = false;
  }
  jobsTimer = setTimeout(refreshJobs, busy && !document.hidden ? POLL_JOBS_BUSY_MS : POLL_JOBS_IDLE_MS);
}

async function cancelJob(id) {
  try {
    await api("DELETE", `/v1/admin/jobs/${encodeURIComponent(id)}`);
  } catch (e) {
    notice(`Cancel: ${e}`);
  }
  refreshJobs();
}

// ---------------------------------------------------------------------------------------------
// Health and metrics

async function refreshHealth() {
  const pill = $("health-status");
  try {
    // health answers 503 with its body when DOWN: read it either way
    const headers = state.key ? { Authorization: `Bearer ${state.key}` } : {};
    const r = await fetch("/actuator/health", { headers, cache: "no-store", credentials: "omit" });
    const health = await r.json();
    pill.textContent = `health ${health.status}`;
    pill.className = `pill ${health.status}`;
    const items = Object.entries(health.components || {}).map(([name, c]) =>
      h("li", { dataset: { component: name } }, h("span", { class: `pill ${c.status}` }, c.status), ` ${name}`, componentDetail(name, c)),
    );
    $("health-components").replaceChildren(
      ...(items.length ? items : [h("li", { class: "muted" }, "Components are shown to admin keys.")]),
    );
  } catch (e) {
    pill.textContent = "health unknown";
    pill.className = "pill DOWN";
  }
}

function componentDetail(name, c) {
  const collections = c.details?.collections;
  if (name !== "index" || !collections) return null;
  const parts = Object.entries(collections).map(
    ([coll, d]) => `${coll}: ${d.status}, lag ${d.lagVersions} versions (${d.lagSeconds} s)`,
  );
  return parts.length ? h("span", { class: "muted" }, ` (${parts.join("; ")})`) : null;
}

async function metric(name) {
  try {
    const m = await api("GET", `/actuator/metrics/${name}`);
    return Object.fromEntries(m.measurements.map((x) => [x.statistic, x.value]));
  } catch (e) {
    if (e.status === 404) return {}; // not registered until first used
    throw e;
  }
}

async function refreshMetrics() {
  try {
    const [search, ingest] = await Promise.all([metric("lakeshelf.search"), metric("lakeshelf.ingest.rows")]);
    const now = { t: performance.now() / 1000, count: search.COUNT || 0, time: search.TOTAL_TIME || 0, rows: ingest.COUNT || 0 };
    const before = state.metricsBefore;
    if (before) {
      const dt = Math.max(now.t - before.t, 1e-3);
      const searches = now.count - before.count;
      push("search-rate", searches / dt, (v) => v.toFixed(1));
      push("search-latency", searches > 0 ? ((now.time - before.time) / searches) * 1000 : 0, (v) => `${v.toFixed(2)} ms`);
      push("ingest-rate", (now.rows - before.rows) / dt, (v) => Math.round(v).toLocaleString("en-US"));
    }
    state.metricsBefore = now;
    $("metrics-error").hidden = true;
  } catch (e) {
    state.metricsBefore = null;
    $("metrics-error").textContent =
      e.status === 403 ? "Charts need a key with the metrics or admin role." : `Metrics: ${e}`;
    $("metrics-error").hidden = false;
  }
}

function push(chart, value, format) {
  const series = state.series[chart];
  series.push(value);
  if (series.length > CHART_POINTS) series.shift();
  const figure = document.querySelector(`[data-chart="${chart}"]`);
  const max = Math.max(...series, 1e-9);
  // the newest sample at the right edge, older ones to its left
  const step = 240 / (CHART_POINTS - 1);
  const points = series
    .map((v, i) => `${240 - (series.length - 1 - i) * step},${58 - (v / max) * 56}`)
    .join(" ");
  const svg = figure.querySelector("svg");
  let line = svg.querySelector("polyline");
  if (!line) {
    line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    svg.append(line);
  }
  line.setAttribute("points", points);
  figure.querySelector(".value").textContent = format(value);
}

// ---------------------------------------------------------------------------------------------

function refreshAll() {
  refreshCollections();
  refreshJobs();
  refreshHealth();
  refreshMetrics();
}

function start() {
  wireKeyDialog();
  $("search-form").addEventListener("submit", runSearch);
  $("filter-add").addEventListener("click", addFilterRow);
  $("filter-combine").addEventListener("change", syncFilterJson);
  refreshAll();
  // a tab in the background polls nothing; it catches up when shown again
  const whenShown = (f) => () => document.hidden || f();
  setInterval(whenShown(refreshCollections), POLL_COLLECTIONS_MS);
  setInterval(whenShown(refreshHealth), POLL_COLLECTIONS_MS);
  setInterval(whenShown(refreshMetrics), POLL_METRICS_MS);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      state.metricsBefore = null; // a rate over the hidden time would mean nothing
      refreshAll();
    }
  });
}

start();
