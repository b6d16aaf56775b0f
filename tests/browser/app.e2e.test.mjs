// End to end in Chromium against the real wayfinder-sync: profile → ≥ 10 recommendations → click/bookmark/rate →
// own ranking changes → offline reload still recommends → interactions queue → online → stored exactly once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_TOKEN, SHOTS, launchBrowser, startServer } from './harness.mjs';

let server, browser, page;
const figures = {};

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
});
after(async () => {
  console.log(`# figures ${JSON.stringify(figures)}`);
  await browser?.context.close();
  await server?.stop();
});

async function cards() {
  return page.$$eval('article.card', (as) => as.map((a) => ({ id: a.dataset.projectId, pos: Number(a.dataset.position), ranking: a.dataset.rankingId })));
}
async function getRecommendations() {
  const before = await page.evaluate(() => window.wayfinderTimings?.lastRecommendMs);
  await page.getByRole('button', { name: 'Get recommendations' }).click();
  await page.waitForFunction((b) => window.wayfinderTimings?.lastRecommendMs !== b && document.querySelectorAll('article.card').length >= 10, before, { timeout: 60000 });
  return cards();
}
async function settled() {
  await page.evaluate(() => window.wayfinder.sync());
  return page.evaluate(() => window.wayfinder.stats());
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
  const first = await getRecommendations();
  figures.coldFirstRecommendationsMs = Date.now() - t0;
  assert.ok(first.length >= 10);
  await page.screenshot({ path: path.join(SHOTS, 'app.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SHOTS, 'app-phone.png') });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Click the first project (opens a tab), bookmark and rate the 8th 5 stars.
  const [popup] = await Promise.all([browser.context.waitForEvent('page'), page.locator('article.card h3 a').first().click()]);
  await popup.close();
  const target = first[7];
  const card = page.locator(`article.card[data-project-id="${target.id}"]`);
  await card.getByRole('button', { name: 'Bookmark' }).click();
  await card.getByRole('button', { name: 'Rate 5 stars' }).click();
  const local = await page.evaluate((id) => window.wayfinder.localCounts(id), target.id);
  assert.ok(local.alpha > 0, 'local counts learned at once');
  const second = await getRecommendations();
  // In the A/B "similarity" arm the page is the content ranking by design; in the "rl" arm it changes at once.
  const arm = (await page.textContent('#status')).match(/arm (\w+)/)[1];
  figures.arm = arm;
  if (arm === 'rl') assert.notDeepEqual(second.map((c) => c.id), first.map((c) => c.id), 'the own ranking changed');
  // Thompson draws are random per ranking: over several fresh rankings the project ranks higher on average.
  const mean = await page.evaluate(async ({ id }) => {
    const p = await window.wayfinder.savedProfile();
    let sum = 0;
    for (let k = 0; k < 8; k++) {
      const r = await window.wayfinder.recommend(p, { limit: 40, useRL: true });
      sum += r.items.find((i) => i.projectId === id)?.position ?? 40;
    }
    return sum / 8;
  }, { id: target.id });
  assert.ok(mean < target.pos, `bookmarked + 5★ project ranks higher on average: ${target.pos} → ${mean}`);

  const t = await page.evaluate(() => window.wayfinderTimings.lastRecommendMs);
  figures.recommendCachedEmbeddingInAppMs = Math.round(t);
  const stats = await settled();
  assert.equal(stats.outbox + stats.pendingEvents, 0);
  const rows = JSON.parse(server.sql(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM user_interactions`));
  assert.equal(rows[0].n, stats.tracked);
  assert.equal(rows[0].d, stats.tracked);
});

test('repeat visit uses the caches; offline reload still recommends; queued events arrive exactly once', async () => {
  const t0 = Date.now();
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('article.card').length >= 10, null, { timeout: 60000 });
  figures.repeatVisitFirstRecommendationsMs = Date.now() - t0;
  await page.evaluate(() => navigator.serviceWorker.ready);

  await browser.context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('article.card').length >= 10, null, { timeout: 60000 });
  const offlineCards = await cards();
  const c = page.locator(`article.card[data-project-id="${offlineCards[2].id}"]`);
  await c.getByRole('button', { name: 'Bookmark' }).click();
  await c.getByRole('button', { name: 'Rate 4 stars' }).click();
  const queued = await page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 300));
    return window.wayfinder.stats();
  });
  assert.ok(queued.outbox + queued.pendingEvents >= 2, 'interactions are queued offline');
  await page.screenshot({ path: path.join(SHOTS, 'app-offline.png'), fullPage: false });

  await browser.context.setOffline(false);
  await page.waitForFunction(async () => {
    const s = window.wayfinder.stats();
    if (s.outbox + s.pendingEvents > 0) await window.wayfinder.sync().catch(() => {});
    const t = window.wayfinder.stats();
    return t.outbox + t.pendingEvents === 0;
  }, null, { timeout: 30000, polling: 500 });
  const stats = await page.evaluate(() => window.wayfinder.stats());
  const clientId = await page.evaluate(() => window.wayfinder.userId);
  const rows = JSON.parse(server.sql(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM user_interactions WHERE client_id = '${clientId}'`));
  assert.equal(rows[0].n, stats.tracked, 'every tracked event stored');
  assert.equal(rows[0].d, rows[0].n, 'none twice');
});

test('dashboard shows per-arm plots and the experiment from the admin report', async () => {
  await fetch(`${server.url}/v1/admin/evaluate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  await page.goto(`${server.url}/dashboard.html#token=${ADMIN_TOKEN}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30000 });
  assert.ok((await page.locator('#ctr-chart svg').count()) === 1);
  await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
});
