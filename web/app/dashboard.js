// The dashboard: reads GET /v1/admin/report (bearer token) and GET /v1/bandit, draws its own SVG line charts.
const $ = (s) => document.querySelector(s);
const COLORS = ['#0a58ca', '#d1242f', '#1a7f37', '#8250df', '#9a6700'];
const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

// series: [{name, points: [{x: 'YYYY-MM-DD', y}]}]
export function lineChart(series, { label, format = (v) => v.toFixed(2) }) {
  const W = 900, H = 260, L = 56, R = 24, T = 16, B = 40;
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort();
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
  const svg = svgEl('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label });
  svg.append(svgEl('title', {}, label));
  if (!days.length || !ys.length) {
    svg.append(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no data yet'));
    return svg;
  }
  let lo = Math.min(0, ...ys), hi = Math.max(...ys);
  if (hi === lo) hi = lo + 1;
  const x = (d) => L + (days.length === 1 ? (W - L - R) / 2 : (days.indexOf(d) * (W - L - R)) / (days.length - 1));
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    svg.append(svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#eaeef2' }));
    svg.append(svgEl('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
  }
  const step = Math.max(1, Math.ceil(days.length / 6));
  days.forEach((d, i) => {
    if (i % step === 0 || i === days.length - 1) svg.append(svgEl('text', { x: x(d), y: H - B + 16, 'text-anchor': 'middle' }, d.slice(5)));
  });
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = s.points.filter((p) => Number.isFinite(p.y)).sort((a, b) => (a.x < b.x ? -1 : 1));
    if (pts.length > 1) svg.append(svgEl('polyline', { points: pts.map((p) => `${x(p.x)},${y(p.y)}`).join(' '), fill: 'none', stroke: c, 'stroke-width': 2.5 }));
    // With one day (or few), label the values so a lone dot still reads as a number.
    if (days.length <= 3) {
      for (const p of pts) svg.append(svgEl('text', { x: x(p.x) + 8, y: y(p.y) - 8 + i * 14, fill: c, 'font-weight': 600 }, `${s.name} ${format(p.y)}`));
    }
    for (const p of pts) {
      const dot = svgEl('circle', { cx: x(p.x), cy: y(p.y), r: 4, fill: c });
      dot.append(svgEl('title', {}, `${s.name} ${p.x}: ${format(p.y)}`));
      svg.append(dot);
    }
  });
  return svg;
}

// names: arms with a series (coloured as in the chart); idle: arms of the experiment without data yet.
// A colour swatch set through the CSSOM: the Content-Security-Policy forbids inline style attributes.
function swatch(color) {
  const w = document.createElement('span');
  w.className = 'swatch';
  if (color) w.style.background = color;
  return w;
}

function legend(names, idle = []) {
  const d = document.createElement('div');
  d.className = 'legend';
  names.forEach((n, i) => {
    const s = document.createElement('span');
    s.append(swatch(COLORS[i % COLORS.length]), n);
    d.append(s);
  });
  for (const n of idle) {
    const s = document.createElement('span');
    s.className = 'idle';
    s.append(swatch(null), `${n} (no impressions yet)`);
    d.append(s);
  }
  return d;
}

function table(headers, rows) {
  const t = document.createElement('table');
  const tr = t.createTHead().insertRow();
  for (const h of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    tr.append(th);
  }
  const body = t.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    for (const c of r) row.insertCell().textContent = c;
  }
  if (!rows.length) {
    const cell = body.insertRow().insertCell();
    cell.colSpan = headers.length;
    cell.className = 'empty';
    cell.textContent = 'none yet';
  }
  return t;
}

const pct = (v) => (v == null ? '–' : `${(v * 100).toFixed(1)}%`);
const num = (v, d = 2) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(d));

async function load(token) {
  const status = $('#dash-status');
  status.textContent = 'Loading…';
  const res = await fetch('/v1/admin/report', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!res.ok) {
    status.textContent = `Report: HTTP ${res.status}${res.status === 401 ? ' (wrong token)' : ''}`;
    return;
  }
  const report = await res.json();
  sessionStorage.setItem('wayfinder.adminToken', token);
  const arms = [...new Set((report.arms ?? []).map((a) => a.arm))];
  const series = (field) => arms.map((arm) => ({ name: arm, points: report.arms.filter((a) => a.arm === arm).map((a) => ({ x: a.day, y: a[field] })) }));
  const exps = report.experiments ?? [];
  const idle = [...new Set(exps.flatMap((e) => (e.arms ?? []).map((a) => a.arm)))].filter((a) => !arms.includes(a));
  $('#ctr-chart').replaceChildren(lineChart(series('ctr'), { label: 'CTR per arm per day', format: pct }), legend(arms, idle));
  $('#reward-chart').replaceChildren(lineChart(series('avgReward'), { label: 'Average reward per arm per day' }), legend(arms, idle));
  $('#experiments').replaceChildren(
    ...exps.flatMap((e) => {
      const p = document.createElement('p');
      p.textContent = `${e.name ?? e.experimentId}: ${e.significant ? `significant — winner ${e.winner}` : 'no significant winner yet'} (always-valid p = ${num(e.alwaysValidP, 3)}; ${e.method ?? ''}${e.epsilon != null ? `; ε = ${num(e.epsilon, 3)}` : ''})`;
      return [p, table(['arm', 'impressions', 'clicks', 'CTR', 'CTR 95% CI', 'avg reward', 'reward 95% CI'],
        (e.arms ?? []).map((a) => [a.arm, a.impressions, a.clicks, pct(a.ctr), a.ctrInterval ? `${pct(a.ctrInterval[0])} – ${pct(a.ctrInterval[1])}` : '–', num(a.avgReward), a.rewardInterval ? `${num(a.rewardInterval[0])} – ${num(a.rewardInterval[1])}` : '–']))];
    }),
  );
  if (!exps.length) $('#experiments').textContent = 'No evaluation yet.';
  $('#merges').replaceChildren(table(['day', 'events', 'episodes', 'clients', 'CTR', 'avg reward', 'Δ CTR', 'snapshot', 'ms'],
    (report.merges ?? []).map((m) => [m.day, m.events, m.episodes, m.clients, pct(m.ctr), num(m.avgReward), m.ctrChange == null ? '–' : pct(m.ctrChange), m.snapshotVersion, m.durationMs])));
  $('#alerts').replaceChildren(table(['at', 'kind', 'severity', 'message'], (report.alerts ?? []).map((a) => [a.at, a.kind, a.severity, a.message])));
  // Community posterior mean with the prior centred on the pooled mean (strength 2), as the core's posterior does.
  const bandit = await (await fetch('/v1/bandit', { cache: 'no-store' })).json().catch(() => ({ counts: {} }));
  const entries = Object.entries(bandit.counts ?? {});
  const sa = entries.reduce((s, [, c]) => s + c.alpha, 0), sn = entries.reduce((s, [, c]) => s + c.alpha + c.beta, 0);
  const m0 = (sa + 0.3 * 20) / (sn + 20);
  const top = entries.map(([id, c]) => ({ id, mean: (m0 * 2 + c.alpha) / (2 + c.alpha + c.beta), c }))
    .sort((a, b) => b.mean - a.mean).slice(0, 20);
  $('#top').replaceChildren(table(['project', 'posterior mean', 'α', 'β', 'impressions'], top.map((t) => [t.id, num(t.mean, 3), num(t.c.alpha), num(t.c.beta), t.c.impressions ?? '–'])));
  const when = report.generatedAt ? new Date(report.generatedAt).toLocaleString() : '–';
  status.textContent = `Report generated ${when}; snapshot v${report.snapshotVersion ?? bandit.version ?? '–'}.`;
  document.body.dataset.ready = 'true';
}

$('#token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  load($('#token').value).catch((err) => ($('#dash-status').textContent = `Failed: ${err.message}`));
});
const saved = sessionStorage.getItem('wayfinder.adminToken') ?? new URLSearchParams(location.hash.slice(1)).get('token');
if (saved) {
  $('#token').value = saved;
  load(saved).catch((err) => ($('#dash-status').textContent = `Failed: ${err.message}`));
}
