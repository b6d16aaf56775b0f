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
  // Nothing may load from outside our own server: every absolute URL in the bundle is loopback or a documentation
  // link quoted in an error message (ORT's cross-origin isolation hint, the bundler's CommonJS note).
  const hosts = [...new Set((js.match(/https?:\/\/[^/\s"'`)\\]+/g) ?? []).map((u) => new URL(u).hostname))];
  const allowed = new Set(['localhost', '127.0.0.1', 'web.dev', 'rolldown.rs']);
  assert.deepEqual(hosts.filter((h) => !allowed.has(h)), [], `only loopback and quoted documentation hosts: ${hosts}`);
  fs.rmSync(outDir, { recursive: true, force: true });
});
