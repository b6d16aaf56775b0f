// The shipped feature basis gives bit-identical features of every shard row and the same seeded linear-arm and
// hierarchical-arm pages natively and in WASM: the core test BanditShippedBasis.SameFeaturesAndSeededLinearPageOnEveryTarget prints a
// digest of both (tests/core/bandit_shipped_basis_test.cpp); this runs the native, the WASM SIMD and the scalar WASM
// test binaries and requires equal digests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.mjs';

const FILTER = '--gtest_filter=BanditShippedBasis.*';
const NATIVE = path.join(ROOT, 'build/native/tests/wayfinder_core_tests');
const WASM = path.join(ROOT, 'build/wasm/tests/wayfinder_core_tests_wasm_simd.cjs');
const WASM_SCALAR = path.join(ROOT, 'build/wasm/tests/wayfinder_core_tests_wasm.cjs');

function digest(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, `${path.basename(args.at(-2) ?? cmd)}: ${r.stdout}\n${r.stderr}`);
  const m = r.stdout.match(/shipped basis digest: features ([0-9a-f]{16}) page ([0-9a-f]{16}) hierarchical ([0-9a-f]{16})/);
  assert.ok(m, `no digest line in:\n${r.stdout}`);
  return { features: m[1], page: m[2], hierarchical: m[3] };
}

test('features and seeded linear-arm and hierarchical-arm pages from the shipped basis: native == WASM (SIMD and scalar), bit for bit', () => {
  for (const f of [NATIVE, WASM, WASM_SCALAR]) assert.ok(fs.existsSync(f), `${f} is missing (ninja wayfinder_core_tests / wayfinder_core_tests_wasm_simd / wayfinder_core_tests_wasm)`);
  const native = digest(NATIVE, [FILTER]);
  const simd = digest(process.execPath, ['--no-experimental-fetch', WASM, FILTER]);
  const scalar = digest(process.execPath, ['--no-experimental-fetch', WASM_SCALAR, FILTER]);
  console.log(`native ${JSON.stringify(native)}  wasm simd ${JSON.stringify(simd)}  wasm scalar ${JSON.stringify(scalar)}`);
  assert.deepEqual(simd, native);
  assert.deepEqual(scalar, native);
});
