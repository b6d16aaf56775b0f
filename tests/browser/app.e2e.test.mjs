// End to end in Chromium against the real wayfinder-sync: profile → ≥ 10 recommendations → click/bookmark/rate →
// own ranking changes → offline reload still recommends → interactions queue → online → stored exactly once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_TOKEN, SHOTS, launchBrowser, startServer } from './harness.mjs';

let server, browser, page;
const figures = {};
const posted = []; // every event the page POSTed to /v1/feedback (sendBeacon included)
const postedBatches = []; // batch id of every POST

// Hand-written axe-like checks: every form control has a label, every button and link a name, every card and
// region a heading that exists, ids are unique, the page declares its language.
async function accessibilityProblems() {
  return page.evaluate(() => {
    const problems = [];
    const text = (e) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const byIds = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id));
    const name = (e) => {
      if (e.getAttribute('aria-label')?.trim()) return e.getAttribute('aria-label').trim();
      const lb = e.getAttribute('aria-labelledby');
      if (lb) return byIds(lb).map(text).join(' ').trim();
      const labels = e.labels ? [...e.labels].map(text).join(' ').trim() : '';
      if (labels) return labels;
      if (e.tagName === 'BUTTON' || e.tagName === 'A') return text(e) || e.getAttribute('title') || '';
      return e.getAttribute('title') ?? '';
    };
    const visible = (e) => !e.hidden && e.getClientRects().length > 0;
    if (!document.documentElement.lang) problems.push('html has no lang');
    for (const e of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      if (!name(e)) problems.push(`control #${e.id || e.name} has no label`);
    }
    for (const e of document.querySelectorAll('button, a[href], [role=button]')) {
      if (visible(e) && !name(e)) problems.push(`${e.tagName.toLowerCase()} "${e.outerHTML.slice(0, 80)}" has no accessible name`);
    }
    for (const e of document.querySelectorAll('[aria-labelledby], [aria-describedby]')) {
      for (const attr of ['aria-labelledby', 'aria-describedby']) {
        const v = e.getAttribute(attr);
        if (v && byIds(v).some((t) => !t)) problems.push(`${e.tagName.toLowerCase()} ${attr}="${v}" points nowhere`);
      }
    }
    for (const e of document.querySelectorAll('article')) if (!name(e)) problems.push('an article has no name');
    for (const e of document.querySelectorAll('svg[role=img]')) if (!name(e)) problems.push('a chart has no label');
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dup.length) problems.push(`duplicate ids: ${[...new Set(dup)].join(', ')}`);
    for (const e of document.querySelectorAll('[tabindex]')) if (Number(e.getAttribute('tabindex')) > 0) problems.push(`#${e.id} has a positive tabindex`);
    return problems;
  });
}

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('request', (req) => {
    if (!req.url().endsWith('/v1/feedback') || req.method() !== 'POST') return;
    try {
      const body = JSON.parse(req.postData() ?? '{}');
      posted.push(...body.events);
      postedBatches.push(body.batchId);
    } catch {
      /* not JSON: the server rejects it and the test's exactly-once checks fail */
    }
  });
});
after(async () => {
  console.log(`# figures ${JSON.stringify(figures)}`);
  await browser?.context.close();
  await server?.stop();
});

async function cards() {
  return page.$$eval('article.card', (as) =>
    as.map((a) => ({ id: a.dataset.projectId, pos: Number(a.dataset.position), ranking: a.dataset.rankingId, explored: !!a.querySelector('.badge.explore') })),
  );
}
async function getRecommendations() {
  const before = await page.evaluate(() => window.wayfinderTimings?.lastRecommendMs);
  await page.getByRole('button', { name: 'Get recommendations' }).click();
  await page.waitForFunction((b) => window.wayfinderTimings?.lastRecommendMs !== b && document.querySelectorAll('article.card').length >= 10, before, { timeout: 60000 });
  return cards();
}
// Syncs until nothing is queued and nothing new was tracked for a moment (impressions arrive from an
// IntersectionObserver a frame or more after a scroll, and the app also syncs on its own timer). Called before
// every reload too: an event whose local write is cut off by the unload can still leave by the page-hide beacon,
// so the server would hold one event more than the device remembers tracking (the server still stores it once).
async function quiesce() {
  let last = -1;
  for (let k = 0; k < 40; k++) {
    const s = await page.evaluate(async () => {
      await new Promise((r) => setTimeout(r, 150));
      await window.wayfinder.sync().catch(() => {});
      return await window.wayfinder.stats();
    });
    if (s.outbox + s.pendingEvents === 0 && s.tracked === last) return s;
    last = s.tracked;
  }
  throw new Error('the page kept tracking or could not sync');
}
async function waitFor(check, what, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function metric(name) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : 0;
}

test('profile → recommendations → feedback changes the own ranking', async () => {
  const t0 = Date.now();
  await page.goto(server.url + '/');
  await page.getByLabel('Interests').fill('machine learning, data visualisation');
  await page.getByLabel('Languages').fill('Python');
  await page.getByLabel('Frameworks').fill('PyTorch');
  await page.getByLabel('Learning goals').fill('train a neural network from scratch');
  await page.getByLabel('Field of study').fill('computer science');
  await page.getByLabel('Skill level').selectOption('beginner');
  await page.waitForFunction(() => window.wayfinder, null, { timeout: 60000 });
  // This test is about feedback: it starts from the embedding-based ranking (the lexical first stage, offered while
  // the model loads, is tested in firstvisit.e2e.test.mjs), so the target below is one the package's own
  // recommend() — which waits for the model — also ranks.
  await page.evaluate(() => window.wayfinder.modelReady());
  const first = await getRecommendations();
  assert.equal(await page.getAttribute('#cards', 'data-stage'), 'embedding');
  figures.coldFirstRecommendationsMs = Date.now() - t0;
  assert.ok(first.length >= 10);
  await page.screenshot({ path: path.join(SHOTS, 'app.png'), fullPage: true });
  assert.deepEqual(await accessibilityProblems(), [], 'accessibility of the page with recommendations');
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at phone width (${overflow} px too wide)`);
  await page.locator('article.card').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'app-phone.png') });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Thompson draws are random per ranking: the mean position over fresh RL rankings (limit 40), 12 before and 24 after
  // (8 each left a standard error of about 1.5 places: one clean-clone run saw 8 → 9.6 where others saw 9 → 5.6,
  // 16 → 5.5, 21 → 4.4). Before the feedback at most 15: the package keeps the 16 latest rankings, and the click
  // below must still find the shown page's (its propensity). The target is a project the exploit step placed (an
  // explored one sits at a random slot).
  const meanPosition = (id, n) =>
    page.evaluate(async ([pid, times]) => {
      const p = await window.wayfinder.savedProfile();
      let sum = 0;
      for (let k = 0; k < times; k++) {
        const r = await window.wayfinder.recommend(p, { limit: 40, useRL: true });
        sum += r.items.find((i) => i.projectId === pid)?.position ?? 40;
      }
      return sum / times;
    }, [id, n]);
  const target = first.filter((c) => !c.explored).at(-1);
  const meanBefore = await meanPosition(target.id, 12);
  // Click the first project (opens a tab), bookmark and rate the target 5 stars.
  const [popup] = await Promise.all([browser.context.waitForEvent('page'), page.locator('article.card h3 a').first().click()]);
  await popup.close();
  const card = page.locator(`article.card[data-project-id="${target.id}"]`);
  await card.getByRole('button', { name: 'Bookmark' }).click();
  await card.getByRole('button', { name: 'Rate 5 stars' }).click();
  const local = await page.evaluate((id) => window.wayfinder.localCounts(id), target.id);
  assert.ok(local.alpha > 0, 'local counts learned at once');
  const second = await getRecommendations();
  // In the A/B "similarity" arm the page is the content ranking by design; in the "rl" arm it changes at once.
  // The arm is in the details view, not in the learner's status line.
  assert.doesNotMatch(await page.textContent('#status'), /arm|ms\b/);
  const arm = await page.getAttribute('#ranking-details', 'data-arm');
  figures.arm = arm;
  if (arm === 'rl') assert.notDeepEqual(second.map((c) => c.id), first.map((c) => c.id), 'the own ranking changed');
  const meanAfter = await meanPosition(target.id, 24);
  figures.ownRankingMeanPosition = [meanBefore, meanAfter];
  assert.ok(meanAfter < meanBefore, `bookmarked + 5★ project ranks higher on average: ${meanBefore} → ${meanAfter}`);

  const t = await page.evaluate(() => window.wayfinderTimings.lastRecommendMs);
  figures.recommendCachedEmbeddingInAppMs = Math.round(t);
  // The package call alone (new ranking id each time: a full Thompson re-rank), median of 7.
  figures.recommendCachedEmbeddingMedianMs = await page.evaluate(async () => {
    const p = await window.wayfinder.savedProfile();
    const ts = [];
    for (let k = 0; k < 7; k++) {
      const s = performance.now();
      await window.wayfinder.recommend(p, { limit: 10 });
      ts.push(performance.now() - s);
    }
    return Math.round(ts.sort((a, b) => a - b)[3] * 10) / 10;
  });
  figures.appTimings = await page.evaluate(() => {
    const t = window.wayfinder.timings;
    return { coreMs: Math.round(t.coreMs), shardMs: Math.round(t.shardMs), modelMs: Math.round(t.modelMs) };
  });
  const stats = await quiesce();
  assert.equal(stats.outbox + stats.pendingEvents, 0);
  const rows = JSON.parse(server.sql(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM user_interactions`));
  assert.equal(rows[0].n, stats.tracked);
  assert.equal(rows[0].d, stats.tracked);
  // On the wire every event of a shown project carries both arms' slot probabilities.
  assert.ok(posted.length >= stats.tracked);
  for (const e of posted.filter((x) => x.position !== undefined)) {
    assert.ok(e.propensity > 0 && e.propensity <= 1, `${e.type} propensity ${e.propensity}`);
    assert.ok(e.altPropensity >= 0 && e.altPropensity <= 1, `${e.type} altPropensity ${e.altPropensity}`);
  }
});

test('cards show the learning kind; the kind filter keeps only hands-on material; an unknown kind is refused', async () => {
  const KINDS = ['tutorial', 'book', 'exercises', 'example', 'list', 'reference', 'library', 'tool', 'app'];
  const kindsOnPage = () => page.$$eval('article.card .facts .kind', (ls) => ls.map((l) => [l.dataset.kind, l.textContent]));
  await page.getByLabel('Show').selectOption('');
  const all = await getRecommendations();
  const shown = await kindsOnPage();
  assert.equal(shown.length, all.length, 'every card names its kind');
  for (const [kind, label] of shown) assert.ok(KINDS.includes(kind) && label.length > 0, `card kind ${kind} "${label}"`);
  figures.kindsOnFirstPage = shown.map(([k]) => k);
  // A beginner's page leads with learning material (tests/eval measures how much).
  assert.ok(shown.some(([k]) => KINDS.indexOf(k) < 6), `learning material on a beginner's page: ${shown.map(([k]) => k)}`);

  await page.getByLabel('Show').selectOption('hands-on');
  const handsOn = await getRecommendations();
  assert.ok(handsOn.length >= 10);
  const filtered = await kindsOnPage();
  figures.kindsHandsOn = filtered.map(([k]) => k);
  for (const [kind] of filtered) assert.ok(['tutorial', 'exercises', 'example'].includes(kind), `hands-on filter showed ${kind}`);
  await page.screenshot({ path: path.join(SHOTS, 'app-hands-on.png'), fullPage: true });

  const refused = await page.evaluate(async () => {
    const p = await window.wayfinder.savedProfile();
    try {
      await window.wayfinder.recommend(p, { kinds: ['video'] });
      return null;
    } catch (e) {
      return e.message;
    }
  });
  assert.match(refused ?? '', /unknown kind 'video' \(allowed: tutorial, book, exercises, example, list, reference, library, tool, app/);
  await page.getByLabel('Show').selectOption('');
});

test('the page is usable by keyboard alone: fill the profile, get recommendations, bookmark and rate', async () => {
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.wayfinder && document.querySelectorAll('article.card').length >= 10, null, { timeout: 60000 });
  await page.evaluate(() => document.activeElement?.blur());
  await page.evaluate(() => window.scrollTo(0, 0));
  // Tab order: skip link, the views' nav, then the six fields and the kind filter in reading order, then the button.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  const order = [];
  for (let k = 0; k < 12; k++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id));
  }
  assert.deepEqual(order, ['nav-recommendations', 'nav-saved', 'nav-history', 'nav-data', 'interests', 'languages', 'frameworks', 'goals',
    'field_of_study', 'skill_level', 'kind_filter', 'go']);
  await page.focus('#interests');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('web development, games');
  await page.focus('#skill_level');
  await page.keyboard.press('ArrowDown'); // a native select changes with the arrow keys
  const before = await page.evaluate(() => window.wayfinderTimings.lastRecommendMs);
  await page.focus('#go');
  await page.keyboard.press('Enter');
  await page.waitForFunction((b) => window.wayfinderTimings.lastRecommendMs !== b, before, { timeout: 60000 });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results', 'focus moves to the results');
  // From the results, Tab reaches the first card's link, then its Bookmark; Space presses it.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.closest('article.card h3') !== null), true);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Bookmark');
  const tracked = await page.evaluate(async () => (await window.wayfinder.stats()).tracked);
  await page.keyboard.press('Space');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-pressed')), 'true');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // "Rate 2 stars"
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Rate 2 stars');
  await page.waitForFunction(async (t) => (await window.wayfinder.stats()).tracked >= t + 2, tracked);
  const focus = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(focus, 'none', 'the focused control shows a focus ring');
  assert.deepEqual(await accessibilityProblems(), []);
  await quiesce();
});

test('repeat visit uses the caches; offline reload still recommends; queued events arrive exactly once', async () => {
  await quiesce();
  const t0 = Date.now();
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('article.card').length >= 10, null, { timeout: 60000 });
  figures.repeatVisitFirstRecommendationsMs = Date.now() - t0;
  await page.evaluate(() => navigator.serviceWorker.ready);
  await quiesce();

  await browser.context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('article.card').length >= 10, null, { timeout: 60000 });
  const offlineCards = await cards();
  // A card not bookmarked yet (the first test bookmarks its target, which its feedback may have moved up to here;
  // pressing "Bookmarked" takes a bookmark back instead of queueing one).
  const pressed = await page.$$eval('article.card button.bookmark', (bs) => bs.map((b) => b.getAttribute('aria-pressed')));
  const free = offlineCards.filter((_, i) => i >= 2 && pressed[i] === 'false');
  const c = page.locator(`article.card[data-project-id="${free[0].id}"]`);
  await c.getByRole('button', { name: 'Bookmark' }).click();
  await c.getByRole('button', { name: 'Rate 4 stars' }).click();
  // Stored locally (IndexedDB) a moment after the clicks; offline, nothing can leave the outbox.
  await page
    .waitForFunction(async () => {
      const s = await window.wayfinder.stats();
      return s.outbox + s.pendingEvents >= 2;
    }, null, { timeout: 30000 })
    .catch(() => {});
  const queued = await page.evaluate(() => window.wayfinder.stats());
  assert.ok(queued.outbox + queued.pendingEvents >= 2, `interactions are queued offline: ${JSON.stringify(queued)}`);
  await page.screenshot({ path: path.join(SHOTS, 'app-offline.png'), fullPage: false });

  await browser.context.setOffline(false);
  await page.waitForFunction(async () => {
    const s = await window.wayfinder.stats();
    if (s.outbox + s.pendingEvents > 0) await window.wayfinder.sync().catch(() => {});
    const t = await window.wayfinder.stats();
    return t.outbox + t.pendingEvents === 0;
  }, null, { timeout: 30000, polling: 500 });
  const stats = await quiesce();
  const clientId = await page.evaluate(() => window.wayfinder.userId);
  const rows = JSON.parse(server.sql(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM user_interactions WHERE client_id = '${clientId}'`));
  assert.equal(rows[0].n, stats.tracked, 'every tracked event stored');
  assert.equal(rows[0].d, rows[0].n, 'none twice');
});

test('page hide sends the queue by beacon; the next sync resends the same batch; the server stores it once', async () => {
  // What the server saw, not what the DevTools protocol reports: Chromium does not always hand a beacon's Blob
  // body to the protocol, so counting beacons from page 'request' events is unreliable.
  const clientId = await page.evaluate(() => window.wayfinder.userId);
  const cards0 = await cards();
  const c = page.locator(`article.card[data-project-id="${cards0[4].id}"]`);
  await c.scrollIntoViewIfNeeded(); // impressions of the cards that scroll in are tracked now, not mid-test
  await quiesce();
  const replayedBefore = await metric('wayfinder_batches_replayed_total');
  const tracked = await page.evaluate(async () => (await window.wayfinder.stats()).tracked);
  await c.getByRole('button', { name: 'Rate 3 stars' }).click();
  await page.waitForFunction(async (t) => (await window.wayfinder.stats()).tracked > t, tracked);
  const beaconed = await page.evaluate(() => window.wayfinder.flushOnHide()); // what pagehide/hidden does
  assert.ok(beaconed >= 1, 'a beacon part was sent');
  const ratingStored = `SELECT count(*) AS n FROM user_feedback WHERE client_id = '${clientId}' AND project_id = '${cards0[4].id}' AND stars = 3`;
  await waitFor(() => JSON.parse(server.sql(ratingStored))[0].n === 1, 'the beaconed rating is stored by the server');
  await page.evaluate(() => window.wayfinder.sync()); // resends the pending batch (same id), unless the app's own timer did
  assert.ok((await metric('wayfinder_batches_replayed_total')) > replayedBefore, 'the resent batch was a replay');
  const stats = await quiesce();
  assert.equal(stats.outbox + stats.pendingEvents, 0);
  assert.equal(JSON.parse(server.sql(ratingStored))[0].n, 1, 'the rating stored once');
  const rows = JSON.parse(server.sql(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM user_interactions WHERE client_id = '${clientId}'`));
  assert.equal(rows[0].n, stats.tracked, 'every tracked event stored');
  assert.equal(rows[0].d, rows[0].n, 'none twice');
});

test('a cached shard from another build (same file names, other sha256) is fetched again, past the service worker', async () => {
  const manifest = await (await fetch(`${server.url}/models/shards/manifest.json`)).json();
  const urls = [manifest.shards[0].file, manifest.shards[0].vectors.file].map((f) => `${server.url}/models/shards/${f}`);
  await page.evaluate(async (list) => {
    for (const u of list) {
      for (const name of await caches.keys()) {
        const c = await caches.open(name);
        if (await c.match(u)) await c.put(u, new Response(new Uint8Array([1, 2, 3])));
      }
      const c = await caches.open('wayfinder-assets-v1');
      await c.put(u, new Response(new Uint8Array([1, 2, 3])));
    }
  }, urls);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('article.card').length >= 10, null, { timeout: 60000 });
  await page.waitForFunction(() => window.wayfinder?.modelReady(), null, { timeout: 60000 });
  const cachedBytes = await page.evaluate(
    async (list) => Promise.all(list.map(async (u) => (await (await caches.match(u)).arrayBuffer()).byteLength)),
    urls,
  );
  assert.deepEqual(cachedBytes, [manifest.shards[0].bytes, manifest.shards[0].vectors.bytes], 'both stale copies were replaced');
});

test('a press the recommender refuses is said on the page, not only in the console', async () => {
  await page.waitForFunction(() => document.querySelectorAll('article.card').length >= 10, null, { timeout: 60000 });
  await page.evaluate(() => window.wayfinder.dispose()); // the worker's recommender now refuses every event
  const c = page.locator('article.card').nth(5);
  await c.getByRole('button', { name: 'Rate 3 stars' }).click();
  await page.waitForFunction(() => /was not recorded/.test(document.querySelector('#status').textContent), null, { timeout: 10000 });
  assert.equal(await page.textContent('#status'), 'Your rating was not recorded: recommender is disposed');
});

test('dashboard shows per-arm plots and the experiment from the admin report', async () => {
  await fetch(`${server.url}/v1/admin/evaluate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  await page.goto(`${server.url}/dashboard.html#token=${ADMIN_TOKEN}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30000 });
  assert.ok((await page.locator('#ctr-chart svg').count()) === 1);
  assert.deepEqual(await accessibilityProblems(), [], 'accessibility of the dashboard');
  await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
});

test('the app and the dashboard are served with a Content-Security-Policy, and no page broke it', async () => {
  for (const file of ['/', '/dashboard.html', '/app.js']) {
    const res = await fetch(`${server.url}${file}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/, `${file}: ${csp}`);
    assert.match(csp, /connect-src 'self'/, `${file}: ${csp}`);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', file);
    assert.ok(res.headers.get('permissions-policy'), file);
  }
  assert.deepEqual(browser.cspViolations, [], 'CSP violations reported by any page of this run');
});
