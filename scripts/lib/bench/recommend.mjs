// recommend() end to end through the JS package in Node (web/src/index.js: createRecommender, memory storage, no
// server): start-up, the first call for a profile (profile → query text → tokenizer → ONNX embedding → int8 scan
// over the real shard + BM25 + structured → Thompson re-rank with propensities), a repeated call (cached
// content; the re-rank runs every call), and a new profile per call. Prints one JSON object.
//   node scripts/lib/bench/recommend.mjs [--quick]
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const quick = process.argv.includes('--quick');
const { createRecommender } = await import(`${ROOT}/web/src/index.js`);
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const interests = ['machine learning', 'web development', 'game development', 'compilers', 'databases', 'security',
  'robotics', 'data visualization', 'mobile apps', 'operating systems', 'computer vision', 'audio processing',
  'blockchain', 'devops', 'scientific computing', 'natural language processing'];
const profile = (k) => ({ interests: [interests[k % interests.length]], languages: [['Python', 'JavaScript', 'Rust', 'Go'][k % 4]],
  goals: ['learn by contributing'], skill_level: ['beginner', 'intermediate', 'advanced'][k % 3] });

const out = { quick, variants: [] };
for (const [backend, simd] of [['web', true], ['web', false], ['node', true]]) {
  const t0 = performance.now();
  const rec = await createRecommender({ storage: 'memory', backend, simd, seed: 1, userId: 'bench-user' });
  const createMs = performance.now() - t0;
  await rec.embed('warm up the model');
  const t1 = performance.now();
  const first = await rec.recommend(profile(0), { limit: 10 });
  const firstMs = performance.now() - t1;
  const repeat = [];
  for (let i = 0; i < (quick ? 10 : 50); i++) {
    const t = performance.now();
    await rec.recommend(profile(0), { limit: 10 });
    repeat.push(performance.now() - t);
  }
  const fresh = [];
  for (let k = 1; k <= (quick ? 5 : 15); k++) {
    const t = performance.now();
    await rec.recommend(profile(k), { limit: 10 });
    fresh.push(performance.now() - t);
  }
  out.variants.push({ backend, simd, createMs, firstMs, repeatMedianMs: median(repeat), newProfileMedianMs: median(fresh),
    items: first.items.length, propensity0: first.items[0]?.propensity ?? null });
  await rec.dispose?.();
}
console.log(JSON.stringify(out));
