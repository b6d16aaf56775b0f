// Local state: schema-versioned JSON file (atomic rewrite) and memory storage.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FileStorage, MemoryStorage, SCHEMA_VERSION } from '../../web/src/storage.js';

test('file storage persists values across reopen with the schema version recorded', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-store-'));
  const file = path.join(dir, 'state.json');
  const s = await FileStorage.open(file);
  await s.setMany({ local: { counts: { 'a/b': { alpha: 1, beta: 0 } } }, outbox: [{ eventId: 'e1' }] });
  await s.close();
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(doc.schemaVersion, SCHEMA_VERSION);
  const s2 = await FileStorage.open(file);
  assert.deepEqual(await s2.get('local'), { counts: { 'a/b': { alpha: 1, beta: 0 } } });
  assert.deepEqual(await s2.get('outbox'), [{ eventId: 'e1' }]);
  assert.equal(fs.readdirSync(dir).length, 1, 'no temporary file left behind');
});

test('a state file from a newer schema or without a version is refused with a message', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-store-'));
  const file = path.join(dir, 'state.json');
  fs.writeFileSync(file, JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1, data: {} }));
  await assert.rejects(FileStorage.open(file), /newer than this package/);
  fs.writeFileSync(file, JSON.stringify({ data: {} }));
  await assert.rejects(FileStorage.open(file), /missing schemaVersion/);
  fs.writeFileSync(file, '{not json');
  await assert.rejects(FileStorage.open(file), /not JSON/);
});

test('memory storage returns copies, so callers cannot mutate stored state by accident', async () => {
  const s = new MemoryStorage();
  const v = { a: [1] };
  await s.set('k', v);
  v.a.push(2);
  const got = await s.get('k');
  got.a.push(3);
  assert.deepEqual(await s.get('k'), { a: [1] });
});
