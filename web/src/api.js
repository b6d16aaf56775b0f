// The Recommender object (web/src/index.d.ts) over the opened parts: recommend, track, sync, embed, dispose and the
// extras. Background sync (after tracking, on `online`) is scheduled here; every rule is in the parts and the core.
import { createSpace } from './space.js';
import { createTracker } from './tracker.js';

function checkRequest(profile, limit, offset) {
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) throw new TypeError('profile must be an object');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError('limit must be an integer in 1..1000');
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
}

// The content ranking of a profile under a kind filter, cached by the core under its content key: 'embedding'
// (cosine + BM25 + structured) when the shard's vectors part is in and the profile's embedding is cached or the
// model is ready; otherwise, with allowLexical, 'lexical' (the same blend without cosine: BM25 + structured only,
// from the shard's lexical part), replaced by the embedding ranking on a later call once both are in. Without
// allowLexical the call waits for the model and the vectors.
function contentRankings({ opened, embeddings, timings }) {
  const { core, session, embedder, vectors } = opened;
  const stages = new Map(); // content key → 'lexical' | 'embedding'
  return async function ensure(profile, kinds, allowLexical) {
    const profileHash = core.profileHash(profile);
    // The kind filter is the core's (parse_kind_filter): an unknown kind throws here, naming the allowed ones.
    const key = core.contentKey(profileHash, kinds);
    const have = core.hasContent(session, key) ? stages.get(key) ?? 'embedding' : null;
    const refinable = vectors.ready() && (embedder.ready() || embeddings.has(profileHash));
    if (have === 'embedding' || (have === 'lexical' && allowLexical && !refinable)) return { key, stage: have };
    if (allowLexical && !refinable) {
      core.setContent(session, key, new Float32Array(core.dimension(session)), profile, kinds);
      stages.set(key, 'lexical');
      return { key, stage: 'lexical' };
    }
    const [embedding] = await Promise.all([embeddings.profileEmbedding(profile, profileHash), vectors.get()]);
    const t1 = performance.now();
    core.setContent(session, key, embedding, profile, kinds);
    timings.firstEmbeddingRankingMs ??= performance.now() - t1; // the first content ranking with an embedding
    stages.set(key, 'embedding');
    return { key, stage: 'embedding' };
  };
}

// recommend(): the profile's content ranking (embedded once per profile hash), then a page from the core under the
// learner's experiment policy (or an explicit useRL).
function recommender(parts, ensure) {
  const { opened, storage, timings, experiments, rankings } = parts;
  const { modelVersion, shardVersion } = opened;
  return async function recommend(profile = {}, { limit = 10, offset = 0, useRL, rankingId, kinds = [], allowLexical = false } = {}) {
    checkRequest(profile, limit, offset);
    const t = performance.now();
    const { key: hash, stage } = await ensure(profile, kinds, allowLexical);
    const rl = useRL ?? experiments.current().policy.useRL;
    const id = rankings.rankingIdFor({ rankingId, offset, hash, rl });
    const { items, arm, experimentId, policy, exhausted, bandit, warning } = rankings.page({ hash, id, limit, offset, useRL });
    opened.embedder.ungate(); // a ranking is out: the model may start (modelStartAfterRanking)
    // Kept for the next visit without holding the page back (a write lost with a closed tab loses nothing else).
    storage.set('profile', profile).catch((e) => console.warn(`wayfinder: the profile was not saved (${e.message})`));
    timings.lastRecommendMs = performance.now() - t;
    return { items, rankingId: id, arm, experimentId, policy, bandit, warning: warning ?? null, offset, exhausted, modelVersion, shardVersion, stage };
  };
}

// sync(): send the queue, pull the newest community evidence and experiment list.
async function syncOnce({ server, sync, community, experiments }, tracker) {
  await tracker.settled();
  const flushed = await sync.flush();
  const pulled = await sync.pullCommunity();
  if (pulled.changed) community.apply(pulled.snapshot);
  if (server) experiments.update(await sync.pullExperiments());
  return { ...flushed, communityVersion: community.version(), communityChanged: pulled.changed };
}

// Background refresh (recommend() never waits for the network) and a sync whenever the browser comes back online.
function startBackground(api, { options, sync, community, experiments }, autoSync) {
  if (autoSync) {
    sync.pullExperiments().then((list) => experiments.update(list)).catch(() => {});
    sync.pullCommunity().then((r) => r.changed && community.apply(r.snapshot)).catch(() => {});
  }
  if (typeof addEventListener === 'function' && typeof window !== 'undefined' && options.autoSync !== false) {
    addEventListener('online', () => api.sync().catch(() => {}));
  }
}

// One background sync a moment after tracking (a burst of events goes in one batch), when online.
function syncScheduler(options, autoSync, syncNow) {
  let timer = null;
  const schedule = () => {
    if (!autoSync || timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (typeof navigator === 'undefined' || navigator.onLine !== false) syncNow().catch(() => {});
    }, options.syncDelayMs ?? 2000);
  };
  return { schedule, cancel: () => timer && clearTimeout(timer) };
}

// The learner's space (web/src/space.js): every method rejects once the recommender is disposed.
function liveSpace(parts, tracker, liveAsync) {
  return Object.fromEntries(Object.entries(createSpace({ ...parts, tracker })).map(([k, fn]) => [k, liveAsync(fn)]));
}

export function createApi(parts) {
  const { options, server, storage, timings, opened, userId, learner, stats, sync, embeddings } = parts;
  const { core, modelVersion, shardVersion } = opened;
  const autoSync = Boolean(server) && options.autoSync !== false;
  let disposed = false;
  let forgotten = false; // after forget() nothing is written back
  const assertLive = () => {
    if (disposed) throw new Error('recommender is disposed');
  };
  const live = (fn) => (...args) => (assertLive(), fn(...args)); // track() throws at once
  const liveAsync = (fn) => async (...args) => (assertLive(), fn(...args)); // the async calls reject
  const scheduler = syncScheduler(options, autoSync, () => api.sync());
  const tracker = createTracker({ ...parts, versions: { modelVersion, shardVersion }, onQueued: scheduler.schedule });
  const ensure = contentRankings(parts);
  const recommend = recommender(parts, ensure);
  const { forgetData, ...space } = liveSpace(parts, tracker, liveAsync);
  const api = {
    userId,
    modelVersion,
    shardVersion,
    timings,
    storage,
    recommend: liveAsync(recommend),
    // Resolves when the embedding model is loaded and the shard's vectors part attached, i.e. an embedding ranking
    // is possible (rejects with the download or start-up error).
    modelReady: () => (opened.embedder.ungate(), Promise.all([opened.embedder.get(), opened.vectors.get()]).then(() => true)),
    // Computes (and caches) the profile's embedding-based content ranking without starting a ranking, so a later
    // recommend() of the same profile is immediate. Resolves to 'embedding'.
    prepare: liveAsync(async (profile, { kinds = [] } = {}) => (await ensure(profile, kinds, false)).stage),
    track: live(tracker.track),
    sync: liveAsync(() => syncOnce(parts, tracker)),
    embed: liveAsync(async (text) => {
      const out = await embeddings.embedTexts(Array.isArray(text) ? text : [String(text)]);
      return Array.isArray(text) ? out : out[0];
    }),
    savedProfile: async () => (await storage.get('profile')) ?? null,
    pending: () => sync.counts(),
    stats: () => ({ ...stats, ...sync.counts() }),
    localCounts: (projectId) => learner.counts(projectId),
    // The learner's space: saved, history, notInterested (+ undo), exportData, importData (web/src/space.js).
    ...space,
    // The server's rows of this learner, then the device's; disposed afterwards (a new one gets a new client id).
    forget: async () => forgetData().then(async (result) => ((forgotten = true), await api.dispose(), result)),
    flushOnHide: () => (disposed ? 0 : sync.beacon()),
    pageHideRequests: () => (disposed ? [] : sync.beaconRequests()),
    liveHandles: () => core.registry.live(),
    async dispose() {
      if (disposed) return;
      await tracker.settled();
      disposed = true;
      scheduler.cancel();
      if (!forgotten) await storage.setMany(learner.states());
      for (const h of opened.owned.reverse()) core.registry.release(h);
      await opened.embedder.release();
      await storage.close?.();
    },
  };
  startBackground(api, parts, autoSync);
  return api;
}
