// Rename resolution: maps an old lowercase owner/repo id to the id the repository has now.
// Invariant: the returned map is acyclic and every value is a final id (chains are collapsed).

/**
 * Explicit aliases for renames the automatic rules cannot decide (see README.md "Renamed repositories").
 * Each entry is verified by hand: same project, GitHub redirects the old name to the new one.
 */
export const EXPLICIT_ALIASES = Object.freeze({
  // Both names sit in the same best-of list with identical metrics (a redirect captured twice).
  'fabianp/memory_profiler': 'pythonprofilers/memory_profiler',
  // ydata-profiling was pandas-profiling; best-of lists carry both the old and the intermediate name.
  'pandas-profiling/pandas-profiling': 'ydataai/ydata-profiling',
  'ydataai/pandas-profiling': 'ydataai/ydata-profiling',
  // polars moved from its author's account to the pola-rs organisation (best-of-ml-rust keeps the old name).
  'ritchie46/polars': 'pola-rs/polars',
});

const DAY = 86400000;
/** Longest gap between an old name's last snapshot and the new name's first one that still counts as a hand-over. */
export const MAX_HANDOVER_DAYS = 100;

const normDesc = (d) => (d || '').trim().toLowerCase().replace(/\s+/g, ' ');
const repoName = (id) => id.slice(id.indexOf('/') + 1);

/** Repository names too common to identify a project by name alone (docker/docs is not knative/docs). */
export const GENERIC_NAMES = Object.freeze(new Set([
  'docs', 'documentation', 'blog', 'metrics', 'dotfiles', 'book', 'books', 'website', 'site', 'notes', 'resume',
  'config', 'configs', 'homepage', 'core', 'app', 'api', 'cli', 'web', 'server', 'client', 'examples', 'demo',
]));

const words = (s) => new Set((s || '').toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) || []);
/** Word-set Jaccard similarity of two descriptions; -1 if either is empty. */
export function descriptionSimilarity(a, b) {
  const A = words(a), B = words(b);
  if (!A.size || !B.size) return -1;
  let inter = 0;
  for (const w of A) if (B.has(w)) inter++;
  return inter / (A.size + B.size - inter);
}

/**
 * Detect renames among GitHub-Ranking union rows (each with first_seen / last_seen snapshot dates and stars).
 * Row B succeeds row A ("hand-over") when A was last seen before B was first seen, within MAX_HANDOVER_DAYS, and either
 *  (a) both have the same repository name, compatible primary languages, and
 *      - similar descriptions (word Jaccard >= 0.5), or
 *      - a name that is not generic and B's stars >= 0.8 x A's (a renamed repository keeps its stars,
 *        and B is observed later), or
 *  (b) both have the same non-trivial description (>= 20 characters), whatever the names.
 * An old row with two equally close successors is ambiguous and left alone.
 * @param {{id:string, language:string, description:string, first_seen:string, last_seen:string, stars?:number|null}[]} rows
 * @returns {Map<string,string>} old id -> successor id (not yet collapsed)
 */
export function detectRankingRenames(rows) {
  const byName = new Map();
  const byDesc = new Map();
  const push = (m, k, r) => { if (!m.has(k)) m.set(k, []); m.get(k).push(r); };
  for (const r of rows) {
    push(byName, repoName(r.id), r);
    const d = normDesc(r.description);
    if (d.length >= 20) push(byDesc, d, r);
  }
  const out = new Map();
  for (const a of rows) {
    const aLast = Date.parse(a.last_seen);
    const cands = new Map();
    const handover = (b) => {
      if (b.id === a.id) return null;
      const gap = (Date.parse(b.first_seen) - aLast) / DAY;
      return gap > 0 && gap <= MAX_HANDOVER_DAYS ? gap : null;
    };
    for (const b of byName.get(repoName(a.id)) || []) {
      const gap = handover(b);
      if (gap == null) continue;
      if (a.language && b.language && a.language !== b.language) continue;
      const sim = descriptionSimilarity(a.description, b.description);
      const starsKept = a.stars == null || b.stars == null || b.stars >= 0.8 * a.stars;
      if (sim >= 0.5 || (!GENERIC_NAMES.has(repoName(a.id)) && starsKept)) cands.set(b.id, { b, gap });
    }
    const d = normDesc(a.description);
    if (d.length >= 20) {
      for (const b of byDesc.get(d) || []) {
        const gap = handover(b);
        if (gap != null) cands.set(b.id, { b, gap });
      }
    }
    if (cands.size === 0) continue;
    const sorted = [...cands.values()].sort((x, y) => x.gap - y.gap || (x.b.id < y.b.id ? -1 : 1));
    if (sorted.length > 1 && sorted[0].gap === sorted[1].gap) continue; // ambiguous
    out.set(a.id, sorted[0].b.id);
  }
  return out;
}

/**
 * Detect renames among rows that have no snapshot window (best-of and collection rows), against all known ids:
 * same repository name, same non-trivial description, and star counts within a factor of 2 (a fork that kept the
 * description almost never has a similar star count). The target is the id present in GitHub-Ranking, else the
 * one with more stars.
 * @param {{id:string, description:string, stars:number|null, inRanking:boolean}[]} rows one per distinct id
 * @returns {Map<string,string>}
 */
export function detectDescriptionRenames(rows) {
  const groups = new Map();
  for (const r of rows) {
    const d = normDesc(r.description);
    if (d.length < 20) continue;
    const k = repoName(r.id) + '\u0000' + d;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const out = new Map();
  for (const g of groups.values()) {
    if (g.length !== 2) continue; // three or more look-alikes: leave to a human
    const [x, y] = g;
    if (x.inRanking && y.inRanking) continue; // ranking pairs are decided by detectRankingRenames
    if (x.stars != null && y.stars != null) {
      const ratio = Math.min(x.stars, y.stars) / Math.max(x.stars, y.stars, 1);
      if (ratio < 0.5) continue;
    }
    const rank = (r) => [r.inRanking ? 1 : 0, r.stars ?? -1];
    const [rx, ry] = [rank(x), rank(y)];
    const xWins = rx[0] !== ry[0] ? rx[0] > ry[0] : rx[1] !== ry[1] ? rx[1] > ry[1] : x.id < y.id;
    const [keep, drop] = xWins ? [x, y] : [y, x];
    out.set(drop.id, keep.id);
  }
  return out;
}

/**
 * Combine alias maps (earlier maps win: an id already aliased, or an edge that would close a cycle, is skipped)
 * and collapse chains a->b->c into a->c.
 * @param {...Map<string,string>} maps
 * @returns {Map<string,string>}
 */
export function collapseAliases(...maps) {
  const edges = new Map();
  const resolve = (id) => {
    const seen = new Set();
    while (edges.has(id) && !seen.has(id)) { seen.add(id); id = edges.get(id); }
    return id;
  };
  for (const m of maps) {
    for (const k of [...m.keys()].sort()) {
      const v = m.get(k);
      if (k === v || edges.has(k)) continue;
      if (resolve(v) === k) continue; // would close a cycle
      edges.set(k, v);
    }
  }
  const out = new Map();
  for (const k of [...edges.keys()].sort()) out.set(k, resolve(k));
  return out;
}
