// Service worker: the app works offline. App shell, package, WASM core and ORT files are precached at install;
// the model, vocabulary, shards and manifest are kept in the same cache the package uses (wayfinder-assets-v1).
// The sync API (/v1/…) is never cached: the package queues feedback itself and sends it when back online.
const SHELL_CACHE = 'wayfinder-shell-v1';
const ASSET_CACHE = 'wayfinder-assets-v1';

const SHELL = [
  './',
  'index.html',
  'app.js',
  'styles.css',
  'dashboard.html',
  'dashboard.js',
  'app.webmanifest',
  '/ort/ort.wasm.min.mjs',
  '/ort/ort-wasm-simd-threaded.mjs',
  '/ort/ort-wasm-simd-threaded.wasm',
];
const MODEL_FILES = ['/models/model-info.json', '/models/vocab.json', '/models/use-lite.onnx', '/models/shards/manifest.json'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL_CACHE);
      // precache.json lists the staged package and WASM files (written by web/app/stage.mjs).
      let staged = [];
      try {
        staged = await (await fetch('precache.json', { cache: 'no-cache' })).json();
      } catch {
        staged = [];
      }
      await shell.addAll([...SHELL, ...staged]);
      // Model and shards: best effort at install (the package also caches them on first use).
      const assets = await caches.open(ASSET_CACHE);
      await Promise.all(
        MODEL_FILES.map(async (u) => {
          const abs = new URL(u, self.location.origin).href;
          if (await assets.match(abs)) return;
          try {
            const res = await fetch(abs);
            if (res.ok) await assets.put(abs, res);
          } catch {
            /* offline install: the package fetches later */
          }
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('wayfinder-shell-') && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function networkFirst(req, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const res = await fetch(req);
    if (res.ok && req.method === 'GET') await cache.put(req, res.clone());
    return res;
  } catch (e) {
    const hit = (await cache.match(req, { ignoreSearch: true })) ?? (await caches.match(req, { ignoreSearch: true }));
    if (hit) return hit;
    if (req.mode === 'navigate') {
      const index = await cache.match('index.html');
      if (index) return index;
    }
    throw e;
  }
}

async function cacheFirst(req, cacheName) {
  const hit = await caches.match(req, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && req.method === 'GET') {
    const cache = await caches.open(cacheName);
    await cache.put(req, res.clone());
  }
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || req.method !== 'GET') return;
  if (url.pathname.startsWith('/v1/') || url.pathname === '/metrics' || url.pathname === '/healthz') return;
  // The package asks for 'reload'/'no-cache' when a cached copy is stale (sha256 differs from the manifest's, e.g.
  // after a shard rebuild under the same file name): then the network decides, and the copy is replaced.
  const bypass = req.cache === 'reload' || req.cache === 'no-cache' || req.cache === 'no-store';
  if (bypass || url.pathname.endsWith('/manifest.json') || url.pathname.endsWith('model-info.json')) {
    event.respondWith(networkFirst(req, url.pathname.startsWith('/models/') ? ASSET_CACHE : SHELL_CACHE));
  } else if (url.pathname.startsWith('/models/') || url.pathname.startsWith('/ort/') || url.pathname.includes('/wasm/')) {
    // Large files named by content/version: cache first.
    event.respondWith(cacheFirst(req, url.pathname.startsWith('/models/') ? ASSET_CACHE : SHELL_CACHE));
  } else {
    // The app shell: fresh when online, cached when not.
    event.respondWith(networkFirst(req, SHELL_CACHE));
  }
});
