// wayfinder: on-device GitHub project recommendations. One awaited factory, createRecommender(options), returns
// an object with recommend / track / sync / embed / dispose (docs/ARCHITECTURE.md). Ranking, tokenising, event
// validation, the episode fold, rewards, experiment policies and the A/B hash run in the C++ core (WASM); the
// embedding in ONNX Runtime; state in IndexedDB / a file / memory. This file only wires the parts (docs/WEB.md,
// "Modules").
import { createApi } from './api.js';
import { openCommunity } from './community.js';
import { openEmbeddings } from './embeddings.js';
import { openExperiments } from './experiments.js';
import { loadIdentity } from './identity.js';
import { openLearner } from './learner.js';
import { isNode, openSession } from './open-session.js';
import { createRankings } from './rankings.js';
import { openStorage } from './storage.js';
import { SyncClient } from './sync.js';

export { MemoryStorage, FileStorage, SCHEMA_VERSION } from './storage.js';
export { backoffDelay } from './sync.js';
export { createRecommenderInWorker } from './bridge.js';

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
  const identity = await loadIdentity(storage, options.userId);
  const opened = await openSession({ options, server, fetchImpl, userId: identity.clientId, timings, tStart });
  timings.shardMs = performance.now() - tStart;
  const { core, session, modelVersion } = opened;
  // The saved parts are read from storage at once (each one sets its own part of the session), not one after another.
  const sync = new SyncClient({ server, storage, identity, fetch: fetchImpl, retry: options.retry });
  const [learner, stats, community, experiments, embeddings] = await Promise.all([
    openLearner({ core, session, storage }),
    storage.get('stats').then((s) => s ?? { tracked: 0 }), // events ever queued on this device
    openCommunity({ core, session, storage }),
    openExperiments({ core, session, storage, userId: identity.clientId }),
    openEmbeddings({ core, session, storage, getEmbedder: () => (opened.embedder.ungate(), opened.embedder.get()), modelVersion, vocabJson: opened.vocabJson, timings }),
    sync.load(),
  ]);
  const parts = {
    options,
    server,
    storage,
    timings,
    opened,
    userId: identity.clientId,
    learner,
    stats,
    community,
    sync,
    experiments,
    embeddings,
    rankings: createRankings({ core, session, seed: options.seed }),
  };
  const api = createApi(parts);
  timings.readyMs = performance.now() - tStart;
  return api;
}

export default createRecommender;
