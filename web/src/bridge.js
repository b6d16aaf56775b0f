// The recommender in a Web Worker: the page keeps only the UI, while the WASM core, the shard, ONNX Runtime and
// every ranking run in the worker (web/src/worker.js). The bridge is generic: the page's object is a Proxy that
// forwards ANY method name with its (structured-clonable) arguments and returns its result, so a method added to
// the recommender (api.js) works through the worker without an edit here. Option values that are functions
// (onProgress) become events posted back to the page. Non-function properties (userId, versions, timings) are
// mirrored after every call. docs/WEB.md, "The recommender runs in a Web Worker".

// Own enumerable non-function values of the recommender that survive structured cloning.
function mirrorOf(rec) {
  const out = {};
  for (const [k, v] of Object.entries(rec ?? {})) {
    if (typeof v === 'function') continue;
    try {
      out[k] = structuredClone(v);
    } catch {
      // not clonable (a storage object with methods): stays in the worker
    }
  }
  return out;
}

const errorOf = (e) => ({ name: e?.name ?? 'Error', message: e?.message ?? String(e) });

// Worker side. `port` has postMessage and addEventListener('message') (a worker's global scope, a MessagePort);
// `factory(options)` makes the recommender (createRecommender). The one hook the bridge knows by name is
// `pageHideRequests()`: requests the page must send itself when it is hidden (a worker cannot send a beacon and
// may be stopped with the page), mirrored after every call.
export function serveRecommender(port, factory) {
  let rec = null;
  const reply = (msg) => {
    const handoff = rec?.pageHideRequests ? rec.pageHideRequests() : undefined;
    try {
      port.postMessage({ ...msg, mirror: mirrorOf(rec), handoff });
    } catch (e) {
      port.postMessage({ id: msg.id, error: { name: 'DataCloneError', message: `the result of ${msg.method}() cannot be sent from the worker: ${e.message}` } });
    }
  };
  const run = async ({ id, op, method, args = [], options = {}, callbacks = [] }) => {
    try {
      if (op === 'create') {
        const opts = { ...options };
        for (const name of callbacks) opts[name] = (...a) => port.postMessage({ event: name, args: a });
        rec = await factory(opts);
        return reply({ id, value: null });
      }
      if (!rec) throw new Error(`${method}(): the recommender is not created yet`);
      if (typeof rec[method] !== 'function') throw new TypeError(`the recommender has no method ${String(method)}()`);
      reply({ id, method, value: await rec[method](...args) });
    } catch (e) {
      reply({ id, method, error: errorOf(e) });
    }
  };
  port.addEventListener('message', (ev) => run(ev.data ?? {}));
  port.start?.();
}

function rebuildError({ name, message }) {
  const Kind = { TypeError, RangeError, SyntaxError }[name] ?? Error;
  const e = new Kind(message);
  if (!(name in { TypeError: 1, RangeError: 1, SyntaxError: 1, Error: 1 })) e.name = name;
  return e;
}

// Sends what the worker said must leave when the page is hidden: sendBeacon, else fetch keepalive. Synchronous,
// so it works in pagehide. Returns the number of events handed over.
function sendHandoff(requests = []) {
  let events = 0;
  for (const { url, body, count } of requests) {
    const ok = typeof navigator !== 'undefined' && navigator.sendBeacon?.(url, new Blob([body], { type: 'application/json' }));
    if (!ok) fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, keepalive: true }).catch(() => {});
    events += count;
  }
  return events;
}

// Page side: connects to a served recommender over `port` and resolves to the Proxy. `local` methods run on the
// page instead (flushOnHide, dispose with the worker's end).
export async function connectRecommender(port, options = {}, { onClose } = {}) {
  const waiting = new Map();
  let next = 1;
  let mirror = {};
  let handoff = [];
  port.addEventListener('message', (ev) => {
    const m = ev.data ?? {};
    if (m.event) return options[m.event]?.(...(m.args ?? []));
    if (m.mirror) mirror = m.mirror;
    if (m.handoff) handoff = m.handoff;
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) w.reject(rebuildError(m.error));
    else w.resolve(m.value);
  });
  port.start?.();
  let closed = false; // after dispose() the worker may be gone: a call then rejects at once instead of waiting forever
  const send = (msg) =>
    closed ? Promise.reject(new Error('recommender is disposed')) : new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      port.postMessage({ ...msg, id });
    });
  const fail = (e) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  const callbacks = Object.keys(options).filter((k) => typeof options[k] === 'function');
  const plain = Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v !== 'function'));
  await send({ op: 'create', options: plain, callbacks });
  const call = (method) => (...args) => send({ op: 'call', method, args });
  const local = {
    remote: true,
    flushOnHide: () => sendHandoff(handoff),
    dispose: async () => {
      if (closed) return;
      await call('dispose')();
      closed = true;
      onClose?.();
    },
  };
  const proxy = new Proxy(local, {
    get(target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined; // not a thenable
      if (name in target) return target[name];
      if (Object.hasOwn(mirror, name)) return mirror[name];
      return call(name);
    },
  });
  return { proxy, fail };
}

// createRecommender in a Web Worker (module worker web/src/worker.js), or in this thread where there are no
// workers (Node): the same methods either way, except that every method of the worker's object returns a Promise.
export async function createRecommenderInWorker(options = {}, { workerUrl } = {}) {
  if (typeof Worker === 'undefined') return (await import('./index.js')).createRecommender(options);
  const worker = new Worker(workerUrl ?? new URL('./worker.js', import.meta.url), { type: 'module', name: 'wayfinder' });
  let failWaiting = () => {};
  const failed = new Promise((_, reject) =>
    worker.addEventListener('error', (ev) => {
      const e = new Error(`the recommender's worker failed: ${ev.message ?? 'could not load web/src/worker.js'}`);
      failWaiting(e);
      reject(e);
    }),
  );
  failed.catch(() => {});
  const connecting = connectRecommender(worker, options, { onClose: () => worker.terminate() });
  try {
    const { proxy, fail } = await Promise.race([connecting, failed]);
    failWaiting = fail;
    return proxy;
  } catch (e) {
    worker.terminate();
    throw e;
  }
}
