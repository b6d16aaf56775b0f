// The quantiser's level count (models/convert/quantize.mjs): codes stay within ±levels, the channel's largest weight
// maps to ±levels, the default is LEVELS, and a bad level count is refused by name. Run: node --test tests/model/quantize.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { LEVELS, quantizeMatrix } from '../../models/convert/quantize.mjs';

// A 3 × 4 matrix whose columns have different ranges.
const W = Float32Array.from([0.5, -2, 0.01, 3, -1, 1, -0.02, -1.5, 0.25, 0.5, 0.03, 0]);

test('codes lie within ±levels and each column maximum reaches ±levels', () => {
  for (const levels of [127, 47, 7]) {
    const { q, scale } = quantizeMatrix(W, 3, 4, 1, levels);
    assert.ok(q.every((v) => Math.abs(v) <= levels), `levels ${levels}: ${q}`);
    for (let c = 0; c < 4; c++) {
      const col = [0, 1, 2].map((r) => q[r * 4 + c]);
      assert.equal(Math.max(...col.map(Math.abs)), levels, `column ${c} at ${levels} levels: ${col}`);
      [0, 1, 2].forEach((r) => assert.ok(Math.abs(W[r * 4 + c] - q[r * 4 + c] * scale[c]) <= scale[c] / 2 + 1e-7));
    }
  }
});

test('the default level count is LEVELS, and bad counts are refused by name', () => {
  assert.deepEqual(quantizeMatrix(W, 3, 4, 0).q, quantizeMatrix(W, 3, 4, 0, LEVELS).q);
  for (const bad of [0, 128, 2.5, '31']) assert.throws(() => quantizeMatrix(W, 3, 4, 0, bad), new RegExp(`levels must be an integer from 1 to 127, got ${bad}`));
});
