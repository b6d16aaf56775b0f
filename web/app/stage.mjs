#!/usr/bin/env node
// Stages the package (web/src/*.js), the WASM core (web/wasm/) and ONNX Runtime Web's three files into web/app/lib,
// web/app/wasm and web/app/ort, because the sync server serves only web/app (symlinks out of it are refused); lists
// them in precache.json for sw.js and sizes.json for the app's progress bar; then precompresses (gzip + brotli) the
// app and the model files clients download (web/app/precompress.mjs).
//   node web/app/stage.mjs [--models DIR]   (default models/build, or $WAYFINDER_MODELS)
// A staged file is copied only when its bytes changed, so an unchanged file keeps its precompressed siblings.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { filesUnder, precompress } from './precompress.mjs';

const app = path.dirname(fileURLToPath(import.meta.url));
const web = path.dirname(app);
const root = path.dirname(web);
const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const copied = [];

// Copies src over dst when their bytes differ (npm gives every file the same fixed modification time, so times
// cannot tell), and drops dst's precompressed siblings then, so they are made again from the new bytes.
function syncFile(src, dst) {
  const bytes = fs.readFileSync(src);
  if (fs.existsSync(dst) && bytes.equals(fs.readFileSync(dst))) return;
  fs.writeFileSync(dst, bytes);
  for (const ext of ['.gz', '.br']) fs.rmSync(`${dst}${ext}`, { force: true });
}

// `made`: names in `to` written by this script itself (the worker's bundle), kept although `from` lacks them.
function syncDir(from, to, keep, made = []) {
  fs.mkdirSync(to, { recursive: true });
  const names = fs.readdirSync(from).filter((n) => fs.statSync(path.join(from, n)).isFile() && keep(n)).sort();
  for (const old of fs.readdirSync(to)) {
    const name = old.replace(/\.(gz|br)$/, '');
    if (!names.includes(name) && !made.includes(name)) fs.rmSync(path.join(to, old), { force: true });
  }
  for (const name of names) {
    syncFile(path.join(from, name), path.join(to, name));
    copied.push(`${path.basename(to)}/${name}`);
  }
}

// The recommender's worker (web/src/worker.js and the package modules it imports) as one ES module,
// lib/worker.bundle.js, bundled with rolldown: a browser fetches a module graph one level at a time (a round trip
// per level), so the worker's code now arrives in one request (docs/WEB.md, "First visit"). Node's modules,
// ONNX Runtime (loaded from /ort/ at run time) and the WASM core's glue (a dynamic import) stay outside it.
async function bundleWorker(entry, dst) {
  const { rolldown } = await import('rolldown');
  const bundle = await rolldown({
    input: path.join(web, 'src', entry),
    external: [/^node:/, 'onnxruntime-web', 'onnxruntime-node'],
    platform: 'browser',
    logLevel: 'warn',
  });
  const { output } = await bundle.generate({ format: 'es', codeSplitting: false });
  await bundle.close();
  if (output.length !== 1) throw new Error(`stage: the worker's bundle came out as ${output.length} files, expected 1`);
  const bytes = Buffer.from(output[0].code);
  if (fs.existsSync(dst) && bytes.equals(fs.readFileSync(dst))) return;
  fs.writeFileSync(dst, bytes);
  for (const ext of ['.gz', '.br']) fs.rmSync(`${dst}${ext}`, { force: true });
}

// ONNX Runtime Web's dist folder, found the way Node resolves the package (its exports hide package.json).
function ortDist() {
  const require = createRequire(path.join(root, 'package.json'));
  for (let dir = path.dirname(require.resolve('onnxruntime-web')); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'dist', 'ort.wasm.min.mjs'))) return path.join(dir, 'dist');
  }
  throw new Error('stage: onnxruntime-web/dist not found (npm ci)');
}

// The model files a client downloads: model-info.json, the int8 model, the vocabulary, the manifest and shards.
function modelFiles(models) {
  const infoFile = path.join(models, 'model-info.json');
  if (!fs.existsSync(infoFile)) return [];
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
  const files = [infoFile, path.join(models, info.vocab_file ?? 'vocab.json')];
  if (info.int8) files.push(path.join(models, info.int8.file));
  return [...files.filter((f) => fs.existsSync(f)), ...filesUnder(path.join(models, 'shards'))];
}

if (!fs.existsSync(path.join(web, 'wasm', 'wayfinder_core_simd.mjs'))) {
  console.error('stage: web/wasm/wayfinder_core_simd.mjs is missing: build the wasm targets first');
  process.exit(1);
}
// The recommender's worker and ONNX Runtime's (web/src/embed-worker.js, started by the recommender's), each one file.
const BUNDLES = { 'worker.js': 'worker.bundle.js', 'embed-worker.js': 'embed-worker.bundle.js' };
syncDir(path.join(web, 'src'), path.join(app, 'lib'), (n) => n.endsWith('.js'), Object.values(BUNDLES));
for (const [entry, bundle] of Object.entries(BUNDLES)) {
  await bundleWorker(entry, path.join(app, 'lib', bundle));
  copied.push(`lib/${bundle}`);
}
syncDir(path.join(web, 'wasm'), path.join(app, 'wasm'), (n) => /^wayfinder_core(_simd)?\.(mjs|wasm)$/.test(n));
syncDir(ortDist(), path.join(app, 'ort'), (n) => ORT_FILES.includes(n));
// The service worker precaches what the app loads: the page's bridge, the workers' bundles and the WASM core (the
// package's other modules are staged for module imports but the app never fetches them, so neither does its install).
const loaded = new Set(['lib/bridge.js', ...Object.values(BUNDLES).map((b) => `lib/${b}`)]);
const precached = copied.filter((f) => !f.startsWith('ort/') && (!f.startsWith('lib/') || loaded.has(f)));
fs.writeFileSync(path.join(app, 'precache.json'), JSON.stringify(precached, null, 1) + '\n');
// Uncompressed sizes of the staged files, for the progress bar (the model and shard sizes come from model-info.json
// and the shard manifest).
const sizes = Object.fromEntries(copied.map((f) => [f, fs.statSync(path.join(app, f)).size]));
fs.writeFileSync(path.join(app, 'sizes.json'), JSON.stringify(sizes, null, 1) + '\n');

const argModels = process.argv.indexOf('--models');
const models = path.resolve(argModels > 0 ? process.argv[argModels + 1] : (process.env.WAYFINDER_MODELS ?? path.join(root, 'models/build')));
const appFiles = filesUnder(app).filter((f) => !/(stage|precompress)\.mjs$/.test(f));
const result = precompress([...appFiles, ...modelFiles(models)], { log: (m) => console.log(m) });
console.log(`stage: ${copied.length} files into web/app/{lib,wasm,ort}; precompressed ${result.written} new, ${result.skipped} up to date`);
