// The learner's own evidence, held by the core: every tracked event is folded into impression episodes and credited
// to local counts there (bandit/episode_fold.h, the same fold as the server's merge). This module only loads and
// saves the core's own serialised state; a corrupt saved state is reset with a warning, nothing else is touched.
const STATE_KEY = 'learner';

// Local counts saved by an older version of the package ({counts: {projectId: {alpha, beta}}}) become the settled
// counts of the core's state: kept, with no open episodes.
function fromLegacy(local) {
  return JSON.stringify({ version: 1, settled: local?.counts ?? {}, closedUntil: [], events: [] });
}

export async function openLearner({ core, session, storage, now = () => Date.now(), warn = (m) => console.warn(m) }) {
  const saved = (await storage.get(STATE_KEY)) ?? ((await storage.get('local')) ? fromLegacy(await storage.get('local')) : null);
  let reset = null;
  if (saved != null) {
    try {
      core.loadLearnerState(session, typeof saved === 'string' ? saved : JSON.stringify(saved));
    } catch (e) {
      reset = e.message;
      warn(`wayfinder: the saved learner state is corrupt and was reset (${e.message}); the queued events, profile and community counts are kept`);
    }
  }
  core.settle(session, now());
  if (reset) await storage.set(STATE_KEY, core.learnerState(session));
  return {
    reset, // the reason the saved state was reset, or null
    // Folds one wire event (the core validates it first and throws naming the field); true when it was new.
    fold: (wire) => core.track(session, wire).accepted,
    state: () => core.learnerState(session), // what to persist, in the same transaction as the outbox
    stateKey: STATE_KEY,
    counts: (projectId) => core.localCounts(session, projectId),
  };
}
