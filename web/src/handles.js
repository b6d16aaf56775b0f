// Ownership of Embind objects: every C++ object handed to JS is registered here and deleted exactly once by its
// owner (or all at once by dispose). Invariant: live() is the number of registered, not yet deleted handles.
export class HandleRegistry {
  constructor() {
    this.handles = new Set();
    this.created = 0;
  }
  own(handle) {
    if (!handle || typeof handle.delete !== 'function') throw new TypeError('not an Embind handle');
    this.handles.add(handle);
    this.created++;
    return handle;
  }
  release(handle) {
    if (handle && this.handles.delete(handle) && !handle.isDeleted?.()) handle.delete();
  }
  // Runs fn(own) and deletes every handle it owned afterwards, even when fn throws.
  scoped(fn) {
    const local = [];
    const own = (h) => {
      local.push(this.own(h));
      return h;
    };
    try {
      return fn(own);
    } finally {
      for (const h of local) this.release(h);
    }
  }
  live() {
    return this.handles.size;
  }
  releaseAll() {
    for (const h of [...this.handles]) this.release(h);
  }
}
