// Catalog builder: output shape, merge rules, determinism, and the CSV reader it relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv, parseCsvObjects } from '../../models/catalog/csv.mjs';
import { collapseAliases } from '../../models/catalog/renames.mjs';
import { MAX_DESCRIPTION, clipDescription } from '../../models/catalog/build-catalog.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = join(ROOT, 'models', 'catalog', 'build-catalog.mjs');
const dir = mkdtempSync(join(tmpdir(), 'wf-catalog-'));
const outA = join(dir, 'a.jsonl');
const outB = join(dir, 'b.jsonl');
const run = (...args) => execFileSync(process.execPath, [BUILD, ...args], { encoding: 'utf8' });

const logA = run('--force', '--out', outA);
const textA = readFileSync(outA, 'utf8');
const rows = textA.trimEnd().split('\n').map((l) => JSON.parse(l));
const byId = new Map(rows.map((r) => [r.id, r]));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the build reports its row count and complexity distribution', () => {
  assert.match(logA, new RegExp(`wrote ${rows.length} rows`));
  assert.match(logA, /complexity: beginner \d+ .*intermediate \d+ .*advanced \d+/);
  assert.ok(rows.length > 12000 && rows.length < 14000, `${rows.length} rows`);
});

test('ids are unique, lowercase owner/repo, sorted, with no case duplicates', () => {
  const ids = rows.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(new Set(ids.map((i) => i.toLowerCase())).size, ids.length);
  for (const r of rows) {
    assert.match(r.id, /^[a-z0-9_.-]+\/[a-z0-9_.-]+$/, r.id);
    assert.equal(r.full_name.toLowerCase(), r.id);
  }
  assert.deepEqual(ids, [...ids].sort());
  // The source spells these in two cases; they must land in one row.
  assert.ok(byId.has('meilisearch/meilisearch'));
  assert.equal(rows.filter((r) => r.id === 'kong/kong').length, 1);
});

test('every row has the required fields with the right types', () => {
  const isStrArray = (a) => Array.isArray(a) && a.every((x) => typeof x === 'string');
  const intOrNull = (n) => n === null || Number.isInteger(n);
  const LEVELS = new Set(['beginner', 'intermediate', 'advanced']);
  const SOURCES = new Set(['github-ranking', 'best-of-lists', 'github-explore']);
  for (const r of rows) {
    const where = r.id;
    assert.equal(typeof r.full_name, 'string', where);
    assert.equal(r.url, `https://github.com/${r.full_name}`, where);
    assert.equal(typeof r.description, 'string', where);
    assert.ok(r.language === null || (typeof r.language === 'string' && r.language !== ''), where);
    for (const f of ['topics', 'categories', 'labels', 'collections', 'sources', 'aliases', 'complexity_reasons']) {
      assert.ok(isStrArray(r[f]), `${where}.${f}`);
    }
    assert.ok(intOrNull(r.stars) && intOrNull(r.forks) && intOrNull(r.contributors), where);
    assert.ok(r.last_activity === null || /^\d{4}-\d{2}-\d{2}$/.test(r.last_activity), where);
    assert.ok(r.license === null || typeof r.license === 'string', where);
    assert.ok(LEVELS.has(r.complexity), where);
    assert.ok(r.sources.length >= 1 && r.sources.every((s) => SOURCES.has(s)), where);
  }
});

test('renamed duplicates are merged under the current name', () => {
  assert.ok(!byId.has('jmorganca/ollama'));
  const ollama = byId.get('ollama/ollama');
  assert.deepEqual(ollama.aliases, ['jmorganca/ollama']);
  assert.equal(ollama.full_name, 'ollama/ollama');
  // Old names in other sources follow the rename too (best-of-web-python still says tiangolo/fastapi).
  assert.ok(!byId.has('tiangolo/fastapi'));
  const fastapi = byId.get('fastapi/fastapi');
  assert.deepEqual(fastapi.sources, ['best-of-lists', 'github-explore', 'github-ranking']);
  assert.ok(!byId.has('facebook/react') && byId.has('react/react'));
  // Same name, different projects: not merged.
  assert.ok(byId.has('lowlighter/metrics') && byId.has('mikejihbe/metrics'));
  assert.ok(byId.has('v2ray/v2ray-core') && byId.has('v2fly/v2ray-core'));
  // No alias is also a row of its own.
  for (const r of rows) for (const a of r.aliases) assert.ok(!byId.has(a), `${a} is an alias of ${r.id} and a row`);
});

test('best-of rows always have a language, inferred from the list when needed', () => {
  const bestOf = rows.filter((r) => r.sources.includes('best-of-lists'));
  assert.ok(bestOf.length > 3000);
  for (const r of bestOf) assert.ok(r.language, `${r.id} has no language`);
  // Not in GitHub-Ranking, so the language comes from best-of-scala.
  const scalaOnly = rows.find((r) => r.sources.length === 1 && r.categories.includes('SBT Plugins'));
  assert.equal(scalaOnly.language, 'Scala');
});

test('collection items that are not repositories are dropped', () => {
  // url items (https://...) and user_or_org items (a bare account) never become rows.
  assert.ok(!rows.some((r) => r.id.startsWith('https') || r.id.startsWith('www.')));
  assert.ok(!rows.some((r) => r.id.startsWith('uchicago-computation-workshop')));
  const ltc = rows.filter((r) => r.collections.includes('learn-to-code'));
  assert.ok(ltc.length > 10);
});

test('two builds are byte-identical', () => {
  run('--force', '--out', outB, '--quiet');
  assert.equal(readFileSync(outB, 'utf8'), textA);
});

test('a second build without --force is skipped when the output is newer than every input', () => {
  const future = new Date(Date.now() + 60_000);
  utimesSync(outB, future, future);
  assert.match(run('--out', outB), /catalog up to date/);
  const past = new Date(0);
  utimesSync(outB, past, past);
  assert.match(run('--out', outB, '--quiet'), /^$/);
  assert.equal(readFileSync(outB, 'utf8'), textA);
});

test('CSV reader handles quoted commas, newlines, doubled quotes, CRLF and a missing final newline', () => {
  const text = 'a,b,c\r\n"x, y","line1\nline2","say ""hi"""\r\n,"",plain\r\nlast,row,"no newline"';
  assert.deepEqual(parseCsv(text), [
    ['a', 'b', 'c'],
    ['x, y', 'line1\nline2', 'say "hi"'],
    ['', '', 'plain'],
    ['last', 'row', 'no newline'],
  ]);
  assert.deepEqual(parseCsvObjects('k,v\n1,"a,b"\n'), [{ k: '1', v: 'a,b' }]);
  assert.deepEqual(parseCsv('\ufeffa,b\n'), [['a', 'b']]);
});

test('CSV reader rejects malformed input with a position', () => {
  assert.throws(() => parseCsv('a,"open\n'), /unterminated quoted field opened on line 1/);
  assert.throws(() => parseCsv('"a"b,c\n'), /after a closing quote on line 1/);
  assert.throws(() => parseCsvObjects('a,b\n1,2,3\n', 'x.csv'), /x\.csv: record 2 has 3 fields/);
});

test('alias chains collapse and cycles are refused', () => {
  const m = collapseAliases(new Map([['a', 'b']]), new Map([['b', 'c'], ['c', 'a']]));
  assert.deepEqual([...m], [['a', 'c'], ['b', 'c']]);
});

test('descriptions are at most MAX_DESCRIPTION characters, cut at a word with an ellipsis', () => {
  const long = rows.filter((r) => Array.from(r.description).length > 300);
  assert.ok(long.length > 0, 'some rows are near the limit');
  for (const r of rows) assert.ok(Array.from(r.description).length <= MAX_DESCRIPTION, r.id);
  assert.equal(clipDescription('short text'), 'short text');
  const words = 'learn '.repeat(100);
  const cut = clipDescription(words);
  assert.ok(cut.endsWith('learn…') && Array.from(cut).length <= MAX_DESCRIPTION, cut.slice(-20));
  const cjk = '中'.repeat(400); // no space: cut at the limit, by code point
  assert.equal(Array.from(clipDescription(cjk)).length, MAX_DESCRIPTION);
  assert.equal(clipDescription('😀'.repeat(MAX_DESCRIPTION)), '😀'.repeat(MAX_DESCRIPTION)); // code points, not units
});
