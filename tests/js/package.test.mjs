// The package in Node: recommend / track / sync / embed / dispose on the real model and shard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRecommender } from '../../web/src/index.js';
import { MemoryStorage } from '../../web/src/storage.js';
import { startFakeSyncServer } from './fake-sync-server.mjs';
import { MODELS_URL, PROFILE, requireBuild } from './helpers.mjs';

let rec;
before(async () => {
  requireBuild();
  rec = await createRecommender({ modelsUrl: MODELS_URL, userId: 'node-test-user', storage: 'memory', seed: 7n, autoSync: false });
});
after(async () => {
  await rec?.dispose();
});

test('recommend returns a full page with the documented fields, unique projects and propensities in (0, 1]', async () => {
  const page = await rec.recommend(PROFILE, { limit: 10 });
  assert.equal(page.items.length, 10);
  assert.equal(new Set(page.items.map((i) => i.projectId)).size, 10);
  for (const [k, it] of page.items.entries()) {
    for (const f of ['projectId', 'fullName', 'description', 'language', 'url', 'score', 'similarity', 'bandit', 'explored', 'propensity', 'reason']) {
      assert.ok(f in it, `item ${k} lacks ${f}`);
    }
    assert.equal(it.position, k);
    assert.ok(it.propensity > 0 && it.propensity <= 1, `propensity ${it.propensity}`);
    assert.match(it.url, /^https:\/\/github\.com\//);
  }
  assert.ok(page.modelVersion.startsWith('use-lite'));
  assert.match(page.shardVersion, /^[0-9a-f]{64}$/);
});

test('pages of one ranking never overlap', async () => {
  const p1 = await rec.recommend(PROFILE, { limit: 10, offset: 0 });
  const p2 = await rec.recommend(PROFILE, { limit: 10, offset: 10 });
  assert.equal(p2.rankingId, p1.rankingId);
  const ids = new Set(p1.items.map((i) => i.projectId));
  for (const it of p2.items) assert.ok(!ids.has(it.projectId), `${it.projectId} repeated on page 2`);
  assert.deepEqual(p2.items.map((i) => i.position), [...Array(10).keys()].map((k) => k + 10));
});

test('a seeded recommender reproduces its ranking; --no-rl gives the pure content order', async () => {
  const other = await createRecommender({ modelsUrl: MODELS_URL, userId: 'node-test-user-2', storage: 'memory', seed: 7n, autoSync: false, preloadModel: false });
  const fresh = await createRecommender({ modelsUrl: MODELS_URL, userId: 'node-test-user', storage: 'memory', seed: 7n, autoSync: false });
  try {
    const a = await fresh.recommend(PROFILE, { limit: 10 });
    const b = await other.recommend(PROFILE, { limit: 10 });
    assert.deepEqual(a.items.map((i) => i.projectId), b.items.map((i) => i.projectId));
    const s = await fresh.recommend(PROFILE, { limit: 10, useRL: false });
    assert.equal(s.arm, 'similarity');
    const sims = s.items.map((i) => i.similarity);
    assert.deepEqual(sims, [...sims].sort((x, y) => y - x));
    assert.ok(s.items.every((i) => !i.explored && i.propensity === 1));
  } finally {
    await other.dispose();
    await fresh.dispose();
  }
});

test('feedback applies to local counts at once and lifts the project in the next rankings', async () => {
  const r = await createRecommender({ modelsUrl: MODELS_URL, userId: 'learner-a', storage: 'memory', seed: 11n, autoSync: false });
  try {
    const first = await r.recommend(PROFILE, { limit: 20, useRL: true });
    const target = first.items.filter((i) => !i.explored).at(-1);
    // Mean position over several fresh rankings (each a new Thompson draw), before and after the feedback.
    const meanPos = async () => {
      let sum = 0;
      for (let k = 0; k < 8; k++) {
        const p = await r.recommend(PROFILE, { limit: 40, useRL: true });
        sum += p.items.find((i) => i.projectId === target.projectId)?.position ?? 40;
      }
      return sum / 8;
    };
    const before = await meanPos();
    for (let k = 0; k < 3; k++) {
      await r.track({ type: 'click', projectId: target.projectId, rankingId: first.rankingId });
      await r.track({ type: 'bookmark', projectId: target.projectId, rankingId: first.rankingId });
      await r.track({ type: 'rating', stars: 5, projectId: target.projectId, rankingId: first.rankingId });
    }
    const c = r.localCounts(target.projectId);
    assert.ok(c.alpha > 0.9, `local alpha ${c.alpha}`);
    assert.ok(c.alpha <= 1.0 + 1e-9, 'the daily cap holds');
    const after = await meanPos();
    assert.ok(after < before, `mean position ${before} → ${after}`);
    const it = (await r.recommend(PROFILE, { limit: 40, useRL: true })).items.find((i) => i.projectId === target.projectId);
    assert.ok(it.evidence > 0 && it.posteriorMean > target.posteriorMean, 'the posterior sees the evidence');
  } finally {
    await r.dispose();
  }
});

test('a 1-star rating counts as a failure (beta grows, alpha does not)', async () => {
  const r = await createRecommender({ modelsUrl: MODELS_URL, userId: 'learner-b', storage: 'memory', seed: 3n, autoSync: false, preloadModel: false });
  try {
    await r.track({ type: 'rating', stars: 1, projectId: 'tensorflow/tensorflow' });
    const c = r.localCounts('tensorflow/tensorflow');
    assert.equal(c.alpha, 0);
    assert.ok(c.beta > 0);
    assert.throws(() => r.track({ type: 'rating', stars: 6, projectId: 'a/b' }), /event\.stars' must be an integer from 1 to 5/);
    assert.throws(() => r.track({ type: 'like', projectId: 'a/b' }), /event.type/);
    assert.throws(() => r.track({ type: 'click', projectId: 'nope' }), /owner\/repo/);
  } finally {
    await r.dispose();
  }
});

test('events reach the server once with batch and event ids, and community counts are pulled', async () => {
  const srv = await startFakeSyncServer({
    failures: [503, 'ack-lost'],
    snapshot: { version: 3, createdAt: 'x', halfLifeDays: 14, counts: { 'pytorch/pytorch': { alpha: 40, beta: 2, impressions: 50 } } },
    experiments: [{ experimentId: 'ranking-rl-vs-similarity', arms: ['rl', 'similarity'], status: 'running', config: { split: { rl: 0.5, similarity: 0.5 } } }],
  });
  const storage = new MemoryStorage();
  const r = await createRecommender({ modelsUrl: MODELS_URL, server: srv.url, userId: 'learner-c', storage, autoSync: false, retry: { baseMs: 5, capMs: 20 } });
  try {
    const page = await r.recommend(PROFILE, { limit: 10 });
    for (const it of page.items.slice(0, 5)) r.track({ type: 'impression', projectId: it.projectId, position: it.position, rankingId: page.rankingId });
    await r.track({ type: 'click', projectId: page.items[0].projectId, rankingId: page.rankingId });
    await r.track({ type: 'dwell', seconds: 12.5, projectId: page.items[0].projectId, rankingId: page.rankingId });
    const res = await r.sync();
    assert.equal(res.remaining, 0);
    assert.equal(srv.state.events.size, 7);
    const events = [...srv.state.events.values()];
    assert.ok(events.every((e) => e.arm === page.arm && e.rankingId === page.rankingId && e.modelVersion && e.shardVersion));
    assert.equal(events.find((e) => e.type === 'dwell').seconds, 12.5);
    assert.ok(events.filter((e) => e.type === 'impression').every((e) => e.propensity > 0));
    // Every event of a shown item carries the other arm's slot probability next to its own propensity.
    for (const e of events) {
      const shown = page.items.find((i) => i.projectId === e.projectId);
      assert.equal(e.altPropensity, shown.altPropensity, `${e.type} ${e.projectId} altPropensity`);
      assert.ok(e.altPropensity >= 0 && e.altPropensity <= 1);
    }
    assert.equal(res.communityVersion, 3);
    const again = await r.sync();
    assert.equal(again.communityChanged, false, 'ETag: 304 on the second pull');
    assert.equal(srv.state.events.size, 7);
    const page2 = await r.recommend(PROFILE, { limit: 10 });
    assert.ok(['rl', 'similarity'].includes(page2.arm));
    assert.equal(page2.experimentId, 'ranking-rl-vs-similarity');
  } finally {
    await r.dispose();
    await srv.close();
  }
});

test('Embind handles never leak: every handle is deleted by dispose, also after errors', async () => {
  const r = await createRecommender({ modelsUrl: MODELS_URL, userId: 'leak', storage: 'memory', seed: 1n, autoSync: false, preloadModel: false });
  assert.ok(r.liveHandles() >= 1);
  await assert.rejects(r.recommend('not a profile'), /profile must be an object/);
  await r.dispose();
  assert.equal(r.liveHandles(), 0);
  await assert.rejects(r.recommend(PROFILE), /disposed/);
});

test('embed gives an L2-normalised 512-d vector; ORT-web and ORT-node agree', async () => {
  const node = await createRecommender({ modelsUrl: MODELS_URL, userId: 'emb', storage: 'memory', backend: 'node', autoSync: false });
  try {
    const text = 'I want to learn Rust by building a web server';
    const t0 = performance.now();
    const a = await rec.embed(text);
    const t1 = performance.now();
    const b = await node.embed(text);
    const t2 = performance.now();
    assert.equal(a.length, 512);
    assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-4);
    let dot = 0;
    for (let i = 0; i < 512; i++) dot += a[i] * b[i];
    assert.ok(dot > 0.9999, `cosine web↔node ${dot}`);
    // Warm latency, interleaved web/node, median of 7 each, in this one run (printed for docs/WEB.md).
    const web = [];
    const nat = [];
    for (let k = 0; k < 7; k++) {
      const w0 = performance.now();
      await rec.embed(`${text} ${k}`);
      const w1 = performance.now();
      await node.embed(`${text} ${k}`);
      web.push(w1 - w0);
      nat.push(performance.now() - w1);
    }
    const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
    console.log(`# embed latency (warm, 1 sentence, median of 7): ort-web ${med(web).toFixed(1)} ms, ort-node ${med(nat).toFixed(1)} ms, ratio web/node ${(med(web) / med(nat)).toFixed(2)} (first calls ${(t1 - t0).toFixed(0)} / ${(t2 - t1).toFixed(0)} ms)`);
  } finally {
    await node.dispose();
  }
});

test('recommend() with a cached profile embedding is fast', async () => {
  await rec.recommend(PROFILE, { limit: 10 });
  const t = [];
  for (let k = 0; k < 5; k++) {
    const s = performance.now();
    await rec.recommend(PROFILE, { limit: 10 });
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  console.log(`# recommend() with cached embedding, median of 5: ${t[2].toFixed(1)} ms`);
  assert.ok(t[2] < 500, `median ${t[2]} ms`);
});

test('items carry the other arm\'s propensity: 0 or 1 on the RL arm, a probability on the similarity arm', async () => {
  const rl = await rec.recommend(PROFILE, { limit: 20, useRL: true });
  const sim = await rec.recommend(PROFILE, { limit: 20, useRL: false });
  assert.ok(rl.items.every((i) => i.altPropensity === 0 || i.altPropensity === 1), 'similarity-only is deterministic');
  // The RL arm's slot k holds the content order's choice given the slots above exactly when altPropensity is 1.
  assert.ok(rl.items.some((i) => i.altPropensity === 1));
  assert.ok(sim.items.every((i) => i.altPropensity >= 0 && i.altPropensity <= 1 && i.propensity === 1));
  assert.ok(sim.items.some((i) => i.altPropensity > 0 && i.altPropensity < 1), 'the RL policy is random');
});

test('rerank options reach the core: explorationPool bounds ε-exploration, bad values are refused by name', async () => {
  const make = (rerank) => createRecommender({ modelsUrl: MODELS_URL, userId: 'pool', storage: 'memory', seed: 5n, autoSync: false, rerank });
  // ε = 1 with a pool of 1: every slot explores the first unshown content candidate, i.e. the similarity order.
  const narrow = await make({ epsilon: 1, explorationPool: 1, minDepth: 10 });
  // ε = 1 with the whole catalog as pool: explored projects come from anywhere in the shard.
  const wide = await make({ epsilon: 1, explorationPool: 0 });
  try {
    const content = (await narrow.recommend(PROFILE, { limit: 10, useRL: false })).items.map((i) => i.projectId);
    const explored = await narrow.recommend(PROFILE, { limit: 10, useRL: true });
    assert.ok(explored.items.every((i) => i.explored));
    assert.deepEqual(explored.items.map((i) => i.projectId), content);
    const deep = new Set((await wide.recommend(PROFILE, { limit: 200, useRL: false })).items.map((i) => i.projectId));
    const anywhere = await wide.recommend(PROFILE, { limit: 10, useRL: true });
    assert.ok(anywhere.items.filter((i) => !deep.has(i.projectId)).length >= 5, 'explored beyond the content top 200');
  } finally {
    await narrow.dispose();
    await wide.dispose();
  }
  await assert.rejects(make({ explorationPool: -1 }), /explorationPool must be a non-negative integer/);
  await assert.rejects(make({ minDepth: 0 }), /min_depth must be >= 1/);
});
