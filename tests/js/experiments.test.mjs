// Live experiments in the package: the client applies the experiment config it pulled (the core's policy), so an ε
// the server publishes — and later adapts — is the ε of the next rankings; events carry experimentId.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecommender } from '../../web/src/index.js';
import { MemoryStorage } from '../../web/src/storage.js';
import { startFakeSyncServer } from './fake-sync-server.mjs';
import { MODELS_URL, PROFILE, requireBuild } from './helpers.mjs';

// With no evidence the exploit choice is certain: a non-explored slot's propensity is (1 − ε) + ε / pool (200).
const exploitPropensity = (eps) => 1 - eps + eps / 200;

test('an ε the server publishes, then adapts, reaches the rankings; events carry experimentId', async () => {
  requireBuild();
  const experiments = [
    { experimentId: 'ranking-rl-vs-similarity', arms: ['rl', 'similarity'], status: 'running', config: { split: { rl: 1, similarity: 0 }, epsilon: 0.05, blend: { similarity: 0.6, bandit: 0.4 } } },
  ];
  const srv = await startFakeSyncServer({ experiments });
  const r = await createRecommender({ modelsUrl: MODELS_URL, server: srv.url, userId: 'exp-learner', storage: new MemoryStorage(), autoSync: false, seed: 3n });
  try {
    const before = await r.recommend(PROFILE, { limit: 10 });
    assert.equal(before.policy.epsilon, 0.15, 'the client default before the first pull');
    assert.equal(before.experimentId, null);
    await r.sync();
    const page = await r.recommend(PROFILE, { limit: 10 });
    assert.equal(page.experimentId, 'ranking-rl-vs-similarity');
    assert.equal(page.arm, 'rl');
    assert.deepEqual(page.policy, { useRL: true, epsilon: 0.05, similarityWeight: 0.6, banditWeight: 0.4 });
    const exploit = page.items.filter((i) => !i.explored);
    assert.ok(exploit.length > 0);
    for (const it of exploit) assert.ok(Math.abs(it.propensity - exploitPropensity(0.05)) < 1e-12, `${it.propensity}`);

    experiments[0].config.epsilon = 0.3; // the server's evaluation raised it
    await r.sync();
    const later = await r.recommend(PROFILE, { limit: 10 });
    assert.equal(later.policy.epsilon, 0.3);
    for (const it of later.items.filter((i) => !i.explored)) assert.ok(Math.abs(it.propensity - exploitPropensity(0.3)) < 1e-12);
    // An earlier ranking keeps the config it was sampled with when paged.
    const page2 = await r.recommend(PROFILE, { limit: 10, offset: 10 });
    assert.equal(page2.rankingId, later.rankingId);

    await r.track({ type: 'impression', projectId: later.items[0].projectId, position: 0, rankingId: later.rankingId });
    await r.sync();
    const sent = [...srv.state.events.values()];
    assert.ok(sent.length > 0 && sent.every((e) => e.experimentId === 'ranking-rl-vs-similarity' && e.arm === 'rl'));

    // The similarity arm: content order, no exploration, whatever ε says.
    experiments[0].config.split = { rl: 0, similarity: 1 };
    await r.sync();
    const sim = await r.recommend(PROFILE, { limit: 10 });
    assert.equal(sim.arm, 'similarity');
    assert.equal(sim.policy.useRL, false);
    assert.ok(sim.items.every((i) => !i.explored && i.propensity === 1));
  } finally {
    await r.dispose();
    await srv.close();
  }
});
