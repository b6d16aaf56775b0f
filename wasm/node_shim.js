// Emscripten 3.1.6's ES-module output still uses require/__dirname under Node; define them there only,
// and read the .wasm beside this file (Node's global fetch cannot read file://; node_pre.js hands the
// bytes to the module). In a browser this does nothing.
var require, __dirname, __filename, __wfNodeWasmBinary;
if (typeof process === 'object' && process.versions && process.versions.node) {
  const { createRequire } = await import('node:module');
  const { fileURLToPath } = await import('node:url');
  const path = await import('node:path');
  require = createRequire(import.meta.url);
  __filename = fileURLToPath(import.meta.url);
  __dirname = path.dirname(__filename);
  __wfNodeWasmBinary = require('fs').readFileSync(__filename.replace(/\.mjs$/, '.wasm'));
}
