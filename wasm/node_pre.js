// Under Node, the extern shim (node_shim.js) read the .wasm bytes; use them unless the caller gave its own.
if (typeof __wfNodeWasmBinary !== 'undefined' && __wfNodeWasmBinary && !Module['wasmBinary']) {
  Module['wasmBinary'] = __wfNodeWasmBinary;
}
