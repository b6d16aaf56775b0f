// The sentence encoder behind one small interface: token ids (from the C++ tokenizer) → L2-normalised vectors,
// run by onnxruntime-web (browser, or Node) or onnxruntime-node. ORT's own .wasm files come from our server's
// /ort/ (browser) or node_modules (Node) — never from a CDN.
const isNode = typeof process === 'object' && !!process.versions?.node && typeof window === 'undefined';

// The bare name resolves through the page's import map or a bundler; a module worker has no import map, so there
// ONNX Runtime's module comes from the same folder as its .wasm (our server's /ort/).
async function importOrtWeb(wasmPaths) {
  try {
    return await import('onnxruntime-web');
  } catch (e) {
    if (isNode || !wasmPaths) throw e;
    return import(/* @vite-ignore */ `${wasmPaths}ort.wasm.min.mjs`);
  }
}
const inWorker = typeof WorkerGlobalScope !== 'undefined' && typeof window === 'undefined';

// A one-node ONNX model (Identity of a float[1], opset 13; written once with onnx-proto): creating a session of it
// starts ONNX Runtime — compiles and instantiates its .wasm — before the real model has arrived.
const STARTER_MODEL = 'CAc6NwoQCgF4EgF5IghJZGVudGl0eRIBZ1oPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0=';

// ONNX Runtime, configured and started. backend: 'web' (default) | 'node'. wasmPaths: the folder (URL ending in
// '/') holding ort-wasm-*.{mjs,wasm}. wasmBinary: ORT's .wasm bytes when the caller fetched them (browser: through
// the asset cache, with progress). The web runtime is started with a one-node model, so that createEmbedder only
// loads the model: a caller can start the runtime while the model is still downloading.
// Inside a worker that can start workers of its own (the recommender's, in a browser), the runtime runs in a worker
// of its own (`inOwnWorker`; `worker` from runtimeWorker, or a new one from `workerUrl`): ORT's start-up and the
// model's session then no longer hold the recommender's thread while the shard's vectors part arrives.
export const canRunOwnWorker = () => inWorker && typeof Worker !== 'undefined';
export async function loadRuntime({ backend = 'web', wasmPaths, wasmBinary, numThreads = 1, proxy = true, inOwnWorker, workerUrl, worker } = {}) {
  let ort;
  if (backend === 'web' && (worker || (inOwnWorker ?? canRunOwnWorker()))) {
    return startRuntimeWorker(worker, workerUrl, { wasmPaths, wasmBinary, numThreads });
  }
  if (backend === 'node') {
    ort = await import('onnxruntime-node');
    return { backend, ort: ort.default ?? ort };
  }
  ort = await importOrtWeb(wasmPaths);
  ort = ort.default?.InferenceSession ? ort.default : ort;
  ort.env.wasm.numThreads = numThreads;
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  if (wasmBinary) ort.env.wasm.wasmBinary = wasmBinary;
  else if (!isNode && typeof location !== 'undefined') ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
  // On a page ORT runs in its own Web Worker (ORT's proxy worker, started from our /ort/ copy of
  // ort.wasm.min.mjs): the session start-up and every run stay off the page's main thread. Never a remote default.
  // Inside the recommender's own worker (web/src/worker.js) it runs right there (ORT proxies only from a document),
  // so the model's start-up occupies that worker for a moment; the page's main thread is never involved.
  ort.env.wasm.proxy = proxy && !isNode && !inWorker && typeof Worker !== 'undefined';
  const starter = Uint8Array.from(atob(STARTER_MODEL), (c) => c.charCodeAt(0));
  await (await ort.InferenceSession.create(starter, { executionProviders: ['wasm'] })).release?.();
  return { backend, ort };
}

// A worker for the runtime (web/src/embed-worker.js): {call(op, fields) → Promise, terminate()}. It fetches and
// evaluates ONNX Runtime's two modules from `wasmPaths` at once ('preload'), so that a later loadRuntime({worker})
// only compiles ORT's .wasm: started when the recommender opens, the worker's code and ORT's JavaScript arrive
// while the shard does. A worker that fails to load or dies rejects every call waiting on it, naming it.
export function runtimeWorker(workerUrl, wasmPaths) {
  const worker = new Worker(workerUrl ?? new URL('./embed-worker.js', import.meta.url), { type: 'module', name: 'wayfinder-embed' });
  const waiting = new Map();
  let next = 1;
  let failed = null;
  const failAll = (e) => {
    failed = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.addEventListener('message', ({ data }) => {
    const w = waiting.get(data?.id);
    if (!w) return;
    waiting.delete(data.id);
    if (data.error) w.reject(Object.assign(new Error(`embedding worker: ${data.error.message}`), { name: data.error.name }));
    else w.resolve(data.value);
  });
  worker.addEventListener('error', (ev) => failAll(new Error(`the embedding worker failed: ${ev.message ?? 'could not load embed-worker.js'}`)));
  const call = (op, fields = {}, transfer = []) =>
    failed
      ? Promise.reject(failed)
      : new Promise((resolve, reject) => {
          const id = next++;
          waiting.set(id, { resolve, reject });
          worker.postMessage({ ...fields, id, op }, transfer);
        });
  call('preload', { wasmPaths }).catch(() => {}); // a failure shows again at 'start'
  return { call, terminate: () => (worker.terminate(), failAll(new Error('the embedding worker was closed'))) };
}

// The buffers of `views` that a message may move to the runtime's worker instead of copying them (ORT's 14 MB .wasm,
// the 7 MB model): a view that holds its whole buffer (what loadBytes returns; its cache copy was made when the
// Response was built). A view into a larger buffer is copied, so that the caller's other bytes stay.
const movable = (...views) => views.filter((v) => ArrayBuffer.isView(v) && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength).map((v) => v.buffer);

// The runtime in a worker of its own (`worker` from runtimeWorker, or a new one): {backend, remote}.
async function startRuntimeWorker(worker, workerUrl, options) {
  const remote = worker ?? runtimeWorker(workerUrl, options.wasmPaths);
  try {
    await remote.call('start', { options }, movable(options.wasmBinary));
  } catch (e) {
    remote.terminate();
    throw e;
  }
  return { backend: 'web', remote };
}

// The embedder whose session lives in the runtime's worker: the same interface, each run a message.
async function remoteEmbedder({ call, terminate }, modelBytes) {
  await call('load', { modelBytes }, movable(modelBytes)).catch((e) => {
    terminate(); // a retry starts a new runtime
    throw e;
  });
  return {
    backend: 'web',
    dimension: null,
    run: (idsList) => call('run', { idsList }),
    async dispose() {
      await call('dispose').catch(() => {});
      terminate();
    },
  };
}

// runtime: from loadRuntime (started here when not given, with the same options).
export async function createEmbedder({ modelBytes, runtime, ...runtimeOptions }) {
  runtime ??= await loadRuntime(runtimeOptions);
  if (runtime.remote) return remoteEmbedder(runtime.remote, modelBytes);
  const { backend, ort } = runtime;
  const session = await ort.InferenceSession.create(modelBytes, backend === 'node' ? {} : { executionProviders: ['wasm'] });
  const outputName = session.outputNames[0];

  // ids: array of Int32Array/number[] (one per sentence) → array of Float32Array.
  async function run(idsList) {
    const rows = [];
    const vals = [];
    idsList.forEach((ids, s) => {
      // An empty sentence still needs one row so the batch keeps its size: use the unknown id at position 0.
      const list = ids.length ? ids : [0];
      for (let p = 0; p < list.length; p++) {
        rows.push(BigInt(s), BigInt(p));
        vals.push(BigInt(list[p]));
      }
    });
    const indices = new ort.Tensor('int64', BigInt64Array.from(rows), [vals.length, 2]);
    const values = new ort.Tensor('int64', BigInt64Array.from(vals), [vals.length]);
    const out = await session.run({ indices, values });
    const t = out[outputName];
    const dim = t.dims[1];
    const data = t.data;
    const result = [];
    for (let s = 0; s < idsList.length; s++) result.push(Float32Array.from(data.subarray(s * dim, (s + 1) * dim)));
    for (const k of Object.keys(out)) out[k].dispose?.();
    indices.dispose?.();
    values.dispose?.();
    return result;
  }

  return {
    backend,
    dimension: null,
    run,
    async dispose() {
      await session.release?.();
    },
  };
}
