// A reverse proxy in front of wayfinder-sync that counts every byte it sends back (page, worker and service-worker
// fetches alike), optionally throttles all of them on one shared link (bandwidth + round-trip time), and lets a
// test hold a response until released or cut one off halfway. Used by tests/browser/firstvisit.e2e.test.mjs and
// scripts/lib/bench/firstvisit.mjs.
import http from 'node:http';

const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

// link: {mbit, rttMs} or null (no throttling). stripEncoding: drop Accept-Encoding (a server without
// precompression, for the benchmark's baseline).
export function startProxy(upstreamPort, { link = null, stripEncoding = false } = {}) {
  const bytesPerMs = link ? (link.mbit * 1e6) / 8 / 1000 : Infinity;
  const counts = { total: 0, assets: 0, api: 0, requests: 0, byPath: {}, requestsByPath: {}, ranges: [], timeline: [] };
  const holds = []; // {re, promise}
  const cuts = []; // {re, fraction, once}: matching responses are cut off after this share of their body
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  const count = (p, n) => {
    counts.total += n;
    counts[p.startsWith('/v1/') ? 'api' : 'assets'] += n;
    counts.byPath[p] = (counts.byPath[p] ?? 0) + n;
  };
  // The shared link: every response's body waits in `active`, and a pump sends what the elapsed time allows
  // (bandwidth × time since its last turn, shared round-robin in 16 KB slices). Pacing by elapsed time keeps the
  // link at its rate whatever the timers' lateness (pacing each chunk with its own sleep lost that lateness on
  // every chunk: about 1.7-2.0 instead of 2.5 MB/s at 20 Mbit/s). An idle link saves no credit.
  const active = []; // {res, body, at, limit, p, done}
  let pumping = false;
  function sendSlice(s, n) {
    const part = s.body.subarray(s.at, s.at + n);
    if (!s.res.destroyed) s.res.write(part);
    count(s.p, part.length);
    s.at += n;
  }
  function sendBudget(budget) {
    while (budget >= 1 && active.length) {
      for (const s of [...active]) {
        const n = Math.min(16384, s.limit - s.at, Math.floor(budget));
        if (n > 0) sendSlice(s, n);
        budget -= n;
        if (s.at >= s.limit || s.res.destroyed) active.splice(active.indexOf(s), 1), s.done();
        if (budget < 1) break;
      }
    }
  }
  async function pump() {
    if (pumping) return;
    pumping = true;
    let last = performance.now();
    while (active.length) {
      await sleep(2);
      const now = performance.now();
      sendBudget((now - last) * bytesPerMs);
      last = now;
    }
    pumping = false;
  }
  function transmit(res, body, limit, p) {
    if (!link) {
      for (let at = 0; at < limit && !res.destroyed; at += 16384) sendSlice({ res, body, at, p }, Math.min(16384, limit - at));
      return Promise.resolve();
    }
    return new Promise((done) => {
      active.push({ res, body, at: 0, limit, p, done });
      pump();
    });
  }
  async function relay(req, res, ur, p, asked) {
    if (link) await sleep(link.rttMs / 2);
    const chunks = [];
    for await (const c of ur) chunks.push(c);
    const body = Buffer.concat(chunks);
    const cut = cuts.find((c) => c.re.test(p));
    if (cut?.once) cuts.splice(cuts.indexOf(cut), 1);
    const limit = cut ? Math.floor(body.length * cut.fraction) : body.length;
    count(p, Object.entries(ur.headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 17));
    res.writeHead(ur.statusCode, ur.headers);
    const first = performance.now();
    await transmit(res, body, limit, p);
    // When each response was asked for, began and ended on the link (ms, this process's clock): where the link idled.
    counts.timeline.push({ path: p, asked, first, done: performance.now(), bytes: limit });
    if (limit < body.length) {
      // The connection drops mid-body, once what was sent has left (else the client may not even see the headers).
      await new Promise((r) => (res.destroyed ? r() : res.write(Buffer.alloc(0), () => setTimeout(r, 20))));
      res.destroy();
    }
    else res.end();
  }
  const server = http.createServer(async (req, res) => {
    const asked = performance.now();
    const p = req.url.split('?')[0];
    counts.requests++;
    counts.requestsByPath[p] = (counts.requestsByPath[p] ?? 0) + 1;
    if (req.headers.range) counts.ranges.push({ path: p, range: req.headers.range }); // a download resumed midway
    const headers = { ...req.headers };
    if (stripEncoding) delete headers['accept-encoding'];
    for (const h of holds.filter((x) => x.re.test(p))) await h.promise;
    if (link) await sleep(link.rttMs / 2);
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers, agent }, (ur) =>
      relay(req, res, ur, p, asked).catch(() => res.destroy()),
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        counts,
        reset() {
          Object.assign(counts, { total: 0, assets: 0, api: 0, requests: 0, byPath: {}, requestsByPath: {}, ranges: [], timeline: [] });
        },
        // Holds every response whose path matches `re` until the returned function is called.
        hold(re) {
          let release;
          const h = { re, promise: new Promise((r) => (release = r)) };
          holds.push(h);
          return () => {
            holds.splice(holds.indexOf(h), 1);
            release();
          };
        },
        // Cuts every response whose path matches `re` after `fraction` of its body, until the returned function
        // is called (a connection that keeps dropping).
        cut(re, fraction = 0.5) {
          const c = { re, fraction, once: false };
          cuts.push(c);
          return () => cuts.includes(c) && cuts.splice(cuts.indexOf(c), 1);
        },
        close: () => new Promise((r) => (server.closeAllConnections?.(), server.close(r))),
      }),
    ),
  );
}
