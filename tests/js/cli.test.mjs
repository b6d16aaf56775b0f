// The wayfinder command: help everywhere, argument errors, and learning persisted through --state.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, MODELS, PROFILE, requireBuild } from './helpers.mjs';

const run = (...args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120000 });

test('--help works for the command and every subcommand', () => {
  for (const args of [['--help'], ['recommend', '--help'], ['track', '--help'], ['embed', '--help'], ['sync', '--help'], ['saved', '--help'], ['history', '--help'], ['forget', '--help'], ['shard', '--help']]) {
    const r = run(...args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /Usage: wayfinder/);
  }
});

test('bad arguments exit 2 with a message naming the problem', () => {
  assert.equal(run('recommend').status, 2);
  assert.match(run('recommend').stderr, /--profile FILE is required/);
  assert.match(run('recommend', '--profile', 'x', '--limit', 'zero').stderr, /--limit must be an integer/);
  assert.match(run('frobnicate').stderr, /unknown command/);
  assert.match(run('track', '--state', os.tmpdir()).stderr, /--type is required/);
  for (const cmd of ['saved', 'history', 'forget']) assert.match(run(cmd).stderr, /--state DIR is required/);
});

test('track then recommend: local counts persist in --state and show in the JSON output', () => {
  requireBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-cli-'));
  const profile = path.join(dir, 'profile.json');
  fs.writeFileSync(profile, JSON.stringify(PROFILE));
  const first = run('recommend', '--profile', profile, '--limit', '10', '--seed', '5', '--state', dir, '--json', '--models', MODELS);
  assert.equal(first.status, 0, first.stderr);
  const page = JSON.parse(first.stdout);
  assert.equal(page.items.length, 10);
  const target = page.items[6].projectId;
  const t = run('track', '--state', dir, '--type', 'rating', '--stars', '5', '--project', target, '--models', MODELS);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /α 0\.000→0\.\d+/);
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
  // The core's own saved learner state holds the rating (docs/WEB.md, storage key "learner").
  const learner = JSON.parse(state.data.learner);
  assert.deepEqual(learner.events.map((e) => [e.type, e.projectId, e.stars]), [['rating', target, 5]]);
  assert.equal(state.data.outbox.length, 1);
  const again = JSON.parse(run('recommend', '--profile', profile, '--limit', '40', '--seed', '5', '--state', dir, '--json', '--models', MODELS).stdout);
  const it = again.items.find((i) => i.projectId === target);
  assert.ok(it && it.evidence > 0, 'the next ranking sees the stored evidence');
  const noRl = JSON.parse(run('recommend', '--profile', profile, '--no-rl', '--state', dir, '--json', '--models', MODELS).stdout);
  assert.equal(noRl.arm, 'similarity');
});

test('saved and history: bookmark, rate, re-rate and unbookmark from the shell; forget clears the state folder', () => {
  requireBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-cli-space-'));
  const [a, b] = ['karpathy/micrograd', 'karpathy/nanogpt'];
  const track = (...args) => {
    const r = run('track', '--state', dir, '--models', MODELS, ...args);
    assert.equal(r.status, 0, r.stderr);
  };
  track('--type', 'bookmark', '--project', a);
  track('--type', 'bookmark', '--project', b);
  track('--type', 'rating', '--stars', '5', '--project', a);
  track('--type', 'rating', '--stars', '2', '--project', a);
  let r = run('saved', '--state', dir, '--models', MODELS, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).map((s) => s.projectId), [b, a]);
  r = run('history', '--state', dir, '--models', MODELS);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /micrograd\s+★★ \(2\/5\)/);
  track('--type', 'unbookmark', '--project', b);
  r = run('saved', '--state', dir, '--models', MODELS);
  assert.doesNotMatch(r.stdout, /nanogpt/);
  assert.match(r.stdout, /micrograd/);
  r = run('forget', '--state', dir, '--models', MODELS);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /forgotten/);
  r = run('saved', '--state', dir, '--models', MODELS);
  assert.match(r.stdout, /nothing saved yet/);
});
