// Profile embeddings, cached per profile hash in memory and the last one in storage, so a repeat visit skips the
// model. The model itself (ONNX Runtime) loads lazily through getEmbedder.
export async function openEmbeddings({ core, session, storage, getEmbedder, modelVersion, vocabJson, timings = {} }) {
  const cache = new Map();
  let vocab = vocabJson; // the core's tokenizer gets it on the first embedding: a main-thread task apart from opening
  const stored = await storage.get('embedding');
  if (stored?.modelVersion === modelVersion) cache.set(stored.hash, Float32Array.from(stored.vector));

  async function embedTexts(texts) {
    const e = await getEmbedder();
    const t = performance.now();
    if (vocab !== null && vocab !== undefined) {
      core.loadVocab(session, vocab);
      vocab = null;
      timings.vocabMs = performance.now() - t;
    }
    const vectors = await e.run(texts.map((text) => core.encode(session, text)));
    timings.firstEmbedMs ??= performance.now() - t; // the tokenizer's start and the model's first run
    return vectors;
  }

  async function profileEmbedding(profile, hash) {
    let v = cache.get(hash);
    if (!v) {
      [v] = await embedTexts([core.profileQueryText(profile)]);
      cache.set(hash, v);
      await storage.set('embedding', { hash, modelVersion, vector: Array.from(v) });
    }
    return v;
  }
  return { embedTexts, profileEmbedding, has: (hash) => cache.has(hash) };
}
