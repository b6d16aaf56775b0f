// The package works in a Vite-built page: the build resolves `wayfinder`, bundles it and emits the WASM core.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { build } from 'vite';
import { ROOT } from './helpers.mjs';

test('a tiny Vite app importing the package builds, with the WASM core emitted as assets', async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-vite-'));
  await build({ root: path.join(ROOT, 'tests/js/vite-app'), configFile: path.join(ROOT, 'tests/js/vite-app/vite.config.mjs'), build: { outDir, emptyOutDir: true } });
  const files = fs.readdirSync(path.join(outDir, 'assets'));
  assert.ok(files.some((f) => /^wayfinder_core_simd-.*\.wasm$/.test(f)), `simd wasm emitted: ${files}`);
  assert.ok(files.some((f) => /^wayfinder_core-.*\.wasm$/.test(f)), 'scalar wasm emitted');
  assert.ok(files.some((f) => /^wayfinder_core_simd-.*\.mjs$/.test(f)), 'simd module emitted');
  const js = files.filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(outDir, 'assets', f), 'utf8')).join('\n');
  assert.match(js, /createRecommender|recommend/);
  assert.doesNotMatch(js, /cdn\.jsdelivr|unpkg\.com/, 'no CDN reference in the bundle');
  fs.rmSync(outDir, { recursive: true, force: true });
});
