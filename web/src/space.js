// The learner's own space as methods of the recommender (docs/WEB.md, "The learner's space"): the saved, history
// and "not interested" views (folded by the core, space/learner_space.h), the corrections that go with them (each
// one a tracked event under the ranking id of the event it corrects, so the core's fold takes the reward back in
// the same episode), and the export / import of everything the device holds (docs/export.schema.json).
export const EXPORT_FORMAT = 'wayfinder-export';
export const EXPORT_VERSION = 1;

const norm = (projectId) => {
  if (typeof projectId !== 'string' || !projectId) throw new TypeError('projectId must be a non-empty "owner/repo" string');
  return projectId.toLowerCase();
};
const entryOf = (list, id) => list.find((x) => x.projectId === id);

function fail(field, what) {
  throw new TypeError(`importData: ${field} ${what}`);
}

// The export's shape, before the core re-validates the states it carries (naming the field it refuses).
function checkExport(data) {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('the file', 'must be a JSON object');
  if (data.format !== EXPORT_FORMAT) fail('format', `must be "${EXPORT_FORMAT}"`);
  if (data.version !== EXPORT_VERSION) fail('version', `must be ${EXPORT_VERSION}`);
  if (typeof data.state !== 'object' || data.state === null) fail('state', 'must be an object with learner and space');
  if (data.profile !== null && (typeof data.profile !== 'object' || Array.isArray(data.profile))) fail('profile', 'must be an object or null');
  if (!Array.isArray(data.queuedEvents)) fail('queuedEvents', 'must be an array');
}

// Corrections and "not interested": tracked events that name the ranking of the event they correct.
function corrections({ learner, tracker }) {
  // Takes back the entry of `list` for this project (a bookmark, a "not interested"), under its ranking.
  const takeBack = async (list, projectId, type) => {
    const id = norm(projectId);
    const entry = entryOf(list, id);
    if (!entry) return { changed: false };
    await tracker.track({ type, projectId: id, rankingId: entry.rankingId });
    return { changed: true };
  };
  return {
    unbookmark: (projectId) => takeBack(learner.saved(), projectId, 'unbookmark'),
    // A new rating replaces the earlier one (the fold's rule); sent under the earlier rating's ranking so it
    // lands in the same episode.
    async rate(projectId, stars, { comment } = {}) {
      const id = norm(projectId);
      const before = entryOf(learner.history(), id);
      const event = { type: 'rating', projectId: id, stars, comment };
      if (before?.rankingId !== undefined) event.rankingId = before.rankingId;
      await tracker.track(event);
      return { changed: true };
    },
    async notInterested(projectId, { rankingId } = {}) {
      const id = norm(projectId);
      if (entryOf(learner.hidden(), id)) return { changed: false };
      await tracker.track(rankingId === undefined ? { type: 'not_interested', projectId: id } : { type: 'not_interested', projectId: id, rankingId });
      return { changed: true };
    },
    undoNotInterested: (projectId) => takeBack(learner.hidden(), projectId, 'undo_not_interested'),
  };
}

// exportData / importData: one JSON object (docs/export.schema.json).
function transfer({ learner, tracker, storage, sync, userId }) {
  return {
    async exportData() {
      await tracker.settled();
      const states = learner.states();
      return {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        exportedAt: new Date().toISOString(),
        clientId: userId,
        profile: (await storage.get('profile')) ?? null,
        saved: learner.saved(),
        history: learner.history(),
        notInterested: learner.hidden(),
        localCounts: learner.counts(),
        // Events this device has not had acknowledged by the server yet (wire form).
        queuedEvents: [...sync.outbox, ...sync.pending.flatMap((b) => b.events)],
        state: { learner: JSON.parse(states[learner.stateKey]), space: JSON.parse(states[learner.spaceKey]) },
      };
    },
    // Restores the views, local counts and profile on a device that holds no learner data yet. The device keeps its
    // own client id; the export's queued events stay in the file and are not sent again (so nothing counts twice).
    async importData(data) {
      checkExport(data);
      await tracker.settled();
      const fresh = !learner.saved().length && !learner.history().length && !learner.hidden().length &&
        !Object.keys(learner.counts()).length && !sync.outbox.length && !sync.pending.length;
      if (!fresh) throw new Error('importData: this device already holds learner data; import on a fresh device (or forget it first)');
      learner.load(JSON.stringify(data.state.learner), JSON.stringify(data.state.space));
      await storage.setMany({ ...learner.states(), ...(data.profile ? { profile: data.profile } : {}) });
      return { saved: learner.saved().length, history: learner.history().length, notInterested: learner.hidden().length };
    },
  };
}

// What "forget me" clears on the device: everything about the learner. The community snapshot and the experiment
// list are the server's public answers, not the learner's, and stay.
export const FORGET_KEYS = ['identity', 'profile', 'embedding', 'learner', 'space', 'local', 'episodes', 'outbox', 'pending', 'rejected', 'stats'];

// POST /v1/forget with the learner's own credential (docs/SERVER.md, "Forget me") → {table: rows deleted}. Throws,
// naming the reason, when the server cannot be reached or refuses: then nothing on the device is touched either, so
// the learner can try again (the device still holds the credential that authorises it).
async function askServerToForget({ sync, userId }) {
  const credential = await sync.credentialForForget();
  let res;
  try {
    res = await sync.fetch(`${sync.server}/v1/forget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Wayfinder ${credential}` } : {}) },
      body: JSON.stringify({ clientId: userId }),
    });
  } catch (e) {
    throw new Error(`forget: the server could not be reached (${e.message}); nothing was deleted, try again when online`);
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`forget: the server refused (${res.status}: ${body.error ?? 'no reason given'}); nothing was deleted`);
  return body.deleted;
}

// Server first, then the device: the server's rows, then every learner key of this device and the core's states.
function forgetting(parts) {
  const { learner, tracker, storage, sync, stats } = parts;
  return {
    async forgetData() {
      await tracker.settled();
      const deleted = sync.server ? await askServerToForget(parts) : null;
      learner.load(null, null);
      sync.outbox = [];
      sync.pending = [];
      stats.tracked = 0;
      for (const key of FORGET_KEYS) await (storage.delete ? storage.delete(key) : storage.set(key, null));
      return { deleted, cleared: FORGET_KEYS };
    },
  };
}

export function createSpace(parts) {
  const { learner } = parts;
  return {
    // Newest first, each with the card's facts (from the shard on this device: works offline).
    saved: async () => learner.saved(),
    history: async () => learner.history(),
    notInterestedList: async () => learner.hidden(),
    ...corrections(parts),
    ...transfer(parts),
    ...forgetting(parts),
  };
}
