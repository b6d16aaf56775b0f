// Opening a recommender's assets: the WASM core, the model description and shard manifest, the verified lexical
// part of the shard and the vocabulary inside one core session; then, in the background, ONNX Runtime, the model
// and the shard's vectors part (the embedding ranking needs both), awaited lazily.
import { isCached, loadBytes, loadText, loadVerifiedBytes, resolveUrl } from './assets.js';
import { loadCore } from './core.js';
import { canRunOwnWorker, createEmbedder, loadRuntime, runtimeWorker } from './embedder.js';

export const isNode = typeof process === 'object' && !!process.versions?.node && typeof window === 'undefined';

function defaultModelsBase(server) {
  if (server) return `${server}/models/`;
  if (isNode) return new URL('../../models/build/', import.meta.url).href;
  return new URL('/models/', globalThis.location?.href ?? 'http://localhost/').href;
}

async function describe(options, server, assetOpts) {
  const modelsBase = options.modelsUrl ?? defaultModelsBase(server);
  const modelInfoUrl = options.modelInfoUrl ?? resolveUrl(modelsBase, 'model-info.json');
  const manifestUrl = options.manifestUrl ?? resolveUrl(modelsBase, 'shards/manifest.json');
  // The core compiles while the manifest and model-info arrive and the shard downloads (awaited in openSession).
  const core = loadCore({ simd: options.simd, wasmUrl: options.wasmUrl });
  core.catch(() => {}); // awaited later; a failure is reported there
  const [modelInfo, manifestText] = await Promise.all([
    loadText(modelInfoUrl, { ...assetOpts, revalidate: true }).then(JSON.parse),
    loadText(manifestUrl, { ...assetOpts, revalidate: true }),
  ]);
  const manifest = JSON.parse(manifestText);
  const shardEntry = manifest.shards?.[0];
  if (!shardEntry) throw new Error(`${manifestUrl}: no shards listed`);
  if (!shardEntry.vectors?.file) throw new Error(`${manifestUrl}: shards[0] has no vectors file (a one-file shard of an older format)`);
  const featuresEntry = manifest.features ?? null; // the contextual arm's basis (docs/BANDIT.md); older builds lack it
  // The int8 model (a quarter of the bytes; models/README.md) unless float32 is asked for or not built.
  const model =
    options.modelPrecision !== 'float32' && modelInfo.int8
      ? modelInfo.int8
      : { file: modelInfo.onnx_file, sha256: modelInfo.onnx_sha256, bytes: modelInfo.onnx_bytes };
  return {
    core,
    modelInfo,
    manifestText,
    shardEntry,
    model,
    modelUrl: options.modelUrl ?? resolveUrl(modelsBase, model.file),
    vocabUrl: options.vocabUrl ?? resolveUrl(modelsBase, modelInfo.vocab_file),
    shardUrl: options.shardUrl ?? resolveUrl(manifestUrl.replace(/[^/]*$/, ''), shardEntry.file),
    vectorsUrl: options.vectorsUrl ?? resolveUrl(manifestUrl.replace(/[^/]*$/, ''), shardEntry.vectors.file),
    featuresEntry,
    featuresUrl: featuresEntry && (options.featuresUrl ?? resolveUrl(manifestUrl.replace(/[^/]*$/, ''), featuresEntry.file)),
  };
}

// The feature basis into the session once both are in; the core checks its hash and size against the manifest and
// parses it. Refused (bytes that are not the manifest's, a corrupt or wrongly sized basis: the core names the file
// and the field) or not downloadable: a warning, and the contextual arm ranks with the Beta arm (pages say so in
// `warning`); the learner's data is untouched. Without a manifest entry there is nothing to load (pages say so too).
async function applyFeatures(core, session, d, download) {
  if (!d.featuresEntry) return;
  try {
    const { bytes, verified } = await download;
    core.loadFeatureBasis(session, bytes, verified);
  } catch (e) {
    console.warn(`wayfinder: the feature basis was refused (${e.message}); the contextual arm ranks with the Beta arm`);
  }
}

// Progress of each download: onProgress({stage: 'shard'|'vectors'|'model'|'runtime'|'vocab'|'features', loaded, total, cached, done}).
const progressOf = (options, assetOpts) => (stage, total) => ({
  ...assetOpts,
  total,
  onProgress: options.onProgress ? (p) => options.onProgress({ stage, ...p }) : undefined,
});

// A download's end, seen coming: `promise` resolves once the bytes left would take about `leadMs` at the rate so far
// (or the download is done), and `onProgress` (composed with the caller's) watches it. The next download is
// requested then, so its request's round trip, and the worker's busy moments before it can send it, overlap the
// end of this one instead of leaving the link idle between them (0.4-0.6 s per hand-off in Chromium on the bench's
// 20 Mbit/s link).
export function nearEnd(opts, leadMs = 500) {
  let resolve;
  const t0 = performance.now(); // the rate counts the request's latency too: the estimate errs towards early
  const promise = new Promise((r) => (resolve = r));
  const onProgress = (p) => {
    const rate = p.loaded / Math.max(1, performance.now() - t0);
    if (p.done || (p.total && p.loaded > 0 && (p.total - p.loaded) / rate <= leadMs)) resolve();
    opts.onProgress?.(p);
  };
  return { promise, opts: { ...opts, onProgress } };
}

// {get, release, ready}: the embedder is created on the first get() and disposed by release() if it ever was; a
// failed download or start-up is tried again by the next get(). ready() tells whether it is in.
// With modelStartAfterRanking, ONNX Runtime's start-up (which occupies the thread it runs on) waits after the
// download until ungate(): the first ranking is out, or someone needs the model (modelReady, embed, a ranking).
function embedderLoader(options, server, d, progress, timings, tStart) {
  let promise = null;
  let ready = false;
  let ungate;
  let downloaded; // resolves when the model's and runtime's bytes are nearly in (or failed): the next may start
  const gate = new Promise((r) => (ungate = r));
  const bytesIn = new Promise((r) => (downloaded = r));
  if (!options.modelStartAfterRanking) ungate();
  const wasmPaths = options.ortWasmPaths ?? (isNode ? undefined : new URL('/ort/', server ?? location.href).href);
  const backend = options.backend ?? 'web';
  const slot = workerSlot(options, backend, wasmPaths);
  const start = async () => {
    slot.warm();
    const t = performance.now();
    timings.embedderStartMs = t - tStart;
    // In a browser ONNX Runtime's .wasm comes through the asset cache too (progress, one download, offline).
    const runtime =
      backend === 'web' && !isNode
        ? loadBytes(`${wasmPaths}ort-wasm-simd-threaded.wasm`, { ...progress('runtime', options.ortWasmBytes), storeInBackground: true })
        : Promise.resolve(undefined);
    const model = nearEnd({ ...progress('model', d.model.bytes), storeInBackground: true, keepParts: true });
    const both = Promise.all([loadVerifiedBytes(d.modelUrl, d.model.sha256, model.opts), runtime]);
    Promise.race([Promise.all([model.promise, runtime]), both]).catch(() => {}).finally(() => downloaded());
    // ONNX Runtime starts as soon as its own bytes are in (and the first ranking is out), while the model downloads.
    const started = runtime.then(async (wasmBinary) => {
      timings.runtimeBytesMs = performance.now() - tStart;
      await gate;
      const r = await loadRuntime({ backend, wasmPaths, wasmBinary, numThreads: options.numThreads ?? 1, workerUrl: options.embedWorkerUrl, worker: slot.take() });
      timings.runtimeReadyMs = performance.now() - tStart;
      return r;
    });
    started.catch(() => {}); // awaited below
    const [{ bytes }] = await both.finally(() => downloaded());
    timings.modelBytesMs = performance.now() - tStart;
    const e = await createEmbedder({ modelBytes: bytes, runtime: await started });
    timings.modelMs = performance.now() - t;
    timings.modelReadyMs = performance.now() - tStart;
    ready = true;
    return e;
  };
  const get = () => {
    promise ??= start().catch((e) => {
      promise = null;
      throw e;
    });
    return promise;
  };
  const release = async () => {
    slot.take()?.terminate();
    if (promise) await (await promise.catch(() => null))?.dispose();
  };
  return { get, release, warm: slot.warm, ready: () => ready, ungate: () => ungate(), downloaded: () => bytesIn };
}

// ONNX Runtime's own worker where one can run (a browser's worker), started by warm() (a cold visit: at once, so that
// its code and ORT's JavaScript are in before ORT's .wasm; embedder.js) or by the first get(); take() hands it to the
// runtime, which owns it from then on (a retry starts a new one).
function workerSlot(options, backend, wasmPaths) {
  let worker = null;
  let warmed = false;
  return {
    warm() {
      if (!warmed && backend === 'web' && canRunOwnWorker()) worker = runtimeWorker(options.embedWorkerUrl, wasmPaths);
      warmed = true;
    },
    take() {
      const w = worker;
      worker = null;
      return w;
    },
  };
}

// {fetch, get, ready}: the shard's vectors part. fetch() starts its download (or cache read) and sha256 check;
// get() also attaches it to the session, once. A failed download is tried again by the next call. Without it
// rankings are lexical and a linear arm ranks as Beta.
function vectorsLoader(d, progress, timings, tStart) {
  let ready = false;
  let notBefore = Promise.resolve(); // after(p): the download starts once p settles (the order on the link)
  let session = null;
  let core = null;
  const entry = d.shardEntry.vectors;
  const retryable = (f) => {
    let p = null;
    return () =>
      (p ??= f().catch((e) => {
        p = null;
        throw e;
      }));
  };
  const fetchBytes = retryable(() =>
    notBefore
      .then(() => ((timings.vectorsStartMs = performance.now() - tStart), loadVerifiedBytes(d.vectorsUrl, entry.sha256, { ...progress('vectors', entry.bytes), storeInBackground: true, keepParts: true })))
      .catch((e) => {
        throw new Error(`project vectors: ${e.message}`); // the app names what failed by this prefix
      }),
  );
  const attach = retryable(async () => {
    const { bytes, verified } = await fetchBytes();
    timings.vectorsBytesMs = performance.now() - tStart;
    try {
      core.attachVectors(session, bytes, verified ? { sha256Verified: verified } : {});
    } catch (e) {
      throw new Error(`project vectors: ${e.message}`);
    }
    timings.vectorsMs = performance.now() - tStart;
    ready = true;
  });
  const get = () => (session ? attach() : Promise.reject(new Error('the shard is not open yet')));
  const after = (p) => (notBefore = p.catch(() => {}));
  return { fetch: fetchBytes, get, after, ready: () => ready, bind: (c, s) => ((core = c), (session = s)) };
}

// The model downloads in the background; recommend() need not wait for it (a lexical + structured ranking first).
// Order on the link (modelAfterShard, default): core, vocabulary and the shard's lexical part first (the first
// ranking needs only them), then ONNX Runtime's wasm and the model, then the shard's vectors part — so ONNX
// Runtime's start-up overlaps the vectors' download, and the link is never idle. The progress shows the model from
// the start, and the vectors part.
function preloadModel(options, d, embedder, vectors, shardIn, vectorsNow) {
  if (options.preloadModel === false) return;
  if (options.modelAfterShard !== false) {
    options.onProgress?.({ stage: 'model', loaded: 0, total: d.model.bytes, cached: false });
    options.onProgress?.({ stage: 'vectors', loaded: 0, total: d.shardEntry.vectors.bytes, cached: false });
    // Not cached: whoever asks for the vectors first (a ranking, modelReady()), their download waits for the model's,
    // and ONNX Runtime's worker starts at once. (A repeat visit reads the model from the cache as the shard is in:
    // a profile whose embedding is not saved then ranks with the embedding sooner.)
    vectorsNow.then((now) => {
      if (!now) vectors.after(embedder.downloaded());
      if (!now) embedder.warm();
    });
    shardIn.then(() => embedder.get()).catch(() => {});
  } else embedder.get().catch(() => {});
}

// → {core, session, owned, embedder: {get, release}, modelVersion, shardVersion}; nothing half-made stays behind.
export async function openSession({ options, server, fetchImpl, userId, timings, tStart }) {
  const assetOpts = { fetch: fetchImpl };
  const progress = progressOf(options, assetOpts);
  const d = await describe(options, server, assetOpts);
  d.core.then(() => (timings.coreMs = performance.now() - tStart)).catch(() => {});
  const embedder = embedderLoader(options, server, d, progress, timings, tStart);
  const vectors = vectorsLoader(d, progress, timings, tStart);
  // Node and a repeat visit (the vectors part on disk / in the cache) read it beside the lexical part and attach it
  // before resolving, so they rank with the whole shard at once.
  const vectorsNow = isNode ? Promise.resolve(true) : isCached(d.vectorsUrl);
  let lexicalIn;
  preloadModel(options, d, embedder, vectors, new Promise((r) => (lexicalIn = r)), vectorsNow);
  vectorsNow.then((now) => now && vectors.fetch().catch(() => {})); // awaited below
  const owned = []; // long-lived handles, deleted by dispose()
  let core = null;
  // Small (≈ 90 KB): fetched beside the shard, applied once the session exists (applyFeatures).
  const lexical = nearEnd(progress('shard', d.shardEntry.bytes));
  lexical.promise.then(() => lexicalIn());
  const features = d.featuresEntry ? loadVerifiedBytes(d.featuresUrl, d.featuresEntry.sha256, { ...progress('features', d.featuresEntry.bytes), returnMismatch: true }) : null;
  features?.catch(() => {}); // reported by applyFeatures
  try {
    const [vocabBytes, shard] = await Promise.all([
      d.modelInfo.vocab_sha256
        ? loadVerifiedBytes(d.vocabUrl, d.modelInfo.vocab_sha256, progress('vocab')).then((r) => r.bytes)
        : loadBytes(d.vocabUrl, progress('vocab')),
      loadVerifiedBytes(d.shardUrl, d.shardEntry.sha256, lexical.opts).finally(() => lexicalIn()),
    ]);
    timings.lexicalBytesMs = performance.now() - tStart;
    core = await d.core;
    const seed = BigInt.asUintN(64, BigInt(options.seed ?? core.hashString(userId)));
    // When WebCrypto already checked the shard's sha256, the core checks that it is the manifest's and skips its own
    // (slower) hash; otherwise the core hashes the bytes itself.
    const config = { seed, ...(options.rerank ?? {}), dailyCap: options.dailyCap, ...(shard.verified ? { sha256Verified: shard.verified } : {}) };
    const t = performance.now();
    const session = core.newSession(shard.bytes, d.manifestText, d.shardEntry.file, config);
    timings.shardOpenMs = performance.now() - t;
    owned.push(core.registry.own(session));
    vectors.bind(core, session);
    if (await vectorsNow) await vectors.get();
    else if (options.preloadModel !== false) embedder.downloaded().then(() => vectors.get()).catch(() => {});
    await applyFeatures(core, session, d, features);
    return {
      core,
      session,
      owned,
      embedder,
      vectors,
      // handed to the core's tokenizer on the first embedding (not on the first ranking's path)
      vocabJson: new TextDecoder().decode(vocabBytes),
      modelVersion: `${d.modelInfo.name}:${d.model.sha256.slice(0, 12)}`, // ids allow [A-Za-z0-9._:-] only
      shardVersion: d.shardEntry.sha256,
    };
  } catch (e) {
    // The preloaded model's ORT session and any handle are released.
    embedder.release().catch(() => {});
    for (const h of owned.reverse()) core?.registry.release(h);
    throw e;
  }
}
