// Delivery of feedback to the sync server and the pull of community counts. Invariant: an event leaves the
// outbox only inside a batch that is stored (pending) first, and a pending batch is resent with the SAME batchId
// and event ids until the server acknowledges it, so retries are never counted twice.
export const MAX_EVENTS_PER_BATCH = 500; // the server accepts up to 1000
export const BEACON_LIMIT_BYTES = 64 * 1024;

export function uuid() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Full-jitter exponential backoff: a uniform wait in [0, min(cap, base·2^attempt)].
export function backoffDelay(attempt, { baseMs = 250, capMs = 30000, random = Math.random } = {}) {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class SyncClient {
  constructor({ server, storage, identity, fetch: fetchImpl, retry = {}, onChange, now = Date.now }) {
    this.server = server ? server.replace(/\/$/, '') : null;
    this.storage = storage;
    this.identity = identity; // {clientId, sessionId, credential?: {value, expires, renewAfter}}
    this.now = now;
    this.credentialRetryAt = 0;
    this.fetch = fetchImpl ?? globalThis.fetch?.bind(globalThis);
    this.retry = { maxAttempts: 6, baseMs: 250, capMs: 30000, ...retry };
    this.onChange = onChange ?? (() => {});
    this.running = null;
    this.outbox = [];
    this.pending = [];
  }

  // Loads the outbox and pending batches into memory (so page-hide can beacon synchronously).
  async load() {
    this.outbox = (await this.storage.get('outbox')) ?? [];
    this.pending = (await this.storage.get('pending')) ?? [];
    return this;
  }

  // Appends wire events to the outbox (durably) before anything else happens to them.
  // `also`: other state written in the same storage transaction (the caller's counters stay consistent with the
  // outbox even when the page is closed between two writes).
  async enqueue(events, also = {}) {
    this.outbox.push(...events);
    await this.storage.setMany({ ...also, outbox: this.outbox });
  }

  counts() {
    return {
      outbox: this.outbox.length,
      pendingBatches: this.pending.length,
      pendingEvents: this.pending.reduce((n, b) => n + b.events.length, 0),
    };
  }

  // Moves the whole outbox into new pending batches (memory at once, storage in one write).
  sealSync() {
    if (this.outbox.length === 0) return null;
    for (let i = 0; i < this.outbox.length; i += MAX_EVENTS_PER_BATCH) {
      this.pending.push({ batchId: uuid(), events: this.outbox.slice(i, i + MAX_EVENTS_PER_BATCH), attempts: 0 });
    }
    this.outbox = [];
    return this.storage.setMany({ outbox: [], pending: this.pending });
  }
  async seal() {
    await this.sealSync();
    return this.pending;
  }

  body(batch) {
    const credential = this.usableCredential();
    return JSON.stringify({
      clientId: this.identity.clientId,
      batchId: batch.batchId,
      sessionId: this.identity.sessionId,
      ...(credential ? { credential } : {}),
      sentAt: new Date().toISOString(),
      events: batch.events,
    });
  }

  // The stored credential while it has not expired (an expired one would only earn a 401), else null.
  usableCredential() {
    const c = this.identity.credential;
    return c && Date.parse(c.expires) > this.now() ? c.value : null;
  }

  // Asks the server for this client id's credential on the first sync, and renews it once half its life has
  // passed (POST /v1/clients with the current one; docs/SERVER.md, "Client credentials"). Stored with the
  // identity. A refusal (429 issuance limit, 409 id taken, an older server's 404) or no network leaves the client
  // as it was: its batches go untagged (stored, not counted) and it asks again later.
  async ensureCredential() {
    const c = this.identity.credential;
    const now = this.now();
    if (!this.server || (c && now < c.renewAfter) || now < this.credentialRetryAt) return;
    let res;
    try {
      res = await this.fetch(`${this.server}/v1/clients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: this.identity.clientId, ...(c ? { credential: c.value } : {}) }),
      });
    } catch {
      return;
    }
    if (!res.ok) {
      const ra = Number(res.headers.get('retry-after'));
      this.credentialRetryAt = now + (Number.isFinite(ra) && ra > 0 ? ra * 1000 : 60_000);
      if (res.status === 401) {
        this.identity.credential = undefined; // not ours (the server's key changed): forget it
        await this.storage.set('identity', this.identity);
      }
      return;
    }
    const got = await res.json();
    const expires = Date.parse(got.expires);
    this.identity.credential = { value: got.credential, expires: got.expires, renewAfter: now + (expires - now) / 2 };
    await this.storage.set('identity', this.identity);
  }

  // One POST; resolves {ok, status, retryAfterMs, body}. Network failures are {ok:false, status:0}.
  async post(batch) {
    try {
      const res = await this.fetch(`${this.server}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: this.body(batch),
        keepalive: true,
      });
      let body = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      const ra = Number(res.headers.get('retry-after'));
      return { ok: res.ok, status: res.status, retryAfterMs: Number.isFinite(ra) && ra > 0 ? ra * 1000 : 0, body };
    } catch (e) {
      return { ok: false, status: 0, retryAfterMs: 0, body: null, error: e };
    }
  }

  // Flushes every pending batch (after sealing the outbox). Retries each with backoff up to maxAttempts within
  // this call; whatever is still unacknowledged stays pending for the next call. Concurrent calls share one run.
  flush() {
    if (!this.server) return Promise.resolve({ accepted: 0, duplicates: 0, remaining: 0, offline: true });
    if (!this.running) {
      this.running = this.flushOnce().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  async flushOnce() {
    await this.seal();
    await this.ensureCredential();
    let accepted = 0;
    let duplicates = 0;
    let lastError = null;
    for (const batch of [...this.pending]) {
      let done = false;
      for (let attempt = 0; attempt < this.retry.maxAttempts && !done; attempt++) {
        const r = await this.post(batch);
        batch.attempts += 1;
        if (r.ok || (r.status === 401 && r.body?.stored)) {
          // 401 + stored: the server kept the batch (uncounted) but refused its credential; renew before the next.
          if (!r.ok) this.identity.credential = { ...this.identity.credential, renewAfter: 0 };
          accepted += r.body?.accepted ?? 0;
          duplicates += r.body?.duplicates ?? 0;
          done = true;
        } else if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
          // The server refused the batch whole (malformed, unknown project…): resending can't help. Keep it
          // for inspection, and don't block the rest.
          const rejected = (await this.storage.get('rejected')) ?? [];
          rejected.push({ batch, status: r.status, error: r.body });
          await this.storage.set('rejected', rejected.slice(-50));
          done = true;
          lastError = new Error(`batch ${batch.batchId} rejected: ${r.status} ${JSON.stringify(r.body)}`);
        } else {
          lastError = r.error ?? new Error(`POST /v1/feedback: ${r.status}`);
          if (attempt + 1 < this.retry.maxAttempts) {
            await sleep(Math.max(r.retryAfterMs, backoffDelay(attempt, this.retry)));
          }
        }
      }
      if (done) this.pending = this.pending.filter((b) => b.batchId !== batch.batchId);
      await this.storage.set('pending', this.pending);
      if (!done) break; // keep order: later batches wait for this one
    }
    const remaining = this.pending.reduce((n, b) => n + b.events.length, 0) + this.outbox.length;
    this.onChange();
    return { accepted, duplicates, remaining, error: remaining ? lastError : null };
  }

  // Page hide: hand every pending batch to sendBeacon (or fetch keepalive) within 64 KiB per request. The
  // batches stay pending; the next flush resends them with the same ids and the server reports duplicates.
  beacon() {
    let sent = 0;
    for (const { url, body, count } of this.beaconRequests()) {
      let ok = false;
      if (typeof navigator !== 'undefined' && navigator.sendBeacon) {
        ok = navigator.sendBeacon(url, new Blob([body], { type: 'application/json' }));
      }
      if (!ok) {
        this.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, keepalive: true }).catch(() => {});
      }
      sent += count;
    }
    return sent;
  }

  // What beacon() sends, without sending it: the outbox is sealed first (so every batch id always names the same
  // events), then every pending batch in parts of at most 64 KiB → [{url, body, count}]. The page sends these
  // itself when the recommender runs in a worker (web/src/bridge.js).
  beaconRequests() {
    if (!this.server) return [];
    this.sealSync()?.catch(() => {});
    const url = `${this.server}/v1/feedback`;
    const out = [];
    for (const batch of this.pending) {
      for (const part of splitToFit(batch, (b) => this.body(b))) out.push({ url, body: this.body(part), count: part.events.length });
    }
    return out;
  }

  // GET /v1/bandit with If-None-Match. Returns {changed, snapshot}.
  // The credential that authorises acting for this client (POST /v1/forget): asked for first when the client holds
  // none yet or it is due for renewal; null when the server gave none (the forget is then refused, naming why).
  async credentialForForget() {
    this.credentialRetryAt = 0;
    await this.ensureCredential();
    return this.usableCredential();
  }

  async pullCommunity() {
    if (!this.server) return { changed: false, snapshot: (await this.storage.get('community'))?.snapshot ?? null };
    const cached = await this.storage.get('community');
    const headers = {};
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    let res;
    try {
      res = await this.fetch(`${this.server}/v1/bandit`, { headers, cache: 'no-store' });
    } catch (e) {
      return { changed: false, snapshot: cached?.snapshot ?? null, error: e };
    }
    if (res.status === 304) return { changed: false, snapshot: cached?.snapshot ?? null };
    if (!res.ok) return { changed: false, snapshot: cached?.snapshot ?? null, error: new Error(`GET /v1/bandit: ${res.status}`) };
    const snapshot = await res.json();
    await this.storage.set('community', { etag: res.headers.get('etag'), snapshot });
    return { changed: true, snapshot };
  }

  async pullExperiments() {
    const cached = await this.storage.get('experiments');
    if (!this.server) return cached?.list ?? [];
    try {
      const res = await this.fetch(`${this.server}/v1/experiments`, { cache: 'no-store' });
      if (!res.ok) return cached?.list ?? [];
      const body = await res.json();
      const list = Array.isArray(body) ? body : (body.experiments ?? []);
      await this.storage.set('experiments', { list, fetchedAt: new Date().toISOString() });
      return list;
    } catch {
      return cached?.list ?? [];
    }
  }
}

// Splits a batch into parts whose JSON body fits the beacon limit (same events, fresh batch ids per part
// would break idempotency, so parts keep the batch id suffixed deterministically by part number).
export function splitToFit(batch, bodyOf, limit = BEACON_LIMIT_BYTES) {
  const size = (b) => new TextEncoder().encode(bodyOf(b)).length;
  if (size(batch) <= limit) return [batch];
  const parts = [];
  let current = [];
  for (const ev of batch.events) {
    const trial = { batchId: `${batch.batchId}.${parts.length}`, events: [...current, ev] };
    if (current.length > 0 && size(trial) > limit) {
      parts.push({ batchId: `${batch.batchId}.${parts.length}`, events: current });
      current = [ev];
    } else {
      current.push(ev);
    }
  }
  if (current.length) parts.push({ batchId: `${batch.batchId}.${parts.length}`, events: current });
  return parts;
}
