// Levels per channel of the int8 model (models/convert/quantize.mjs): for each L, the model quantised to codes in
// [-L, L] from the built float32 file, its raw and brotli (-q 11, as web/app/precompress.mjs) bytes, mean/min cosine
// to float32 and top-10 agreement on the 2,063 strings of int8-measure.mjs, and the evaluation NDCG@10 (all
// profiles, held-out) with it. Prints a markdown table (models/README.md, "Levels per channel").
// Usage: node tests/model/int8-levels.mjs [L,L,…]   (default 127,63,47,31,23,15; needs the built models/build)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { quantizeModel, checkLevels } from '../../models/convert/quantize.mjs';
import { loadEvaluation } from '../eval/ranking-eval.mjs';
import { MODELS, ROOT, cosines, embedAll, ndcgs, profileIds, topAgreement } from './int8-measure.mjs';

const onnx = createRequire(path.join(ROOT, 'package.json'))('onnx-proto').onnx;

// A models folder that is models/build with the int8 file replaced (symlinks to everything else).
function modelsWith(dir, info, bytes) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['catalog.jsonl', 'shards', info.vocab_file, info.onnx_file]) fs.symlinkSync(path.join(MODELS, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, info.int8.file), bytes);
  fs.writeFileSync(path.join(dir, 'model-info.json'), JSON.stringify(info));
  return dir;
}

async function row(L, ctx) {
  const { bytes } = quantizeModel(onnx, ctx.floatBytes, { levels: L });
  const dir = modelsWith(path.join(ctx.tmp, `L${L}`), ctx.info, bytes);
  const br = execFileSync('brotli', ['-q', '11', '-c', path.join(dir, ctx.info.int8.file)], { maxBuffer: 1 << 30 }).length;
  const i8 = await embedAll(bytes, ctx.ids);
  const c = cosines(ctx.f32, i8);
  const t = topAgreement(ctx.ev, ctx.profiles, ctx.f32, i8);
  const ev8 = await loadEvaluation({ models: dir, model: 'int8' });
  const n = ndcgs(ev8);
  await ev8.close();
  const mb = (x) => (x / 1e6).toFixed(2);
  return `| ±${L} | ${mb(bytes.length)} | ${mb(br)} | ${c.mean.toFixed(5)} | ${c.min.toFixed(5)} | ${t.mean.toFixed(4)} (${t.identical}) | ` +
    `${n.all.toFixed(4)} | ${n.test.toFixed(4)} |`;
}

async function main(argv) {
  const levels = (argv[0] ?? '127,63,47,31,23,15').split(',').map((s) => checkLevels(Number(s)));
  const info = JSON.parse(fs.readFileSync(path.join(MODELS, 'model-info.json'), 'utf8'));
  const ev = await loadEvaluation({ models: MODELS });
  const { profiles, ids } = profileIds(ev, info);
  const floatBytes = fs.readFileSync(path.join(MODELS, info.onnx_file));
  const ctx = { info, ev, profiles, ids, floatBytes, f32: await embedAll(floatBytes, ids), tmp: fs.mkdtempSync(path.join(os.tmpdir(), 'int8-levels-')) };
  const base = ndcgs(ev);
  process.stdout.write(`float32: NDCG@10 all ${base.n} profiles ${base.all.toFixed(4)}, held-out ${base.test.toFixed(4)}; ${profiles.length} strings\n`);
  process.stdout.write('| levels | raw MB | brotli MB | mean cosine | min cosine | top-10 agreement (identical) | NDCG@10 all | NDCG@10 held-out |\n|---|---|---|---|---|---|---|---|\n');
  try {
    for (const L of levels) process.stdout.write(`${await row(L, ctx)}\n`);
  } finally {
    fs.rmSync(ctx.tmp, { recursive: true, force: true });
    await ev.close();
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`int8-levels: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
