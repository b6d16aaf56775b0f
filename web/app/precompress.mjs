// Build-time precompression of the static files the server sends: NAME.gz (gzip -9, Node's zlib) and NAME.br
// (Debian's `brotli` command, quality 11) next to each file. The sync server picks one by Accept-Encoding
// (server/src/static_files.cpp) and never serves a sibling older than its file, so an unchanged file is skipped here
// and a rebuilt one is compressed again. Files whose compressed form saves less than 5 % are left alone.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = /\.(html|js|mjs|css|json|webmanifest|wasm|onnx|wfshard|svg|txt)$/;
const MIN_BYTES = 1024;

function fresh(sibling, stat) {
  try {
    return fs.statSync(sibling).mtimeMs >= stat.mtimeMs;
  } catch {
    return false;
  }
}

function brotliAvailable() {
  try {
    execFileSync('brotli', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Writes `to` atomically (temp file + rename), or removes a stale `to` when compression does not pay.
function keepIfSmaller(to, bytes, size) {
  if (bytes.length > size * 0.95) {
    fs.rmSync(to, { force: true });
    return false;
  }
  fs.writeFileSync(`${to}.tmp`, bytes);
  fs.renameSync(`${to}.tmp`, to);
  return true;
}

// Precompresses every compressible file ≥ 1 KiB of `files`. Returns {written, skipped, bytes: {file: {raw, gz, br}}}.
export function precompress(files, { log = () => {} } = {}) {
  const hasBrotli = brotliAvailable();
  if (!hasBrotli) log('precompress: the `brotli` command is missing (scripts/setup.sh installs it): gzip only');
  const out = { written: 0, skipped: 0, bytes: {} };
  for (const file of files) {
    const stat = fs.statSync(file);
    if (!COMPRESSIBLE.test(file) || stat.size < MIN_BYTES) continue;
    const entry = (out.bytes[file] = { raw: stat.size });
    for (const [ext, make] of [
      ['.gz', () => zlib.gzipSync(fs.readFileSync(file), { level: 9 })],
      ['.br', () => (hasBrotli ? execFileSync('brotli', ['-q', '11', '-c', file], { maxBuffer: 1 << 30 }) : null)],
    ]) {
      const sibling = `${file}${ext}`;
      if (fresh(sibling, stat)) {
        out.skipped++;
        entry[ext.slice(1)] = fs.statSync(sibling).size;
        continue;
      }
      const bytes = make();
      if (!bytes) continue;
      if (keepIfSmaller(sibling, bytes, stat.size)) {
        out.written++;
        entry[ext.slice(1)] = bytes.length;
        log(`precompress: ${path.basename(file)} ${stat.size} → ${ext} ${bytes.length} bytes`);
      }
    }
  }
  return out;
}

// Every regular file under `dir` (recursively), without precompressed siblings or temp files.
export function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => fs.statSync(f).isFile() && !/\.(gz|br|tmp)$/.test(f))
    .sort();
}
