// A small stand-in for wayfinder-sync in unit tests: POST /v1/feedback with batch and event dedup, GET /v1/bandit
// with ETag/304, GET /v1/experiments; scripted failures (status codes or dropped connections) before success.
import http from 'node:http';

export async function startFakeSyncServer({ failures = [], snapshot, experiments = [] } = {}) {
  const state = {
    batches: new Map(), // batchId -> answer
    events: new Map(), // eventId -> event
    posts: 0,
    banditGets: 0,
    notModified: 0,
    failures: [...failures],
    snapshot: snapshot ?? { version: 1, createdAt: '2026-11-28T00:00:00Z', halfLifeDays: 14, counts: {} },
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status, obj, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(obj === undefined ? '' : JSON.stringify(obj));
      };
      if (req.method === 'POST' && req.url === '/v1/feedback') {
        state.posts++;
        const f = state.failures.shift();
        if (f === 'drop') return req.socket.destroy();
        if (f === 'ack-lost') {
          // Stores the batch, then the answer is lost: the client must retry and see duplicates.
          handleBatch(JSON.parse(body));
          return req.socket.destroy();
        }
        if (typeof f === 'number') return send(f, { error: 'scripted failure' }, f === 429 ? { 'retry-after': '0' } : {});
        let batch;
        try {
          batch = JSON.parse(body);
        } catch {
          return send(400, { error: 'malformed JSON', field: '' });
        }
        return send(200, handleBatch(batch));
      }
      if (req.method === 'GET' && req.url === '/v1/bandit') {
        state.banditGets++;
        const etag = `"v${state.snapshot.version}"`;
        if (req.headers['if-none-match'] === etag) {
          state.notModified++;
          res.writeHead(304, { etag });
          return res.end();
        }
        return send(200, state.snapshot, { etag });
      }
      if (req.method === 'GET' && req.url === '/v1/experiments') return send(200, { experiments });
      send(404, { error: 'not found' });
    });
  });
  function handleBatch(batch) {
    if (state.batches.has(batch.batchId)) return state.batches.get(batch.batchId);
    let accepted = 0;
    let duplicates = 0;
    for (const e of batch.events) {
      if (state.events.has(e.eventId)) duplicates++;
      else {
        state.events.set(e.eventId, e);
        accepted++;
      }
    }
    const answer = { accepted, duplicates };
    state.batches.set(batch.batchId, answer);
    return answer;
  }
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, state, close: () => new Promise((r) => server.close(r)) };
}
