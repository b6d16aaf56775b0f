// The learner's space in the package (web/src/space.js over the core's space/learner_space.h), on the real WASM core
// and shard: saved (newest first, card facts, unbookmark), history (a changed rating), "not interested" (gone from
// every page at once, the page refilled, undo), and the export: valid against docs/export.schema.json (checked by
// Python's jsonschema, an independent validator) and re-imported on a fresh device with the same views.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRecommender } from '../../web/src/index.js';
import { MemoryStorage } from '../../web/src/storage.js';
import { MODELS_URL, PROFILE, ROOT, requireBuild } from './helpers.mjs';

const open = (storage = new MemoryStorage()) =>
  createRecommender({ modelsUrl: MODELS_URL, userId: 'space-learner', storage, seed: 5n, autoSync: false });

// Validates with Python's jsonschema (Draft 2020-12); → the list of errors (empty when valid).
function schemaErrors(data) {
  const script = [
    'import json, sys, jsonschema',
    'schema = json.load(open(sys.argv[1]))',
    'jsonschema.Draft202012Validator.check_schema(schema)',
    'v = jsonschema.Draft202012Validator(schema)',
    'print(json.dumps([f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(json.load(sys.stdin))]))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path.join(ROOT, 'docs/export.schema.json')], { input: JSON.stringify(data), encoding: 'utf8' }));
}

let rec;
let page1;
before(async () => {
  requireBuild();
  rec = await open();
  page1 = await rec.recommend(PROFILE, { limit: 10 });
});
after(async () => rec?.dispose());

test('saved: newest first with the card facts; unbookmark removes it and takes the reward back', async () => {
  const [a, b, c] = page1.items;
  for (const it of [a, b, c]) await rec.track({ type: 'impression', projectId: it.projectId, position: it.position, rankingId: page1.rankingId });
  const before = rec.localCounts(b.projectId);
  await rec.track({ type: 'bookmark', projectId: a.projectId, at: Date.now() - 2000 });
  await rec.track({ type: 'bookmark', projectId: b.projectId, at: Date.now() - 1000 });
  await rec.track({ type: 'bookmark', projectId: c.projectId });
  let saved = await rec.saved();
  assert.deepEqual(saved.map((s) => s.projectId), [c.projectId, b.projectId, a.projectId]);
  for (const key of ['fullName', 'description', 'language', 'url', 'stars', 'complexity', 'kind', 'topics'])
    assert.deepEqual(saved[1][key], b[key], key);
  assert.equal(saved[1].rankingId, page1.rankingId);
  assert.ok(rec.localCounts(b.projectId).alpha > before.alpha);
  assert.deepEqual(await rec.unbookmark(b.projectId), { changed: true });
  assert.deepEqual(await rec.unbookmark(b.projectId), { changed: false }, 'a second unbookmark changes nothing');
  saved = await rec.saved();
  assert.deepEqual(saved.map((s) => s.projectId), [c.projectId, a.projectId]);
  assert.deepEqual(rec.localCounts(b.projectId), { alpha: 0, beta: 0 }, 'the bookmark earned nothing once taken back');
});

test('history: opened and rated projects; a changed rating replaces the earlier one', async () => {
  const d = page1.items[3];
  await rec.track({ type: 'click', projectId: d.projectId, rankingId: page1.rankingId });
  await rec.track({ type: 'rating', projectId: d.projectId, stars: 5, rankingId: page1.rankingId });
  let h = (await rec.history()).find((x) => x.projectId === d.projectId);
  assert.equal(h.stars, 5);
  assert.ok(h.openedAt && h.ratedAt);
  await rec.rate(d.projectId, 2);
  h = await rec.history();
  assert.equal(h[0].projectId, d.projectId, 'latest activity first');
  assert.equal(h[0].stars, 2);
  assert.equal(h[0].rankingId, page1.rankingId, 'the new rating joined the same episode');
  // click (+5) + 2★ (−5) = 0: neither success nor failure.
  assert.deepEqual(rec.localCounts(d.projectId), { alpha: 0, beta: 0 });
  await assert.rejects(rec.rate(d.projectId, 6), /stars/);
});

test('not interested: gone from every page at once, pages still full, −10 credited, undo brings it back', async () => {
  const p1 = await rec.recommend(PROFILE, { limit: 10, rankingId: page1.rankingId });
  const p2 = await rec.recommend(PROFILE, { limit: 10, offset: 10, rankingId: page1.rankingId });
  const gone = p1.items[4].projectId;
  await rec.notInterested(gone, { rankingId: page1.rankingId });
  assert.deepEqual(rec.localCounts(gone), { alpha: 0, beta: 1 });
  const again = await rec.recommend(PROFILE, { limit: 10, rankingId: page1.rankingId });
  assert.equal(again.items.length, 10);
  assert.ok(!again.items.some((it) => it.projectId === gone));
  assert.equal(again.items[9].projectId, p2.items[0].projectId, 'the page refilled from the next one');
  const next = await rec.recommend(PROFILE, { limit: 10, offset: 10, rankingId: page1.rankingId });
  const seen = new Set(again.items.map((it) => it.projectId));
  assert.equal(next.items.length, 10);
  for (const it of next.items) assert.ok(!seen.has(it.projectId) && it.projectId !== gone, `${it.projectId} repeated or hidden`);
  const fresh = await rec.recommend(PROFILE, { limit: 30 });
  assert.ok(!fresh.items.some((it) => it.projectId === gone), 'a new ranking does not show it either');
  assert.deepEqual((await rec.notInterestedList()).map((x) => x.projectId), [gone]);
  await rec.undoNotInterested(gone);
  assert.deepEqual(rec.localCounts(gone), { alpha: 0, beta: 0 });
  const back = await rec.recommend(PROFILE, { limit: 10, rankingId: page1.rankingId });
  assert.deepEqual(back.items.map((it) => it.projectId), p1.items.map((it) => it.projectId));
  await rec.notInterested(gone, { rankingId: page1.rankingId }); // hidden again for the export below
});

test('the export validates against docs/export.schema.json and re-imports on a fresh device', async () => {
  const data = JSON.parse(JSON.stringify(await rec.exportData())); // as a file would hold it
  assert.deepEqual(schemaErrors(data), []);
  assert.ok(data.saved.length === 2 && data.history.length >= 1 && data.notInterested.length === 1);
  assert.ok(data.queuedEvents.length > 0, 'nothing was synced: every event is still queued');
  assert.deepEqual(data.profile, PROFILE);
  // The validator does reject a broken file (the check above can fail).
  assert.ok(schemaErrors({ ...data, saved: [{ projectId: 'Not An Id' }] }).length > 0);

  const device = await open(new MemoryStorage());
  try {
    assert.deepEqual(await device.importData(data), { saved: 2, history: data.history.length, notInterested: 1 });
    assert.deepEqual(await device.saved(), await rec.saved());
    assert.deepEqual(await device.history(), await rec.history());
    assert.deepEqual(await device.notInterestedList(), await rec.notInterestedList());
    assert.deepEqual(device.localCounts(), rec.localCounts());
    assert.deepEqual(await device.savedProfile(), PROFILE);
    const page = await device.recommend(PROFILE, { limit: 30 });
    assert.ok(!page.items.some((it) => it.projectId === data.notInterested[0].projectId), 'hidden on the new device too');
    assert.equal(device.pending().outbox, 0, 'the queued events are not sent again from the new device');
    await assert.rejects(device.importData(data), /already holds learner data/);
  } finally {
    await device.dispose();
  }
});

test('a bad import is refused naming what is wrong, and the fresh device stays empty', async () => {
  const data = await rec.exportData();
  const device = await open(new MemoryStorage());
  try {
    await assert.rejects(device.importData({ ...data, format: 'other' }), /format must be "wayfinder-export"/);
    await assert.rejects(device.importData({ ...data, version: 2 }), /version must be 1/);
    const badSpace = { ...data, state: { ...data.state, space: { ...data.state.space, rated: { 'a/b': [1, 'e', 'r', 9] } } } };
    await assert.rejects(device.importData(badSpace), /rated\.a\/b\[3\]/);
    const badFold = { ...data, state: { ...data.state, learner: { ...data.state.learner, version: 7 } } };
    await assert.rejects(device.importData(badFold), /version must be 1/);
    assert.deepEqual(await device.saved(), []);
    assert.deepEqual(device.localCounts(), {});
  } finally {
    await device.dispose();
  }
});

test('forget: an unreachable server deletes nothing anywhere (the device keeps its data to retry); without a server the device is cleared', async () => {
  const storage = new MemoryStorage();
  const offline = await createRecommender({ modelsUrl: MODELS_URL, userId: 'space-forget', storage, seed: 5n, autoSync: false, server: 'http://127.0.0.1:9' });
  const page = await offline.recommend(PROFILE, { limit: 3 });
  await offline.track({ type: 'bookmark', projectId: page.items[0].projectId, rankingId: page.rankingId });
  await assert.rejects(offline.forget(), /forget: the server could not be reached .*nothing was deleted/);
  assert.equal((await offline.saved()).length, 1, 'the device still holds its data');
  assert.ok((await storage.get('outbox')).length > 0);
  await offline.dispose();

  const local = await open(storage); // the same device, no server this time
  assert.equal((await local.saved()).length, 1);
  const r = await local.forget();
  assert.equal(r.deleted, null);
  for (const key of r.cleared) assert.equal(await storage.get(key), undefined, key);
  await assert.rejects(local.saved(), /disposed/);
  const fresh = await open(storage);
  assert.deepEqual(await fresh.saved(), []);
  assert.deepEqual(fresh.localCounts(), {});
  await fresh.dispose();
});
