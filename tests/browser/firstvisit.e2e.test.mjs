// The first visit (issue 11), in Chromium against the real wayfinder-sync behind a byte-counting proxy
// (tests/browser/proxy.mjs: it sees the page's, the service worker's and any worker's fetches alike):
// - a press of the button while the shard is still coming is kept, answered with a lexical ranking as soon as the
//   shard's lexical part is in (its vectors part and the model still held back), and the embedding ranking is
//   offered (not forced) once the model and the vectors are in; typed input is kept;
// - a determinate progress bar with bytes per stage from the manifest sizes;
// - each big file downloaded once per visit, whoever asks, and the cold visit's bytes within the budget: the
//   precompressed sizes of the files it needs (deterministic, from the files on disk; the figures line prints them);
// - a repeat visit reads every big file from the device and says so;
// - a download cut off halfway says so and resumes from where it stopped (a range request) when the browser is
//   back online, without fetching the files that were complete again.
// No wall-clock limits: every wait is for a condition.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, launchBrowser, startServer } from './harness.mjs';
import { startProxy } from './proxy.mjs';

const MODELS = process.env.WAYFINDER_MODELS ? path.resolve(process.env.WAYFINDER_MODELS) : path.join(ROOT, 'models/build');
const info = JSON.parse(fs.readFileSync(path.join(MODELS, 'model-info.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'shards/manifest.json'), 'utf8'));
const MODEL_PATH = `/models/${info.int8.file}`;
const SHARD_PATH = `/models/shards/${manifest.shards[0].file}`; // the lexical part
const VECTORS_PATH = `/models/shards/${manifest.shards[0].vectors.file}`;
const ORT_WASM = '/ort/ort-wasm-simd-threaded.wasm';
const esc = (s) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

let server, proxy, browser, page;
const figures = {};

before(async () => {
  server = await startServer();
  proxy = await startProxy(Number(new URL(server.url).port));
  browser = await launchBrowser({ stubExternal: false });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
});
after(async () => {
  console.log(`# figures ${JSON.stringify(figures)}`);
  await browser?.context.close();
  await proxy?.close();
  await server?.stop();
});

const stage = () => page.evaluate(() => document.getElementById('cards').dataset.stage ?? null);
const cardCount = () => page.evaluate(() => document.querySelectorAll('article.card').length);

test('cold visit: an early press is kept, a lexical ranking comes first, the embedding ranking is offered', async () => {
  const releaseShard = proxy.hold(esc(SHARD_PATH));
  const releaseModel = proxy.hold(esc(MODEL_PATH));
  const releaseVectors = proxy.hold(esc(VECTORS_PATH));
  await page.goto(`${proxy.url}/`, { waitUntil: 'domcontentloaded' });
  await page.getByLabel('Interests').fill('machine learning, data visualisation');
  await page.getByLabel('Languages').fill('Python');
  await page.getByLabel('Skill level').selectOption('beginner');
  await page.getByRole('button', { name: 'Get recommendations' }).click();
  await page.waitForFunction(() => /as soon as/.test(document.getElementById('status').textContent));
  assert.equal(await cardCount(), 0, 'nothing ranked yet: the shard is held back');

  // The progress bar knows the totals from model-info.json and the manifest before the bytes arrive.
  await page.waitForFunction(() => !document.getElementById('loading').hidden && /language model/.test(document.getElementById('load-text').textContent));
  const total = Number(await page.getAttribute('#loading', 'data-total'));
  assert.ok(total >= info.int8.bytes + manifest.shards[0].bytes, `bar total ${total} covers the model and the shard's lexical part`);
  const text = await page.textContent('#load-text');
  assert.match(text, /projects 0\.0 \/ \d+\.\d MB/);
  assert.match(text, /language model 0\.0 \/ \d+\.\d MB/);

  releaseShard();
  await page.waitForFunction(() => document.querySelectorAll('article.card').length >= 10, null, { timeout: 120000 });
  assert.equal(await stage(), 'lexical', 'the first ranking needs no model');
  assert.equal(proxy.counts.byPath[VECTORS_PATH] ?? 0, 0, 'nor the shard\'s vectors part: ranked while it was held back');
  assert.equal(proxy.counts.byPath[MODEL_PATH] ?? 0, 0);
  assert.match(await page.textContent('#status'), /language model is still loading/);
  assert.equal(await page.inputValue('#interests'), 'machine learning, data visualisation', 'typed input kept');
  assert.equal(await page.isVisible('#refine'), false, 'no offer before the model is in');
  const lexicalIds = await page.$$eval('article.card', (as) => as.map((a) => a.dataset.projectId));

  releaseModel();
  // The model alone is not enough for the embedding ranking: the offer waits for the vectors part as well.
  await page.waitForFunction(() => /language model \d+\.\d MB ✓/.test(document.getElementById('load-text').textContent), null, { timeout: 120000 });
  assert.equal(await page.isVisible('#refine'), false, 'no offer before the vectors are in');
  releaseVectors();
  await page.waitForSelector('#refine', { state: 'visible', timeout: 120000 });
  // Offered, not applied: the cards under the learner's pointer did not move.
  assert.deepEqual(await page.$$eval('article.card', (as) => as.map((a) => a.dataset.projectId)), lexicalIds);
  await page.click('#refine');
  await page.waitForFunction(() => document.getElementById('cards').dataset.stage === 'embedding', null, { timeout: 120000 });
  assert.ok((await cardCount()) >= 10);
  await page.screenshot({ path: path.join(ROOT, 'build/screenshots/app-first-visit.png') });

  // The core, the shard and the model live in the recommender's Web Worker: the page itself never fetched them (the
  // worker's static module imports are fetched on the page's behalf, by the spec, so only run-time fetches count).
  assert.deepEqual(page.workers().map((w) => new URL(w.url()).pathname).sort(), ['/lib/embed-worker.bundle.js', '/lib/worker.bundle.js'],
    'two workers: the recommender, and ONNX Runtime (started by the recommender)');
  // Each worker's code is one file (web/app/stage.mjs bundles them): of the package's modules only the page's bridge
  // was fetched, the recommender's worker, and ONNX Runtime's worker (started by the recommender's).
  const libFetched = Object.keys(proxy.counts.requestsByPath).filter((p) => p.startsWith('/lib/')).sort();
  assert.deepEqual(libFetched, ['/lib/bridge.js', '/lib/embed-worker.bundle.js', '/lib/worker.bundle.js'], 'each worker came in one request');
  const pageFetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  const heavy = pageFetched.filter((p) => /\.wasm$|\.wfshard$|\.onnx$|wayfinder_core|ort\.wasm/.test(p));
  assert.deepEqual(heavy, [], 'the main thread loads neither the WASM core, the shard, the model nor ONNX Runtime');
  // The bridge forwards any method name; one the recommender lacks is named in the error.
  assert.match(await page.evaluate(() => window.wayfinder.noSuchMethod().catch((e) => e.message)), /has no method noSuchMethod\(\)/);
  assert.equal(typeof (await page.evaluate(() => window.wayfinder.liveHandles())), 'number');

  // The service worker is registered after the downloads and copies the page's files from the HTTP cache.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated', null, { timeout: 120000 });
  await page.waitForFunction(() => document.getElementById('loading').dataset.done === 'true');
  const c = proxy.counts;
  figures.coldAssetBytes = c.assets;
  figures.coldLargest = Object.entries(c.byPath).sort((a, b) => b[1] - a[1]).slice(0, 6);
  for (const p of [MODEL_PATH, SHARD_PATH, VECTORS_PATH, ORT_WASM]) assert.equal(c.requestsByPath[p], 1, `${p} downloaded once (${c.requestsByPath[p]})`);
  const coreWasm = Object.keys(c.requestsByPath).filter((p) => p.endsWith('.wasm') && p.includes('/wasm/'));
  assert.equal(coreWasm.length, 1, `one WASM core variant fetched: ${coreWasm}`);
  assert.equal(c.requestsByPath[coreWasm[0]], 1);
  assert.ok(c.byPath[MODEL_PATH] < info.int8.bytes, 'the model came precompressed');
  // The byte budget: each big file at most its brotli size on disk (what the server sends this browser), and the
  // whole visit at most their sum plus 0.5 MB for the app shell, the package and the small JSON files.
  const big = { [MODEL_PATH]: path.join(MODELS, info.int8.file), [SHARD_PATH]: path.join(MODELS, 'shards', manifest.shards[0].file),
    [VECTORS_PATH]: path.join(MODELS, 'shards', manifest.shards[0].vectors.file), [ORT_WASM]: path.join(ROOT, 'web/app/ort/ort-wasm-simd-threaded.wasm'),
    [coreWasm[0]]: path.join(ROOT, 'web/app', coreWasm[0]) };
  let budget = 0.5e6;
  for (const [p, file] of Object.entries(big)) {
    const br = fs.statSync(`${file}.br`).size;
    assert.ok(c.byPath[p] <= br + 1024, `${p}: ${c.byPath[p]} bytes on the wire, its brotli file has ${br}`);
    budget += br;
  }
  figures.coldBudget = budget;
  assert.ok(c.assets <= budget, `cold visit ${c.assets} bytes on the wire, budget ${budget}`);
  // Fixed caps, so that neither the shard nor the visit grows back unnoticed (docs/BENCHMARKS.md, "First visit"):
  // shard format 6 sends 0.85 MB (lexical part) + 4.92 MB (vectors part, ±40), the whole visit 14.94 MB: the
  // issue's 15 MB budget is the cap.
  assert.ok(c.byPath[SHARD_PATH] <= 0.87e6, `lexical part ${c.byPath[SHARD_PATH]} bytes on the wire, cap 0.87 MB`);
  assert.ok(c.byPath[VECTORS_PATH] <= 4.93e6, `vectors part ${c.byPath[VECTORS_PATH]} bytes on the wire, cap 4.93 MB`);
  assert.ok(c.assets <= 15e6, `cold visit ${c.assets} bytes on the wire, cap 15 MB (the issue's budget)`);
});

test('repeat visit: every big file comes from the device, and the page says so', async () => {
  proxy.reset();
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => document.querySelectorAll('article.card').length >= 10, null, { timeout: 120000 });
  await page.waitForFunction(() => document.getElementById('loading').dataset.done === 'true', null, { timeout: 120000 });
  assert.equal(await page.getAttribute('#loading', 'data-all-cached'), 'true');
  assert.match(await page.textContent('#load-text'), /0 bytes downloaded/);
  assert.equal(await stage(), 'embedding', 'the saved profile embedding ranks at once');
  const big = Object.keys(proxy.counts.byPath).filter((p) => p.startsWith('/models/') && !p.endsWith('.json') || p.endsWith('.wasm'));
  assert.deepEqual(big, [], 'no model, shard, vocabulary or WASM bytes');
  figures.repeatAssetBytes = proxy.counts.assets;
  figures.repeatPaths = proxy.counts.byPath;
});

test('a saved profile never overwrites what the learner typed while loading', async () => {
  const release = proxy.hold(esc('/models/shards/manifest.json'));
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.getByLabel('Interests').fill('typed while loading');
  release();
  await page.waitForFunction(() => window.wayfinder, null, { timeout: 120000 });
  await page.waitForFunction(() => /Ready/.test(document.getElementById('status').textContent), null, { timeout: 120000 });
  assert.equal(await page.inputValue('#interests'), 'typed while loading');
  assert.equal(await page.inputValue('#languages'), 'Python', 'untouched fields are filled from the saved profile');
});

test('a model download cut off halfway says so and resumes where it stopped once back online (a range request)', async () => {
  const second = await launchBrowser({ stubExternal: false });
  const context = second.context;
  try {
    const p = context.pages()[0] ?? (await context.newPage());
    proxy.reset();
    // Every response for the model is cut off halfway (a connection that keeps dropping) until reconnect().
    const reconnect = proxy.cut(esc(MODEL_PATH), 0.5);
    await p.goto(`${proxy.url}/`);
    await p.waitForFunction(() => document.getElementById('loading').dataset.interrupted === 'true', null, { timeout: 120000 });
    assert.match(await p.textContent('#load-text'), /connection lost \(language model\): resuming where it stopped/);
    assert.equal(await p.isVisible('#retry'), false, 'nothing to press: the download goes on by itself');
    // Offline, seen by the page, then online again with the link whole.
    await context.setOffline(true);
    await p.waitForFunction(() => navigator.onLine === false, null, { timeout: 30000 });
    reconnect();
    await context.setOffline(false);
    // The rest of the model and ORT's start-up: generous, as CI machines are shared (a wait, not a limit).
    await p.waitForFunction(() => document.getElementById('loading').dataset.done === 'true', null, { timeout: 300000 }).catch(async (e) => {
      throw new Error(`${e.message}; the page says: ${await p.textContent('#load-text')}; requests ${JSON.stringify(proxy.counts.requestsByPath)}`);
    });
    // Each try after the first asked for the rest, from further on each time: the download never started over.
    const starts = proxy.counts.ranges.filter((r) => r.path === MODEL_PATH).map((r) => Number(/^bytes=(\d+)-$/.exec(r.range)?.[1]));
    assert.equal(starts.length, proxy.counts.requestsByPath[MODEL_PATH] - 1, `every later request is a range: ${JSON.stringify(proxy.counts.ranges)}`);
    assert.ok(starts.length >= 1 && starts[0] > 0, `resumed from byte ${starts[0]}`);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i] > starts[i - 1], `resumed further each time: ${starts}`);
    figures.resumedFrom = starts;
    figures.modelBytesWithResume = proxy.counts.byPath[MODEL_PATH];
    assert.equal(proxy.counts.requestsByPath[SHARD_PATH], 1, 'the shard was fetched once');
    assert.equal(proxy.counts.requestsByPath[VECTORS_PATH], 1, 'and its vectors part');
    assert.equal(proxy.counts.requestsByPath[ORT_WASM], 1, 'and the runtime');
    // The resumed model is the manifest's (its sha256 is checked) and ranks.
    await p.getByLabel('Interests').fill('web development');
    await p.click('#go');
    await p.waitForFunction(() => document.getElementById('cards').dataset.stage === 'embedding', null, { timeout: 120000 });
    assert.deepEqual(second.cspViolations, [], 'no Content-Security-Policy violation (ORT worker, resumed download)');
  } finally {
    await context.close();
  }
});

// The bytes of `url` kept on the device by an unfinished download (web/src/assets.js, partStore).
const keptBytes = (p, url) => p.evaluate(async (u) => {
  const cache = await caches.open('wayfinder-partial-v1');
  let n = 0;
  for (const r of await cache.keys()) if (r.url.startsWith(`${u}?`)) n += (await (await cache.match(r)).arrayBuffer()).byteLength;
  return n;
}, url);

test('a reload in the middle of a cut-off download goes on from the bytes kept on the device, never from the start', async () => {
  const second = await launchBrowser({ stubExternal: false });
  const context = second.context;
  try {
    const p = context.pages()[0] ?? (await context.newPage());
    const modelUrl = `${proxy.url}${MODEL_PATH}`;
    proxy.reset();
    const reconnect = proxy.cut(esc(MODEL_PATH), 0.5);
    await p.goto(`${proxy.url}/`);
    await p.waitForFunction(() => document.getElementById('loading').dataset.interrupted === 'true', null, { timeout: 120000 });
    await p.waitForFunction(async (u) => (await (await caches.open('wayfinder-partial-v1')).keys()).some((r) => r.url.startsWith(`${u}?`)), modelUrl, { timeout: 30000 });
    // Offline first, so that this page's own resumer asks for nothing more (it waits for the network, then 1 s).
    await context.setOffline(true);
    await p.waitForFunction(() => navigator.onLine === false, null, { timeout: 30000 });
    const kept = await keptBytes(p, modelUrl);
    assert.ok(kept > 0, 'the bytes in were kept on the device');
    // The learner reloads while the link still drops; after the reload only the rest is asked for.
    proxy.reset();
    await context.setOffline(false);
    await p.reload();
    await p.waitForFunction(() => document.getElementById('loading').dataset.interrupted === 'true' || document.getElementById('loading').dataset.done === 'true', null, { timeout: 120000 });
    reconnect();
    await p.waitForFunction(() => document.getElementById('loading').dataset.done === 'true', null, { timeout: 300000 }).catch(async (e) => {
      throw new Error(`${e.message}; the page says: ${await p.textContent('#load-text')}; requests ${JSON.stringify(proxy.counts.requestsByPath)}`);
    });
    // Chromium's HTTP cache may ask for the rest of a range it holds in part with an explicit end.
    const starts = proxy.counts.ranges.filter((r) => r.path === MODEL_PATH).map((r) => Number(/^bytes=(\d+)-\d*$/.exec(r.range)?.[1]));
    assert.equal(starts.length, proxy.counts.requestsByPath[MODEL_PATH], `every request after the reload is a range: ${JSON.stringify(proxy.counts.ranges)}`);
    assert.equal(starts[0], kept, `the first one from exactly the bytes kept: ${starts}`);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i] > starts[i - 1], `further each time: ${starts}`);
    figures.reloadResumedFrom = { kept, ranges: proxy.counts.ranges.filter((r) => r.path === MODEL_PATH).map((r) => r.range) };
    // Once the model is whole and stored, its parts are gone; the model is the manifest's (sha256) and ranks.
    await p.waitForFunction(async (u) => !(await (await caches.open('wayfinder-partial-v1')).keys()).some((r) => r.url.startsWith(`${u}?`)), modelUrl, { timeout: 30000 });
    await p.getByLabel('Interests').fill('web development');
    await p.click('#go');
    await p.waitForFunction(() => document.getElementById('cards').dataset.stage === 'embedding', null, { timeout: 120000 });
  } finally {
    await context.close();
  }
});

test('the first-visit flow breaks no Content-Security-Policy rule (ORT proxy worker, progress, service worker)', () => {
  assert.deepEqual(browser.cspViolations, []);
});
