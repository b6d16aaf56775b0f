// The Recommender object (web/src/index.d.ts) over the opened parts: recommend, track, sync, embed, dispose and the
// extras. Background sync (after tracking, on `online`) is scheduled here; every rule is in the parts and the core.
import { createTracker } from './tracker.js';

function checkRequest(profile, limit, offset) {
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) throw new TypeError('profile must be an object');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError('limit must be an integer in 1..1000');
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
}

// recommend(): the profile's content ranking (embedded once per profile hash), then a page from the core under the
// learner's experiment policy (or an explicit useRL).
function recommender({ opened, storage, timings, embeddings, experiments, rankings }) {
  const { core, session, modelVersion, shardVersion } = opened;
  return async function recommend(profile = {}, { limit = 10, offset = 0, useRL, rankingId } = {}) {
    checkRequest(profile, limit, offset);
    const t = performance.now();
    const hash = core.profileHash(profile);
    if (!core.hasContent(session, hash)) core.setContent(session, hash, await embeddings.profileEmbedding(profile, hash), profile);
    const rl = useRL ?? experiments.current().policy.useRL;
    const id = rankings.rankingIdFor({ rankingId, offset, hash, rl });
    const { items, arm, experimentId, policy, exhausted } = rankings.page({ hash, id, limit, offset, useRL });
    await storage.set('profile', profile);
    timings.lastRecommendMs = performance.now() - t;
    return { items, rankingId: id, arm, experimentId, policy, offset, exhausted, modelVersion, shardVersion };
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

export function createApi(parts) {
  const { options, server, storage, timings, opened, userId, learner, stats, sync, embeddings } = parts;
  const { core, modelVersion, shardVersion } = opened;
  const autoSync = Boolean(server) && options.autoSync !== false;
  let disposed = false;
  let autoTimer = null;
  const assertLive = () => {
    if (disposed) throw new Error('recommender is disposed');
  };
  const live = (fn) => (...args) => (assertLive(), fn(...args)); // track() throws at once
  const liveAsync = (fn) => async (...args) => (assertLive(), fn(...args)); // the async calls reject
  const scheduleSync = () => {
    if (!autoSync || autoTimer) return;
    autoTimer = setTimeout(() => {
      autoTimer = null;
      if (typeof navigator === 'undefined' || navigator.onLine !== false) api.sync().catch(() => {});
    }, options.syncDelayMs ?? 2000);
  };
  const tracker = createTracker({ ...parts, versions: { modelVersion, shardVersion }, onQueued: scheduleSync });
  const recommend = recommender(parts);
  const api = {
    userId,
    modelVersion,
    shardVersion,
    timings,
    storage,
    recommend: liveAsync(recommend),
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
    flushOnHide: () => (disposed ? 0 : sync.beacon()),
    liveHandles: () => core.registry.live(),
    async dispose() {
      if (disposed) return;
      await tracker.settled();
      disposed = true;
      if (autoTimer) clearTimeout(autoTimer);
      await storage.set(learner.stateKey, learner.state());
      for (const h of opened.owned.reverse()) core.registry.release(h);
      await opened.embedder.release();
      await storage.close?.();
    },
  };
  startBackground(api, parts, autoSync);
  return api;
}
