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

async function instantiate(simd, wasmUrl) {
  const name = simd ? 'wayfinder_core_simd' : 'wayfinder_core';
  const url = wasmUrl ?? new URL(`../wasm/${name}.mjs`, import.meta.url).href;
  const factory = (await import(/* @vite-ignore */ url)).default;
  const opts = {};
  if (typeof window !== 'undefined' || typeof WorkerGlobalScope !== 'undefined') {
    opts.locateFile = (file) => new URL(file, url).href;
  }
  return factory(opts);
}

function need(m, name) {
  if (typeof m[name] !== 'function') {
    throw new Error(`the WASM core lacks the binding ${name} (rebuild web/wasm: ninja wayfinder_wasm wayfinder_wasm_simd)`);
  }
  return m[name];
}

const toVec = (m, Ctor, arr) => {
  const v = new m[Ctor]();
  for (const x of arr) v.push_back(x);
  return v;
};

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
    hashString: (s) => BigInt(need(m, 'hashString')(String(s))),
    newTokenizer: (vocabJson) => need(m, 'Tokenizer').fromVocabJson(vocabJson),
    encode: (tok, text) => Int32Array.from(tok.encode(String(text))),
    profileQueryText: (profile) => need(m, 'profileQueryText')(JSON.stringify(profile)),
    profileHash: (profile) => need(m, 'profileHash')(JSON.stringify(profile)),
    openShard: (bytes, manifestJson, file) => need(m, 'openShard')(bytes, manifestJson, file),
    shardVersion: (shard) => shard.version(),
    indexOf: (shard, projectId) => shard.indexOf(projectId),
    newRecommender: (config) => {
      const Ctor = m.Recommender ?? need(m, 'Recommender');
      return new Ctor(JSON.stringify(config, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
    },
    setLocal: (rec, i, a, b) => rec.setLocal(i, a, b),
    addLocal: (rec, i, day, s, f, cap) => rec.addLocal(i, day, s, f, cap),
    setCommunity: (rec, idx, al, be) => rec.setCommunity(Uint32Array.from(idx), Float64Array.from(al), Float64Array.from(be)),
    hasContent: (rec, hash) => rec.hasContent(hash),
    setContent: (rec, shard, hash, vector, profile) => rec.setContent(shard, hash, vector, JSON.stringify(profile)),
    recommend: (rec, shard, hash, rankingId, limit, offset, useRL) =>
      JSON.parse(rec.recommendJson(shard, hash, rankingId, limit, offset, useRL)),
    rewardToUpdate: (episode) => JSON.parse(need(m, 'rewardToUpdateJson')(JSON.stringify(episode))),
    assignArm: (experimentId, userId, arms, weights) => need(m, 'assignArm')(experimentId, userId, toVec(m, 'VectorString', arms), toVec(m, 'VectorDouble', weights)),
  };
}
