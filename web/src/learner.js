// The learner's own evidence and space, held by the core: every tracked event is folded into impression episodes
// and credited to local counts there (bandit/episode_fold.h, the same fold as the server's merge), and into the
// learner's space — saved, history, hidden (space/learner_space.h). This module only loads and saves the core's own
// serialised states; a corrupt saved state is reset with a warning, nothing else is touched.
const STATE_KEY = 'learner';
const SPACE_KEY = 'space';
const EMPTY_SPACE = JSON.stringify({ version: 1, saved: {}, hidden: {}, opened: {}, rated: {} });

// Local counts saved by an older version of the package ({counts: {projectId: {alpha, beta}}}) become the settled
// counts of the core's state: kept, with no open episodes.
function fromLegacy(local) {
  return JSON.stringify({ version: 1, settled: local?.counts ?? {}, closedUntil: [], events: [] });
}

const asText = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

// Loads one saved state into the core; → the reason it was reset, or null.
function restore(load, saved, what, warn) {
  if (saved == null) return null;
  try {
    load(asText(saved));
    return null;
  } catch (e) {
    warn(`wayfinder: the saved ${what} is corrupt and was reset (${e.message}); the queued events, profile and community counts are kept`);
    return e.message;
  }
}

export async function openLearner({ core, session, storage, now = () => Date.now(), warn = (m) => console.warn(m) }) {
  const saved = (await storage.get(STATE_KEY)) ?? ((await storage.get('local')) ? fromLegacy(await storage.get('local')) : null);
  const reset = restore((s) => core.loadLearnerState(session, s), saved, 'learner state', warn);
  const spaceReset = restore((s) => core.loadSpaceState(session, s), await storage.get(SPACE_KEY), 'learner space', warn);
  core.settle(session, now());
  if (reset) await storage.set(STATE_KEY, core.learnerState(session));
  if (spaceReset) await storage.set(SPACE_KEY, core.spaceState(session));
  return {
    reset, // the reason the saved state was reset, or null
    spaceReset,
    // Folds one wire event (the core validates it first and throws naming the field); true when it was new.
    fold: (wire) => core.track(session, wire).accepted,
    state: () => core.learnerState(session),
    // What to persist, in the same transaction as the outbox: the fold's state and the space's.
    states: () => ({ [STATE_KEY]: core.learnerState(session), [SPACE_KEY]: core.spaceState(session) }),
    stateKey: STATE_KEY,
    spaceKey: SPACE_KEY,
    counts: (projectId) => core.localCounts(session, projectId),
    saved: () => core.saved(session),
    history: () => core.history(session),
    hidden: () => core.hidden(session),
    // Replaces both states (an import, or forget with empty ones); the core refuses a corrupt one naming the field
    // and keeps the current state.
    load(learnerState, spaceState) {
      const beforeFold = core.learnerState(session);
      core.loadLearnerState(session, asText(learnerState ?? fromLegacy(null)));
      try {
        core.loadSpaceState(session, asText(spaceState ?? EMPTY_SPACE));
      } catch (e) {
        core.loadLearnerState(session, beforeFold);
        throw e;
      }
      core.settle(session, now());
    },
  };
}
