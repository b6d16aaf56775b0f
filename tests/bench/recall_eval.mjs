// recall@10 of the shard's int8 search (the core, via WASM) against exact float32 dot products, on the real
// catalog vectors written by `wayfinder shard build --float-out FILE`. Queries: the first Q learner-profile embeddings
// of PROFILE_VECTORS.jsonl when given (tests/sim/embed_profiles.mjs output: the product's own pipeline), else every
// (n/Q)-th project's vector with small seeded noise (so the query is not exactly a row).
// Usage: node tests/bench/recall_eval.mjs VECTORS.f32 [LEXICAL-SHARD-FILE] [Q] [PROFILE_VECTORS.jsonl] (the vectors file is
// found through the manifest beside it)
import fs from 'node:fs';
import { readShardFiles } from '../../models/shard/core-tools.mjs';

const [vecFile, shardFile = 'models/build/shards/catalog-000.lexical.wfshard', qArg = '200', profileFile] = process.argv.slice(2);
const core = await (await import(new URL('../../web/wasm/wayfinder_core_simd.mjs', import.meta.url).href)).default();
const files = readShardFiles(shardFile);
const header = JSON.parse(core.shardInspect(files.lexical, files.vectors, ''));
const dim = header.model.dimension;
const buf = fs.readFileSync(vecFile);
const vecs = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
const n = vecs.length / dim;
if (n !== header.count) throw new Error(`vectors hold ${n} rows, shard ${header.count}`);
const Q = Number(qArg);
let state = 12345n;
const rnd = () => {
  state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  return Number(state >> 11n) / 2 ** 53 - 0.5;
};
const profileQueries = profileFile
  ? fs.readFileSync(profileFile, 'utf8').split('\n').filter(Boolean).map((l) => Float32Array.from(JSON.parse(l).vector))
  : null;
if (profileQueries && profileQueries.length < Q) throw new Error(`${profileFile} holds ${profileQueries.length} < ${Q} profiles`);
let hits = 0;
let top1 = 0;
const t0 = Date.now();
for (let qi = 0; qi < Q; ++qi) {
  let q = profileQueries?.[qi];
  if (!q) {
    const row = Math.floor((qi * n) / Q);
    q = new Float32Array(dim);
    for (let d = 0; d < dim; ++d) q[d] = vecs[row * dim + d] + 0.05 * rnd();
  }
  const exact = [];
  for (let r = 0; r < n; ++r) {
    let s = 0;
    for (let d = 0; d < dim; ++d) s += q[d] * vecs[r * dim + d];
    exact.push([s, r]);
  }
  exact.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const want = new Set(exact.slice(0, 10).map((e) => e[1]));
  const got = JSON.parse(core.shardSearch(files.lexical, files.vectors, q, 10));
  hits += got.filter((g) => want.has(g.index)).length;
  top1 += got[0].index === exact[0][1] ? 1 : 0;
}
console.log(JSON.stringify({ projects: n, dim, queries: Q, queryKind: profileQueries ? 'learner profiles' : 'noisy catalog rows', recallAt10: hits / (10 * Q), top1Agreement: top1 / Q,
  shardBytes: files.lexical.length + files.vectors.length, vectorBytes: files.vectors.length, bytesPerProject: (files.lexical.length + files.vectors.length) / n, float32BytesPerProject: dim * 4, seconds: (Date.now() - t0) / 1000 }));
