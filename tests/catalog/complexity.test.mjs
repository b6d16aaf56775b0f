// Complexity rule: hand-checked levels for real catalog projects, with the reason a human would give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCatalog } from '../../models/catalog/build-catalog.mjs';
import { classifyComplexity } from '../../models/catalog/complexity.mjs';
import { classifyKind } from '../../models/catalog/kind.mjs';

const { rows } = buildCatalog();
const byId = new Map(rows.map((r) => [r.id, r]));

// [id, level a human would give, why]
const EXAMPLES = [
  ['codecrafters-io/build-your-own-x', 'beginner', 'a Markdown list of step-by-step "build your own X" tutorials'],
  ['freecodecamp/freecodecamp', 'beginner', 'a curriculum: the whole point is learning to code'],
  ['thealgorithms/python', 'beginner', 'short, self-contained algorithm files in Python'],
  ['trekhleb/javascript-algorithms', 'beginner', 'algorithms with explanations, written for learners'],
  ['sindresorhus/awesome', 'beginner', 'a list of lists, no code'],
  ['ebookfoundation/free-programming-books', 'beginner', 'a list of free books'],
  ['practical-tutorials/project-based-learning', 'beginner', 'a list of project tutorials'],
  ['jwasham/coding-interview-university', 'beginner', 'a study plan'],
  ['microsoft/ml-for-beginners', 'beginner', 'a course, says so in the name'],
  ['nilbuild/developer-roadmap', 'beginner', 'roadmaps for learners (was kamranahmedse/developer-roadmap)'],
  ['tldr-pages/tldr', 'beginner', 'simplified man pages, a cheat sheet'],
  ['gto76/python-cheatsheet', 'beginner', 'a single-page Python cheat sheet'],
  ['firstcontributions/first-contributions', 'beginner', 'made for a first pull request'],
  ['torvalds/linux', 'advanced', 'an operating system kernel in C'],
  ['tensorflow/tensorflow', 'advanced', 'a C++ deep learning framework with thousands of contributors'],
  ['pytorch/pytorch', 'advanced', 'tensor library with GPU kernels'],
  ['golang/go', 'advanced', 'a compiler and runtime for a programming language'],
  ['rust-lang/rust', 'advanced', 'a compiler, even if it welcomes first contributions'],
  ['kubernetes/kubernetes', 'advanced', 'distributed container orchestration'],
  ['redis/redis', 'advanced', 'an in-memory database engine in C'],
  ['clickhouse/clickhouse', 'advanced', 'a column-store database management system in C++'],
  ['denoland/deno', 'advanced', 'a JavaScript runtime in Rust'],
  ['nodejs/node', 'advanced', 'a JavaScript runtime (V8 bindings, libuv)'],
  ['apache/spark', 'advanced', 'a distributed analytics engine'],
  ['react/react', 'intermediate', 'a widely used UI library: easy to use, not a first project to read'],
  ['pallets/flask', 'intermediate', 'a small web framework; needs some Python and HTTP first'],
  ['django/django', 'intermediate', 'a large but well-documented web framework'],
  ['ollama/ollama', 'intermediate', 'an app you can run and read in Go; no beginner or systems signal'],
];

test('the hand-checked examples get the level a human would give', () => {
  const wrong = [];
  for (const [id, level, why] of EXAMPLES) {
    const row = byId.get(id);
    assert.ok(row, `${id} is in the catalog`);
    if (row.complexity !== level) wrong.push(`${id}: got ${row.complexity}, want ${level} (${why}); reasons: ${row.complexity_reasons.join('; ')}`);
  }
  assert.deepEqual(wrong, []);
  assert.ok(EXAMPLES.length >= 20);
});

test('classification is a pure function of the row and explains itself', () => {
  const row = byId.get('torvalds/linux');
  const a = classifyComplexity(row);
  const b = classifyComplexity(structuredClone(row));
  assert.deepEqual(a, b);
  assert.ok(a.reasons.some((r) => r.includes('kernel')));
  assert.deepEqual(row.complexity_reasons, a.reasons);
});

test('"machine learning" is a field, not a learning resource', () => {
  const c = classifyComplexity({ id: 'x/ml-lib', description: 'A machine learning library', language: 'Go' });
  assert.ok(!c.reasons.some((r) => r.includes('learn')), c.reasons.join('; '));
  // The course is recognised by its learning kind (kind.mjs), which the complexity rule now reads.
  const course = { id: 'x/ml-course', description: 'Learn machine learning in 12 lessons', language: 'Go' };
  const d = classifyComplexity({ ...course, kind: classifyKind(course).kind });
  assert.equal(d.level, 'beginner');
  assert.ok(d.reasons.includes('+3 kind: tutorial'), d.reasons.join('; '));
});

test('learning material is not advanced for naming many hard subjects: only its hardest one counts', () => {
  const row = { id: 'x/awesome-systems', kind: 'list', language: 'C',
    description: 'A curated list of compilers, kernels, databases, distributed systems and GPU programming' };
  const c = classifyComplexity(row);
  assert.equal(c.level, 'intermediate', c.reasons.join('; '));
  assert.equal(c.reasons.filter((r) => r.startsWith('-')).length, 1, c.reasons.join('; '));
  // The same words on a library add up, and its language counts.
  assert.equal(classifyComplexity({ ...row, kind: 'library' }).level, 'advanced');
});

test('a row with no signal is intermediate, and says so', () => {
  const c = classifyComplexity({ id: 'x/y', description: '', language: null });
  assert.equal(c.level, 'intermediate');
  assert.deepEqual(c.reasons, ['no signal: default intermediate']);
});

test('the distribution is not dominated by one class', () => {
  const d = { beginner: 0, intermediate: 0, advanced: 0 };
  for (const r of rows) d[r.complexity]++;
  for (const [level, n] of Object.entries(d)) {
    assert.ok(n / rows.length >= 0.08, `${level} is ${n} of ${rows.length}`);
    assert.ok(n / rows.length <= 0.85, `${level} is ${n} of ${rows.length}`);
  }
});
