// The docs check (scripts/lib/check-docs.mjs) passes on the repository and catches what it is meant to catch.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDocs } from '../../scripts/lib/check-docs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Page names are built here, not written out: a name of a page that does not exist, written in a source file, is
// exactly what the check (and any reader) would take for a broken citation.
const md = (name) => `${name}.md`;
const [REAL, PAGE, GONE, MISSING, DESIGN] = ['REAL', 'PAGE', 'GONE', 'MISSING', 'DESIGN'].map(md);

function plantedTree(text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-docs-'));
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.writeFileSync(path.join(dir, 'docs', REAL), '# real\n');
  fs.writeFileSync(path.join(dir, 'docs', PAGE), text);
  return dir;
}

test('the repository has no broken relative link and no machine path in its Markdown', () => {
  assert.deepEqual(checkDocs(root), []);
});

test('a planted link to a missing file is reported with file and line', () => {
  const dir = plantedTree(`# page\n\nSee [the real page](${REAL}) and [a lost one](${GONE}#top).\n`);
  assert.deepEqual(checkDocs(dir), [`docs/${PAGE}:3: link to a missing file: ${GONE}#top`]);
});

test('a backticked repository path to a missing Markdown file is reported', () => {
  const dir = plantedTree(`Read \`docs/${REAL}\`, then \`docs/${MISSING}\`.\n`);
  assert.deepEqual(checkDocs(dir), [`docs/${PAGE}:1: names a missing file: docs/${MISSING}`]);
});

test('an absolute path of one machine is reported; web links and anchors are not', () => {
  const dir = plantedTree('Run /work/main/build/x and see [site](https://example.org/a) or [here](#top).\n');
  assert.deepEqual(checkDocs(dir), [`docs/${PAGE}:1: absolute path of a machine: /work/main`]);
});

test('a source comment citing a page that is not in the repository is reported', () => {
  const dir = plantedTree('# page\n');
  fs.mkdirSync(path.join(dir, 'shared'));
  fs.writeFileSync(path.join(dir, 'shared/a.h'), `// Contract of the profile (${DESIGN}); see docs/${REAL}.\n`);
  assert.deepEqual(checkDocs(dir), [`shared/a.h:1: cites a page that is not in the repository: ${DESIGN}`]);
});
