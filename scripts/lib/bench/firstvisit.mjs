// First-visit benchmark (issue 11): Debian's Chromium (playwright-core) opens the app through a throttling,
// byte-counting reverse proxy in front of the real wayfinder-sync. Every fetch — page, worker and service worker —
// goes through the proxy, so its byte count is what crossed the "network", and all of them share one throttled
// link (DevTools' own throttling is per target and would leave the service worker's fetches unthrottled).
//
// Per link (20 Mbit/s · 40 ms RTT, 5 Mbit/s · 150 ms RTT) and per app (this tree, and the baseline commit built
// from its own sources by baseline.sh), a cold visit (fresh browser profile) and a repeat visit (reload in the same
// profile) report: bytes on the wire (all, and assets = everything but /v1/), time from navigation start to the
// first 10 cards and to cards ranked with the embedding, the longest main-thread task (Long Tasks API) during load
// and during three later recommend() clicks, and the peak of JS heap + ArrayBuffer backing stores (WASM memories
// included) of the page plus its dedicated workers (the recommender's worker with the core and ONNX Runtime; CDP
// Runtime.getHeapUsage, sampled).
//   node scripts/lib/bench/firstvisit.mjs [--quick] [--only new|baseline] [--runs N]  → JSON on stdout
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findServerBinary, launchBrowser } from '../../../tests/browser/harness.mjs';
import { startProxy } from '../../../tests/browser/proxy.mjs';
import { startSyncServer, stopSyncServers } from '../../../tests/support/sync-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// "Today": the commit before issue 11's work (float32 model, no precompression, no staged ranking).
export const BASELINE_COMMIT = 'ad14ddd';
const quick = process.argv.includes('--quick');
const argOf = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : null);
const only = argOf('--only');
// Each scenario (app × link) runs this many times in a fresh browser profile; every figure reported is the median of
// its runs (the machine is shared and has 2 cores), and `samples` keeps each run's.
const RUNS = Number(argOf('--runs') ?? 1);
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 9) throw new Error(`--runs must be an integer from 1 to 9, got ${argOf('--runs')}`);
const LINKS = quick ? [{ name: '20 Mbit/s, 40 ms', mbit: 20, rttMs: 40 }] : [
  { name: '20 Mbit/s, 40 ms', mbit: 20, rttMs: 40 },
  { name: '5 Mbit/s, 150 ms', mbit: 5, rttMs: 150 },
];
const PROFILE = { interests: 'machine learning, data visualisation', languages: 'Python', goals: 'train a neural network from scratch' };
// The baseline's cold visit (about 58 MB) takes about 100 s at 5 Mbit/s; a page that never gets there fails after
// this long, saying what it showed, instead of holding the shared machine for many minutes.
const VISIT_TIMEOUT_MS = 240000;

// ── the server ─────────────────────────────────────────────────────────────────────────────────────────────────

async function startServer({ web, ort, models, server: bin }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-fv-'));
  const server = await startSyncServer(bin, ['--host', '127.0.0.1', '--db', path.join(dir, 'db.sqlite'), '--web', web,
    '--models', models, '--ort', ort, '--scheduler', 'false']);
  return { port: server.port, stop: () => stopSyncServers([server]) };
}

// The throttling proxy models the network, which on a real link is not on the learner's CPU: on this 2-core machine
// the browser's ONNX Runtime start-up otherwise starves it (the link then delivered about 1.1 instead of 2.5 MB/s
// while ORT compiled). So this process (the proxy, and the idle driver) runs at a higher priority than Chromium.
try {
  os.setPriority(0, -10);
} catch {
  /* not permitted: the link may run slower than its nominal rate under load */
}

// ── the page: observers installed before any script of the app runs ────────────────────────────────────────────
const INIT = () => {
  const b = (window.__bench = { longTasks: [], first: null, embedding: null });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no Long Tasks API */
  }
  const check = () => {
    const c = document.getElementById('cards');
    if (!c || c.children.length < 10) return;
    b.first ??= performance.now();
    if (c.dataset.stage !== 'lexical') b.embedding ??= performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'] });
};

// The page's dedicated workers (the recommender's worker: WASM core, shard, ONNX Runtime), attached through the
// page's DevTools session; their heaps are read with Runtime.getHeapUsage sent into each worker's target.
async function workerHeaps(cdp) {
  const sessions = new Set();
  const waiting = new Map();
  let next = 1;
  cdp.on('Target.attachedToTarget', (e) => e.targetInfo.type === 'worker' && sessions.add(e.sessionId));
  cdp.on('Target.detachedFromTarget', (e) => sessions.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return async () => {
    let bytes = 0;
    for (const sessionId of sessions) {
      const id = next++;
      const answer = new Promise((r) => waiting.set(id, r));
      await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) }).catch(() => {});
      const h = await Promise.race([answer, new Promise((r) => setTimeout(() => r(null), 1000))]);
      if (h) bytes += h.usedSize + (h.backingStorageSize ?? 0);
    }
    return bytes;
  };
}

async function sampleMemory(cdp, into, workers) {
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      try {
        const h = await cdp.send('Runtime.getHeapUsage');
        const page = h.usedSize + (h.backingStorageSize ?? 0);
        const inWorkers = await workers();
        into.peak = Math.max(into.peak, page + inWorkers);
        into.peakWorkers = Math.max(into.peakWorkers, inWorkers);
        into.last = page + inWorkers;
      } catch {
        /* page navigating */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    stop = true;
    await loop;
  };
}

// What the page shows (status line, download text, cards) and its last errors: for a visit that timed out.
const pageErrors = new WeakMap();
function watchErrors(page) {
  const errors = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
}

async function pageState(page) {
  const shown = await page
    .evaluate(() => ({
      status: document.getElementById('status')?.textContent.trim(),
      loading: document.getElementById('load-text')?.textContent.trim() || undefined,
      cards: document.getElementById('cards')?.children.length ?? 0,
    }))
    .catch((e) => ({ unreadable: e.message }));
  return JSON.stringify({ ...shown, errors: pageErrors.get(page)?.slice(-5) ?? [] });
}

async function waitFor(page, what, fn, arg = null, timeout = VISIT_TIMEOUT_MS) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (e) {
    throw new Error(`${what}: not within ${timeout / 1000} s (${e.message.split('\n')[0]}); the page showed ${await pageState(page)}`);
  }
}

// A lexical first ranking: wait for the offer of the embedding ranking and take it.
async function takeEmbeddingRanking(page) {
  const deadline = Date.now() + VISIT_TIMEOUT_MS;
  while (!(await page.evaluate(() => window.__bench.embedding !== null))) {
    if (Date.now() > deadline) throw new Error(`embedding ranking: not within ${VISIT_TIMEOUT_MS / 1000} s; the page showed ${await pageState(page)}`);
    const refine = page.locator('#refine');
    if (await refine.isVisible().catch(() => false)) await refine.click().catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function fillAndPress(page) {
  await page.fill('#interests', PROFILE.interests);
  await page.fill('#languages', PROFILE.languages);
  await page.fill('#goals', PROFILE.goals);
  await page.click('#go');
}

// One visit. cold: the learner fills the form and presses the button at once (the baseline app drops a press made
// before it is ready, so there the press is repeated once window.wayfinder exists, as a learner would).
async function visit(page, cdp, url, { cold, baseline, workers }) {
  const mem = { peak: 0, last: 0, peakWorkers: 0 };
  const stopMem = await sampleMemory(cdp, mem, workers);
  if (cold) await page.goto(url, { waitUntil: 'domcontentloaded' });
  else await page.reload({ waitUntil: 'domcontentloaded' });
  if (cold) {
    await fillAndPress(page);
    if (baseline) {
      await waitFor(page, 'recommender ready (window.wayfinder)', () => window.wayfinder);
      await page.click('#go');
    }
  }
  await waitFor(page, 'first 10 cards', () => window.__bench.first !== null);
  const memFirst = mem.peak;
  const memFirstWorkers = mem.peakWorkers;
  await takeEmbeddingRanking(page);
  const loadEnd = await page.evaluate(() => performance.now());
  const b = await page.evaluate(() => window.__bench);
  const loadLongest = Math.max(0, ...b.longTasks.filter((t) => t.start <= loadEnd).map((t) => t.ms));
  // recommend() on the main thread's watch: three more presses with other interests.
  const mark = await page.evaluate(() => performance.now());
  for (const interests of ['web development, games', 'rust, systems programming', 'data science']) {
    const before = await page.evaluate(() => document.querySelector('#cards article')?.dataset.rankingId);
    await page.fill('#interests', interests);
    await page.click('#go');
    await waitFor(page, `ranking for "${interests}"`, (r) => document.querySelector('#cards article')?.dataset.rankingId !== r, before, 120000);
  }
  const tasks = await page.evaluate(() => window.__bench.longTasks);
  // Where the time went: the app's marks (ms from navigation start) and the recommender's own (ms from its start in
  // the worker: coreMs, shardMs, readyMs, vectorsMs; modelMs is the model's download + ONNX Runtime's start-up).
  const phases = await page.evaluate(() => ({ app: window.wayfinderTimings ?? null, recommender: window.wayfinder?.timings ?? null }));
  const recLongest = Math.max(0, ...tasks.filter((t) => t.start >= mark).map((t) => t.ms));
  await stopMem();
  return {
    firstRankingMs: Math.round(b.first),
    embeddingRankingMs: Math.round(b.embedding),
    longestTaskLoadMs: Math.round(loadLongest),
    longestTaskRecommendMs: Math.round(recLongest),
    longTasksDuringLoad: b.longTasks.filter((t) => t.start <= loadEnd).length,
    longTasks: tasks.map((t) => [Math.round(t.start), Math.round(t.ms)]), // [start ms from navigation, duration]
    peakMemoryBytesToFirstRanking: memFirst,
    peakMemoryBytes: mem.peak,
    peakWorkerMemoryBytesToFirstRanking: memFirstWorkers,
    peakWorkerMemoryBytes: mem.peakWorkers,
    phases,
  };
}

async function quiet(page) {
  // Let the service worker install and the background syncs finish before the repeat visit.
  await page.evaluate(() => navigator.serviceWorker?.ready).catch(() => {});
  await page.waitForFunction(async () => {
    const r = await navigator.serviceWorker?.getRegistration();
    return !r || (r.active && !r.installing && !r.waiting);
  }, null, { timeout: 120000, polling: 200 });
  await new Promise((r) => setTimeout(r, 2500)); // the app syncs 2 s after an interaction
}

// The files over 20 KB on the link: [path, asked, first byte, last byte] in ms from the page's request, and bytes.
function linkTimeline(timeline) {
  const t0 = Math.min(...timeline.map((x) => x.asked));
  const ms = (t) => Math.round(t - t0);
  return timeline.filter((x) => x.bytes > 20000).map((x) => [x.path, ms(x.asked), ms(x.first), ms(x.done), x.bytes]);
}

async function scenario(appName, server, link, baseline) {
  const proxy = await startProxy(server.port, { link, stripEncoding: baseline });
  // No request routing (stubExternal off): Playwright's routing turns Chromium's HTTP cache off. The bench never
  // leaves the page.
  const { context, userDataDir } = await launchBrowser({ stubExternal: false });
  try {
    await context.addInitScript(INIT);
    const page = context.pages()[0] ?? (await context.newPage());
    watchErrors(page);
    const cdp = await context.newCDPSession(page);
    const workers = await workerHeaps(cdp);
    const cold = await visit(page, cdp, `${proxy.url}/`, { cold: true, baseline, workers });
    await quiet(page);
    cold.bytes = proxy.counts.total;
    cold.assetBytes = proxy.counts.assets;
    cold.requests = proxy.counts.requests;
    cold.largest = Object.entries(proxy.counts.byPath).sort((a, b) => b[1] - a[1]).slice(0, 6);
    cold.link = linkTimeline(proxy.counts.timeline);
    proxy.reset();
    const repeat = await visit(page, cdp, `${proxy.url}/`, { cold: false, baseline, workers });
    repeat.bytes = proxy.counts.total;
    repeat.assetBytes = proxy.counts.assets;
    repeat.requests = proxy.counts.requests;
    repeat.largest = Object.entries(proxy.counts.byPath).sort((a, b) => b[1] - a[1]).slice(0, 6);
    return { app: appName, link: link.name, cold, repeat };
  } finally {
    await context.close();
    await proxy.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

// The baseline: BASELINE_COMMIT built from its own sources (WASM core, wayfinder-sync, float32 model, catalog, its
// one-file shard, its app staged by its own stage.mjs) by baseline.sh, once: later runs read its stamp. ORT at that
// commit's pinned version; no precompression (the proxy drops Accept-Encoding).
function baselineApp() {
  const script = path.join(ROOT, 'scripts/lib/bench/baseline.sh');
  const stamp = execFileSync('bash', [script, BASELINE_COMMIT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const b = JSON.parse(fs.readFileSync(stamp, 'utf8'));
  return { name: `baseline ${BASELINE_COMMIT}`, web: b.web, ort: b.ort, models: b.models, server: b.server, baseline: true };
}

// The figures of one visit that are medians over the runs; the rest (phases, link timeline, largest files) is the
// run whose embedding ranking time is the median one.
const MEDIAN_FIELDS = ['firstRankingMs', 'embeddingRankingMs', 'longestTaskLoadMs', 'longestTaskRecommendMs', 'peakMemoryBytesToFirstRanking',
  'peakMemoryBytes', 'peakWorkerMemoryBytesToFirstRanking', 'peakWorkerMemoryBytes', 'bytes', 'assetBytes'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function medianVisit(visits) {
  const mid = median(visits.map((v) => v.embeddingRankingMs));
  const out = { ...visits.find((v) => v.embeddingRankingMs === mid), runs: visits.length, samples: {} };
  for (const k of MEDIAN_FIELDS) {
    out.samples[k] = visits.map((v) => v[k]);
    out[k] = median(out.samples[k]);
  }
  return out;
}

async function repeatedScenario(app, server, link) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await scenario(app.name, server, link, app.baseline));
  return { app: app.name, link: link.name, cold: medianVisit(runs.map((r) => r.cold)), repeat: medianVisit(runs.map((r) => r.repeat)) };
}

const results = [];
const apps = [];
if (only !== 'baseline') {
  apps.push({ name: 'this tree', web: path.join(ROOT, 'web/app'), ort: path.join(ROOT, 'web/app/ort'), models: path.join(ROOT, 'models/build'),
    server: findServerBinary(), baseline: false });
}
if (only !== 'new') apps.push(baselineApp());
for (const app of apps) {
  const server = await startServer(app);
  try {
    for (const link of LINKS) {
      process.stderr.write(`first visit: ${app.name}, ${link.name}\n`);
      results.push(await repeatedScenario(app, server, link));
    }
  } finally {
    await server.stop();
  }
}
process.stdout.write(`${JSON.stringify({ baselineCommit: BASELINE_COMMIT, links: LINKS, runs: RUNS, results }, null, 1)}\n`);
