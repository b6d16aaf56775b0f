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
  const [core, modelInfo, manifestText] = await Promise.all([
    loadCore({ simd: options.simd, wasmUrl: options.wasmUrl }),
    loadText(modelInfoUrl, { ...assetOpts, revalidate: true }).then(JSON.parse),
    loadText(manifestUrl, { ...assetOpts, revalidate: true }),
  ]);
  const shardEntry = JSON.parse(manifestText).shards?.[0];
  if (!shardEntry) throw new Error(`${manifestUrl}: no shards listed`);
  return {
    core,
    modelInfo,
    manifestText,
    shardEntry,
    modelUrl: options.modelUrl ?? resolveUrl(modelsBase, modelInfo.onnx_file),
    vocabUrl: options.vocabUrl ?? resolveUrl(modelsBase, modelInfo.vocab_file),
    shardUrl: options.shardUrl ?? resolveUrl(manifestUrl.replace(/[^/]*$/, ''), shardEntry.file),
  };
}

// {get, release}: the embedder is created on the first get() and disposed by release() if it ever was.
function embedderLoader(options, server, d, assetOpts, timings) {
  let promise = null;
  const get = () => {
    promise ??= (async () => {
      const t = performance.now();
      const { bytes } = await loadVerifiedBytes(d.modelUrl, d.modelInfo.onnx_sha256, assetOpts);
      const wasmPaths = options.ortWasmPaths ?? (isNode ? undefined : new URL('/ort/', server ?? location.href).href);
      const e = await createEmbedder({ modelBytes: bytes, backend: options.backend ?? 'web', wasmPaths, numThreads: options.numThreads ?? 1 });
      timings.modelMs = performance.now() - t;
      return e;
    })();
    return promise;
  };
  const release = async () => {
    if (promise) await (await promise.catch(() => null))?.dispose();
  };
  return { get, release };
}

// → {core, session, owned, embedder: {get, release}, modelVersion, shardVersion}; nothing half-made stays behind.
export async function openSession({ options, server, fetchImpl, userId, timings, tStart }) {
  const assetOpts = { fetch: fetchImpl };
  const d = await describe(options, server, assetOpts);
  timings.coreMs = performance.now() - tStart;
  const embedder = embedderLoader(options, server, d, assetOpts, timings);
  // The model (28 MB) downloads and ORT starts while the shard is fetched, verified and opened.
  if (options.preloadModel !== false) embedder.get().catch(() => {});
  const { core } = d;
  const owned = []; // long-lived handles, deleted by dispose()
  try {
    const [vocabBytes, shard] = await Promise.all([
      d.modelInfo.vocab_sha256 ? loadVerifiedBytes(d.vocabUrl, d.modelInfo.vocab_sha256, assetOpts).then((r) => r.bytes) : loadBytes(d.vocabUrl, assetOpts),
      loadVerifiedBytes(d.shardUrl, d.shardEntry.sha256, assetOpts),
    ]);
    const seed = BigInt.asUintN(64, BigInt(options.seed ?? core.hashString(userId)));
    // When WebCrypto already checked the shard's sha256, the core checks that it is the manifest's and skips its own
    // (slower) hash; otherwise the core hashes the bytes itself.
    const config = { seed, ...(options.rerank ?? {}), dailyCap: options.dailyCap, ...(shard.verified ? { sha256Verified: shard.verified } : {}) };
    const session = core.newSession(shard.bytes, d.manifestText, d.shardEntry.file, config);
    owned.push(core.registry.own(session));
    core.loadVocab(session, new TextDecoder().decode(vocabBytes));
    return {
      core,
      session,
      owned,
      embedder,
      modelVersion: `${d.modelInfo.name}:${d.modelInfo.onnx_sha256.slice(0, 12)}`, // ids allow [A-Za-z0-9._:-] only
      shardVersion: d.shardEntry.sha256,
    };
  } catch (e) {
    // The preloaded model's ORT session and any handle are released.
    embedder.release().catch(() => {});
    for (const h of owned.reverse()) core.registry.release(h);
    throw e;
  }
}
