// wayfinder: on-device GitHub project recommendations. One awaited factory, createRecommender(options), returns
// an object with recommend / track / sync / embed / dispose (docs/ARCHITECTURE.md). Ranking, tokenising, rewards and the A/B
// hash run in the C++ core (WASM); the embedding in ONNX Runtime; state in IndexedDB / a file / memory.
import { loadBytes, loadText, loadVerifiedBytes, resolveUrl } from './assets.js';
import { loadCore } from './core.js';
import { createEmbedder } from './embedder.js';
import { openStorage } from './storage.js';
import { SyncClient, uuid } from './sync.js';

export { MemoryStorage, FileStorage, SCHEMA_VERSION } from './storage.js';
export { backoffDelay } from './sync.js';

const isNode = typeof process === 'object' && !!process.versions?.node && typeof window === 'undefined';
const EVENT_TYPES = new Set(['impression', 'click', 'bookmark', 'rating', 'dwell']);
const DAY_MS = 86400000;

function defaultModelsBase(server) {
  if (server) return `${server.replace(/\/$/, '')}/models/`;
  if (isNode) return new URL('../../models/build/', import.meta.url).href;
  return new URL('/models/', globalThis.location?.href ?? 'http://localhost/').href;
}

function normaliseProfile(profile = {}) {
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
    throw new TypeError('profile must be an object');
  }
  return profile;
}

/**
 * @param {import('./index.d.ts').RecommenderOptions} options
 * @returns {Promise<import('./index.d.ts').Recommender>}
 */
export async function createRecommender(options = {}) {
  const server = options.server ? String(options.server).replace(/\/$/, '') : null;
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  const timings = {};
  const tStart = performance.now();
  const storage = await openStorage(options.storage ?? (isNode ? 'memory' : 'indexeddb'), options.userId);
  let identity = await storage.get('identity');
  if (!identity || (options.userId && identity.clientId !== options.userId)) {
    identity = { clientId: options.userId ?? uuid(), sessionId: uuid() };
  } else {
    identity = { ...identity, sessionId: uuid() }; // a new session per createRecommender
  }
  await storage.set('identity', identity);
  const userId = identity.clientId;

  const modelsBase = options.modelsUrl ?? defaultModelsBase(server);
  const modelInfoUrl = options.modelInfoUrl ?? resolveUrl(modelsBase, 'model-info.json');
  const manifestUrl = options.manifestUrl ?? resolveUrl(modelsBase, 'shards/manifest.json');
  const assetOpts = { fetch: fetchImpl };
  // Progress of each download: onProgress({stage: 'shard'|'model'|'runtime'|'vocab', loaded, total, cached, done}).
  const progressOf = (stage, total) => ({
    ...assetOpts,
    total,
    onProgress: options.onProgress ? (p) => options.onProgress({ stage, ...p }) : undefined,
  });

  // The core, the model description, vocabulary and manifest in parallel; then shard and model.
  const [core, modelInfo, manifestText] = await Promise.all([
    loadCore({ simd: options.simd, wasmUrl: options.wasmUrl }),
    loadText(modelInfoUrl, { ...assetOpts, revalidate: true }).then(JSON.parse),
    loadText(manifestUrl, { ...assetOpts, revalidate: true }),
  ]);
  timings.coreMs = performance.now() - tStart;
  // The int8 model (a quarter of the bytes; models/README.md) unless float32 is asked for or not built.
  const model = options.modelPrecision !== 'float32' && modelInfo.int8 ? modelInfo.int8 : { file: modelInfo.onnx_file, sha256: modelInfo.onnx_sha256 };
  const modelUrl = options.modelUrl ?? resolveUrl(modelsBase, model.file);
  const vocabUrl = options.vocabUrl ?? resolveUrl(modelsBase, modelInfo.vocab_file);
  const manifest = JSON.parse(manifestText);
  const shardEntry = manifest.shards?.[0];
  if (!shardEntry) throw new Error(`${manifestUrl}: no shards listed`);
  const shardUrl = options.shardUrl ?? resolveUrl(manifestUrl.replace(/[^/]*$/, ''), shardEntry.file);

  const backend = options.backend ?? 'web';
  let embedderPromise = null;
  let embedder = null; // set once the model is ready
  const getEmbedder = () => {
    embedderPromise ??= (async () => {
      const t = performance.now();
      const wasmPaths = options.ortWasmPaths ?? (isNode ? undefined : new URL('/ort/', server ?? location.href).href);
      // In a browser ONNX Runtime's .wasm comes through the asset cache too (progress, one download, offline).
      const runtime =
        backend === 'web' && !isNode
          ? loadBytes(`${wasmPaths}ort-wasm-simd-threaded.wasm`, progressOf('runtime', options.ortWasmBytes))
          : Promise.resolve(undefined);
      const [{ bytes: modelBytes }, wasmBinary] = await Promise.all([
        loadVerifiedBytes(modelUrl, model.sha256, progressOf('model', model.bytes ?? modelInfo.onnx_bytes)),
        runtime,
      ]);
      const e = await createEmbedder({ modelBytes, backend, wasmPaths, wasmBinary, numThreads: options.numThreads ?? 1 });
      timings.modelMs = performance.now() - t;
      embedder = e;
      return e;
    })().catch((e) => {
      embedderPromise = null; // a failed download or start-up is tried again by the next call
      throw e;
    });
    return embedderPromise;
  };
  // The model downloads in the background; recommend() does not wait for it (a lexical + structured ranking first,
  // see recommend). With modelAfterShard (default) its download starts when the shard's bytes are in, so on a slow
  // link the shard — what the first ranking needs — has the whole bandwidth; the progress shows both from the start.
  const shardFirst = options.modelAfterShard !== false;
  let shardArrived;
  const shardIn = new Promise((r) => (shardArrived = r));
  if (options.preloadModel !== false) {
    if (shardFirst) {
      options.onProgress?.({ stage: 'model', loaded: 0, total: model.bytes ?? modelInfo.onnx_bytes, cached: false });
      shardIn.then(() => getEmbedder()).catch(() => {});
    } else getEmbedder().catch(() => {});
  }

  const registry = core.registry;
  const owned = []; // long-lived handles, deleted by dispose()
  const own = (h) => {
    owned.push(registry.own(h));
    return h;
  };

  let session;
  let vocabJson = null; // handed to the core's tokenizer on the first embedding (not on the first ranking's path)
  try {
    const [vocabBytes, shard] = await Promise.all([
      modelInfo.vocab_sha256
        ? loadVerifiedBytes(vocabUrl, modelInfo.vocab_sha256, progressOf('vocab')).then((r) => r.bytes)
        : loadBytes(vocabUrl, progressOf('vocab')),
      loadVerifiedBytes(shardUrl, shardEntry.sha256, progressOf('shard', shardEntry.bytes)).then((r) => (shardArrived(), r)),
    ]);
    vocabJson = new TextDecoder().decode(vocabBytes);
    const seed = BigInt.asUintN(64, BigInt(options.seed ?? core.hashString(userId)));
    // When WebCrypto already checked the shard's sha256, the core checks that it is the manifest's and skips its own
    // (slower) hash; otherwise the core hashes the bytes itself.
    const sessionConfig = { seed, ...(options.rerank ?? {}), ...(shard.verified ? { sha256Verified: shard.verified } : {}) };
    session = own(core.newSession(shard.bytes, manifestText, shardEntry.file, sessionConfig));
  } catch (e) {
    // Nothing half-made stays behind: the preloaded model's ORT session and any handle are released.
    embedderPromise?.then((emb) => emb.dispose()).catch(() => {});
    for (const h of owned.reverse()) registry.release(h);
    throw e;
  }
  const shardVersion = shardEntry.sha256;
  const modelVersion = `${modelInfo.name}:${model.sha256.slice(0, 12)}`; // ids allow [A-Za-z0-9._:-] only
  timings.shardMs = performance.now() - tStart;



  // ── local evidence: counts by project id (persisted) → the core's store by shard row ──────────────────────
  const local = (await storage.get('local')) ?? { counts: {}, today: {} };
  const today = () => Math.floor(Date.now() / DAY_MS);
  for (const [projectId, c] of Object.entries(local.counts)) {
    const i = core.indexOf(session, projectId);
    if (i < 0) continue;
    const t = local.today[projectId];
    if (t && t.day === today()) {
      // Restore today's capped amount through add_local, so the daily cap keeps holding after a restart.
      core.setLocal(session, i, c.alpha - t.success, c.beta - t.failure);
      core.addLocal(session, i, t.day, t.success, t.failure, options.dailyCap ?? 1);
    } else {
      core.setLocal(session, i, c.alpha, c.beta);
    }
  }
  let episodes = (await storage.get('episodes')) ?? {};
  const stats = (await storage.get('stats')) ?? { tracked: 0 }; // events ever queued on this device

  // ── community counts ────────────────────────────────────────────────────────────────────────────────────────
  let community = null;
  function applyCommunity(snapshot) {
    if (!snapshot?.counts) return;
    const idx = [];
    const al = [];
    const be = [];
    for (const [projectId, c] of Object.entries(snapshot.counts)) {
      const i = core.indexOf(session, projectId);
      if (i < 0) continue;
      idx.push(i);
      al.push(Number(c.alpha) || 0);
      be.push(Number(c.beta) || 0);
    }
    core.setCommunity(session, idx, al, be);
    community = snapshot;
  }
  applyCommunity((await storage.get('community'))?.snapshot);

  const sync = new SyncClient({ server, storage, identity, fetch: fetchImpl, retry: options.retry });
  await sync.load();

  // ── experiment arm ──────────────────────────────────────────────────────────────────────────────────────────
  let experiment = null;
  function chooseArm(list) {
    const ex = (list ?? []).find((e) => (e.status ?? 'running') === 'running');
    if (!ex) return null;
    const id = ex.experimentId ?? ex.id;
    const config = typeof ex.config === 'string' ? JSON.parse(ex.config) : (ex.config ?? {});
    const arms = ex.arms ?? Object.keys(config.split ?? {});
    const split = config.split ?? Object.fromEntries(arms.map((a) => [a, 1 / arms.length]));
    const names = arms.filter((a) => split[a] > 0);
    const arm = core.assignArm(id, userId, names, names.map((a) => split[a]));
    return { id, arm, config };
  }
  experiment = chooseArm((await storage.get('experiments'))?.list);
  if (server && options.autoSync !== false) {
    // Background refresh; recommend() never waits for the network.
    sync.pullExperiments().then((list) => (experiment = chooseArm(list) ?? experiment)).catch(() => {});
    sync.pullCommunity().then((r) => r.changed && applyCommunity(r.snapshot)).catch(() => {});
  }

  // ── embeddings, cached per profile hash (memory + storage, so a repeat visit skips the model) ───────────────
  const embCache = new Map();
  const stored = await storage.get('embedding');
  if (stored?.modelVersion === modelVersion) embCache.set(stored.hash, Float32Array.from(stored.vector));

  async function embedTexts(texts) {
    const e = await getEmbedder();
    if (vocabJson !== null) {
      core.loadVocab(session, vocabJson); // a separate main-thread task from the shard's opening
      vocabJson = null;
    }
    const ids = texts.map((t) => core.encode(session, t));
    return e.run(ids);
  }

  async function profileEmbedding(profile, hash) {
    let v = embCache.get(hash);
    if (!v) {
      [v] = await embedTexts([core.profileQueryText(profile)]);
      embCache.set(hash, v);
      await storage.set('embedding', { hash, modelVersion, vector: Array.from(v) });
    }
    return v;
  }

  // ── episodes → rewards → local counts (at once) ───────────────────────────────────────────────────────────
  async function applyEpisode(key, projectId, { close = false } = {}) {
    const ep = episodes[key];
    const i = core.indexOf(session, projectId);
    if (!ep || i < 0) return;
    const acted = ep.clicked || ep.bookmarked || ep.stars != null || ep.dwell > 0;
    if (!acted && !close) return;
    const target = core.rewardToUpdate({
      position: ep.position,
      clicked: ep.clicked,
      bookmarked: ep.bookmarked,
      stars: ep.stars,
      dwellSeconds: ep.dwell,
    });
    const delta = {
      success: Math.max(0, target.success - ep.applied.success),
      failure: Math.max(0, target.failure - ep.applied.failure),
    };
    ep.applied = { success: ep.applied.success + delta.success, failure: ep.applied.failure + delta.failure };
    if (close) ep.closed = true;
    if (delta.success === 0 && delta.failure === 0) return;
    const day = today();
    const got = core.addLocal(session, i, day, delta.success, delta.failure, options.dailyCap ?? 1);
    const c = (local.counts[projectId] ??= { alpha: 0, beta: 0 });
    c.alpha += got.success;
    c.beta += got.failure;
    const t = local.today[projectId]?.day === day ? local.today[projectId] : { day, success: 0, failure: 0 };
    t.success += got.success;
    t.failure += got.failure;
    local.today[projectId] = t;
  }

  // Impressions of earlier rankings that saw no action become ignored views (failure ∝ examination).
  async function closeEpisodes(exceptRanking) {
    for (const [key, ep] of Object.entries(episodes)) {
      if (ep.closed || ep.rankingId === exceptRanking) continue;
      await applyEpisode(key, ep.projectId, { close: true });
    }
    // Keep closed episodes for a day (late dwell/rating joins them), then forget.
    const horizon = Date.now() - DAY_MS;
    for (const [key, ep] of Object.entries(episodes)) if (ep.closed && ep.at < horizon) delete episodes[key];
  }

  let rankingCounter = 0;
  let lastRanking = null; // {rankingId, arm, items: Map(projectId → item)}
  // Recent rankings by id, so an event for a card of an earlier ranking (another tab of the app, a late dwell)
  // still carries that ranking's arm and propensities.
  const recentRankings = new Map();
  const RECENT_RANKINGS = 16;
  let disposed = false;
  const assertLive = () => {
    if (disposed) throw new Error('recommender is disposed');
  };

  // The content ranking of a profile, cached by the core under its hash: 'embedding' (cosine + BM25 + structured)
  // when the profile's embedding is cached or the model is ready; otherwise, with allowLexical, 'lexical' (the same
  // blend with a zero query vector: BM25 + structured only), replaced by the embedding ranking on a later call once
  // the model is in. Without allowLexical the call waits for the model.
  const contentStage = new Map(); // profile hash → 'lexical' | 'embedding'
  async function ensureContent(p, hash, allowLexical) {
    const have = core.hasContent(session, hash) ? contentStage.get(hash) ?? 'embedding' : null;
    if (have === 'embedding' || (have === 'lexical' && allowLexical && !embedder)) return have;
    if (allowLexical && !embedder && !embCache.has(hash)) {
      core.setContent(session, hash, new Float32Array(core.dimension(session)), p);
      contentStage.set(hash, 'lexical');
      return 'lexical';
    }
    const v = await profileEmbedding(p, hash);
    core.setContent(session, hash, v, p);
    contentStage.set(hash, 'embedding');
    return 'embedding';
  }

  async function recommend(profile, { limit = 10, offset = 0, useRL, rankingId, allowLexical = false } = {}) {
    assertLive();
    const p = normaliseProfile(profile);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError('limit must be an integer in 1..1000');
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
    const t = performance.now();
    const hash = core.profileHash(p);
    const stage = await ensureContent(p, hash, allowLexical);
    const assigned = experiment?.arm ?? 'rl';
    const rl = useRL ?? assigned !== 'similarity';
    const arm = useRL === undefined ? assigned : rl ? 'rl' : 'similarity';
    // A seeded recommender names its rankings deterministically, so a seeded run is reproducible.
    const id =
      rankingId ??
      (offset > 0 && lastRanking?.hash === hash && lastRanking.rl === rl
        ? lastRanking.rankingId
        : options.seed !== undefined
          ? `seed-${options.seed}-${rankingCounter++}`
          : uuid());
    if (id !== lastRanking?.rankingId) await closeEpisodes(id);
    const page = core.recommend(session, hash, id, limit, offset, rl);
    const items = page.items.map((it) => {
      const comm = community?.counts?.[it.projectId];
      return {
        ...it,
        communityScore: comm ? (comm.alpha + 1) / (comm.alpha + comm.beta + 2) : null,
      };
    });
    if (!lastRanking || lastRanking.rankingId !== id) {
      lastRanking = recentRankings.get(id) ?? { rankingId: id, hash, rl, arm, items: new Map() };
      recentRankings.delete(id);
      recentRankings.set(id, lastRanking);
      if (recentRankings.size > RECENT_RANKINGS) recentRankings.delete(recentRankings.keys().next().value);
    }
    for (const it of items) lastRanking.items.set(it.projectId, it);
    await storage.setMany({ profile: p, local, episodes });
    timings.lastRecommendMs = performance.now() - t;
    return {
      items,
      rankingId: id,
      arm,
      experimentId: experiment?.id ?? null,
      offset,
      exhausted: page.exhausted,
      modelVersion,
      shardVersion,
      stage,
    };
  }

  let autoTimer = null;
  function scheduleSync() {
    if (!server || options.autoSync === false || autoTimer) return;
    autoTimer = setTimeout(() => {
      autoTimer = null;
      if (typeof navigator !== 'undefined' && navigator.onLine === false) return;
      api.sync().catch(() => {});
    }, options.syncDelayMs ?? 2000);
  }

  let trackChain = Promise.resolve();
  function track(event) {
    assertLive();
    if (!event || !EVENT_TYPES.has(event.type)) throw new TypeError(`event.type must be one of ${[...EVENT_TYPES].join(', ')}`);
    const projectId = String(event.projectId ?? '').toLowerCase();
    if (!/^[a-z0-9_.-]+\/[a-z0-9_.-]+$/.test(projectId)) throw new TypeError('event.projectId must be "owner/repo"');
    if (event.type === 'rating' && !(Number.isInteger(event.stars) && event.stars >= 1 && event.stars <= 5)) {
      throw new RangeError('rating events need stars 1..5');
    }
    if (event.type === 'dwell' && !(Number.isFinite(event.seconds) && event.seconds >= 0)) {
      throw new RangeError('dwell events need seconds >= 0');
    }
    const rankingId = event.rankingId ?? lastRanking?.rankingId ?? '';
    const ranking = recentRankings.get(rankingId);
    const shown = ranking?.items.get(projectId);
    const position = event.position ?? shown?.position ?? -1;
    const wire = {
      eventId: uuid(),
      type: event.type,
      projectId,
      rankingId,
      position,
      arm: event.arm ?? ranking?.arm ?? experiment?.arm ?? 'rl',
      at: new Date(event.at ?? Date.now()).toISOString(),
      modelVersion,
      shardVersion,
    };
    if (position < 0) delete wire.position;
    if (shown?.propensity != null) wire.propensity = shown.propensity;
    // The other A/B arm's probability of this slot, for the server's off-policy estimate of that arm.
    if (shown?.altPropensity != null) wire.altPropensity = shown.altPropensity;
    if (event.type === 'rating') {
      wire.stars = event.stars;
      if (event.comment) wire.comment = String(event.comment).slice(0, 280);
    }
    if (event.type === 'dwell') wire.seconds = event.seconds;
    const key = `${rankingId}|${projectId}`;
    const done = (trackChain = trackChain.then(async () => {
      const ep = (episodes[key] ??= {
        rankingId,
        projectId,
        position: Math.max(0, position),
        clicked: false,
        bookmarked: false,
        stars: null,
        dwell: 0,
        applied: { success: 0, failure: 0 },
        at: Date.now(),
      });
      if (event.type === 'click') ep.clicked = true;
      if (event.type === 'bookmark') ep.bookmarked = true;
      if (event.type === 'rating') ep.stars = event.stars;
      if (event.type === 'dwell') ep.dwell += event.seconds;
      await applyEpisode(key, projectId);
      stats.tracked += 1;
      await sync.enqueue([wire], { local, episodes, stats }); // one write: the count never misses a queued event
      scheduleSync();
    }));
    // track() is fire-and-forget for UIs; the returned promise resolves once the event is stored locally.
    return done.then(() => ({ eventId: wire.eventId }));
  }

  const api = {
    userId,
    modelVersion,
    shardVersion,
    timings,
    storage,
    recommend,
    // Resolves when the embedding model is loaded (rejects with the download or start-up error).
    modelReady: () => getEmbedder().then(() => true),
    // Computes (and caches) the profile's embedding-based content ranking without starting a ranking, so a later
    // recommend() of the same profile is immediate. Resolves to 'embedding'.
    async prepare(profile) {
      assertLive();
      const p = normaliseProfile(profile);
      return ensureContent(p, core.profileHash(p), false);
    },
    track,
    async sync() {
      assertLive();
      await trackChain;
      const flushed = await sync.flush();
      const pulled = await sync.pullCommunity();
      if (pulled.changed) applyCommunity(pulled.snapshot);
      if (server) experiment = chooseArm(await sync.pullExperiments()) ?? experiment;
      return { ...flushed, communityVersion: community?.version ?? null, communityChanged: pulled.changed };
    },
    async embed(text) {
      assertLive();
      const texts = Array.isArray(text) ? text : [String(text)];
      const out = await embedTexts(texts);
      return Array.isArray(text) ? out : out[0];
    },
    async savedProfile() {
      return (await storage.get('profile')) ?? null;
    },
    pending() {
      return sync.counts();
    },
    stats() {
      return { ...stats, ...sync.counts() };
    },
    localCounts(projectId) {
      if (projectId) return local.counts[String(projectId).toLowerCase()] ?? { alpha: 0, beta: 0 };
      return structuredClone(local.counts);
    },
    flushOnHide() {
      if (disposed) return 0;
      return sync.beacon();
    },
    liveHandles() {
      return registry.live();
    },
    async dispose() {
      if (disposed) return;
      await trackChain;
      disposed = true;
      if (autoTimer) clearTimeout(autoTimer);
      await storage.setMany({ local, episodes });
      for (const h of owned.reverse()) registry.release(h);
      if (embedderPromise) await (await embedderPromise.catch(() => null))?.dispose();
      await storage.close?.();
    },
  };
  if (typeof addEventListener === 'function' && typeof window !== 'undefined' && options.autoSync !== false) {
    addEventListener('online', () => api.sync().catch(() => {}));
  }
  timings.readyMs = performance.now() - tStart;
  return api;
}

export default createRecommender;
