// The learner's own space in the app: the "Saved", "History" and "My data" views and the "Not interested" control
// of every card (with Undo). Every rule is the package's and the core's (rec.saved(), rec.history(), rec.rate(),
// rec.notInterested(), rec.exportData(), rec.forget(): web/src/space.js); this file only shows them.
const $ = (sel) => document.querySelector(sel);
const VIEWS = ['recommendations', 'saved', 'history', 'data'];

// A press the recommender refused (for example after "Forget me"): said in the view's status line, not only in the
// console. `what` names the press ("rating", "bookmark" …). The app's cards use it too.
export function notRecorded(statusSel, what, e) {
  console.warn(`${what}: ${e.message}`);
  $(statusSel).textContent = `Your ${what} was not recorded: ${e.message}`;
}

const when = (iso) => (iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : '');

// One view at a time; the nav's buttons say which (aria-current), and the views re-read the package when shown.
function showView(name, render) {
  for (const v of VIEWS) {
    $(`#view-${v}`).hidden = v !== name;
    $(`#nav-${v}`).setAttribute('aria-current', v === name ? 'page' : 'false');
  }
  document.body.dataset.view = name;
  return render[name]?.();
}

function titleOf(ui, item) {
  return item.url ? ui.el('a', { href: item.url, target: '_blank', rel: 'noopener' }, item.fullName ?? item.projectId) : item.projectId;
}

function savedCard(ui, rec, item, rerender) {
  const remove = ui.el('button', {
    type: 'button',
    class: 'unbookmark',
    onclick: async () => {
      try {
        await rec.unbookmark(item.projectId);
      } catch (e) {
        return notRecorded('#saved-status', 'removal from saved', e);
      }
      document.dispatchEvent(new CustomEvent('wayfinder:unbookmarked', { detail: item.projectId }));
      await rerender();
    },
  }, 'Remove from saved');
  return ui.el('article', { class: 'card', 'data-project-id': item.projectId },
    ui.el('h3', {}, titleOf(ui, item)),
    ui.el('p', { class: 'desc' }, item.description || 'No description.'),
    item.fullName ? ui.facts(item) : null,
    ui.el('p', { class: 'when' }, `Saved ${when(item.savedAt)}`),
    ui.el('div', { class: 'actions' }, remove));
}

async function renderSaved(ui, rec) {
  const list = await rec.saved();
  const rerender = () => renderSaved(ui, rec);
  $('#saved-list').replaceChildren(...list.map((item) => savedCard(ui, rec, item, rerender)));
  $('#saved-status').textContent = list.length ? `${list.length} saved, newest first.` : 'Nothing saved yet: press “Bookmark” on a card.';
}

function ratingButtons(ui, rec, item, rerender) {
  const box = ui.el('fieldset', { class: 'stars' }, ui.el('legend', {}, item.stars ? `Your rating: ${item.stars} of 5` : 'Not rated'));
  for (let n = 1; n <= 5; n++) {
    const onclick = () => rec.rate(item.projectId, n).then(rerender, (e) => notRecorded('#history-status', 'rating', e));
    box.append(ui.el('button', { type: 'button', 'aria-label': `Rate ${n} star${n > 1 ? 's' : ''}`, 'aria-pressed': item.stars === n ? 'true' : 'false', onclick }, `${n}★`));
  }
  return box;
}

async function renderHistory(ui, rec) {
  const list = await rec.history();
  const rerender = () => renderHistory(ui, rec);
  $('#history-list').replaceChildren(...list.map((item) => ui.el('article', { class: 'card', 'data-project-id': item.projectId },
    ui.el('h3', {}, titleOf(ui, item)),
    ui.el('p', { class: 'when' }, [item.openedAt ? `Opened ${when(item.openedAt)}` : null, item.ratedAt ? `rated ${when(item.ratedAt)}` : null].filter(Boolean).join(' · ')),
    ui.el('div', { class: 'actions' }, ratingButtons(ui, rec, item, rerender)))));
  $('#history-status').textContent = list.length ? `${list.length} projects opened or rated, latest first.` : 'Nothing opened or rated yet.';
}

// "My data": export everything the device holds as one file; "Forget me" clears the device and the server's rows.
function mountData(rec) {
  $('#export-data').addEventListener('click', async () => {
    const data = await rec.exportData();
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `wayfinder-data-${data.exportedAt.slice(0, 10)}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    $('#data-status').textContent = `Exported ${data.saved.length} saved, ${data.history.length} history entries and ${data.queuedEvents.length} unsent events.`;
  });
  $('#forget-me').addEventListener('click', async () => {
    if (!confirm('Delete everything Wayfinder holds about you on this device and on the server?')) return;
    const btn = $('#forget-me');
    btn.disabled = true;
    try {
      const r = await rec.forget();
      const parts = r.deleted ? Object.entries(r.deleted).map(([t, n]) => `${n} ${t.replace(/_/g, ' ')}`) : [];
      $('#data-status').textContent = `Forgotten. This device is cleared${parts.length ? `; the server deleted ${parts.join(', ')}` : ''}.`;
      document.dispatchEvent(new CustomEvent('wayfinder:forgotten'));
    } catch (e) {
      $('#data-status').textContent = `Could not forget: ${e.message}`;
    } finally {
      btn.disabled = false;
    }
  });
}

// The "Not interested" control of a card: hides the project for good (the page refills through `refill`) and offers
// Undo, which brings it back.
export function notInterestedButton(ui, rec, item, rankingId, refill) {
  return ui.el('button', {
    type: 'button',
    class: 'not-interested',
    'aria-label': `Not interested in ${item.fullName}`,
    onclick: async () => {
      try {
        await rec.notInterested(item.projectId, { rankingId });
      } catch (e) {
        return notRecorded('#status', '"not interested"', e);
      }
      await refill();
      const undo = $('#undo');
      $('#undo-text').textContent = `${item.fullName} is hidden from your recommendations.`;
      undo.hidden = false;
      $('#undo-button').onclick = async () => {
        undo.hidden = true;
        await rec.undoNotInterested(item.projectId).then(refill, (e) => notRecorded('#status', 'undo', e));
      };
    },
  }, 'Not interested');
}

// ui: {el, facts} (the app's DOM helpers). Wires the nav and the three views.
export function mountSpace(ui, rec) {
  const render = { saved: () => renderSaved(ui, rec), history: () => renderHistory(ui, rec) };
  for (const v of VIEWS) $(`#nav-${v}`).addEventListener('click', () => showView(v, render));
  mountData(rec);
  return { show: (name) => showView(name, render) };
}
