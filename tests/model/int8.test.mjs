// The int8 model clients download (models/build/use-lite-int8.onnx, models/convert/quantize.mjs) against the
// float32 reference (use-lite.onnx), on 2,000+ strings, both run by onnxruntime-node:
//   - mean cosine(int8, float32) of the embeddings ≥ 0.99;
//   - top-10 agreement of the content ranking ≥ 0.95: each string as a learner profile's interests, ranked by the
//     core's rank_content over the real shard (WASM ShardSearcher, default ContentWeights), |top10 ∩ top10| / 10;
//   - the ranking evaluation (tests/eval, docs/RANKING-EVAL.md) loses at most 0.01 NDCG@10.
// The measurements are in int8-measure.mjs (int8-levels.mjs prints them for several level counts).
// Needs the built shard (scripts/build.sh) and web/wasm. Run: node --test tests/model/int8.test.mjs
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { buildModel } from '../../models/convert/build-model.mjs';
import { loadEvaluation } from '../eval/ranking-eval.mjs';
import { MODELS, cosines, embedAll, ndcgs, profileIds, topAgreement } from './int8-measure.mjs';

describe('int8 model ≡ float32 reference', { timeout: 900_000 }, () => {
  let ev, info, profiles, f32, i8;
  before(async () => {
    await buildModel({ log: () => {} });
    info = JSON.parse(fs.readFileSync(path.join(MODELS, 'model-info.json'), 'utf8'));
    ev = await loadEvaluation({ models: MODELS });
    const p = profileIds(ev, info);
    profiles = p.profiles;
    f32 = await embedAll(fs.readFileSync(path.join(MODELS, info.onnx_file)), p.ids);
    i8 = await embedAll(fs.readFileSync(path.join(MODELS, info.int8.file)), p.ids);
  });

  test('model-info names the int8 file with its size and sha256, and it is about 4x smaller', () => {
    const bytes = fs.readFileSync(path.join(MODELS, info.int8.file));
    assert.equal(bytes.length, info.int8.bytes);
    assert.ok(info.int8.bytes < info.onnx_bytes / 3.5, `${info.int8.bytes} vs ${info.onnx_bytes}`);
  });

  test('mean cosine to float32 >= 0.99 on >= 2,000 strings', () => {
    assert.ok(profiles.length >= 2000);
    const c = cosines(f32, i8);
    console.log(`int8 (±${info.int8.levels}) vs float32: ${c.n} strings, mean cosine ${c.mean.toFixed(5)}, min ${c.min.toFixed(5)}`);
    assert.ok(c.mean >= 0.99, `mean cosine ${c.mean}`);
  });

  test('top-10 agreement of the content ranking >= 0.95', () => {
    const t = topAgreement(ev, profiles, f32, i8);
    console.log(`content ranking top-10 agreement ${t.mean.toFixed(4)} (${t.identical}/${profiles.length} identical in order)`);
    assert.ok(t.mean >= 0.95, `top-10 agreement ${t.mean}`);
  });

  test('evaluation NDCG@10 drops by at most 0.01 (all profiles and held-out)', async () => {
    const ev8 = await loadEvaluation({ models: MODELS, model: 'int8' });
    const a = ndcgs(ev);
    const b = ndcgs(ev8);
    await ev8.close();
    console.log(`ranking evaluation NDCG@10 (default weights): all ${a.n} profiles float32 ${a.all.toFixed(4)}, int8 ${b.all.toFixed(4)}; ` +
      `held-out float32 ${a.test.toFixed(4)}, int8 ${b.test.toFixed(4)}`);
    assert.ok(a.all - b.all <= 0.01, `NDCG all ${a.all} → ${b.all}`);
    assert.ok(a.test - b.test <= 0.01, `NDCG held-out ${a.test} → ${b.test}`);
  });
});
