// Local state of one learner: a small key-value store with a schema version, kept in IndexedDB (browser),
// a JSON file (Node, atomic rename) or memory. Every value is plain JSON; writes are durable before they resolve.
export const SCHEMA_VERSION = 1;

// Keys used by the package (documented in docs/WEB.md):
//   profile        the last profile recommended for (never sent anywhere)
//   local          { counts: {projectId: {alpha, beta}}, today: {projectId: {day, success, failure}} }
//   episodes       { "<rankingId>|<projectId>": {position, clicked, bookmarked, stars, dwell, applied:{success,failure}, closed} }
//   outbox         [wire event, …]               events not yet put into a batch
//   pending        [{batchId, sentAt, events, attempts}]   batches sent at least once or about to be; retried as is
//   community      { etag, snapshot }              last GET /v1/bandit answer
//   experiments    { etag?, list, fetchedAt }      last GET /v1/experiments answer
//   identity       { clientId, sessionId, credential?: {value, expires, renewAfter} }   credential: the
//                  server's tag for this client id (POST /v1/clients), sent with every batch, renewed at half life
export const KEYS = ['profile', 'local', 'episodes', 'outbox', 'pending', 'community', 'experiments', 'identity', 'rejected'];

function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

export class MemoryStorage {
  constructor(initial = {}) {
    this.kind = 'memory';
    this.data = new Map(Object.entries(clone(initial)));
  }
  async get(key) {
    return clone(this.data.get(key));
  }
  async set(key, value) {
    this.data.set(key, clone(value));
  }
  async setMany(entries) {
    for (const [k, v] of Object.entries(entries)) this.data.set(k, clone(v));
  }
  async delete(key) {
    this.data.delete(key);
  }
  async close() {}
}

// One JSON file `{schemaVersion, data}`; written to a temporary file, fsynced and renamed so a crash leaves
// either the old or the new state, never a torn one. A file of another schema version is migrated or refused.
export class FileStorage {
  constructor(file, fs, path) {
    this.kind = 'file';
    this.file = file;
    this.fs = fs;
    this.path = path;
    this.data = new Map();
    this.chain = Promise.resolve();
  }
  static async open(file) {
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    const s = new FileStorage(file, fs, path);
    let text = null;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    if (text !== null) {
      let doc;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        throw new Error(`storage file ${file}: not JSON (${e.message})`);
      }
      const migrated = migrate(doc, file);
      s.data = new Map(Object.entries(migrated.data ?? {}));
    }
    return s;
  }
  async get(key) {
    return clone(this.data.get(key));
  }
  async set(key, value) {
    this.data.set(key, clone(value));
    return this.flush();
  }
  async setMany(entries) {
    for (const [k, v] of Object.entries(entries)) this.data.set(k, clone(v));
    return this.flush();
  }
  async delete(key) {
    this.data.delete(key);
    return this.flush();
  }
  flush() {
    // Serialise writes: each flush writes the whole current state.
    this.chain = this.chain.then(async () => {
      await this.fs.mkdir(this.path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      const body = JSON.stringify({ schemaVersion: SCHEMA_VERSION, data: Object.fromEntries(this.data) });
      const fh = await this.fs.open(tmp, 'w');
      try {
        await fh.writeFile(body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.fs.rename(tmp, this.file);
    });
    return this.chain;
  }
  async close() {
    await this.chain;
  }
}

export function migrate(doc, where = 'storage') {
  if (typeof doc !== 'object' || doc === null || typeof doc.schemaVersion !== 'number') {
    throw new Error(`${where}: missing schemaVersion`);
  }
  if (doc.schemaVersion > SCHEMA_VERSION) {
    throw new Error(`${where}: schemaVersion ${doc.schemaVersion} is newer than this package (${SCHEMA_VERSION})`);
  }
  // Version 1 is the first; later versions add their steps here (1 → 2 → …).
  return doc;
}

// IndexedDB: database "wayfinder-<userId>", object store "kv" (key → JSON value), version = SCHEMA_VERSION.
export class IndexedDBStorage {
  constructor(db) {
    this.kind = 'indexeddb';
    this.db = db;
  }
  static open(name) {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(name, SCHEMA_VERSION);
      req.onupgradeneeded = (ev) => {
        const db = req.result;
        // Upgrades run in order from ev.oldVersion; v1 creates the store.
        if (ev.oldVersion < 1) db.createObjectStore('kv');
      };
      req.onsuccess = () => resolve(new IndexedDBStorage(req.result));
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error(`IndexedDB ${name}: upgrade blocked by another tab`));
    });
  }
  tx(mode, fn) {
    return new Promise((resolve, reject) => {
      const t = this.db.transaction('kv', mode);
      const store = t.objectStore('kv');
      let result;
      const r = fn(store);
      if (r) r.onsuccess = () => (result = r.result);
      t.oncomplete = () => resolve(result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
    });
  }
  async get(key) {
    return this.tx('readonly', (s) => s.get(key));
  }
  async set(key, value) {
    await this.tx('readwrite', (s) => {
      s.put(clone(value), key);
    });
  }
  async setMany(entries) {
    await this.tx('readwrite', (s) => {
      for (const [k, v] of Object.entries(entries)) s.put(clone(v), k);
    });
  }
  async delete(key) {
    await this.tx('readwrite', (s) => {
      s.delete(key);
    });
  }
  async close() {
    this.db.close();
  }
}

// `storage` option: a store object, 'memory', 'indexeddb', or a file path / {file} (Node).
export async function openStorage(option, userId) {
  if (option && typeof option === 'object' && typeof option.get === 'function') return option;
  if (option === 'memory') return new MemoryStorage();
  if (typeof option === 'string' && option !== 'indexeddb') return FileStorage.open(option);
  if (option && typeof option === 'object' && option.file) return FileStorage.open(option.file);
  if (typeof indexedDB !== 'undefined') return IndexedDBStorage.open(`wayfinder-${userId ?? 'default'}`);
  return new MemoryStorage();
}
