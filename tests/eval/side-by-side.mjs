// Side-by-side first pages, old ranking vs new, for docs/RANKING-EVAL.md.
// Usage: node tests/eval/side-by-side.mjs OLD.json NEW.json NAME,NAME,…   (files written by ranking-eval.mjs --json)
import fs from 'node:fs';

const [oldFile, newFile, names] = process.argv.slice(2);
const pagesOf = (f) => new Map(JSON.parse(fs.readFileSync(f, 'utf8')).pages.map((p) => [p.name, p.top]));
const { profiles } = JSON.parse(fs.readFileSync(new URL('./learners.json', import.meta.url), 'utf8'));
const oldPages = pagesOf(oldFile), newPages = pagesOf(newFile);
for (const name of names.split(',')) {
  const p = profiles.find((x) => x.name === name);
  if (!p || !oldPages.has(name) || !newPages.has(name)) throw new Error(`no profile or page for ${name}`);
  const pr = p.profile;
  const said = [...pr.interests, ...pr.goals].map((x) => `"${x}"`).join(', ');
  process.stdout.write(`\n**${name}** (${p.split}; ${said}${pr.languages.length ? `; ${pr.languages.join(', ')}` : ''}${pr.frameworks.length ? `; ${pr.frameworks.join(', ')}` : ''}${pr.field_of_study ? `; field: ${pr.field_of_study}` : ''})\n\n`);
  process.stdout.write('| # | old ranking (grade) | new ranking (grade, kind: why) |\n|---|---|---|\n');
  const o = oldPages.get(name), n = newPages.get(name);
  for (let k = 0; k < Math.max(o.length, n.length); ++k) {
    const left = o[k] ? `${o[k][0]} (${o[k][1]})` : '';
    const right = n[k] ? `${n[k][0]} (${n[k][1]}, ${n[k][2]}: ${n[k][3]})` : '';
    process.stdout.write(`| ${k + 1} | ${left} | ${right} |\n`);
  }
}
