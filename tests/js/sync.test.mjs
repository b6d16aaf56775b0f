// Outbox delivery: retries with backoff until acknowledged, never double-counted; ETag pull; beacon splitting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from '../../web/src/storage.js';
import { SyncClient, backoffDelay, splitToFit, uuid } from '../../web/src/sync.js';
import { startFakeSyncServer } from './fake-sync-server.mjs';

const ev = (i) => ({ eventId: uuid(), type: 'click', projectId: `owner/repo${i}`, at: new Date().toISOString() });
const fast = { maxAttempts: 6, baseMs: 5, capMs: 20 };

test('backoff delay is full jitter under an exponential ceiling', () => {
  assert.equal(backoffDelay(0, { random: () => 0.999, baseMs: 100 }), 99);
  assert.equal(backoffDelay(3, { random: () => 0.5, baseMs: 100 }), 400);
  assert.equal(backoffDelay(20, { random: () => 0.999, baseMs: 100, capMs: 1000 }), 999);
  assert.equal(backoffDelay(5, { random: () => 0 }), 0);
});

test('a batch is retried through 503, 429 and dropped connections until acknowledged, each event stored once', async () => {
  const srv = await startFakeSyncServer({ failures: [503, 'drop', 429, 500] });
  const storage = new MemoryStorage();
  const c = await new SyncClient({ server: srv.url, storage, identity: { clientId: 'c1', sessionId: 's1' }, retry: fast }).load();
  const events = [ev(1), ev(2), ev(3)];
  await c.enqueue(events);
  const r = await c.flush();
  assert.equal(r.accepted, 3);
  assert.equal(r.remaining, 0);
  assert.equal(srv.state.posts, 5);
  assert.equal(srv.state.events.size, 3);
  assert.equal(srv.state.batches.size, 1);
  assert.deepEqual((await storage.get('pending')) ?? [], []);
  await srv.close();
});

test('a lost acknowledgement is resent with the same batch id and counted as a duplicate, not twice', async () => {
  const srv = await startFakeSyncServer({ failures: ['ack-lost'] });
  const storage = new MemoryStorage();
  const c = await new SyncClient({ server: srv.url, storage, identity: { clientId: 'c1', sessionId: 's1' }, retry: fast }).load();
  await c.enqueue([ev(1), ev(2)]);
  const r = await c.flush();
  assert.equal(srv.state.events.size, 2);
  assert.equal(srv.state.batches.size, 1, 'the retry reused the batch id');
  assert.equal(r.remaining, 0);
  await srv.close();
});

test('unsent batches survive a restart (new client on the same storage) and are delivered once', async () => {
  const srv = await startFakeSyncServer({ failures: [503, 503, 503] });
  const storage = new MemoryStorage();
  const c1 = await new SyncClient({ server: srv.url, storage, identity: { clientId: 'c1', sessionId: 's1' }, retry: { ...fast, maxAttempts: 2 } }).load();
  await c1.enqueue([ev(1), ev(2)]);
  const r1 = await c1.flush();
  assert.equal(r1.remaining, 2);
  assert.equal(srv.state.events.size, 0);
  const batchId = (await storage.get('pending'))[0].batchId;
  const c2 = await new SyncClient({ server: srv.url, storage, identity: { clientId: 'c1', sessionId: 's2' }, retry: fast }).load();
  await c2.enqueue([ev(3)]);
  const r2 = await c2.flush();
  assert.equal(r2.remaining, 0);
  assert.equal(srv.state.events.size, 3);
  assert.ok(srv.state.batches.has(batchId), 'the first batch kept its id across the restart');
  await srv.close();
});

test('a batch the server refuses with 400 is set aside and does not block later batches', async () => {
  const srv = await startFakeSyncServer({ failures: [422] });
  const storage = new MemoryStorage();
  const c = await new SyncClient({ server: srv.url, storage, identity: { clientId: 'c1', sessionId: 's1' }, retry: fast }).load();
  await c.enqueue([ev(1)]);
  await c.flush();
  await c.enqueue([ev(2)]);
  const r = await c.flush();
  assert.equal(r.remaining, 0);
  assert.equal((await storage.get('rejected')).length, 1);
  assert.equal(srv.state.events.size, 1);
  await srv.close();
});

test('community counts are pulled with If-None-Match and a 304 keeps the cached snapshot', async () => {
  const snapshot = { version: 7, createdAt: 'x', halfLifeDays: 14, counts: { 'a/b': { alpha: 2, beta: 1, impressions: 3 } } };
  const srv = await startFakeSyncServer({ snapshot });
  const storage = new MemoryStorage();
  const c = await new SyncClient({ server: srv.url, storage, identity: { clientId: 'c1', sessionId: 's1' } }).load();
  const first = await c.pullCommunity();
  assert.equal(first.changed, true);
  const second = await c.pullCommunity();
  assert.equal(second.changed, false);
  assert.equal(second.snapshot.version, 7);
  assert.equal(srv.state.notModified, 1);
  await srv.close();
});

test('beacon parts stay under 64 KiB and carry the original event ids', () => {
  const events = Array.from({ length: 600 }, (_, i) => ({ ...ev(i), rankingId: 'r'.repeat(100) }));
  const batch = { batchId: 'b', events };
  const body = (b) => JSON.stringify({ clientId: 'c', batchId: b.batchId, sessionId: 's', sentAt: 'x', events: b.events });
  const parts = splitToFit(batch, body);
  assert.ok(parts.length > 1);
  for (const p of parts) assert.ok(new TextEncoder().encode(body(p)).length <= 64 * 1024);
  assert.deepEqual(parts.flatMap((p) => p.events.map((e) => e.eventId)), events.map((e) => e.eventId));
});
