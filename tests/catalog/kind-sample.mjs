// Draws the hand-labelling sample for the learning-kind facet (models/catalog/README.md, "Learning kind").
// Usage: node tests/catalog/kind-sample.mjs [--per-kind 40] [--seed 10] [--learning] [--drop A.tsv,B.tsv] [--max N] > sample.tsv
// Stratified by the builder's kind at sampling time (so every kind gets enough rows for its precision), and inside
// a kind spread across languages: rows are ordered by a seeded hash and taken round-robin over languages.
// Output: "id<TAB>stratum<TAB>stratum size", shuffled by the seeded hash so the labeller does not see the strata.
import { readFileSync } from 'node:fs';
import { buildCatalog } from '../../models/catalog/build-catalog.mjs';
import { LEARNING_KINDS } from '../../models/catalog/kind.mjs';

function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; ++i) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function drawSample(rows, perKind, seed) {
  const byKind = new Map();
  for (const r of rows) {
    if (!byKind.has(r.kind)) byKind.set(r.kind, []);
    byKind.get(r.kind).push(r);
  }
  const picked = [];
  for (const [kind, list] of [...byKind].sort()) {
    const byLang = new Map();
    for (const r of [...list].sort((a, b) => fnv1a(`${seed}:${a.id}`) - fnv1a(`${seed}:${b.id}`))) {
      const lang = r.language ?? '(none)';
      if (!byLang.has(lang)) byLang.set(lang, []);
      byLang.get(lang).push(r);
    }
    const queues = [...byLang.values()];
    const chosen = [];
    while (chosen.length < Math.min(perKind, list.length)) {
      for (const q of queues) if (q.length && chosen.length < perKind) chosen.push(q.shift());
    }
    for (const r of chosen) picked.push({ id: r.id, stratum: kind, size: list.length });
  }
  return picked.sort((a, b) => fnv1a(`${seed}/${a.id}`) - fnv1a(`${seed}/${b.id}`));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, d) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : d);
  const { rows } = buildCatalog();
  // --learning: only the six learning-kind strata; --drop A.tsv,B.tsv: leave out ids already labelled there (the
  // sample is drawn first, so the same seed gives the same rows whatever was labelled); --max N: at most N per stratum.
  const text = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const dropped = new Set((text('--drop') ?? '').split(',').filter(Boolean).flatMap((f) =>
    readFileSync(f, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')[0])));
  const taken = new Map();
  for (const s of drawSample(rows, arg('--per-kind', 40), arg('--seed', 10))) {
    if (process.argv.includes('--learning') && !LEARNING_KINDS.includes(s.stratum)) continue;
    if (dropped.has(s.id) || (taken.get(s.stratum) ?? 0) >= arg('--max', Infinity)) continue;
    taken.set(s.stratum, (taken.get(s.stratum) ?? 0) + 1);
    process.stdout.write(`${s.id}\t${s.stratum}\t${s.size}\n`);
  }
}
