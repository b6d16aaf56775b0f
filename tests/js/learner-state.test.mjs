// The learner's local counts live in the core (its episode fold) and are saved as the core's own serialisation:
// they survive a restart, a corrupt saved state is reset with a warning and nothing else is lost, and bad events
// are refused by the core's event schema before anything is stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecommender } from '../../web/src/index.js';
import { MemoryStorage } from '../../web/src/storage.js';
import { MODELS_URL, PROFILE, requireBuild } from './helpers.mjs';

const open = (storage, extra = {}) =>
  createRecommender({ modelsUrl: MODELS_URL, userId: 'state-learner', storage, seed: 5n, autoSync: false, preloadModel: false, ...extra });

async function withWarnings(fn) {
  const warnings = [];
  const original = console.warn;
  console.warn = (m) => warnings.push(String(m));
  try {
    return { result: await fn(), warnings };
  } finally {
    console.warn = original;
  }
}

test('local counts survive a restart through the core-serialised state', async () => {
  requireBuild();
  const storage = new MemoryStorage();
  const a = await open(storage, { preloadModel: true });
  const page = await a.recommend(PROFILE, { limit: 5 });
  const p = page.items[1];
  await a.track({ type: 'impression', projectId: p.projectId, position: p.position, rankingId: page.rankingId });
  await a.track({ type: 'bookmark', projectId: p.projectId, rankingId: page.rankingId });
  await a.track({ type: 'rating', stars: 2, projectId: 'tensorflow/tensorflow' });
  const before = a.localCounts();
  assert.ok(before[p.projectId].alpha > 0 && before['tensorflow/tensorflow'].beta > 0);
  await a.dispose();
  const saved = JSON.parse(await storage.get('learner'));
  assert.equal(saved.version, 1);
  assert.equal(saved.events.length, 3);
  const b = await open(storage);
  try {
    assert.deepEqual(b.localCounts(), before);
  } finally {
    await b.dispose();
  }
});

test('a corrupt saved state is reset with a warning; the outbox, profile and identity are kept', async () => {
  requireBuild();
  const outbox = [{ eventId: 'e1', type: 'click', projectId: 'a/b', rankingId: 'r', at: new Date().toISOString() }];
  for (const corrupt of ['{not json', JSON.stringify({ version: 1, settled: {}, closedUntil: [], events: [{ eventId: 'x', type: 'like' }] }), JSON.stringify({ version: 9 })]) {
    const storage = new MemoryStorage({ learner: corrupt, outbox, profile: PROFILE, identity: { clientId: 'state-learner', sessionId: 's' } });
    const { result: rec, warnings } = await withWarnings(() => open(storage));
    try {
      assert.equal(warnings.length, 1, corrupt);
      assert.match(warnings[0], /saved learner state is corrupt and was reset/);
      assert.deepEqual(rec.localCounts(), {});
      assert.equal(rec.pending().outbox, 1, 'the queued event is kept');
      assert.deepEqual(await rec.savedProfile(), PROFILE);
      assert.equal(JSON.parse(await storage.get('learner')).events.length, 0, 'the reset state is saved');
    } finally {
      await rec.dispose();
    }
  }
  // The reason names what is wrong.
  const storage = new MemoryStorage({ learner: JSON.stringify({ version: 1, settled: { 'a/b': { alpha: -1, beta: 0 } }, closedUntil: [], events: [] }) });
  const { result: rec, warnings } = await withWarnings(() => open(storage));
  await rec.dispose();
  assert.match(warnings[0], /settled\.a\/b must be finite and >= 0/);
});

test('bad events are refused by the core naming the field, and nothing is queued or counted', async () => {
  requireBuild();
  const rec = await open(new MemoryStorage());
  try {
    assert.throws(() => rec.track({ type: 'dwell', projectId: 'a/b', seconds: Number.NaN }), /event\.seconds/);
    assert.throws(() => rec.track({ type: 'dwell', projectId: 'a/b' }), /event\.seconds' is missing/);
    assert.throws(() => rec.track({ type: 'click', projectId: 'a/b', position: -3 }), /event\.position/);
    assert.throws(() => rec.track({ type: 'click', projectId: 'a' }), /owner\/repo/);
    assert.throws(() => rec.track(null), /event must be an object/);
    assert.equal(rec.pending().outbox, 0);
    assert.deepEqual(rec.localCounts(), {});
  } finally {
    await rec.dispose();
  }
});
