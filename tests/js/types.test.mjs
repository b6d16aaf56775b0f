// index.d.ts stays true: (1) a typed usage example compiles with `tsc --noEmit` (TypeScript from npm), and (2) the
// objects the package really returns in Node carry exactly the members the declarations promise, no more, no fewer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import ts from 'typescript';
import { createRecommender } from '../../web/src/index.js';
import { MODELS_URL, PROFILE, ROOT, requireBuild } from './helpers.mjs';

const DTS = path.join(ROOT, 'web/src/index.d.ts');

// Member names of each exported interface of index.d.ts, read with the TypeScript compiler's own parser.
function declaredMembers() {
  const src = ts.createSourceFile(DTS, fs.readFileSync(DTS, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = {};
  for (const node of src.statements) {
    if (!ts.isInterfaceDeclaration(node)) continue;
    out[node.name.text] = new Set(node.members.filter((m) => m.name).map((m) => m.name.getText(src)));
  }
  return out;
}

const sorted = (s) => [...s].sort();

let rec;
before(async () => {
  requireBuild();
  rec = await createRecommender({ modelsUrl: MODELS_URL, userId: 'types-test-user', storage: 'memory', seed: 3n, autoSync: false });
});
after(async () => rec?.dispose());

test('the typed usage example compiles against index.d.ts (tsc --noEmit)', () => {
  const tsc = path.join(ROOT, 'node_modules/typescript/lib/tsc.js');
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tests/js/types/tsconfig.json')], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc reported:\n${e.stdout}${e.stderr}`);
  }
});

test('a page and its items carry exactly the declared members', async () => {
  const declared = declaredMembers();
  const page = await rec.recommend(PROFILE, { limit: 5 });
  assert.deepEqual(sorted(Object.keys(page)), sorted(declared.RecommendationPage), 'RecommendationPage');
  for (const item of page.items) assert.deepEqual(sorted(Object.keys(item)), sorted(declared.RecommendationItem), 'RecommendationItem');
});

test('the recommender object offers exactly the declared methods and properties', () => {
  const declared = declaredMembers().Recommender;
  const real = new Set(Object.keys(rec).filter((k) => !k.startsWith('_')));
  const undeclared = sorted([...real].filter((k) => !declared.has(k)));
  const missing = sorted([...declared].filter((k) => !(k in rec)));
  assert.deepEqual({ undeclared, missing }, { undeclared: [], missing: [] });
});

test("the learner's space views and the export carry exactly the declared members", async () => {
  const declared = declaredMembers();
  const page = await rec.recommend(PROFILE, { limit: 3 });
  const [a] = page.items;
  await rec.track({ type: 'bookmark', projectId: a.projectId, rankingId: page.rankingId });
  await rec.track({ type: 'click', projectId: a.projectId, rankingId: page.rankingId });
  await rec.track({ type: 'rating', projectId: a.projectId, stars: 4, rankingId: page.rankingId });
  await rec.notInterested(page.items[1].projectId);
  const card = [...declared.ProjectCard];
  const views = { SavedProject: await rec.saved(), HistoryEntry: await rec.history(), NotInterestedEntry: await rec.notInterestedList() };
  for (const [name, list] of Object.entries(views)) {
    assert.equal(list.length, 1, name);
    assert.deepEqual(sorted(Object.keys(list[0])), sorted(new Set([...card, ...declared[name]])), name);
  }
  const data = await rec.exportData();
  assert.deepEqual(sorted(Object.keys(data)), sorted(declared.ExportedData), 'ExportedData');
});
