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

// Returns the bytes of `url`. `revalidate`: ask the network first (small, changing files such as the
// manifest) and fall back to the cache offline; otherwise cache first (immutable, content-named files).
// `reload`: bypass every cache (HTTP and service worker) and replace the cached copy.
export async function loadBytes(url, { fetch: fetchImpl = globalThis.fetch, revalidate = false, reload = false, useCache = true } = {}) {
  if (!isHttp(url) && isNode) return readLocal(url);
  const cache = useCache && typeof caches !== 'undefined' ? await caches.open(ASSET_CACHE).catch(() => null) : null;
  const key = String(url);
  if (cache && !revalidate && !reload) {
    const hit = await cache.match(key);
    if (hit) return new Uint8Array(await hit.arrayBuffer());
  }
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
  if (cache) await cache.put(key, res.clone()).catch(() => {});
  return new Uint8Array(await res.arrayBuffer());
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
export async function loadVerifiedBytes(url, sha256, opts = {}) {
  let bytes = await loadBytes(url, opts);
  let got = await sha256Hex(bytes);
  if (got === null || got === sha256) return { bytes, verified: got };
  if (isHttp(url)) {
    bytes = await loadBytes(url, { ...opts, reload: true });
    got = await sha256Hex(bytes);
    if (got === sha256) return { bytes, verified: got };
  }
  throw new Error(`${url}: sha256 ${got} differs from the expected ${sha256} (corrupted or from another build)`);
}
