// The first-visit loading display: one determinate progress bar over every download the recommender makes, with
// bytes per stage ("model 3.1 / 7.2 MB") from the sizes in model-info.json, the shard manifest and sizes.json (ORT's
// .wasm), a clear message and a Retry button when a download fails, and "from this device" on a repeat visit.
const LABELS = { shard: 'projects', vectors: 'project vectors', model: 'language model', runtime: 'model runtime', vocab: 'vocabulary', features: 'project features' };
const mb = (n) => (n / 1e6).toFixed(1);

export class LoadingView {
  constructor({ root, bar, text, retry, sizes = {} }) {
    Object.assign(this, { root, bar, text, retry, sizes });
    this.stages = new Map(); // stage → {loaded, total, cached, done}
    this.networkBytes = 0; // decoded bytes that came over the network (not from a cache)
  }

  // The package's onProgress callback.
  // {interrupted, retryInMs}: the download broke off and resumes from `loaded` (web/src/assets.js, resumer).
  update({ stage, loaded, total, cached, done, interrupted }) {
    const prev = this.stages.get(stage);
    // A retried download starts again from 0: only bytes beyond what this attempt already reported are new.
    const before = prev && !prev.cached && loaded >= prev.loaded ? prev.loaded : 0;
    if (!cached) this.networkBytes += loaded - before;
    this.stages.set(stage, { loaded, total: total ?? this.sizes[stage] ?? prev?.total ?? null, cached, done: !!done, interrupted });
    this.render();
  }

  totals() {
    let loaded = 0, total = 0;
    for (const s of this.stages.values()) {
      loaded += s.loaded;
      total += Math.max(s.total ?? s.loaded, s.loaded);
    }
    return { loaded, total };
  }

  allCached() {
    return this.stages.size > 0 && [...this.stages.values()].every((s) => s.cached);
  }

  render() {
    const { loaded, total } = this.totals();
    this.root.hidden = false;
    this.bar.max = Math.max(1, total);
    this.bar.value = loaded;
    const parts = [];
    for (const [stage, s] of this.stages) {
      if (s.done && s.cached) continue;
      const size = s.total ? `${mb(s.loaded)} / ${mb(s.total)} MB` : `${mb(s.loaded)} MB`;
      parts.push(`${LABELS[stage] ?? stage} ${s.done ? `${mb(s.loaded)} MB ✓` : size}`);
    }
    const cut = [...this.stages].filter(([, s]) => s.interrupted).map(([stage]) => LABELS[stage] ?? stage);
    if (cut.length) parts.push(`connection lost (${cut.join(', ')}): resuming where it stopped once the network is back`);
    this.root.dataset.interrupted = String(cut.length > 0);
    // A failure message stays until Retry: downloads still running in parallel (ORT's runtime beside the model)
    // report progress after another one failed, and must not hide what failed.
    if (this.root.dataset.failed !== 'true') {
      this.text.textContent = parts.length
        ? `Downloading: ${parts.join(' · ')}`
        : 'Loading from this device (nothing to download).';
    }
    this.root.dataset.loaded = String(loaded);
    this.root.dataset.total = String(total);
  }

  // Everything is in: say where it came from, then get out of the way.
  finish() {
    const { loaded } = this.totals();
    this.text.textContent = this.allCached()
      ? `Everything came from this device's cache (0 bytes downloaded, ${mb(loaded)} MB read).`
      : `Downloaded ${mb(this.networkBytes)} MB (uncompressed); next time everything comes from this device.`;
    this.root.dataset.done = 'true';
    this.root.dataset.allCached = String(this.allCached());
    this.bar.value = this.bar.max;
    this.retry.hidden = true;
  }

  // A failed download: what failed, and a Retry button that calls `again` (files already downloaded are kept).
  fail(what, error, again) {
    this.root.hidden = false;
    this.root.dataset.failed = 'true';
    this.text.textContent = `Could not load the ${what}: ${error.message}. Files already downloaded are kept.`;
    this.retry.hidden = false;
    this.retry.onclick = () => {
      this.retry.hidden = true;
      delete this.root.dataset.failed;
      again();
    };
  }
}
