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
// `start`: bytes already in from an earlier visit (`res` is then the range from their end); `parts`: where the bytes
// are kept as they come (see partStore).
async function readBody(res, { onProgress, total, cached = false, resume, start = null, parts = null } = {}) {
  if (!res.body?.getReader) return readAtOnce(res, { onProgress, total, cached });
  const length = res.headers.get('content-encoding') || res.status === 206 ? null : Number(res.headers.get('content-length')) || null;
  const expected = total ?? length;
  const got = { chunks: start ? [start] : [], loaded: start?.length ?? 0 };
  const progress = () => {
    parts?.keep(got);
    onProgress?.({ loaded: got.loaded, total: expected, cached });
  };
  for (let body = res; ; ) {
    try {
      await drain(body.body.getReader(), got, progress);
      break;
    } catch (e) {
      if (!resume) throw e;
      parts?.keep(got, true);
      body = await resume(got.loaded, e);
      if (body.status !== 206) Object.assign(got, { chunks: [], loaded: 0 }, parts?.restart()); // the whole file again
    }
  }
  const bytes = joinChunks(got.chunks, got.loaded);
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

// Partial downloads outlive the visit: the bytes of an unfinished file are kept in PARTIAL_CACHE as parts of
// PART_BYTES or more (and whatever is in when the body breaks off), under `${url}?wayfinder-part=${offset}`, so a
// reload or a later visit asks only for the rest (a Range request; see resumer for what is trusted). Written in the
// background, never awaited by the download; deleted once the file is whole and stored. A part is a plain copy of
// decoded bytes: the sha256 check of the joined file (loadVerifiedBytes) still catches a part from another build.
export const PARTIAL_CACHE = 'wayfinder-partial-v1';
export const PART_BYTES = 1 << 20;
const partKey = (key, offset) => `${key}?wayfinder-part=${offset}`;

function partStore(cache, key, start) {
  let kept = { chunks: start ? 1 : 0, loaded: start?.length ?? 0 };
  const pending = new Set();
  const put = (offset, bytes) => {
    partsWritten.add(partKey(key, offset));
    const p = cache.put(partKey(key, offset), new Response(bytes)).catch(() => {}).finally(() => pending.delete(p));
    pending.add(p);
  };
  return {
    keep(got, now = false) {
      if (got.loaded - kept.loaded < (now ? 1 : PART_BYTES)) return;
      put(kept.loaded, joinChunks(got.chunks.slice(kept.chunks), got.loaded - kept.loaded));
      kept = { chunks: got.chunks.length, loaded: got.loaded };
    },
    restart() {
      kept = { chunks: 0, loaded: 0 };
      return {};
    },
    async drop() {
      await Promise.all([...pending]);
      await dropParts(cache, key);
    },
  };
}

// The partial cache's keys as this visit began (read once: a cold visit asks for each file without waiting on it),
// and the parts written since.
let partsAtStart = null;
const partsWritten = new Set();

// The parts of `key` kept by an earlier visit, joined: the bytes from 0 up to the first gap (null when none).
async function storedParts(cache, key) {
  const prefix = `${key}?wayfinder-part=`;
  partsAtStart ??= cache.keys().then((reqs) => reqs.map((r) => r.url));
  const parts = [...new Set([...(await partsAtStart), ...partsWritten])].filter((u) => u.startsWith(prefix))
    .map((u) => ({ url: u, offset: Number(u.slice(prefix.length)) })).sort((a, b) => a.offset - b.offset);
  const chunks = [];
  let loaded = 0;
  for (const part of parts) {
    if (part.offset < loaded) continue; // left over from a download that started over
    if (part.offset > loaded) break;
    const hit = await cache.match(part.url);
    if (!hit) break; // dropped since the visit began
    const bytes = new Uint8Array(await hit.arrayBuffer());
    chunks.push(bytes);
    loaded += bytes.length;
  }
  return loaded > 0 ? joinChunks(chunks, loaded) : null;
}

async function dropParts(cache, key) {
  const prefix = `${key}?wayfinder-part=`;
  for (const u of [...partsWritten]) if (u.startsWith(prefix)) partsWritten.delete(u);
  for (const r of await cache.keys()) if (r.url.startsWith(prefix)) await cache.delete(r);
}

// A download that starts from an earlier visit's bytes: {res, start} when the server gave exactly the rest, {res,
// start: null} when it gave the whole file (200), or null (no parts; no network, when the parts are kept; any other
// answer, when they are dropped and the file is fetched whole).
async function openPartial(partial, key, fetchImpl) {
  const start = await storedParts(partial, key).catch(() => null);
  if (!start) return null;
  const res = await fetchImpl(key, { headers: { range: `bytes=${start.length}-` } }).catch(() => null);
  if (!res) return null; // offline: the parts wait for the next try
  if (res.status === 206 && !res.headers.get('content-encoding') && rangeStart(res) === start.length) return { res, start };
  await dropParts(partial, key).catch(() => {});
  if (res.status === 200) return { res, start: null };
  await res.body?.cancel().catch(() => {});
  return null;
}

function joinChunks(chunks, length) {
  if (chunks.length === 1 && chunks[0].length === length) return chunks[0];
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
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
// manifest) and fall back to the cache offline; otherwise cache first (immutable files).
// `keepParts`: keep the bytes of an unfinished download for a later visit, and go on from what an earlier one kept
// (partStore): for the large files whose rest is worth a range (model, vectors), not for one that compresses so well
// that its uncompressed rest would cost more than the whole file compressed (ORT's .wasm, 6×).
// `reload`: bypass every cache (HTTP and service worker) and replace the cached copy (and drop any kept part).
// `onProgress({loaded, total, cached, done})` and `total` (expected uncompressed bytes): see readBody.
export async function loadBytes(url, { fetch: fetchImpl = globalThis.fetch, revalidate = false, reload = false, useCache = true, onProgress, total, storeInBackground = false, keepParts = false } = {}) {
  if (!isHttp(url) && isNode) return readLocal(url);
  const cache = useCache && typeof caches !== 'undefined' ? await caches.open(ASSET_CACHE).catch(() => null) : null;
  const key = String(url);
  if (cache && !revalidate && !reload && (await mayHave(cache, key))) {
    const hit = await cache.match(key);
    if (hit) return readAtOnce(hit, { onProgress, total, cached: true });
  }
  onProgress?.({ loaded: 0, total: total ?? null, cached: false }); // the bar shows the size before the bytes
  const partial = cache && keepParts && !revalidate ? await caches.open(PARTIAL_CACHE).catch(() => null) : null;
  if (partial && reload) await dropParts(partial, key).catch(() => {});
  const resumed = partial && !reload ? await openPartial(partial, key, fetchImpl) : null;
  const res = resumed?.res ?? (await fetchWhole(key, fetchImpl, cache, { reload, revalidate }));
  if (res instanceof Uint8Array) return res; // the network failed, the cache had it
  // Read once, then store what was read: a body cut off by a lost connection throws here and is never cached.
  const parts = partial ? partStore(partial, key, resumed?.start) : null;
  const resume = resumer(key, fetchImpl, { onProgress, total });
  const bytes = await readBody(res, { onProgress, total, resume, start: resumed?.start, parts }).catch((e) => {
    throw new Error(`downloading ${key} failed (${e.message})`);
  });
  // storeInBackground: the caller (the model's start-up, the vectors' attach) need not wait for the disk write; a
  // visit that ends before it completes only downloads the file again next time. Otherwise the write is awaited, so
  // that it does not compete with the storage reads that follow (the shard's opening, the learner's saved state).
  if (cache) {
    const headers = { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream' };
    storedThisVisit.add(key);
    const put = cache.put(key, new Response(bytes, { headers })).then(() => parts?.drop())
      .catch((e) => console.warn(`cache.put ${key}: ${e.message}`));
    if (!storeInBackground) await put;
  }
  return bytes;
}

// The response for the whole file; offline or on an HTTP error, the cached copy's bytes if there is one.
async function fetchWhole(key, fetchImpl, cache, { reload, revalidate }) {
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
  return res;
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
