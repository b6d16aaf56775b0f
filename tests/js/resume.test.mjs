// A download cut off midway goes on from where it stopped (web/src/assets.js, resumer): the real wayfinder-sync
// serves a precompressed file behind the byte-counting proxy of the browser tests, which cuts responses off halfway;
// the package's loadBytes (Node's fetch) asks for the rest with a Range request and gets the file's own bytes.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import { loadBytes, resumeTiming } from '../../web/src/assets.js';
import { findServerBinary } from '../browser/harness.mjs';
import { startProxy } from '../browser/proxy.mjs';
import { startSyncServer, stopSyncServers } from '../support/sync-server.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-resume-'));
// About 420 KB of fixed, compressible text, with its gzip and brotli siblings (the server sends one of those).
const words = Array.from({ length: 60000 }, (_, i) => `w${crypto.createHash('md5').update(`${i % 977}`).digest('hex').slice(0, 5)}`);
const FILE = Buffer.from(words.join(' '));
let server, proxy;

before(async () => {
  fs.mkdirSync(path.join(dir, 'models'));
  fs.mkdirSync(path.join(dir, 'web'));
  fs.writeFileSync(path.join(dir, 'web', 'index.html'), '<p>x</p>');
  fs.writeFileSync(path.join(dir, 'models', 'catalog.jsonl'), '{"id":"octo/demo"}\n'); // the server needs a catalog
  fs.writeFileSync(path.join(dir, 'models', 'blob.bin'), FILE);
  fs.writeFileSync(path.join(dir, 'models', 'blob.bin.br'), zlib.brotliCompressSync(FILE));
  fs.writeFileSync(path.join(dir, 'models', 'blob.bin.gz'), zlib.gzipSync(FILE));
  server = await startSyncServer(findServerBinary(), ['--host', '127.0.0.1', '--db', path.join(dir, 'db.sqlite'), '--web', path.join(dir, 'web'),
    '--models', path.join(dir, 'models'), '--scheduler', 'false']);
  proxy = await startProxy(server.port);
  resumeTiming.firstPauseMs = 20;
  resumeTiming.maxPauseMs = 100;
});
after(async () => {
  await proxy?.close();
  if (server) await stopSyncServers([server]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const URL_PATH = '/models/blob.bin';

test('a download cut off halfway asks for the rest from the bytes it has, and the bytes are the file', async () => {
  proxy.reset();
  const reconnect = proxy.cut(/^\/models\/blob\.bin$/, 0.5);
  const seen = [];
  const bytes = await loadBytes(`${proxy.url}${URL_PATH}`, {
    onProgress: (p) => {
      seen.push(p);
      if (p.interrupted) reconnect(); // the link is whole again for the next try
    },
  });
  assert.ok(Buffer.from(bytes).equals(FILE), 'the resumed bytes are the file');
  const interrupted = seen.filter((p) => p.interrupted);
  assert.equal(interrupted.length, 1, 'one interruption reported');
  assert.ok(interrupted[0].retryInMs > 0 && interrupted[0].loaded > 0, JSON.stringify(interrupted[0]));
  assert.deepEqual(proxy.counts.ranges, [{ path: URL_PATH, range: `bytes=${interrupted[0].loaded}-` }], 'one range request, from the bytes in');
  assert.equal(proxy.counts.requestsByPath[URL_PATH], 2);
  // Half the compressed stream (Node's fetch accepts gzip or brotli), then only the bytes not yet in, as the file's
  // own (plus two responses' headers); starting over would have sent the whole file again.
  const coded = Math.max(...['br', 'gz'].map((e) => fs.statSync(path.join(dir, 'models', `blob.bin.${e}`)).size));
  assert.ok(coded < FILE.length / 2);
  const bound = coded / 2 + (FILE.length - interrupted[0].loaded) + 2048;
  assert.ok(proxy.counts.byPath[URL_PATH] <= bound, `${proxy.counts.byPath[URL_PATH]} bytes on the wire, at most ${bound}`);
  assert.equal(seen.at(-1).done, true);
  assert.equal(seen.at(-1).loaded, FILE.length);
});

test('a link that keeps dropping gets a few tries, each from further on, then the error names the download', async () => {
  proxy.reset();
  const reconnect = proxy.cut(/^\/models\/blob\.bin$/, 0.5);
  try {
    await assert.rejects(loadBytes(`${proxy.url}${URL_PATH}`), (e) => /downloading .*\/models\/blob\.bin failed/.test(e.message));
  } finally {
    reconnect();
  }
  const starts = proxy.counts.ranges.map((r) => Number(/^bytes=(\d+)-$/.exec(r.range)[1]));
  assert.equal(starts.length, 6, `six tries after the first request: ${starts}`);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] > starts[i - 1], `each from further on: ${starts}`);
});

test('a server that ignores ranges sends the whole file again, and the bytes are still the file', async () => {
  let requests = 0;
  const plain = http.createServer((req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': FILE.length });
    if (requests === 1) {
      res.write(FILE.subarray(0, FILE.length / 2));
      setTimeout(() => res.destroy(), 20); // the connection drops mid-body
    } else res.end(FILE);
  });
  await new Promise((r) => plain.listen(0, '127.0.0.1', r));
  try {
    const bytes = await loadBytes(`http://127.0.0.1:${plain.address().port}/blob.bin`);
    assert.ok(Buffer.from(bytes).equals(FILE));
    assert.equal(requests, 2);
  } finally {
    await new Promise((r) => plain.close(r));
  }
});

test('a server that answers the range with an error is tried again, then the error names it', async () => {
  const plain = http.createServer((req, res) => {
    if (req.headers.range) return res.writeHead(503).end();
    res.writeHead(200, { 'content-length': FILE.length });
    res.write(FILE.subarray(0, 1000));
    setTimeout(() => res.destroy(), 20);
  });
  await new Promise((r) => plain.listen(0, '127.0.0.1', r));
  try {
    await assert.rejects(loadBytes(`http://127.0.0.1:${plain.address().port}/blob.bin`), /HTTP 503 to a request for the rest from byte 1000/);
  } finally {
    plain.closeAllConnections?.();
    await new Promise((r) => plain.close(r));
  }
});
