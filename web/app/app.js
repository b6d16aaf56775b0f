// The learner-facing page: profile form → recommendations as cards; every interaction goes through the package
// (track → local counts at once + outbox → server when online). The profile is kept in IndexedDB only.
// The recommender runs in a Web Worker (lib/worker.bundle.js: web/src/worker.js bundled into one file by
// web/app/stage.mjs); this page keeps only the UI (docs/WEB.md).
import { createRecommenderInWorker } from './lib/bridge.js';
import { LoadingView } from './loading.js';
import { mountSpace, notInterestedButton, notRecorded } from './views.js';

const $ = (sel) => document.querySelector(sel);
const statusEl = $('#status');
const cardsEl = $('#cards');
const moreBtn = $('#more');
const netEl = $('#net-status');
const LIST_FIELDS = ['interests', 'languages', 'frameworks', 'goals'];

const t0 = performance.now();
window.wayfinderTimings = { start: t0 };

function userId() {
  let id = localStorage.getItem('wayfinder.userId');
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem('wayfinder.userId', id);
  }
  return id;
}

// Registered once the downloads are over, so its install copies the page's files from the HTTP cache instead of
// downloading them a second time alongside the page (sw.js).
let swRegistered = false;
function registerServiceWorker() {
  if (swRegistered || !('serviceWorker' in navigator)) return;
  swRegistered = true;
  navigator.serviceWorker.register('sw.js', { scope: './' }).catch((e) => console.warn('service worker:', e));
}
// A page already controlled by the worker (a repeat visit) has nothing to wait for.
if (navigator.serviceWorker?.controller) registerServiceWorker();

const loading = new LoadingView({ root: $('#loading'), bar: $('#load-bar'), text: $('#load-text'), retry: $('#retry') });
// Uncompressed sizes of the staged files (web/app/stage.mjs), for the bar's totals; the package reports the model
// and shard sizes itself from model-info.json and the manifest.
fetch('sizes.json')
  .then((r) => (r.ok ? r.json() : {}))
  .then((s) => (loading.sizes.runtime = s['ort/ort-wasm-simd-threaded.wasm']))
  .catch(() => {});

// What the learner typed while the page loaded is theirs: a saved profile never overwrites a touched field.
const touched = new Set();
for (const f of [...LIST_FIELDS, 'field_of_study', 'skill_level']) $(`#${f}`).addEventListener('input', () => touched.add(f));
let queued = null; // a profile submitted before a ranking was possible

function showNet() {
  netEl.textContent = navigator.onLine ? '' : 'Offline: recommendations still work; your feedback is queued and sent when you are back online.';
}
addEventListener('online', showNet);
addEventListener('offline', showNet);
showNet();

let rec;
let page = null; // the last page shown
let current = { profile: null, offset: 0, rankingId: null, kinds: [] };
// How a card names a project's learning kind (the kinds are the core's; see models/catalog/kind.mjs).
const KIND_LABELS = {
  tutorial: 'Tutorial or course', book: 'Book', exercises: 'Exercises', example: 'Example app or template',
  list: 'Curated list or roadmap', reference: 'Cheatsheet or reference', library: 'Library or framework', tool: 'Tool',
  app: 'Application',
};
const readKinds = () => ($('#kind_filter').value ? [$('#kind_filter').value] : []);
const state = new Map(); // projectId -> {bookmarked, stars}

function readProfile() {
  const p = {};
  for (const f of LIST_FIELDS) {
    const v = $(`#${f}`).value.split(',').map((s) => s.trim()).filter(Boolean);
    if (v.length) p[f] = v;
  }
  const fos = $('#field_of_study').value.trim();
  if (fos) p.field_of_study = fos;
  const sk = $('#skill_level').value;
  if (sk) p.skill_level = sk;
  return p;
}

function fillProfile(p) {
  if (!p) return;
  const untouched = (f) => !touched.has(f) && !$(`#${f}`).value;
  for (const f of LIST_FIELDS) if (p[f] && untouched(f)) $(`#${f}`).value = p[f].join(', ');
  if (p.field_of_study && untouched('field_of_study')) $('#field_of_study').value = p.field_of_study;
  if (p.skill_level && untouched('skill_level')) $('#skill_level').value = p.skill_level;
}

function fmtStars(n) {
  if (n == null) return 'stars unknown';
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10000 ? 0 : 1)}k stars` : `${n} stars`;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null) e.append(c);
  return e;
}

// Every event goes to the worker; a refused one (the core names the field) is reported, never thrown at the UI. What
// the learner did on purpose (not an impression) and was not recorded is said on the page, not only in the console.
const PRESSES = { click: 'opening', bookmark: 'bookmark', unbookmark: 'removal from saved', rating: 'rating' };
const refused = (type) => (e) => (PRESSES[type] ? notRecorded('#status', PRESSES[type], e) : console.warn(`${type}: ${e.message}`));
const track = (event) => Promise.resolve().then(() => rec.track(event)).catch(refused(event.type));

// Impressions when a card is at least half visible, once per ranking and project.
const seen = new Set();
const observer = new IntersectionObserver(
  (entries) => {
    for (const en of entries) {
      if (!en.isIntersecting) continue;
      const { projectId, position, rankingId } = en.target.dataset;
      const key = `${rankingId}|${projectId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      observer.unobserve(en.target);
      track({ type: 'impression', projectId, position: Number(position), rankingId });
    }
  },
  { threshold: 0.5 },
);

// Dwell: time away from this page after opening a project (the GitHub tab), via the Page Visibility API.
let opened = null; // {projectId, position, rankingId, hiddenAt}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') {
    if (opened && opened.hiddenAt == null) opened.hiddenAt = performance.now();
    rec?.flushOnHide();
  } else if (opened?.hiddenAt != null) {
    const seconds = Math.round((performance.now() - opened.hiddenAt) / 100) / 10;
    track({ type: 'dwell', projectId: opened.projectId, position: opened.position, rankingId: opened.rankingId, seconds });
    opened = null;
  }
});
addEventListener('pagehide', () => rec?.flushOnHide());

// The card's title: the project's link (a click is tracked, and the time away from the page becomes dwell).
function titleLink(item, base) {
  return el(
    'a',
    {
      href: item.url,
      target: '_blank',
      rel: 'noopener',
      onclick: () => {
        track({ type: 'click', ...base });
        opened = { ...base, hiddenAt: null };
      },
    },
    item.fullName,
  );
}

function bookmarkButton(item, base, s) {
  return el(
    'button',
    {
      type: 'button',
      class: 'bookmark',
      'aria-pressed': s.bookmarked ? 'true' : 'false',
      onclick: (ev) => {
        const on = ev.currentTarget.getAttribute('aria-pressed') !== 'true'; // a second press takes it back
        if (on) track({ type: 'bookmark', ...base });
        else rec.unbookmark(item.projectId).catch(refused('unbookmark'));
        state.set(item.projectId, { ...state.get(item.projectId), bookmarked: on });
        ev.currentTarget.setAttribute('aria-pressed', String(on));
        ev.currentTarget.textContent = on ? 'Bookmarked' : 'Bookmark';
      },
    },
    s.bookmarked ? 'Bookmarked' : 'Bookmark',
  );
}

function starButtons(item, base, s) {
  const stars = el('fieldset', { class: 'stars' }, el('legend', {}, `Rate ${item.fullName}`));
  for (let n = 1; n <= 5; n++) {
    const onclick = (ev) => {
      track({ type: 'rating', stars: n, ...base });
      state.set(item.projectId, { ...state.get(item.projectId), stars: n });
      for (const b of stars.querySelectorAll('button')) b.setAttribute('aria-pressed', 'false');
      ev.currentTarget.setAttribute('aria-pressed', 'true');
    };
    const label = `Rate ${n} star${n > 1 ? 's' : ''}`;
    stars.append(el('button', { type: 'button', 'aria-label': label, 'aria-pressed': s.stars === n ? 'true' : 'false', onclick }, `${n}★`));
  }
  return stars;
}

// What the project is (kind, language, stars, level) and why it is here, in plain words.
function facts(item) {
  return el(
    'ul',
    { class: 'facts', 'aria-label': 'Facts' },
    el('li', { class: 'kind', 'data-kind': item.kind ?? '' }, KIND_LABELS[item.kind] ?? 'kind unknown'),
    el('li', {}, item.language || 'language unknown'),
    el('li', {}, fmtStars(item.stars)),
    el('li', {}, item.complexity ? `${item.complexity} level` : 'level unknown'),
  );
}

function whyLine(item) {
  const why = [];
  if (item.reason) why.push(item.reason);
  if (item.communityScore != null) why.push(`community score ${(item.communityScore * 100).toFixed(0)}%`);
  return el('p', { class: 'why' }, el('strong', {}, 'Why: '), why.join(' · ') || 'similar to your profile');
}

function card(item, rankingId) {
  const s = state.get(item.projectId) ?? {};
  const base = { projectId: item.projectId, position: item.position, rankingId };
  const headingId = `h-${item.position}-${item.projectId.replace(/[^a-z0-9]/g, '-')}`;
  const a = el(
    'article',
    {
      class: 'card',
      'aria-labelledby': headingId,
      'data-project-id': item.projectId,
      'data-position': item.position,
      'data-ranking-id': rankingId,
    },
    el('h3', { id: headingId }, titleLink(item, base), item.explored ? el('span', { class: 'badge explore' }, 'exploring') : null),
    el('p', { class: 'desc' }, item.description || 'No description.'),
    facts(item),
    whyLine(item),
    el('div', { class: 'actions' }, bookmarkButton(item, base, s), starButtons(item, base, s),
      notInterestedButton({ el, facts }, rec, item, rankingId, refill)),
  );
  observer.observe(a);
  return a;
}

async function show(profile, offset, kinds = []) {
  const t = performance.now();
  statusEl.textContent = 'Finding projects…';
  // Before the model is in, a lexical + structured ranking (stage 'lexical'); see offerRefinement.
  const res = await rec.recommend(profile, { limit: 10, offset, kinds, rankingId: offset ? current.rankingId : undefined, allowLexical: true });
  const ms = performance.now() - t;
  if (offset === 0) {
    cardsEl.replaceChildren();
    $('#refine').hidden = true;
  }
  cardsEl.dataset.stage = res.stage;
  current = { profile, offset, kinds, rankingId: res.rankingId };
  page = res;
  for (const item of res.items) cardsEl.append(card(item, res.rankingId));
  moreBtn.hidden = res.items.length === 0 || res.exhausted;
  statusEl.textContent =
    `${cardsEl.children.length} projects.` +
    (res.stage === 'lexical' ? ' Matched by words, languages and level; the language model is still loading.' : '');
  // For the curious (and the tests), not in the learner's way: the experiment arm, timing and versions.
  $('#ranking-details').textContent = `ranked in ${Math.round(ms)} ms · experiment arm ${res.arm}${res.experimentId ? ` (${res.experimentId})` : ''} · ${res.stage ?? 'embedding'} ranking`;
  $('#ranking-details').dataset.arm = res.arm;
  $('#versions').textContent = `model ${res.modelVersion} · shard ${res.shardVersion.slice(0, 12)}`;
  if (!window.wayfinderTimings.firstRecommendations) window.wayfinderTimings.firstRecommendations = performance.now() - t0;
  window.wayfinderTimings.lastRecommendMs = ms;
  if (res.stage === 'lexical' && !window.wayfinderTimings.firstLexicalRanking) window.wayfinderTimings.firstLexicalRanking = performance.now() - t0;
  if (res.stage === 'embedding' && !window.wayfinderTimings.firstEmbeddingRanking) window.wayfinderTimings.firstEmbeddingRanking = performance.now() - t0;
  document.body.dataset.ready = 'true';
  if (res.stage === 'lexical' && offset === 0) offerRefinement(profile, res.rankingId);
  return res;
}

// After "not interested" (or its undo) the pages shown so far are asked again: the core leaves hidden projects out
// and refills, so the list still holds as many cards as before.
async function refill() {
  const res = await rec.recommend(current.profile, { limit: current.offset + 10, offset: 0, kinds: current.kinds, rankingId: current.rankingId, allowLexical: true });
  cardsEl.replaceChildren(...res.items.map((item) => card(item, res.rankingId)));
  moreBtn.hidden = res.items.length === 0 || res.exhausted;
  statusEl.textContent = `${cardsEl.children.length} projects.`;
}
document.addEventListener('wayfinder:unbookmarked', (ev) => {
  state.set(ev.detail, { ...state.get(ev.detail), bookmarked: false });
  const btn = cardsEl.querySelector(`article[data-project-id="${CSS.escape(ev.detail)}"] .bookmark`);
  if (btn) (btn.setAttribute('aria-pressed', 'false'), (btn.textContent = 'Bookmark'));
});
// Forgotten: the recommender is disposed and this device's id dropped; a reload starts afresh with a new one.
document.addEventListener('wayfinder:forgotten', () => {
  localStorage.removeItem('wayfinder.userId');
  state.clear();
  cardsEl.replaceChildren();
  statusEl.textContent = 'Everything about you was deleted. Reload the page to start afresh.';
});

// Re-ranking with the model: the cards the learner is looking at never move on their own. When the model and the
// shard's vectors are in, the embedding-based ranking is computed in the background and offered ("Show refined ranking"); it replaces the
// list only when the learner asks.
function offerRefinement(profile, rankingId) {
  // prepare() embeds the profile as soon as the model is in, while the shard's vectors may still be arriving.
  rec
    .prepare(profile)
    .then(() => {
      if (current.rankingId !== rankingId) return; // the learner already asked for another ranking
      window.wayfinderTimings.embeddingRankingReady = performance.now() - t0;
      const btn = $('#refine');
      btn.hidden = false;
      btn.onclick = async () => {
        btn.hidden = true;
        await show(profile, 0, current.kinds);
      };
    })
    .catch(() => {}); // a failed model download is reported by the loading view
}

// Answers the learner's request: now when a ranking is possible, else as soon as it is (the page says so).
async function request(profile) {
  if (!rec) {
    queued = profile;
    statusEl.textContent = 'Got it: your recommendations appear as soon as the project list has arrived (see the progress above).';
    return;
  }
  $('#go').disabled = true;
  try {
    await show(profile, 0, readKinds());
    $('#results').focus();
  } catch (e) {
    statusEl.textContent = `Could not recommend: ${e.message}`;
    console.error(e);
  } finally {
    $('#go').disabled = false;
  }
}

$('#profile-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  request(readProfile());
});

moreBtn.addEventListener('click', async () => {
  moreBtn.disabled = true;
  try {
    await show(current.profile, current.offset + 10, current.kinds);
  } catch (e) {
    statusEl.textContent = `Could not load more: ${e.message}`;
  } finally {
    moreBtn.disabled = false;
  }
});

// The model and the shard's vectors part download in the background from the start; when both are in (or one
// failed) the service worker is registered. `retries`: how many times this is a retry (Retry button, 'online').
function watchModel(retries = 0) {
  rec
    .modelReady()
    .then(() => {
      window.wayfinderTimings.modelReady = performance.now() - t0;
      loading.finish();
      registerServiceWorker();
    })
    .catch((e) => {
      // lexical rankings keep working meanwhile
      const what = e.message.startsWith('project vectors:') ? 'project vectors' : 'language model';
      loading.fail(what, e, () => watchModel(retries + 1));
      registerServiceWorker();
      // A download still under way when the connection dropped can fail after the 'online' event that retried:
      // a retry that fails while online is tried again by itself, a few times (the Retry button stays).
      if (retries > 0 && retries < 4 && navigator.onLine) {
        setTimeout(() => $('#loading').dataset.failed === 'true' && $('#retry').click(), 2000 * retries);
      }
    });
}

async function main() {
  statusEl.textContent = 'Loading the recommender… You can fill in your profile and press “Get recommendations” now.';
  try {
    // modelStartAfterRanking: ONNX Runtime's start-up waits for the first ranking (it shares the worker's thread).
    const options = { server: location.origin, userId: userId(), autoSync: true, modelStartAfterRanking: true };
    const workerUrl = new URL('./lib/worker.bundle.js', import.meta.url);
    // ONNX Runtime runs in a worker of its own, started by the recommender's (web/src/embed-worker.js, bundled).
    options.embedWorkerUrl = new URL('./lib/embed-worker.bundle.js', import.meta.url).href;
    rec = await createRecommenderInWorker({ ...options, onProgress: (p) => loading.update(p) }, { workerUrl });
  } catch (e) {
    statusEl.textContent = `The recommender failed to load: ${e.message}`;
    loading.fail('recommender', e, main);
    console.error(e);
    return;
  }
  window.wayfinder = rec; // for tests and curious learners
  mountSpace({ el, facts }, rec);
  // Cards show what the learner already saved and rated (the core's learner space, kept on this device).
  // One round trip to the worker for the three, not three in a row.
  const [history, bookmarks, saved] = await Promise.all([rec.history(), rec.saved(), rec.savedProfile()]);
  for (const h of history) if (h.stars) state.set(h.projectId, { stars: h.stars });
  for (const s of bookmarks) state.set(s.projectId, { ...state.get(s.projectId), bookmarked: true });
  window.wayfinderTimings.ready = performance.now() - t0;
  fillProfile(saved);
  statusEl.textContent = 'Ready. Fill in your profile and press “Get recommendations”.';
  if (queued) {
    const profile = queued;
    queued = null;
    await request(profile);
  } else if (saved && Object.keys(saved).length && touched.size === 0) {
    await show(saved, 0, readKinds()).catch((e) => (statusEl.textContent = `Could not recommend: ${e.message}`));
  }
  watchModel(); // after the first ranking, which the model's start-up would otherwise delay
}
addEventListener('online', () => {
  rec?.sync().catch(() => {}); // the worker is told: queued feedback leaves now
  if ($('#loading').dataset.failed === 'true') $('#retry').click(); // back online: resume where it stopped
});
main();
