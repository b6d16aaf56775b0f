// Opening a recommender's assets: the WASM core, the model description and shard manifest, the verified shard and
// vocabulary inside one core session, and the ONNX embedder (started early, awaited lazily).
import { loadBytes, loadText, loadVerifiedBytes, resolveUrl } from './assets.js';
import { loadCore } from './core.js';
import { createEmbedder } from './embedder.js';

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

// Progress of each download: onProgress({stage: 'shard'|'model'|'runtime'|'vocab'|'features', loaded, total, cached, done}).
const progressOf = (options, assetOpts) => (stage, total) => ({
  ...assetOpts,
  total,
  onProgress: options.onProgress ? (p) => options.onProgress({ stage, ...p }) : undefined,
});

// {get, release, ready}: the embedder is created on the first get() and disposed by release() if it ever was; a
// failed download or start-up is tried again by the next get(). ready() tells whether it is in.
// With modelStartAfterRanking, ONNX Runtime's start-up (which occupies the thread it runs on) waits after the
// download until ungate(): the first ranking is out, or someone needs the model (modelReady, embed, a ranking).
function embedderLoader(options, server, d, progress, timings) {
  let promise = null;
  let ready = false;
  let ungate;
  const gate = new Promise((r) => (ungate = r));
  if (!options.modelStartAfterRanking) ungate();
  const start = async () => {
    const t = performance.now();
    const wasmPaths = options.ortWasmPaths ?? (isNode ? undefined : new URL('/ort/', server ?? location.href).href);
    const backend = options.backend ?? 'web';
    // In a browser ONNX Runtime's .wasm comes through the asset cache too (progress, one download, offline).
    const runtime =
      backend === 'web' && !isNode
        ? loadBytes(`${wasmPaths}ort-wasm-simd-threaded.wasm`, progress('runtime', options.ortWasmBytes))
        : Promise.resolve(undefined);
    const [{ bytes }, wasmBinary] = await Promise.all([
      loadVerifiedBytes(d.modelUrl, d.model.sha256, progress('model', d.model.bytes)),
      runtime,
    ]);
    await gate;
    const e = await createEmbedder({ modelBytes: bytes, backend, wasmPaths, wasmBinary, numThreads: options.numThreads ?? 1 });
    timings.modelMs = performance.now() - t;
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
    if (promise) await (await promise.catch(() => null))?.dispose();
  };
  return { get, release, ready: () => ready, ungate: () => ungate() };
}

// The model downloads in the background; recommend() need not wait for it (a lexical + structured ranking first).
// With modelAfterShard (default) its download starts when the shard's bytes are in, so on a slow link the shard —
// what the first ranking needs — has the whole bandwidth; the progress shows both from the start.
function preloadModel(options, d, embedder, shardIn) {
  if (options.preloadModel === false) return;
  if (options.modelAfterShard !== false) {
    options.onProgress?.({ stage: 'model', loaded: 0, total: d.model.bytes, cached: false });
    shardIn.then(() => embedder.get()).catch(() => {});
  } else embedder.get().catch(() => {});
}

// → {core, session, owned, embedder: {get, release}, modelVersion, shardVersion}; nothing half-made stays behind.
export async function openSession({ options, server, fetchImpl, userId, timings, tStart }) {
  const assetOpts = { fetch: fetchImpl };
  const progress = progressOf(options, assetOpts);
  const d = await describe(options, server, assetOpts);
  d.core.then(() => (timings.coreMs = performance.now() - tStart)).catch(() => {});
  const embedder = embedderLoader(options, server, d, progress, timings);
  let shardArrived;
  preloadModel(options, d, embedder, new Promise((r) => (shardArrived = r)));
  const owned = []; // long-lived handles, deleted by dispose()
  let core = null;
  // Small (≈ 90 KB): fetched beside the shard, applied once the session exists (applyFeatures).
  const features = d.featuresEntry ? loadVerifiedBytes(d.featuresUrl, d.featuresEntry.sha256, { ...progress('features', d.featuresEntry.bytes), returnMismatch: true }) : null;
  features?.catch(() => {}); // reported by applyFeatures
  try {
    const [vocabBytes, shard] = await Promise.all([
      d.modelInfo.vocab_sha256
        ? loadVerifiedBytes(d.vocabUrl, d.modelInfo.vocab_sha256, progress('vocab')).then((r) => r.bytes)
        : loadBytes(d.vocabUrl, progress('vocab')),
      loadVerifiedBytes(d.shardUrl, d.shardEntry.sha256, progress('shard', d.shardEntry.bytes)).then((r) => (shardArrived(), r)),
    ]);
    core = await d.core;
    const seed = BigInt.asUintN(64, BigInt(options.seed ?? core.hashString(userId)));
    // When WebCrypto already checked the shard's sha256, the core checks that it is the manifest's and skips its own
    // (slower) hash; otherwise the core hashes the bytes itself.
    const config = { seed, ...(options.rerank ?? {}), dailyCap: options.dailyCap, ...(shard.verified ? { sha256Verified: shard.verified } : {}) };
    const session = core.newSession(shard.bytes, d.manifestText, d.shardEntry.file, config);
    owned.push(core.registry.own(session));
    await applyFeatures(core, session, d, features);
    return {
      core,
      session,
      owned,
      embedder,
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
