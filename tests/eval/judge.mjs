// The judge of the learner evaluation (docs/RANKING-EVAL.md): how much a catalog project is worth to one learner
// profile, graded 0..3 by learning value for the learner's level. Written before the ranking was tuned on it, and
// on purpose independent of the product: it reads only the catalog row's metadata and the profile's hidden
// judgement (an area of tests/eval/learners.json), never the shard's facets, complexity or the ranker's scores.
//
// What a teacher would hand the learner:
//  - beginner: on-topic learning material (tutorial, course, book, exercises, curated list, cheatsheet, roadmap)
//    first; then learning material for the wider subject and small example apps; a library or tool is worth
//    little however well it matches (at most 1).
//  - intermediate: approachable real projects and example apps on the topic; learning material second.
//  - advanced: substantial libraries and systems on the topic; beginner material worth little.

export const normTag = (s) => String(s).trim().toLowerCase().replace(/[\s_]+/g, '-');

// "machine learning", "deep learning" … are fields, not learning material: hidden before the learning test.
const FIELD_NAMES = /\b(machine|deep|reinforcement|federated|statistical|active|transfer|meta|metric|representation|contrastive|online|multi[- ]task|self[- ]supervised|unsupervised|supervised|few[- ]shot|graph|scikit|scikit-|q|sk|easy to) ?-?learn(ing)?\b/g;
// "awesome" marks a list only as a list's name or phrase, not as praise ("so awesome, it should be illegal").
const AWESOME_LIST = /^awesome\b|\b(awesome[- ]list|curated list|list of awesome)\b/;
const LEARNING_WORDS = new RegExp(
  '\\b(tutorials?|courses?|curriculum|bootcamp|lessons?|lectures?|books?|ebooks?|handbook|learn|learning|' +
    'study|teach(ing)?|education(al)?|exercises?|katas?|koans|practice|challenges|cheat ?sheets?|roadmaps?|interviews?|' +
    'leetcode|curated list|list of|resources|guide|explained|from scratch|build your own|beginners?|' +
    '\\d+ ?days of|notes)\\b',
);
const LEARNING_TAGS = new Set(['tutorial', 'cheatsheet', 'interview', 'leetcode', 'education', 'coursera',
  'bootcamp', 'koans', 'learn-to-code', 'cheatsheets', 'algorithms-and-data-structures',
  'teaching-computational-social-science']);
const EXAMPLE_WORDS = /\b(examples?|samples?|demos?|starter|boilerplate|templates?|clone|portfolio|showcase|real ?world)\b/;
const EXAMPLE_TAGS = new Set(['example', 'demo', 'boilerplate', 'template', 'portfolio', 'nextjs-blog-templates',
  'github-pages-examples', 'project-templates', 'reusable-app-templates', 'templates']);

/** 'learning' | 'example' | 'software': the judge's own reading of what a project is (not the product's facet). */
export function judgeKind(meta) {
  const name = String(meta.id ?? meta.full_name ?? '').split('/')[1] ?? '';
  const text = `${name.replace(/[-_.]+/g, ' ')} ${meta.description ?? ''}`.toLowerCase().replace(FIELD_NAMES, 'field');
  const tags = [...(meta.topics ?? []), ...(meta.categories ?? []), ...(meta.labels ?? []), ...(meta.collections ?? [])].map(normTag);
  if (LEARNING_WORDS.test(text) || AWESOME_LIST.test(text) || tags.some((t) => LEARNING_TAGS.has(t))) return 'learning';
  if (EXAMPLE_WORDS.test(text) || tags.some((t) => EXAMPLE_TAGS.has(t))) return 'example';
  return 'software';
}

const projectTags = (meta) =>
  [...(meta.topics ?? []), ...(meta.categories ?? []), ...(meta.labels ?? []), ...(meta.collections ?? [])].map(normTag);

// A substantial project: many stars or many contributors (what an advanced learner studies or contributes to).
const substantial = (meta) => (meta.stars ?? 0) >= 1000 || (meta.contributors ?? 0) >= 20;
// An approachable real project: known to people (≥ 100 stars) but not a giant (< 20k stars, ≤ 200 contributors).
const approachable = (meta) =>
  (meta.stars ?? 0) >= 100 && (meta.stars ?? 0) < 20000 && (meta.contributors ?? 0) <= 200;

/**
 * Grade 0..3 of a catalog row for a profile with hidden judgement `area` ({tags, broad, languages}).
 * topical: a project tag is one of area.tags; broad: one of area.broad (counts only for learning material);
 * languageFits: area.languages is empty or holds the project's language (learning material without a language —
 * a list of links — fits too).
 */
export function grade(meta, area, skill) {
  const tags = projectTags(meta);
  const topical = tags.some((t) => area.tags.includes(t));
  const broad = !topical && tags.some((t) => (area.broad ?? []).includes(t));
  if (!topical && !broad) return 0;
  const kind = judgeKind(meta);
  const langs = area.languages ?? [];
  const fits = langs.length === 0 || langs.includes(meta.language ?? '') || (kind === 'learning' && !meta.language);
  if (broad) return kind === 'learning' && fits && skill !== 'advanced' ? (skill === 'beginner' ? 2 : 1) : 0;
  if (skill === 'beginner') {
    if (kind === 'learning') return fits ? 3 : 2;
    if (kind === 'example') return fits ? 2 : 1;
    return fits ? 1 : 0;
  }
  if (skill === 'advanced') {
    if (kind === 'software') return fits ? (substantial(meta) ? 3 : 2) : 1;
    return fits ? 1 : 0;
  }
  // intermediate (and no level stated)
  if (kind === 'example') return fits ? 3 : 1;
  if (kind === 'software') return fits ? (approachable(meta) ? 3 : 2) : 1;
  return fits ? 2 : 1;
}

const gain = (g) => 2 ** g - 1;
const discount = (r) => 1 / Math.log2(r + 2);

/** NDCG@k of a ranked list of grades against the ideal order of every grade in the catalog. */
export function ndcgAtK(rankedGrades, allGrades, k = 10) {
  let dcg = 0;
  rankedGrades.slice(0, k).forEach((g, r) => (dcg += gain(g) * discount(r)));
  const ideal = [...allGrades].sort((a, b) => b - a).slice(0, k);
  let idcg = 0;
  ideal.forEach((g, r) => (idcg += gain(g) * discount(r)));
  return idcg > 0 ? dcg / idcg : 0;
}

/** Share of the first k with grade ≥ 2 (useful to this learner). */
export const precisionAtK = (rankedGrades, k = 10) => rankedGrades.slice(0, k).filter((g) => g >= 2).length / k;
