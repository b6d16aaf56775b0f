#!/usr/bin/env node
// Stages the package (web/src/*.js) and the WASM core (web/wasm/) into web/app/lib and web/app/wasm, because the
// sync server serves only web/app (symlinks out of it are refused), and lists them in precache.json for sw.js.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = path.dirname(fileURLToPath(import.meta.url));
const web = path.dirname(app);
const copied = [];
function copyDir(from, to, keep) {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from).sort()) {
    const src = path.join(from, name);
    if (!fs.statSync(src).isFile() || !keep(name)) continue;
    fs.copyFileSync(src, path.join(to, name));
    copied.push(`${path.basename(to)}/${name}`);
  }
}
if (!fs.existsSync(path.join(web, 'wasm', 'wayfinder_core_simd.mjs'))) {
  console.error('stage: web/wasm/wayfinder_core_simd.mjs is missing: build the wasm targets first');
  process.exit(1);
}
copyDir(path.join(web, 'src'), path.join(app, 'lib'), (n) => n.endsWith('.js'));
copyDir(path.join(web, 'wasm'), path.join(app, 'wasm'), (n) => /\.(mjs|wasm)$/.test(n));
fs.writeFileSync(path.join(app, 'precache.json'), JSON.stringify(copied, null, 1) + '\n');
console.log(`stage: ${copied.length} files into web/app/{lib,wasm}`);
