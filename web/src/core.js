// The WASM core behind the package: picks the SIMD or the scalar build, and adapts the Embind surface
// (wasm/bind_*.cpp) to the few calls index.js makes. Every Embind object is owned through the HandleRegistry.
import { HandleRegistry } from './handles.js';

// The smallest module using a v128 instruction: validates only where WASM SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

let shared = null; // one module instance per realm and variant; handles are per recommender

// Static `new URL(literal, import.meta.url)` forms, so bundlers (Vite) see and emit the four files as assets.
function variantUrls(simd) {
  return simd
    ? { js: new URL('../wasm/wayfinder_core_simd.mjs', import.meta.url), wasm: new URL('../wasm/wayfinder_core_simd.wasm', import.meta.url) }
    : { js: new URL('../wasm/wayfinder_core.mjs', import.meta.url), wasm: new URL('../wasm/wayfinder_core.wasm', import.meta.url) };
}

async function instantiate(simd, wasmUrl) {
  const urls = wasmUrl ? { js: new URL(wasmUrl), wasm: new URL(String(wasmUrl).replace(/\.mjs$/, '.wasm')) } : variantUrls(simd);
  const factory = (await import(/* @vite-ignore */ urls.js.href)).default;
  const opts = {};
  if (typeof window !== 'undefined' || typeof WorkerGlobalScope !== 'undefined') {
    opts.locateFile = (file) => (file.endsWith('.wasm') ? urls.wasm.href : new URL(file, urls.js).href);
  }
  return factory(opts);
}

function need(m, name) {
  if (typeof m[name] !== 'function') {
    throw new Error(`the WASM core lacks the binding ${name} (rebuild web/wasm: ninja wayfinder_wasm wayfinder_wasm_simd)`);
  }
  return m[name];
}

export async function loadCore({ simd, wasmUrl } = {}) {
  const useSimd = simd ?? simdSupported();
  const key = `${useSimd}|${wasmUrl ?? ''}`;
  if (!shared || shared.key !== key) shared = { key, module: instantiate(useSimd, wasmUrl) };
  const m = await shared.module;
  const registry = new HandleRegistry();
  return {
    module: m,
    registry,
    simd: useSimd,
    version: () => m.coreVersion(),
    hashString: (str) => BigInt(need(m, 'RecommenderSession').hashString(String(str))),
    // The core's tokenizer, held by the session (bind_recommender.cpp).
    loadVocab: (ses, vocabJson) => ses.loadVocab(vocabJson),
    encode: (ses, text) => ses.encode(String(text)),
    // The one profile → query text function of the core (wasm/bind_text.cpp).
    profileQueryText: (profile) => need(m, 'profileQueryText')(JSON.stringify(profile)),
    // bind_recommender.cpp: one session = the verified shard (its lexical part; vectors attached later) + content cache
    // + bandit evidence
    newSession: (bytes, manifestJson, file, config) =>
      new (need(m, 'RecommenderSession'))(bytes, manifestJson, file, JSON.stringify(config, (_, v) => (typeof v === 'bigint' ? v.toString() : v))),
    // The shard's vectors part, checked against the manifest (or the WebCrypto hash in config.sha256Verified).
    attachVectors: (ses, bytes, config) => ses.attachVectors(bytes, JSON.stringify(config ?? {})),
    hasVectors: (ses) => ses.hasVectors(),
    profileHash: (profile) => m.RecommenderSession.profileHash(JSON.stringify(profile)),
    // The content cache key of a profile hash under a kind filter (an unknown kind throws, naming the allowed ones).
    contentKey: (hash, kinds) => m.RecommenderSession.contentKey(hash, JSON.stringify(kinds ?? [])),
    learningKinds: () => JSON.parse(need(m, 'learningKinds')()),
    indexOf: (ses, projectId) => ses.indexOf(projectId),
    hasContent: (ses, hash) => ses.hasContent(hash),
    dimension: (ses) => ses.dimension(),
    setContent: (ses, key, vector, profile, kinds) => ses.setContent(key, vector, JSON.stringify(profile), JSON.stringify(kinds ?? [])),
    // useRL undefined: the experiments decide (core experiment/policy.h); the page carries arm, experimentId, policy.
    recommend: (ses, hash, rankingId, limit, offset, useRL) =>
      JSON.parse(ses.recommendJson(hash, rankingId, limit, offset, useRL === undefined ? -1 : useRL ? 1 : 0)),
    setExperiments: (ses, list, userId) => ses.setExperimentsJson(JSON.stringify(list), String(userId)),
    policy: (ses) => JSON.parse(ses.policyJson()),
    // The learner's episodes and local counts (core bandit/episode_fold.h): a wire event in, validated and folded.
    track: (ses, wireEvent) => JSON.parse(ses.trackJson(JSON.stringify(wireEvent))),
    settle: (ses, nowMs) => ses.settle(nowMs),
    learnerState: (ses) => ses.learnerStateJson(),
    loadLearnerState: (ses, stateJson) => ses.loadLearnerStateJson(stateJson),
    localCounts: (ses, projectId) => JSON.parse(ses.localCountsJson(projectId === undefined ? '' : String(projectId))),
    setCommunity: (ses, snapshot) => ses.setCommunityJson(JSON.stringify(snapshot)),
    // The contextual arm's feature basis (the manifest's "features" file): refused naming the file and field.
    loadFeatureBasis: (ses, bytes, verifiedSha256) => ses.loadFeatureBasis(bytes, verifiedSha256 ?? ''),
    featuresStatus: (ses) => ses.featuresStatus(),
    // The learner's space (core space/learner_space.h): saved, history and hidden projects with their card facts.
    spaceState: (ses) => ses.spaceStateJson(),
    loadSpaceState: (ses, stateJson) => ses.loadSpaceStateJson(stateJson),
    saved: (ses) => JSON.parse(ses.savedJson()),
    history: (ses) => JSON.parse(ses.historyJson()),
    hidden: (ses) => JSON.parse(ses.hiddenJson()),
  };
}
