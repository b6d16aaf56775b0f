// Docs check: every Markdown file of the repository must stand alone.
// Fails on (1) a relative link or image whose target file is missing, (2) a backticked repository path to a
// Markdown file that does not exist (a `docs/<page>.md` in backticks), (3) an absolute path of one machine (/work/…, /root/…, /home/…).
// Usage: node scripts/lib/check-docs.mjs [ROOT]   (ROOT defaults to the repository; lists problems, exits 1 on any)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TOP = ['docs', 'models', 'web', 'server', 'shared', 'tests', 'scripts', 'wasm', 'data'];
const MACHINE_PATH = /(?<![\w.])\/(work|root|home)\/[\w.-]+/g;
const LINK = /!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const TICKED_MD = /`((?:[\w.-]+\/)+[\w.-]+\.md)`/g;

function markdownFiles(root) {
  try {
    return execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return walk(root, root, /\.md$/);
  }
}

function walk(root, dir, pattern) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'build' || e.name.startsWith('.')) return [];
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(root, p, pattern) : pattern.test(e.name) ? [path.relative(root, p)] : [];
  });
}

function linkProblems(root, file, line, n) {
  const out = [];
  for (const [, target] of line.matchAll(LINK)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const rel = decodeURI(target.split('#')[0]);
    if (!rel) continue;
    const abs = rel.startsWith('/') ? path.join(root, rel) : path.join(root, path.dirname(file), rel);
    if (!fs.existsSync(abs)) out.push(`${file}:${n}: link to a missing file: ${target}`);
  }
  for (const [, p] of line.matchAll(TICKED_MD)) {
    if (!TOP.includes(p.split('/')[0])) continue;
    if (!fs.existsSync(path.join(root, p))) out.push(`${file}:${n}: names a missing file: ${p}`);
  }
  for (const [m] of line.matchAll(MACHINE_PATH)) out.push(`${file}:${n}: absolute path of a machine: ${m}`);
  return out;
}

// Source files may cite docs by name (`docs/BANDIT.md`, `README.md`); each cited page must exist in the repository.
const CITED_MD = /\b((?:docs|models|web|server|tests)\/[\w./-]*\.md|[A-Z][A-Z-]+\.md)\b/g;
const SOURCE = /\.(cpp|h|js|mjs|ts|sh|cmake)$/;

function sourceFiles(root) {
  try {
    return execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => SOURCE.test(f));
  } catch {
    return walk(root, root, SOURCE);
  }
}

function citationProblems(root, file, line, n) {
  const out = [];
  for (const [, cited] of line.matchAll(CITED_MD)) {
    const found = cited.includes('/') ? fs.existsSync(path.join(root, cited))
      : ['', 'docs', path.dirname(file)].some((d) => fs.existsSync(path.join(root, d, cited)));
    if (!found) out.push(`${file}:${n}: cites a page that is not in the repository: ${cited}`);
  }
  return out;
}

export function checkDocs(root) {
  const problems = [];
  for (const file of sourceFiles(root)) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => problems.push(...citationProblems(root, file, line, i + 1)));
  }
  for (const file of markdownFiles(root)) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => problems.push(...linkProblems(root, file, line, i + 1)));
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'));
  const problems = checkDocs(root);
  for (const p of problems) console.error(p);
  console.log(`docs check: ${problems.length} problem(s) in ${markdownFiles(root).length} Markdown files`);
  process.exit(problems.length ? 1 : 0);
}
