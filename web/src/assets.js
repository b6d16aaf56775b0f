// Fetching the large immutable assets (model, vocab, shard, manifest): from a URL through the Cache API when
// the page has one (so a repeat or offline visit reads them locally), or from disk under Node.
export const ASSET_CACHE = 'wayfinder-assets-v1';

const isNode = typeof process === 'object' && !!process.versions?.node && typeof window === 'undefined';

function isHttp(u) {
  return /^https?:\/\//i.test(String(u));
}

async function readLocal(u) {
  const fs = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const p = String(u).startsWith('file:') ? fileURLToPath(u) : String(u);
  const buf = await fs.readFile(p);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

// Reads a response body, reporting progress as ({loaded, total, cached}) after every chunk. `total` is the
// uncompressed size from the manifest / model-info when known (a precompressed response's Content-Length counts
// the encoded bytes, the stream yields decoded ones), else the Content-Length of an unencoded response.
// `resume(loaded, error)`: when the body breaks off, a response carrying the rest (see resumer); without it, or
// when it gives up, the body's error is thrown.
async function readBody(res, { onProgress, total, cached = false, resume } = {}) {
  if (!res.body?.getReader) return readAtOnce(res, { onProgress, total, cached });
  const length = res.headers.get('content-encoding') ? null : Number(res.headers.get('content-length')) || null;
  const expected = total ?? length;
  const got = { chunks: [], loaded: 0 };
  for (let body = res; ; ) {
    try {
      await drain(body.body.getReader(), got, () => onProgress?.({ loaded: got.loaded, total: expected, cached }));
      break;
    } catch (e) {
      if (!resume) throw e;
      body = await resume(got.loaded, e);
      if (body.status !== 206) Object.assign(got, { chunks: [], loaded: 0 }); // the whole file again
    }
  }
  const bytes = new Uint8Array(got.loaded);
  let at = 0;
  for (const c of got.chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  onProgress?.({ loaded: got.loaded, total: expected ?? got.loaded, cached, done: true });
  return bytes;
}

// The whole body in one read, and one progress report: a copy in the Cache API is read this way (chunk by chunk it
// cost a progress message to the page per 64 KB, about 150 for a repeat visit's shard).
async function readAtOnce(res, { onProgress, total, cached }) {
  const bytes = new Uint8Array(await res.arrayBuffer());
  onProgress?.({ loaded: bytes.length, total: total ?? bytes.length, cached, done: true });
  return bytes;
}

async function drain(reader, got, progress) {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    got.chunks.push(value);
    got.loaded += value.length;
    progress();
  }
}

// How a download cut off midway goes on (a lost connection, a server restart): once the network is back (the
// `online` event, or at once where the browser still thinks it is online) and after a pause (1, 2, 4 … 30 s), the
// rest is asked for with a Range request from the bytes already in. The server answers a range from the file
// itself, uncompressed (a precompressed stream cannot be entered midway; docs/SERVER.md, "Static files"); an
// answer that is not the asked-for range (206 from exactly `loaded`, no content coding) but is a whole 200 starts
// the file over. Time spent offline does not count; after RESUME_TRIES failed tries while online, the first error
// is thrown. onProgress hears {interrupted: reason, retryInMs} meanwhile.
const RESUME_TRIES = 6;
export const resumeTiming = { firstPauseMs: 1000, maxPauseMs: 30000 }; // tests shorten the pauses

function resumer(key, fetchImpl, { onProgress, total }) {
  let tries = 0;
  return async function resume(loaded, error) {
    for (;;) {
      if (tries >= RESUME_TRIES) throw error;
      const pause = Math.min(resumeTiming.maxPauseMs, resumeTiming.firstPauseMs * 2 ** tries++);
      onProgress?.({ loaded, total: total ?? null, cached: false, interrupted: error.message, retryInMs: pause });
      await backOnline(pause);
      const res = await fetchImpl(key, { headers: { range: `bytes=${loaded}-` } }).catch((e) => ((error = e), null));
      if (res?.status === 206 && !res.headers.get('content-encoding') && rangeStart(res) === loaded) return res;
      if (res?.status === 200) return res;
      if (res) error = new Error(`HTTP ${res.status} to a request for the rest from byte ${loaded}`);
    }
  };
}

const rangeStart = (res) => Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] ?? NaN);

// Resolves after `ms`, but first waits for the `online` event while the browser says it is offline.
async function backOnline(ms) {
  const scope = globalThis;
  if (scope.navigator?.onLine === false && scope.addEventListener) {
    await new Promise((r) => scope.addEventListener('online', r, { once: true }));
  }
  await new Promise((r) => setTimeout(r, ms));
}

// The asset cache's keys as this visit began, and what it stored since: a file known to be missing is fetched
// without asking the cache first. (A cache.match waits behind every cache.put in flight, so on a first visit each
// download would otherwise start only once the previous one's bytes were written to disk.)
let keysAtStart = null;
const storedThisVisit = new Set();
async function mayHave(cache, key) {
  if (storedThisVisit.has(key)) return true;
  keysAtStart ??= cache.keys().then((reqs) => new Set(reqs.map((r) => r.url))).catch(() => null);
  const keys = await keysAtStart;
  return !keys || keys.has(key);
}

// Returns the bytes of `url`. `revalidate`: ask the network first (small, changing files such as the
// manifest) and fall back to the cache offline; otherwise cache first (immutable, content-named files).
// `reload`: bypass every cache (HTTP and service worker) and replace the cached copy.
// `onProgress({loaded, total, cached, done})` and `total` (expected uncompressed bytes): see readBody.
export async function loadBytes(url, { fetch: fetchImpl = globalThis.fetch, revalidate = false, reload = false, useCache = true, onProgress, total, storeInBackground = false } = {}) {
  if (!isHttp(url) && isNode) return readLocal(url);
  const cache = useCache && typeof caches !== 'undefined' ? await caches.open(ASSET_CACHE).catch(() => null) : null;
  const key = String(url);
  if (cache && !revalidate && !reload && (await mayHave(cache, key))) {
    const hit = await cache.match(key);
    if (hit) return readAtOnce(hit, { onProgress, total, cached: true });
  }
  onProgress?.({ loaded: 0, total: total ?? null, cached: false }); // the bar shows the size before the bytes
  let res;
  try {
    res = await fetchImpl(key, reload ? { cache: 'reload' } : revalidate ? { cache: 'no-cache' } : {});
  } catch (e) {
    const hit = cache && (await cache.match(key));
    if (hit) return new Uint8Array(await hit.arrayBuffer());
    throw new Error(`fetching ${key} failed (${e.message}) and it is not cached`);
  }
  if (!res.ok) {
    const hit = cache && (await cache.match(key));
    if (hit) return new Uint8Array(await hit.arrayBuffer());
    throw new Error(`fetching ${key}: HTTP ${res.status}`);
  }
  // Read once, then store what was read: a body cut off by a lost connection throws here and is never cached.
  const resume = resumer(key, fetchImpl, { onProgress, total });
  const bytes = await readBody(res, { onProgress, total, resume }).catch((e) => {
    throw new Error(`downloading ${key} failed (${e.message})`);
  });
  // storeInBackground: the caller (the model's start-up, the vectors' attach) need not wait for the disk write; a
  // visit that ends before it completes only downloads the file again next time. Otherwise the write is awaited, so
  // that it does not compete with the storage reads that follow (the shard's opening, the learner's saved state).
  if (cache) {
    const headers = { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream' };
    storedThisVisit.add(key);
    const put = cache.put(key, new Response(bytes, { headers })).catch((e) => console.warn(`cache.put ${key}: ${e.message}`));
    if (!storeInBackground) await put;
  }
  return bytes;
}

// True when `url` is in the asset cache (a repeat visit), false otherwise or where there is no Cache API.
export async function isCached(url) {
  if (typeof caches === 'undefined' || !isHttp(url)) return false;
  const cache = await caches.open(ASSET_CACHE).catch(() => null);
  return Boolean(cache && (await mayHave(cache, String(url))) && (await cache.match(String(url))));
}

export async function loadText(url, opts) {
  return new TextDecoder().decode(await loadBytes(url, opts));
}

export function resolveUrl(base, rel) {
  if (isHttp(base)) return new URL(rel, base.endsWith('/') ? base : `${base}/`).href;
  if (String(base).startsWith('file:')) return new URL(rel, base.endsWith('/') ? base : `${base}/`).href;
  return `${String(base).replace(/\/$/, '')}/${rel}`;
}

// Lower-case hex SHA-256 by WebCrypto (fast, native), or null where it is missing (insecure http origins).
export async function sha256Hex(bytes) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const d = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Bytes of `url` whose SHA-256 must be `sha256` (from the manifest / model-info). A cached copy from an older build
// under the same name (the shard and model files keep their names across rebuilds) is detected and fetched again.
// Returns {bytes, verified}: verified is the hash when WebCrypto checked it, else null (the caller checks otherwise).
// With returnMismatch, bytes that still differ are returned with the hash they have (verified !== sha256), for a
// caller whose own check (the core's) names what is wrong.
export async function loadVerifiedBytes(url, sha256, opts = {}) {
  let bytes = await loadBytes(url, opts);
  let got = await sha256Hex(bytes);
  if (got === null || got === sha256) return { bytes, verified: got };
  if (isHttp(url)) {
    bytes = await loadBytes(url, { ...opts, reload: true });
    got = await sha256Hex(bytes);
    if (got === sha256) return { bytes, verified: got };
  }
  if (opts.returnMismatch) return { bytes, verified: got };
  throw new Error(`${url}: sha256 ${got} differs from the expected ${sha256} (corrupted or from another build)`);
}
