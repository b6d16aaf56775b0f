// Profile embeddings, cached per profile hash in memory and the last one in storage, so a repeat visit skips the
// model. The model itself (ONNX Runtime) loads lazily through getEmbedder.
export async function openEmbeddings({ core, session, storage, getEmbedder, modelVersion, vocabJson }) {
  const cache = new Map();
  let vocab = vocabJson; // the core's tokenizer gets it on the first embedding: a main-thread task apart from opening
  const stored = await storage.get('embedding');
  if (stored?.modelVersion === modelVersion) cache.set(stored.hash, Float32Array.from(stored.vector));

  async function embedTexts(texts) {
    const e = await getEmbedder();
    if (vocab !== null && vocab !== undefined) {
      core.loadVocab(session, vocab);
      vocab = null;
    }
    return e.run(texts.map((t) => core.encode(session, t)));
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
