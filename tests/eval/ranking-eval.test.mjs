// node --test tests/eval/ranking-eval.test.mjs — runs the ranking evaluation on the real shard (docs/RANKING-EVAL.md)
// and pins its claim: the blended ranking (ContentWeights defaults) beats pure cosine and pure BM25 on NDCG@10.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grade, loadEvaluation, ndcgAtK, precisionAtK, report } from './ranking-eval.mjs';

test('grade rule: topical + language 2, topical only 1, skill mismatch lowers by one', () => {
  const j = { tags: ['machine-learning', 'Text Data & NLP'], languages: ['Python'] };
  assert.equal(grade({ topics: ['machine-learning'], language: 'Python' }, j), 2);
  assert.equal(grade({ categories: ['Text Data & NLP'], language: 'Rust' }, j), 1);
  assert.equal(grade({ topics: ['web'], language: 'Python' }, j), 0);
  assert.equal(grade({ collections: ['machine_learning'], language: 'Python', complexity: 'advanced' }, j, 'beginner'), 1);
  assert.equal(grade({ labels: ['machine-learning'], language: 'Go', complexity: 'beginner' }, j, 'advanced'), 0);
  assert.equal(grade({ topics: ['machine-learning'], language: 'Go' }, { tags: ['machine-learning'], languages: [] }), 2);
});

test('NDCG@10 is 1 for the ideal order and lower otherwise; P@10 counts grade >= 1', () => {
  const all = [2, 1, 0, 0, 2];
  assert.equal(ndcgAtK([2, 2, 1], all), 1);
  assert.ok(ndcgAtK([0, 1, 2], all) < 1);
  assert.equal(precisionAtK([2, 0, 1, 0, 0, 0, 0, 0, 0, 0]), 0.2);
});

test('blend beats pure cosine and pure BM25 on NDCG@10 over the real shard', { timeout: 60_000 }, async () => {
  const ev = await loadEvaluation();
  try {
    assert.ok(ev.cases.length >= 30, `${ev.cases.length} profiles`);
    const [cosine, bm25, blend] = report(ev);
    const line = (r) => `${r.name}: NDCG@10 ${r.all.ndcg.toFixed(3)}, P@10 ${r.all.precision.toFixed(3)}`;
    console.log([cosine, bm25, blend].map(line).join('\n'));
    assert.ok(blend.all.ndcg > cosine.all.ndcg, line(blend) + ' vs ' + line(cosine));
    assert.ok(blend.all.ndcg > bm25.all.ndcg, line(blend) + ' vs ' + line(bm25));
    assert.ok(blend.test.ndcg > bm25.test.ndcg, 'held-out: ' + blend.test.ndcg + ' vs BM25 ' + bm25.test.ndcg);
  } finally {
    ev.close();
  }
});
