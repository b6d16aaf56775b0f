// The module Web Worker that runs ONNX Runtime for the recommender's worker (web/src/embedder.js, `inOwnWorker`):
// ORT's start-up, the model's session and every embedding run here, so the recommender's thread stays free to read
// the downloads (the shard's vectors part arrives while ORT starts) and to rank. Messages, each answered by id:
//   {op: 'preload', wasmPaths}  → ORT's two modules fetched and evaluated → {value: null}
//   {op: 'start', options}      → loadRuntime(options) here          → {value: null}
//   {op: 'load', modelBytes}    → the model's session                 → {value: null}
//   {op: 'run', idsList}        → the sentences' L2-normalised vectors → {value: Float32Array[]} (transferred)
//   {op: 'dispose'}             → the session released                 → {value: null}
import { createEmbedder, loadRuntime } from './embedder.js';

let runtime = null;
let embedder = null;

const ops = {
  async preload({ wasmPaths }) {
    await Promise.all([import(`${wasmPaths}ort.wasm.min.mjs`), import(`${wasmPaths}ort-wasm-simd-threaded.mjs`)]);
    return null;
  },
  async start({ options }) {
    runtime = await loadRuntime({ ...options, inOwnWorker: false });
    return null;
  },
  async load({ modelBytes }) {
    if (!runtime) throw new Error('load: the runtime is not started');
    await embedder?.dispose();
    embedder = await createEmbedder({ modelBytes, runtime });
    return null;
  },
  async run({ idsList }) {
    if (!embedder) throw new Error('run: no model is loaded');
    return embedder.run(idsList);
  },
  async dispose() {
    await embedder?.dispose();
    embedder = null;
    return null;
  },
};

self.addEventListener('message', async ({ data }) => {
  const { id, op } = data ?? {};
  try {
    if (!Object.hasOwn(ops, op)) throw new TypeError(`the embedding worker has no operation ${String(op)}`);
    const value = await ops[op](data);
    self.postMessage({ id, value }, Array.isArray(value) ? value.map((v) => v.buffer) : []);
  } catch (e) {
    self.postMessage({ id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } });
  }
});
