// `wayfinder shard inspect [LEXICAL-FILE] [--manifest FILE]`: prints a shard's headers (JSON; the vectors part's as
// "vectorsPart") after the core has verified every checksum of both files; the manifest (default: beside the file)
// names the vectors file and gives both files' sha256/size and the expected model and dimension.
import fs from 'node:fs';
import path from 'node:path';
import { loadCoreModule, readShardFiles, repoRoot } from './core-tools.mjs';

export async function main(argv = []) {
  let file = path.join(repoRoot, 'models/build/shards/catalog-000.lexical.wfshard');
  let manifest = null;
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--manifest') manifest = path.resolve(argv[++i] ?? '');
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write('Usage: wayfinder shard inspect [LEXICAL-SHARD-FILE] [--manifest manifest.json]\n');
      return 0;
    } else file = path.resolve(argv[i]);
  }
  const core = await loadCoreModule();
  try {
    const files = readShardFiles(file);
    manifest ??= files.manifestFile;
    const text = fs.readFileSync(manifest, 'utf8');
    core.manifestVerifyShard(text, path.basename(file), files.lexical, files.vectors);
    const header = JSON.parse(core.shardInspect(files.lexical, files.vectors, JSON.stringify(JSON.parse(text).model)));
    header.file = file;
    header.sha256 = core.sha256Hex(files.lexical);
    header.vectorsPart.file = path.join(path.dirname(file), files.entry.vectors.file);
    header.vectorsPart.sha256 = core.sha256Hex(files.vectors);
    header.manifest = { file: manifest, verified: true };
    header.kernel = core.searchKernelName();
    process.stdout.write(`${JSON.stringify(header, null, 2)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`shard inspect: ${file}: ${e.message}\n`);
    process.exitCode = 1;
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`shard inspect: ${e.message}\n`);
    process.exit(1);
  });
}
