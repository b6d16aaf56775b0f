// Learner evaluation of the content ranking (docs/RANKING-EVAL.md): NDCG@10, P@10, intra-list diversity, per-owner
// repeats and catalog coverage per skill level and split, over the real shard, graded by tests/eval/judge.mjs.
// Usage: node tests/eval/ranking-eval.mjs [--tune] [--json FILE] [--pages NAME,NAME,…] [--weights JSON]
// Environment: WAYFINDER_CORE_MJS (another build of the core module), WAYFINDER_EVAL_MODELS (another models folder
// with catalog.jsonl, the model and shards/, e.g. the previous release's, to measure the old ranking).
//   --tune     coordinate search over ContentWeights on the train split only, then report every split
//   --rounds N rounds of the coordinate search (default 2)
//   --diversity-sweep  also measure the weights without the diversity rule, with the owner cap only, and at several λ
//   --json     also write the full result (figures, first pages of every profile) to FILE
//   --bounds   also report, on the train split, how far a re-ordering of the ranker's candidates could go (bounds())
//   --pages    print the first page of these profiles
//   --weights  rank with these ContentWeights instead of the core's defaults
//   --int8     embed the profiles with the int8 model the browser downloads (model-info.json `int8`), not float32
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbedder } from '../../web/src/embedder.js';
import { grade, judgeKind, ndcgAtK, normTag, precisionAtK } from './judge.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const K = 10;
export const LEVELS = ['beginner', 'intermediate', 'advanced'];

// Loads the core, the real shard and the model; embeds every profile's query text with the app's pipeline (core
// profileQueryText + C++ tokenizer + the ONNX encoder of web/src/embedder.js); grades every catalog row per profile.
// model: 'float32' (the reference file, model-info.json onnx_file) or 'int8' (the file clients download).
export async function loadEvaluation({ models = process.env.WAYFINDER_EVAL_MODELS ?? path.join(repoRoot, 'models/build'), file = path.join(repoRoot, 'tests/eval/learners.json'), model = 'float32' } = {}) {
  process.env.ONNXRUNTIME_NODE_INSTALL ??= 'skip';
  const coreFile = process.env.WAYFINDER_CORE_MJS ?? path.join(repoRoot, 'web/wasm/wayfinder_core_simd.mjs');
  const core = await (await import(coreFile)).default();
  const info = JSON.parse(fs.readFileSync(path.join(models, 'model-info.json'), 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(models, 'shards/manifest.json'), 'utf8'));
  const searcher = new core.ShardSearcher(
    fs.readFileSync(path.join(models, 'shards', manifest.shards[0].file)),
    fs.readFileSync(path.join(models, 'shards', manifest.shards[0].vectors.file)),
    JSON.stringify(manifest.model),
  );
  const metas = [];
  for (let i = 0; i < searcher.size(); ++i) metas.push(JSON.parse(searcher.metaJson(i)));
  // The judge reads catalog rows (it must not see the shard's facets): join by id.
  const catalog = new Map(fs.readFileSync(path.join(models, 'catalog.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l);
    return [r.id, r];
  }));
  const rows = metas.map((m, i) => catalog.get(searcher.id(i)) ?? m);

  const { areas, profiles } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const tokenizer = core.Tokenizer.fromVocabJson(fs.readFileSync(path.join(models, info.vocab_file ?? 'vocab.json'), 'utf8'));
  if (model === 'int8' && !info.int8) throw new Error(`${models}/model-info.json has no int8 model (rebuild: node models/convert/build-model.mjs)`);
  const modelFile = model === 'int8' ? info.int8.file : info.onnx_file;
  const embedder = await createEmbedder({ modelBytes: fs.readFileSync(path.join(models, modelFile)), backend: 'node' });
  const texts = profiles.map((p) => core.profileQueryText(JSON.stringify(p.profile)));
  const vectors = await embedder.run(texts.map((t) => Int32Array.from(tokenizer.encode(t))));
  const cases = profiles.map((p, i) => {
    const area = areas[p.area];
    if (!area) throw new Error(`profile ${p.name}: unknown area ${p.area}`);
    const grades = rows.map((r) => grade(r, area, p.profile.skill_level));
    return { name: p.name, split: p.split, level: p.profile.skill_level, profile: p.profile, profileJson: JSON.stringify(p.profile), query: vectors[i], grades, area };
  });
  // Project vectors for diversity: the model's embedding of each project's text (what the shard stores, unquantised).
  const projectVectors = new Map();
  const vectorsOf = async (indices) => {
    const missing = indices.filter((i) => !projectVectors.has(i));
    if (missing.length) {
      const ids = missing.map((i) => Int32Array.from(tokenizer.encode(core.projectText(JSON.stringify(rows[i])))));
      const out = await embedder.run(ids);
      missing.forEach((i, k) => projectVectors.set(i, out[k]));
    }
    return indices.map((i) => projectVectors.get(i));
  };
  const close = async () => {
    await embedder.dispose();
    tokenizer.delete();
    searcher.delete();
  };
  return { core, searcher, rows, cases, vectorsOf, defaults: JSON.parse(core.contentWeightsDefault()), close };
}

const cosine = (a, b) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; ++i) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
};

/** Intra-list diversity: mean pairwise cosine distance (1 − cos) of a page's project vectors. */
export function intraListDiversity(vectors) {
  let sum = 0, pairs = 0;
  for (let i = 0; i < vectors.length; ++i)
    for (let j = i + 1; j < vectors.length; ++j) {
      sum += 1 - cosine(vectors[i], vectors[j]);
      ++pairs;
    }
  return pairs ? sum / pairs : 0;
}

/** Largest number of projects of one owner on a page. */
export function maxPerOwner(ids) {
  const n = new Map();
  for (const id of ids) n.set(id.split('/')[0], (n.get(id.split('/')[0]) ?? 0) + 1);
  return Math.max(0, ...n.values());
}

/** First page (K projects) of every case: ids, row indices, grades, reasons. */
export function firstPages(ev, weights, cases = ev.cases) {
  const w = weights ? JSON.stringify(weights) : '';
  return cases.map((c) => {
    const top = JSON.parse(ev.searcher.rank(c.query, c.profileJson, K, w)).top;
    return { name: c.name, top: top.map((t) => ({ index: t.index, id: t.id, grade: c.grades[t.index], reasons: t.reasons, kind: t.kind })) };
  });
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

// Relevance only (what tuning optimises): mean NDCG@10 over cases.
export function meanNdcg(ev, weights, cases) {
  const pages = firstPages(ev, weights, cases);
  return mean(pages.map((p, k) => ndcgAtK(p.top.map((t) => t.grade), cases[k].grades)));
}

/** Every figure per group (level × split, split, all): NDCG@10, P@10, diversity, owner repeats, coverage. */
export async function measure(ev, weights) {
  const pages = firstPages(ev, weights);
  const perCase = [];
  for (const [k, p] of pages.entries()) {
    const c = ev.cases[k];
    const g = p.top.map((t) => t.grade);
    const vecs = await ev.vectorsOf(p.top.map((t) => t.index));
    perCase.push({ name: c.name, split: c.split, level: c.level, ndcg: ndcgAtK(g, c.grades), precision: precisionAtK(g),
      ild: intraListDiversity(vecs), maxOwner: maxPerOwner(p.top.map((t) => t.id)), ids: p.top.map((t) => t.id),
      learning: p.top.filter((t) => judgeKind(ev.rows[t.index]) === 'learning').length / K });
  }
  const group = (sel) => {
    const xs = perCase.filter(sel);
    return { n: xs.length, ndcg: mean(xs.map((x) => x.ndcg)), precision: mean(xs.map((x) => x.precision)),
      ild: mean(xs.map((x) => x.ild)), maxOwner: Math.max(0, ...xs.map((x) => x.maxOwner)),
      pagesOwnerOver2: xs.filter((x) => x.maxOwner > 2).length, learningShare: mean(xs.map((x) => x.learning)),
      coverage: new Set(xs.flatMap((x) => x.ids)).size };
  };
  const groups = {};
  for (const split of ['train', 'test', 'all']) {
    const inSplit = (x) => split === 'all' || x.split === split;
    groups[split] = group(inSplit);
    for (const level of LEVELS) groups[`${split}/${level}`] = group((x) => inSplit(x) && x.level === level);
  }
  return { weights, groups, perCase, pages, catalogSize: ev.rows.length };
}

const LEARNING_KINDS = new Set(['tutorial', 'book', 'exercises', 'list', 'reference']);
const onTopic = (row, area) =>
  [...(row.topics ?? []), ...(row.categories ?? []), ...(row.labels ?? []), ...(row.collections ?? [])].map(normTag).some((t) => area.tags.includes(t));

/**
 * Diagnostics on the TRAIN split, never an input of the ranking: the ranker's best `depth` candidates (blend order,
 * no diversity rule) and NDCG@10 of (a) their first 10 as ranked, (b) the best order of the first 50 and of all
 * `depth` (the ceiling of any re-ranking), (c) the blend plus 1 for rows the judge's hidden area tags call on topic —
 * for a beginner only rows of a learning kind (the product's facet) — i.e. the ranker's own kind, size and language
 * priors given perfect knowledge of the topic. Per level and overall.
 */
export function bounds(ev, weights = ev.defaults, depth = 400) {
  const train = ev.cases.filter((c) => c.split === 'train');
  const figures = { ranked: [], best50: [], bestAll: [], topicOracle: [] };
  const levels = [];
  for (const c of train) {
    const top = JSON.parse(ev.searcher.rank(c.query, c.profileJson, depth, JSON.stringify({ ...weights, diversity: 1, ownerCap: 0 }))).top;
    const gradesOf = (list) => list.map((t) => c.grades[t.index]);
    const bestOf = (n) => gradesOf(top.slice(0, n)).sort((a, b) => b - a);
    const boost = (t) => (onTopic(ev.rows[t.index], c.area) && (c.level !== 'beginner' || LEARNING_KINDS.has(t.kind)) ? 1 : 0);
    const oracle = top.map((t, j) => [t.relevance + boost(t), j]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, j]) => top[j]);
    figures.ranked.push(ndcgAtK(gradesOf(top), c.grades));
    figures.best50.push(ndcgAtK(bestOf(50), c.grades));
    figures.bestAll.push(ndcgAtK(bestOf(depth), c.grades));
    figures.topicOracle.push(ndcgAtK(gradesOf(oracle), c.grades));
    levels.push(c.level);
  }
  const out = {};
  for (const [name, xs] of Object.entries(figures)) {
    out[name] = { all: mean(xs) };
    for (const level of LEVELS) out[name][level] = mean(xs.filter((_, k) => levels[k] === level));
  }
  return out;
}

const GRID = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1];

/** Coordinate ascent on the TRAIN split's mean NDCG@10 (the held-out split is never looked at). */
export function tune(ev, start, rounds = 2) {
  const train = ev.cases.filter((c) => c.split === 'train');
  const keys = Object.keys(start);
  let best = { ...start };
  let bestScore = meanNdcg(ev, best, train);
  const trace = [];
  for (let r = 0; r < rounds; ++r) {
    for (const key of keys) {
      for (const v of GRID) {
        if (v === best[key]) continue;
        const cand = { ...best, [key]: v };
        const s = meanNdcg(ev, cand, train);
        if (s > bestScore + 1e-9) {
          best = cand;
          bestScore = s;
          trace.push({ round: r, key, value: v, ndcg: +s.toFixed(4) });
          if (process.env.WAYFINDER_EVAL_VERBOSE) process.stderr.write(`tune: ${JSON.stringify(trace.at(-1))}\n`);
        }
      }
    }
  }
  return { weights: best, trainNdcg: bestScore, trace };
}

export function markdownTable(label, m) {
  const f = (x) => x.toFixed(3);
  const lines = [`| ${label} | n | NDCG@10 | P@10 (grade ≥ 2) | learning share | diversity (ILD) | max per owner | pages with > 2 of one owner |`,
    '|---|---|---|---|---|---|---|---|'];
  for (const key of ['test/beginner', 'test/intermediate', 'test/advanced', 'test', 'train', 'all']) {
    const g = m.groups[key];
    lines.push(`| ${key} | ${g.n} | ${f(g.ndcg)} | ${f(g.precision)} | ${f(g.learningShare)} | ${f(g.ild)} | ${g.maxOwner} | ${g.pagesOwnerOver2} |`);
  }
  lines.push(`coverage: ${m.groups.all.coverage} distinct projects on ${m.perCase.length} first pages (${(100 * m.groups.all.coverage / m.catalogSize).toFixed(1)} % of ${m.catalogSize})`);
  return lines.join('\n');
}

// The diversity rule's effect on relevance: the same weights without the rule, with the owner cap only, and with
// MMR at several λ (docs/RANKING-EVAL.md, "Diversity").
async function diversitySweep(ev, weights) {
  const settings = [['no diversity rule', { diversity: 1, ownerCap: 0 }], ['owner cap 2 only', { diversity: 1, ownerCap: 2 }],
    ['cap 2 + MMR λ 0.85', { diversity: 0.85 }], ['cap 2 + MMR λ 0.7', { diversity: 0.7 }],
    ['cap 2 + MMR λ 0.5', { diversity: 0.5 }], ['cap 2 + MMR λ 0.4 (default)', { diversity: 0.4 }],
    ['cap 2 + MMR λ 0.3', { diversity: 0.3 }]];
  const f = (x) => x.toFixed(3);
  process.stdout.write('| rule | NDCG@10 test | NDCG@10 all | P@10 all | ILD all | max per owner | pages > 2 of one owner | coverage |\n|---|---|---|---|---|---|---|---|\n');
  for (const [name, opts] of settings) {
    const g = (await measure(ev, { ...weights, ...opts })).groups;
    process.stdout.write(`| ${name} | ${f(g.test.ndcg)} | ${f(g.all.ndcg)} | ${f(g.all.precision)} | ${f(g.all.ild)} | ${g.all.maxOwner} | ${g.all.pagesOwnerOver2} | ${g.all.coverage} |\n`);
  }
}

function printBounds(b) {
  const f = (x) => x.toFixed(3);
  const names = { ranked: 'first 10 as ranked (no diversity rule)', best50: 'best order of the first 50', bestAll: 'best order of all 400',
    topicOracle: 'blend + perfect knowledge of the topic' };
  process.stdout.write('| train split | all | beginner | intermediate | advanced |\n|---|---|---|---|---|\n');
  for (const [k, v] of Object.entries(b)) process.stdout.write(`| ${names[k]} | ${f(v.all)} | ${LEVELS.map((l) => f(v[l])).join(' | ')} |\n`);
}

function arg(argv, name) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv) {
  const t0 = performance.now();
  const ev = await loadEvaluation({ model: argv.includes('--int8') ? 'int8' : 'float32' });
  let weights = arg(argv, '--weights') ? JSON.parse(arg(argv, '--weights')) : ev.defaults;
  let tuned = null;
  if (argv.includes('--tune')) {
    tuned = tune(ev, weights, Number(arg(argv, '--rounds') ?? 2));
    weights = tuned.weights;
    process.stdout.write(`tuned on train: ${JSON.stringify(tuned.weights)} (train NDCG@10 ${tuned.trainNdcg.toFixed(3)})\ntrace: ${JSON.stringify(tuned.trace)}\n`);
  }
  if (argv.includes('--diversity-sweep')) await diversitySweep(ev, weights);
  if (argv.includes('--bounds')) printBounds(bounds(ev, weights));
  const m = await measure(ev, weights);
  process.stdout.write(`${ev.cases.length} profiles, ${ev.rows.length} projects, weights ${JSON.stringify(weights)}\n`);
  process.stdout.write(`${markdownTable('split/level', m)}\n`);
  const show = (arg(argv, '--pages') ?? '').split(',').filter(Boolean);
  for (const name of show) {
    const p = m.pages.find((x) => x.name === name);
    if (!p) throw new Error(`--pages: no profile ${name}`);
    process.stdout.write(`\n${name}:\n${p.top.map((t, r) => `  ${r + 1}. ${t.id} [grade ${t.grade}${t.kind ? `, ${t.kind}` : ''}] ${t.reasons.join('; ')}`).join('\n')}\n`);
  }
  const out = arg(argv, '--json');
  if (out) fs.writeFileSync(out, `${JSON.stringify({ weights, tuned, groups: m.groups, pages: m.pages.map((p) => ({ name: p.name, top: p.top.map((t) => [t.id, t.grade, t.kind ?? null, t.reasons[0] ?? '']) })) }, null, 1)}\n`);
  process.stdout.write(`(${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  await ev.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`ranking-eval: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });
}
