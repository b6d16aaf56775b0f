// `wayfinder shard inspect [FILE] [--manifest FILE]`: prints a shard's header (JSON) after the core has verified
// every checksum; with a manifest, also its sha256/size entry and the expected model and dimension.
import fs from 'node:fs';
import path from 'node:path';
import { loadCoreModule, repoRoot } from './core-tools.mjs';

export async function main(argv = []) {
  let file = path.join(repoRoot, 'models/build/shards/catalog-000.wfshard');
  let manifest = null;
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--manifest') manifest = path.resolve(argv[++i] ?? '');
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write('Usage: wayfinder shard inspect [SHARD] [--manifest manifest.json]\n');
      return 0;
    } else file = path.resolve(argv[i]);
  }
  if (!manifest && fs.existsSync(path.join(path.dirname(file), 'manifest.json'))) {
    manifest = path.join(path.dirname(file), 'manifest.json');
  }
  const core = await loadCoreModule();
  const bytes = fs.readFileSync(file);
  try {
    let expectation = '';
    if (manifest) {
      const text = fs.readFileSync(manifest, 'utf8');
      core.manifestVerifyShard(text, path.basename(file), bytes);
      expectation = JSON.stringify(JSON.parse(text).model);
    }
    const header = JSON.parse(core.shardInspect(bytes, expectation));
    header.file = file;
    header.sha256 = core.sha256Hex(bytes);
    header.manifest = manifest ? { file: manifest, verified: true } : null;
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
