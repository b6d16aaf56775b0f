// The int8 model clients download (models/build/use-lite-int8.onnx, models/convert/quantize.mjs) against the
// float32 reference (use-lite.onnx), on 2,000+ strings, both run by onnxruntime-node:
//   - mean cosine(int8, float32) of the embeddings ≥ 0.99;
//   - top-10 agreement of the content ranking ≥ 0.95: each string as a learner profile's interests, ranked by the
//     core's rank_content over the real shard (WASM ShardSearcher, default ContentWeights), |top10 ∩ top10| / 10;
//   - the ranking evaluation (tests/eval, docs/RANKING-EVAL.md) loses at most 0.01 NDCG@10.
// Needs the built shard (scripts/build.sh) and web/wasm. Run: node --test tests/model/int8.test.mjs
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildModel } from '../../models/convert/build-model.mjs';
import { createEmbedder } from '../../web/src/embedder.js';
import { loadEvaluation, meanNdcg } from '../eval/ranking-eval.mjs';
import { SENTENCES } from './sentences.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODELS = path.join(ROOT, 'models/build');
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
function cases(catalog) {
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

const cosine = (a, b) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
};

async function embedAll(modelFile, idsList) {
  const e = await createEmbedder({ modelBytes: fs.readFileSync(path.join(MODELS, modelFile)), backend: 'node' });
  const out = [];
  for (let i = 0; i < idsList.length; i += 64) out.push(...(await e.run(idsList.slice(i, i + 64))));
  await e.dispose();
  return out;
}

describe('int8 model ≡ float32 reference', { timeout: 900_000 }, () => {
  let ev, info, profiles, f32, i8;
  before(async () => {
    await buildModel({ log: () => {} });
    info = JSON.parse(fs.readFileSync(path.join(MODELS, 'model-info.json'), 'utf8'));
    ev = await loadEvaluation({ models: MODELS });
    const catalog = fs.readFileSync(path.join(MODELS, 'catalog.jsonl'), 'utf8').split('\n').filter(Boolean).map(JSON.parse);
    profiles = cases(catalog);
    const tokenizer = ev.core.Tokenizer.fromVocabJson(fs.readFileSync(path.join(MODELS, info.vocab_file), 'utf8'));
    const ids = profiles.map((p) => Int32Array.from(tokenizer.encode(ev.core.profileQueryText(JSON.stringify(p)))));
    tokenizer.delete();
    f32 = await embedAll(info.onnx_file, ids);
    i8 = await embedAll(info.int8.file, ids);
  });

  test('model-info names the int8 file with its size and sha256, and it is about 4x smaller', () => {
    const bytes = fs.readFileSync(path.join(MODELS, info.int8.file));
    assert.equal(bytes.length, info.int8.bytes);
    assert.ok(info.int8.bytes < info.onnx_bytes / 3.5, `${info.int8.bytes} vs ${info.onnx_bytes}`);
  });

  test('mean cosine to float32 >= 0.99 on >= 2,000 strings', () => {
    assert.ok(profiles.length >= 2000);
    const cos = f32.map((v, i) => cosine(v, i8[i]));
    const mean = cos.reduce((a, b) => a + b, 0) / cos.length;
    const min = Math.min(...cos);
    console.log(`int8 vs float32: ${cos.length} strings, mean cosine ${mean.toFixed(5)}, min ${min.toFixed(5)}`);
    assert.ok(mean >= 0.99, `mean cosine ${mean}`);
  });

  test('top-10 agreement of the content ranking >= 0.95', () => {
    let agree = 0, identical = 0;
    profiles.forEach((p, i) => {
      const json = JSON.stringify(p);
      const a = JSON.parse(ev.searcher.rank(f32[i], json, 10, '')).top.map((t) => t.id);
      const b = JSON.parse(ev.searcher.rank(i8[i], json, 10, '')).top.map((t) => t.id);
      const inter = a.filter((id) => b.includes(id)).length;
      agree += inter / Math.max(1, a.length);
      if (a.join() === b.join()) identical++;
    });
    const mean = agree / profiles.length;
    console.log(`content ranking top-10 agreement ${mean.toFixed(4)} (${identical}/${profiles.length} identical in order)`);
    assert.ok(mean >= 0.95, `top-10 agreement ${mean}`);
  });

  test('evaluation NDCG@10 drops by at most 0.01', async () => {
    const ev8 = await loadEvaluation({ models: MODELS, model: 'int8' });
    const a = meanNdcg(ev, ev.defaults, ev.cases);
    const b = meanNdcg(ev8, ev8.defaults, ev8.cases);
    await ev8.close();
    console.log(`ranking evaluation NDCG@10 (blend, all profiles): float32 ${a.toFixed(4)}, int8 ${b.toFixed(4)}`);
    assert.ok(a - b <= 0.01, `NDCG ${a} → ${b}`);
  });
});
