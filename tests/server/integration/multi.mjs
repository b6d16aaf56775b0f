// Many wayfinder-sync processes on one PostgreSQL database (WAYFINDER_TEST_POSTGRES, set by scripts/test.sh inside a
// throwaway pg_virtualenv cluster): duplicate batches across servers, kill -9 of one server under load, a database
// restart under load, a merge started on two servers at once and one killed mid-merge. Each load test prints
// acknowledged / stored / lost / doubled.
// usage: WAYFINDER_TEST_POSTGRES=postgresql://… node multi.mjs path/to/wayfinder-sync   (exit code 0 = all passed)
import { testDatabases, testRunner } from '../../support/integration.mjs';
import { startSyncServer, stopSyncServers } from '../../support/sync-server.mjs';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const BIN = path.resolve(process.argv[2] ?? 'build/native/server/wayfinder-sync');
// The same server built with the crash-injection hooks (server/CMakeLists.txt), for the merge killed mid-way.
const TEST_BIN = path.resolve(process.argv[3] ?? `${BIN}-test`);
const PG = process.env.WAYFINDER_TEST_POSTGRES;
if (!PG) {
  console.error('multi.mjs needs WAYFINDER_TEST_POSTGRES=postgresql://… (scripts/test.sh provides a throwaway cluster)');
  process.exit(1);
}
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-multi-'));
const models = path.join(root, 'models');
fs.mkdirSync(models);
fs.writeFileSync(path.join(models, 'catalog.jsonl'), ['a/b', 'c/d', 'owner/repo'].map((id) => JSON.stringify({ id })).join('\n'));
const pgEnv = { ...process.env, PGOPTIONS: '-c client_min_messages=warning' };
const { test, finish } = testRunner();
const { newDb, sql, dropAll } = testDatabases({ root, pg: PG, prefix: 'wfmulti', env: pgEnv });



const startServer = (db, extra = [], env = {}) =>
  startSyncServer(BIN, ['--db', db, '--models', models, '--admin-token', 'tok', '--scheduler', 'false',
    '--credential-key-file', path.join(root, 'credential-key'), '--client-rate', '0', '--address-rate', '0', ...extra], { env });
const stop = stopSyncServers;

const now = () => new Date().toISOString();
function batch(clientId, batchId, n, { type = 'impression', project = 'a/b', ranking } = {}) {
  const events = [];
  for (let i = 0; i < n; i++) {
    events.push({ eventId: `${batchId}-e${i}`, type, projectId: project, rankingId: ranking ?? `r-${batchId}`,
      position: i % 10, arm: 'rl', propensity: 0.1, at: now() });
  }
  return { clientId, batchId, sessionId: 's1', sentAt: now(), events };
}
const post = (base, body) => fetch(`${base}/v1/feedback`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const admin = (base, p, method = 'POST') => fetch(`${base}${p}`, { method, headers: { authorization: 'Bearer tok' } });
const tick = () => new Promise((r) => setImmediate(r));
async function waitFor(what, cond, ms = 30000) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Acknowledged batches vs what the database holds: lost = acknowledged but not fully stored; doubled = rows beyond
// one per (client, event id) — and every stored batch's row count must equal its event count.
function audit(db, acked) {
  const rows = sql(db, 'SELECT batch_id, count(*) FROM user_interactions GROUP BY batch_id').split('\n').filter(Boolean);
  const stored = new Map(rows.map((l) => { const [b, c] = l.split('|'); return [b, Number(c)]; }));
  let lost = 0;
  for (const [id, n] of acked) if (stored.get(id) !== n) lost++;
  const doubled = Number(sql(db, "SELECT count(*) - count(DISTINCT client_id || '/' || event_id) FROM user_interactions"));
  const storedEvents = Number(sql(db, 'SELECT count(*) FROM user_interactions'));
  const ackedEvents = [...acked.values()].reduce((a, n) => a + n, 0);
  return { ackedBatches: acked.size, ackedEvents, storedEvents, lost, doubled };
}

// Restarts the test cluster with pg_ctl on its data directory (the postmaster's own command line in
// postmaster.opts gives the binaries; pg_ctlcluster is avoided: every pg_virtualenv cluster on a shared machine is
// named 15/regress, and they share one external pid file). pg_ctl refuses root: as root it runs as postgres.
function restartPostgres() {
  const dataDir = sql(PG, 'SHOW data_directory');
  const opts = fs.readFileSync(path.join(dataDir, 'postmaster.opts'), 'utf8');
  const pgCtl = path.join(path.dirname(opts.trim().split(/\s+/)[0].replace(/^"|"$/g, '')), 'pg_ctl');
  // -l: the new postmaster writes there, not into our pipes (spawnSync would wait for it to exit).
  const log = path.join(os.tmpdir(), `wf-multi-postgres-${process.pid}.log`);
  fs.writeFileSync(log, '');
  fs.chmodSync(log, 0o666);
  const args = [pgCtl, '-D', dataDir, '-l', log, 'restart', '-m', 'fast', '-w', '-t', '60'];
  const r = process.getuid() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', timeout: 120000 })
    : spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout: 120000 });
  return { ...r, log };
}

// A client that keeps resending one batch until some server acknowledges it (a load balancer's retry: on a
// refused connection or a 503 it moves to the next server). Resolves with the number of 503s it saw.
async function sendUntilAcked(servers, b, start, stats) {
  for (let attempt = 0; ; attempt++) {
    const s = servers[(start + attempt) % servers.length];
    if (s.dead) continue;
    try {
      const r = await post(s.base, b);
      const body = await r.text();
      if (r.status === 200) return JSON.parse(body);
      if (r.status === 503) {
        stats.unavailable++;
        assert.match(body, /could not store the batch/);
        assert.equal(r.headers.get('retry-after'), '1');
      } else {
        throw new Error(`unexpected ${r.status}: ${body}`);
      }
    } catch (e) {
      if (e.code === 'ERR_ASSERTION' || /unexpected/.test(e.message)) throw e;
      stats.refused++;
    }
    await new Promise((r) => setTimeout(r, Math.min(200, 10 * attempt)));  // client back-off, not a test wait
  }
}

await test('the same batch sent to three servers at the same moment is stored once; every answer is the same', async () => {
  const db = newDb('dup');
  const servers = [await startServer(db), await startServer(db), await startServer(db)];
  try {
    let replays = 0;
    for (let i = 0; i < 40; i++) {
      const b = batch(`dup${i % 4}`, `dup-${i}`, 20);
      const answers = await Promise.all(servers.map(async (s) => {
        const r = await post(s.base, b);
        assert.equal(r.status, 200);
        if (r.headers.get('idempotent-replay')) replays++;
        return r.json();
      }));
      for (const a of answers) assert.deepEqual(a, { accepted: 20, duplicates: 0 });
    }
    const a = audit(db, new Map(Array.from({ length: 40 }, (_, i) => [`dup-${i}`, 20])));
    console.log(`     40 batches x 3 servers: stored ${a.storedEvents} of ${a.ackedEvents} events, lost=${a.lost} doubled=${a.doubled}, replayed answers=${replays}`);
    assert.equal(a.storedEvents, 800);
    assert.equal(a.lost, 0);
    assert.equal(a.doubled, 0);
    assert.equal(replays, 80);
    assert.equal(sql(db, 'SELECT count(*) FROM feedback_batches'), '40');
  } finally {
    await stop(servers);
  }
});

await test('kill -9 of one of three servers under load: 0 acknowledged lost, 0 doubled', async () => {
  const db = newDb('kill');
  const servers = [await startServer(db), await startServer(db), await startServer(db)];
  const acked = new Map();
  const stats = { unavailable: 0, refused: 0 };
  let stop_ = false, sentBatches = 0;
  const workers = Array.from({ length: 9 }, (_, w) => (async () => {
    for (let i = 0; !stop_; i++) {
      const b = batch(`kw${w}`, `kill-w${w}-${i}`, 50);
      sentBatches++;
      const j = await sendUntilAcked(servers, b, w, stats);
      acked.set(b.batchId, b.events.length);
      assert.equal(j.accepted + j.duplicates, 50);
      await tick();
    }
  })());
  await waitFor('load on every server', async () => acked.size >= 150);
  servers[1].dead = true;
  servers[1].child.kill('SIGKILL');
  await servers[1].exited;
  const at = acked.size;
  await waitFor('load after the kill', async () => acked.size >= at + 150);
  stop_ = true;
  await Promise.all(workers);
  await stop([servers[0], servers[2]]);
  const a = audit(db, acked);
  console.log(`     acknowledged batches=${a.ackedBatches} events=${a.ackedEvents} stored=${a.storedEvents} lost=${a.lost} doubled=${a.doubled} (refused connections retried elsewhere: ${stats.refused})`);
  assert.equal(a.lost, 0);
  assert.equal(a.doubled, 0);
  assert.equal(a.storedEvents, a.ackedEvents, 'every batch was retried until acknowledged, so stored = acknowledged');
});

await test('PostgreSQL restart under load: clear 503s meanwhile, clients retry, nothing lost or doubled', async () => {
  const db = newDb('restart');
  const servers = [await startServer(db), await startServer(db)];
  const acked = new Map();
  const stats = { unavailable: 0, refused: 0 };
  let stop_ = false;
  const workers = Array.from({ length: 6 }, (_, w) => (async () => {
    for (let i = 0; !stop_; i++) {
      const b = batch(`rw${w}`, `restart-w${w}-${i}`, 50);
      await sendUntilAcked(servers, b, w, stats);
      acked.set(b.batchId, b.events.length);
      await tick();
    }
  })());
  await waitFor('load before the restart', async () => acked.size >= 100);
  const r = restartPostgres();
  assert.equal(r.status, 0, `pg_ctl restart: ${r.stdout} ${r.stderr}`);
  console.log(`     PostgreSQL restarted (its log now: ${r.log})`);
  const at = acked.size;
  await waitFor('load after the restart', async () => acked.size >= at + 100, 60000);
  stop_ = true;
  await Promise.all(workers);
  const health = await (await fetch(`${servers[0].base}/healthz`)).json();
  await stop(servers);
  const a = audit(db, acked);
  console.log(`     acknowledged batches=${a.ackedBatches} events=${a.ackedEvents} stored=${a.storedEvents} lost=${a.lost} doubled=${a.doubled}; 503 answers during the restart=${stats.unavailable}`);
  assert.equal(health.status, 'ok');
  assert.ok(stats.unavailable > 0, 'the restart was seen as 503s');
  assert.equal(a.lost, 0);
  assert.equal(a.doubled, 0);
  assert.equal(a.storedEvents, a.ackedEvents);
});

await test('a merge started on two servers at once runs once; every server then serves the new snapshot', async () => {
  const db = newDb('merge');
  const servers = [await startServer(db), await startServer(db), await startServer(db)];
  try {
    for (let c = 0; c < 5; c++) {
      await post(servers[c % 3].base, batch(`m${c}`, `mi${c}`, 4, { project: 'c/d' }));
      await post(servers[(c + 1) % 3].base, batch(`m${c}`, `mc${c}`, 1, { type: 'click', project: 'c/d', ranking: `r-mi${c}` }));
    }
    const before = await (await fetch(`${servers[2].base}/v1/bandit`)).json();
    const day = now().slice(0, 10);
    const [a, b] = await Promise.all([servers[0], servers[1]].map(async (s) => (await admin(s.base, `/v1/admin/merge?day=${day}`)).json()));
    console.log(`     server A: alreadyMerged=${a.alreadyMerged} v${a.snapshotVersion}; server B: alreadyMerged=${b.alreadyMerged} v${b.snapshotVersion}`);
    assert.deepEqual([a.alreadyMerged, b.alreadyMerged].sort(), [false, true]);
    assert.equal(a.snapshotVersion, b.snapshotVersion);
    assert.equal(a.snapshotVersion, before.version + 1);
    assert.equal(sql(db, `SELECT count(*) FROM rl_training_history WHERE day = '${day}'`), '1');
    assert.equal(sql(db, 'SELECT count(*) FROM bandit_snapshots'), String(before.version + 1));
    for (const s of servers) {
      await waitFor('the new snapshot on every server', async () => {
        const r = await fetch(`${s.base}/v1/bandit`);
        const j = await r.json();
        return j.version === a.snapshotVersion && r.headers.get('etag') === `"bandit-v${a.snapshotVersion}"`;
      });
    }
  } finally {
    await stop(servers);
  }
});

await test('a merge killed mid-way leaves nothing applied; the waiting server takes the job over', async () => {
  const db = newDb('takeover');
  const s = await startServer(db);
  try {
    for (let c = 0; c < 3; c++) await post(s.base, batch(`t${c}`, `ti${c}`, 3, { project: 'a/b' }));
    const day = now().slice(0, 10);
    // An operator's merge that dies (abort) inside its transaction, after every write and before COMMIT, while
    // holding the cluster-wide merge lock; it pauses there until released so the server's merge queues behind it.
    const crashing = spawn(TEST_BIN, ['merge', '--db', db, '--day', day], {
      env: { ...process.env, WAYFINDER_TEST_CRASH_IN_MERGE: '1', WAYFINDER_TEST_MERGE_HOLD_FILE: path.join(root, 'hold') },
      stdio: 'ignore' });
    fs.writeFileSync(path.join(root, 'hold'), '');
    const crashed = new Promise((resolve) => crashing.on('exit', (code, signal) => resolve({ code, signal })));
    await waitFor('the crashing merge holding the lock', async () =>
      Number(sql(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")) > 0);
    const pending = admin(s.base, `/v1/admin/merge?day=${day}`).then((r) => r.json());
    await waitFor('the server waiting for the lock', async () =>
      Number(sql(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) > 0);
    assert.equal(sql(db, 'SELECT count(*) FROM rl_training_history'), '0');
    fs.rmSync(path.join(root, 'hold'));
    const { signal } = await crashed;
    assert.equal(signal, 'SIGABRT');
    const r = await pending;
    assert.equal(r.alreadyMerged, false);
    assert.equal(r.snapshotVersion, 1);
    assert.equal(sql(db, `SELECT count(*) FROM rl_training_history WHERE day = '${day}'`), '1');
    assert.equal(sql(db, 'SELECT count(*) FROM bandit_snapshots'), '1');
    console.log(`     crashed merge: signal ${signal}, nothing applied; the server's merge then ran once (episodes=${r.episodes})`);
  } finally {
    await stop([s]);
  }
});

dropAll();
fs.rmSync(root, { recursive: true, force: true });
fs.rmSync(path.join(os.tmpdir(), `wf-multi-postgres-${process.pid}.log`), { force: true });
finish();
