#!/usr/bin/env node
// Latency of models/build/use-lite.onnx in onnxruntime-node (cpu) and onnxruntime-web (wasm, 1 thread, in Node).
// Usage: node models/convert/bench.mjs [--out DIR]   (builds the model first if needed)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, DEFAULT_OUT_DIR } from './build-model.mjs';
import { referenceTokenize, toSparseBatch } from './reference-tokenizer.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));
const k = process.argv.indexOf('--out');
const { outDir } = await buildModel({ outDir: k > 0 ? process.argv[k + 1] : DEFAULT_OUT_DIR });
const onnxPath = join(outDir, 'use-lite.onnx');

const single = 'I want to learn Rust and contribute to a web framework';
const topics = ['Rust', 'Python', 'machine learning', 'Kubernetes', 'React', 'compilers', 'databases', 'game engines'];
const batch = Array.from({ length: 64 }, (_, i) => `A beginner-friendly ${topics[i % 8]} project number ${i} with good first issues and clear docs`);

async function bench(label, ort, session) {
  const feeds = (texts) => {
    const { indices, values, n } = toSparseBatch(texts.map(referenceTokenize));
    return { indices: new ort.Tensor('int64', indices, [n, 2]), values: new ort.Tensor('int64', values, [n]) };
  };
  const time = async (texts, reps) => {
    const f = feeds(texts);
    await session.run(f); // warm-up
    const ts = [];
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      await session.run(f);
      ts.push(performance.now() - t);
    }
    ts.sort((a, b) => a - b);
    return ts[Math.floor(ts.length / 2)];
  };
  const s = await time([single], 30);
  const b = await time(batch, 5);
  console.log(`${label}: single ${s.toFixed(1)} ms (median of 30), batch-64 ${b.toFixed(0)} ms = ${(b / 64).toFixed(2)} ms/sentence (median of 5)`);
}

const ortNode = await import('onnxruntime-node');
let t = performance.now();
const sn = await ortNode.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] });
console.log(`onnxruntime-node: session load ${(performance.now() - t).toFixed(0)} ms`);
await bench('onnxruntime-node', ortNode, sn);

const ortWeb = await import('onnxruntime-web');
ortWeb.env.wasm.wasmPaths = dirname(require.resolve('onnxruntime-web')) + '/';
ortWeb.env.wasm.numThreads = 1;
t = performance.now();
const sw = await ortWeb.InferenceSession.create(readFileSync(onnxPath), { executionProviders: ['wasm'] });
console.log(`onnxruntime-web (wasm, 1 thread): session load ${(performance.now() - t).toFixed(0)} ms`);
await bench('onnxruntime-web (wasm, 1 thread)', ortWeb, sw);
