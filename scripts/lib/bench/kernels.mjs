// JS-side kernel timings for scripts/bench.sh: a plain-JS int8 dot loop at N × dim (the baseline), and the WASM
// builds' kernels when the ES modules export a binding for them. Prints one JSON object.
//   node scripts/lib/bench/kernels.mjs [--quick] [--dim 512]
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const dim = args.includes('--dim') ? Number(args[args.indexOf('--dim') + 1]) : 512;
const sizes = [10_000, 100_000, 1_000_000];
const reps = quick ? 3 : 7;

// Same generator shape as the native tool (values in −127..127); the data differ, the work is identical.
let s = 42n;
function nextByte() {
  s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  return Number((s >> 33n) % 255n) - 127;
}
const query = Int8Array.from({ length: dim }, nextByte);
const rows = new Int8Array(sizes.at(-1) * dim);
for (let i = 0; i < rows.length; i++) rows[i] = ((i * 2654435761) >>> 24) - 128 || 1;

function dotRowsJs(q, r, n, out) {
  const d = q.length;
  for (let row = 0, base = 0; row < n; row++, base += d) {
    let acc = 0;
    for (let k = 0; k < d; k++) acc += q[k] * r[base + k];
    out[row] = acc;
  }
}

function median(a) { const b = [...a].sort((x, y) => x - y); return b[b.length >> 1]; }

const result = { dim, reps, js: [], wasm: {}, wasm_note: {} };
for (const n of sizes) {
  const out = new Int32Array(n);
  for (let w = 0; w < 20; w++) dotRowsJs(query, rows, Math.min(n, 2000), out);  // warm up the JIT
  const ms = [];
  for (let r = 0; r < (n >= 1_000_000 && quick ? 1 : reps); r++) {
    const t0 = performance.now();
    dotRowsJs(query, rows, n, out);
    ms.push(performance.now() - t0);
  }
  result.js.push({ name: 'plain-js', rows: n, dim, ms_median: median(ms) });
}

// WASM: only through a binding the modules really export (names the bindings may use).
for (const variant of ['wayfinder_core_simd', 'wayfinder_core']) {
  const path = `${ROOT}/web/wasm/${variant}.mjs`;
  if (!existsSync(path)) { result.wasm_note[variant] = 'module not built'; continue; }
  try {
    const core = await (await import(path)).default();
    const fn = ['dotRowsInt8', 'dotRows', 'int8DotRows', 'benchDotRows'].find((k) => typeof core[k] === 'function');
    if (!fn) {
      result.wasm_note[variant] = 'loaded; exports no int8 kernel binding (' +
        Object.keys(core).filter((k) => /^[a-z]/.test(k) && typeof core[k] === 'function').slice(0, 8).join(', ') + ' …)';
      continue;
    }
    result.wasm[variant] = [];
    for (const n of sizes) {
      const ms = [];
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        core[fn](query, rows.subarray(0, n * dim), n);
        ms.push(performance.now() - t0);
      }
      result.wasm[variant].push({ name: `${variant}.${fn}`, rows: n, dim, ms_median: median(ms) });
    }
  } catch (e) {
    result.wasm_note[variant] = `failed: ${e.message}`;
  }
}
console.log(JSON.stringify(result));
