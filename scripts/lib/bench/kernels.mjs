// JS-side kernel timings for scripts/bench.sh, the same work as the native Google Benchmark BM_ScanTop10
// (tests/bench/scan_top_k.h): one 512-d int8 query against N rows, scores scaled, exact top-10.
//  - WASM: core.benchScanTopK from wasm/bind_bench.cpp in both ES modules (wasm-simd128 kernel / scalar kernel),
//    the matrix filled with seeded data inside WASM memory and timed inside WASM; core.benchMemcpy as the
//    bandwidth baseline; core.benchRerank (Beta arm) and core.benchRerankLinear (contextual arm), core.benchRerankHierarchical (hierarchical arm) for the whole
//    re-rank step.
//  - plain JS: an Int8Array loop with the same blocking, scaling and a top-10 insertion list.
// Prints one JSON object.   node scripts/lib/bench/kernels.mjs [--quick]
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const quick = process.argv.includes('--quick');
const dim = 512;
const sizes = [10_000, 100_000, 1_000_000];
const repsFor = (n) => (quick ? (n >= 1_000_000 ? 2 : 5) : n >= 1_000_000 ? 7 : 15);
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

const result = { dim, quick, js: [], wasm: {}, memcpy: {}, rerank: {}, wasm_note: {} };

// ── WASM: both variants, same seeds as the native benchmark (42) ──────────────────────────────────────────────
for (const variant of ['wayfinder_core_simd', 'wayfinder_core']) {
  // The benchmark build of the module (wasm/CMakeLists.txt): the app's module carries no bench bindings.
  const path = `${process.env.WF_BENCH_WASM_MODULES ?? `${ROOT}/build/wasm/bench-wasm`}/${variant}.mjs`;
  if (!existsSync(path)) { result.wasm_note[variant] = 'module not built'; continue; }
  try {
    const core = await (await import(path)).default();
    if (typeof core.benchScanTopK !== 'function') { result.wasm_note[variant] = 'no benchScanTopK binding (rebuild with wasm/bind_bench.cpp)'; continue; }
    result.wasm[variant] = [];
    for (const n of sizes) {
      const r = core.benchScanTopK(n, dim, 10, repsFor(n), 42);
      result.wasm[variant].push({ kernel: r.kernel, rows: n, dim, ms_median: r.msMedian, reps: r.ms.length, top: r.top });
    }
    const bytes = 1_000_000 * dim;
    const m = core.benchMemcpy(bytes, quick ? 3 : 7);
    result.memcpy[variant] = { bytes, ms_median: m.msMedian };
    result.rerank[variant] = [];
    for (const [n, draws] of [[10, 200], [10, 1], [30, 200]]) {
      const rr = core.benchRerank(n, draws, quick ? 20 : 100);
      const lin = typeof core.benchRerankLinear === 'function' ? core.benchRerankLinear(n, draws, quick ? 20 : 100) : null;
      const hier = typeof core.benchRerankHierarchical === 'function' ? core.benchRerankHierarchical(n, draws, quick ? 20 : 100) : null;
      result.rerank[variant].push({ n, draws, ms_median: rr.msMedian, linear_ms_median: lin?.msMedian, hierarchical_ms_median: hier?.msMedian });
    }
  } catch (e) {
    result.wasm_note[variant] = `failed: ${e.message}`;
  }
}

// ── plain JS ───────────────────────────────────────────────────────────────────────────────────────────────────
// Seeded like the WASM matrix is not needed (timing does not depend on values); values in −127..127.
const rows = new Int8Array(sizes.at(-1) * dim);
let s = 0x9e3779b9 | 0;
for (let i = 0; i < rows.length; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; rows[i] = (((s >>> 0) % 255) - 127); }
const query = rows.slice(0, dim);
const scales = new Float32Array(sizes.at(-1)).fill(1 / 127);

function scanTop10Js(q, r, sc, n, scores) {
  const d = q.length;
  for (let row = 0, base = 0; row < n; row++, base += d) {
    let acc = 0;
    for (let k = 0; k < d; k++) acc += q[k] * r[base + k];
    scores[row] = acc * (1 / 127) * sc[row];
  }
  const topS = new Float64Array(10).fill(-Infinity), topI = new Int32Array(10).fill(-1);
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (v <= topS[9]) continue;
    let j = 9;
    while (j > 0 && topS[j - 1] < v) { topS[j] = topS[j - 1]; topI[j] = topI[j - 1]; j--; }
    topS[j] = v; topI[j] = i;
  }
  return topI;
}
for (const n of sizes) {
  const scores = new Float32Array(n);
  for (let w = 0; w < 20; w++) scanTop10Js(query, rows, scales, Math.min(n, 2000), scores); // JIT warm-up
  const ms = [];
  const reps = quick ? (n >= 1_000_000 ? 1 : 3) : (n >= 1_000_000 ? 3 : 7);
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    scanTop10Js(query, rows, scales, n, scores);
    ms.push(performance.now() - t0);
  }
  result.js.push({ name: 'plain-js', rows: n, dim, ms_median: median(ms), reps });
}
console.log(JSON.stringify(result));
