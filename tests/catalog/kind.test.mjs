// Learning kind (models/catalog/kind.mjs): every row gets one of the documented kinds, the rule explains itself, and
// against the hand labels (tests/catalog/kind-labels.tsv) the facet keeps the precision the ranker relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../models/catalog/build-catalog.mjs';
import { KINDS, LEARNING_KINDS, classifyKind } from '../../models/catalog/kind.mjs';
import { checkPrecision, readLabels, scoreGroup, scoreKinds } from './kind-eval.mjs';

const { rows } = buildCatalog();
const kindOf = new Map(rows.map((r) => [r.id, r.kind]));

test('every row has a documented kind and the reason for it', () => {
  for (const r of rows) {
    assert.ok(KINDS.includes(r.kind), `${r.id}: ${r.kind}`);
    assert.ok(r.kind_reasons.length >= 1, r.id);
  }
  for (const k of KINDS) assert.ok(rows.some((r) => r.kind === k), `no row of kind ${k}`);
});

test('words decide the kind, with software vetoes', () => {
  assert.equal(classifyKind({ id: 'x/awesome-go', description: 'A curated list of awesome Go frameworks' }).kind, 'list');
  assert.equal(classifyKind({ id: 'x/rustlings', description: 'Small exercises to get you used to reading and writing Rust code!' }).kind, 'exercises');
  assert.equal(classifyKind({ id: 'x/r4ds', description: 'R for data science: a book' }).kind, 'book');
  assert.equal(classifyKind({ id: 'x/reader', description: 'An ebook reader application supporting PDF and EPUB' }).kind, 'app');
  assert.equal(classifyKind({ id: 'x/docker-curriculum', description: 'A comprehensive tutorial on getting started with Docker!' }).kind, 'tutorial');
  assert.equal(classifyKind({ id: 'x/lint', description: 'A tool to enforce Swift style and conventions.' }).kind, 'tool');
  assert.equal(classifyKind({ id: 'x/ml-lib', description: 'A machine learning library' }).kind, 'library');
  assert.equal(classifyKind({ id: 'x/starter', description: 'A starter template for Flask apps' }).kind, 'example');
  // Software whose description uses a material word (the misses of the first check set).
  assert.equal(classifyKind({ id: 'x/moderncv', description: 'A modern curriculum vitae class for LaTeX', language: 'TeX' }).kind, 'library');
  assert.equal(classifyKind({ id: 'x/mako', description: 'Mako Templates for Python.', language: 'Python' }).kind, 'library');
  assert.equal(classifyKind({ id: 'x/navi', description: 'An interactive cheatsheet tool for the command-line', topics: ['cheatsheet'] }).kind, 'tool');
  assert.equal(classifyKind({ id: 'x/awesome-slugify', description: 'Python flexible slugify function.', language: 'Python' }).kind, 'library');
  assert.ok(!LEARNING_KINDS.includes(classifyKind({ id: 'x/fonts-helper', description: 'Self-host fonts. Get woff files + CSS snippets' }).kind));
  assert.equal(classifyKind({ id: 'x/awesome-go', description: 'A curated list of awesome Go frameworks, libraries and components' }).kind, 'list');
});

test('hand labels: learning material (what the ranker promotes) has precision >= 0.9; every kind is measured', () => {
  const labels = readLabels();
  assert.ok(labels.length >= 300, `${labels.length} labels`);
  for (const k of KINDS) assert.ok(labels.filter((l) => l.label === k).length >= 20, `few labels of ${k}`);
  const group = scoreGroup(labels, (id) => kindOf.get(id), LEARNING_KINDS);
  assert.ok(group.precision >= 0.9, `learning material precision ${group.precision.toFixed(3)}`);
  // Per kind, precision and recall are defined (measured, reported in models/catalog/README.md).
  const { perKind } = scoreKinds(labels, (id) => kindOf.get(id));
  for (const k of KINDS) assert.ok(perKind[k].precision > 0 && perKind[k].recall > 0, k);
});

test('first fresh labels (drawn after the second correction): learning material precision stays >= 0.88', () => {
  const fresh = checkPrecision((id) => kindOf.get(id), './kind-labels-fresh.tsv');
  assert.ok(fresh.n >= 60, `${fresh.n} fresh labels`);
  // Measured 59/66 = 0.894 when labelled, 59/63 = 0.937 after the third correction (models/catalog/README.md).
  assert.ok(fresh.learning >= 0.88, `fresh learning material precision ${fresh.learning.toFixed(3)}`);
});

test('second fresh labels (every kind; guided the fifth correction): learning material precision pinned', () => {
  const labels = readLabels('./kind-labels-fresh2.tsv', './kind-sample-fresh2.tsv');
  assert.ok(labels.length >= 100, `${labels.length} fresh labels`);
  // 0.85 / recall 0.82 when labelled; 1.00 / 0.82 after the fifth correction, which was made on its errors
  // (so no longer a fresh figure; models/catalog/README.md).
  const group = scoreGroup(labels, (id) => kindOf.get(id), LEARNING_KINDS);
  assert.ok(group.precision >= 0.95, `fresh2 learning material precision ${group.precision.toFixed(3)}`);
  assert.ok(group.recall >= 0.8, `fresh2 learning material recall ${group.recall.toFixed(3)}`);
});

test('third fresh labels (every kind; guided the sixth correction): learning material precision pinned', () => {
  const labels = readLabels('./kind-labels-fresh3.tsv', './kind-sample-fresh3.tsv');
  assert.ok(labels.length >= 100, `${labels.length} fresh labels`);
  // 0.83 when labelled (after the fifth correction), 0.99 after the sixth, made on its errors.
  const group = scoreGroup(labels, (id) => kindOf.get(id), LEARNING_KINDS);
  assert.ok(group.precision >= 0.95, `fresh3 learning material precision ${group.precision.toFixed(3)}`);
});

test('fourth fresh labels (every kind, drawn after the sixth correction, never used to change it): figures pinned', () => {
  const labels = readLabels('./kind-labels-fresh4.tsv', './kind-sample-fresh4.tsv');
  assert.ok(labels.length >= 95, `${labels.length} fresh labels`);
  // Measured when labelled (models/catalog/README.md): weighted learning-material precision 0.92 (the ≥ 0.9 target),
  // recall 0.56; per kind example and list 0.92. A rule change that loses precision fails here.
  const group = scoreGroup(labels, (id) => kindOf.get(id), LEARNING_KINDS);
  assert.ok(group.precision >= 0.9, `fresh4 learning material precision ${group.precision.toFixed(3)}`);
  assert.ok(group.recall >= 0.5, `fresh4 learning material recall ${group.recall.toFixed(3)}`);
  const { perKind } = scoreKinds(labels, (id) => kindOf.get(id));
  for (const k of ['example', 'list']) assert.ok(perKind[k].precision >= 0.9, `fresh4 ${k} precision ${perKind[k].precision.toFixed(3)}`);
});
