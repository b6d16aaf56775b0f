#!/usr/bin/env node
// Catalog builder: merges the three vendored sources into one JSONL row per GitHub repository.
// Invariant: output is sorted by id and byte-identical for the same inputs; it reads only models/catalog/.
//
// Usage: node models/catalog/build-catalog.mjs [--force] [--out FILE] [--quiet]

import { readFileSync, writeFileSync, mkdirSync, statSync, renameSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsvObjects } from './csv.mjs';
import { classifyComplexity } from './complexity.mjs';
import { classifyKind } from './kind.mjs';
import { EXPLICIT_ALIASES, detectRankingRenames, detectDescriptionRenames, collapseAliases } from './renames.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCES = join(HERE, 'sources');
export const DEFAULT_OUT = resolve(HERE, '..', 'build', 'catalog.jsonl');

export const INPUT_FILES = Object.freeze([
  'github-ranking/repos_union_2018-12_to_2026-08.csv',
  'best-of-lists/best_of_projects.csv',
  'github-explore/collection_items.csv',
  'github-explore/topics.csv',
].map((p) => join(SOURCES, p)));
// The code is an input too: a changed rule must rebuild.
const CODE_FILES = ['build-catalog.mjs', 'csv.mjs', 'complexity.mjs', 'kind.mjs', 'renames.mjs'].map((p) => join(HERE, p));

/** Primary language implied by each best-of list (the lists have no language column). */
export const BEST_OF_LANGUAGE = Object.freeze({
  'ml-tooling/best-of-ml-python': 'Python',
  'ml-tooling/best-of-python': 'Python',
  'ml-tooling/best-of-web-python': 'Python',
  'ml-tooling/best-of-jupyter': 'Python',
  'ml-tooling/best-of-python-dev': 'Python',
  'fkromer/best-of-django': 'Python',
  'fkromer/best-of-fastapi': 'Python',
  'lukasmasuch/best-of-react': 'JavaScript',
  'fkromer/best-of-react-native': 'JavaScript',
  'fkromer/best-of-vue': 'JavaScript',
  'e-tornike/best-of-ml-rust': 'Rust',
  'stkeky/best-of-scala': 'Scala',
  'e-tornike/best-of-ml-julia': 'Julia',
});

const SOURCE_NAMES = { ranking: 'github-ranking', bestOf: 'best-of-lists', explore: 'github-explore' };

/** Normalise an `owner/repo` string: trim, drop a trailing slash or `.git`; null if it is not owner/repo. */
export function normaliseRepo(s) {
  const t = (s || '').trim().replace(/\/+$/, '').replace(/\.git$/i, '');
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(t) ? t : null;
}

const int = (s) => {
  if (s == null || String(s).trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? Math.round(n) : null;
};
/** ISO date (YYYY-MM-DD) from an ISO 8601 or "YYYY-MM-DD hh:mm:ss" timestamp; null if absent. */
const isoDate = (s) => {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec((s || '').trim());
  return m ? m[1] : null;
};
const maxOf = (a, b) => (a == null ? b : b == null ? a : a > b ? a : b);
const sortedUnique = (xs) => [...new Set(xs.filter((x) => x != null && x !== ''))].sort();

function read(path) {
  return parseCsvObjects(readFileSync(path, 'utf8'), path.slice(SOURCES.length + 1));
}

/** Phrase -> topic slug index over GitHub's curated topics (slug and display name). */
function topicIndex(topics) {
  const idx = new Map();
  // Curated topics that are also everyday words in descriptions; matching them would tag almost everything.
  const tooGeneric = new Set(['api', 'app', 'code', 'data', 'library', 'framework', 'server', 'client', 'web',
    'tool', 'tools', 'list', 'book', 'books', 'design', 'security', 'testing', 'search', 'chat', 'game', 'music',
    'text', 'image', 'video', 'audio', 'files', 'file', 'language', 'learning', 'open-source', 'free', 'cloud']);
  for (const t of topics) {
    const slug = t.topic.trim().toLowerCase();
    if (!slug || slug.length < 3 || tooGeneric.has(slug)) continue;
    for (const phrase of [slug.replace(/-/g, ' '), (t.display_name || '').toLowerCase()]) {
      const p = phrase.replace(/[^a-z0-9+#. ]+/g, ' ').replace(/\s+/g, ' ').trim();
      if (p.length >= 3 && !tooGeneric.has(p) && !idx.has(p)) idx.set(p, slug);
    }
  }
  return idx;
}

function topicsFor(text, idx) {
  const words = text.toLowerCase().replace(/[^a-z0-9+#. ]+/g, ' ').split(/\s+/)
    .map((w) => w.replace(/^\.+|\.+$/g, '')).filter(Boolean);
  const found = new Set();
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= 3 && i + n <= words.length; n++) {
      const hit = idx.get(words.slice(i, i + n).join(' '));
      if (hit) found.add(hit);
    }
  }
  return found;
}

const LANGUAGE_TOPIC = { 'C++': 'cpp', 'C#': 'csharp', 'Jupyter Notebook': 'jupyter-notebook', 'Vim Script': 'vim' };

// 1. Observations keyed by lowercase id, before rename resolution.
function observe(ranking, bestOf, items) {
  const obs = new Map();
  const get = (full) => {
    const id = full.toLowerCase();
    if (!obs.has(id)) obs.set(id, { id, names: [], ranking: null, bestOf: [], collections: [] });
    const o = obs.get(id);
    o.names.push(full);
    return o;
  };
  for (const r of ranking) {
    const full = normaliseRepo(r.full_name);
    if (!full) continue;
    const o = get(full);
    // The union has one row per case-insensitive id; keep the most recent if that ever changes.
    if (!o.ranking || r.last_seen > o.ranking.last_seen) o.ranking = r;
  }
  for (const r of bestOf) {
    const full = normaliseRepo(r.github_id);
    if (!full) continue; // 20 rows without a GitHub id are not repositories we can link to
    get(full).bestOf.push(r);
  }
  for (const r of items) {
    if (r.item_kind !== 'repo') continue; // urls and user/org items are not repositories
    const full = normaliseRepo(r.item);
    if (!full) continue;
    get(full).collections.push(r.collection.trim());
  }
  return obs;
}

// 2. Renames: explicit ones, and those detected in the ranking history and by identical descriptions.
function resolveAliases(obs) {
  const rankingRows = [...obs.values()].filter((o) => o.ranking).map((o) => ({
    id: o.id, language: o.ranking.language, description: o.ranking.description,
    first_seen: o.ranking.first_seen, last_seen: o.ranking.last_seen, stars: int(o.ranking.stars),
  }));
  const descRows = [...obs.values()].map((o) => ({
    id: o.id,
    description: o.ranking ? o.ranking.description : (o.bestOf.find((b) => b.description) || {}).description || '',
    stars: maxOf(int(o.ranking?.stars), o.bestOf.reduce((m, b) => maxOf(m, int(b.star_count)), null)),
    inRanking: !!o.ranking,
  }));
  const explicit = new Map(Object.entries(EXPLICIT_ALIASES));
  return collapseAliases(explicit, detectRankingRenames(rankingRows), detectDescriptionRenames(descRows));
}

// 3. One group of observations per final id.
function groupByFinalId(obs, aliases) {
  const groups = new Map();
  for (const o of obs.values()) {
    const fin = aliases.get(o.id) || o.id;
    if (!groups.has(fin)) groups.set(fin, []);
    groups.get(fin).push(o);
  }
  return groups;
}

// The group's names and text: original-case full name, description and language.
function identity(id, members, latestRank, bo) {
  const current = members[0];
  // Original case: the current member's ranking name, else its best-of or collection spelling.
  let fullName = current.id === id
    ? (current.ranking ? normaliseRepo(current.ranking.full_name) : current.names.map(normaliseRepo).sort()[0])
    : null;
  if (!fullName) fullName = EXPLICIT_NAME_CASE[id] || id;
  const description = (latestRank?.description || '').trim()
    || (bo.map((b) => (b.description || '').trim()).find(Boolean)) || '';
  const language = (latestRank?.language || '').trim()
    || (bo.map((b) => BEST_OF_LANGUAGE[b.list]).find(Boolean)) || null;
  return { fullName, description: clipDescription(description), language };
}

// A description of at most MAX_DESCRIPTION characters (code points), cut at the last space before the limit when
// there is one, with "…" added. GitHub's own descriptions are short (99 % of the catalog's are ≤ 253 characters);
// the few longer ones are pasted texts (one is 64,765 characters) that no card shows and every learner downloads.
export const MAX_DESCRIPTION = 350;
export function clipDescription(text) {
  const chars = Array.from(text);
  if (chars.length <= MAX_DESCRIPTION) return text;
  const head = chars.slice(0, MAX_DESCRIPTION - 1).join('');
  const space = head.lastIndexOf(' ');
  return `${(space > MAX_DESCRIPTION / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

// The largest stars, forks, contributors and last activity any source reports; the first license named.
function activity(members, bo) {
  let stars = null, forks = null, contributors = null, last = null, license = null;
  for (const m of members) {
    if (m.ranking) {
      stars = maxOf(stars, int(m.ranking.stars));
      forks = maxOf(forks, int(m.ranking.forks));
      last = maxOf(last, isoDate(m.ranking.last_commit));
    }
  }
  for (const b of bo) {
    stars = maxOf(stars, int(b.star_count));
    forks = maxOf(forks, int(b.fork_count));
    contributors = maxOf(contributors, int(b.contributor_count));
    last = maxOf(last, maxOf(isoDate(b.last_commit_pushed_at), isoDate(b.updated_at)));
    const lic = (b.license || '').trim();
    if (lic && !license) license = lic;
  }
  return { stars, forks, contributors, last, license };
}

// Curated topics the name and description mention, the curated best-of labels, and the language's own topic.
function topicsOf(id, description, language, labels, tIdx, curated) {
  const topicSet = topicsFor(`${id.split('/')[1].replace(/[-_]+/g, ' ')} ${description}`, tIdx);
  for (const l of labels) if (curated.has(l)) topicSet.add(l);
  if (language) {
    const lt = LANGUAGE_TOPIC[language] || language.toLowerCase().replace(/\s+/g, '-');
    if (curated.has(lt)) topicSet.add(lt);
  }
  return [...topicSet].sort();
}

// One catalog row from a group of observations (the member carrying the final id is the current name).
function catalogRow(id, members, tIdx, curated) {
  members.sort((a, b) => (a.id === id ? -1 : b.id === id ? 1 : a.id < b.id ? -1 : 1));
  const rank = members.filter((m) => m.ranking).map((m) => m.ranking)
    .sort((a, b) => (a.last_seen < b.last_seen ? 1 : a.last_seen > b.last_seen ? -1 : 0));
  const latestRank = members[0].ranking || rank[0] || null;
  const bo = members.flatMap((m) => m.bestOf).sort((a, b) => (a.list < b.list ? -1 : a.list > b.list ? 1 : 0));
  const { fullName, description, language } = identity(id, members, latestRank, bo);
  const { stars, forks, contributors, last, license } = activity(members, bo);
  const labels = sortedUnique(bo.flatMap((b) => (b.labels || '').split(';').map((x) => x.trim().toLowerCase())));
  const sources = sortedUnique(members.flatMap((m) => [
    m.ranking && SOURCE_NAMES.ranking, m.bestOf.length && SOURCE_NAMES.bestOf, m.collections.length && SOURCE_NAMES.explore,
  ]).filter((x) => typeof x === 'string'));
  const row = {
    id,
    full_name: fullName,
    url: `https://github.com/${fullName}`,
    description,
    language,
    topics: topicsOf(id, description, language, labels, tIdx, curated),
    categories: sortedUnique(bo.map((b) => (b.category_title || '').trim())),
    labels,
    collections: sortedUnique(members.flatMap((m) => m.collections)),
    stars,
    forks,
    contributors,
    last_activity: last,
    license,
    kind: null,
    kind_reasons: null,
    complexity: null,
    complexity_reasons: null,
    aliases: sortedUnique(members.filter((m) => m.id !== id).map((m) => m.id)),
    sources,
  };
  const k = classifyKind(row);
  row.kind = k.kind;
  row.kind_reasons = k.reasons;
  const c = classifyComplexity(row);
  row.complexity = c.level;
  row.complexity_reasons = c.reasons;
  return row;
}

/**
 * Build the catalog rows in memory.
 * @returns {{rows: object[], aliases: Map<string,string>}}
 */
export function buildCatalog() {
  const [ranking, bestOf, items, topics] = INPUT_FILES.map(read);
  const obs = observe(ranking, bestOf, items);
  const aliases = resolveAliases(obs);
  const tIdx = topicIndex(topics);
  const curated = new Set(topics.map((t) => t.topic.trim().toLowerCase()));
  const rows = [...groupByFinalId(obs, aliases)].map(([id, members]) => catalogRow(id, members, tIdx, curated));
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rows, aliases };
}

/** Original-case names for alias targets that appear in no source under their new name. */
const EXPLICIT_NAME_CASE = Object.freeze({
  'ydataai/ydata-profiling': 'ydataai/ydata-profiling',
  'pythonprofilers/memory_profiler': 'pythonprofilers/memory_profiler',
});

export function serialise(rows) {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export function distribution(rows) {
  const d = { beginner: 0, intermediate: 0, advanced: 0 };
  for (const r of rows) d[r.complexity]++;
  return d;
}

function isUpToDate(out) {
  if (!existsSync(out)) return false;
  const outTime = statSync(out).mtimeMs;
  return [...INPUT_FILES, ...CODE_FILES].every((p) => statSync(p).mtimeMs < outTime);
}

function parseArgs(argv) {
  const opts = { force: false, out: DEFAULT_OUT, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--out') {
      if (!argv[i + 1]) throw new Error('--out needs a file name');
      opts.out = resolve(argv[++i]);
    } else if (a.startsWith('--out=')) opts.out = resolve(a.slice(6));
    else throw new Error(`unknown argument: ${a} (usage: build-catalog.mjs [--force] [--out FILE] [--quiet])`);
  }
  return opts;
}

export function main(argv = process.argv.slice(2)) {
  const opts = parseArgs(argv);
  if (!opts.force && isUpToDate(opts.out)) {
    console.log(`catalog up to date: ${opts.out}`);
    return 0;
  }
  const t0 = Date.now();
  const { rows, aliases } = buildCatalog();
  mkdirSync(dirname(opts.out), { recursive: true });
  // Write then rename, so a reader never sees a half-written catalog.
  const tmp = `${opts.out}.tmp-${process.pid}`;
  writeFileSync(tmp, serialise(rows));
  renameSync(tmp, opts.out);
  if (!opts.quiet) {
    const d = distribution(rows);
    const pct = (n) => `${((100 * n) / rows.length).toFixed(1)}%`;
    console.log(`wrote ${rows.length} rows to ${opts.out} in ${Date.now() - t0} ms (${aliases.size} renamed ids merged)`);
    console.log(`complexity: beginner ${d.beginner} (${pct(d.beginner)}), intermediate ${d.intermediate} (${pct(d.intermediate)}), advanced ${d.advanced} (${pct(d.advanced)})`);
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(`build-catalog: ${e.message}`);
    process.exitCode = 1;
  }
}
