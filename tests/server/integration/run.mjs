// Integration tests of wayfinder-sync: the real binary on 127.0.0.1, Node 20 fetch, raw sockets for paths that
// fetch would normalise, and the sqlite3 CLI (or psql) to compare what was acknowledged with what is stored.
// usage: node run.mjs path/to/wayfinder-sync   (exit code 0 = all passed)
// With WAYFINDER_TEST_POSTGRES=postgresql://… every database is a fresh schema of that PostgreSQL database instead
// of a SQLite file (scripts/test.sh runs the file both ways).
import { testDatabases, testRunner } from '../../support/integration.mjs';
import { startSyncServer } from '../../support/sync-server.mjs';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';

const BIN = path.resolve(process.argv[2] ?? 'build/server-native/server/wayfinder-sync');
// The same server built with the crash-injection hooks (server/CMakeLists.txt); the shipped BIN has none.
const TEST_BIN = path.resolve(process.argv[3] ?? `${BIN}-test`);
const KILL_ROUNDS = Number(process.env.WF_KILL_ROUNDS ?? 10);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-sync-it-'));
const web = path.join(root, 'web'), models = path.join(root, 'models'), ort = path.join(root, 'ort');
for (const d of [web, models, ort]) fs.mkdirSync(d);
fs.writeFileSync(path.join(web, 'index.html'), '<h1>wayfinder</h1>');
fs.writeFileSync(path.join(web, 'app.js'), 'console.log("app")');
fs.writeFileSync(path.join(web, 'app.js.gz'), zlib.gzipSync('console.log("app")'));
fs.writeFileSync(path.join(root, 'secret.txt'), 'TOPSECRET');
fs.writeFileSync(path.join(models, 'catalog.jsonl'), ['a/b', 'c/d', 'owner/repo'].map((id) => JSON.stringify({ id })).join('\n'));
fs.writeFileSync(path.join(models, 'model.onnx'), 'ONNX');
fs.writeFileSync(path.join(ort, 'ort-wasm-simd-threaded.wasm'), 'WASM');
fs.writeFileSync(path.join(ort, 'ort-wasm-simd-threaded.mjs'), 'export {}');


const PG = process.env.WAYFINDER_TEST_POSTGRES || '';
const { test, finish } = testRunner();
// A new empty database: a SQLite file, or a PostgreSQL schema reached through the connection's search_path.
const { newDb, sql, dropAll } = testDatabases({ root, pg: PG, prefix: 'wfit' });
// group_concat (SQLite) / string_agg (PostgreSQL) of `expr`, ordered.
const concatSql = (expr, order) => (PG ? `string_agg(${expr}, ',' ORDER BY ${order})` : `group_concat(${expr})`);

// On SQLite the server makes its credential key beside the database; PostgreSQL needs one given.
const keyArgs = PG ? ['--credential-key-file', path.join(root, 'credential-key')] : [];
const startServer = (db, extra = [], env = {}) =>
  startSyncServer(BIN, ['--db', db, '--web', web, '--models', models, '--ort', ort,
    '--admin-token', 'tok', '--scheduler', 'false', ...keyArgs, ...extra], { env });
// A credential for `clientId` (POST /v1/clients), to put into its batches.
async function credentialFor(base, clientId, headers = {}) {
  const r = await fetch(`${base}/v1/clients`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ clientId }) });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).credential;
}

let seq = 0;
const now = () => new Date().toISOString();
function batch(clientId, batchId, n, { type = 'impression', project = 'a/b' } = {}) {
  const events = [];
  for (let i = 0; i < n; i++) {
    const e = { eventId: `${batchId}-e${i}`, type, projectId: project, rankingId: `r-${batchId}`, position: i % 10,
      arm: 'rl', propensity: 0.1, at: now() };
    if (type === 'rating') e.stars = 4;
    events.push(e);
  }
  return { clientId, batchId, sessionId: 's1', sentAt: now(), events };
}
const post = (base, body, headers = {}) => fetch(`${base}/v1/feedback`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body) });

// A raw HTTP/1.1 request (no URL normalisation); resolves { status, body }.
function raw(port, target, method = 'GET') {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('end', () => resolve({ status: Number(data.slice(9, 12)), body: data }));
    s.on('error', reject);
  });
}

const dbMain = newDb('main');
const main = await startServer(dbMain, ['--client-burst', '20', '--client-rate', '2', '--address-burst', '5000']);
const B = main.base;

await test('--help prints usage and exits 0', () => {
  const r = spawnSync(BIN, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--admin-token/);
  assert.match(r.stdout, /WAYFINDER_PORT/);
  assert.equal(spawnSync(BIN, ['--bogus'], { encoding: 'utf8' }).status, 2);
});

await test('GET /healthz and /metrics', async () => {
  const h = await (await fetch(`${B}/healthz`)).json();
  assert.equal(h.status, 'ok');
  assert.equal(h.knownProjects, 3);
  const m = await fetch(`${B}/metrics`);
  assert.match(m.headers.get('content-type'), /text\/plain; version=0.0.4/);
  assert.match(await m.text(), /wayfinder_events_accepted_total \d+/);
});

await test('POST /v1/feedback stores a batch; a repeated batch id answers the same and changes nothing', async () => {
  const b = batch('c1', 'b1', 3);
  const r1 = await post(B, b);
  assert.equal(r1.status, 200);
  const j1 = await r1.json();
  assert.deepEqual(j1, { accepted: 3, duplicates: 0 });
  const r2 = await post(B, b);
  assert.deepEqual(await r2.json(), j1);
  assert.equal(sql(dbMain, "SELECT count(*) FROM user_interactions WHERE client_id='c1'"), '3');
  // Same event ids in a new batch are dropped.
  const b2 = { ...batch('c1', 'b2', 3), events: [...b.events, ...batch('c1', 'b2', 1).events] };
  assert.deepEqual(await (await post(B, b2)).json(), { accepted: 1, duplicates: 3 });
  assert.equal(sql(dbMain, "SELECT count(*) FROM user_interactions WHERE client_id='c1'"), '4');
});

await test('feedback errors: 400 with field, 415, 422 unknown project / old timestamp, 405, 413', async () => {
  const bad = batch('c2', 'x1', 2, { type: 'rating' });
  bad.events[1].stars = 0;
  let r = await post(B, bad);
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(await r.json()).sort(), ['error', 'field']);
  r = await post(B, { ...batch('c2', 'x2', 1), extra: 1 });
  assert.equal((await r.json()).field, 'extra');
  r = await post(B, '{"clientId":');
  assert.equal(r.status, 400);
  r = await post(B, batch('c2', 'x3', 1, { project: 'nobody/nothing' }));
  assert.equal(r.status, 422);
  assert.equal((await r.json()).field, 'events[0].projectId');
  const old = batch('c2', 'x4', 1);
  old.events[0].at = '2020-01-01T00:00:00Z';
  r = await post(B, old);
  assert.equal(r.status, 422);
  assert.equal((await r.json()).field, 'events[0].at');
  r = await post(B, '{}', { 'content-type': 'multipart/form-data' });
  assert.equal(r.status, 415);
  r = await fetch(`${B}/v1/feedback`);
  assert.equal(r.status, 405);
  r = await post(B, 'x'.repeat(1024 * 1024 + 10));
  assert.equal(r.status, 413);
  assert.ok((await r.json()).error);
  assert.equal(sql(dbMain, "SELECT count(*) FROM user_interactions WHERE client_id='c2'"), '0');
});

await test('rate limit per client: 429 with Retry-After', async () => {
  const statuses = [];
  let retryAfter = null;
  for (let i = 0; i < 30; i++) {
    const r = await post(B, batch('flooder', `f${i}`, 1));
    statuses.push(r.status);
    if (r.status === 429) retryAfter = r.headers.get('retry-after');
    await r.arrayBuffer();
  }
  assert.ok(statuses.includes(429), statuses.join(','));
  assert.ok(Number(retryAfter) >= 1);
});

await test('GET /v1/bandit with ETag and 304; admin merge publishes a new version', async () => {
  const r = await fetch(`${B}/v1/bandit`);
  const etag = r.headers.get('etag');
  const s0 = await r.json();
  assert.ok(etag);
  assert.equal((await fetch(`${B}/v1/bandit`, { headers: { 'if-none-match': etag } })).status, 304);
  const credential = await credentialFor(B, 'c9');
  await post(B, { ...batch('c9', 'm1', 2, { type: 'impression', project: 'c/d' }), credential });
  await post(B, { ...batch('c9', 'm2', 1, { type: 'click', project: 'c/d' }), credential, events: [{ ...batch('c9', 'm2', 1, { type: 'click', project: 'c/d' }).events[0], rankingId: 'r-m1' }] });
  const day = now().slice(0, 10);
  assert.equal((await fetch(`${B}/v1/admin/merge?day=${day}`, { method: 'POST' })).status, 401);
  const m = await fetch(`${B}/v1/admin/merge?day=${day}`, { method: 'POST', headers: { authorization: 'Bearer tok' } });
  assert.equal(m.status, 200);
  const mj = await m.json();
  assert.equal(mj.snapshotVersion, s0.version + 1);
  const r2 = await fetch(`${B}/v1/bandit`, { headers: { 'if-none-match': etag } });
  assert.equal(r2.status, 200);
  const s1 = await r2.json();
  assert.equal(s1.version, s0.version + 1);
  assert.ok(s1.counts['c/d'].alpha > 0);
  assert.equal(typeof s1.halfLifeDays, 'number');
  const again = await (await fetch(`${B}/v1/admin/merge?day=${day}`, { method: 'POST', headers: { authorization: 'Bearer tok' } })).json();
  assert.equal(again.alreadyMerged, true);
});

await test('GET /v1/experiments, admin evaluate and report', async () => {
  const e = await (await fetch(`${B}/v1/experiments`)).json();
  assert.deepEqual(e.experiments[0].arms, ['rl', 'similarity']);
  assert.equal(typeof e.experiments[0].config.epsilon, 'number');
  assert.equal((await fetch(`${B}/v1/admin/evaluate`, { method: 'POST' })).status, 401);
  const ev = await (await fetch(`${B}/v1/admin/evaluate`, { method: 'POST', headers: { authorization: 'Bearer tok' } })).json();
  assert.equal(ev[0].experimentId, 'ranking-rl-vs-similarity');
  assert.equal((await fetch(`${B}/v1/admin/report`)).status, 401);
  const rep = await (await fetch(`${B}/v1/admin/report`, { headers: { authorization: 'Bearer tok' } })).json();
  assert.ok(Array.isArray(rep.merges) && rep.merges.length >= 1);
  assert.ok(Array.isArray(rep.alerts) && Array.isArray(rep.experiments) && Array.isArray(rep.arms));
});

await test('static files: MIME, cache headers, gzip, COOP/COEP, models and ORT', async () => {
  let r = await fetch(`${B}/`);
  assert.equal(await r.text(), '<h1>wayfinder</h1>');
  assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  r = await fetch(`${B}/app.js`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(r.headers.get('content-encoding'), 'gzip');
  assert.equal(await r.text(), 'console.log("app")');  // fetch decodes it
  assert.match(r.headers.get('content-type'), /^text\/javascript/);
  r = await fetch(`${B}/ort/ort-wasm-simd-threaded.wasm`);
  assert.equal(r.headers.get('content-type'), 'application/wasm');
  assert.match(r.headers.get('cache-control'), /immutable/);
  assert.equal((await fetch(`${B}/ort/ort-wasm-simd-threaded.mjs`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  r = await fetch(`${B}/models/model.onnx`);
  assert.equal(await r.text(), 'ONNX');
  const etag = r.headers.get('etag');
  assert.equal((await fetch(`${B}/models/model.onnx`, { headers: { 'if-none-match': etag } })).status, 304);
  r = await fetch(`${B}/models/model.onnx`, { method: 'HEAD' });
  assert.equal(r.headers.get('content-length'), '4');
  assert.equal((await fetch(`${B}/nope.js`)).status, 404);
});

await test('no path traversal (.., encoded, double-encoded, backslash)', async () => {
  for (const t of ['/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/%252e%252e/secret.txt',
    '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/models/../../secret.txt', '/models/%2e%2e/%2e%2e/secret.txt',
    '/ort/..%5c..%5csecret.txt', '/ort/%252e%252e%252fsecret.txt', '/.%2e/secret.txt', '/web/../secret.txt']) {
    const r = await raw(main.port, t);
    assert.ok(r.status === 400 || r.status === 404, `${t} -> ${r.status}`);
    assert.ok(!r.body.includes('TOPSECRET'), t);
  }
});

await test('concurrent clients: 20 clients x 10 batches all stored exactly once', async () => {
  const jobs = [];
  for (let c = 0; c < 20; c++) {
    jobs.push((async () => {
      for (let b = 0; b < 10; b++) {
        const r = await post(B, batch(`cc${c}`, `cc${c}-b${b}`, 10));
        assert.equal(r.status, 200, await r.text());
      }
    })());
  }
  await Promise.all(jobs);
  assert.equal(sql(dbMain, "SELECT count(*) FROM user_interactions WHERE client_id LIKE 'cc%'"), '2000');
});

await test('SIGTERM finishes in-flight requests and exits 0', async () => {
  const db = newDb('term');
  const s = await startServer(db, ['--client-rate', '0', '--address-rate', '0']);
  const acked = [];
  const inflight = [];
  for (let i = 0; i < 40; i++) {
    inflight.push(post(s.base, batch('t', `t${i}`, 50)).then(async (r) => { if (r.status === 200) acked.push(await r.json()); }).catch(() => {}));
  }
  await new Promise((r) => setTimeout(r, 30));
  s.child.kill('SIGTERM');
  await Promise.all(inflight);
  const { code, signal } = await s.exited;
  assert.equal(code, 0, `server ended with code ${code}, signal ${signal}; log tail: ${s.log().slice(-800)}`);
  const stored = Number(sql(db, "SELECT count(*) FROM user_interactions"));
  const ackedEvents = acked.reduce((a, j) => a + j.accepted, 0);
  assert.ok(stored >= ackedEvents, `stored ${stored} < acknowledged ${ackedEvents}`);
  assert.match(s.log(), /"msg":"stopped"/);
});

await test(`kill -9 during load, restart: 0 acknowledged lost, 0 doubled (x${KILL_ROUNDS})`, async () => {
  const db = newDb('kill');
  const ackedBatches = new Map();  // batchId -> events
  const sent = new Map();          // batchId -> batch (everything ever sent)
  let totalAcked = 0;
  for (let round = 0; round < KILL_ROUNDS; round++) {
    const s = await startServer(db, ['--client-rate', '0', '--address-rate', '0']);
    let stop = false;
    const workers = [];
    for (let w = 0; w < 8; w++) {
      workers.push((async () => {
        for (let i = 0; !stop; i++) {
          const id = `k${round}-w${w}-${i}`;
          const b = batch(`kc${w}`, id, 50);
          sent.set(id, b);
          try {
            const r = await post(s.base, b);
            if (r.status === 200) {
              await r.json();
              ackedBatches.set(id, b.events.length);
              totalAcked++;
            }
          } catch { /* connection died with the server */ }
        }
      })());
    }
    await new Promise((r) => setTimeout(r, 150 + 40 * round));
    s.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await s.exited;
  }
  // Restart and compare: every acknowledged batch fully stored; nothing stored twice.
  const rows = sql(db, "SELECT batch_id, count(*) FROM user_interactions GROUP BY batch_id").split('\n').filter(Boolean);
  const stored = new Map(rows.map((l) => { const [b, c] = l.split('|'); return [b, Number(c)]; }));
  let lost = 0;
  for (const [id, n] of ackedBatches) if (stored.get(id) !== n) lost++;
  const doubled = Number(sql(db, "SELECT count(*) - count(DISTINCT client_id || '/' || event_id) FROM user_interactions"));
  // Stored but not acknowledged is fine (the answer was lost with the process); a retry then changes nothing.
  const s = await startServer(db, ['--client-rate', '0', '--address-rate', '0']);
  const before = Number(sql(db, 'SELECT count(*) FROM user_interactions'));
  let replays = 0;
  for (const [id, b] of sent) {
    if (!stored.has(id)) continue;
    const r = await post(s.base, b);
    assert.equal(r.status, 200);
    const j = await r.json();
    if (j.accepted === 0 || ackedBatches.has(id)) replays++;
  }
  const after = Number(sql(db, 'SELECT count(*) FROM user_interactions'));
  s.child.kill('SIGTERM');
  await s.exited;
  console.log(`     rounds=${KILL_ROUNDS} acknowledged batches=${ackedBatches.size} stored rows=${before} lost=${lost} doubled=${doubled} retried=${replays}`);
  assert.ok(ackedBatches.size > 0);
  assert.equal(lost, 0);
  assert.equal(doubled, 0);
  assert.equal(after, before, 'retrying stored batches must change nothing');
});

await test('merge crash leaves the previous snapshot; a rerun merges once', async () => {
  main.child.kill('SIGTERM');
  await main.exited;
  const tomorrowish = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  const v0 = sql(dbMain, 'SELECT max(version) FROM bandit_snapshots');
  const h0 = sql(dbMain, 'SELECT count(*) FROM rl_training_history');
  const params = `SELECT ${concatSql('project_id || alpha || beta', 'project_id')} FROM bandit_parameters`;
  const p0 = sql(dbMain, params);
  const crash = spawnSync(TEST_BIN, ['merge', '--db', dbMain, '--day', tomorrowish], { env: { ...process.env, WAYFINDER_TEST_CRASH_IN_MERGE: '1' }, encoding: 'utf8' });
  assert.notEqual(crash.status, 0);
  // The shipped binary has no crash hook: with the same environment its merge (of a fresh database) commits.
  const shipped = spawnSync(BIN, ['merge', '--db', newDb('nohook'), '--day', tomorrowish], { env: { ...process.env, WAYFINDER_TEST_CRASH_IN_MERGE: '1' }, encoding: 'utf8' });
  assert.equal(shipped.status, 0, `the shipped server must ignore WAYFINDER_TEST_CRASH_IN_MERGE: ${shipped.stderr}`);
  assert.equal(sql(dbMain, 'SELECT max(version) FROM bandit_snapshots'), v0);
  assert.equal(sql(dbMain, 'SELECT count(*) FROM rl_training_history'), h0);
  assert.equal(sql(dbMain, params), p0);
  const ok = spawnSync(BIN, ['merge', '--db', dbMain, '--day', tomorrowish], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).snapshotVersion, Number(v0) + 1);
  const again = spawnSync(BIN, ['merge', '--db', dbMain, '--day', tomorrowish], { encoding: 'utf8' });
  assert.equal(JSON.parse(again.stdout).alreadyMerged, true);
  const rep = spawnSync(BIN, ['report', '--db', dbMain], { encoding: 'utf8' });
  assert.equal(rep.status, 0);
  assert.equal(JSON.parse(rep.stdout).snapshotVersion, Number(v0) + 1);
  const ev = spawnSync(BIN, ['evaluate', '--db', dbMain], { encoding: 'utf8' });
  assert.equal(ev.status, 0);
  assert.ok(Array.isArray(JSON.parse(ev.stdout)));
});

await test('experiment report: OPE estimate of the other arm from synthetic logs of both arms covers the truth', async () => {
  // 20 projects with known click rates; slot 0 only. RL logs: ε = 0.15 uniform over the 20 (its pool) + an exploit
  // distribution, μ = its probability, altPropensity = similarity's (1 for p/0, else 0). Similarity logs: always
  // p/0, μ = 1, altPropensity = RL's probability of p/0. Truth of the similarity arm's CTR = ctr[0].
  const opeModels = path.join(root, 'ope-models');
  fs.mkdirSync(opeModels);
  fs.writeFileSync(path.join(opeModels, 'catalog.jsonl'), Array.from({ length: 20 }, (_, j) => JSON.stringify({ id: `p/${j}` })).join('\n'));
  const ctr = Array.from({ length: 20 }, (_, j) => 0.04 + 0.015 * j);
  const exploit = new Array(20).fill(0);
  Object.assign(exploit, { 0: 0.2, 5: 0.4, 9: 0.25, 12: 0.15 });
  const rl = exploit.map((q) => 0.85 * q + 0.15 / 20);
  const rlTruth = rl.reduce((s, p, j) => s + p * ctr[j], 0), simTruth = ctr[0];
  let state = 12345;  // mulberry32: deterministic synthetic logs
  const rand = () => { state = (state + 0x6d2b79f5) | 0; let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const drawRl = () => { let u = rand(); for (let j = 0; j < 20; j++) { if (u < rl[j]) return j; u -= rl[j]; } return 19; };
  const opeDb = newDb('ope');
  const s = await startServer(opeDb, ['--models', opeModels, '--client-rate', '0', '--address-rate', '0']);
  try {
    const N = 4000;
    let events = [], batchNo = 0, id = 0;
    const flush = async () => {
      if (!events.length) return;
      const r = await post(s.base, { clientId: 'sim', batchId: `ope-${batchNo++}`, sentAt: now(), events });
      assert.equal(r.status, 200, await r.text());
      events = [];
    };
    for (let i = 0; i < N; i++) {
      for (const arm of ['rl', 'similarity']) {
        const j = arm === 'rl' ? drawRl() : 0;
        const base = { projectId: `p/${j}`, rankingId: `r${id}`, position: 0, arm, at: now() };
        events.push({ ...base, eventId: `i${id}`, type: 'impression', propensity: arm === 'rl' ? rl[j] : 1,
          altPropensity: arm === 'rl' ? (j === 0 ? 1 : 0) : rl[0] });
        if (rand() < ctr[j]) events.push({ ...base, eventId: `k${id}`, type: 'click' });
        id++;
        if (events.length >= 900) await flush();
      }
    }
    await flush();
    const bad = await post(s.base, { clientId: 'sim', batchId: 'ope-bad', sentAt: now(), events: [{ eventId: 'bad',
      type: 'impression', projectId: 'p/1', position: 0, arm: 'rl', propensity: 0.5, altPropensity: 1.5, at: now() }] });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).field, 'events[0].altPropensity');
    assert.equal(sql(opeDb, "SELECT count(*) FROM recommendation_results WHERE alt_propensity IS NOT NULL"), String(2 * N));

    const ev = await (await fetch(`${s.base}/v1/admin/evaluate`, { method: 'POST', headers: { authorization: 'Bearer tok' } })).json();
    const rep = await (await fetch(`${s.base}/v1/admin/report`, { headers: { authorization: 'Bearer tok' } })).json();
    const cli = JSON.parse(spawnSync(BIN, ['report', '--db', opeDb], { encoding: 'utf8' }).stdout);
    for (const result of [ev[0], rep.experiments[0], cli.experiments[0]]) {
      const rlArm = result.arms.find((a) => a.arm === 'rl'), simArm = result.arms.find((a) => a.arm === 'similarity');
      const o = rlArm.otherArmOpe;
      assert.equal(o.targetArm, 'similarity');
      assert.equal(o.records, N);
      assert.equal(o.supported, true, JSON.stringify(o));
      for (const k of ['ips', 'snips', 'dr']) {
        assert.ok(o[k].interval[0] <= simTruth && simTruth <= o[k].interval[1], `${k} ${JSON.stringify(o[k])} vs ${simTruth}`);
      }
      assert.ok(o.effectiveSampleSize > 100);
      const u = simArm.otherArmOpe;
      assert.equal(u.targetArm, 'rl');
      assert.equal(u.supported, false);
      assert.match(u.unsupportedReason, /mean weight/);
    }
    const o = ev[0].arms[0].otherArmOpe, u = ev[0].arms[1].otherArmOpe;
    console.log(`     similarity CTR truth ${simTruth.toFixed(4)} (observed ${o.targetObservedCtr.toFixed(4)}); from ${N} RL impressions: ` +
      `IPS ${o.ips.value.toFixed(4)} [${o.ips.interval.map((x) => x.toFixed(4)).join(', ')}], ` +
      `SNIPS ${o.snips.value.toFixed(4)} [${o.snips.interval.map((x) => x.toFixed(4)).join(', ')}], ` +
      `DR ${o.dr.value.toFixed(4)} [${o.dr.interval.map((x) => x.toFixed(4)).join(', ')}], ESS ${o.effectiveSampleSize.toFixed(0)}; ` +
      `RL CTR truth ${rlTruth.toFixed(4)} from similarity logs: IPS ${u.ips.value.toFixed(4)}, unsupported (mean weight ${u.meanWeight.toFixed(3)})`);
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }
});

await test('a connection string is shown with its password masked: failed and successful starts', async () => {
  // Nothing listens on port 1: the start fails, and the fatal error names the database without the password.
  const secret = 'Pa55-not-for-logs';
  const r = spawnSync(BIN, ['--port', '0', '--db', `postgresql://wf:${secret}@127.0.0.1:1/wayfinder`, '--models', models,
    '--scheduler', 'false'], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /"msg":"fatal"/);
  assert.match(r.stderr, /postgresql:\/\/wf:\*\*\*@127\.0\.0\.1:1\/wayfinder/);
  assert.match(r.stderr, /cannot connect to PostgreSQL/);
  assert.ok(!r.stderr.includes(secret), r.stderr);
  if (!PG) return;
  const url = new URL(PG);
  assert.ok(url.password, 'WAYFINDER_TEST_POSTGRES carries a password (the check needs one)');
  const s = await startServer(newDb('mask'));
  try {
    await post(s.base, batch('mask', 'mask1', 2));
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    const health = await (await fetch(`${s.base}/healthz`)).text();
    for (const text of [s.log(), metrics, health]) assert.ok(!text.includes(url.password), 'password leaked');
    assert.match(s.log(), /"db":"postgres(ql)?:\/\/[^"]*\*\*\*/);
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }
});

await test('client credentials: issued per prefix with a limit, renewed, checked on feedback; refused tags keep the events', async () => {
  const db = newDb('cred');
  // 127.0.0.1 is the trusted proxy: X-Forwarded-For presents the client addresses.
  const s = await startServer(db, ['--clients-per-prefix', '3', '--trusted-proxies', '127.0.0.1', '--client-rate', '0',
    '--address-rate', '0']);
  const from = (address) => ({ 'x-forwarded-for': address });
  try {
    const cred = [];
    for (let i = 0; i < 3; i++) cred.push(await credentialFor(s.base, `learner${i}`, from(`198.51.100.${i + 1}`)));
    let r = await fetch(`${s.base}/v1/clients`, { method: 'POST', headers: from('198.51.100.200'), body: '' });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) > 86000, r.headers.get('retry-after'));
    assert.match((await r.json()).error, /limit/);
    await credentialFor(s.base, 'elsewhere', from('192.0.2.7'));
    // Renewal with the current credential (header form) is not a new client: no limit.
    r = await fetch(`${s.base}/v1/clients`, { method: 'POST', headers: { ...from('198.51.100.9'), authorization: `Wayfinder ${cred[0]}` },
      body: JSON.stringify({ clientId: 'learner0' }) });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).clientId, 'learner0');
    assert.equal((await post(s.base, { ...batch('learner0', 'ok1', 2), credential: cred[0] })).status, 200);
    assert.equal((await post(s.base, batch('nobody', 'none1', 2))).status, 200, 'untagged: stored, answered 200');
    for (const [credential, says] of [[cred[1], /does not belong/], [cred[0].slice(0, 25), /malformed.*truncated/],
      ['wf1.1000.' + 'A'.repeat(43), /does not belong/]]) {
      r = await post(s.base, { ...batch('learner0', `bad-${says.source.length}-${credential.length}`, 3), credential });
      const j = await r.json();
      assert.equal(r.status, 401, JSON.stringify(j));
      assert.equal(j.field, 'credential');
      assert.match(j.error, says);
      assert.equal(j.stored, true);
      assert.equal(j.accepted, 3);
    }
    assert.equal(sql(db, 'SELECT count(*) FROM user_interactions'), '13', 'every event of every batch is stored');
    assert.equal(sql(db, 'SELECT count(*) FROM user_interactions WHERE credentialed = 1'), '2');
    assert.equal(sql(db, "SELECT count(*) FROM user_interactions WHERE prefix_hash LIKE '198.%' OR prefix_hash IS NULL"), '0');
    const m = await (await fetch(`${s.base}/metrics`)).text();
    assert.match(m, /wayfinder_credentials_issued_total 4/);
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }
});

// The attack of issue 15: one machine, 2,000 batches, each from a new client id, each a full 5-star episode
// (impression, click, bookmark, rating, 300 s dwell) on one project. Before credentials it left α = 2000.
function attackBatch(clientId, batchId, project = 'owner/repo') {
  const at = now();
  const base = { projectId: project, rankingId: `r-${batchId}`, arm: 'rl', at };
  const events = [
    { ...base, eventId: `${batchId}-i`, type: 'impression', position: 0, propensity: 0.5 },
    { ...base, eventId: `${batchId}-c`, type: 'click' },
    { ...base, eventId: `${batchId}-b`, type: 'bookmark' },
    { ...base, eventId: `${batchId}-r`, type: 'rating', stars: 5 },
    { ...base, eventId: `${batchId}-d`, type: 'dwell', seconds: 300 },
  ];
  return { clientId, batchId, sessionId: 's', sentAt: at, events };
}
// Posts `bodies` with `workers` in parallel; returns the statuses.
async function postAll(base, bodies, headersOf = () => ({}), workers = 8) {
  const statuses = [];
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < bodies.length) {
      const i = next++;
      statuses[i] = (await post(base, bodies[i], headersOf(i))).status;
    }
  }));
  return statuses;
}

await test('the flood: 2,000 fake clients from one address move a project by at most the per-prefix cap', async () => {
  const db = newDb('flood');
  const CAP = 3;
  const s = await startServer(db, ['--prefix-daily-cap', String(CAP), '--clients-per-prefix', '5', '--trusted-proxies',
    '127.0.0.1', '--client-rate', '0', '--address-rate', '0']);
  const from = (address) => ({ 'x-forwarded-for': address });
  try {
    // 1. New client ids, each asking for a credential: 5 get one, the rest 429 and post untagged.
    const tagged = [];
    const bodies = [];
    for (let i = 0; i < 2000; i++) {
      const id = `fake-${i}`;
      const r = await fetch(`${s.base}/v1/clients`, { method: 'POST', headers: from('203.0.113.10'), body: JSON.stringify({ clientId: id }) });
      const credential = r.status === 200 ? (await r.json()).credential : undefined;
      if (credential) tagged.push({ id, credential });
      bodies.push({ ...attackBatch(id, `flood-${i}`), ...(credential ? { credential } : {}) });
    }
    assert.equal(tagged.length, 5, 'the issuance limit');
    let statuses = await postAll(s.base, bodies, () => from('203.0.113.10'));
    assert.equal(statuses.filter((x) => x === 200).length, 2000);
    // 2. Rotating the valid tags over new ids: every one is "not this client's" (401), stored, uncounted.
    statuses = await postAll(s.base, Array.from({ length: 500 }, (_, i) =>
      ({ ...attackBatch(`rot-${i}`, `rot-${i}`), credential: tagged[i % 5].credential })), () => from('203.0.113.10'));
    assert.equal(statuses.filter((x) => x === 401).length, 500);
    // 3. Replaying the valid tags from another network (here about another project, c/d): counted under THAT
    // network's cap, not the issuing one's.
    statuses = await postAll(s.base, tagged.map((t, i) => ({ ...attackBatch(t.id, `replay-${i}`, 'c/d'), credential: t.credential })),
      () => from('198.51.100.20'));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    assert.equal(sql(db, 'SELECT count(*) FROM user_interactions'), String((2000 + 500 + 5) * 5), 'nothing is lost');
    const m = await (await fetch(`${s.base}/v1/admin/merge?day=${now().slice(0, 10)}`, { method: 'POST', headers: { authorization: 'Bearer tok' } })).json();
    const counts = (await (await fetch(`${s.base}/v1/bandit`)).json()).counts;
    const alpha = counts['owner/repo']?.alpha ?? 0, replayAlpha = counts['c/d']?.alpha ?? 0;
    const sums = sql(db, "SELECT project_id || ':' || prefix_hash || ':' || CAST(alpha AS TEXT) FROM merge_prefix_days ORDER BY project_id")
      .split('\n').map((l) => l.split(':'));
    console.log(`     flood: ${m.episodes} counted episodes of 2,505 batches; alpha of the target ${alpha}, of the replayed ` +
      `project ${replayAlpha} (per-prefix cap ${CAP}); sums before the cap ${sums.map((x) => `${x[0]} ${x[2]}`).join(', ')}`);
    assert.ok(alpha > 0 && alpha <= CAP + 1e-9, `alpha ${alpha}`);
    assert.ok(replayAlpha > 0 && replayAlpha <= CAP + 1e-9, `replayed alpha ${replayAlpha}`);
    assert.equal(sums.length, 2);
    assert.equal(Number(sums[0][2]), 5, 'c/d: the 5 replayed credentials, before the cap');
    assert.equal(Number(sums[1][2]), 5, 'owner/repo: the 5 credentialed of 2,000 fake ids, before the cap');
    assert.notEqual(sums[0][1], sums[1][1], 'the replay is counted under the replaying network');
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }
});

try { main.child.kill('SIGKILL'); } catch {}
dropAll();
fs.rmSync(root, { recursive: true, force: true });
finish();
