// `wayfinder shard build`: catalog.jsonl + use-lite.onnx -> the shard's two files (shards/catalog-000.lexical.wfshard:
// ids, metadata, BM25, facets; shards/catalog-000.vectors.wfshard: int8 vectors and scales) + shards/manifest.json.
// Idempotent: skips when the catalog, model sha256, core version and format are unchanged and the outputs verify.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encoderFn, loadCoreModule, progress, projectTextFn, repoRoot } from './core-tools.mjs';

const USAGE = `Usage: wayfinder shard build [--models DIR] [--batch N] [--limit N] [--force] [--float-out FILE] [--float-in FILE]
  --models DIR  folder with model-info.json, the ONNX model, vocab.json, catalog.jsonl (default models/build)
  --batch N     sentences per ONNX run (default 64)
  --limit N     only the first N catalog rows (testing)
  --force       rebuild even when the inputs are unchanged
  --float-out F also write the float32 vectors (row-major, little-endian) to F, e.g. for recall checks
  --float-in F  take the float32 vectors from F (a --float-out file of the same catalog and model, newer than both)
                instead of embedding the catalog again (rebuilding after a format change without re-embedding)`;

function parseArgs(argv) {
  const o = { models: path.join(repoRoot, 'models/build'), batch: 64, limit: 0, force: false, floatOut: null, floatIn: null };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--models') o.models = path.resolve(next());
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--limit') o.limit = Number(next());
    else if (a === '--force') o.force = true;
    else if (a === '--float-out') o.floatOut = path.resolve(next());
    else if (a === '--float-in') o.floatIn = path.resolve(next());
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!(Number.isInteger(o.batch) && o.batch > 0)) throw new Error('--batch must be a positive integer');
  if (!(Number.isInteger(o.limit) && o.limit >= 0)) throw new Error('--limit must be a non-negative integer');
  return o;
}

const sha256File = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

async function embedAll(texts, encoder, modelFile, batch, dim) {
  process.env.ONNXRUNTIME_NODE_INSTALL ??= 'skip';
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
  const out = new Float32Array(texts.length * dim);
  const bar = progress(texts.length, 'embedding');
  for (let start = 0; start < texts.length; start += batch) {
    const end = Math.min(texts.length, start + batch);
    const rows = [];
    const vals = [];
    for (let s = start; s < end; ++s) {
      const ids = encoder.encode(texts[s]);
      if (ids.length === 0) throw new Error(`catalog row ${s + 1}: embedding text has no tokens`);
      for (let p = 0; p < ids.length; ++p) {
        rows.push(BigInt(s - start), BigInt(p));
        vals.push(BigInt(ids[p]));
      }
    }
    const indices = new ort.Tensor('int64', BigInt64Array.from(rows), [vals.length, 2]);
    const values = new ort.Tensor('int64', BigInt64Array.from(vals), [vals.length]);
    const result = await session.run({ indices, values });
    const emb = result[session.outputNames[0]];
    if (emb.dims[0] !== end - start || emb.dims[1] !== dim) {
      throw new Error(`model returned [${emb.dims}] for a batch of ${end - start}, expected [${end - start},${dim}]`);
    }
    out.set(emb.data, start * dim);
    bar.update(end);
  }
  await session.release?.();
  return out;
}

// The build's inputs and outputs, and the stamp that says whether the outputs are up to date.
function plan(o, core) {
  const info = JSON.parse(fs.readFileSync(path.join(o.models, 'model-info.json'), 'utf8'));
  const outDir = path.join(o.models, 'shards');
  const p = {
    info,
    outDir,
    modelFile: path.join(o.models, info.onnx_file),
    vocabFile: path.join(o.models, info.vocab_file ?? 'vocab.json'),
    shardName: 'catalog-000.lexical.wfshard',
    vectorsName: 'catalog-000.vectors.wfshard',
    manifestFile: path.join(outDir, 'manifest.json'),
    stampFile: path.join(outDir, 'build-stamp.json'),
  };
  p.shardFile = path.join(outDir, p.shardName);
  p.vectorsFile = path.join(outDir, p.vectorsName);
  const modelSha = sha256File(p.modelFile);
  if (info.onnx_sha256 && info.onnx_sha256 !== modelSha) {
    throw new Error(`${p.modelFile}: sha256 ${modelSha} differs from model-info.json (${info.onnx_sha256})`);
  }
  let lines = fs.readFileSync(path.join(o.models, 'catalog.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  if (o.limit) lines = lines.slice(0, o.limit);
  p.lines = lines;
  p.catalogText = `${lines.join('\n')}\n`;
  p.model = { name: info.name, sha256: modelSha, dimension: info.dimension };
  p.stamp = {
    catalogSha256: crypto.createHash('sha256').update(p.catalogText).digest('hex'),
    modelSha256: modelSha,
    vocabSha256: sha256File(p.vocabFile),
    coreVersion: typeof core.coreVersion === 'function' ? core.coreVersion() : 'unknown',
    // From the core, so a format bump (or any core version change) rebuilds the shard.
    shardFormat: typeof core.shardFormatVersion === 'function' ? core.shardFormatVersion() : 'unknown',
  };
  return p;
}

// True when the stamp matches and the existing shard still verifies against its manifest.
function upToDate(p, core) {
  if (![p.stampFile, p.shardFile, p.vectorsFile, p.manifestFile].every((f) => fs.existsSync(f))) return false;
  if (JSON.stringify(JSON.parse(fs.readFileSync(p.stampFile, 'utf8'))) !== JSON.stringify(p.stamp)) return false;
  try {
    core.manifestVerifyShard(fs.readFileSync(p.manifestFile, 'utf8'), p.shardName, fs.readFileSync(p.shardFile), fs.readFileSync(p.vectorsFile));
    return true;
  } catch (e) {
    process.stderr.write(`shard build: existing outputs fail verification (${e.message}); rebuilding\n`);
    return false;
  }
}

// Every catalog row's project text through the core's tokenizer and the model, in batches.
async function embedCatalog(p, core, o) {
  const projectText = projectTextFn(core);
  const encoder = encoderFn(core, fs.readFileSync(p.vocabFile, 'utf8'));
  const texts = p.lines.map((l, i) => {
    try {
      return projectText(l);
    } catch (e) {
      throw new Error(`catalog line ${i + 1}: ${e.message}`);
    }
  });
  const vectors = await embedAll(texts, encoder, p.modelFile, o.batch, p.info.dimension);
  encoder.dispose();
  return vectors;
}

// Vectors written earlier by --float-out for this catalog and model: refused when older than either or of the
// wrong size.
function readFloatIn(file, p) {
  const want = p.lines.length * p.info.dimension * 4;
  const st = fs.statSync(file);
  if (st.size !== want) throw new Error(`--float-in ${file}: ${st.size} bytes, expected ${p.lines.length} rows × ${p.info.dimension} × 4 = ${want}`);
  for (const input of [path.join(path.dirname(p.modelFile), 'catalog.jsonl'), p.modelFile]) {
    if (st.mtimeMs < fs.statSync(input).mtimeMs) throw new Error(`--float-in ${file} is older than ${input}: embed again (--float-out)`);
  }
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

// The shard's two files (each written atomically), its manifest and the stamp; the one-file shard of format 3
// (catalog-000.wfshard and its precompressed siblings) is removed.
function writeOutputs(p, core, vectors) {
  const files = core.shardWrite(vectors, p.catalogText, JSON.stringify(p.model), Math.floor(Date.now() / 1000));
  fs.mkdirSync(p.outDir, { recursive: true });
  for (const [file, bytes] of [[p.shardFile, files.lexical], [p.vectorsFile, files.vectors]]) {
    fs.writeFileSync(`${file}.tmp`, bytes);
    fs.renameSync(`${file}.tmp`, file);
  }
  for (const old of ['catalog-000.wfshard', 'catalog-000.wfshard.gz', 'catalog-000.wfshard.br']) fs.rmSync(path.join(p.outDir, old), { force: true });
  const entry = JSON.parse(core.shardManifestEntry(p.shardName, p.vectorsName, files.lexical, files.vectors));
  fs.writeFileSync(p.manifestFile, core.manifestValidate(JSON.stringify({ format: 1, model: p.model, shards: [entry] })));
  fs.writeFileSync(p.stampFile, `${JSON.stringify(p.stamp, null, 2)}\n`);
  return files;
}

export async function main(argv = []) {
  const o = parseArgs(argv);
  const core = await loadCoreModule();
  const p = plan(o, core);
  if (!o.force && !o.floatOut && upToDate(p, core)) {
    process.stderr.write(`shard build: up to date (${p.shardFile})\n`);
    return { skipped: true, shardFile: p.shardFile, vectorsFile: p.vectorsFile, manifestFile: p.manifestFile };
  }
  const t0 = Date.now();
  const vectors = o.floatIn ? readFloatIn(o.floatIn, p) : await embedCatalog(p, core, o);
  if (o.floatOut) fs.writeFileSync(o.floatOut, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  const files = writeOutputs(p, core, vectors);
  const n = p.lines.length;
  const bytes = files.lexical.length + files.vectors.length;
  process.stderr.write(
    `shard build: ${n} projects, ${bytes} bytes (lexical ${files.lexical.length} + vectors ${files.vectors.length}; ` +
      `${(bytes / n).toFixed(1)} B/project; float32 vectors alone would be ${((n * p.info.dimension * 4) / n).toFixed(0)} B/project) ` +
      `in ${((Date.now() - t0) / 1000).toFixed(1)} s\n  ${p.shardFile}\n  ${p.vectorsFile}\n  ${p.manifestFile}\n`,
  );
  return { skipped: false, shardFile: p.shardFile, vectorsFile: p.vectorsFile, manifestFile: p.manifestFile, bytes, count: n };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`shard build: ${e.message}\n`);
    process.exit(1);
  });
}
