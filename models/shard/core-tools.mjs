// Loads the WASM core for the shard tools (Node) and adapts the text bindings (projectText + Tokenizer.encode),
// whose exact Embind names live in wasm/bind_text.cpp. Every shard byte is written and checked by the core.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function loadCoreModule() {
  const file = path.join(repoRoot, 'web/wasm/wayfinder_core_simd.mjs');
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: build it with ninja -C <wasm build dir> wayfinder_wasm_simd`);
  }
  const factory = (await import(file)).default;
  const core = await factory();
  for (const name of ['shardWrite', 'shardInspect', 'shardManifestEntry', 'manifestValidate', 'sha256Hex']) {
    if (typeof core[name] !== 'function') throw new Error(`the WASM core lacks ${name} (wasm/bind_search.cpp); rebuild web/wasm`);
  }
  return core;
}

// A shard's two files, found through the manifest beside `lexicalFile` (its entry's `vectors.file`):
// {lexical, vectors, entry, manifest}. Node tools open shards with both.
export function readShardFiles(lexicalFile) {
  const dir = path.dirname(lexicalFile);
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: it names the vectors file of ${lexicalFile}`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const entry = manifest.shards?.find((s) => s.file === path.basename(lexicalFile));
  if (!entry) throw new Error(`${manifestFile} lists no shard named ${path.basename(lexicalFile)}`);
  if (!entry.vectors?.file) throw new Error(`${manifestFile}: shard ${entry.file} has no vectors file (a format-3 manifest: rebuild the shard)`);
  return { lexical: fs.readFileSync(lexicalFile), vectors: fs.readFileSync(path.join(dir, entry.vectors.file)), entry, manifest, manifestFile };
}

// catalog row (JSON text) -> the embedding text of the core's text::project_text.
export function projectTextFn(core) {
  if (typeof core.projectText === 'function') return (line) => core.projectText(line);
  throw new Error('the WASM core lacks projectText (wasm/bind_text.cpp); rebuild web/wasm once it is committed');
}

// vocab.json text -> (text -> Int32Array of token ids), the core's C++ tokenizer.
export function encoderFn(core, vocabText) {
  const T = core.Tokenizer;
  let tok = null;
  if (T && typeof T.fromVocabJson === 'function') tok = T.fromVocabJson(vocabText);
  else if (typeof T === 'function') tok = new T(vocabText);
  if (tok && typeof tok.encode === 'function') {
    return { encode: (text) => Int32Array.from(tok.encode(text)), dispose: () => tok.delete?.() };
  }
  if (typeof core.tokenize === 'function') return { encode: (text) => Int32Array.from(core.tokenize(vocabText, text)), dispose() {} };
  throw new Error('the WASM core lacks a Tokenizer with encode (wasm/bind_text.cpp); rebuild web/wasm once it is committed');
}

// Progress bar with ETA on stderr: one line redrawn on a terminal; a line every 10 s in a log (CI).
export function progress(total, label) {
  const start = Date.now();
  const tty = Boolean(process.stderr.isTTY);
  let last = tty ? 0 : start;
  return {
    update(done) {
      const now = Date.now();
      if (done < total && now - last < (tty ? 200 : 10000)) return;
      last = now;
      const frac = total ? done / total : 1;
      const width = 30;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      const elapsed = (now - start) / 1000;
      const eta = done ? (elapsed / done) * (total - done) : 0;
      const line = `${label} [${bar}] ${done}/${total} ${(frac * 100).toFixed(1)}% ${elapsed.toFixed(0)}s ETA ${eta.toFixed(0)}s`;
      process.stderr.write(tty ? `\r${line}  ${done >= total ? '\n' : ''}` : `${line}\n`);
    },
  };
}
