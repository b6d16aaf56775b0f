// The WASM ES modules that CMake builds load in Node 20 and in headless Chromium (both variants), and the
// loader picks the SIMD one only where the engine validates SIMD code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wasmDir = path.join(root, 'web/wasm');
const variants = ['wayfinder_core.mjs', 'wayfinder_core_simd.mjs'];

for (const file of variants) {
  test(`${file} imports in Node and answers a call`, async () => {
    const { default: factory } = await import(pathToFileURL(path.join(wasmDir, file)).href);
    const core = await factory();
    assert.match(core.coreVersion(), /^\d+\.\d+\.\d+$/);
  });
}

function serve(dir) {
  const types = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
    if (name === '') { res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>'); return; }
    const file = path.join(dir, name || 'index.html');
    if (!file.startsWith(dir) || !fs.existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('both variants import in headless Chromium', async (t) => {
  const { chromium } = await import('playwright-core');
  const server = await serve(wasmDir);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-quic'],  // playwright gives it a fresh profile dir
  });
  t.after(async () => { await browser.close(); server.close(); });
  const page = await browser.newPage();
  const base = `http://127.0.0.1:${server.address().port}`;
  await page.goto(`${base}/`);
  for (const file of variants) {
    const version = await page.evaluate(async (url) => {
      const { default: factory } = await import(url);
      return (await factory()).coreVersion();
    }, `${base}/${file}`);
    assert.match(version, /^\d+\.\d+\.\d+$/, file);
  }
  const simd = await page.evaluate(() => WebAssembly.validate(new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11])));
  assert.equal(simd, true, 'Chromium validates WebAssembly SIMD');
});
