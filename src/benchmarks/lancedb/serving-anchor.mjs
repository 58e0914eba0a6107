// LanceDB in process, on the vectors and texts ServingBenchmark wrote: the anchor of its search
// with the joined row. Run by the benchmark (node serving-anchor.mjs <dir>) when node_modules is
// installed here (`npm install` in this directory, once; nothing is installed at run time).
//
// <dir>/vectors.f32: (documents + queries) x dimensions little-endian float32, unit length, the
// corpus first, then the held-out queries. <dir>/corpus.json: dimensions, documents, queries, k,
// candidates, warmup, rounds, ids, titles, texts, truth (per query, the corpus positions of the
// exact top k).
//
// Writes a LanceDB table (id, title, text, pos, ord, vector) under <dir>/lancedb, builds an
// IVF_HNSW_SQ index (one partition, cosine, LanceDB's defaults otherwise), then searches each query
// with ef = candidates and limit k, selecting id, title, text, pos, ord and _distance (what a
// Lakeshelf hit carries: its score, title, text and metadata), sequentially, warm-up passes first. Prints one JSON line:
// {version, index, recall, p50, p99, samples, buildSeconds}, latencies in ms.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as lancedb from "@lancedb/lancedb";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node serving-anchor.mjs <dir written by ServingBenchmark>");
  process.exit(2);
}
const meta = JSON.parse(readFileSync(join(dir, "corpus.json"), "utf8"));
const bytes = readFileSync(join(dir, "vectors.f32"));
const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const { dimensions: d, documents: n, queries: nq, k, candidates } = meta;
if (all.length !== (n + nq) * d) {
  throw new Error(`vectors.f32 holds ${all.length / d} vectors, expected ${n + nq}`);
}
const version = JSON.parse(
  readFileSync(new URL("./node_modules/@lancedb/lancedb/package.json", import.meta.url), "utf8"),
).version;

const rows = [];
for (let i = 0; i < n; i++) {
  rows.push({
    id: meta.ids[i],
    title: meta.titles[i],
    text: meta.texts[i],
    pos: meta.ids[i].charAt(0),
    ord: i,
    vector: Array.from(all.subarray(i * d, (i + 1) * d)),
  });
}

const t0 = process.hrtime.bigint();
const db = await lancedb.connect(join(dir, "lancedb"));
const table = await db.createTable("passages", rows, { mode: "overwrite" });
await table.createIndex("vector", {
  config: lancedb.Index.hnswSq({ distanceType: "cosine", numPartitions: 1 }),
});
const buildSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.error(`lancedb ${version}: table of ${n} rows written and indexed in ${buildSeconds.toFixed(1)} s`);

const columns = ["id", "title", "text", "pos", "ord", "_distance"];
async function search(q) {
  const v = all.slice((n + q) * d, (n + q + 1) * d);
  return table
    .vectorSearch(v)
    .distanceType("cosine")
    .ef(candidates)
    .limit(k)
    .select(columns)
    .toArray();
}

const latencies = [];
let found = 0;
for (let r = -meta.warmup; r < meta.rounds; r++) {
  for (let q = 0; q < nq; q++) {
    const s = process.hrtime.bigint();
    const hits = await search(q);
    const took = Number(process.hrtime.bigint() - s) / 1e6;
    if (r < 0) continue;
    latencies.push(took);
    if (r === 0) {
      const want = new Set(meta.truth[q]);
      for (const h of hits) {
        if (typeof h.text !== "string" || h.title !== meta.titles[h.ord]) {
          throw new Error(`hit ${h.id} is not its row`);
        }
        if (want.has(h.ord)) found++;
      }
    }
  }
}
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length, Math.max(1, Math.ceil((p / 100) * latencies.length))) - 1];
console.log(
  JSON.stringify({
    version,
    index: "IVF_HNSW_SQ, 1 partition, cosine, ef " + candidates,
    recall: found / (k * nq),
    p50: pct(50),
    p99: pct(99),
    samples: latencies.length,
    buildSeconds,
  }),
);
