// The contextual arm from the shell (issue 12): one piece of positive feedback (`wayfinder track`: a bookmark and a
// 5★ rating) on a project raises the posterior mean and the sampled score (`recommend --json`, items' posteriorMean
// and bandit) of the unseen projects close to it in vector space, and not of the distant ones. Closeness is the
// cosine of the shard's own vectors (the core's ShardSearcher). Runs the real CLI binary, model and shipped basis.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, MODELS, ROOT, requireBuild } from './helpers.mjs';

const run = (...args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120000 });
const NEAR = { interests: ['machine learning'], languages: ['python'], skill_level: 'beginner' };
const FAR = { interests: ['web development', 'css'], languages: ['javascript'], skill_level: 'beginner' };

async function shardVectors() {
  const core = await (await import(path.join(ROOT, 'web/wasm/wayfinder_core_simd.mjs'))).default();
  const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'shards/manifest.json'), 'utf8'));
  const read = (file) => fs.readFileSync(path.join(MODELS, 'shards', file));
  const s = new core.ShardSearcher(read(manifest.shards[0].file), read(manifest.shards[0].vectors.file), JSON.stringify(manifest.model));
  const index = new Map();
  for (let i = 0; i < s.size(); ++i) index.set(s.id(i), i);
  return (id) => s.vector(index.get(id));
}

function cosine(a, b) {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; ++i) (ab += a[i] * b[i]), (aa += a[i] * a[i]), (bb += b[i] * b[i]);
  return ab / Math.sqrt(aa * bb);
}

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

test('track one positive feedback, then recommend --json: projects near it rise, distant ones do not', async () => {
  requireBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-cli-linear-'));
  const page = (name, profile) => {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const r = run('recommend', '--profile', file, '--bandit', 'linear', '--limit', '30', '--seed', '3', '--state', dir, '--json', '--models', MODELS);
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.equal(p.bandit, 'linear', `ranked by the contextual arm (${p.warning ?? ''})`);
    return new Map(p.items.map((it) => [it.projectId, it]));
  };
  const before = [...page('near', NEAR), ...page('far', FAR)];
  for (const [, it] of before) assert.equal(it.evidence, 0, 'a new learner has no evidence');
  const liked = before[0][0];
  for (const args of [['--type', 'bookmark'], ['--type', 'rating', '--stars', '5']]) {
    const r = run('track', '--state', dir, '--models', MODELS, '--project', liked, ...args);
    assert.equal(r.status, 0, r.stderr);
  }
  const after = new Map([...page('near', NEAR), ...page('far', FAR)]);
  const vectorOf = await shardVectors();
  const likedVector = vectorOf(liked);
  const rows = before
    .filter(([id]) => id !== liked && after.has(id))
    .map(([id, b]) => ({ id, cos: cosine(likedVector, vectorOf(id)), lift: after.get(id).posteriorMean - b.posteriorMean, score: after.get(id).bandit - b.bandit }))
    .sort((a, b) => b.cos - a.cos);
  assert.ok(rows.length >= 30, `${rows.length} unseen projects on both pages before and after`);
  const third = Math.floor(rows.length / 3);
  const near = rows.slice(0, third);
  const far = rows.slice(-third);
  const summary = (xs) => `cos ${mean(xs.map((r) => r.cos)).toFixed(3)}, posterior mean ${mean(xs.map((r) => r.lift)).toFixed(3)}, sampled score ${mean(xs.map((r) => r.score)).toFixed(3)}`;
  console.log(`liked ${liked}; nearest third: ${summary(near)}; farthest third: ${summary(far)}`);
  // A check of the grouping, not of the learning: with the 45 features (tags) the after-pages hold other projects, and
  // the thirds of the shared ones lie 0.199 apart in cosine (0.24 with the 13 features).
  assert.ok(mean(near.map((r) => r.cos)) > mean(far.map((r) => r.cos)) + 0.15, 'the two groups differ in vector space');
  assert.ok(mean(near.map((r) => r.lift)) > 0.2, 'the nearest projects rise');
  assert.ok(near.every((r) => r.lift > 0), 'every one of the nearest projects rises');
  // The farthest third moves far less than the nearest (0.105 against 0.540 with shard format 6, whose pages hold
  // other projects; 0.1 was the bound when the far third lay further out): the learning follows similarity.
  const farLift = Math.abs(mean(far.map((r) => r.lift)));
  assert.ok(farLift < 0.25 * mean(near.map((r) => r.lift)) && farLift < 0.15, `the farthest projects barely move on average (${farLift})`);
  assert.ok(mean(near.map((r) => r.score)) > mean(far.map((r) => r.score)) + 0.05, 'the sampled score rises more near it');
});

test('--bandit takes beta, linear or hierarchical only', () => {
  const r = run('recommend', '--profile', 'x', '--bandit', 'cosine');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--bandit must be beta, linear or hierarchical, got "cosine"/);
});

test('--bandit hierarchical ranks with the hierarchical arm (the shipped basis is loaded)', () => {
  requireBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-cli-hier-'));
  const file = path.join(dir, 'near.json');
  fs.writeFileSync(file, JSON.stringify(NEAR));
  const recommend = () => {
    const r = run('recommend', '--profile', file, '--bandit', 'hierarchical', '--limit', '10', '--seed', '3', '--state', dir, '--json', '--models', MODELS);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const cold = recommend();
  assert.equal(cold.bandit, 'hierarchical', `ranked by the hierarchical arm (${cold.warning ?? ''})`);
  assert.ok(cold.items.every((it) => it.evidence === 0), 'a new learner has no evidence');
  const liked = cold.items[0].projectId;
  const r = run('track', '--state', dir, '--models', MODELS, '--project', liked, '--type', 'rating', '--stars', '5');
  assert.equal(r.status, 0, r.stderr);
  const warm = recommend();
  assert.equal(warm.bandit, 'hierarchical');
  assert.ok(warm.items.every((it) => it.evidence > 0), 'the learner\'s evidence reaches every candidate through the model');
});
