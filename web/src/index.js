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
  const parts = {
    options,
    server,
    storage,
    timings,
    opened,
    userId: identity.clientId,
    learner: await openLearner({ core, session, storage }),
    stats: (await storage.get('stats')) ?? { tracked: 0 }, // events ever queued on this device
    community: await openCommunity({ core, session, storage }),
    sync: new SyncClient({ server, storage, identity, fetch: fetchImpl, retry: options.retry }),
    experiments: await openExperiments({ core, session, storage, userId: identity.clientId }),
    embeddings: await openEmbeddings({ core, session, storage, getEmbedder: () => (opened.embedder.ungate(), opened.embedder.get()), modelVersion, vocabJson: opened.vocabJson }),
    rankings: createRankings({ core, session, seed: options.seed }),
  };
  await parts.sync.load();
  const api = createApi(parts);
  timings.readyMs = performance.now() - tStart;
  return api;
}

export default createRecommender;
