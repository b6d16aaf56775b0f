// How close an int8 model is to the float32 reference (tests/model/int8.test.mjs asserts it, int8-levels.mjs prints it
// per level count): the 2,063 strings, their embeddings by both models, mean/min cosine and top-10 agreement of the
// core's content ranking, and the ranking evaluation's NDCG@10 (all profiles and the held-out split).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createEmbedder } from '../../web/src/embedder.js';
import { meanNdcg } from '../eval/ranking-eval.mjs';
import { SENTENCES } from './sentences.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MODELS = path.join(ROOT, 'models/build');
const N_CATALOG = 1000;
const N_PROFILES = 1000;

// A small seeded generator (xorshift32), so the synthetic profiles are the same on every run.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

// A profile entry is at most 200 bytes (the core's profile rules): longer strings are cut at a character boundary.
function entry(s) {
  let out = s;
  while (Buffer.byteLength(out) > 200) out = out.slice(0, -1);
  return out.trim() || 'empty';
}

// 63 hand-written sentences, 1,000 catalog descriptions (every k-th project with one), 1,000 synthetic learner
// profiles built from catalog topics and languages. Each string becomes a profile: {interests: [s]} or the profile.
export function cases(catalog) {
  const out = SENTENCES.map((s) => ({ interests: [entry(s)] }));
  const described = catalog.filter((p) => p.description);
  const step = Math.floor(described.length / N_CATALOG);
  for (let i = 0; i < N_CATALOG; i++) out.push({ interests: [entry(described[i * step].description)] });
  const topics = [...new Set(catalog.flatMap((p) => p.topics))].sort();
  const langs = [...new Set(catalog.map((p) => p.language).filter(Boolean))].sort();
  const skills = ['beginner', 'intermediate', 'advanced'];
  const r = rng(11);
  const pick = (list) => list[Math.floor(r() * list.length)];
  for (let i = 0; i < N_PROFILES; i++) {
    const p = { interests: [pick(topics), pick(topics)], languages: [pick(langs)], skill_level: pick(skills) };
    if (r() < 0.5) p.goals = [`learn ${pick(topics)} by building a ${pick(topics)} project`];
    out.push(p);
  }
  return out;
}

// The strings as profiles and their token ids (the core's profile query text, tokenized by the core).
export function profileIds(ev, info, models = MODELS) {
  const catalog = fs.readFileSync(path.join(models, 'catalog.jsonl'), 'utf8').split('\n').filter(Boolean).map(JSON.parse);
  const profiles = cases(catalog);
  const tokenizer = ev.core.Tokenizer.fromVocabJson(fs.readFileSync(path.join(models, info.vocab_file), 'utf8'));
  const ids = profiles.map((p) => Int32Array.from(tokenizer.encode(ev.core.profileQueryText(JSON.stringify(p)))));
  tokenizer.delete();
  return { profiles, ids };
}

export const cosine = (a, b) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
};

export async function embedAll(modelBytes, idsList) {
  const e = await createEmbedder({ modelBytes, backend: 'node' });
  const out = [];
  for (let i = 0; i < idsList.length; i += 64) out.push(...(await e.run(idsList.slice(i, i + 64))));
  await e.dispose();
  return out;
}

// Mean and min cosine of two lists of embeddings.
export function cosines(f32, i8) {
  const cos = f32.map((v, i) => cosine(v, i8[i]));
  return { n: cos.length, mean: cos.reduce((a, b) => a + b, 0) / cos.length, min: Math.min(...cos) };
}

// Mean |top10(f32) ∩ top10(i8)| / 10 of the content ranking (ev.searcher, default weights), and how many agree in order.
export function topAgreement(ev, profiles, f32, i8) {
  let agree = 0, identical = 0;
  profiles.forEach((p, i) => {
    const json = JSON.stringify(p);
    const a = JSON.parse(ev.searcher.rank(f32[i], json, 10, '')).top.map((t) => t.id);
    const b = JSON.parse(ev.searcher.rank(i8[i], json, 10, '')).top.map((t) => t.id);
    agree += a.filter((id) => b.includes(id)).length / Math.max(1, a.length);
    if (a.join() === b.join()) identical++;
  });
  return { mean: agree / profiles.length, identical };
}

// Evaluation NDCG@10 (default weights) over all profiles and the held-out ('test') split.
export function ndcgs(ev) {
  return { all: meanNdcg(ev, ev.defaults, ev.cases), test: meanNdcg(ev, ev.defaults, ev.cases.filter((c) => c.split === 'test')), n: ev.cases.length };
}
