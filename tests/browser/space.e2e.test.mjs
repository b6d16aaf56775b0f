// The learner's own space in Chromium against the real wayfinder-sync: save, reload offline and see the list;
// unbookmark (the event reaches the server); change a rating in the history; "not interested" then page 2; undo;
// export; forget me.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SHOTS, launchBrowser, startServer } from './harness.mjs';

let server, browser, page;

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('dialog', (d) => d.accept()); // "Forget me" asks first
});
after(async () => {
  await browser?.context.close();
  await server?.stop();
});

const cardIds = (sel = '#cards') => page.$$eval(`${sel} article.card`, (as) => as.map((a) => a.dataset.projectId));
const clientId = () => page.evaluate(() => window.wayfinder.userId);
const rows = (q) => JSON.parse(server.sql(q) || '[]');

async function syncAll() {
  await page.waitForFunction(async () => {
    await window.wayfinder.sync().catch(() => {});
    const s = await window.wayfinder.stats();
    return s.outbox + s.pendingEvents === 0;
  }, null, { timeout: 30000, polling: 500 });
}

// The server's rows for `q` once it holds `n` of them: syncs until then (an event tracked just before may still be
// on its way). Times out after 30 s naming the rows it saw and what the device still queues.
async function syncedRows(q, n) {
  const until = Date.now() + 30000;
  for (;;) {
    await syncAll();
    const got = rows(q);
    if (got.length >= n || Date.now() > until) {
      const queued = await page.evaluate(async () => ({ stats: await window.wayfinder.stats(), queued: (await window.wayfinder.exportData()).queuedEvents.map((e) => e.type) }));
      assert.equal(got.length, n, `the server holds ${JSON.stringify(got)}; the device: ${JSON.stringify(queued)}`);
      return got;
    }
    await page.waitForTimeout(500);
  }
}

async function recommendations() {
  await page.goto(server.url + '/');
  await page.getByLabel('Interests').fill('machine learning, data visualisation');
  await page.getByLabel('Languages').fill('Python');
  await page.waitForFunction(() => window.wayfinder, null, { timeout: 60000 });
  await page.evaluate(() => window.wayfinder.modelReady());
  await page.getByRole('button', { name: 'Get recommendations' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#cards article.card').length >= 10, null, { timeout: 60000 });
  return cardIds();
}

async function openView(name) {
  await page.getByRole('button', { name, exact: true }).click();
  await page.waitForFunction((n) => document.body.dataset.view === n, { Saved: 'saved', History: 'history', 'My data': 'data', Recommendations: 'recommendations' }[name]);
}

test('save two projects, reload offline: the Saved view lists them, newest first, with their facts', async () => {
  const ids = await recommendations();
  for (const id of [ids[0], ids[1]]) {
    await page.locator(`#cards article.card[data-project-id="${id}"]`).getByRole('button', { name: 'Bookmark' }).click();
    await page.waitForTimeout(20); // distinct bookmark times
  }
  await page.waitForFunction(async () => (await window.wayfinder.saved()).length === 2);
  await syncAll();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await browser.context.setOffline(true);
  try {
    await page.reload();
    await page.waitForFunction(() => window.wayfinder, null, { timeout: 60000 });
    await openView('Saved');
    await page.waitForFunction(() => document.querySelectorAll('#saved-list article.card').length === 2, null, { timeout: 30000 });
    assert.deepEqual(await cardIds('#saved-list'), [ids[1], ids[0]]);
    const first = page.locator('#saved-list article.card').first();
    assert.ok((await first.locator('h3').textContent()).length > 0);
    assert.match(await first.locator('.facts').textContent(), /stars/);
    assert.match(await page.textContent('#saved-status'), /2 saved/);
    await page.screenshot({ path: path.join(SHOTS, 'app-saved-offline.png') });
  } finally {
    await browser.context.setOffline(false);
  }
});

test('unbookmark in the Saved view: gone from the list, and the event reaches the server', async () => {
  const [top] = await cardIds('#saved-list');
  await page.locator(`#saved-list article.card[data-project-id="${top}"]`).getByRole('button', { name: 'Remove from saved' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#saved-list article.card').length === 1);
  assert.equal((await page.evaluate(() => window.wayfinder.saved())).some((s) => s.projectId === top), false);
  const id = await clientId();
  const got = await syncedRows(`SELECT type FROM user_interactions WHERE client_id = '${id}' AND project_id = '${top}' AND type IN ('bookmark','unbookmark') ORDER BY at_ms`, 2);
  assert.deepEqual(got.map((r) => r.type), ['bookmark', 'unbookmark']);
  assert.deepEqual(await page.evaluate((p) => window.wayfinder.localCounts(p), top), { alpha: 0, beta: 0 }, 'its reward was taken back');
});

test('change a rating in place in the History view', async () => {
  await openView('Recommendations');
  const ids = await cardIds();
  const target = ids[3];
  await page.locator(`#cards article.card[data-project-id="${target}"]`).getByRole('button', { name: 'Rate 5 stars' }).click();
  await page.waitForFunction(async (p) => (await window.wayfinder.history()).some((h) => h.projectId === p && h.stars === 5), target);
  await openView('History');
  const entry = page.locator(`#history-list article.card[data-project-id="${target}"]`);
  await entry.waitFor();
  assert.match(await entry.locator('legend').textContent(), /5 of 5/);
  await entry.getByRole('button', { name: 'Rate 2 stars' }).click();
  await page.waitForFunction((p) => /2 of 5/.test(document.querySelector(`#history-list article.card[data-project-id="${p}"] legend`)?.textContent ?? ''), target);
  assert.equal(await entry.getByRole('button', { name: 'Rate 2 stars' }).getAttribute('aria-pressed'), 'true');
  assert.equal((await page.evaluate(() => window.wayfinder.history())).find((h) => h.projectId === target).stars, 2);
  const got = await syncedRows(`SELECT stars FROM user_interactions WHERE client_id = '${await clientId()}' AND project_id = '${target}' AND type = 'rating' ORDER BY at_ms`, 2);
  assert.deepEqual(got.map((r) => r.stars), [5, 2]);
});

test('"Not interested": the card goes at once, the page refills, page 2 never shows it; Undo brings it back', async () => {
  await openView('Recommendations');
  const before = await cardIds();
  const gone = before[4];
  await page.locator(`#cards article.card[data-project-id="${gone}"]`).getByRole('button', { name: /^Not interested/ }).click();
  await page.waitForFunction((p) => !document.querySelector(`#cards article.card[data-project-id="${p}"]`), gone);
  const after1 = await cardIds();
  assert.equal(after1.length, before.length, 'the page still holds as many cards');
  assert.deepEqual(after1.slice(0, 9), before.filter((id) => id !== gone).slice(0, 9));
  assert.ok(await page.isVisible('#undo'));
  await page.getByRole('button', { name: 'More' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('#cards article.card').length >= n + 10, after1.length, { timeout: 30000 });
  const after2 = await cardIds();
  assert.ok(!after2.includes(gone), 'page 2 does not show it');
  assert.equal(new Set(after2).size, after2.length, 'no card twice');
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction((p) => !!document.querySelector(`#cards article.card[data-project-id="${p}"]`), gone);
  const back = await cardIds();
  assert.equal(back.length, after2.length);
  assert.equal(back.indexOf(gone), 4, 'back where it was');
  const got = await syncedRows(`SELECT type FROM user_interactions WHERE client_id = '${await clientId()}' AND project_id = '${gone}' AND type LIKE '%interested%' ORDER BY at_ms`, 2);
  assert.deepEqual(got.map((r) => r.type), ['not_interested', 'undo_not_interested']);
});

// Every table of the server's database with a client_id column, and how many rows of `id` it holds.
function clientRows(id) {
  const tables = rows("SELECT m.name AS t FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'client_id'");
  return Object.fromEntries(tables.map(({ t }) => [t, rows(`SELECT count(*) AS n FROM ${t} WHERE client_id = '${id}'`)[0].n]));
}

test('My data: Export downloads one JSON file; Forget me deletes every row of this client and clears the device', async () => {
  await syncAll();
  const id = await clientId();
  await openView('My data');
  assert.match(await page.textContent('#view-data'), /sums over many learners/, 'the page says the merged counts stay');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export my data' }).click()]);
  const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(data.format, 'wayfinder-export');
  assert.equal(data.clientId, id);
  assert.equal(data.saved.length, 1);
  const before = clientRows(id);
  assert.ok(before.user_interactions > 0 && before.user_sessions > 0, JSON.stringify(before));

  await page.getByRole('button', { name: 'Forget me' }).click();
  await page.waitForFunction(() => /^Forgotten/.test(document.querySelector('#data-status').textContent), null, { timeout: 30000 });
  const status = await page.textContent('#data-status');
  assert.match(status, new RegExp(`${before.user_interactions} user interactions`), status);
  const after = clientRows(id);
  assert.deepEqual(Object.values(after).filter((n) => n > 0), [], `rows left: ${JSON.stringify(after)}`);
  const line = server.log().split('\n').find((l) => l.includes('"client forgotten"'));
  assert.ok(line, 'the forget is logged');
  assert.ok(!line.includes(id), `the log line names a keyed hash, not the client id: ${line}`);
  assert.equal(await page.evaluate(() => localStorage.getItem('wayfinder.userId')), null, 'the device dropped its id');
  await page.reload();
  await page.waitForFunction(() => window.wayfinder, null, { timeout: 60000 });
  assert.notEqual(await clientId(), id, 'a new pseudonymous id after forgetting');
  assert.deepEqual(await page.evaluate(() => window.wayfinder.saved()), []);
});
