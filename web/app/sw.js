// Service worker: the app works offline. One download per file per visit: the app registers this worker only after
// its own downloads are over, and the install copies the app shell, the staged package and WASM core, and ORT's two
// small modules from the HTTP cache (cache: 'force-cache'), so a first visit does not fetch them a second time.
// The big files (model, ORT's .wasm, vocabulary, shard, manifest) are not precached here: the package keeps them in
// wayfinder-assets-v1 itself as it downloads them (web/src/assets.js), and this worker answers from that cache too.
// The sync API (/v1/…) is never cached: the package queues feedback itself and sends it when back online.
const SHELL_CACHE = 'wayfinder-shell-v3';
const ASSET_CACHE = 'wayfinder-assets-v1';

const SHELL = [
  './',
  'index.html',
  'app.js',
  'loading.js',
  'views.js',
  'styles.css',
  'dashboard.html',
  'dashboard.js',
  'app.webmanifest',
  'sizes.json',
  '/ort/ort.wasm.min.mjs',
  '/ort/ort-wasm-simd-threaded.mjs',
];

// The same one-instruction v128 probe as web/src/core.js: only the WASM core variant this browser runs is kept.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);
function wantedVariant(file) {
  let simd = false;
  try {
    simd = WebAssembly.validate(SIMD_PROBE);
  } catch {
    simd = false;
  }
  const isSimd = file.includes('_simd.');
  return !file.startsWith('wasm/') || isSimd === simd;
}

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
      const urls = [...SHELL, ...staged.filter(wantedVariant)];
      await shell.addAll(urls.map((u) => new Request(u, { cache: 'force-cache' })));
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

// Cache first. The shell's files are stored as they pass (without holding the response back until stored, so a
// download keeps streaming to the page); the model files are stored by the package itself (store = false).
async function cacheFirst(event, req, cacheName, store) {
  const hit = await caches.match(req, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(req);
  if (store && res.ok && req.method === 'GET') {
    const copy = res.clone();
    event.waitUntil(caches.open(cacheName).then((cache) => cache.put(req, copy)));
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
    const big = url.pathname.startsWith('/models/') || url.pathname.endsWith('.wasm');
    event.respondWith(cacheFirst(event, req, SHELL_CACHE, !big));
  } else {
    // The app shell: fresh when online, cached when not.
    event.respondWith(networkFirst(req, SHELL_CACHE));
  }
});
