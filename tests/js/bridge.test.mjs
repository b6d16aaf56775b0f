// The worker bridge (web/src/bridge.js) over a real MessageChannel with the real recommender (core, model, shard):
// the page-side Proxy forwards any method, also one the bridge has never heard of, returns the same pages as the
// recommender itself, rebuilds errors with their kind and message, forwards callback options as events, and
// mirrors the plain properties. In browsers the same bridge runs over a module Web Worker (tests/browser).
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { test } from 'node:test';
import { connectRecommender, createRecommenderInWorker, serveRecommender } from '../../web/src/bridge.js';
import { createRecommender } from '../../web/src/index.js';
import { MODELS_URL, PROFILE, requireBuild } from './helpers.mjs';

const OPTIONS = { modelsUrl: MODELS_URL, userId: 'bridge-test-user', storage: 'memory', seed: 11n, autoSync: false, preloadModel: false };

// A method added to the recommender after the bridge was written (as other branches add saved(), history()…).
async function withExtraMethod(options) {
  const rec = await createRecommender(options);
  rec.addedLater = async (a, b) => {
    options.onProgress?.({ stage: 'added', loaded: a, total: b });
    return { sum: a + b, vector: new Float32Array([a, b]) };
  };
  return rec;
}

async function connected(factory, options) {
  const { port1, port2 } = new MessageChannel();
  serveRecommender(port1, factory);
  const { proxy } = await connectRecommender(port2, options);
  return { rec: proxy, close: () => (port1.close(), port2.close()) };
}

test('any method goes through the bridge: pages equal the direct ones, a new method needs no bridge edit', async () => {
  requireBuild();
  const events = [];
  const { rec, close } = await connected(withExtraMethod, { ...OPTIONS, onProgress: (p) => events.push(p) });
  const direct = await createRecommender(OPTIONS);
  try {
    assert.equal(rec.remote, true);
    assert.equal(rec.userId, 'bridge-test-user', 'plain properties are mirrored');
    assert.equal(rec.modelVersion, direct.modelVersion);
    const viaBridge = await rec.recommend(PROFILE, { limit: 10, useRL: true, allowLexical: true });
    const here = await direct.recommend(PROFILE, { limit: 10, useRL: true, allowLexical: true });
    assert.deepEqual(viaBridge, here, 'the same seeded page through the bridge');
    const added = await rec.addedLater(2, 5);
    assert.equal(added.sum, 7);
    assert.ok(added.vector instanceof Float32Array, 'typed arrays survive the structured clone');
    assert.deepEqual(events.at(-1), { stage: 'added', loaded: 2, total: 5 }, 'callback options arrive as events');
    const tracked = await rec.track({ type: 'click', projectId: viaBridge.items[0].projectId, rankingId: viaBridge.rankingId });
    assert.match(tracked.eventId, /^[0-9a-f-]{36}$/);
    assert.equal((await rec.stats()).tracked, 1, 'a synchronous method answers through a Promise');
    assert.ok(typeof rec.timings.readyMs === 'number', 'timings are mirrored');
  } finally {
    await rec.dispose();
    await direct.dispose();
    close();
  }
});

test('errors keep their kind and message; an unknown method is named', async () => {
  requireBuild();
  const { rec, close } = await connected(createRecommender, OPTIONS);
  try {
    await assert.rejects(rec.recommend(PROFILE, { limit: 0 }), (e) => e instanceof RangeError && /limit must be an integer/.test(e.message));
    await assert.rejects(rec.recommend(PROFILE, { kinds: ['video'], allowLexical: true }), /video/);
    await assert.rejects(rec.track({ type: 'teleport', projectId: 'a/b' }), /type/);
    await assert.rejects(rec.noSuchMethod(1), (e) => e instanceof TypeError && /has no method noSuchMethod\(\)/.test(e.message));
    assert.equal(await rec.liveHandles() > 0, true);
  } finally {
    await rec.dispose();
    close();
  }
  // After dispose (in a browser the worker is terminated then) a call rejects at once, naming why; a second dispose
  // is a no-op.
  await assert.rejects(rec.track({ type: 'click', projectId: 'a/b' }), /recommender is disposed/);
  await assert.rejects(rec.recommend(PROFILE), /recommender is disposed/);
  await rec.dispose();
});

test('a failing start is an Error from the factory, not a hang', async () => {
  requireBuild();
  const { port1, port2 } = new MessageChannel();
  serveRecommender(port1, createRecommender);
  await assert.rejects(connectRecommender(port2, { ...OPTIONS, modelsUrl: 'file:///nonexistent-wayfinder-models/' }), /nonexistent-wayfinder-models/);
  port1.close();
  port2.close();
});

test('without Web Workers (Node) createRecommenderInWorker is createRecommender in this thread', async () => {
  requireBuild();
  const rec = await createRecommenderInWorker(OPTIONS);
  try {
    assert.equal(rec.remote, undefined);
    assert.equal(typeof rec.stats().tracked, 'number', 'synchronous methods stay synchronous');
  } finally {
    await rec.dispose();
  }
});
