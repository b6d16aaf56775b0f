// Embedding latency of the project's ONNX model (models/build/use-lite.onnx): ONNX Runtime for Node (native CPU)
// vs ONNX Runtime Web (WASM backend) running in Node, same sentences, same process. Prints one JSON object.
//   node scripts/lib/bench/embed.mjs [--quick]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const quick = process.argv.includes('--quick');
const onnxPath = `${ROOT}/models/build/use-lite.onnx`;
if (!existsSync(onnxPath)) { console.log(JSON.stringify({ error: 'models/build/use-lite.onnx not built' })); process.exit(0); }
const { referenceTokenize, toSparseBatch } = await import(`${ROOT}/models/convert/reference-tokenizer.mjs`);
const sentences = [
  'I want to learn machine learning with Python and build small projects',
  'web development with React and TypeScript for beginners',
  'systems programming in Rust, operating systems and compilers',
  'data visualisation dashboards with JavaScript',
];
const reps = quick ? 20 : 100;
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

async function time(ort, session, batch) {
  const lists = batch.map((t) => referenceTokenize(t));
  const run = async () => {
    const { indices, values, n } = toSparseBatch(lists);
    return session.run({ indices: new ort.Tensor('int64', indices, [n, 2]), values: new ort.Tensor('int64', values, [n]) });
  };
  for (let i = 0; i < 5; i++) await run();
  const ms = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); await run(); ms.push(performance.now() - t0); }
  return median(ms);
}

const out = { reps, model: 'models/build/use-lite.onnx' };
const ortNode = await import('onnxruntime-node');
const ortWeb = await import('onnxruntime-web');
ortWeb.env.wasm.numThreads = 1;
const sessNode = await ortNode.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] });
const sessWeb = await ortWeb.InferenceSession.create(readFileSync(onnxPath), { executionProviders: ['wasm'] });
out.node_1 = await time(ortNode, sessNode, sentences.slice(0, 1));
out.web_1 = await time(ortWeb, sessWeb, sentences.slice(0, 1));
out.node_4 = await time(ortNode, sessNode, sentences);
out.web_4 = await time(ortWeb, sessWeb, sentences);
console.log(JSON.stringify(out));
