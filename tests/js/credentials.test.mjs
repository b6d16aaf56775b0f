// The package's client credential against the REAL wayfinder-sync on loopback: asked for on the first sync, stored
// with the identity, reused by the next session, renewed at half life, sent with every batch; a batch whose
// credential the server refuses is kept by the server (not lost, not resent forever).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSyncServer, stopSyncServers } from '../support/sync-server.mjs';
import { loadIdentity } from '../../web/src/identity.js';
import { MemoryStorage } from '../../web/src/storage.js';
import { SyncClient, uuid } from '../../web/src/sync.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.WAYFINDER_SYNC ?? path.join(ROOT, 'build/native/server/wayfinder-sync');
let server;
let db;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-cred-js-'));
const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
const metric = async (name) => Number((await (await fetch(`${server.base}/metrics`)).text()).match(new RegExp(`^${name} (\\d+)`, 'm'))?.[1] ?? 0);
const ev = () => ({ eventId: uuid(), type: 'click', projectId: 'owner/repo', rankingId: 'r1', at: new Date().toISOString() });
const fast = { maxAttempts: 2, baseMs: 5, capMs: 20 };

before(async () => {
  fs.mkdirSync(path.join(dir, 'models'));
  fs.writeFileSync(path.join(dir, 'models', 'catalog.jsonl'), JSON.stringify({ id: 'owner/repo' }) + '\n');
  db = path.join(dir, 'w.sqlite');
  server = await startSyncServer(BIN, ['--db', db, '--models', path.join(dir, 'models'), '--scheduler', 'false']);
});
after(async () => {
  await stopSyncServers([server]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the first sync asks for a credential, stores it with the identity and sends it; the next session reuses it', async () => {
  const storage = new MemoryStorage();
  const identity = await loadIdentity(storage);
  const c1 = await new SyncClient({ server: server.base, storage, identity, retry: fast }).load();
  await c1.enqueue([ev(), ev()]);
  assert.equal((await c1.flush()).accepted, 2);
  const stored = (await storage.get('identity')).credential;
  assert.match(stored.value, /^wf1\.\d+\.[A-Za-z0-9_-]{43}$/);
  assert.ok(Date.parse(stored.expires) > Date.now() + 29 * 86400e3);
  assert.equal(sql(`SELECT count(*) FROM user_interactions WHERE client_id = '${identity.clientId}' AND credentialed = 1`), '2');
  const issued = await metric('wayfinder_credentials_issued_total');

  const again = await loadIdentity(storage); // a new session of the same learner
  assert.equal(again.clientId, identity.clientId);
  assert.deepEqual(again.credential, stored);
  const c2 = await new SyncClient({ server: server.base, storage, identity: again, retry: fast }).load();
  await c2.enqueue([ev()]);
  assert.equal((await c2.flush()).accepted, 1);
  assert.equal(await metric('wayfinder_credentials_issued_total'), issued, 'reused, not asked for again');
  assert.equal(sql(`SELECT count(*) FROM user_interactions WHERE client_id = '${identity.clientId}' AND credentialed = 1`), '3');
});

test('past half its life the credential is renewed for the same client id before the batch is sent', async () => {
  const storage = new MemoryStorage();
  const identity = await loadIdentity(storage);
  await new SyncClient({ server: server.base, storage, identity, retry: fast }).ensureCredential();
  const first = (await storage.get('identity')).credential;
  const later = () => Date.now() + 16 * 86400e3; // 16 of 30 days on
  const renewedBefore = await metric('wayfinder_credentials_renewed_total');
  const c = await new SyncClient({ server: server.base, storage, identity, retry: fast, now: later }).load();
  await c.enqueue([ev()]);
  assert.equal((await c.flush()).accepted, 1);
  const second = (await storage.get('identity')).credential;
  assert.equal(await metric('wayfinder_credentials_renewed_total'), renewedBefore + 1);
  assert.notEqual(second.renewAfter, first.renewAfter);
  assert.ok(second.renewAfter > later());
  assert.equal(sql(`SELECT credentialed FROM user_interactions WHERE client_id = '${identity.clientId}'`), '1');
});

test('a refused credential: the server keeps the batch (401, stored), the client does not resend it and drops the bad tag', async () => {
  const storage = new MemoryStorage();
  const identity = await loadIdentity(storage);
  const c = await new SyncClient({ server: server.base, storage, identity, retry: fast }).load();
  await c.ensureCredential();
  identity.credential.value = identity.credential.value.slice(0, 30); // damaged in storage
  await c.enqueue([ev(), ev(), ev()]);
  const r = await c.flush();
  assert.equal(r.accepted, 3);
  assert.equal(r.remaining, 0);
  assert.deepEqual((await storage.get('rejected')) ?? [], []);
  assert.equal(sql(`SELECT count(*) FROM user_interactions WHERE client_id = '${identity.clientId}' AND credentialed = 0`), '3');
  await c.ensureCredential(); // renewal with the damaged tag is refused too: the client forgets it, durably
  assert.equal(identity.credential, undefined);
  assert.equal((await storage.get('identity')).credential, undefined);
});

test('no server credential (an older server answers 404): batches go untagged and are delivered', async () => {
  const storage = new MemoryStorage();
  const identity = await loadIdentity(storage);
  const fetch404 = (url, init) => (String(url).endsWith('/v1/clients') ? Promise.resolve(new Response('{}', { status: 404 })) : fetch(url, init));
  const c = await new SyncClient({ server: server.base, storage, identity, retry: fast, fetch: fetch404 }).load();
  await c.enqueue([ev()]);
  assert.equal((await c.flush()).accepted, 1);
  assert.equal((await storage.get('identity'))?.credential, undefined);
  assert.equal(sql(`SELECT credentialed FROM user_interactions WHERE client_id = '${identity.clientId}'`), '0');
});
