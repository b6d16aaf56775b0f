// Precision and recall of the learning-kind facet against the hand labels (tests/catalog/kind-labels.tsv).
// Usage: node tests/catalog/kind-eval.mjs   (prints a table per kind and the confusions, for the original labels and
// the second to fourth fresh draws, kind-labels-fresh2.tsv … kind-labels-fresh4.tsv)
// The sample is stratified by the builder's kind at sampling time (tests/catalog/kind-sample.tsv), so every labelled
// row is weighted by its stratum's size / rows drawn from it: precision and recall then estimate the whole catalog's.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KINDS, LEARNING_KINDS } from '../../models/catalog/kind.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

// Hand labels joined with the sample they were drawn from (stratum and its size per id): the original set by default,
// or the second fresh draw (readLabels('./kind-labels-fresh2.tsv', './kind-sample-fresh2.tsv')).
export function readLabels(labelsFile = './kind-labels.tsv', sampleFile = './kind-sample.tsv') {
  const lines = (f) => readFileSync(here(f), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  const strata = new Map(lines(sampleFile).map(([id, stratum, size]) => [id, { stratum, size: Number(size) }]));
  const drawn = new Map();
  for (const { stratum } of strata.values()) drawn.set(stratum, (drawn.get(stratum) ?? 0) + 1);
  return lines(labelsFile).map(([id, label]) => {
    const s = strata.get(id);
    if (!s) throw new Error(`${labelsFile}: ${id} is not in ${sampleFile}`);
    if (!KINDS.includes(label)) throw new Error(`${labelsFile}: ${id}: unknown kind ${label}`);
    return { id, label, weight: s.size / drawn.get(s.stratum) };
  });
}

// Per kind table of weighted precision and recall (and the learning-material group) for one labelled set.
function printTable(title, labels, kindOf) {
  const { perKind, confusions } = scoreKinds(labels, kindOf);
  const f = (x) => (Number.isNaN(x) ? '–' : x.toFixed(2));
  console.log(`${title}: ${labels.length} hand labels\n| kind | labelled | predicted (in sample) | precision | recall |\n|---|---|---|---|---|`);
  for (const k of KINDS) {
    const s = perKind[k];
    console.log(`| ${k} | ${s.tp + s.fn} | ${s.tp + s.fp} | ${f(s.precision)} | ${f(s.recall)} |`);
  }
  const group = scoreGroup(labels, kindOf, LEARNING_KINDS);
  console.log(`| learning material (any of ${LEARNING_KINDS.join(', ')}) | ${group.labelled} | ${group.predicted} | ${f(group.precision)} | ${f(group.recall)} |`);
  for (const [key, ids] of [...confusions].sort((a, b) => b[1].length - a[1].length)) console.log(`${key}: ${ids.length} (${ids.slice(0, 6).join(', ')})`);
}

/** Per kind: weighted precision, recall, and the unweighted counts behind them. */
export function scoreKinds(labels, kindOf) {
  const out = {};
  for (const k of KINDS) out[k] = { tp: 0, fp: 0, fn: 0, wtp: 0, wfp: 0, wfn: 0 };
  const confusions = new Map();
  for (const { id, label, weight } of labels) {
    const got = kindOf(id);
    if (got === label) {
      out[label].tp++;
      out[label].wtp += weight;
    } else {
      out[got].fp++;
      out[got].wfp += weight;
      out[label].fn++;
      out[label].wfn += weight;
      const key = `${label} → ${got}`;
      confusions.set(key, [...(confusions.get(key) ?? []), id]);
    }
  }
  for (const k of KINDS) {
    const s = out[k];
    s.precision = s.wtp + s.wfp > 0 ? s.wtp / (s.wtp + s.wfp) : NaN;
    s.recall = s.wtp + s.wfn > 0 ? s.wtp / (s.wtp + s.wfn) : NaN;
  }
  return { perKind: out, confusions };
}

/** Weighted precision and recall of "is one of `group`" (e.g. any learning kind), whatever the kind inside it. */
export function scoreGroup(labels, kindOf, group) {
  let wtp = 0, wfp = 0, wfn = 0, labelled = 0, predicted = 0;
  for (const { id, label, weight } of labels) {
    const truth = group.includes(label), got = group.includes(kindOf(id));
    labelled += truth;
    predicted += got;
    if (truth && got) wtp += weight;
    else if (got) wfp += weight;
    else if (truth) wfn += weight;
  }
  return { labelled, predicted, precision: wtp / (wtp + wfp), recall: wtp / (wtp + wfn) };
}

// The independent checks (kind-labels-check.tsv, labelled after the rule's first version was final;
// kind-labels-fresh.tsv, labelled after its second correction): per kind the builder gives now, how many of its rows
// carry that label; and the precision of "is learning material" (of the rows the builder calls learning material,
// the share labelled as one of the six learning kinds).
export function checkPrecision(kindOf, file = './kind-labels-check.tsv') {
  const rows = readFileSync(here(file), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  const out = {};
  let predicted = 0, right = 0;
  for (const [id, label] of rows) {
    const got = kindOf(id);
    out[got] ??= { n: 0, right: 0 };
    out[got].n++;
    out[got].right += got === label;
    if (LEARNING_KINDS.includes(got)) {
      predicted++;
      right += LEARNING_KINDS.includes(label);
    }
  }
  return { perKind: out, learning: right / predicted, right, predicted, n: rows.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { buildCatalog } = await import('../../models/catalog/build-catalog.mjs');
  const kinds = new Map(buildCatalog().rows.map((r) => [r.id, r.kind]));
  for (const file of ['./kind-labels-check.tsv', './kind-labels-fresh.tsv']) {
    const check = checkPrecision((id) => kinds.get(id), file);
    console.log(`${file.slice(2)} (${check.n} rows): learning material precision ${check.learning.toFixed(2)} ` +
      `(${check.right}/${check.predicted}); per kind ` + Object.entries(check.perKind).map(([k, v]) => `${k} ${v.right}/${v.n}`).join(', '));
  }
  printTable('kind-labels.tsv (guided the rule)', readLabels(), (id) => kinds.get(id));
  printTable('kind-labels-fresh2.tsv (guided the fifth correction)', readLabels('./kind-labels-fresh2.tsv', './kind-sample-fresh2.tsv'), (id) => kinds.get(id));
  printTable('kind-labels-fresh3.tsv (guided the sixth correction)', readLabels('./kind-labels-fresh3.tsv', './kind-sample-fresh3.tsv'), (id) => kinds.get(id));
  printTable('kind-labels-fresh4.tsv (fresh, all kinds)', readLabels('./kind-labels-fresh4.tsv', './kind-sample-fresh4.tsv'), (id) => kinds.get(id));
}
