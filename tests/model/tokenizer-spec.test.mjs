// Checks that the written description of the reference tokenizer (comment at the top of
// models/convert/reference-tokenizer.mjs) is complete: an independent implementation written only from
// that description must agree with the package's tokenizer token for token. A C++ port can follow the
// same steps (specImpl below is deliberately plain: arrays, a map, doubles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceTokenize, referenceVocabulary } from '../../models/convert/reference-tokenizer.mjs';
import { SENTENCES } from './sentences.mjs';

const vocab = referenceVocabulary();
const pieces = new Map(); // piece (string) → [id, score]; later duplicates win; ids 0..5 excluded
let maxPieceLen = 0;
for (let id = 6; id < vocab.length; id++) {
  pieces.set(vocab[id][0], [id, vocab[id][1] ?? 0]); // null score acts as 0
  maxPieceLen = Math.max(maxPieceLen, [...vocab[id][0]].length);
}

function specImpl(text) {
  let s = text.normalize('NFKC');
  if (s.length === 0) return [];
  s = '\u2581' + s.replaceAll(' ', '\u2581');
  const cps = [...s];
  const n = cps.length;
  const cands = Array.from({ length: n + 1 }, () => []); // cands[end] = [start, id, score, len]
  for (let i = 0; i < n; i++) {
    let found = false;
    for (let L = 1; L <= maxPieceLen && i + L <= n; L++) {
      const p = pieces.get(cps.slice(i, i + L).join(''));
      if (p) (cands[i + L].push([i, p[0], p[1]]), (found = true));
    }
    if (!found) cands[i + 1].push([i, 0, 0]);
  }
  const best = new Array(n + 1).fill(0), words = new Array(n + 1).fill(0);
  for (let end = 0; end <= n; end++) {
    cands[end].sort((a, b) => a[0] - b[0]); // increasing start
    for (const [start, id, score] of cands[end]) {
      const sc = score + best[start];
      if (best[end] === 0 || sc >= best[end]) (best[end] = sc), (words[end] = id);
    }
  }
  const out = [];
  for (let k = n; k > 0; k -= vocab[words[k]][0].length) out.push(words[k]);
  out.reverse();
  return out.filter((id, k) => !(id === 0 && k > 0 && out[k - 1] === 0));
}

// Deterministic pseudo-random strings over an alphabet that hits the quirks (spaces, colons, digits,
// unknown characters, NFKC-affected characters, astral code points).
function* randomStrings(count, seed = 12345) {
  const alphabet = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789  ::)(-./_,!?"\'\t\n'].concat(
    ['é', 'ß', 'ﬁ', '½', 'Ｆ', '\u00a0', '\u3000', '日', '本', 'я', '🚀', '😅', '”', '5', '\u200b', '\u0301', 'ǅ']);
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x / 2 ** 32);
  for (let c = 0; c < count; c++) {
    const len = Math.floor(rnd() * 40);
    let s = '';
    for (let k = 0; k < len; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    yield s;
  }
}

test('written tokenizer spec reproduces the package tokenizer token for token', () => {
  const inputs = [
    ...SENTENCES,
    '', ' ', '  ', ':', '::', ':30', ':00', '10:30:00', '”5', 'a”5b', '\t', '\n\n', '日本', '🚀', 'x'.repeat(500),
    ...randomStrings(3000),
  ];
  let mismatches = 0;
  for (const s of inputs) {
    const want = referenceTokenize(s), got = specImpl(s);
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      if (++mismatches <= 5) console.log(`# mismatch ${JSON.stringify(s)}: ref ${want} spec ${got}`);
    }
  }
  console.log(`# tokenizer spec checked on ${inputs.length} strings, ${mismatches} mismatches`);
  assert.equal(mismatches, 0);
});

test('reference tokenizer basics', () => {
  assert.deepEqual(referenceTokenize(''), []);
  assert.deepEqual(referenceTokenize('I want to learn Rust'), [16, 142, 10, 844, 293, 2240]);
  assert.ok(referenceTokenize('x '.repeat(300)).length > 128, 'no cap in the tokenizer itself');
  assert.ok(!referenceTokenize('Hello world').includes(1) && !referenceTokenize('Hello world').includes(2), 'no BOS/EOS');
});
