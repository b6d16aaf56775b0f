// Staged ranking and model choice in the package (Node, real model and shard): a lexical page before the model,
// the embedding page after it, and the int8 model by default.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createRecommender } from '../../web/src/index.js';
import { MODELS, MODELS_URL, PROFILE, requireBuild } from './helpers.mjs';

const info = JSON.parse(fs.readFileSync(path.join(MODELS, 'model-info.json'), 'utf8'));
const open = (extra = {}) =>
  createRecommender({ modelsUrl: MODELS_URL, userId: 'staged-test-user', storage: 'memory', seed: 3n, autoSync: false, ...extra });

test('without the model, allowLexical gives a lexical + structured page; prepare() then gives the embedding page', async () => {
  requireBuild();
  const rec = await open({ preloadModel: false });
  try {
    const lexical = await rec.recommend(PROFILE, { limit: 10, useRL: false, allowLexical: true });
    assert.equal(lexical.stage, 'lexical');
    assert.equal(lexical.items.length, 10);
    assert.ok(lexical.items.every((i) => !/close to your profile/.test(i.reason)), 'no cosine term before the model');
    assert.ok(lexical.items.some((i) => /matches|written in/.test(i.reason)), 'ranked by words and languages');
    // A second lexical call does not wait for the model either.
    assert.equal((await rec.recommend(PROFILE, { limit: 10, allowLexical: true })).stage, 'lexical');
    assert.equal(await rec.prepare(PROFILE), 'embedding');
    const refined = await rec.recommend(PROFILE, { limit: 10, useRL: false, allowLexical: true });
    assert.equal(refined.stage, 'embedding');
    assert.ok(refined.items.some((i) => /close to your profile \(similarity/.test(i.reason)), 'the cosine term is in');
  } finally {
    await rec.dispose();
  }
});

test('without allowLexical, recommend() waits for the model (the default, as before)', async () => {
  requireBuild();
  const rec = await open({ preloadModel: false });
  try {
    const page = await rec.recommend(PROFILE, { limit: 10 });
    assert.equal(page.stage, 'embedding');
    assert.equal(await rec.modelReady(), true);
  } finally {
    await rec.dispose();
  }
});

test('the int8 model is the default; modelPrecision float32 loads the reference', async () => {
  requireBuild();
  const a = await open({ preloadModel: false });
  const b = await open({ preloadModel: false, modelPrecision: 'float32' });
  try {
    assert.equal(a.modelVersion, `${info.name}:${info.int8.sha256.slice(0, 12)}`);
    assert.equal(b.modelVersion, `${info.name}:${info.onnx_sha256.slice(0, 12)}`);
    const [va, vb] = [await a.embed('learn rust by building a web server'), await b.embed('learn rust by building a web server')];
    let dot = 0;
    for (let i = 0; i < va.length; i++) dot += va[i] * vb[i];
    assert.ok(dot > 0.99 && dot < 1 - 1e-7, `int8 and float32 embeddings agree but differ (cosine ${dot})`);
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

test('in Node the shard opens with both files before createRecommender resolves; a wrong vectors file is refused by name', async () => {
  requireBuild();
  const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'shards/manifest.json'), 'utf8'));
  const rec = await open({ preloadModel: false });
  try {
    assert.equal(typeof rec.timings.vectorsMs, 'number', 'the vectors part was attached while opening');
  } finally {
    await rec.dispose();
  }
  // The lexical file offered as the vectors part: its sha256 is not the manifest's vectors sha256.
  const lexicalUrl = new URL(`shards/${manifest.shards[0].file}`, MODELS_URL).href;
  await assert.rejects(open({ preloadModel: false, vectorsUrl: lexicalUrl }), (e) => {
    assert.match(e.message, /^project vectors: /);
    assert.ok(e.message.includes(manifest.shards[0].file) && e.message.includes(manifest.shards[0].vectors.sha256), e.message);
    return true;
  });
});
