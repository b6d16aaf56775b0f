// Bytes of each section of a shard, brotli-compressed (quality 9, 16 MB window; the served file is quality 11 over
// the whole file) and the byte entropy: what the wire cost of each part is (docs/SHARD-FORMAT.md, issue 11).
//   node tests/bench/shard_sections.mjs [FILE…] (default: both files of models/build/shards/catalog-000.*.wfshard)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const files = process.argv.length > 2 ? process.argv.slice(2) : ['lexical', 'vectors'].map((p) => path.join(ROOT, `models/build/shards/catalog-000.${p}.wfshard`));
const NAMES = ['vectors', 'scales', 'ids', 'meta', 'bm25', 'facets'];
const entropy = (bytes) => {
  const h = new Array(256).fill(0);
  for (const x of bytes) h[x]++;
  return h.reduce((e, c) => (c ? e - (c / bytes.length) * Math.log2(c / bytes.length) : e), 0);
};
for (const file of files) {
const b = fs.readFileSync(file);
console.log(`${path.basename(file)}: ${b.length} bytes`);
const count = b.readUInt32LE(36); // section count (header, docs/SHARD-FORMAT.md)
for (let i = 0; i < count; i++) {
  const at = 160 + 32 * i;
  const off = Number(b.readBigUInt64LE(at + 8));
  const size = Number(b.readBigUInt64LE(at + 16));
  const sec = b.subarray(off, off + size);
  const br = zlib.brotliCompressSync(sec, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_LGWIN]: 24 } });
  console.log(`${NAMES[b.readUInt32LE(at) - 1] ?? `kind ${b.readUInt32LE(at)}`}: ${size} bytes, brotli ${br.length}, byte entropy ${entropy(sec).toFixed(2)} bits`);
}
}
