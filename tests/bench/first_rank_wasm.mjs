// Time to open the real shard in WASM and to rank it the first and second time (the first used to pay for the
// per-row facets; shard format v2 stores them). Not part of test.sh: a measurement.
//   node tests/bench/first_rank_wasm.mjs [lexical shard file=models/build/shards/catalog-000.lexical.wfshard]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readShardFiles } from '../../models/shard/core-tools.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shardFile = process.argv[2] ?? path.join(ROOT, 'models/build/shards/catalog-000.lexical.wfshard');
const core = await (await import(path.join(ROOT, 'web/wasm/wayfinder_core_simd.mjs'))).default();
const files = readShardFiles(shardFile);
let t = performance.now();
const shard = new core.ShardSearcher(files.lexical, files.vectors, '{}');
const openMs = performance.now() - t;
const q = new Float32Array(512);
for (let i = 0; i < q.length; i++) q[i] = Math.sin(i + 1);
const profile = JSON.stringify({ interests: ['machine learning'], languages: ['Python'], skillLevel: 'beginner' });
t = performance.now();
shard.rank(q, profile, 30, '');
const firstMs = performance.now() - t;
t = performance.now();
shard.rank(q, profile, 30, '');
const secondMs = performance.now() - t;
shard.delete();
console.log(JSON.stringify({ openMs: +openMs.toFixed(1), firstRankMs: +firstMs.toFixed(1), secondRankMs: +secondMs.toFixed(1) }));
