// Writes the inputs of tests/bench/shard_shrink_eval.cpp (issue 11: can the shard's vectors shrink without losing
// recall?): 300 seeded synthetic learner-profile queries embedded by the float32 model (the core's profile query
// text + tokenizer, onnxruntime-node), as float32 [300 × dim] in OUT_DIR/queries.f32.
//   node tests/bench/shard_shrink_queries.mjs OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbedder } from '../../web/src/embedder.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const M = path.join(ROOT, 'models/build');
const out = process.argv[2] ?? path.join(ROOT, 'build/shrink');
fs.mkdirSync(out, { recursive: true });
const core = await (await import(path.join(ROOT, 'web/wasm/wayfinder_core_simd.mjs'))).default();
const info = JSON.parse(fs.readFileSync(path.join(M, 'model-info.json'), 'utf8'));
const tok = core.Tokenizer.fromVocabJson(fs.readFileSync(path.join(M, info.vocab_file), 'utf8'));
const cat = fs.readFileSync(path.join(M, 'catalog.jsonl'), 'utf8').split('\n').filter(Boolean).map(JSON.parse);
const topics = [...new Set(cat.flatMap((p) => p.topics))].sort();
const langs = [...new Set(cat.map((p) => p.language).filter(Boolean))].sort();
let x = 5; // xorshift32, seeded
const r = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
const pick = (l) => l[Math.floor(r() * l.length)];
const texts = [];
for (let i = 0; i < 300; i++) {
  const p = { interests: [pick(topics), pick(topics)], languages: [pick(langs)], goals: [`build a ${pick(topics)} project`] };
  texts.push(core.profileQueryText(JSON.stringify(p)));
}
const e = await createEmbedder({ modelBytes: fs.readFileSync(path.join(M, info.onnx_file)), backend: 'node' });
const q = new Float32Array(texts.length * info.dimension);
for (let i = 0; i < texts.length; i += 50) {
  const vs = await e.run(texts.slice(i, i + 50).map((t) => Int32Array.from(tok.encode(t))));
  vs.forEach((v, k) => q.set(v, (i + k) * info.dimension));
}
await e.dispose();
tok.delete();
fs.writeFileSync(path.join(out, 'queries.f32'), Buffer.from(q.buffer));
console.log(`${texts.length} queries × ${info.dimension} → ${path.join(out, 'queries.f32')}`);
