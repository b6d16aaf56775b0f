// Embeds the simulator's learner profiles with the product's own pipeline: the core's profileQueryText (WASM),
// the core's C++ tokenizer, and the USE-lite ONNX model through web/src/embedder.js (onnxruntime-node).
//   node tests/sim/embed_profiles.mjs PROFILES.jsonl OUT.jsonl
// PROFILES.jsonl: one profile JSON per line (from `wayfinder-simulate --list-profiles`);
// OUT.jsonl: {"profile": "<the same line>", "text": "<query text>", "vector": [...]} per line.
import fs from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [inFile, outFile] = process.argv.slice(2);
if (!inFile || !outFile) {
  console.error('usage: node tests/sim/embed_profiles.mjs PROFILES.jsonl OUT.jsonl');
  process.exit(2);
}
const core = await (await import(`${ROOT}/web/wasm/wayfinder_core_simd.mjs`)).default();
const { createEmbedder } = await import(`${ROOT}/web/src/embedder.js`);
const info = JSON.parse(fs.readFileSync(`${ROOT}/models/build/model-info.json`, 'utf8'));
const tok = core.Tokenizer.fromVocabJson(fs.readFileSync(`${ROOT}/models/build/${info.vocab_file}`, 'utf8'));
const embedder = await createEmbedder({ modelBytes: fs.readFileSync(`${ROOT}/models/build/${info.onnx_file}`), backend: 'node' });

const profiles = fs.readFileSync(inFile, 'utf8').split('\n').filter(Boolean);
const t0 = performance.now();
const lines = [];
const batch = 16;
for (let b = 0; b < profiles.length; b += batch) {
  const chunk = profiles.slice(b, b + batch);
  const texts = chunk.map((p) => core.profileQueryText(p));
  const vecs = await embedder.run(texts.map((t) => tok.encode(t)));
  chunk.forEach((p, k) => lines.push(JSON.stringify({ profile: p, text: texts[k], vector: Array.from(vecs[k], (x) => +x.toFixed(7)) })));
}
fs.writeFileSync(outFile, lines.join('\n') + '\n');
tok.delete();
await embedder.dispose();
console.error(`embedded ${profiles.length} profiles in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
