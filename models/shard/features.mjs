// `wayfinder shard features`: runs the native builder step wayfinder-feature-basis (models/shard/feature_basis_main.cpp),
// which fits the contextual arm's feature basis over the shard's vectors, writes shards/features.json and records it
// in the manifest's "features" member. Up to date (nothing written) while the shard it was fitted on is unchanged.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './core-tools.mjs';

const USAGE = `Usage: wayfinder shard features [--manifest FILE] [--force] [--tool FILE]
  --manifest FILE  the shard manifest (default models/build/shards/manifest.json)
  --force          refit even when the basis is up to date
  --tool FILE      the native builder (default build/native/models/shard/wayfinder-feature-basis)`;

export async function main(argv = []) {
  const args = [];
  let tool = path.join(repoRoot, 'build/native/models/shard/wayfinder-feature-basis');
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return void process.stdout.write(`${USAGE}\n`);
    if (a === '--tool' && i + 1 < argv.length) tool = path.resolve(argv[++i]);
    else if (a === '--manifest' && i + 1 < argv.length) args.push('--manifest', path.resolve(argv[++i]));
    else if (a === '--force') args.push('--force');
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!fs.existsSync(tool)) throw new Error(`${tool} is missing: build it with ninja -C build/native wayfinder-feature-basis`);
  const r = spawnSync(tool, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`wayfinder-feature-basis failed (exit ${r.status ?? r.signal})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`shard features: ${e.message}\n`);
    process.exit(1);
  });
}
