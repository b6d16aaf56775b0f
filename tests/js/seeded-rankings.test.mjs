// Seeded rankings stay bit-identical across refactors: a fixed scenario (rankings, paging, feedback of every kind,
// the similarity arm) on the real model and shard, compared number for number with tests/js/fixtures/seeded-rankings.json.
// The fixture was generated with the package as it was before its split into modules (on the same catalog, shard
// format and float32 model); it records the catalog, shard format and model it was made on, and
// WAYFINDER_UPDATE_FIXTURE=1 rewrites it (only when the catalog, the model or the ranking changes on purpose).
// The shard file's own sha256 is not compared: its header holds the time it was built, so every build differs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createRecommender } from '../../web/src/index.js';
import { MODELS, MODELS_URL, PROFILE, ROOT, requireBuild } from './helpers.mjs';

const FIXTURE = path.join(ROOT, 'tests/js/fixtures/seeded-rankings.json');
const FIELDS = ['projectId', 'position', 'score', 'similarity', 'bandit', 'posteriorMean', 'evidence', 'explored', 'propensity', 'altPropensity'];

const pick = (page) => ({ rankingId: page.rankingId, arm: page.arm, items: page.items.map((it) => Object.fromEntries(FIELDS.map((f) => [f, it[f]]))) });

async function scenario() {
  // float32: the reference model (the int8 one clients download is compared with it in tests/model).
  const rec = await createRecommender({ modelsUrl: MODELS_URL, userId: 'fixture-learner', storage: 'memory', seed: 20261201n, autoSync: false, modelPrecision: 'float32' });
  try {
    const pages = [];
    const first = await rec.recommend(PROFILE, { limit: 20, useRL: true });
    pages.push(pick(first));
    const at = (k) => first.items[k];
    for (const it of first.items.slice(0, 12)) {
      await rec.track({ type: 'impression', projectId: it.projectId, position: it.position, rankingId: first.rankingId });
    }
    // One kind of feedback per project (single-action episodes).
    await rec.track({ type: 'click', projectId: at(2).projectId, rankingId: first.rankingId });
    await rec.track({ type: 'bookmark', projectId: at(4).projectId, rankingId: first.rankingId });
    await rec.track({ type: 'rating', stars: 5, projectId: at(6).projectId, rankingId: first.rankingId });
    await rec.track({ type: 'rating', stars: 1, projectId: at(7).projectId, rankingId: first.rankingId });
    await rec.track({ type: 'dwell', seconds: 30, projectId: at(9).projectId, rankingId: first.rankingId });
    const second = await rec.recommend(PROFILE, { limit: 10, useRL: true });
    pages.push(pick(second));
    pages.push(pick(await rec.recommend(PROFILE, { limit: 10, offset: 10, useRL: true })));
    pages.push(pick(await rec.recommend(PROFILE, { limit: 10, useRL: false })));
    for (const it of second.items.slice(0, 5)) {
      await rec.track({ type: 'impression', projectId: it.projectId, position: it.position, rankingId: second.rankingId });
    }
    await rec.track({ type: 'bookmark', projectId: second.items[3].projectId, rankingId: second.rankingId });
    pages.push(pick(await rec.recommend(PROFILE, { limit: 30, useRL: true })));
    const stamp = JSON.parse(fs.readFileSync(path.join(MODELS, 'shards/build-stamp.json'), 'utf8'));
    return { catalogSha256: stamp.catalogSha256, shardFormat: stamp.shardFormat, modelVersion: rec.modelVersion, pages };
  } finally {
    await rec.dispose();
  }
}

test('seeded rankings are bit-identical to the committed fixture', async () => {
  requireBuild();
  const got = await scenario();
  if (process.env.WAYFINDER_UPDATE_FIXTURE === '1') {
    fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
    fs.writeFileSync(FIXTURE, `${JSON.stringify(got, null, 1)}\n`);
  }
  const want = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  assert.equal(got.catalogSha256, want.catalogSha256, 'the fixture was made on another catalog: regenerate it only if the catalog changed on purpose');
  assert.equal(got.shardFormat, want.shardFormat, 'the fixture was made on another shard format');
  assert.equal(got.modelVersion, want.modelVersion, 'the fixture was made with another model');
  assert.equal(got.pages.length, want.pages.length);
  for (const [k, page] of got.pages.entries()) assert.deepEqual(page, want.pages[k], `page ${k}`);
});
