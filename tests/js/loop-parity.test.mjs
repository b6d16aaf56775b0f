// One learning loop, end to end: the package's own counts (the core's fold in WASM) equal what the real sync
// server's nightly merge (the core's fold natively) credits to this learner. Fails when either side's fold rule
// changes alone (the JS that feeds the core, the binding, the server's row selection or its credit).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRecommender } from '../../web/src/index.js';
import { MemoryStorage } from '../../web/src/storage.js';
import { ADMIN_TOKEN, startServer } from '../browser/harness.mjs';
import { MODELS_URL, PROFILE, requireBuild } from './helpers.mjs';

let srv;
before(async () => {
  requireBuild();
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

test("a learner's local counts equal the merge's community counts within 1e-9", async () => {
  const rec = await createRecommender({ modelsUrl: MODELS_URL, server: srv.url, userId: 'parity-learner', storage: new MemoryStorage(), autoSync: false, seed: 9n });
  const t0 = Date.now() - 3600000;
  let k = 0;
  const at = () => new Date(t0 + 1000 * k++).toISOString(); // one UTC day unless the hour crosses midnight
  const day = new Date(t0).toISOString().slice(0, 10);
  try {
    const first = await rec.recommend(PROFILE, { limit: 10 });
    const p = first.items;
    const ev = (type, item, extra = {}, ranking = first) => rec.track({ type, projectId: item.projectId, rankingId: ranking.rankingId, at: at(), ...extra });
    for (const it of p.slice(0, 8)) await ev('impression', it, { position: it.position });
    await ev('click', p[1]);
    await ev('bookmark', p[1]);
    await ev('rating', p[2], { stars: 5 });
    await ev('rating', p[2], { stars: 1 }); // a later rating replaces the earlier one
    await ev('dwell', p[3], { seconds: 20 });
    await ev('click', p[4]);
    await ev('click', p[4]);
    await ev('click', p[9], { position: 9 }); // no impression logged: the click opens the episode
    const second = await rec.recommend(PROFILE, { limit: 10 });
    for (const it of second.items.slice(0, 3)) await ev('impression', it, { position: it.position }, second);
    await ev('bookmark', second.items[0], {}, second);
    await ev('bookmark', p[1], {}, second); // same project, other ranking, same day: the daily cap binds
    // The learner's corrections, through the package's own methods (each sent under the corrected event's ranking):
    await ev('bookmark', p[5]);
    assert.equal((await rec.unbookmark(p[5].projectId)).changed, true); // the bookmark's reward is taken back
    await rec.rate(p[2].projectId, 4); // a changed rating (after 5★ and 1★) replaces the earlier ones
    await rec.notInterested(p[6].projectId, { rankingId: first.rankingId }); // −10: one full failure
    await rec.notInterested(p[7].projectId, { rankingId: first.rankingId });
    await rec.undoNotInterested(p[7].projectId); // undone: nothing
    const sent = await rec.sync();
    assert.equal(sent.remaining, 0);
    const merged = await fetch(`${srv.url}/v1/admin/merge?day=${day}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(merged.status, 200, await merged.text());
    const snapshot = await (await fetch(`${srv.url}/v1/bandit`)).json();
    const local = rec.localCounts();
    const ids = new Set([...Object.keys(local), ...Object.keys(snapshot.counts)]);
    assert.ok(ids.size >= 8, `${ids.size} projects`);
    for (const id of ids) {
      const l = local[id] ?? { alpha: 0, beta: 0 };
      const s = snapshot.counts[id] ?? { alpha: 0, beta: 0 };
      assert.ok(Math.abs(l.alpha - s.alpha) < 1e-9 && Math.abs(l.beta - s.beta) < 1e-9, `${id}: local ${JSON.stringify(l)} vs server ${JSON.stringify(s)}`);
    }
    // (A project also shown at the top of the second ranking adds that ranking's ignored view, a failure < 0.1.)
    const zero = { alpha: 0, beta: 0 };
    assert.ok(Math.abs(local[p[2].projectId].alpha - 7 / 15) < 1e-12, 'the 4★ replaced the 5★ and the 1★');
    assert.ok(local[p[2].projectId].beta < 0.1, 'no 1★ failure left');
    const unbookmarked = local[p[5].projectId] ?? zero;
    assert.ok(unbookmarked.alpha === 0 && unbookmarked.beta < 0.1, `unbookmarked: taken back ${JSON.stringify(unbookmarked)}`);
    assert.deepEqual(local[p[6].projectId], { alpha: 0, beta: 1 }, 'not interested: one full failure');
    const undone = local[p[7].projectId] ?? zero;
    assert.ok(undone.alpha === 0 && undone.beta < 0.1, `not interested, undone: ${JSON.stringify(undone)}`);
  } finally {
    await rec.dispose();
  }
});
